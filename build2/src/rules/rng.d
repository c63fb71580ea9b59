build2/src/rules/rng.o: src/rules/rng.c include/revl/rng.h
include/revl/rng.h:
