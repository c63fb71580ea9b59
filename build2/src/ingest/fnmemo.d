build2/src/ingest/fnmemo.o: src/ingest/fnmemo.c src/ingest/mapint.h \
 include/revl/ingest.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h
src/ingest/mapint.h:
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
