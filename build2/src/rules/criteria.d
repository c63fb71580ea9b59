build2/src/rules/criteria.o: src/rules/criteria.c include/revl/criteria.h \
 include/revl/common.h include/revl/parse.h include/revl/store.h
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
