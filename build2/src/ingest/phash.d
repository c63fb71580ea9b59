build2/src/ingest/phash.o: src/ingest/phash.c include/revl/phash.h
include/revl/phash.h:
