build2/src/frame/frame_ops.o: src/frame/frame_ops.c include/revl/frame.h \
 include/revl/common.h include/revl/store.h include/revl/metrics.h
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metrics.h:
