build2/src/metrics/pipeline.o: src/metrics/pipeline.c \
 include/revl/metric_deals.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h include/revl/metric.h src/metrics/mframe.h \
 src/metrics/mcore.h include/revl/metrics.h
include/revl/metric_deals.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metric.h:
src/metrics/mframe.h:
src/metrics/mcore.h:
include/revl/metrics.h:
