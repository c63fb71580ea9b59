/*
 * infer.c -- what happens to a table after its rows are in: the scale of
 * probabilities (0-1 or 0-100), and a type for each custom field loaded
 * as text, from every distinct value it holds.
 */
#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- after the load ------------------------------------------------ */

enum { K_BOOL = 1, K_INT = 2, K_NUM = 4, K_DATE = 8, K_DT = 16, K_MONEY = 32,
       K_PCT = 64, K_ANY = 127 };

/* A currency code written against its amount ("SUB-1", "INV2024",
 * "100EUR"): the shape of record and product codes, so a guessed type
 * is not money (a declared money column still reads them). */
static int code_touches_amount(const char *s, size_t n) {
  int lead = n > 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
             s[2] >= 'A' && s[2] <= 'Z' && s[3] != ' ';
  int trail = n > 3 && s[n - 1] >= 'A' && s[n - 1] <= 'Z' && s[n - 2] >= 'A' &&
              s[n - 2] <= 'Z' && s[n - 3] >= 'A' && s[n - 3] <= 'Z' && s[n - 4] != ' ';
  return lead || trail;
}

/* What a custom text value could be.  Leading zeros ("00123") and
 * numbers with a plus sign stay text: they are codes, not quantities. */
static int kinds_of(const char *s, size_t n, const revl_parse_opts *po) {
  int k = 0, b;
  int64_t i;
  double d;
  int32_t day;
  char code[4];
  if (s[0] == '+') return 0;
  if (!revl_parse_bool(s, n, &b) && !(n == 1 && (s[0] == '0' || s[0] == '1')))
    k |= K_BOOL;
  if (!revl_parse_int(s, n, po, &i)) k |= K_INT;
  if (!revl_parse_number(s, n, po, &d)) k |= K_NUM;
  if (n >= 8 && !revl_parse_date(s, n, po, &day) && !memchr(s, ':', n) &&
      !(s[0] >= '0' && s[0] <= '9' && memchr(s, '-', n) == NULL &&
        memchr(s, '/', n) == NULL))
    k |= K_DATE;
  if (n >= 8 && !revl_parse_datetime(s, n, po, &i) &&
      (memchr(s, '-', n) || memchr(s, '/', n)))
    k |= K_DT;
  if (!revl_parse_money(s, n, po, 2, &i, code) && code[0] && !code_touches_amount(s, n))
    k |= K_MONEY;
  if (n > 1 && s[n - 1] == '%' && !revl_parse_percent(s, n, po, 100, &d))
    k |= K_PCT;
  /* a leading zero makes a code, not a quantity ("02134", "007"); dates
   * may have one ("03/01/2024") */
  if (n > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') k &= K_DATE | K_DT;
  return k;
}

static int convert_column(loader *ld, int ci, revl_type type) {
  revl_table *t = ld->t;
  revl_column *c = t->cols[ci];
  const revl_parse_opts *po = ld->map ? &ld->map->popts : NULL;
  size_t n = c->n;
  if (revl_col_own(c, n)) return REVL_ENOMEM; /* its arrays are freed below */
  uint32_t *ids = c->v.str;
  uint64_t *valid = c->valid;
  c->v.str = NULL;
  c->valid = NULL;
  size_t nbad = c->nbad;
  revl_table_retype_col(t, ci, type);
  c->nbad = nbad;
  int rc = 0;
  for (size_t r = 0; r < n && !rc; r++) {
    if (!((valid[r >> 6] >> (r & 63)) & 1)) {
      rc = revl_col_push_null(c);
      continue;
    }
    const char *s = revl_intern_str(&ld->s->strings, ids[r]);
    size_t len = revl_intern_len(&ld->s->strings, ids[r]);
    int64_t i;
    double d;
    int32_t day;
    int b;
    char code[4];
    switch (type) {
    case REVL_T_BOOL: revl_parse_bool(s, len, &b); rc = revl_col_push_bool(c, b); break;
    case REVL_T_INT: revl_parse_int(s, len, po, &i); rc = revl_col_push_i64(c, i); break;
    case REVL_T_NUMBER:
      if (len && s[len - 1] == '%')
        revl_parse_percent(s, len, po, 100, &d);
      else
        revl_parse_number(s, len, po, &d);
      rc = revl_col_push_f64(c, d);
      break;
    case REVL_T_DATE: revl_parse_date(s, len, po, &day); rc = revl_col_push_date(c, day); break;
    case REVL_T_DATETIME: revl_parse_datetime(s, len, po, &i); rc = revl_col_push_i64(c, i); break;
    case REVL_T_MONEY: {
      uint32_t cur = ld->def_cur;
      revl_parse_money(s, len, po, revl_currency_decimals(
                           revl_intern_str(&ld->s->strings, cur)), &i, code);
      if (code[0]) cur = revl_intern_add(&ld->s->strings, code, 3);
      rc = revl_col_push_money(c, i, cur);
      break;
    }
    default: rc = revl_col_push_str(c, ids[r]); break;
    }
  }
  free(ids);
  free(valid);
  return rc;
}

/* Give each custom column the narrowest type all its values fit. */
int revl_ld_infer_types(loader *ld) {
  revl_table *t = ld->t;
  const revl_parse_opts *po = ld->map ? &ld->map->popts : NULL;
  uint8_t *seen = NULL;
  int rc = 0;
  for (int ci = 0; ci < t->ncols && !rc; ci++) {
    revl_column *c = t->cols[ci];
    if (c->canonical || c->type != REVL_T_STRING || ci == t->pk) continue;
    if (ci < ld->dv.nfixed && ld->dv.fixed[ci]) continue; /* types = {...} */
    if (c->nnull == c->n) continue;
    if (!seen && !(seen = calloc(ld->s->strings.n, 1))) return REVL_ENOMEM;
    int k = K_ANY;
    for (size_t r = 0; r < c->n && k; r++) {
      if (!revl_col_valid(c, r)) continue;
      uint32_t id = c->v.str[r];
      if (seen[id]) continue;
      seen[id] = 1;
      k &= kinds_of(revl_intern_str(&ld->s->strings, id),
                    revl_intern_len(&ld->s->strings, id), po);
    }
    /* clear for the next column (one array, not one per column) */
    for (size_t r = 0; r < c->n; r++)
      if (revl_col_valid(c, r)) seen[c->v.str[r]] = 0;
    revl_type ty = REVL_T_STRING;
    if (k & K_BOOL) ty = REVL_T_BOOL;
    else if (k & K_INT) ty = REVL_T_INT;
    else if (k & K_NUM) ty = REVL_T_NUMBER;
    else if (k & K_DATE) ty = REVL_T_DATE;
    else if (k & K_DT) ty = REVL_T_DATETIME;
    else if (k & K_MONEY) ty = REVL_T_MONEY;
    else if (k & K_PCT) ty = REVL_T_NUMBER;
    if (ty != REVL_T_STRING) rc = convert_column(ld, ci, ty);
  }
  free(seen);
  return rc;
}

/* Probability as a fraction 0..1.  Without a scale from the mapping or
 * the preset, a column whose values written without '%' go above 1 is
 * read as 0-100 (values with '%' are fractions already).  What is still
 * outside 0..1 is no probability: made null and counted (strict: an
 * error). */
int revl_ld_normalise_probability(loader *ld) {
  if (ld->prob_col < 0) return 0;
  revl_table *t = ld->t;
  revl_column *c = t->cols[ld->prob_col];
  int scaled = !ld->prob_scale && ld->prob_max > 1.0;
  if (scaled) {
    size_t small = 0;
    for (size_t r = 0; r < c->n; r++) {
      if (!revl_col_valid(c, r) || ld->pct[r]) continue;
      if (c->v.f64[r] > 0 && c->v.f64[r] < 1) small++;
      c->v.f64[r] /= 100.0;
    }
    if (small)
      revl_table_add_warning(t,
                             "%s: probability read as 0-100 (max %g); %zu "
                             "value%s between 0 and 1 read as under 1%%",
                             ld->path, ld->prob_max, small,
                             small == 1 ? "" : "s");
    else
      revl_table_add_warning(t, "%s: probability read as 0-100 (max %g)",
                             ld->path, ld->prob_max);
  }
  for (size_t r = 0; r < c->n; r++) {
    double v = c->v.f64[r];
    if (!revl_col_valid(c, r) || (v >= 0 && v <= 1)) continue;
    /* the value as written, on the scale it was read with */
    char msg[200];
    if (ld->pct[r] || scaled)
      snprintf(msg, sizeof msg, "%s: %g%s is outside 0-100", c->name, v * 100,
               ld->pct[r] ? "%" : "");
    else
      snprintf(msg, sizeof msg, "%s: %g is outside 0-1%s", c->name, v,
               ld->prob_scale == 1 && v > 1 && v <= 100
                   ? " (a 0-100 export needs probability_scale = 100)"
                   : "");
    if (ld->strict)
      return revl_error_set(ld->err, REVL_EDATA, ld->path, ld->lines[r],
                            ld->prob_csv + 1, "%s", msg);
    c->valid[r >> 6] &= ~(1ull << (r & 63));
    c->v.f64[r] = 0;
    c->nnull++;
    if (c->nbad++ == 0)
      revl_table_add_warning(t, "%s:%u:%d: %s (made null)", ld->path,
                             (unsigned)ld->lines[r], ld->prob_csv + 1, msg);
  }
  return 0;
}
