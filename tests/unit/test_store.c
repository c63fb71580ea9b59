/*
 * test_store.c -- unit tests for src/store/ (interning, typed columns,
 * tables, unique indexes, foreign keys, row filtering) and for the
 * loader entry points revl_load_file and revl_mapping_read, run on small
 * files written to a temporary directory.
 */
#include "revl/ingest.h"
#include "revl/parse.h"
#include "revl/store.h"
#include "test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

/* Write text to tmpdir/name; returns the path (static buffer). */
static const char *write_file(const char *name, const char *text, size_t n) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fwrite(text, 1, n, f);
  fclose(f);
  return path;
}
#define WRITE(name, text) write_file(name, text, sizeof text - 1)

static int32_t day(int y, unsigned m, unsigned d) {
  return revl_days_from_civil(y, m, d);
}

static const char *str_at(const revl_store *s, const revl_column *c,
                          size_t r) {
  return revl_intern_str(&s->strings, c->v.str[r]);
}

static const char *cur_at(const revl_store *s, const revl_column *c,
                          size_t r) {
  return revl_intern_str(&s->strings, c->cur[r]);
}

/* ---- interning ------------------------------------------------------ */

static void test_intern(void) {
  revl_intern in;
  revl_intern_init(&in);
  CHECK_INT(revl_intern_find(&in, "abc", 3), 0); /* empty table */
  uint32_t a = revl_intern_add(&in, "abc", 3);
  uint32_t b = revl_intern_add(&in, "abd", 3);
  CHECK(a != 0);
  CHECK(b != 0);
  CHECK(a != b);
  CHECK_INT(revl_intern_add(&in, "abc", 3), a);
  CHECK_INT(revl_intern_find(&in, "abc", 3), a);
  CHECK_INT(revl_intern_find(&in, "ab", 2), 0);
  CHECK_INT(revl_intern_find(&in, "abcd", 4), 0);
  CHECK_INT(revl_intern_find(&in, "zzz", 3), 0);
  CHECK_STR(revl_intern_str(&in, a), "abc");
  CHECK_INT(revl_intern_len(&in, a), 3);
  /* the string need not be NUL-terminated; the copy is */
  uint32_t p = revl_intern_add(&in, "prefix-and-more", 6);
  CHECK_STR(revl_intern_str(&in, p), "prefix");
  CHECK_INT(revl_intern_find(&in, "prefix", 6), p);
  /* the empty string is a string like any other: not id 0 */
  uint32_t e = revl_intern_add(&in, "", 0);
  CHECK(e != 0);
  CHECK_INT(revl_intern_add(&in, "", 0), e);
  CHECK_INT(revl_intern_len(&in, e), 0);
  CHECK_STR(revl_intern_str(&in, e), "");
  /* bytes after a NUL count */
  uint32_t z1 = revl_intern_add(&in, "a\0b", 3);
  uint32_t z2 = revl_intern_add(&in, "a\0c", 3);
  uint32_t z3 = revl_intern_add(&in, "a", 1);
  CHECK(z1 != z2 && z1 != z3 && z2 != z3);
  CHECK_INT(revl_intern_len(&in, z1), 3);
  CHECK(memcmp(revl_intern_str(&in, z2), "a\0c", 4) == 0);
  /* case matters */
  CHECK(revl_intern_add(&in, "ABC", 3) != a);
  revl_intern_done(&in);
}

static void test_intern_growth(void) {
  enum { N = 150000 };
  revl_intern in;
  revl_intern_init(&in);
  uint32_t *ids = malloc(N * sizeof *ids);
  char buf[32];
  int ok = 1, distinct = 1;
  for (int i = 0; i < N; i++) {
    int n = snprintf(buf, sizeof buf, "key-%d", i);
    ids[i] = revl_intern_add(&in, buf, (size_t)n);
    if (!ids[i]) ok = 0;
    if (i && ids[i] == ids[i - 1]) distinct = 0;
  }
  CHECK(ok);
  CHECK(distinct);
  CHECK(in.n >= N);
  /* after every rehash and arena growth the ids still name their string */
  int same = 1, found = 1, text = 1;
  for (int i = 0; i < N; i++) {
    int n = snprintf(buf, sizeof buf, "key-%d", i);
    if (revl_intern_add(&in, buf, (size_t)n) != ids[i]) same = 0;
    if (revl_intern_find(&in, buf, (size_t)n) != ids[i]) found = 0;
    if (strcmp(revl_intern_str(&in, ids[i]), buf) != 0 ||
        revl_intern_len(&in, ids[i]) != (uint32_t)n)
      text = 0;
  }
  CHECK(same);
  CHECK(found);
  CHECK(text);
  CHECK_INT(revl_intern_find(&in, "key-150000", 10), 0);
  CHECK_INT(revl_intern_find(&in, "key-", 4), 0);
  /* a long string after many short ones */
  char *big = malloc(1 << 20);
  memset(big, 'q', 1 << 20);
  uint32_t bid = revl_intern_add(&in, big, 1 << 20);
  CHECK(bid != 0);
  CHECK_INT(revl_intern_len(&in, bid), 1 << 20);
  CHECK_INT(revl_intern_find(&in, big, 1 << 20), bid);
  CHECK_STR(revl_intern_str(&in, ids[12345]), "key-12345");
  CHECK(revl_intern_memory(&in) >= (size_t)(1 << 20));
  free(big);
  free(ids);
  revl_intern_done(&in);
}

/* ---- columns -------------------------------------------------------- */

static void test_columns(void) {
  revl_store *s = revl_store_new();
  CHECK(s != NULL);
  CHECK(s->default_currency != 0);
  CHECK_STR(revl_intern_str(&s->strings, s->default_currency), "USD");
  revl_table *t = revl_store_add_table(s, "t", NULL);
  CHECK(t != NULL);
  CHECK_STR(t->file, "");
  CHECK(revl_store_add_table(s, "t", "x.csv") == NULL); /* name taken */
  CHECK(revl_store_table(s, "t") == t);
  CHECK(revl_store_table(s, "nope") == NULL);

  int ci = revl_table_add_col(t, "n", REVL_T_INT);
  CHECK_INT(ci, 0);
  revl_column *c = t->cols[ci];
  /* nulls on both sides of the 64-bit word boundaries, then past the
   * first growth */
  enum { N = 3000 };
  int ok = 1;
  for (int r = 0; r < N; r++) {
    int isnull = r == 0 || r == 63 || r == 64 || r == 127 || r == 128 ||
                 r == 1023 || r == 1024 || r % 7 == 3;
    ok &= (isnull ? revl_col_push_null(c) : revl_col_push_i64(c, r * 10)) == 0;
  }
  CHECK(ok);
  CHECK_INT(c->n, N);
  size_t nnull = 0;
  int bits = 1, vals = 1;
  for (int r = 0; r < N; r++) {
    int isnull = r == 0 || r == 63 || r == 64 || r == 127 || r == 128 ||
                 r == 1023 || r == 1024 || r % 7 == 3;
    nnull += (size_t)isnull;
    if (revl_col_valid(c, (size_t)r) != !isnull) bits = 0;
    if (c->v.i64[r] != (isnull ? 0 : r * 10)) vals = 0;
  }
  CHECK(bits);
  CHECK(vals);
  CHECK_INT(c->nnull, nnull);
  CHECK(c->cap >= N);
  CHECK(revl_col_memory(c) >= N * 8);

  /* every other type */
  int cn = revl_table_add_col(t, "x", REVL_T_NUMBER);
  int cb = revl_table_add_col(t, "b", REVL_T_BOOL);
  int cd = revl_table_add_col(t, "d", REVL_T_DATE);
  int cm = revl_table_add_col(t, "m", REVL_T_MONEY);
  int cs = revl_table_add_col(t, "s", REVL_T_STRING);
  CHECK(cn > 0 && cb > 0 && cd > 0 && cm > 0 && cs > 0);
  uint32_t eur = revl_intern_add(&s->strings, "EUR", 3);
  uint32_t hi = revl_intern_add(&s->strings, "hi", 2);
  for (int r = 0; r < 70; r++) {
    int nul = r == 64;
    revl_column *x = t->cols[cn], *b = t->cols[cb], *d = t->cols[cd],
                *m = t->cols[cm], *st = t->cols[cs];
    if (nul) {
      revl_col_push_null(x);
      revl_col_push_null(b);
      revl_col_push_null(d);
      revl_col_push_null(m);
      revl_col_push_null(st);
    } else {
      revl_col_push_f64(x, r + 0.5);
      revl_col_push_bool(b, r % 3); /* any nonzero is true */
      revl_col_push_date(d, day(2024, 2, 29) + r);
      revl_col_push_money(m, -r * 100, eur);
      revl_col_push_str(st, hi);
    }
  }
  revl_column *x = t->cols[cn], *b = t->cols[cb], *d = t->cols[cd],
              *m = t->cols[cm], *st = t->cols[cs];
  CHECK_DBL(x->v.f64[63], 63.5, 0);
  CHECK_INT(b->v.b[2], 1);
  CHECK_INT(b->v.b[3], 0);
  CHECK_INT(d->v.date[1], day(2024, 3, 1));
  CHECK_INT(m->v.i64[65], -6500);
  CHECK_STR(cur_at(s, m, 65), "EUR");
  CHECK_INT(m->cur[64], 0); /* a null amount has no currency */
  CHECK(!revl_col_valid(m, 64));
  CHECK(revl_col_valid(m, 65));
  CHECK_STR(str_at(s, st, 69), "hi");
  CHECK_INT(st->v.str[64], 0);
  CHECK_INT(x->nnull + b->nnull + d->nnull + m->nnull + st->nnull, 5);
  CHECK_STR(revl_type_name(REVL_T_MONEY), "money");
  CHECK_STR(revl_type_name(REVL_T_DATETIME), "datetime");

  /* retype: an empty column of the new type */
  CHECK_INT(revl_table_retype_col(t, cs, REVL_T_INT), 0);
  CHECK_INT(st->n, 0);
  CHECK_INT(st->nnull, 0);
  CHECK_INT(st->type, REVL_T_INT);
  CHECK_INT(revl_col_push_i64(st, 7), 0);
  CHECK_INT(st->v.i64[0], 7);
  revl_store_free(s);
  revl_store_free(NULL);
}

static void test_column_lookup(void) {
  revl_store *s = revl_store_new();
  revl_table *t = revl_store_add_table(s, "wide", "wide.csv");
  CHECK_INT(revl_table_col(t, "c0"), -1); /* no columns yet */
  char name[32];
  int ok = 1;
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "c%d", i);
    if (revl_table_add_col(t, name, REVL_T_STRING) != i) ok = 0;
  }
  CHECK(ok);
  int found = 1;
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "c%d", i);
    if (revl_table_col(t, name) != i) found = 0;
  }
  CHECK(found);
  CHECK_INT(revl_table_col(t, "c300"), -1);
  CHECK_INT(revl_table_col(t, "C1"), -1);
  CHECK_INT(revl_table_col(t, ""), -1);
  CHECK(revl_table_add_col(t, "c7", REVL_T_INT) < 0); /* taken */
  CHECK_INT(t->ncols, 300);
  CHECK(revl_table_column(t, "c42") == t->cols[42]);
  CHECK(revl_table_column(t, "nope") == NULL);
  CHECK_INT(revl_table_rename_col(t, 5, "five"), 0);
  CHECK_INT(revl_table_col(t, "five"), 5);
  CHECK_INT(revl_table_col(t, "c5"), -1);
  CHECK(revl_table_rename_col(t, 6, "c7") < 0); /* taken */
  CHECK_INT(revl_table_col(t, "c6"), 6);
  CHECK_INT(revl_table_col(t, "c299"), 299);
  revl_table_add_warning(t, "%s has %d columns", "wide", 300);
  CHECK_INT(t->nwarnings, 1);
  CHECK_STR(t->warnings[0], "wide has 300 columns");
  revl_store_free(s);
}

/* A string column filled from a list (NULL = null). */
static void fill(revl_store *s, revl_column *c, const char **v, int n) {
  for (int i = 0; i < n; i++)
    if (v[i])
      revl_col_push_str(c, revl_intern_add(&s->strings, v[i], strlen(v[i])));
    else
      revl_col_push_null(c);
}

static void test_uindex(void) {
  revl_store *s = revl_store_new();
  revl_table *t = revl_store_add_table(s, "t", NULL);
  int k = revl_table_add_col(t, "key", REVL_T_STRING);
  int n = revl_table_add_col(t, "n", REVL_T_INT);
  const char *keys[] = {"A", "B", "A", NULL, "C", "B", "A"};
  fill(s, t->cols[k], keys, 7);
  for (int i = 0; i < 7; i++) revl_col_push_i64(t->cols[n], i);
  t->nrows = 7;
  CHECK(revl_table_uindex(t, n) == NULL); /* only text columns */
  struct revl_uindex *u = revl_table_uindex(t, k);
  CHECK(u != NULL);
  CHECK_INT(u->ndup, 3);
  CHECK_INT(revl_uindex_get(u, revl_intern_find(&s->strings, "A", 1)), 0);
  CHECK_INT(revl_uindex_get(u, revl_intern_find(&s->strings, "B", 1)), 1);
  CHECK_INT(revl_uindex_get(u, revl_intern_find(&s->strings, "C", 1)), 4);
  CHECK_INT(revl_uindex_get(u, revl_intern_add(&s->strings, "D", 1)), -1);
  CHECK_INT(revl_uindex_get(u, 0), -1);
  CHECK(revl_table_uindex(t, k) == u); /* built once */
  CHECK_INT(revl_table_find(t, "A", 1), -1); /* no primary key yet */
  t->pk = k;
  CHECK_INT(revl_table_find(t, "C", 1), 4);
  CHECK_INT(revl_table_find(t, "B", 1), 1);
  CHECK_INT(revl_table_find(t, "Z", 1), -1);
  CHECK_INT(revl_table_find(t, "", 0), -1);

  /* many keys: every one found at its row */
  revl_table *big = revl_store_add_table(s, "big", NULL);
  int bk = revl_table_add_col(big, "id", REVL_T_STRING);
  char buf[32];
  for (int i = 0; i < 20000; i++) {
    int len = snprintf(buf, sizeof buf, "id%05d", i);
    revl_col_push_str(big->cols[bk], revl_intern_add(&s->strings, buf, (size_t)len));
  }
  big->nrows = 20000;
  big->pk = bk;
  int all = 1;
  for (int i = 0; i < 20000; i += 7) {
    int len = snprintf(buf, sizeof buf, "id%05d", i);
    if (revl_table_find(big, buf, (size_t)len) != i) all = 0;
  }
  CHECK(all);
  CHECK_INT(revl_table_uindex(big, bk)->ndup, 0);
  CHECK(revl_table_memory(big) > 0);
  revl_store_free(s);
}

/* ---- foreign keys ----------------------------------------------------- */

/* Rows of src pointing at target row k, through the reverse index. */
static void rev_rows(const revl_column *c, size_t k, char *out, size_t size) {
  size_t n = 0;
  out[0] = '\0';
  for (uint32_t i = c->rev_off[k]; i < c->rev_off[k + 1] && n + 8 < size; i++)
    n += (size_t)snprintf(out + n, size - n, "%s%u", n ? "," : "",
                          c->rev_rows[i]);
}

static void test_link(void) {
  revl_store *s = revl_store_new();
  revl_table *acc = revl_store_add_table(s, "accounts", NULL);
  int aid = revl_table_add_col(acc, "id", REVL_T_STRING);
  int aname = revl_table_add_col(acc, "name", REVL_T_STRING);
  const char *ids[] = {"A1", "A2", "A3", "A4"};
  const char *names[] = {"Acme", "Beta", "Gamma", "Delta"};
  fill(s, acc->cols[aid], ids, 4);
  fill(s, acc->cols[aname], names, 4);
  acc->nrows = 4;
  acc->pk = aid;

  revl_table *deals = revl_store_add_table(s, "deals", NULL);
  int fk = revl_table_add_col(deals, "account_id", REVL_T_STRING);
  const char *refs[] = {"A1", "A3", "A9", NULL, "A1", "A2", "A3", "A1", "A0"};
  fill(s, deals->cols[fk], refs, 9);
  deals->nrows = 9;

  CHECK_INT(revl_table_link(deals, fk, acc, aid), 0);
  revl_column *c = deals->cols[fk];
  CHECK(c->ref == acc);
  CHECK_INT(c->ref_col, aid);
  CHECK_INT(c->nbroken, 2);
  CHECK_STR(revl_intern_str(&s->strings, c->broken_example), "A9");
  CHECK_INT(c->ref_row[0], 0);
  CHECK_INT(c->ref_row[1], 2);
  CHECK_INT(c->ref_row[2], -1); /* broken */
  CHECK_INT(c->ref_row[3], -1); /* null */
  CHECK_INT(c->ref_row[5], 1);
  CHECK_INT(c->ref_row[8], -1);
  char got[64];
  rev_rows(c, 0, got, sizeof got);
  CHECK_STR(got, "0,4,7");
  rev_rows(c, 1, got, sizeof got);
  CHECK_STR(got, "5");
  rev_rows(c, 2, got, sizeof got);
  CHECK_STR(got, "1,6");
  rev_rows(c, 3, got, sizeof got);
  CHECK_STR(got, ""); /* A4: no deals */
  CHECK_INT(c->rev_off[4], 6); /* six linked rows in all */

  /* relinking by another column replaces the first link */
  revl_table *d2 = revl_store_add_table(s, "deals2", NULL);
  int fk2 = revl_table_add_col(d2, "account", REVL_T_STRING);
  const char *byname[] = {"Gamma", "Acme", "Nobody", "Gamma"};
  fill(s, d2->cols[fk2], byname, 4);
  d2->nrows = 4;
  CHECK_INT(revl_table_link(d2, fk2, acc, aid), 0);
  CHECK_INT(d2->cols[fk2]->nbroken, 4);
  CHECK_INT(revl_table_link(d2, fk2, acc, aname), 0);
  revl_column *c2 = d2->cols[fk2];
  CHECK_INT(c2->nbroken, 1);
  CHECK_STR(revl_intern_str(&s->strings, c2->broken_example), "Nobody");
  CHECK_INT(c2->ref_col, aname);
  rev_rows(c2, 2, got, sizeof got);
  CHECK_STR(got, "0,3");
  rev_rows(c2, 0, got, sizeof got);
  CHECK_STR(got, "1");

  /* an empty target: everything non-null is broken */
  revl_table *none = revl_store_add_table(s, "none", NULL);
  int nid = revl_table_add_col(none, "id", REVL_T_STRING);
  CHECK_INT(revl_table_link(deals, fk, none, nid), 0);
  CHECK_INT(deals->cols[fk]->nbroken, 8);
  CHECK_INT(deals->cols[fk]->rev_off[0], 0);
  revl_store_free(s);
}

static void test_filter_rows(void) {
  revl_store *s = revl_store_new();
  revl_table *t = revl_store_add_table(s, "t", NULL);
  int k = revl_table_add_col(t, "id", REVL_T_STRING);
  int n = revl_table_add_col(t, "n", REVL_T_INT);
  int m = revl_table_add_col(t, "m", REVL_T_MONEY);
  enum { N = 200 };
  uint32_t eur = revl_intern_add(&s->strings, "EUR", 3);
  char buf[16];
  for (int r = 0; r < N; r++) {
    int len = snprintf(buf, sizeof buf, "k%d", r);
    revl_col_push_str(t->cols[k], revl_intern_add(&s->strings, buf, (size_t)len));
    if (r % 5 == 0)
      revl_col_push_null(t->cols[n]);
    else
      revl_col_push_i64(t->cols[n], r);
    revl_col_push_money(t->cols[m], r, r % 2 ? eur : s->default_currency);
  }
  t->nrows = N;
  t->pk = k;
  CHECK_INT(revl_table_find(t, "k150", 4), 150);
  uint8_t keep[N];
  for (int r = 0; r < N; r++) keep[r] = r % 3 != 0;
  CHECK_INT(revl_table_filter_rows(t, keep), 0);
  int want = 0;
  for (int r = 0; r < N; r++) want += r % 3 != 0;
  CHECK_INT(t->nrows, want);
  int ok = 1, valid = 1;
  size_t nnull = 0;
  int out = 0;
  for (int r = 0; r < N; r++) {
    if (!keep[r]) continue;
    snprintf(buf, sizeof buf, "k%d", r);
    if (strcmp(str_at(s, t->cols[k], (size_t)out), buf) != 0) ok = 0;
    if (t->cols[m]->v.i64[out] != r) ok = 0;
    if (t->cols[m]->cur[out] != (r % 2 ? eur : s->default_currency)) ok = 0;
    int isnull = r % 5 == 0;
    nnull += (size_t)isnull;
    if (revl_col_valid(t->cols[n], (size_t)out) != !isnull) valid = 0;
    if (!isnull && t->cols[n]->v.i64[out] != r) ok = 0;
    out++;
  }
  CHECK(ok);
  CHECK(valid);
  CHECK_INT(t->cols[n]->nnull, nnull);
  CHECK_INT(t->cols[n]->n, want);
  /* bits past the new end are clear, so pushing again is clean */
  int clear = 1;
  for (int r = want; r < N; r++)
    if (revl_col_valid(t->cols[n], (size_t)r)) clear = 0;
  CHECK(clear);
  /* the primary-key index is rebuilt on the rows that are left */
  CHECK_INT(revl_table_find(t, "k150", 4), -1); /* 150 % 3 == 0: gone */
  CHECK_INT(revl_table_find(t, "k151", 4), 151 - 151 / 3 - 1);
  CHECK_INT(revl_table_find(t, "k1", 2), 0);
  /* keep nothing */
  uint8_t none[N];
  memset(none, 0, sizeof none);
  CHECK_INT(revl_table_filter_rows(t, none), 0);
  CHECK_INT(t->nrows, 0);
  CHECK_INT(t->cols[n]->nnull, 0);
  revl_store_free(s);
}

/* ---- loading files ---------------------------------------------------- */

/* Load text as table name from tmpdir/file; rc of revl_load_file. */
static int load(revl_store *s, const char *name, const char *file,
                const char *text, size_t n, const revl_table_map *map,
                int strict, revl_error *err) {
  const char *path = write_file(file, text, n);
  memset(err, 0, sizeof *err);
  return revl_load_file(s, name, path, map, strict, err);
}
#define LOAD(s, name, text, map, strict, err)                               \
  load(s, name, name ".csv", text, sizeof text - 1, map, strict, err)

static void test_load_types(void) {
  revl_store *s = revl_store_new();
  revl_error err;
  int rc = LOAD(s, "deals",
                "id,stage,amount,currency,close_date,probability,created_at,"
                "seats,note\n"
                "D1,Closed Won,\"$1,200.50\",,2024-02-29,100,"
                "2024-01-05T10:00:00.000+0000,12,x\n"
                "D2,Open,\"(1,000)\",EUR,03/01/2024,40,2024-01-06,7,\n"
                "D3,Open,5000,JPY,,50%,,,y\n",
                NULL, 0, &err);
  CHECK_INT(rc, 0);
  revl_table *t = revl_store_table(s, "deals");
  CHECK(t != NULL);
  CHECK_INT(t->nrows, 3);
  CHECK_INT(t->nrejected, 0);
  CHECK_INT(t->pk, revl_table_col(t, "id"));
  revl_column *a = revl_table_column(t, "amount");
  CHECK_INT(a->type, REVL_T_MONEY);
  CHECK_INT(a->v.i64[0], 120050);
  CHECK_STR(cur_at(s, a, 0), "USD");
  CHECK_INT(a->v.i64[1], -100000); /* parentheses: negative, EUR cents */
  CHECK_STR(cur_at(s, a, 1), "EUR");
  CHECK_INT(a->v.i64[2], 5000); /* JPY has no minor unit */
  CHECK_STR(cur_at(s, a, 2), "JPY");
  revl_column *d = revl_table_column(t, "close_date");
  CHECK_INT(d->type, REVL_T_DATE);
  CHECK_INT(d->v.date[0], day(2024, 2, 29));
  CHECK_INT(d->v.date[1], day(2024, 3, 1)); /* m/d/Y by default */
  CHECK(!revl_col_valid(d, 2));
  revl_column *p = revl_table_column(t, "probability");
  CHECK_INT(p->type, REVL_T_NUMBER);
  /* 0-100 column: 100 and 40 scaled, 50% already a fraction */
  CHECK_DBL(p->v.f64[0], 1.0, 1e-12);
  CHECK_DBL(p->v.f64[1], 0.4, 1e-12);
  CHECK_DBL(p->v.f64[2], 0.5, 1e-12);
  revl_column *ca = revl_table_column(t, "created_at");
  CHECK_INT(ca->type, REVL_T_DATETIME);
  CHECK_INT(ca->v.i64[0], (int64_t)day(2024, 1, 5) * 86400 + 36000);
  CHECK_INT(ca->v.i64[1], (int64_t)day(2024, 1, 6) * 86400);
  revl_column *seats = revl_table_column(t, "seats");
  CHECK_INT(seats->type, REVL_T_INT); /* custom column, inferred */
  CHECK(!seats->canonical);
  CHECK_INT(seats->v.i64[1], 7);
  CHECK_INT(seats->nnull, 1);
  revl_column *note = revl_table_column(t, "note");
  CHECK_INT(note->type, REVL_T_STRING);
  CHECK_INT(note->nnull, 1);
  /* is_closed / is_won derived from the stage names */
  revl_column *ic = revl_table_column(t, "is_closed");
  revl_column *iw = revl_table_column(t, "is_won");
  CHECK(ic && iw);
  CHECK_INT(ic->v.b[0], 1);
  CHECK_INT(iw->v.b[0], 1);
  CHECK_INT(ic->v.b[1], 0);
  CHECK_INT(iw->v.b[2], 0);
  revl_store_free(s);
}

static void test_load_rejects(void) {
  revl_store *s = revl_store_new();
  revl_error err;
  int rc = LOAD(s, "deals",
                "id,stage,name,amount,currency\n"
                "D1,Open,\"two\nlines\",10,\n"          /* lines 2-3 */
                "D2,Open,x\n"                           /* 4: ragged */
                "D3,,y,1,\n"                            /* 5: no stage */
                "D4,Open,z,12 apples,\n"                /* 6: null amount */
                "D1,Won,dup,5,\n"                       /* 7: duplicate */
                "D5,Open,w,EUR 5,USD\n"                 /* 8: conflict */
                "D6,Open,v,1,dollars\n"                 /* 9: bad code */
                "D7,Open,b\"q,1,\n"                     /* 10: stray quote */
                "D8,Open,ok,1,,\n",                     /* 11: empty extra */
                NULL, 0, &err);
  CHECK_INT(rc, 0);
  revl_table *t = revl_store_table(s, "deals");
  CHECK_INT(t->nrows, 4); /* D1, D4, D5, D8 */
  CHECK_INT(t->nrejected, 5);
  CHECK_INT(t->nduplicate, 1);
  CHECK_INT(t->nrejects_kept, 5);
  const revl_reject *r = t->rejects;
  CHECK_INT(r[0].line, 4);
  CHECK_INT(r[0].col, 3);
  CHECK_STR(r[0].reason, "row has 3 fields, header has 5");
  CHECK_STR(r[0].record, "D2,Open,x");
  CHECK_INT(r[1].line, 5);
  CHECK_INT(r[1].col, 2);
  CHECK_STR(r[1].reason, "stage: required value is missing");
  CHECK_INT(r[2].line, 7);
  CHECK_INT(r[2].col, 1);
  CHECK_STR(r[2].reason, "id: duplicate key \"D1\" (first at line 2)");
  CHECK_STR(r[2].record, "D1,Won,dup,5,");
  CHECK_INT(r[3].line, 9);
  CHECK_INT(r[3].col, 5);
  CHECK_INT(r[4].line, 10);
  CHECK_INT(r[4].col, 3);
  CHECK_STR(r[4].record, "D7,Open,b\"q,1,");
  revl_column *a = revl_table_column(t, "amount");
  CHECK_INT(a->nbad, 2); /* "12 apples", and EUR against USD */
  CHECK_INT(a->nnull, 2);
  CHECK(!revl_col_valid(a, 1));
  CHECK(!revl_col_valid(a, 2));
  CHECK_INT(a->v.i64[3], 100);
  revl_column *name = revl_table_column(t, "name");
  CHECK_STR(str_at(s, name, 0), "two\nlines");
  CHECK(t->nwarnings >= 1);

  /* strict: the first problem stops the load, with its place */
  revl_store *s2 = revl_store_new();
  rc = LOAD(s2, "deals", "id,stage,amount\nD1,Open,1\nD2,Open,abc\n", NULL, 1,
            &err);
  CHECK_INT(rc, REVL_EDATA);
  CHECK_INT(err.line, 3);
  CHECK_INT(err.col, 3);
  CHECK(strstr(err.msg, "amount: not an amount of money: \"abc\"") != NULL);
  CHECK(strstr(err.file, "deals.csv") != NULL);
  revl_store_free(s2);
  revl_store_free(s);
}

static void test_load_file_errors(void) {
  revl_error err;
  struct {
    const char *text;
    size_t n;
    int strict;
    long line, col;
    const char *msg;
  } cases[] = {
      {"", 0, 0, 0, 0, "empty file"},
      {"\n\n", 2, 0, 0, 0, "empty file"},
      {"id,stage\nD1,\"Open\nD2,Won\n", 24, 0, 2, 2, "unterminated quoted field"},
      {"id,stage\nD1,Open\nD2,O\0pen\n", 26, 0, 3, 2, "NUL byte"},
      {"\x1f\x8b\x08\x00", 4, 0, 0, 0, "gzip"},
      {"id,amount\nD1,5\n", 15, 0, 1, 0, "required field 'stage'"},
      {"id,stage,x\"y\nD1,Open,1\n", 23, 0, 1, 3, "quote inside an unquoted field"},
      {"id,stage\nD1,Open\nD1,Won\n", 24, 1, 3, 1, "duplicate key"},
      {"id,stage,stage\nD1,Open,Won\n", 27, 1, 1, 3, "duplicate column"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    revl_store *s = revl_store_new();
    int rc = load(s, "deals", "deals.csv", cases[i].text, cases[i].n, NULL,
                  cases[i].strict, &err);
    if (rc != REVL_EDATA || err.line != cases[i].line ||
        err.col != cases[i].col || !strstr(err.msg, cases[i].msg))
      fprintf(stderr, "case %zu: rc %d, %ld:%ld: %s\n", i, rc, err.line,
              err.col, err.msg);
    CHECK_INT(rc, REVL_EDATA);
    CHECK_INT(err.line, cases[i].line);
    CHECK_INT(err.col, cases[i].col);
    CHECK(strstr(err.msg, cases[i].msg) != NULL);
    revl_store_free(s);
  }
  /* a directory and a missing file are I/O errors */
  revl_store *s = revl_store_new();
  char path[512];
  snprintf(path, sizeof path, "%s/adir", tmpdir);
  mkdir(path, 0700);
  CHECK_INT(revl_load_file(s, "deals", path, NULL, 0, &err), REVL_EIO);
  CHECK(strstr(err.msg, "directory") != NULL);
  snprintf(path, sizeof path, "%s/missing.csv", tmpdir);
  CHECK_INT(revl_load_file(s, "deals", path, NULL, 0, &err), REVL_EIO);
  /* the same table twice */
  const char *p = WRITE("reps.csv", "id,name\nR1,Ann\n");
  CHECK_INT(revl_load_file(s, "reps", p, NULL, 0, &err), 0);
  CHECK_INT(revl_load_file(s, "reps", p, NULL, 0, &err), REVL_EUSAGE);
  revl_store_free(s);
}

static void test_load_lines(void) {
  /* BOM + CRLF, a lone CR, quoted newlines and blank lines: the line of
   * every row is the line it starts on */
  revl_store *s = revl_store_new();
  revl_error err;
  int rc = LOAD(s, "deals",
                "\xEF\xBB\xBFid,stage,amount\r\n"
                "D1,Open,1\r\n"
                "\r\n"
                "D2,\"Op\r\nen\",x\r\n"
                "D3,,3\r"
                "D4,Open,4\n",
                NULL, 0, &err);
  CHECK_INT(rc, 0);
  revl_table *t = revl_store_table(s, "deals");
  CHECK_INT(t->nrows, 3);
  CHECK_INT(revl_table_col(t, "id"), 0); /* the BOM is not in the name */
  CHECK_INT(t->nrejected, 1);
  CHECK_INT(t->rejects[0].line, 6);
  /* the unreadable amount, then the alert that nothing is won or lost */
  CHECK(t->nwarnings == 2 && strstr(t->warnings[0], ":4:3: amount: ") != NULL);
  CHECK(t->nwarnings == 2 && strstr(t->warnings[1], "no stage reads as won or lost"));
  CHECK_INT(t->nalerts, 1);
  CHECK_STR(str_at(s, revl_table_column(t, "stage"), 1), "Op\r\nen");
  revl_store_free(s);
}

static void test_load_presets(void) {
  revl_store *s = revl_store_new();
  revl_error err;
  revl_table_map sf;
  memset(&sf, 0, sizeof sf);
  sf.preset = REVL_PRESET_SALESFORCE;
  int rc = LOAD(s, "deals",
                "Id,AccountId,StageName,Amount,CurrencyIsoCode,Probability,"
                "IsClosed,IsWon,CreatedDate\n"
                "006A,001A,Prospecting,12000.5,EUR,1,false,false,"
                "2024-01-05T10:00:00.000+0000\n"
                "006B,001B,Closed Won,99,USD,100,true,true,"
                "2024-01-05T10:00:00.000-0500\n",
                &sf, 0, &err);
  CHECK_INT(rc, 0);
  revl_table *t = revl_store_table(s, "deals");
  revl_column *p = revl_table_column(t, "probability");
  CHECK(p != NULL);
  /* Salesforce is 0-100 even when no value is above 1 */
  CHECK_DBL(p->v.f64[0], 0.01, 1e-12);
  CHECK_DBL(p->v.f64[1], 1.0, 1e-12);
  revl_column *a = revl_table_column(t, "amount");
  CHECK_INT(a->v.i64[0], 1200050);
  CHECK_STR(cur_at(s, a, 0), "EUR");
  CHECK(revl_table_column(t, "account_id") != NULL);
  CHECK(revl_table_column(t, "is_won")->canonical);
  revl_column *ca = revl_table_column(t, "created_at");
  CHECK_INT(ca->v.i64[1], (int64_t)day(2024, 1, 5) * 86400 + 15 * 3600);

  revl_store *s2 = revl_store_new();
  revl_table_map hs;
  memset(&hs, 0, sizeof hs);
  hs.preset = REVL_PRESET_HUBSPOT;
  rc = LOAD(s2, "deals",
            "Record ID,Deal Stage,Deal probability,Pipeline\n"
            "1,closedwon,1,Sales\n2,qualified,0.25,Sales\n3,x,60,Sales\n",
            &hs, 0, &err);
  CHECK_INT(rc, 0);
  t = revl_store_table(s2, "deals");
  p = revl_table_column(t, "probability");
  CHECK_DBL(p->v.f64[0], 1.0, 1e-12); /* 0-1 scale: 1 is certain */
  CHECK_DBL(p->v.f64[1], 0.25, 1e-12);
  CHECK(!revl_col_valid(p, 2)); /* 60 is no probability on 0-1 */
  CHECK_INT(p->nbad, 1);
  CHECK(revl_table_column(t, "pipeline") != NULL);
  revl_store_free(s2);

  /* European options */
  revl_store *s3 = revl_store_new();
  revl_table_map eu;
  memset(&eu, 0, sizeof eu);
  eu.popts.date_order = 'D';
  eu.popts.decimal_sep = ',';
  eu.delimiter = ';';
  memcpy(eu.currency, "EUR", 4);
  rc = LOAD(s3, "deals",
            "id;stage;amount;close_date\n"
            "D1;Open;1.234,56;31/01/2024\n"
            "D2;Open;\"1.000.000,00 \xE2\x82\xAC\";01/02/2024\n",
            &eu, 1, &err);
  CHECK_INT(rc, 0);
  t = revl_store_table(s3, "deals");
  a = revl_table_column(t, "amount");
  CHECK_INT(a->v.i64[0], 123456);
  CHECK_STR(cur_at(s3, a, 0), "EUR");
  CHECK_INT(a->v.i64[1], 100000000);
  CHECK_INT(revl_table_column(t, "close_date")->v.date[1], day(2024, 2, 1));
  revl_store_free(s3);
  revl_store_free(s);
}

static void test_load_custom_types(void) {
  revl_store *s = revl_store_new();
  revl_error err;
  int rc = LOAD(s, "things",
                "zip,code,flag,n,x,when,day,price,pct,phone,mixed\n"
                "02134,007,yes,1,1.5,2024-01-05 10:00,03/01/2024,$5,10%,+1 555,1\n"
                "90210,100,no,\"1,200\",2,2024-01-06T11:00:00Z,12/31/2024,"
                "$1.25,12.5%,+44 20,a\n",
                NULL, 0, &err);
  CHECK_INT(rc, 0);
  revl_table *t = revl_store_table(s, "things");
  CHECK_INT(t->pk, -1);
  CHECK_INT(revl_table_column(t, "zip")->type, REVL_T_STRING);
  CHECK_INT(revl_table_column(t, "code")->type, REVL_T_STRING);
  CHECK_INT(revl_table_column(t, "flag")->type, REVL_T_BOOL);
  revl_column *n = revl_table_column(t, "n");
  CHECK_INT(n->type, REVL_T_INT);
  CHECK_INT(n->v.i64[1], 1200);
  CHECK_INT(revl_table_column(t, "x")->type, REVL_T_NUMBER);
  CHECK_INT(revl_table_column(t, "when")->type, REVL_T_DATETIME);
  revl_column *d = revl_table_column(t, "day");
  CHECK_INT(d->type, REVL_T_DATE);
  CHECK_INT(d->v.date[0], day(2024, 3, 1));
  revl_column *price = revl_table_column(t, "price");
  CHECK_INT(price->type, REVL_T_MONEY);
  CHECK_INT(price->v.i64[1], 125);
  revl_column *pct = revl_table_column(t, "pct");
  CHECK_INT(pct->type, REVL_T_NUMBER);
  CHECK_DBL(pct->v.f64[1], 0.125, 1e-12);
  CHECK_INT(revl_table_column(t, "phone")->type, REVL_T_STRING);
  CHECK_INT(revl_table_column(t, "mixed")->type, REVL_T_STRING);
  revl_store_free(s);
}

/* ---- mapping files ---------------------------------------------------- */

static void test_mapping(void) {
  revl_mapping m;
  revl_error err;
  const char *p = WRITE("map.lua",
                        "-- a mapping\n"
                        "local won = { \"Closed Won\", \"Signed\" }\n"
                        "return {\n"
                        "  preset = \"salesforce\",\n"
                        "  currency = \"EUR\",\n"
                        "  date_format = \"d/m/Y\",\n"
                        "  decimal = \",\",\n"
                        "  null = { \"-\", \"none\" },\n"
                        "  deals = {\n"
                        "    file = \"Opportunity.csv\",\n"
                        "    columns = { [\"Deal Value\"] = \"amount\" },\n"
                        "    references = { partner = \"accounts.name\" },\n"
                        "    key = \"id\",\n"
                        "    probability_scale = 100,\n"
                        "    stages = { won = won, lost = { \"Dead\" } },\n"
                        "    delimiter = \";\",\n"
                        "  },\n"
                        "  tables = { custom = { key = \"code\" } },\n"
                        "}\n");
  CHECK_INT(revl_mapping_read(p, &m, &err), 0);
  CHECK_INT(m.defaults.preset, REVL_PRESET_SALESFORCE);
  CHECK_STR(m.defaults.currency, "EUR");
  CHECK_INT(m.defaults.popts.date_order, 'D');
  CHECK_INT(m.defaults.popts.decimal_sep, ',');
  CHECK_INT(m.defaults.nnulls, 2);
  CHECK_INT(m.ntables, 2);
  revl_table_map *d = NULL, *c = NULL;
  for (int i = 0; i < m.ntables; i++) {
    if (strcmp(m.tables[i].name, "deals") == 0) d = &m.tables[i];
    if (strcmp(m.tables[i].name, "custom") == 0) c = &m.tables[i];
  }
  CHECK(d != NULL && c != NULL);
  if (d && c) {
    CHECK_STR(d->file, "Opportunity.csv");
    CHECK_INT(d->preset, REVL_PRESET_SALESFORCE); /* from the top level */
    CHECK_STR(d->currency, "EUR");
    CHECK_INT(d->popts.date_order, 'D');
    CHECK_INT(d->nnulls, 2);
    CHECK_INT(d->npairs, 1);
    CHECK_STR(d->rename_from[0], "Deal Value");
    CHECK_STR(d->rename_to[0], "amount");
    CHECK_INT(d->nrefs, 1);
    CHECK_STR(d->ref_col[0], "partner");
    CHECK_STR(d->ref_target[0], "accounts.name");
    CHECK_STR(d->key, "id");
    CHECK_INT(d->prob_scale, 100);
    CHECK_INT(d->delimiter, ';');
    CHECK_INT(d->nstages, 3);
    CHECK_STR(d->stage_name[1], "Signed");
    CHECK_INT(d->stage_outcome[1], 'w');
    CHECK_INT(d->stage_outcome[2], 'l');
    CHECK_STR(c->key, "code");
  }
  revl_mapping_done(&m);
  CHECK_INT(m.ntables, 0);

  struct {
    const char *text;
    int code;
    long line;
    const char *msg;
  } bad[] = {
      {"return {\n  deals = {\n    preset = \"salesforce\"\n    key = \"id\"\n  }\n}\n",
       REVL_EDATA, 4, "'}' expected"},
      {"local t = {}\nreturn t.a.b\n", REVL_EDATA, 2, "attempt to index"},
      {"return print('x')\n", REVL_EDATA, 1, "global 'print'"},
      {"return 42\n", REVL_EDATA, 0, "must return a table"},
      {"", REVL_EDATA, 0, "must return a table"},
      {"return { deals = { colums = {} } }\n", REVL_EDATA, 1, "unknown option 'colums'"},
      {"return { prest = 1 }\n", REVL_EDATA, 1, "unknown top-level option 'prest'"},
      {"return { preset = \"pipedrive\" }\n", REVL_EDATA, 1, "unknown preset 'pipedrive'"},
      {"return { preset = {} }\n", REVL_EDATA, 1, "unknown preset"},
      {"return { date_format = \"Y/d/m\" }\n", REVL_EDATA, 1, "date_format 'Y/d/m'"},
      {"return { currency = 123 }\n", REVL_EDATA, 1, "ISO 4217"},
      {"return { decimal = \",,\" }\n", REVL_EDATA, 1, "one-character"},
      {"return { probability_scale = 10 }\n", REVL_EDATA, 1, "1 or 100"},
      {"return { opportunities = {} }\n", REVL_EDATA, 1, "not a table name"},
      {"\nwhile true do end\n", REVL_EDATA, 2, "runs too long"},
      {"local s = 'xxxxxxxxxxxxxxxx'\nfor i = 1, 40 do s = s .. s end\n",
       REVL_EDATA, 0, "too much memory"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    p = write_file("bad.lua", bad[i].text, strlen(bad[i].text));
    memset(&err, 0, sizeof err);
    int rc = revl_mapping_read(p, &m, &err);
    if (rc != bad[i].code || err.line != bad[i].line ||
        !strstr(err.msg, bad[i].msg) || strcmp(err.file, p) != 0)
      fprintf(stderr, "mapping case %zu: rc %d, %s:%ld: %s\n", i, rc,
              err.file, err.line, err.msg);
    CHECK_INT(rc, bad[i].code);
    CHECK_INT(err.line, bad[i].line);
    CHECK(strstr(err.msg, bad[i].msg) != NULL);
    CHECK_STR(err.file, p);
    CHECK_INT(m.ntables, 0); /* nothing left to free */
  }
  char path[512];
  snprintf(path, sizeof path, "%s/no-such.lua", tmpdir);
  CHECK_INT(revl_mapping_read(path, &m, &err), REVL_EIO);
  CHECK(strstr(err.msg, "cannot open") != NULL);
  CHECK_INT(revl_preset_from_name("hubspot"), REVL_PRESET_HUBSPOT);
  CHECK_INT(revl_preset_from_name("x"), -1);
  CHECK_STR(revl_preset_name(REVL_PRESET_SALESFORCE), "salesforce");
}

static void rm_tmpdir(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void) {
  const char *base = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/revl-store.XXXXXX",
           base && base[0] ? base : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 2;
  }
  test_intern();
  test_intern_growth();
  test_columns();
  test_column_lookup();
  test_uindex();
  test_link();
  test_filter_rows();
  test_load_types();
  test_load_rejects();
  test_load_file_errors();
  test_load_lines();
  test_load_presets();
  test_load_custom_types();
  test_mapping();
  rm_tmpdir();
  TEST_END();
}
