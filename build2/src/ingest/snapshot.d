build2/src/ingest/snapshot.o: src/ingest/snapshot.c src/ingest/snap.h \
 include/revl/store.h include/revl/common.h include/revl/ingest.h \
 include/revl/parse.h include/revl/phash.h
src/ingest/snap.h:
include/revl/store.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/phash.h:
