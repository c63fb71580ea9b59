build2/src/parse/calc.o: src/parse/calc.c include/revl/parse.h
include/revl/parse.h:
