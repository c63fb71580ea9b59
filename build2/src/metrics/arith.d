build2/src/metrics/arith.o: src/metrics/arith.c include/revl/metrics.h \
 include/revl/common.h
include/revl/metrics.h:
include/revl/common.h:
