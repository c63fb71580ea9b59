build2/src/rules/route_state.o: src/rules/route_state.c \
 include/revl/route.h include/revl/common.h include/revl/criteria.h \
 include/revl/parse.h include/revl/store.h include/revl/sbuf.h
include/revl/route.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/sbuf.h:
