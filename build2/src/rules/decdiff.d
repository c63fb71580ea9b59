build2/src/rules/decdiff.o: src/rules/decdiff.c include/revl/decdiff.h \
 include/revl/reasons.h include/revl/eval.h include/revl/common.h \
 include/revl/criteria.h include/revl/parse.h include/revl/store.h \
 include/revl/rules.h include/revl/sbuf.h
include/revl/decdiff.h:
include/revl/reasons.h:
include/revl/eval.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/rules.h:
include/revl/sbuf.h:
