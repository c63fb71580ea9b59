build2/src/rules/card.o: src/rules/card.c include/revl/reasons.h \
 include/revl/eval.h include/revl/common.h include/revl/criteria.h \
 include/revl/parse.h include/revl/store.h include/revl/rules.h \
 include/revl/sbuf.h
include/revl/reasons.h:
include/revl/eval.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/rules.h:
include/revl/sbuf.h:
