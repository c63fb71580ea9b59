build2/src/parse/parse.o: src/parse/parse.c include/revl/parse.h
include/revl/parse.h:
