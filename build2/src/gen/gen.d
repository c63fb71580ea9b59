build2/src/gen/gen.o: src/gen/gen.c src/gen/gen_int.h include/revl/csvw.h \
 include/revl/common.h include/revl/gen.h include/revl/parse.h \
 include/revl/rng.h
src/gen/gen_int.h:
include/revl/csvw.h:
include/revl/common.h:
include/revl/gen.h:
include/revl/parse.h:
include/revl/rng.h:
