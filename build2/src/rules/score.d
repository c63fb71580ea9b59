build2/src/rules/score.o: src/rules/score.c include/revl/parse.h \
 include/revl/rules.h include/revl/criteria.h include/revl/common.h \
 include/revl/store.h
include/revl/parse.h:
include/revl/rules.h:
include/revl/criteria.h:
include/revl/common.h:
include/revl/store.h:
