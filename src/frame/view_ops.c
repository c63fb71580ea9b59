/*
 * view_ops.c -- one aggregate over a store view (view:sum, :avg, :min,
 * :max, :median, :percentile, :count) and sorting a view by a field, in
 * the core.  See revl/frame_view.h.
 */
#include "revl/frame_view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Row of the field's holder for base row r, or -1. */
static int64_t hold_row(const revl_table *t, int via, size_t r) {
  if (via < 0) return (int64_t)r;
  return t->cols[via]->ref_row ? t->cols[via]->ref_row[r] : -1;
}

static int field_of(const revl_view *v, const char *field,
                    const revl_table **h, int *via, revl_error *err) {
  int ci = revl_table_field(v->t, field, h, via);
  if (ci < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s has no column '%s'%s",
                          v->t->name, field, REVL_HINT(v->t, field));
  return ci;
}

static int cmp_i64v(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}
static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int revl_view_aggregate(const revl_view *v, const char *field, const char *kind,
                        double p, revl_vresult *out, revl_error *err) {
  memset(out, 0, sizeof *out);
  const revl_table *h;
  int via;
  int ci = field_of(v, field, &h, &via, err);
  if (ci < 0) return ci;
  const revl_column *c = h->cols[ci];
  const revl_store *s = v->t->store;
  const revl_intern *in = &s->strings;
  int is_sum = strcmp(kind, "sum") == 0, is_avg = strcmp(kind, "avg") == 0;
  int is_min = strcmp(kind, "min") == 0, is_max = strcmp(kind, "max") == 0;
  int is_pct = strcmp(kind, "percentile") == 0;
  if (strcmp(kind, "median") == 0) p = 50, is_pct = 1;
  if (strcmp(kind, "count") == 0) {
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
      int64_t r = hold_row(v->t, via, revl_view_row(v, i));
      if (r >= 0 && revl_col_valid(c, (size_t)r)) k++;
    }
    out->has = 1;
    out->type = REVL_T_INT;
    out->i = (int64_t)k;
    return 0;
  }
  if (!is_sum && !is_avg && !is_min && !is_max && !is_pct)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "unknown aggregate '%s' (count sum avg min max median "
                          "percentile)",
                          kind);
  if (c->type == REVL_T_STRING && !is_min && !is_max)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "cannot %s text column '%s'", kind, c->name);
  size_t k = 0, n = v->n;
  int64_t isum = 0, imin = INT64_MAX, imax = INT64_MIN;
  double dsum = 0, dmin = HUGE_VAL, dmax = -HUGE_VAL;
  uint32_t cur = 0;
  size_t smin = 0, smax = 0;
  int64_t *iv = NULL;
  double *dv = NULL;
  int rc = 0;
  if (is_pct) {
    if (c->type == REVL_T_NUMBER) dv = malloc((n ? n : 1) * sizeof *dv);
    else iv = malloc((n ? n : 1) * sizeof *iv);
    if (!dv && !iv) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  }
  for (size_t i = 0; i < n; i++) {
    int64_t r = hold_row(v->t, via, revl_view_row(v, i));
    if (r < 0 || !revl_col_valid(c, (size_t)r)) continue;
    size_t rr = (size_t)r;
    int64_t x;
    switch (c->type) {
    case REVL_T_NUMBER: {
      double d = c->v.f64[rr];
      dsum += d;
      if (d < dmin) dmin = d;
      if (d > dmax) dmax = d;
      if (dv) dv[k] = d;
      k++;
      continue;
    }
    case REVL_T_STRING: {
      const char *str = revl_intern_str(in, c->v.str[rr]);
      if (k == 0 || strcmp(str, revl_intern_str(in, c->v.str[smin])) < 0) smin = rr;
      if (k == 0 || strcmp(str, revl_intern_str(in, c->v.str[smax])) > 0) smax = rr;
      k++;
      continue;
    }
    case REVL_T_BOOL: x = c->v.b[rr]; break;
    case REVL_T_DATE: x = c->v.date[rr]; break;
    case REVL_T_MONEY:
      if (!cur) {
        cur = c->cur[rr];
      } else if (c->cur[rr] != cur) {
        rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                            "cannot %s '%s': it mixes %s and %s (load an FX table)",
                            kind, c->name, revl_intern_str(in, cur),
                            revl_intern_str(in, c->cur[rr]));
        goto out;
      }
      x = c->v.i64[rr];
      break;
    default: x = c->v.i64[rr]; break;
    }
    if (__builtin_add_overflow(isum, x, &isum)) {
      rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0, "sum of '%s' overflows", c->name);
      goto out;
    }
    if (x < imin) imin = x;
    if (x > imax) imax = x;
    if (iv) iv[k] = x;
    k++;
  }
  out->cur = cur ? cur : s->default_currency;
  out->type = c->type;
  if (k == 0) {
    if (is_sum) {
      out->has = 1;
      if (c->type != REVL_T_MONEY && c->type != REVL_T_NUMBER) out->type = REVL_T_INT;
    }
    goto out;
  }
  out->has = 1;
  if (is_pct) {
    double pos = p / 100.0 * (double)(k - 1);
    size_t lo = (size_t)floor(pos), hi = (size_t)ceil(pos);
    double frac = pos - (double)lo;
    if (dv) {
      qsort(dv, k, sizeof *dv, cmp_dbl);
      out->d = dv[lo] + (dv[hi] - dv[lo]) * frac;
      goto out;
    }
    qsort(iv, k, sizeof *iv, cmp_i64v);
    double val = (double)iv[lo] + (double)(iv[hi] - iv[lo]) * frac;
    if (c->type == REVL_T_MONEY) {
      out->i = (int64_t)(val < 0 ? ceil(val - 0.5) : floor(val + 0.5));
    } else if (c->type == REVL_T_DATE && frac == 0) {
      out->date = (int32_t)val;
    } else {
      out->type = REVL_T_NUMBER;
      out->d = val;
    }
    goto out;
  }
  if (c->type == REVL_T_NUMBER) {
    out->d = is_sum ? dsum : is_avg ? dsum / (double)k : is_min ? dmin : dmax;
    goto out;
  }
  if (c->type == REVL_T_STRING) {
    out->str = c->v.str[is_min ? smin : smax];
    goto out;
  }
  int64_t val = is_min ? imin : is_max ? imax : isum;
  if (is_avg) {
    if (c->type == REVL_T_MONEY) { /* exact: isum / k rounded half away from zero */
      int64_t q = isum / (int64_t)k, rem = isum % (int64_t)k;
      if (2 * (rem < 0 ? -rem : rem) >= (int64_t)k) q += isum < 0 ? -1 : 1;
      out->i = q;
    } else {
      out->type = REVL_T_NUMBER;
      out->d = (double)isum / (double)k;
    }
    goto out;
  }
  if (is_sum && c->type == REVL_T_DATE) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "cannot sum dates");
    goto out;
  }
  if (is_sum && c->type == REVL_T_DATETIME) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "cannot sum date-times");
    goto out;
  }
  if (c->type == REVL_T_DATE) out->date = (int32_t)val;
  else if (c->type == REVL_T_BOOL) out->type = REVL_T_INT, out->i = val;
  else out->i = val;
out:
  free(iv);
  free(dv);
  if (rc) out->has = 0;
  return rc;
}

/* ---- sort ------------------------------------------------------------ */

typedef struct sort_ctx {
  const revl_table *t, *h;
  const revl_column *c;
  int via, desc;
  const revl_intern *in;
} sort_ctx;

static _Thread_local const sort_ctx *g_sort; /* qsort has no context in C11 */

static int sort_cmp(const void *pa, const void *pb) {
  const sort_ctx *s = g_sort;
  uint32_t ra = *(const uint32_t *)pa, rb = *(const uint32_t *)pb;
  int64_t a = hold_row(s->t, s->via, ra), b = hold_row(s->t, s->via, rb);
  const revl_column *c = s->c;
  int va = a >= 0 && revl_col_valid(c, (size_t)a);
  int vb = b >= 0 && revl_col_valid(c, (size_t)b);
  int k;
  if (!va || !vb) {
    k = va - vb; /* nulls last either way */
    if (k == 0) return (ra > rb) - (ra < rb);
    return -k;
  }
  switch (c->type) {
  case REVL_T_STRING:
    k = strcmp(revl_intern_str(s->in, c->v.str[a]), revl_intern_str(s->in, c->v.str[b]));
    break;
  case REVL_T_NUMBER: k = (c->v.f64[a] > c->v.f64[b]) - (c->v.f64[a] < c->v.f64[b]); break;
  case REVL_T_BOOL: k = c->v.b[a] - c->v.b[b]; break;
  case REVL_T_DATE: k = (c->v.date[a] > c->v.date[b]) - (c->v.date[a] < c->v.date[b]); break;
  default: k = (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]); break;
  }
  if (s->desc) k = -k;
  if (k == 0) k = (ra > rb) - (ra < rb); /* stable */
  return k;
}

int revl_view_sort(const revl_view *v, const char *field, int desc,
                   uint32_t *rows, revl_error *err) {
  sort_ctx s;
  int ci = field_of(v, field, &s.h, &s.via, err);
  if (ci < 0) return ci;
  s.t = v->t;
  s.c = s.h->cols[ci];
  s.desc = desc;
  s.in = &v->t->store->strings;
  for (size_t i = 0; i < v->n; i++) rows[i] = (uint32_t)revl_view_row(v, i);
  const sort_ctx *saved = g_sort;
  g_sort = &s;
  qsort(rows, v->n, sizeof *rows, sort_cmp);
  g_sort = saved;
  return 0;
}
