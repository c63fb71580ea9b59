/*
 * frame_group.c -- group by with aggregates over a result frame (see
 * revl/frame.h).
 *
 * Keys are hashed as int64 tuples with revl_mgroup (string ids, number
 * bits with -0 folded into 0, money amount and currency, one part for
 * which keys are null), so finding a group never touches string bytes;
 * one text key over a compact range of ids skips the hash and indexes
 * an array by id (dense_groups), with the same group numbers.
 * Each aggregate is then one pass over the rows into per-group arrays;
 * median and percentiles gather each group's values through a counting
 * sort of the rows by group.  The results follow view:sum/avg/...: sums
 * are exact (money in one currency per group, overflow is an error),
 * money means round half away from zero, percentiles interpolate
 * between closest ranks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/frame.h"
#include "revl/metrics.h"

#define NOMEM(err) revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

int revl_agg_parse(const char *name) {
  static const char *const names[] = {"count", "sum", "avg", "min", "max",
                                      "median", "percentile"};
  for (int i = 0; i < 7; i++)
    if (strcmp(name, names[i]) == 0) return i;
  return -1;
}

static const char *const agg_names[] = {"count", "sum", "avg", "min", "max",
                                        "median", "percentile"};

static int key_parts(const revl_frame *f, int col) {
  return f->cols[col]->col.type == REVL_T_MONEY ? 2 : 1;
}

/* Fill the key tuple of row i: one or two parts per key, then a null mask. */
static void row_key(const revl_frame *f, const int *keys, int nk, size_t i,
                    int64_t *part) {
  int p = 0;
  int64_t mask = 0;
  for (int k = 0; k < nk; k++) {
    const revl_column *c = &f->cols[keys[k]]->col;
    int money = c->type == REVL_T_MONEY;
    if (!revl_col_valid(c, i)) {
      mask |= 1ll << k;
      part[p++] = 0;
      if (money) part[p++] = 0;
      continue;
    }
    switch (c->type) {
    case REVL_T_STRING: part[p++] = c->v.str[i]; break;
    case REVL_T_DATE: part[p++] = c->v.date[i]; break;
    case REVL_T_BOOL: part[p++] = c->v.b[i]; break;
    case REVL_T_NUMBER: {
      double d = c->v.f64[i];
      int64_t bits;
      if (d == 0) d = 0; /* -0 and 0 are one group */
      memcpy(&bits, &d, sizeof bits);
      part[p++] = bits;
      break;
    }
    default:
      part[p++] = c->v.i64[i];
      if (money) part[p++] = c->cur[i];
      break;
    }
  }
  part[p] = mask;
}

/* Copy cell (src row r) to the end of column d. */
static int push_copy(revl_column *d, const revl_column *c, size_t r) {
  if (!revl_col_valid(c, r)) return revl_col_push_null(d);
  if (d->n == d->cap && revl_col_grow1(d)) return REVL_ENOMEM;
  switch (revl_type_size(c->type)) { /* a fixed-size copy, not a memcpy call */
  case 1: d->v.b[d->n] = c->v.b[r]; break;
  case 4: d->v.str[d->n] = c->v.str[r]; break;
  default: d->v.i64[d->n] = c->v.i64[r]; break;
  }
  if (c->type == REVL_T_MONEY) d->cur[d->n] = c->cur[r];
  d->valid[d->n >> 6] |= 1ull << (d->n & 63);
  d->n++;
  return 0;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}
static int cmp_f64(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Group members in row order: off[g]..off[g+1] index members. */
typedef struct members {
  uint32_t *off, *rows;
} members;

static int build_members(const uint32_t *gid, size_t n, size_t ng, members *m) {
  m->off = calloc(ng + 1, sizeof *m->off);
  m->rows = malloc((n ? n : 1) * sizeof *m->rows);
  if (!m->off || !m->rows) return REVL_ENOMEM;
  for (size_t i = 0; i < n; i++) m->off[gid[i] + 1]++;
  for (size_t g = 0; g < ng; g++) m->off[g + 1] += m->off[g];
  uint32_t *pos = malloc((ng ? ng : 1) * sizeof *pos);
  if (!pos) return REVL_ENOMEM;
  memcpy(pos, m->off, ng * sizeof *pos);
  for (size_t i = 0; i < n; i++) m->rows[pos[gid[i]]++] = (uint32_t)i;
  free(pos);
  return 0;
}

/* The currency a money result of an empty group is in: the store's
 * default when the column uses the store's strings. */
static uint32_t default_cur(const revl_frame *f, const revl_fcol *fc) {
  if (f->store && fc->dict == &f->store->strings) return f->store->default_currency;
  return revl_intern_find(fc->dict, "USD", 3);
}

/* "Acme" or "Acme, 2025-01": group g's key cells (o's key columns),
 * for messages. */
static const char *group_label(const revl_frame *o, size_t g, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = 0;
  for (int k = 0; k < o->nkeys && used + 1 < n; k++) {
    char cb[128];
    size_t len;
    const char *s = revl_frame_cell_text(o, k, g, cb, sizeof cb, &len);
    int w = snprintf(buf + used, n - used, "%s%.*s", k ? ", " : "", (int)len, s);
    if (w < 0) break;
    used += (size_t)w;
  }
  return buf;
}

/* Aggregate a over the groups into a new column of o. */
static int aggregate(const revl_frame *f, const revl_agg *a, const uint32_t *gid,
                     size_t ng, members *m, revl_frame *o, revl_error *err) {
  size_t n = f->nrows;
  const char *kind = agg_names[a->kind];
  if (a->kind == REVL_AGG_COUNT) {
    int ci = revl_frame_add_col(o, a->name, REVL_T_INT, NULL);
    if (ci < 0) goto badcol;
    revl_column *d = &o->cols[ci]->col;
    if (revl_col_reserve(d, ng ? ng : 1)) return NOMEM(err);
    memset(d->v.i64, 0, ng * sizeof *d->v.i64);
    const revl_column *c = a->col >= 0 ? &f->cols[a->col]->col : NULL;
    for (size_t i = 0; i < n; i++)
      if (!c || revl_col_valid(c, i)) d->v.i64[gid[i]]++;
    for (size_t g = 0; g < ng; g++) d->valid[g >> 6] |= 1ull << (g & 63);
    d->n = ng;
    o->cols[ci]->kind = REVL_DK_COUNT;
    return 0;
  }
  const revl_fcol *fc = f->cols[a->col];
  const revl_column *c = &fc->col;
  int pct = a->kind == REVL_AGG_MEDIAN || a->kind == REVL_AGG_PERCENTILE;
  double p = a->kind == REVL_AGG_MEDIAN ? 50 : a->p;
  if (c->type == REVL_T_STRING && a->kind != REVL_AGG_MIN && a->kind != REVL_AGG_MAX)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "cannot %s text column '%s'", kind, c->name);
  if (a->kind == REVL_AGG_SUM && (c->type == REVL_T_DATE || c->type == REVL_T_DATETIME))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "cannot sum %s",
                          c->type == REVL_T_DATE ? "dates" : "date-times");
  /* output type */
  revl_type ot = c->type;
  if (c->type == REVL_T_BOOL) ot = REVL_T_INT;
  if (a->kind == REVL_AGG_AVG && c->type != REVL_T_MONEY) ot = REVL_T_NUMBER;
  if (pct && c->type != REVL_T_MONEY && c->type != REVL_T_DATE) ot = REVL_T_NUMBER;
  int rc = 0;
  int64_t *isum = calloc(ng ? ng : 1, sizeof *isum);
  double *dv = calloc(ng ? ng : 1, sizeof *dv);       /* NUMBER sum/min/max, pct */
  uint32_t *cnt = calloc(ng ? ng : 1, sizeof *cnt);
  uint32_t *cur = calloc(ng ? ng : 1, sizeof *cur);
  int64_t *best = calloc(ng ? ng : 1, sizeof *best);  /* min/max value or row */
  int *frac = NULL;                                   /* pct: non-integral position */
  if (!isum || !dv || !cnt || !cur || !best) goto nomem;
  int is_min = a->kind == REVL_AGG_MIN, is_max = a->kind == REVL_AGG_MAX;
  if (!pct) {
    for (size_t i = 0; i < n; i++) {
      if (!revl_col_valid(c, i)) continue;
      uint32_t g = gid[i];
      int first = cnt[g]++ == 0;
      switch (c->type) {
      case REVL_T_NUMBER: {
        double d = c->v.f64[i];
        if (is_min) dv[g] = first || d < dv[g] ? d : dv[g];
        else if (is_max) dv[g] = first || d > dv[g] ? d : dv[g];
        else dv[g] += d;
        break;
      }
      case REVL_T_STRING: {
        if (first) { best[g] = (int64_t)i; break; }
        int r = strcmp(revl_intern_str(fc->dict, c->v.str[i]),
                       revl_intern_str(fc->dict, c->v.str[best[g]]));
        if ((is_min && r < 0) || (is_max && r > 0)) best[g] = (int64_t)i;
        break;
      }
      default: {
        int64_t x = c->type == REVL_T_DATE ? c->v.date[i]
                    : c->type == REVL_T_BOOL ? c->v.b[i] : c->v.i64[i];
        if (c->type == REVL_T_MONEY) {
          if (!cur[g]) cur[g] = c->cur[i];
          else if (c->cur[i] != cur[g]) {
            char gl[256];
            rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                                "cannot %s '%s': it mixes %s and %s in group '%s' (load an FX table)",
                                kind, c->name, revl_intern_str(fc->dict, cur[g]),
                                revl_intern_str(fc->dict, c->cur[i]),
                                group_label(o, g, gl, sizeof gl));
            goto out;
          }
        }
        if (__builtin_add_overflow(isum[g], x, &isum[g])) {
          char gl[256];
          rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0, "sum of '%s' overflows in group '%s'",
                              c->name, group_label(o, g, gl, sizeof gl));
          goto out;
        }
        if (first || (is_min && x < best[g]) || (is_max && x > best[g])) best[g] = x;
        break;
      }
      }
    }
  } else {
    /* percentiles: each group's values, sorted */
    if (!m->off && build_members(gid, n, ng, m)) goto nomem;
    frac = calloc(ng ? ng : 1, sizeof *frac);
    void *vals = malloc((n ? n : 1) * 8);
    if (!frac || !vals) {
      free(vals);
      goto nomem;
    }
    for (size_t g = 0; g < ng; g++) {
      size_t k = 0;
      for (uint32_t j = m->off[g]; j < m->off[g + 1]; j++) {
        size_t i = m->rows[j];
        if (!revl_col_valid(c, i)) continue;
        if (c->type == REVL_T_NUMBER) ((double *)vals)[k++] = c->v.f64[i];
        else {
          if (c->type == REVL_T_MONEY) {
            if (!cur[g]) cur[g] = c->cur[i];
            else if (c->cur[i] != cur[g]) {
              free(vals);
              char gl[256];
              rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                                  "cannot %s '%s': it mixes %s and %s in group '%s' (load an FX table)",
                                  kind, c->name, revl_intern_str(fc->dict, cur[g]),
                                  revl_intern_str(fc->dict, c->cur[i]),
                                  group_label(o, g, gl, sizeof gl));
              goto out;
            }
          }
          ((int64_t *)vals)[k++] = c->type == REVL_T_DATE ? c->v.date[i]
                                   : c->type == REVL_T_BOOL ? c->v.b[i] : c->v.i64[i];
        }
      }
      cnt[g] = (uint32_t)k;
      if (!k) continue;
      double pos = p / 100.0 * (double)(k - 1);
      size_t lo = (size_t)floor(pos), hi = (size_t)ceil(pos);
      double fr = pos - (double)lo;
      if (c->type == REVL_T_NUMBER) {
        double *v = vals;
        qsort(v, k, sizeof *v, cmp_f64);
        dv[g] = v[lo] + (v[hi] - v[lo]) * fr;
      } else {
        int64_t *v = vals;
        qsort(v, k, sizeof *v, cmp_i64);
        dv[g] = (double)v[lo] + (double)(v[hi] - v[lo]) * fr;
      }
      frac[g] = fr != 0;
    }
    free(vals);
    if (c->type == REVL_T_DATE)
      for (size_t g = 0; g < ng; g++)
        if (frac[g]) ot = REVL_T_NUMBER;
  }
  int ci = revl_frame_add_col(o, a->name, ot, c->type == REVL_T_MONEY || c->type == REVL_T_STRING
                                                   ? fc->dict : NULL);
  if (ci < 0) {
    rc = ci == REVL_ENOMEM ? NOMEM(err)
                           : revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                                            "group_by: column '%s' given twice", a->name);
    goto out;
  }
  o->cols[ci]->kind = c->type == REVL_T_MONEY ? REVL_DK_MONEY : REVL_DK_PLAIN;
  revl_column *d = &o->cols[ci]->col;
  if (revl_col_reserve(d, ng ? ng : 1)) goto nomem;
  uint32_t dcur = c->type == REVL_T_MONEY ? default_cur(f, fc) : 0;
  for (size_t g = 0; g < ng; g++) {
    if (!cnt[g]) {
      if (a->kind == REVL_AGG_SUM) { /* the sum of nothing is 0 */
        if (ot == REVL_T_MONEY) rc = dcur ? revl_col_push_money(d, 0, dcur) : revl_col_push_null(d);
        else if (ot == REVL_T_NUMBER) rc = revl_col_push_f64(d, 0);
        else rc = revl_col_push_i64(d, 0);
      } else {
        rc = revl_col_push_null(d);
      }
    } else if (c->type == REVL_T_STRING) {
      rc = push_copy(d, c, (size_t)best[g]);
    } else if (pct) {
      double v = dv[g];
      if (ot == REVL_T_MONEY)
        rc = revl_col_push_money(d, (int64_t)(v < 0 ? ceil(v - 0.5) : floor(v + 0.5)), cur[g]);
      else if (ot == REVL_T_DATE) rc = revl_col_push_date(d, (int32_t)v);
      else rc = revl_col_push_f64(d, v);
    } else if (c->type == REVL_T_NUMBER) {
      rc = revl_col_push_f64(d, a->kind == REVL_AGG_AVG ? dv[g] / cnt[g] : dv[g]);
    } else if (a->kind == REVL_AGG_AVG) {
      if (ot == REVL_T_MONEY) {
        int64_t k = cnt[g], q = isum[g] / k, rem = isum[g] % k;
        if (2 * (rem < 0 ? -rem : rem) >= k) q += isum[g] < 0 ? -1 : 1;
        rc = revl_col_push_money(d, q, cur[g]);
      } else {
        rc = revl_col_push_f64(d, (double)isum[g] / (double)cnt[g]);
      }
    } else {
      int64_t v = a->kind == REVL_AGG_SUM ? isum[g] : best[g];
      switch (ot) {
      case REVL_T_MONEY: rc = revl_col_push_money(d, v, cur[g]); break;
      case REVL_T_DATE: rc = revl_col_push_date(d, (int32_t)v); break;
      default: rc = revl_col_push_i64(d, v); break;
      }
    }
    if (rc) goto nomem;
  }
  goto out;
badcol:
  return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "group_by: column '%s' given twice", a->name);
nomem:
  rc = NOMEM(err);
out:
  free(isum);
  free(dv);
  free(cnt);
  free(cur);
  free(best);
  free(frac);
  return rc;
}

/* One text key whose ids span a range not much wider than the rows: a
 * group per id straight from an array indexed by id (and one for the
 * nulls), numbered in order of first appearance like revl_mgroup does,
 * so the result is the same without hashing.  0 done (gid, *first, *ng
 * filled), 1 the ids are too spread out (use the hash), -1 no memory. */
static int dense_groups(const revl_column *c, size_t n, uint32_t *gid,
                        uint32_t **first, size_t *ng) {
  if (c->type != REVL_T_STRING || !n) return 1;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (size_t i = 0; i < n; i++)
    if (revl_col_valid(c, i)) {
      uint32_t id = c->v.str[i];
      lo = id < lo ? id : lo;
      hi = id > hi ? id : hi;
    }
  size_t range = lo <= hi ? (size_t)(hi - lo) + 1 : 0;
  if (range > 4 * n + 1024) return 1;
  uint32_t *map = calloc(range ? range : 1, sizeof *map);
  uint32_t *fr = malloc((range + 1 < n ? range + 1 : n) * sizeof *fr);
  if (!map || !fr) {
    free(map);
    free(fr);
    return -1;
  }
  uint32_t k = 0, null_group = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t *slot = revl_col_valid(c, i) ? &map[c->v.str[i] - lo] : &null_group;
    if (!*slot) {
      fr[k] = (uint32_t)i;
      *slot = ++k;
    }
    gid[i] = *slot - 1;
  }
  free(map);
  *first = fr;
  *ng = k;
  return 0;
}

int revl_frame_group_by(const revl_frame *f, const int *keys, int nk,
                        const revl_agg *aggs, int na, int sorted,
                        revl_frame **out, revl_error *err) {
  *out = NULL;
  if (nk < 1 || nk > 16)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "group_by takes 1 to 16 keys");
  int np = 1;
  for (int k = 0; k < nk; k++) {
    if (keys[k] < 0 || keys[k] >= f->ncols)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "group_by: column %d out of range", keys[k]);
    np += key_parts(f, keys[k]);
  }
  for (int j = 0; j < na; j++) {
    if (aggs[j].kind < 0 || aggs[j].kind > REVL_AGG_PERCENTILE)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "group_by: unknown aggregate %d", aggs[j].kind);
    if (aggs[j].col >= f->ncols || (aggs[j].col < 0 && aggs[j].kind != REVL_AGG_COUNT))
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "group_by: aggregate '%s' has no column",
                            aggs[j].name);
    if (aggs[j].kind == REVL_AGG_PERCENTILE && !(aggs[j].p >= 0 && aggs[j].p <= 100))
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "percentile must be 0-100");
  }
  int rc = 0;
  revl_mgroup g;
  members m = {NULL, NULL};
  revl_frame *o = NULL;
  uint32_t *first = NULL; /* first row of each group (dense_groups) */
  size_t ng = 0;
  uint32_t *gid = malloc((f->nrows ? f->nrows : 1) * sizeof *gid);
  if (!gid || revl_mgroup_init(&g, np)) {
    free(gid);
    return NOMEM(err);
  }
  int dense = nk == 1 ? dense_groups(&f->cols[keys[0]]->col, f->nrows, gid, &first, &ng) : 1;
  if (dense < 0) goto nomem;
  if (dense > 0) {
    int64_t part[40];
    for (size_t i = 0; i < f->nrows; i++) {
      row_key(f, keys, nk, i, part);
      int64_t id = revl_mgroup_get(&g, part, (uint32_t)i);
      if (id < 0) goto nomem;
      gid[i] = (uint32_t)id;
    }
    ng = g.n;
    first = g.first;
  }
  o = revl_frame_new(f->store);
  if (!o || revl_intern_copy(&o->own, &f->own)) goto nomem;
  for (int k = 0; k < nk; k++) {
    const revl_fcol *fc = f->cols[keys[k]];
    int ci = revl_frame_add_col(o, fc->col.name, fc->col.type,
                                fc->dict == &f->own ? NULL : fc->dict);
    if (ci < 0) {
      rc = ci == REVL_ENOMEM ? NOMEM(err)
                             : revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                                              "group_by: key '%s' given twice", fc->col.name);
      goto out;
    }
    o->cols[ci]->kind = fc->kind;
    revl_column *d = &o->cols[ci]->col;
    if (revl_col_reserve(d, ng ? ng : 1)) goto nomem;
    for (size_t gi = 0; gi < ng; gi++)
      if (push_copy(d, &fc->col, first[gi])) goto nomem;
  }
  o->nkeys = nk;
  for (int j = 0; j < na; j++)
    if ((rc = aggregate(f, &aggs[j], gid, ng, &m, o, err))) goto out;
  o->nrows = ng;
  if (sorted) {
    revl_sortkey sk[16];
    for (int k = 0; k < nk; k++) sk[k].col = k, sk[k].desc = 0;
    if ((rc = revl_frame_sort(o, sk, nk, err))) goto out;
  }
  goto out;
nomem:
  rc = NOMEM(err);
out:
  if (first != g.first) free(first);
  revl_mgroup_free(&g);
  free(gid);
  free(m.off);
  free(m.rows);
  if (rc) revl_frame_free(o);
  else *out = o;
  return rc;
}
