build2/src/common.o: src/common.c include/revl/common.h
include/revl/common.h:
