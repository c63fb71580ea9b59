build2/src/ingest/schema.o: src/ingest/schema.c include/revl/ingest.h \
 include/revl/common.h include/revl/parse.h include/revl/store.h
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
