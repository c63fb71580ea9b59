build2/src/rules/icp.o: src/rules/icp.c include/revl/rules.h \
 include/revl/criteria.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h
include/revl/rules.h:
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
