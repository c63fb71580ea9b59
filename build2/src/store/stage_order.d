build2/src/store/stage_order.o: src/store/stage_order.c \
 include/revl/stage_order.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h
include/revl/stage_order.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
