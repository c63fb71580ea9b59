build2/src/metrics/path.o: src/metrics/path.c include/revl/metric_path.h \
 include/revl/frame.h include/revl/common.h include/revl/store.h \
 include/revl/metric.h src/metrics/mframe.h src/metrics/mcore.h \
 include/revl/metrics.h
include/revl/metric_path.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metric.h:
src/metrics/mframe.h:
src/metrics/mcore.h:
include/revl/metrics.h:
