build2/src/sbuf.o: src/sbuf.c include/revl/sbuf.h
include/revl/sbuf.h:
