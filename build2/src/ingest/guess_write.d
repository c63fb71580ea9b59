build2/src/ingest/guess_write.o: src/ingest/guess_write.c \
 include/revl/guess.h include/revl/common.h include/revl/ingest.h \
 include/revl/parse.h include/revl/store.h include/revl/sbuf.h
include/revl/guess.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/sbuf.h:
