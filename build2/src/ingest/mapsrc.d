build2/src/ingest/mapsrc.o: src/ingest/mapsrc.c src/ingest/mapint.h \
 include/revl/ingest.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h
src/ingest/mapint.h:
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
