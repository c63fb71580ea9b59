/*
 * test_frame.c -- unit tests for src/frame/: group by (aggregates,
 * nulls, money currencies and overflow, sorted groups), sort (stability,
 * desc with nulls last), take/limit/filter, join (no match, duplicate
 * right keys, left join, frames of two stores), the column index, and
 * CSV / JSON Lines output (quoting, escaping, no file on failure).
 * Frames are built by hand (own strings) and from a small in-memory
 * store.
 */
#include "revl/frame.h"
#include "test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

/* "acct" STRING, "amt" MONEY, "n" INT: rows of accounts, amounts, ints
 * (NULL account / INT64_MIN int = null). */
static revl_frame *small(const char *const *acct, const int64_t *amt,
                         const char *const *cur, const int64_t *n, size_t rows) {
  revl_frame *f = revl_frame_new(NULL);
  int a = revl_frame_add_col(f, "acct", REVL_T_STRING, NULL);
  int m = revl_frame_add_col(f, "amt", REVL_T_MONEY, NULL);
  int k = revl_frame_add_col(f, "n", REVL_T_INT, NULL);
  for (size_t i = 0; i < rows; i++) {
    revl_frame_push_cstr(f, a, acct[i]);
    if (cur[i]) revl_frame_push_money(f, m, amt[i], cur[i]);
    else revl_col_push_null(revl_frame_col(f, m));
    if (n[i] == INT64_MIN) revl_col_push_null(revl_frame_col(f, k));
    else revl_col_push_i64(revl_frame_col(f, k), n[i]);
  }
  CHECK_INT(revl_frame_seal(f), 0);
  return f;
}

static char cellbuf[128];
static const char *cell(const revl_frame *f, int ci, size_t r) {
  size_t len;
  const char *s = revl_frame_cell_text(f, ci, r, cellbuf, sizeof cellbuf, &len);
  if (s != cellbuf) snprintf(cellbuf, sizeof cellbuf, "%.*s", (int)len, s);
  return cellbuf;
}

static char *slurp(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  static char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  buf[n] = 0;
  fclose(fp);
  return buf;
}

static const char *A[] = {"Acme", "Bolt", "Acme", NULL, "Bolt", "Acme"};
static const int64_t AMT[] = {100, 250, 50, 7, 1, 3};
static const char *USD[] = {"USD", "USD", "USD", "USD", NULL, "USD"};
static const int64_t N[] = {1, 2, INT64_MIN, 4, 5, 6};

static void test_group_by(void) {
  revl_frame *f = small(A, AMT, USD, N, 6), *g = NULL;
  revl_error err;
  int keys[] = {0};
  revl_agg aggs[] = {
      {REVL_AGG_COUNT, -1, "rows", 0}, {REVL_AGG_COUNT, 2, "nn", 0},
      {REVL_AGG_SUM, 1, "total", 0},   {REVL_AGG_SUM, 2, "nsum", 0},
      {REVL_AGG_AVG, 1, "avg", 0},     {REVL_AGG_MAX, 2, "nmax", 0},
      {REVL_AGG_MEDIAN, 2, "med", 0},  {REVL_AGG_MIN, 0, "first", 0}};
  CHECK_INT(revl_agg_parse("percentile"), REVL_AGG_PERCENTILE);
  CHECK_INT(revl_agg_parse("count"), REVL_AGG_COUNT);
  CHECK_INT(revl_agg_parse("mode"), -1);
  CHECK_INT(revl_frame_group_by(f, keys, 1, aggs, 8, 0, &g, &err), 0);
  CHECK_INT(g->nrows, 3); /* Acme, Bolt, null in first-appearance order */
  CHECK_INT(g->nkeys, 1);
  CHECK_STR(revl_frame_str(g, 0, 0), "Acme");
  CHECK_STR(revl_frame_str(g, 0, 1), "Bolt");
  CHECK(!revl_frame_valid(g, 0, 2));
  CHECK_STR(cell(g, 1, 0), "3");
  CHECK_STR(cell(g, 2, 0), "2");     /* one null n */
  CHECK_STR(cell(g, 3, 0), "1.53");  /* 100+50+3 cents */
  CHECK_STR(cell(g, 3, 1), "2.50");  /* the null amount skipped */
  CHECK_STR(cell(g, 4, 0), "7");
  CHECK_STR(cell(g, 5, 0), "0.51");  /* 153/3 = 51 cents */
  CHECK_STR(cell(g, 6, 1), "5");
  CHECK_STR(cell(g, 7, 0), "3.5");
  CHECK_STR(cell(g, 8, 0), "Acme");
  CHECK_INT(g->cols[1]->col.type, REVL_T_INT);
  CHECK_INT(g->cols[3]->col.type, REVL_T_MONEY);
  revl_frame_free(g);
  /* sorted: nulls last, text by bytes */
  static const char *B[] = {"b", NULL, "B", "a", "b"};
  revl_frame *f2 = small(B, AMT, USD, N, 5);
  CHECK_INT(revl_frame_group_by(f2, keys, 1, aggs, 1, 1, &g, &err), 0);
  CHECK_INT(g->nrows, 4);
  CHECK_STR(revl_frame_str(g, 0, 0), "B");
  CHECK_STR(revl_frame_str(g, 0, 1), "a");
  CHECK_STR(revl_frame_str(g, 0, 2), "b");
  CHECK(!revl_frame_valid(g, 0, 3));
  CHECK_STR(cell(g, 1, 2), "2");
  revl_frame_free(g);
  revl_frame_free(f2);
  /* errors */
  int bad[] = {9};
  CHECK_INT(revl_frame_group_by(f, bad, 1, aggs, 1, 0, &g, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "out of range") != NULL);
  revl_frame_free(f);
  static const char *C[] = {"USD", "EUR", "USD"};
  static const char *K[] = {"Acme", "Acme", "Bolt"};
  f = small(K, AMT, C, N, 3);
  revl_agg sum[] = {{REVL_AGG_SUM, 1, "total", 0}};
  CHECK_INT(revl_frame_group_by(f, keys, 1, sum, 1, 0, &g, &err), REVL_EDATA);
  CHECK(strstr(err.msg, "USD") && strstr(err.msg, "EUR") && strstr(err.msg, "Acme"));
  revl_frame_free(f);
  static const int64_t BIG[] = {INT64_MAX, 1, 0};
  f = small(K, BIG, USD, N, 3);
  CHECK_INT(revl_frame_group_by(f, keys, 1, sum, 1, 0, &g, &err), REVL_EDATA);
  CHECK(strstr(err.msg, "overflow") != NULL);
  revl_frame_free(f);
  /* empty frame */
  f = small(K, BIG, USD, N, 0);
  CHECK_INT(revl_frame_group_by(f, keys, 1, sum, 1, 1, &g, &err), 0);
  CHECK_INT(g->nrows, 0);
  CHECK_INT(g->ncols, 2);
  revl_frame_free(g);
  revl_frame_free(f);
}

static void test_sort(void) {
  static const char *S[] = {"b", "a", NULL, "b", "a", "c"};
  static const int64_t V[] = {1, 2, 3, 4, 5, INT64_MIN};
  revl_frame *f = small(S, AMT, USD, V, 6);
  revl_error err;
  revl_sortkey k[] = {{0, 0}};
  CHECK_INT(revl_frame_sort(f, k, 1, &err), 0);
  /* stable: a(2) a(5) b(1) b(4) c null */
  const char *want[] = {"2", "5", "1", "4", "", "3"};
  for (int i = 0; i < 6; i++) CHECK_STR(cell(f, 2, (size_t)i), want[i]);
  CHECK(!revl_frame_valid(f, 0, 5));
  revl_sortkey d[] = {{2, 1}};
  CHECK_INT(revl_frame_sort(f, d, 1, &err), 0); /* desc, null last */
  const char *want2[] = {"5", "4", "3", "2", "1", ""};
  for (int i = 0; i < 6; i++) CHECK_STR(cell(f, 2, (size_t)i), want2[i]);
  CHECK_STR(revl_frame_str(f, 0, 0), "a");
  revl_sortkey two[] = {{0, 1}, {2, 0}};
  CHECK_INT(revl_frame_sort(f, two, 2, &err), 0);
  CHECK_STR(revl_frame_str(f, 0, 0), "c");
  CHECK_STR(cell(f, 2, 1), "1");
  CHECK_STR(cell(f, 2, 2), "4");
  CHECK(!revl_frame_valid(f, 0, 5));
  revl_sortkey bad[] = {{7, 0}};
  CHECK_INT(revl_frame_sort(f, bad, 1, &err), REVL_EUSAGE);
  revl_frame_free(f);
}

static int keep_even(const revl_frame *f, size_t row, void *ctx, revl_error *err) {
  (void)ctx, (void)err;
  return revl_frame_valid(f, 2, row) && f->cols[2]->col.v.i64[row] % 2 == 0;
}

static void test_take(void) {
  revl_frame *f = small(A, AMT, USD, N, 6), *t = NULL;
  revl_error err;
  revl_frame_set_name(f, "deals");
  uint32_t rows[] = {4, 0, 0};
  CHECK_INT(revl_frame_take(f, rows, 3, &t, &err), 0);
  revl_frame_free(f); /* t shares nothing with f */
  CHECK_INT(t->nrows, 3);
  CHECK_STR(t->name, "deals");
  CHECK_STR(revl_frame_str(t, 0, 0), "Bolt");
  CHECK(!revl_frame_valid(t, 1, 0));
  CHECK_STR(revl_frame_currency(t, 1, 1), "USD");
  CHECK_INT(revl_frame_push_cstr(t, 0, "Acme"), 0); /* own strings still work */
  revl_frame *l = NULL;
  f = small(A, AMT, USD, N, 6);
  CHECK_INT(revl_frame_limit(f, 2, &l, &err), 0);
  CHECK_INT(l->nrows, 2);
  revl_frame_free(l);
  CHECK_INT(revl_frame_limit(f, 100, &l, &err), 0);
  CHECK_INT(l->nrows, 6);
  revl_frame_free(l);
  CHECK_INT(revl_frame_filter(f, keep_even, NULL, &l, &err), 0);
  CHECK_INT(l->nrows, 3);
  CHECK_STR(cell(l, 2, 2), "6");
  revl_frame_free(l);
  revl_frame_free(t);
  revl_frame_free(f);
}

static void test_rename(void) {
  revl_frame *f = small(A, AMT, USD, N, 6), *r = NULL;
  revl_error err;
  revl_frame_set_name(f, "deals");
  const char *from[] = {"n", "acct"}, *to[] = {"acct", "n"};
  CHECK_INT(revl_frame_rename(f, from, to, 2, &r, &err), 0); /* a swap */
  CHECK_STR(r->cols[0]->col.name, "n");
  CHECK_STR(r->cols[2]->col.name, "acct");
  CHECK_STR(r->name, "deals");
  CHECK_INT(r->nrows, 6);
  CHECK_STR(revl_frame_str(r, 0, 4), "Bolt");
  CHECK(!revl_frame_valid(r, 1, 4));
  CHECK(revl_frame_valid(r, 1, 0));
  CHECK_STR(revl_frame_currency(r, 1, 1), "USD");
  CHECK_STR(cell(r, 2, 5), "6");
  revl_frame_free(r);
  const char *bad[] = {"acc"}, *dup[] = {"amt"}, *empty[] = {""};
  CHECK_INT(revl_frame_rename(f, bad, to, 1, &r, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "did you mean 'acct'") != NULL);
  CHECK(r == NULL);
  CHECK_INT(revl_frame_rename(f, from, dup, 1, &r, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "two columns would be named 'amt'") != NULL);
  CHECK_INT(revl_frame_rename(f, from, empty, 1, &r, &err), REVL_EUSAGE);
  revl_frame_free(f);
}

static void test_join(void) {
  static const char *L[] = {"Acme", "Bolt", "Cog", NULL};
  static const char *R[] = {"Acme", "Zed", "Acme"};
  static const int64_t RV[] = {10, 20, 30};
  revl_frame *l = small(L, AMT, USD, N, 4), *r = small(R, AMT, USD, RV, 3), *j = NULL;
  revl_error err;
  CHECK_INT(revl_frame_join(l, 0, r, 0, 0, &j, &err), 0);
  CHECK_INT(j->nrows, 2); /* Acme x2, in r's order */
  CHECK_INT(j->ncols, 5);
  CHECK_STR(j->cols[3]->col.name, "amt_right");
  CHECK_STR(cell(j, 4, 0), "10");
  CHECK_STR(cell(j, 4, 1), "30");
  revl_frame_free(j);
  CHECK_INT(revl_frame_join(l, 0, r, 0, 1, &j, &err), 0);
  CHECK_INT(j->nrows, 5);
  CHECK_STR(revl_frame_str(j, 0, 2), "Bolt");
  CHECK(!revl_frame_valid(j, 4, 2));
  CHECK(!revl_frame_valid(j, 0, 4));
  CHECK_STR(revl_frame_currency(j, 3, 0), "USD"); /* r's own strings re-interned */
  revl_frame_free(j);
  /* no matches; int keys */
  static const char *R2[] = {"X", "Y"};
  revl_frame *r2 = small(R2, AMT, USD, RV, 2);
  CHECK_INT(revl_frame_join(l, 0, r2, 0, 0, &j, &err), 0);
  CHECK_INT(j->nrows, 0);
  revl_frame_free(j);
  CHECK_INT(revl_frame_join(l, 2, r, 2, 0, &j, &err), 0);
  CHECK_INT(j->nrows, 0);
  revl_frame_free(j);
  CHECK_INT(revl_frame_join(l, 0, r, 2, 0, &j, &err), REVL_EUSAGE);
  /* index */
  revl_frame_index *ix = NULL;
  CHECK_INT(revl_frame_index_new(r, 0, &ix, &err), 0);
  CHECK_INT(revl_frame_index_str(ix, "Acme", 4), 0);
  CHECK_INT(revl_frame_index_str(ix, "Zed", 3), 1);
  CHECK_INT(revl_frame_index_str(ix, "Nope", 4), -1);
  revl_frame_index_free(ix);
  CHECK_INT(revl_frame_index_new(r, 2, &ix, &err), 0);
  CHECK_INT(revl_frame_index_i64(ix, 30), 2);
  CHECK_INT(revl_frame_index_i64(ix, 31), -1);
  revl_frame_index_free(ix);
  revl_frame_free(r2);
  revl_frame_free(r);
  revl_frame_free(l);
}

/* A store with a deals table: acct STRING, amount MONEY. */
static revl_store *store_of(const char *const *acct, size_t n) {
  revl_store *s = revl_store_new();
  revl_table *t = revl_store_add_table(s, "deals", "");
  revl_table_add_col(t, "acct", REVL_T_STRING);
  revl_table_add_col(t, "amount", REVL_T_MONEY);
  uint32_t usd = revl_intern_add(&s->strings, "USD", 3);
  for (size_t i = 0; i < n; i++) {
    revl_col_push_str(t->cols[0], revl_intern_add(&s->strings, acct[i], strlen(acct[i])));
    revl_col_push_money(t->cols[1], (int64_t)(i + 1) * 100, usd);
  }
  t->nrows = n;
  return s;
}

static void test_store_frames(void) {
  static const char *X[] = {"Acme", "Bolt", "Acme"};
  static const char *Y[] = {"pad", "Bolt", "Acme"};
  revl_store *s1 = store_of(X, 3), *s2 = store_of(Y, 3);
  revl_view v1 = revl_view_all(revl_store_table(s1, "deals"));
  revl_view v2 = revl_view_all(revl_store_table(s2, "deals"));
  const char *fields[] = {"acct", "amount"};
  revl_frame *a = NULL, *b = NULL, *g = NULL, *j = NULL;
  revl_error err;
  CHECK_INT(revl_frame_from_view(&v1, fields, NULL, 2, &a, &err), 0);
  CHECK_INT(revl_frame_from_view(&v2, fields, NULL, 2, &b, &err), 0);
  int keys[] = {0};
  revl_agg aggs[] = {{REVL_AGG_SUM, 1, "total", 0}};
  CHECK_INT(revl_frame_group_by(a, keys, 1, aggs, 1, 1, &g, &err), 0);
  CHECK(g->cols[0]->dict == &s1->strings);
  CHECK_STR(cell(g, 1, 0), "4.00");
  revl_frame_free(g);
  CHECK_INT(revl_frame_join(a, 0, b, 0, 0, &j, &err), 0); /* two dicts: by text */
  CHECK_INT(j->nrows, 3);
  CHECK_STR(cell(j, 2, 0), "3.00");
  CHECK_STR(cell(j, 2, 1), "2.00");
  revl_frame_free(j);
  revl_frame_free(a);
  revl_frame_free(b);
  revl_store_free(s1);
  revl_store_free(s2);
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  if (!d) return -1;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static void test_write(void) {
  static const char *Q[] = {"a,b", "say \"hi\"", "two\nlines", "tab\tq"};
  static const int64_t V[] = {1, INT64_MIN, -3, 4};
  revl_frame *f = small(Q, AMT, USD, V, 4);
  int num = revl_frame_add_col(f, "x", REVL_T_NUMBER, NULL);
  revl_col_push_f64(revl_frame_col(f, num), 0.1);
  revl_col_push_f64(revl_frame_col(f, num), 1.0 / 0.0);
  revl_col_push_f64(revl_frame_col(f, num), 2.5);
  revl_col_push_null(revl_frame_col(f, num));
  CHECK_INT(revl_frame_seal(f), 0);
  char path[512];
  revl_error err;
  snprintf(path, sizeof path, "%s/out.csv", tmpdir);
  CHECK_INT(revl_frame_write_csv(f, path, NULL, 0, &err), 0);
  CHECK_STR(slurp(path), "acct,amt,n,x\n\"a,b\",1.00,1,0.1\n\"say \"\"hi\"\"\",2.50,,inf\n"
                         "\"two\nlines\",0.50,-3,2.5\ntab\tq,0.07,4,\n");
  snprintf(path, sizeof path, "%s/out.jsonl", tmpdir);
  int cols[] = {3, 0};
  CHECK_INT(revl_frame_write_jsonl(f, path, cols, 2, &err), 0);
  CHECK_STR(slurp(path), "{\"x\":0.1,\"acct\":\"a,b\"}\n{\"x\":null,\"acct\":\"say \\\"hi\\\"\"}\n"
                         "{\"x\":2.5,\"acct\":\"two\\nlines\"}\n{\"x\":null,\"acct\":\"tab\\tq\"}\n");
  CHECK_INT(count_files(tmpdir), 2);
  snprintf(path, sizeof path, "%s/missing/out.csv", tmpdir);
  CHECK_INT(revl_frame_write_csv(f, path, NULL, 0, &err), REVL_EIO);
  int bad[] = {9};
  snprintf(path, sizeof path, "%s/bad.csv", tmpdir);
  CHECK_INT(revl_frame_write_csv(f, path, bad, 1, &err), REVL_EUSAGE);
  CHECK_INT(count_files(tmpdir), 2); /* no temp file left */
  /* an empty frame: header only */
  revl_frame *e = small(Q, AMT, USD, V, 0);
  snprintf(path, sizeof path, "%s/out.csv", tmpdir);
  CHECK_INT(revl_frame_write_csv(e, path, NULL, 0, &err), 0);
  CHECK_STR(slurp(path), "acct,amt,n\n");
  revl_frame_free(e);
  revl_frame_free(f);
}

/* One text key: over a compact range of ids the groups come from an
 * array indexed by id, over spread-out ids from the hash; both give the
 * same groups in the same order, and sorted by the keys' bytes (shared
 * 8-byte prefixes included) with the null group last. */
static revl_frame *keyed(int spread) {
  revl_frame *f = revl_frame_new(NULL);
  int a = revl_frame_add_col(f, "acct", REVL_T_STRING, NULL);
  int m = revl_frame_add_col(f, "amt", REVL_T_MONEY, NULL);
  char key[64];
  if (spread) /* the keys' ids 101 apart: too wide for the array */
    for (int j = 0; j < 600; j++) {
      int len = j < 500 ? snprintf(key, sizeof key, "customer-%03d", (j * 37) % 500)
                        : snprintf(key, sizeof key, "%s", j == 500 ? "customer" : j % 2 ? "a" : "b");
      revl_intern_add(&f->own, key, (size_t)len);
      for (int k = 0; k < 100; k++) {
        len = snprintf(key, sizeof key, "filler %d %d", j, k);
        revl_intern_add(&f->own, key, (size_t)len);
      }
    }
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 3000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    int j = i < 503 ? (i * 211) % 503 : (int)(x % 503); /* every key once, then at random */
    if (j >= 500) {
      const char *odd[] = {"customer", "a", NULL};
      revl_frame_push_cstr(f, a, odd[j - 500]);
    } else {
      snprintf(key, sizeof key, "customer-%03d", j);
      revl_frame_push_cstr(f, a, key);
    }
    revl_frame_push_money(f, m, (int64_t)(x % 100000), "USD");
  }
  CHECK_INT(revl_frame_seal(f), 0);
  return f;
}

static void test_group_dense(void) {
  revl_error err;
  int keys[] = {0};
  revl_agg aggs[] = {{REVL_AGG_COUNT, -1, "n", 0}, {REVL_AGG_SUM, 1, "total", 0},
                     {REVL_AGG_MAX, 1, "top", 0}};
  revl_frame *dense = keyed(0), *spread = keyed(1);
  CHECK(spread->own.n > 60000);
  for (int sorted = 0; sorted <= 1; sorted++) {
    revl_frame *g = NULL, *h = NULL;
    CHECK_INT(revl_frame_group_by(dense, keys, 1, aggs, 3, sorted, &g, &err), 0);
    CHECK_INT(revl_frame_group_by(spread, keys, 1, aggs, 3, sorted, &h, &err), 0);
    if (!g || !h) return;
    CHECK_INT(g->nrows, 503);
    CHECK_INT(h->nrows, g->nrows);
    int differ = 0;
    for (size_t r = 0; r < g->nrows && r < h->nrows; r++)
      for (int c = 0; c < 4; c++) {
        char x[128];
        snprintf(x, sizeof x, "%s", cell(g, c, r));
        if (strcmp(x, cell(h, c, r)) != 0) differ++;
      }
    CHECK_INT(differ, 0);
    if (sorted) {
      int order = 1;
      for (size_t r = 1; r + 1 < g->nrows; r++)
        if (strcmp(revl_frame_str(g, 0, r - 1), revl_frame_str(g, 0, r)) >= 0) order = 0;
      CHECK(order);
      CHECK_STR(revl_frame_str(g, 0, 0), "a");
      CHECK_STR(revl_frame_str(g, 0, 1), "customer");
      CHECK_STR(revl_frame_str(g, 0, 2), "customer-000");
      CHECK(revl_frame_str(g, 0, g->nrows - 1) == NULL); /* nulls last */
    }
    revl_frame_free(g);
    revl_frame_free(h);
  }
  revl_frame_free(dense);
  revl_frame_free(spread);
}

/* Whole numbers and integers are written by a fast path: the same text
 * as "%.15g" (or "%.17g" when that does not read back) and "%lld". */
static void test_cell_numbers(void) {
  static const double d[] = {0.0, -0.0, 1.0, -1.0, 75.0, 0.5, -2.25, 1e15 - 1, -(1e15 - 1),
                             1e15, -1e15, 9007199254740993.0, 1e300, 123456789012.0,
                             0.1, 1.0 / 3.0, 4503599627370496.5};
  static const int64_t v[] = {0, -1, 1, 9, 10, -10, 1234567890123, INT64_MAX, INT64_MIN};
  revl_frame *f = revl_frame_new(NULL);
  int cd = revl_frame_add_col(f, "d", REVL_T_NUMBER, NULL);
  int ci = revl_frame_add_col(f, "i", REVL_T_INT, NULL);
  size_t nd = sizeof d / sizeof *d, ni = sizeof v / sizeof *v;
  for (size_t k = 0; k < nd; k++) {
    revl_col_push_f64(revl_frame_col(f, cd), d[k]);
    revl_col_push_i64(revl_frame_col(f, ci), v[k % ni]);
  }
  CHECK_INT(revl_frame_seal(f), 0);
  for (size_t k = 0; k < nd; k++) {
    char want[64];
    snprintf(want, sizeof want, "%.15g", d[k]);
    if (strtod(want, NULL) != d[k]) snprintf(want, sizeof want, "%.17g", d[k]);
    CHECK_STR(cell(f, cd, k), want);
    snprintf(want, sizeof want, "%lld", (long long)v[k % ni]);
    CHECK_STR(cell(f, ci, k), want);
  }
  revl_frame_free(f);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/revl_test_frame_XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  test_group_by();
  test_group_dense();
  test_cell_numbers();
  test_sort();
  test_take();
  test_rename();
  test_join();
  test_store_frames();
  test_write();
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd)) return 2;
  TEST_END();
}
