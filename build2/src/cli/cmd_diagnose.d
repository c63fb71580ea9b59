build2/src/cli/cmd_diagnose.o: src/cli/cmd_diagnose.c src/cli/cli.h \
 include/revl/common.h include/revl/csvw.h include/revl/diagnose.h \
 include/revl/store.h include/revl/ingest.h include/revl/parse.h \
 include/revl/runtime.h
src/cli/cli.h:
include/revl/common.h:
include/revl/csvw.h:
include/revl/diagnose.h:
include/revl/store.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/runtime.h:
