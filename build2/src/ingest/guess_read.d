build2/src/ingest/guess_read.o: src/ingest/guess_read.c \
 include/revl/guess.h include/revl/common.h
include/revl/guess.h:
include/revl/common.h:
