build2/src/rules/route_def.o: src/rules/route_def.c include/revl/route.h \
 include/revl/common.h include/revl/criteria.h include/revl/parse.h \
 include/revl/store.h
include/revl/route.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
