build2/src/cli/cmd_run.o: src/cli/cmd_run.c src/cli/cli.h \
 include/revl/common.h include/revl/parse.h include/revl/runtime.h
src/cli/cli.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/runtime.h:
