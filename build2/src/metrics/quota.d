build2/src/metrics/quota.o: src/metrics/quota.c \
 include/revl/metric_quota.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h include/revl/metric.h src/metrics/mframe.h \
 src/metrics/mcore.h include/revl/metrics.h include/revl/parse.h
include/revl/metric_quota.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metric.h:
src/metrics/mframe.h:
src/metrics/mcore.h:
include/revl/metrics.h:
include/revl/parse.h:
