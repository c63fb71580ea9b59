/*
 * test_lazy.c -- tables that load on first use (revl_load_dir with
 * lazy = 1, src/ingest/load.c): an opened directory has parsed nothing;
 * asking for a table loads it and the tables it refers to, with its
 * links resolved; once every table is in, the store holds what a whole-
 * directory load leaves (the bad-input corpus, the examples, generated
 * data); a failed load is its FILE:LINE:COL error, and stays.
 */
#include "test.h"
#include "storedump.h"

#include "revl/gen.h"
#include "revl/ingest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The store's tables in the directory's order (whatever order they
 * loaded in), each with where its links point. */
static void dump_store(FILE *f, const revl_store *s) {
  for (int i = 0, n = revl_store_count(s); i < n; i++) {
    const revl_table *t = revl_store_loaded(s, revl_store_name(s, i));
    if (!t) {
      fprintf(f, "table %s not loaded\n", revl_store_name(s, i));
      continue;
    }
    dump_table(f, s, t, 0);
    for (int c = 0; c < t->ncols; c++) {
      const revl_column *col = t->cols[c];
      if (!col->ref) continue;
      fprintf(f, "link %s -> %s.%s:", col->name, col->ref->name,
              col->ref->cols[col->ref_col]->name);
      for (size_t r = 0; r < col->n; r++) fprintf(f, " %d", (int)col->ref_row[r]);
      fputc('\n', f);
    }
  }
}

static char *load_dump(const char *dir, int lazy, int *rc) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) exit(2);
  revl_store *s = revl_store_new();
  revl_load_opts o = {.data_dir = dir, .quiet = 1, .lazy = lazy};
  revl_error err;
  memset(&err, 0, sizeof err);
  *rc = revl_load_dir(s, &o, &err);
  if (!*rc && lazy) {
    CHECK_INT(s->ntables, 0); /* opened: nothing parsed yet */
    *rc = revl_store_load_all(s, &err);
  }
  if (!*rc) dump_store(f, s);
  revl_store_free(s);
  fclose(f);
  return buf;
}

static int ndirs, nfailed;

static void compare(const char *dir) {
  int rc_eager, rc_lazy;
  char *a = load_dump(dir, 0, &rc_eager), *b = load_dump(dir, 1, &rc_lazy);
  CHECK_INT(!rc_lazy, !rc_eager);
  if (rc_eager) nfailed++;
  if (strcmp(a, b) == 0) {
    test_passed++;
  } else {
    test_failed++;
    size_t i = 0;
    while (a[i] && a[i] == b[i]) i++;
    size_t from = i > 60 ? i - 60 : 0;
    fprintf(stderr, "%s: differs at byte %zu:\n  whole: %.200s\n  lazy:  %.200s\n", dir, i,
            a + from, b + from);
  }
  free(a);
  free(b);
  ndirs++;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) exit(2);
  fputs(text, f);
  fclose(f);
}

/* What loads when: a table and the tables it refers to, nothing else. */
static void first_use(const char *tmp) {
  char dir[700], p[800];
  snprintf(dir, sizeof dir, "%s/use", tmp);
  CHECK_INT(mkdir(dir, 0777), 0);
  snprintf(p, sizeof p, "%s/accounts.csv", dir);
  write_file(p, "id,name,owner,parent_id\nA1,Acme,R1,\nA2,Acme EU,R2,A1\n");
  snprintf(p, sizeof p, "%s/reps.csv", dir);
  write_file(p, "id,name\nR1,Ann\nR2,Bob\n");
  snprintf(p, sizeof p, "%s/deals.csv", dir);
  write_file(p, "id,account_id,amount,stage\nD1,A2,10.00,Demo\nD2,A9,5.00,Demo\n");
  snprintf(p, sizeof p, "%s/leads.csv", dir);
  write_file(p, "id,email\nL1,a@x.com\n");
  snprintf(p, sizeof p, "%s/usage.csv", dir);
  write_file(p, "account_id,date,metric,value\nA1,2025-01-01,logins,3\n");
  revl_store *s = revl_store_new();
  revl_load_opts o = {.data_dir = dir, .quiet = 1, .lazy = 1};
  revl_error err;
  CHECK_INT(revl_load_dir(s, &o, &err), 0);
  CHECK_INT(s->ntables, 0);
  CHECK_INT(revl_store_count(s), 5);
  CHECK_STR(revl_store_name(s, 0), "accounts");
  CHECK_STR(revl_store_name(s, 4), "usage");
  CHECK(revl_store_name(s, 5) == NULL);
  /* deals: parsed, then accounts (deals.account_id), then reps
   * (accounts.owner); leads and usage stay on disk */
  revl_table *d = revl_store_table(s, "deals");
  CHECK(d != NULL);
  CHECK_INT(s->ntables, 3);
  CHECK(revl_store_loaded(s, "leads") == NULL);
  CHECK(revl_store_loaded(s, "usage") == NULL);
  revl_table *a = revl_store_loaded(s, "accounts");
  CHECK(a != NULL);
  revl_column *fk = d ? revl_table_column(d, "account_id") : NULL;
  CHECK(fk && fk->ref == a);
  CHECK_INT(fk ? (long long)fk->nbroken : -1, 1); /* A9 */
  CHECK_INT(fk ? fk->ref_row[0] : -2, 1);
  revl_column *own = a ? revl_table_column(a, "owner") : NULL;
  CHECK(own && own->ref == revl_store_loaded(s, "reps"));
  revl_column *par = a ? revl_table_column(a, "parent_id") : NULL;
  CHECK(par && par->ref == a); /* a table that refers to itself */
  CHECK_INT(par ? par->ref_row[1] : -2, 0);
  /* a second ask loads nothing; an unknown name is no table, no error */
  CHECK(revl_store_table(s, "deals") == d);
  revl_table *none = d;
  CHECK_INT(revl_store_need(s, "quotes", &none, &err), 0);
  CHECK(none == NULL);
  CHECK_INT(s->ntables, 3);
  CHECK(revl_store_table(s, "usage") != NULL);
  CHECK_INT(s->ntables, 4);
  CHECK_INT(revl_store_load_all(s, &err), 0);
  CHECK_INT(s->ntables, 5);
  revl_store_free(s);
}

/* A table that cannot load: its error at first use and at every later
 * ask for it; other tables still load (a REPL session goes on), and the
 * store remembers that a load failed (the run fails). */
static void failed_load(const char *tmp) {
  char dir[700], p[800];
  snprintf(dir, sizeof dir, "%s/fail", tmp);
  CHECK_INT(mkdir(dir, 0777), 0);
  snprintf(p, sizeof p, "%s/accounts.csv", dir);
  write_file(p, "id,name\nA1,Acme\n");
  snprintf(p, sizeof p, "%s/deals.csv", dir);
  write_file(p, "id,account_id,amount,stage\nD1,A1,\"10.00,Demo\n");
  snprintf(p, sizeof p, "%s/leads.csv", dir);
  write_file(p, "id,email\nL1,a@x.com\n");
  revl_store *s = revl_store_new();
  revl_load_opts o = {.data_dir = dir, .quiet = 1, .lazy = 1};
  revl_error err;
  memset(&err, 0, sizeof err);
  CHECK_INT(revl_load_dir(s, &o, &err), 0);
  revl_table *a = revl_store_table(s, "accounts");
  CHECK(a != NULL);
  revl_table *t = a;
  CHECK_INT(revl_store_need(s, "deals", &t, &err), REVL_EDATA);
  CHECK(t == NULL);
  char msg[800];
  revl_error_format(&err, msg, sizeof msg);
  CHECK(strstr(msg, "/fail/deals.csv:2:") != NULL);
  CHECK(strstr(msg, "quote") != NULL);
  memset(&err, 0, sizeof err);
  CHECK_INT(revl_store_failed(s, &err), REVL_EDATA);
  CHECK(strstr(err.file, "deals.csv") != NULL);
  memset(&err, 0, sizeof err);
  CHECK_INT(revl_store_need(s, "deals", &t, &err), REVL_EDATA);
  revl_error_format(&err, msg, sizeof msg);
  CHECK(strstr(msg, "/fail/deals.csv:2:") != NULL);
  CHECK(revl_store_table(s, "leads") != NULL);
  CHECK(revl_store_table(s, "accounts") == a);
  CHECK_INT(revl_store_load_all(s, NULL), REVL_EDATA);
  CHECK_INT(s->ntables, 2);
  revl_store_free(s);
}

int main(void) {
  char tmp[] = "/tmp/revl-lazy-XXXXXX";
  if (!mkdtemp(tmp)) return 2;
  first_use(tmp);
  failed_load(tmp);
  /* the bad-input corpus: every case that has a data directory */
  CHECK_INT(each_corpus_dir(compare), 0);
  compare("tests/lua/rules_data");
  char dir[700];
  static const int formats[] = {REVL_GEN_CANONICAL, REVL_GEN_SALESFORCE, REVL_GEN_HUBSPOT};
  for (int i = 0; i < 3; i++) {
    snprintf(dir, sizeof dir, "%s/gen%d", tmp, i);
    revl_gen_opts g = {dir, 2000, 30000, 3000, 40, 7, 20454, formats[i], 0, {0, 0}};
    CHECK_INT(gen_quiet(&g), 0);
    compare(dir);
  }
  CHECK(ndirs > 50);
  CHECK(nfailed > 0 && nfailed < ndirs);
  char cmd[800];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  TEST_END();
}
