build2/src/frame/view_ops.o: src/frame/view_ops.c \
 include/revl/frame_view.h include/revl/frame.h include/revl/common.h \
 include/revl/store.h
include/revl/frame_view.h:
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
