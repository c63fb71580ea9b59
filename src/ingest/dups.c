/*
 * dups.c -- rows that repeat a primary key: whether a rejected
 * duplicate holds the same values as the row that was kept (an export
 * that wrote a record twice) or different ones (two versions of a
 * record, where the policy chose which one counts), and the removal of
 * rows that a later duplicate replaced (duplicates = "last").
 */
#include "mapint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same(const revl_column *c, size_t r, int isnull, revl_ival v,
                uint32_t cur) {
  int valid = revl_col_valid(c, r);
  if (!valid || isnull) return !valid && isnull;
  switch (c->type) {
  case REVL_T_STRING: return c->v.str[r] == v.s;
  case REVL_T_NUMBER: return c->v.f64[r] == v.d;
  case REVL_T_DATE: return c->v.date[r] == v.date;
  case REVL_T_BOOL: return (c->v.b[r] != 0) == (v.i != 0);
  case REVL_T_MONEY: return c->v.i64[r] == v.i && c->cur[r] == cur;
  default: return c->v.i64[r] == v.i;
  }
}

int revl_dup_differs(const revl_table *t, size_t r, const int *target,
                     int nslots, int skip, const uint8_t *isnull,
                     const revl_ival *vals, const uint32_t *curs) {
  for (int j = 0; j < nslots; j++) {
    if (j == skip) continue;
    if (!same(t->cols[target[j]], r, isnull[j], vals[j], curs[j])) return j;
  }
  return -1;
}

static void show(const revl_store *s, const revl_column *c, int valid,
                 int64_t i, double d, int32_t day, uint32_t str, uint32_t cur,
                 char *buf, size_t size) {
  if (!valid) {
    snprintf(buf, size, "null");
    return;
  }
  switch (c->type) {
  case REVL_T_STRING:
    snprintf(buf, size, "\"%.40s\"", revl_intern_str(&s->strings, str));
    break;
  case REVL_T_NUMBER: snprintf(buf, size, "%.15g", d); break;
  case REVL_T_DATE: revl_format_date(day, buf, size); break;
  case REVL_T_DATETIME: revl_format_datetime(i, buf, size); break;
  case REVL_T_BOOL: snprintf(buf, size, "%s", i ? "true" : "false"); break;
  case REVL_T_MONEY: {
    const char *code = revl_intern_str(&s->strings, cur);
    char m[64];
    revl_format_money(i, revl_currency_decimals(code), 0, m, sizeof m);
    snprintf(buf, size, "%s %s", m, code);
    break;
  }
  default: snprintf(buf, size, "%lld", (long long)i); break;
  }
}

void revl_dup_describe(const revl_store *s, const revl_table *t, size_t r,
                       int ci, int isnull, revl_ival v, uint32_t cur,
                       char *buf, size_t size) {
  const revl_column *c = t->cols[ci];
  char a[96], b[96];
  int valid = revl_col_valid(c, r);
  int64_t ri = 0;
  double rd = 0;
  int32_t rday = 0;
  uint32_t rs = 0, rcur = 0;
  if (valid) switch (c->type) {
    case REVL_T_STRING: rs = c->v.str[r]; break;
    case REVL_T_NUMBER: rd = c->v.f64[r]; break;
    case REVL_T_DATE: rday = c->v.date[r]; break;
    case REVL_T_BOOL: ri = c->v.b[r]; break;
    case REVL_T_MONEY: ri = c->v.i64[r]; rcur = c->cur[r]; break;
    default: ri = c->v.i64[r]; break;
    }
  show(s, c, valid, ri, rd, rday, rs, rcur, a, sizeof a);
  show(s, c, !isnull, v.i, v.d, v.date, v.s, cur, b, sizeof b);
  snprintf(buf, size, "%s %s vs %s", c->name, a, b);
}

int revl_dup_drop_rows(revl_table *t, const uint8_t *drop, uint32_t *lines,
                       uint8_t *pct) {
  size_t n = t->nrows, o = 0;
  uint8_t *keep = malloc(n ? n : 1);
  if (!keep) return REVL_ENOMEM;
  for (size_t r = 0; r < n; r++) {
    keep[r] = !drop[r];
    if (!keep[r]) continue;
    if (lines) lines[o] = lines[r];
    if (pct) pct[o] = pct[r];
    o++;
  }
  int rc = revl_table_filter_rows(t, keep);
  free(keep);
  return rc;
}
