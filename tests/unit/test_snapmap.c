/*
 * test_snapmap.c -- a restored table is the snapshot itself, mapped
 * read-only (src/ingest/snapshot.c): its columns and the store's string
 * table point into the mapping, and every change copies them to the
 * heap first (revl_col_own, revl_intern_own).  Each change is made to a
 * parsed store and to a restored one, and the two must then dump the
 * same: pushes that grow a column, a reserve, a retype, a row filter,
 * new strings, another file parsed into the restored store, a second
 * restore over the first.  A write into the mapping would fault, a free
 * of it would be caught by ASan, so `make asan` runs this too.
 */
#include "test.h"
#include "storedump.h"

#include "revl/cache.h"
#include "revl/gen.h"
#include "revl/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char cache_dir[600], gen_dir[600];

static revl_store *load(const char *dir, int cache) {
  revl_cache_setup(cache_dir, !cache);
  revl_store *s = revl_store_new();
  if (!s) exit(2);
  revl_load_opts o = {.data_dir = dir, .quiet = 1};
  revl_error err;
  memset(&err, 0, sizeof err);
  int rc = revl_load_dir(s, &o, &err);
  CHECK_INT(rc, 0);
  return s;
}

static char *dump(const revl_store *s) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) exit(2);
  dump_tables(f, s, 1);
  const revl_intern *in = &s->strings;
  fprintf(f, "strings n %u bytes %zu mask %u\n", in->n, in->nbytes, in->mask);
  for (uint32_t id = 1; id < in->n; id++)
    fprintf(f, "%u %s\n", id, revl_intern_str(in, id));
  fclose(f);
  return buf;
}

static void same(const revl_store *a, const revl_store *b, const char *what) {
  char *x = dump(a), *y = dump(b);
  if (strcmp(x, y) == 0) {
    test_passed++;
  } else {
    test_failed++;
    size_t i = 0;
    while (x[i] && x[i] == y[i]) i++;
    size_t from = i > 60 ? i - 60 : 0;
    fprintf(stderr, "%s: parsed and restored differ at byte %zu:\n  parsed:   %.160s\n"
            "  restored: %.160s\n", what, i, x + from, y + from);
  }
  free(x);
  free(y);
}

/* Every column with rows of every table of s maps the snapshot. */
static int all_mapped(const revl_store *s) {
  int n = 0;
  for (int i = 0; i < s->ntables; i++)
    for (int k = 0; k < s->tables[i]->ncols; k++) {
      const revl_column *c = s->tables[i]->cols[k];
      if (c->n && !c->mapped) return -1;
      n += c->mapped;
    }
  return n;
}

static int push_one(revl_column *c, uint32_t str) {
  switch (c->type) {
  case REVL_T_STRING: return revl_col_push_str(c, str);
  case REVL_T_INT:
  case REVL_T_DATETIME: return revl_col_push_i64(c, -42);
  case REVL_T_NUMBER: return revl_col_push_f64(c, 0.25);
  case REVL_T_MONEY: return revl_col_push_money(c, 12345, str);
  case REVL_T_BOOL: return revl_col_push_bool(c, 1);
  case REVL_T_DATE: return revl_col_push_date(c, 20000);
  }
  return -1;
}

/* The same changes, whatever the store's arrays are. */
static void change(revl_store *s) {
  revl_table *acc = revl_store_table(s, "accounts");
  revl_table *deals = revl_store_table(s, "deals");
  revl_table *reps = revl_store_table(s, "reps");
  CHECK(acc && deals && reps);
  if (!acc || !deals || !reps) return;
  /* new strings: the string table is copied, every id keeps its string */
  uint32_t usd = revl_intern_find(&s->strings, "USD", 3);
  CHECK(usd != 0);
  uint32_t nw = revl_intern_add(&s->strings, "a string no file has", 20);
  CHECK(nw != 0);
  CHECK(!s->strings.mapped);
  CHECK_INT(revl_intern_add(&s->strings, "USD", 3), usd);
  CHECK_INT(revl_intern_find(&s->strings, "a string no file has", 20), nw);
  CHECK_INT(revl_intern_reserve(&s->strings, 5000), 0);
  char key[32];
  for (int i = 0; i < 3000; i++) { /* past a rehash of the slots */
    int n = snprintf(key, sizeof key, "new-%d", i);
    CHECK(revl_intern_add(&s->strings, key, (size_t)n) != 0);
  }
  /* accounts: a push (growth), a reserve, a retype, a null per column */
  for (int i = 0; i < acc->ncols; i++) {
    revl_column *c = acc->cols[i];
    switch (i % 4) {
    case 0: CHECK_INT(push_one(c, nw), 0); break;
    case 1:
      CHECK_INT(revl_col_reserve(c, c->n + 1000), 0);
      CHECK_INT(push_one(c, usd), 0);
      break;
    case 2:
      CHECK_INT(revl_table_retype_col(acc, i, REVL_T_INT), 0);
      CHECK_INT(revl_col_push_i64(c, 7), 0);
      break;
    default: CHECK_INT(revl_col_push_null(c), 0); break;
    }
    CHECK(!c->mapped);
  }
  /* deals: every third row dropped (compacted in place) */
  uint8_t *keep = malloc(deals->nrows + 1);
  if (!keep) exit(2);
  for (size_t r = 0; r < deals->nrows; r++) keep[r] = r % 3 != 1;
  CHECK_INT(revl_table_filter_rows(deals, keep), 0);
  free(keep);
  for (int i = 0; i < deals->ncols; i++) CHECK(!deals->cols[i]->mapped);
  /* reps: read through a unique index, left as it is */
  if (reps->pk >= 0) {
    CHECK(revl_table_uindex(reps, reps->pk) != NULL);
    CHECK(revl_table_find(reps, "no such rep", 11) < 0);
  }
}

int main(void) {
  char tmp[] = "/tmp/revl-snapmap-XXXXXX";
  if (!mkdtemp(tmp)) return 2;
  snprintf(cache_dir, sizeof cache_dir, "%s/cache", tmp);
  snprintf(gen_dir, sizeof gen_dir, "%s/gen", tmp);
  revl_gen_opts g = {gen_dir, 1000, 8000, 500, 20, 11, 20454, REVL_GEN_CANONICAL, 0, {0, 0}};
  CHECK_INT(gen_quiet(&g), 0);
  CHECK(is_dir(gen_dir));

  revl_store *parsed = load(gen_dir, 0);
  revl_store_free(load(gen_dir, 1)); /* writes the snapshots */
  revl_store *restored = load(gen_dir, 1);
  CHECK_INT(restored->nmaps, restored->ntables);
  CHECK_INT(parsed->nmaps, 0);
  CHECK(all_mapped(restored) > 20);
  CHECK(restored->strings.mapped);
  same(parsed, restored, "as loaded");

  change(parsed);
  change(restored);
  same(parsed, restored, "after the changes");
  /* the untouched tables still read the mapping */
  revl_table *reps = revl_store_table(restored, "reps");
  CHECK(reps && reps->ncols && reps->cols[0]->mapped);

  /* another file parsed into each: the restored string table grows */
  char path[700];
  snprintf(path, sizeof path, "%s/reps.csv", gen_dir);
  revl_cache_setup(cache_dir, 1);
  revl_error e1, e2;
  memset(&e1, 0, sizeof e1);
  memset(&e2, 0, sizeof e2);
  CHECK_INT(revl_load_file(parsed, "reps2", path, NULL, 0, &e1), 0);
  CHECK_INT(revl_load_file(restored, "reps2", path, NULL, 0, &e2), 0);
  same(parsed, restored, "another file parsed after");
  revl_store_free(parsed);
  revl_store_free(restored);

  /* a restore right after another one, over a mapped string table, then
   * the store freed with nothing copied */
  parsed = load(gen_dir, 0);
  restored = load(gen_dir, 1);
  CHECK(restored->strings.mapped);
  same(parsed, restored, "restored again");
  revl_store_free(parsed);
  revl_store_free(restored);

  revl_cache_setup(NULL, 1);
  char cmd[800];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  TEST_END();
}
