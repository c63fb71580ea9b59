build2/src/metrics/country.o: src/metrics/country.c \
 include/revl/metrics.h include/revl/common.h
include/revl/metrics.h:
include/revl/common.h:
