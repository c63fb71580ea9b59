build2/src/ingest/load.o: src/ingest/load.c include/revl/cache.h \
 include/revl/common.h include/revl/ingest.h include/revl/parse.h \
 include/revl/store.h include/revl/csvw.h include/revl/stage_order.h \
 include/revl/frame.h
include/revl/cache.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/csvw.h:
include/revl/stage_order.h:
include/revl/frame.h:
