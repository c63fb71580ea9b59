build2/src/rules/diagnose.o: src/rules/diagnose.c include/revl/diagnose.h \
 include/revl/common.h include/revl/store.h include/revl/metrics.h \
 include/revl/route.h include/revl/criteria.h include/revl/parse.h
include/revl/diagnose.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metrics.h:
include/revl/route.h:
include/revl/criteria.h:
include/revl/parse.h:
