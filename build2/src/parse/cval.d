build2/src/parse/cval.o: src/parse/cval.c include/revl/parse.h \
 include/revl/sbuf.h
include/revl/parse.h:
include/revl/sbuf.h:
