build2/src/cli/cmd_cache.o: src/cli/cmd_cache.c include/revl/cache.h \
 include/revl/common.h include/revl/ingest.h include/revl/parse.h \
 include/revl/store.h src/cli/cli.h
include/revl/cache.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
src/cli/cli.h:
