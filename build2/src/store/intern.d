build2/src/store/intern.o: src/store/intern.c include/revl/store.h \
 include/revl/common.h
include/revl/store.h:
include/revl/common.h:
