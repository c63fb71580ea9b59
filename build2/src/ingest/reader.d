build2/src/ingest/reader.o: src/ingest/reader.c src/ingest/reader.h \
 src/ingest/mapint.h include/revl/ingest.h include/revl/common.h \
 include/revl/parse.h include/revl/store.h
src/ingest/reader.h:
src/ingest/mapint.h:
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
