build2/src/output/runmeta.o: src/output/runmeta.c include/revl/runmeta.h \
 include/revl/common.h include/revl/sbuf.h
include/revl/runmeta.h:
include/revl/common.h:
include/revl/sbuf.h:
