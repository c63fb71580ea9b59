build2/src/frame/frame_view.o: src/frame/frame_view.c \
 include/revl/frame_view.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h include/revl/metrics.h include/revl/stage_order.h
include/revl/frame_view.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/metrics.h:
include/revl/stage_order.h:
