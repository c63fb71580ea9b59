build2/src/ingest/chunk.o: src/ingest/chunk.c include/revl/mapguard.h \
 src/ingest/loader.h src/ingest/reader.h src/ingest/mapint.h \
 include/revl/ingest.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h
include/revl/mapguard.h:
src/ingest/loader.h:
src/ingest/reader.h:
src/ingest/mapint.h:
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
