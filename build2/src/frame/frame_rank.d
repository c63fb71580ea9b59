build2/src/frame/frame_rank.o: src/frame/frame_rank.c \
 include/revl/stage_order.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h
include/revl/stage_order.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
