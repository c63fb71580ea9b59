/*
 * csvcount.c -- the floor for loading: libcsv alone counting the fields
 * and records of a file, read in 1 MiB blocks.  The load benchmark
 * compares revl's typed load of the same file against this.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static size_t fields, records;
static void cb1(void *s, size_t n, void *d) { (void)s; (void)n; (void)d; fields++; }
static void cb2(int c, void *d) { (void)c; (void)d; records++; }

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: csvcount FILE\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  struct csv_parser p;
  csv_init(&p, 0);
  static char buf[1 << 20];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    if (csv_parse(&p, buf, n, cb1, cb2, NULL) != n) return 1;
  csv_fini(&p, cb1, cb2, NULL);
  csv_free(&p);
  fclose(f);
  printf("%zu records, %zu fields\n", records, fields);
  return 0;
}
