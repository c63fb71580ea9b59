build2/src/rules/declog.o: src/rules/declog.c include/revl/declog.h \
 include/revl/csvw.h include/revl/common.h include/revl/reasons.h \
 include/revl/eval.h include/revl/criteria.h include/revl/parse.h \
 include/revl/store.h include/revl/rules.h include/revl/sbuf.h \
 include/revl/frame.h
include/revl/declog.h:
include/revl/csvw.h:
include/revl/common.h:
include/revl/reasons.h:
include/revl/eval.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/rules.h:
include/revl/sbuf.h:
include/revl/frame.h:
