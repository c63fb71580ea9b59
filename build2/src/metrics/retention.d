build2/src/metrics/retention.o: src/metrics/retention.c \
 include/revl/metric_revenue.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h include/revl/metric.h src/metrics/mrev.h \
 src/metrics/mframe.h src/metrics/mcore.h include/revl/metrics.h \
 include/revl/parse.h
include/revl/metric_revenue.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metric.h:
src/metrics/mrev.h:
src/metrics/mframe.h:
src/metrics/mcore.h:
include/revl/metrics.h:
include/revl/parse.h:
