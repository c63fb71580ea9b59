build2/src/gen/gen_sales.o: src/gen/gen_sales.c src/gen/gen_int.h \
 include/revl/csvw.h include/revl/common.h include/revl/gen.h \
 include/revl/parse.h include/revl/rng.h
src/gen/gen_int.h:
include/revl/csvw.h:
include/revl/common.h:
include/revl/gen.h:
include/revl/parse.h:
include/revl/rng.h:
