build2/src/metrics/mcore.o: src/metrics/mcore.c src/metrics/mcore.h \
 include/revl/metric.h include/revl/common.h include/revl/frame.h \
 include/revl/store.h include/revl/metrics.h include/revl/parse.h
src/metrics/mcore.h:
include/revl/metric.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/metrics.h:
include/revl/parse.h:
