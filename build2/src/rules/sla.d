build2/src/rules/sla.o: src/rules/sla.c include/revl/route.h \
 include/revl/common.h include/revl/criteria.h include/revl/parse.h \
 include/revl/store.h
include/revl/route.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
