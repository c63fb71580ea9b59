/*
 * health_eval.c -- health scores in the core: every component of a
 * health model (criteria points, numeric fields, usage, utilisation,
 * growth, the caller's functions) over the records of a view, mapped to
 * 0..100, combined by weight and banded red/yellow/green.  No Lua here:
 * function components go through a callback that reports failure with
 * a code; components are checked against the data here too (kinds,
 * numeric fields, descriptions).  See revl/eval.h.
 */
#include "revl/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/rules.h"

static int64_t via_row(const revl_table *base, int via, size_t row) {
  if (via < 0) return (int64_t)row;
  const revl_column *fk = base->cols[via];
  return fk->ref_row ? fk->ref_row[row] : -1;
}

/* A numeric cell as a double (money in major units); 0 when null or not
 * a number. */
static int cell_number(const revl_table *t, int ci, size_t row, double *out) {
  const revl_column *c = t->cols[ci];
  if (!revl_col_valid(c, row)) return 0;
  switch (c->type) {
  case REVL_T_INT: *out = (double)c->v.i64[row]; return 1;
  case REVL_T_NUMBER: *out = c->v.f64[row]; return 1;
  case REVL_T_BOOL: *out = c->v.b[row]; return 1;
  case REVL_T_MONEY: {
    int dec = revl_currency_decimals(revl_intern_str(&t->store->strings, c->cur[row]));
    *out = (double)c->v.i64[row] / pow(10, dec);
    return 1;
  }
  default: return 0;
  }
}

static int fired(const uint64_t *mask, int nwords, size_t i, int bit) {
  return (int)((mask[i * (size_t)nwords + (size_t)(bit >> 6)] >> (bit & 63)) & 1);
}

/* The raw value of component c for record row (NaN: none). */
static double raw_value(const revl_health *h, const revl_hcomp *c, const uint64_t *mask,
                        const revl_table *t, size_t i, size_t row, int32_t as_of) {
  double raw = NAN, v = 0;
  switch (c->kind) {
  case REVL_HC_CRITERIA:
    raw = 0;
    for (int q = 0; q < c->nrules; q++)
      if (fired(mask, h->nwords, i, c->rule0 + q)) raw += h->hrules[c->rule0 + q].points;
    break;
  case REVL_HC_FIELD: {
    int64_t r2 = via_row(t, c->fvia, row);
    if (r2 >= 0 && cell_number(c->ft, c->fcol, (size_t)r2, &v)) raw = v;
    break;
  }
  case REVL_HC_USAGE: {
    int k2 = revl_usage_agg(h->src, row, c->metric, as_of - c->days, as_of, c->agg, &v);
    if (k2 > 0 || c->agg == REVL_UAGG_SUM || c->agg == REVL_UAGG_COUNT) raw = v;
    if (c->per_seat && !isnan(raw)) {
      int64_t seats = 0;
      if (revl_seats_on(h->src, row, as_of, &seats, NULL) && seats > 0) raw /= (double)seats;
      else raw = NAN;
    }
    break;
  }
  case REVL_HC_GROWTH: {
    double prev;
    if (revl_usage_agg(h->src, row, c->metric, as_of - c->days, as_of, c->agg, &v) > 0 &&
        revl_usage_agg(h->src, row, c->metric, as_of - 2 * c->days, as_of - c->days, c->agg,
                       &prev) > 0 &&
        prev > 0)
      raw = (v - prev) / prev;
    break;
  }
  case REVL_HC_UTIL: {
    int64_t seats = 0;
    if (revl_usage_agg(h->src, row, c->metric, as_of - c->days, as_of, REVL_UAGG_AVG, &v) > 0 &&
        revl_seats_on(h->src, row, as_of, &seats, NULL) && seats > 0)
      raw = v / (double)seats;
    break;
  }
  }
  return raw;
}

int revl_health_eval_into(const revl_health *h, const revl_table *t,
                          const uint32_t *rows, size_t n,
                          const revl_eval_opts *o, revl_health_fn fn,
                          uint64_t *mask, double *v, double *raw,
                          double *score, int16_t *band, uint32_t *scratch,
                          double *wtmp, revl_error *err) {
  size_t nc = (size_t)h->ncomps;
  revl_crit_ctx ctx = {o->as_of, o->crit_call, o->crit_match, o->ctx, 0};
  for (int r = 0; r < h->nhrules; r++)
    if (revl_crit_mark(h->hrules[r].crit, r, rows, n, scratch, mask, h->nwords, &ctx))
      return revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0, "a criterion of rule %d failed",
                            r + 1);
  int32_t as_of = o->as_of;
  for (size_t k = 0; k < nc; k++) {
    const revl_hcomp *c = &h->comps[k];
    if (c->kind == REVL_HC_FN && !fn)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "component '%s' is a function and no callback was given",
                            c->name ? c->name : "?");
    for (size_t i = 0; i < n; i++) {
      size_t row = rows ? rows[i] : i;
      double r;
      if (c->kind == REVL_HC_FN) {
        r = NAN;
        int rc = fn(o->ctx, (int)k, i, row, &r, err);
        if (rc < 0) return rc;
        if (!isfinite(r)) r = NAN;
      } else {
        r = raw_value(h, c, mask, t, i, row, as_of);
      }
      double val;
      if (isnan(r)) val = c->has_missing ? c->missing : NAN;
      else if (c->mapping == 1) val = revl_metric_score(r, c->bands, c->nbands, 0, 0);
      else if (c->mapping == 2) val = revl_metric_score(r, NULL, 0, c->lo, c->hi);
      else val = r < 0 ? 0 : r > 100 ? 100 : r;
      v[i * nc + k] = val;
      raw[i * nc + k] = r;
    }
  }
  for (size_t k = 0; k < nc; k++) wtmp[k] = h->comps[k].weight;
  for (size_t i = 0; i < n; i++) {
    double s = revl_weighted_mean(v + i * nc, wtmp, (int)nc);
    score[i] = isnan(s) ? NAN : revl_round_to(s, 1);
    band[i] = (int16_t)(isnan(s) ? -1 : revl_health_band(s, h->red, h->yellow));
  }
  return 0;
}

/* ---- definitions -------------------------------------------------------- */

int revl_hcomp_kind_of(const char *kind) {
  static const char *const names[] = {"criteria", "field", "usage", "utilisation",
                                      "usage_growth", "fn"};
  static const int kinds[] = {REVL_HC_CRITERIA, REVL_HC_FIELD, REVL_HC_USAGE,
                              REVL_HC_UTIL, REVL_HC_GROWTH, REVL_HC_FN};
  for (int i = 0; kind && i < 6; i++)
    if (strcmp(kind, names[i]) == 0) return kinds[i];
  return -1;
}

int revl_hcomp_field(revl_hcomp *c, const revl_table *t, const char *what, const char *f,
                     revl_error *err) {
  const revl_table *h;
  c->fcol = revl_table_field(t, f, &h, &c->fvia);
  if (c->fcol < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s: %s has no column '%s'%s", what,
                          t->name, f, REVL_HINT(t, f));
  c->ft = (revl_table *)h;
  revl_type ty = h->cols[c->fcol]->type;
  if (ty != REVL_T_INT && ty != REVL_T_NUMBER && ty != REVL_T_MONEY && ty != REVL_T_BOOL)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "%s: field '%s' is %s, not a number (map it with a function)", what,
                          f, revl_type_name(ty));
  if (!(c->desc = strdup(f))) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  return 0;
}

int revl_hcomp_usage_desc(revl_hcomp *c, const char *metric) {
  char d[200];
  const char *agg = revl_usage_agg_name(c->agg);
  if (c->kind == REVL_HC_USAGE)
    snprintf(d, sizeof d, "%s %s %dd%s", metric, agg, c->days, c->per_seat ? " per seat" : "");
  else if (c->kind == REVL_HC_UTIL)
    snprintf(d, sizeof d, "%s / seats %dd", metric, c->days);
  else
    snprintf(d, sizeof d, "%s %s %dd vs the %dd before", metric, agg, c->days, c->days);
  free(c->desc);
  return (c->desc = strdup(d)) ? 0 : REVL_ENOMEM;
}
