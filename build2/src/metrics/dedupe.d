build2/src/metrics/dedupe.o: src/metrics/dedupe.c include/revl/metrics.h \
 include/revl/common.h include/revl/route.h include/revl/criteria.h \
 include/revl/parse.h include/revl/store.h src/metrics/namesim.h
include/revl/metrics.h:
include/revl/common.h:
include/revl/route.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
src/metrics/namesim.h:
