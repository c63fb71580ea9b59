build2/src/metrics/text.o: src/metrics/text.c include/revl/metrics.h \
 include/revl/common.h
include/revl/metrics.h:
include/revl/common.h:
