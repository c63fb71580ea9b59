build2/src/ingest/mapguard.o: src/ingest/mapguard.c \
 include/revl/mapguard.h include/revl/common.h
include/revl/mapguard.h:
include/revl/common.h:
