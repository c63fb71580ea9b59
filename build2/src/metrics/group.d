build2/src/metrics/group.o: src/metrics/group.c include/revl/metrics.h \
 include/revl/common.h
include/revl/metrics.h:
include/revl/common.h:
