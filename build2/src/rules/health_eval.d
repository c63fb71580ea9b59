build2/src/rules/health_eval.o: src/rules/health_eval.c \
 include/revl/eval.h include/revl/common.h include/revl/criteria.h \
 include/revl/parse.h include/revl/store.h include/revl/rules.h
include/revl/eval.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/rules.h:
