build2/src/ingest/guess_links.o: src/ingest/guess_links.c \
 include/revl/guess.h include/revl/common.h include/revl/ingest.h \
 include/revl/parse.h include/revl/store.h
include/revl/guess.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
