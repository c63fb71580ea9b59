build2/src/rules/route_trail.o: src/rules/route_trail.c \
 include/revl/route.h include/revl/common.h include/revl/criteria.h \
 include/revl/parse.h include/revl/store.h include/revl/csvw.h
include/revl/route.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/csvw.h:
