build2/src/store/store.o: src/store/store.c include/revl/store.h \
 include/revl/common.h
include/revl/store.h:
include/revl/common.h:
