build2/src/ingest/infer.o: src/ingest/infer.c src/ingest/loader.h \
 src/ingest/reader.h src/ingest/mapint.h include/revl/ingest.h \
 include/revl/common.h include/revl/parse.h include/revl/store.h
src/ingest/loader.h:
src/ingest/reader.h:
src/ingest/mapint.h:
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
