build2/src/cli/cmd_gen.o: src/cli/cmd_gen.c src/cli/cli.h \
 include/revl/common.h include/revl/gen.h include/revl/parse.h
src/cli/cli.h:
include/revl/common.h:
include/revl/gen.h:
include/revl/parse.h:
