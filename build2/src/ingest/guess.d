build2/src/ingest/guess.o: src/ingest/guess.c include/revl/guess.h \
 include/revl/common.h include/revl/ingest.h include/revl/parse.h \
 include/revl/store.h src/ingest/mapint.h
include/revl/guess.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
src/ingest/mapint.h:
