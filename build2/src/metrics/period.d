build2/src/metrics/period.o: src/metrics/period.c include/revl/metrics.h \
 include/revl/common.h include/revl/parse.h
include/revl/metrics.h:
include/revl/common.h:
include/revl/parse.h:
