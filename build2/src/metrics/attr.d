build2/src/metrics/attr.o: src/metrics/attr.c include/revl/metrics.h \
 include/revl/common.h
include/revl/metrics.h:
include/revl/common.h:
