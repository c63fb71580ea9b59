build2/src/output/csvw.o: src/output/csvw.c include/revl/csvw.h \
 include/revl/common.h include/revl/sbuf.h
include/revl/csvw.h:
include/revl/common.h:
include/revl/sbuf.h:
