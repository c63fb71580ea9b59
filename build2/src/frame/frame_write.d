build2/src/frame/frame_write.o: src/frame/frame_write.c \
 include/revl/csvw.h include/revl/common.h include/revl/frame.h \
 include/revl/store.h include/revl/parse.h
include/revl/csvw.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/parse.h:
