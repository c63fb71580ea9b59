build2/src/rules/reasons.o: src/rules/reasons.c include/revl/parse.h \
 include/revl/reasons.h include/revl/eval.h include/revl/common.h \
 include/revl/criteria.h include/revl/store.h include/revl/rules.h \
 include/revl/sbuf.h
include/revl/parse.h:
include/revl/reasons.h:
include/revl/eval.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/store.h:
include/revl/rules.h:
include/revl/sbuf.h:
