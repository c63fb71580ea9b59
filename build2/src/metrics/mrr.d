build2/src/metrics/mrr.o: src/metrics/mrr.c include/revl/metrics.h \
 include/revl/common.h
include/revl/metrics.h:
include/revl/common.h:
