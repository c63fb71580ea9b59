build2/src/rules/triggers.o: src/rules/triggers.c include/revl/eval.h \
 include/revl/common.h include/revl/criteria.h include/revl/parse.h \
 include/revl/store.h include/revl/frame.h include/revl/rules.h
include/revl/eval.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/frame.h:
include/revl/rules.h:
