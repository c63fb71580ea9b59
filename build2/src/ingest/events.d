build2/src/ingest/events.o: src/ingest/events.c src/ingest/loader.h \
 src/ingest/reader.h src/ingest/mapint.h include/revl/ingest.h \
 include/revl/common.h include/revl/parse.h include/revl/store.h
src/ingest/loader.h:
src/ingest/reader.h:
src/ingest/mapint.h:
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
