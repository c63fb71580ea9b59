build2/src/output/logread.o: src/output/logread.c include/revl/logread.h \
 include/revl/common.h include/revl/csvw.h include/revl/sbuf.h
include/revl/logread.h:
include/revl/common.h:
include/revl/csvw.h:
include/revl/sbuf.h:
