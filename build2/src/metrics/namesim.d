build2/src/metrics/namesim.o: src/metrics/namesim.c src/metrics/namesim.h
src/metrics/namesim.h:
