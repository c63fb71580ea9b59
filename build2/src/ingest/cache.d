build2/src/ingest/cache.o: src/ingest/cache.c include/revl/cache.h \
 include/revl/common.h include/revl/ingest.h include/revl/parse.h \
 include/revl/store.h include/revl/phash.h src/ingest/snap.h
include/revl/cache.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/phash.h:
src/ingest/snap.h:
