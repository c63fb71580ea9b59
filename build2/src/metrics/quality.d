build2/src/metrics/quality.o: src/metrics/quality.c \
 include/revl/metric_revenue.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h include/revl/metric.h src/metrics/mcore.h \
 include/revl/metrics.h
include/revl/metric_revenue.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metric.h:
src/metrics/mcore.h:
include/revl/metrics.h:
