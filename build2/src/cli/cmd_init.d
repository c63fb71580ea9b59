build2/src/cli/cmd_init.o: src/cli/cmd_init.c src/cli/cli.h \
 include/revl/common.h include/revl/csvw.h include/revl/guess.h
src/cli/cli.h:
include/revl/common.h:
include/revl/csvw.h:
include/revl/guess.h:
