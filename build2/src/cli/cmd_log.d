build2/src/cli/cmd_log.o: src/cli/cmd_log.c src/cli/cli.h \
 include/revl/common.h include/revl/csvw.h include/revl/logread.h \
 include/revl/runtime.h
src/cli/cli.h:
include/revl/common.h:
include/revl/csvw.h:
include/revl/logread.h:
include/revl/runtime.h:
