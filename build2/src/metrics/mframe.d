build2/src/metrics/mframe.o: src/metrics/mframe.c src/metrics/mframe.h \
 src/metrics/mcore.h include/revl/metric.h include/revl/common.h \
 include/revl/frame.h include/revl/store.h include/revl/metrics.h \
 include/revl/stage_order.h
src/metrics/mframe.h:
src/metrics/mcore.h:
include/revl/metric.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/metrics.h:
include/revl/stage_order.h:
