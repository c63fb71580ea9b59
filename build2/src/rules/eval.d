build2/src/rules/eval.o: src/rules/eval.c include/revl/frame.h \
 include/revl/common.h include/revl/store.h include/revl/rules.h \
 include/revl/criteria.h include/revl/parse.h include/revl/eval.h
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/rules.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/eval.h:
