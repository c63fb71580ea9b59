/*
 * storedump.h -- a loaded store as text, for the unit tests that compare
 * two loads which must leave the same thing (test_load_threads.c: the
 * reader thread typing values or not; test_snapshot.c: a parse against
 * a restore): every table's counts, rejects, warnings and every cell.
 */
#ifndef REVL_TEST_STOREDUMP_H
#define REVL_TEST_STOREDUMP_H

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "revl/gen.h"
#include "revl/store.h"

/* One cell; with_ids also prints a string's intern id ("7'Acme'"). */
static inline void dump_value(FILE *f, const revl_store *s, const revl_column *c,
                       size_t r, int with_ids) {
  if (!revl_col_valid(c, r)) {
    fputs("~", f);
    return;
  }
  switch (c->type) {
  case REVL_T_STRING:
    if (with_ids) fprintf(f, "%u", c->v.str[r]);
    fprintf(f, "'%s'", revl_intern_str(&s->strings, c->v.str[r]));
    break;
  case REVL_T_INT:
  case REVL_T_DATETIME: fprintf(f, "%lld", (long long)c->v.i64[r]); break;
  case REVL_T_MONEY:
    fprintf(f, "%lld %s", (long long)c->v.i64[r],
            revl_intern_str(&s->strings, c->cur[r]));
    break;
  case REVL_T_NUMBER: fprintf(f, "%.17g", c->v.f64[r]); break;
  case REVL_T_BOOL: fprintf(f, "%d", c->v.b[r]); break;
  case REVL_T_DATE: fprintf(f, "%d", (int)c->v.date[r]); break;
  }
}

/* One table: rows, rejected and duplicate counts, the rejects kept, the
 * warnings, and each column's type, counts and cells. */
static inline void dump_table(FILE *f, const revl_store *s, const revl_table *t, int with_ids) {
  fprintf(f, "table %s rows %zu rejected %zu duplicate %zu\n", t->name,
          t->nrows, t->nrejected, t->nduplicate);
  for (size_t k = 0; k < t->nrejects_kept; k++)
    fprintf(f, "reject %ld:%ld %s | %s\n", t->rejects[k].line,
            t->rejects[k].col, t->rejects[k].reason, t->rejects[k].record);
  for (int k = 0; k < t->nwarnings; k++) fprintf(f, "warning %s\n", t->warnings[k]);
  for (int c = 0; c < t->ncols; c++) {
    const revl_column *col = t->cols[c];
    fprintf(f, "column %s type %d null %zu bad %zu broken %zu:", col->name,
            (int)col->type, col->nnull, col->nbad, col->nbroken);
    for (size_t r = 0; r < col->n; r++) {
      fputc(' ', f);
      dump_value(f, s, col, r, with_ids);
    }
    fputc('\n', f);
  }
}

/* Every table of s, in the order they loaded. */
static inline void dump_tables(FILE *f, const revl_store *s, int with_ids) {
  for (int i = 0; i < s->ntables; i++) dump_table(f, s, s->tables[i], with_ids);
}

static inline int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* fn(dir) for every data directory of the bad-input corpus
 * (tests/cli/bad/CASE/data), then examples/data.  -1 when the corpus
 * cannot be read. */
static inline int each_corpus_dir(void (*fn)(const char *dir)) {
  DIR *d = opendir("tests/cli/bad");
  if (!d) return -1;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char p[512];
    snprintf(p, sizeof p, "tests/cli/bad/%s/data", e->d_name);
    if (is_dir(p)) fn(p);
  }
  closedir(d);
  fn("examples/data");
  return 0;
}

/* revl_gen with its report on stdout silenced; its return code, or -1
 * when stdout could not be redirected. */
static inline int gen_quiet(const revl_gen_opts *g) {
  revl_error err;
  fflush(stdout);
  int out = dup(1);
  if (out < 0 || !freopen("/dev/null", "w", stdout)) return -1;
  int rc = revl_gen(g, &err);
  fflush(stdout);
  dup2(out, 1);
  close(out);
  return rc;
}

#endif
