build2/src/rules/calendar.o: src/rules/calendar.c include/revl/route.h \
 include/revl/common.h include/revl/criteria.h include/revl/parse.h \
 include/revl/store.h
include/revl/route.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
