build2/src/frame/frame.o: src/frame/frame.c include/revl/frame.h \
 include/revl/common.h include/revl/store.h include/revl/parse.h \
 include/revl/sbuf.h
include/revl/frame.h:
include/revl/common.h:
include/revl/store.h:
include/revl/parse.h:
include/revl/sbuf.h:
