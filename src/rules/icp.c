/*
 * icp.c -- ICP scoring over columns, and engagement definitions checked
 * against the activities table (revl_engage_bind, revl_engage_factors).
 *
 * Fit: each compiled rule is run column-at-a-time over the rows being
 * scored (revl_crit_filter: tight loops for plain leaves) and marks a
 * bit per position; a second pass sums the points of the fired rules
 * per group, applies the group caps and the total cap.  Engagement:
 * activities in the window are weighed by type and decay; for a whole
 * table one sequential pass over the activities adds each one to its
 * record, for a few records the foreign key's reverse index is walked.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "revl/rules.h"

void revl_icp_free(revl_icp *m) {
  if (!m) return;
  for (int i = 0; i < m->nrules; i++) {
    revl_crit_free(m->rules[i].crit);
    free(m->rules[i].name);
  }
  free(m->rules);
  free(m->fnrule);
  for (int i = 0; i < m->ngroups; i++) free(m->groups[i].name);
  free(m->groups);
  for (int i = 0; i < m->ntiers; i++) free(m->tiers[i].label);
  free(m->tiers);
  for (int i = 0; i < m->nbands; i++) free(m->bands[i].label);
  free(m->bands);
  if (m->eng) {
    free(m->eng->type_ids);
    free(m->eng->type_pts);
    free(m->eng->decay.steps);
    free(m->eng->factor);
    free(m->eng);
  }
  free(m);
}

/* The common leaves on the base table, tested straight into the mask
 * (no row list, no per-row call): returns 1 when handled. */
/* (day - minus) * 86400 seconds, saturated at the int64 limits: a
 * criterion's day count may be any integer (fuzz_lua found
 * within_days = -2^63 + ...), and a saturated bound selects exactly the
 * rows the unbounded one would. */
static int64_t day_start_secs(int64_t day, int64_t minus) {
  int64_t d;
  if (__builtin_sub_overflow(day, minus, &d)) return minus > 0 ? INT64_MIN : INT64_MAX;
  if (d > INT64_MAX / 86400) return INT64_MAX;
  if (d < INT64_MIN / 86400) return INT64_MIN;
  return d * 86400;
}

static int mark_leaf(revl_crit *c, int bit, const uint32_t *rows, size_t n,
                     uint64_t *mask, int nwords, int32_t as_of) {
  if (c->via >= 0 || c->col < 0 || c->op >= REVL_OP_ALL) return 0;
  const revl_column *col = c->t->cols[c->col];
  const uint64_t *valid = col->valid;
  size_t w = (size_t)(bit >> 6), nw = (size_t)nwords;
  uint64_t b = (uint64_t)1 << (bit & 63);
  int64_t a = c->a, hi = c->b;
  revl_op op = c->op;
#define ROW(i) (rows ? (size_t)rows[i] : (i))
#define VALID(r) ((valid[(r) >> 6] >> ((r)&63)) & 1)
  int sh = bit & 63;
  (void)b;
#define LOOP(expr)                                                          \
  for (size_t i = 0; i < n; i++) {                                          \
    size_t r = ROW(i);                                                      \
    mask[i * nw + w] |= (uint64_t)((expr) ? 1 : 0) << sh;                   \
  }
  if (op == REVL_OP_EXISTS) {
    LOOP(VALID(r))
    return 1;
  }
  if (op == REVL_OP_MISSING) {
    LOOP(!VALID(r))
    return 1;
  }
  switch (col->type) {
  case REVL_T_STRING: {
    const uint32_t *v = col->v.str;
    uint32_t x = (uint32_t)a;
    if (op == REVL_OP_EQ) { LOOP((int)VALID(r) & (v[r] == x)) }
    else if (op == REVL_OP_NE) { LOOP((int)!VALID(r) | (v[r] != x)) }
    else if (op == REVL_OP_IN && c->nset <= 8) {
      const int64_t *set = c->set;
      size_t ns = c->nset;
      for (size_t i = 0; i < n; i++) {
        size_t r = ROW(i);
        if (!VALID(r)) continue;
        uint32_t y = v[r];
        for (size_t k = 0; k < ns; k++)
          if ((int64_t)y == set[k]) {
            mask[i * nw + w] |= b;
            break;
          }
      }
    } else return 0;
    return 1;
  }
  case REVL_T_INT:
  case REVL_T_MONEY:
  case REVL_T_DATETIME: {
    if (c->use_double) return 0;
    const int64_t *v = col->v.i64;
    if (col->type == REVL_T_DATETIME &&
        (op == REVL_OP_WITHIN_DAYS || op == REVL_OP_OLDER_THAN_DAYS)) {
      /* as_of - a <= day <= as_of, on seconds: no division per row */
      int64_t lo = day_start_secs((int64_t)as_of, a), up = day_start_secs((int64_t)as_of + 1, 0);
      if (op == REVL_OP_WITHIN_DAYS) { LOOP((int)VALID(r) & (v[r] >= lo && v[r] < up)) }
      else { LOOP((int)VALID(r) & (v[r] < lo)) }
      return 1;
    }
    switch (op) {
    case REVL_OP_EQ: LOOP((int)VALID(r) & (v[r] == a)) break;
    case REVL_OP_NE: LOOP((int)!VALID(r) | (v[r] != a)) break;
    case REVL_OP_LT: LOOP((int)VALID(r) & (v[r] < a)) break;
    case REVL_OP_LE: LOOP((int)VALID(r) & (v[r] <= a)) break;
    case REVL_OP_GT: LOOP((int)VALID(r) & (v[r] > a)) break;
    case REVL_OP_GE: LOOP((int)VALID(r) & (v[r] >= a)) break;
    case REVL_OP_BETWEEN: LOOP((int)VALID(r) & (v[r] >= a && v[r] <= hi)) break;
    default: return 0;
    }
    return 1;
  }
  case REVL_T_DATE: {
    const int32_t *v = col->v.date;
    if (op == REVL_OP_WITHIN_DAYS) {
      int64_t lo = (int64_t)as_of - a;
      LOOP((int)VALID(r) & (v[r] >= lo && v[r] <= as_of))
      return 1;
    }
    if (op == REVL_OP_OLDER_THAN_DAYS) {
      int64_t lo = (int64_t)as_of - a;
      LOOP((int)VALID(r) & (v[r] < lo))
      return 1;
    }
    switch (op) {
    case REVL_OP_EQ: LOOP((int)VALID(r) & (v[r] == a)) break;
    case REVL_OP_LT: LOOP((int)VALID(r) & (v[r] < a)) break;
    case REVL_OP_LE: LOOP((int)VALID(r) & (v[r] <= a)) break;
    case REVL_OP_GT: LOOP((int)VALID(r) & (v[r] > a)) break;
    case REVL_OP_GE: LOOP((int)VALID(r) & (v[r] >= a)) break;
    case REVL_OP_BETWEEN: LOOP((int)VALID(r) & (v[r] >= a && v[r] <= hi)) break;
    default: return 0;
    }
    return 1;
  }
  case REVL_T_BOOL: {
    const uint8_t *v = col->v.b;
    if (op == REVL_OP_EQ) { LOOP((int)VALID(r) & (v[r] == (uint8_t)a)) }
    else if (op == REVL_OP_NE) { LOOP((int)!VALID(r) | (v[r] != (uint8_t)a)) }
    else return 0;
    return 1;
  }
  default: return 0;
  }
#undef LOOP
#undef VALID
#undef ROW
}

int revl_crit_mark(revl_crit *c, int bit, const uint32_t *rows, size_t n,
                   uint32_t *scratch, uint64_t *mask, int nwords,
                   revl_crit_ctx *ctx) {
  if (mark_leaf(c, bit, rows, n, mask, nwords, ctx->as_of)) return 0;
  size_t k = revl_crit_filter(c, rows, n, scratch, ctx);
  if (ctx->failed) return -1;
  size_t w = (size_t)(bit >> 6), nw = (size_t)nwords;
  uint64_t b = (uint64_t)1 << (bit & 63);
  if (!rows) {
    for (size_t i = 0; i < k; i++) mask[(size_t)scratch[i] * nw + w] |= b;
  } else {
    /* the filter keeps the input order: walk both lists */
    size_t j = 0;
    for (size_t i = 0; i < k; i++) {
      while (j < n && rows[j] != scratch[i]) j++;
      if (j == n) break;
      mask[j * nw + w] |= b;
      j++;
    }
  }
  return 0;
}

static inline double round2(double x) {
  double y = fabs(x) * 100;
  double r = floor(y + 0.5 + 1e-9 * (y > 1 ? y : 1)) / 100;
  return x < 0 ? -r : r;
}

double revl_icp_fit(const revl_icp *m, const uint64_t *mask,
                    const double *fnpts, double *gsum) {
  for (int g = 0; g < m->ngroups; g++) gsum[g] = 0;
  /* only the rules that fired cost anything */
  for (int w = 0; w < m->nwords; w++) {
    uint64_t x = mask[w];
    while (x) {
      int r = w * 64 + __builtin_ctzll(x);
      x &= x - 1;
      gsum[m->rules[r].group] += m->rules[r].points;
    }
  }
  for (int s = 0; s < m->nfn; s++) {
    const revl_icp_rule *ru = &m->rules[m->fnrule[s]];
    gsum[ru->group] += fnpts[s];
  }
  double total = 0;
  for (int g = 0; g < m->ngroups; g++) {
    if (m->groups[g].has_cap && gsum[g] > m->groups[g].cap)
      gsum[g] = m->groups[g].cap;
    total += gsum[g];
  }
  if (m->has_cap && total > m->cap) total = m->cap;
  if (total < 0) total = 0;
  return round2(total);
}

int revl_icp_fit_all(const revl_icp *m, const uint64_t *mask,
                     const double *fnpts, size_t n, double *out) {
  int ng = m->ngroups;
  size_t nw = (size_t)m->nwords;
  /* column at a time: one branch-free pass per rule over the records */
  double *gs = calloc((n ? n : 1) * (size_t)ng, sizeof *gs);
  if (!gs) return REVL_ENOMEM;
  for (int r = 0; r < m->nrules; r++) {
    const revl_icp_rule *ru = &m->rules[r];
    double *g = gs + (size_t)ru->group * n;
    if (ru->fn >= 0) {
      size_t nf = (size_t)m->nfn, f = (size_t)ru->fn;
      for (size_t i = 0; i < n; i++) g[i] += fnpts[i * nf + f];
      continue;
    }
    const uint64_t *mw = mask + (r >> 6);
    int sh = r & 63;
    double p = ru->points;
    for (size_t i = 0; i < n; i++) g[i] += (double)((mw[i * nw] >> sh) & 1) * p;
  }
  for (size_t i = 0; i < n; i++) out[i] = 0;
  for (int k = 0; k < ng; k++) {
    const double *g = gs + (size_t)k * n;
    if (m->groups[k].has_cap) {
      double cap = m->groups[k].cap;
      for (size_t i = 0; i < n; i++) out[i] += g[i] > cap ? cap : g[i];
    } else {
      for (size_t i = 0; i < n; i++) out[i] += g[i];
    }
  }
  for (size_t i = 0; i < n; i++) {
    double t = out[i];
    if (m->has_cap && t > m->cap) t = m->cap;
    if (t < 0) t = 0;
    out[i] = round2(t);
  }
  free(gs);
  return 0;
}

/* ---- engagement ---------------------------------------------------------- */

/* points of activity a, or 0 when outside the window; *type gets its
 * slot in the type table (-1 when it scores nothing) */
static inline double act_points(const revl_engage *e, size_t a, int32_t as_of,
                                int64_t lo_s, int64_t hi_s, int *type) {
  const revl_column *at = e->acts->cols[e->at];
  *type = -1;
  if (!revl_col_valid(at, a)) return 0;
  int32_t day;
  if (at->type == REVL_T_DATETIME) {
    int64_t s = at->v.i64[a];
    if (s < lo_s || s >= hi_s) return 0;
    day = (int32_t)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
  } else {
    day = at->v.date[a];
    if (day <= as_of - e->window || day > as_of) return 0;
  }
  const revl_column *tc = e->acts->cols[e->type];
  if (!revl_col_valid(tc, a)) return 0;
  uint32_t id = tc->v.str[a];
  for (int k = 0; k < e->ntypes; k++)
    if (e->type_ids[k] == id) {
      *type = k;
      return e->type_pts[k] * e->factor[as_of - day];
    }
  return 0;
}

static double finish(const revl_engage *e, double x) {
  if (e->has_cap && x > e->cap) x = e->cap;
  if (x < 0) x = 0;
  return round2(x);
}

double revl_icp_engagement(const revl_icp *m, size_t row, int32_t as_of,
                           int *count, double *pts) {
  const revl_engage *e = m->eng;
  if (!e) return 0;
  if (count) memset(count, 0, (size_t)e->ntypes * sizeof *count);
  if (pts) memset(pts, 0, (size_t)e->ntypes * sizeof *pts);
  const revl_column *fk = e->acts->cols[e->fk];
  if (!fk->rev_off || row >= m->t->nrows) return 0;
  int64_t lo_s = ((int64_t)as_of - e->window + 1) * 86400;
  int64_t hi_s = ((int64_t)as_of + 1) * 86400;
  double sum = 0;
  for (uint32_t i = fk->rev_off[row]; i < fk->rev_off[row + 1]; i++) {
    int k;
    double p = act_points(e, fk->rev_rows[i], as_of, lo_s, hi_s, &k);
    if (k < 0) continue;
    sum += p;
    if (count) count[k]++;
    if (pts) pts[k] += p;
  }
  return finish(e, sum);
}

int revl_icp_engagement_all(const revl_icp *m, const uint32_t *rows,
                            size_t n, int32_t as_of, double *out) {
  const revl_engage *e = m->eng;
  if (!e) {
    memset(out, 0, n * sizeof *out);
    return 0;
  }
  const revl_column *fk = e->acts->cols[e->fk];
  size_t nt = m->t->nrows;
  if (rows && n < nt / 8) {
    for (size_t i = 0; i < n; i++)
      out[i] = revl_icp_engagement(m, rows[i], as_of, NULL, NULL);
    return 0;
  }
  /* one pass over the activities, in file order: the window test on the
   * raw column first, the rest only for the few that pass it */
  double *acc = calloc(nt ? nt : 1, sizeof *acc);
  if (!acc) return REVL_ENOMEM;
  size_t na = e->acts->nrows;
  const int32_t *ref = fk->ref_row;
  const revl_column *at = e->acts->cols[e->at], *tc = e->acts->cols[e->type];
  const uint32_t *ty = tc->v.str;
  int ntypes = e->ntypes;
  if (at->type == REVL_T_DATETIME) {
    const int64_t *s = at->v.i64;
    int64_t lo_s = ((int64_t)as_of - e->window + 1) * 86400;
    int64_t hi_s = ((int64_t)as_of + 1) * 86400;
    for (size_t a = 0; a < na; a++) {
      int64_t x = s[a];
      if (x < lo_s || x >= hi_s) continue;
      int32_t r = ref[a];
      if (r < 0 || !revl_col_valid(at, a) || !revl_col_valid(tc, a)) continue;
      uint32_t id = ty[a];
      for (int k = 0; k < ntypes; k++)
        if (e->type_ids[k] == id) {
          int32_t day = (int32_t)(x / 86400); /* x > 0 here unless as-of is before 1970 */
          if (x < 0) day = (int32_t)(-((-x + 86399) / 86400));
          acc[r] += e->type_pts[k] * e->factor[as_of - day];
          break;
        }
    }
  } else {
    for (size_t a = 0; a < na; a++) {
      int k;
      double p = act_points(e, a, as_of, 0, 0, &k);
      if (k < 0 || ref[a] < 0) continue;
      acc[ref[a]] += p;
    }
  }
  for (size_t i = 0; i < n; i++)
    out[i] = finish(e, acc[rows ? rows[i] : i]);
  free(acc);
  return 0;
}

/* ---- definitions -------------------------------------------------------- */

int revl_engage_bind(revl_engage *e, const revl_table *t, const char *key, const char *type,
                     const char *at, revl_error *err) {
  const revl_table *a = e->acts;
  if (a->store != t->store)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "engagement: %s is not from the same data as %s", a->name, t->name);
  e->fk = revl_table_col(a, key ? key : "");
  e->type = revl_table_col(a, type ? type : "");
  e->at = revl_table_col(a, at ? at : "");
  if (e->fk < 0 || a->cols[e->fk]->ref != t || !a->cols[e->fk]->rev_off)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "engagement: %s.%s does not reference %s",
                          a->name, key ? key : "?", t->name);
  if (e->type < 0 || a->cols[e->type]->type != REVL_T_STRING)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "engagement: %s has no text column '%s'",
                          a->name, type ? type : "?");
  if (e->at < 0 ||
      (a->cols[e->at]->type != REVL_T_DATE && a->cols[e->at]->type != REVL_T_DATETIME))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "engagement: %s has no date column '%s'",
                          a->name, at ? at : "?");
  return 0;
}

int revl_engage_factors(revl_engage *e) {
  free(e->factor);
  e->factor = calloc(e->window > 0 ? (size_t)e->window : 1, sizeof *e->factor);
  if (!e->factor) return REVL_ENOMEM;
  for (int32_t a = 0; a < e->window; a++) e->factor[a] = revl_decay_factor(&e->decay, a);
  return 0;
}
