/*
 * score.c -- the numbers the rules engine shares: rounding, bands,
 * decay, health bands and weighted means, and the usage/subscription
 * aggregates triggers and health components read through a table's
 * foreign-key reverse index, with the usage and subscriptions tables
 * a definition names checked and resolved (revl_usage_src_*).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/rules.h"

/* ---- numbers ---------------------------------------------------------- */

double revl_round_to(double x, int decimals) {
  if (!isfinite(x)) return x;
  double p = 1;
  for (int i = 0; i < decimals; i++) p *= 10;
  double y = fabs(x) * p;
  double tol = 1e-9 * (y > 1 ? y : 1);
  double r = floor(y + 0.5 + tol) / p;
  return x < 0 ? -r : r;
}

/* ---- bands -------------------------------------------------------------- */

int revl_band_pick(const revl_band *b, int n, double x) {
  for (int i = 0; i < n; i++)
    if (b[i].open || x >= b[i].min) return i;
  return -1;
}

int revl_bands_check(const revl_band *b, int n) {
  for (int i = 0; i < n; i++) {
    if (b[i].open && i != n - 1) return i;
    if (i > 0 && !b[i].open && !(b[i].min < b[i - 1].min)) return i;
  }
  return -1;
}

/* ---- decay ---------------------------------------------------------------- */

double revl_decay_factor(const revl_decay *d, int32_t age) {
  if (age < 0) age = 0;
  switch (d->kind) {
  case REVL_DECAY_HALF_LIFE:
    return d->half_life > 0 ? exp2(-(double)age / d->half_life) : 1.0;
  case REVL_DECAY_STEPS: {
    double f = 1.0;
    for (int i = 0; i < d->nsteps; i++)
      if (age > d->steps[i].after) f = d->steps[i].factor;
    return f;
  }
  case REVL_DECAY_EVERY:
    return d->every > 0 ? pow(d->factor, (double)(age / d->every)) : 1.0;
  default: return 1.0;
  }
}

/* ---- health ----------------------------------------------------------------- */

int revl_health_band(double score, double red_max, double yellow_max) {
  double s = revl_round_to(score, 1);
  if (s <= red_max) return 0;
  if (s <= yellow_max) return 1;
  return 2;
}

double revl_weighted_mean(const double *x, const double *w, int n) {
  double sw = 0, sx = 0;
  for (int i = 0; i < n; i++) {
    if (isnan(x[i])) continue;
    sw += w[i];
    sx += w[i] * x[i];
  }
  return sw > 0 ? sx / sw : NAN;
}

double revl_metric_score(double v, const revl_band *b, int nb, double lo,
                         double hi) {
  if (isnan(v)) return NAN;
  if (nb > 0) {
    int i = revl_band_pick(b, nb, v);
    return i < 0 ? 0.0 : b[i].score;
  }
  if (lo == hi) return v >= hi ? 100.0 : 0.0;
  double t = (v - lo) / (hi - lo);
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  return 100.0 * t;
}

/* ---- usage and subscriptions -------------------------------------------------- */

static int col_num(const revl_column *c, size_t r, double *out) {
  if (!revl_col_valid(c, r)) return 0;
  switch (c->type) {
  case REVL_T_NUMBER: *out = c->v.f64[r]; return 1;
  case REVL_T_INT:
  case REVL_T_MONEY: *out = (double)c->v.i64[r]; return 1;
  case REVL_T_BOOL: *out = c->v.b[r]; return 1;
  default: return 0;
  }
}

static int col_day(const revl_column *c, size_t r, int32_t *out) {
  if (!revl_col_valid(c, r)) return 0;
  if (c->type == REVL_T_DATE) {
    *out = c->v.date[r];
    return 1;
  }
  if (c->type == REVL_T_DATETIME) {
    int64_t s = c->v.i64[r];
    *out = (int32_t)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
    return 1;
  }
  return 0;
}

/* rows of table t whose FK column fk points at target row `row` */
static const uint32_t *children(const revl_table *t, int fk, size_t row,
                                size_t *n) {
  const revl_column *c = t->cols[fk];
  if (!c->rev_off || !c->ref || row >= c->ref->nrows) {
    *n = 0;
    return NULL;
  }
  *n = c->rev_off[row + 1] - c->rev_off[row];
  return c->rev_rows + c->rev_off[row];
}

static const char *const agg_names[] = {"sum", "avg", "min", "max", "last", "count"};

int revl_usage_agg_of(const char *name) {
  for (int i = 0; i < 6; i++)
    if (name && strcmp(name, agg_names[i]) == 0) return i;
  return REVL_UAGG_AVG;
}

const char *revl_usage_agg_name(int agg) { return agg >= 0 && agg < 6 ? agg_names[agg] : "avg"; }

int revl_usage_src_usage(revl_usage_src *src, revl_table *t, revl_table *u, int need,
                         revl_error *err) {
  memset(src, 0, sizeof *src);
  src->s_seats = src->s_mrr = -1;
  if (!u) {
    if (!need) return 0;
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "no usage table is loaded (usage.csv in the data directory)");
  }
  src->usage = u;
  src->u_fk = revl_table_fk_to(u, t, NULL);
  src->u_date = revl_table_col(u, "date");
  src->u_metric = revl_table_col(u, "metric");
  src->u_value = revl_table_col(u, "value");
  if (src->u_fk < 0 || src->u_date < 0 || src->u_metric < 0 || src->u_value < 0 ||
      u->cols[src->u_metric]->type != REVL_T_STRING)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "the usage table needs a reference to %s and date, metric and value "
                          "columns", t->name);
  return 0;
}

int revl_usage_src_subs(revl_usage_src *src, revl_table *t, revl_table *s, int need,
                        revl_error *err) {
  if (!s) {
    if (!need) return 0;
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "no subscriptions table is loaded (subscriptions.csv in the data "
                          "directory)");
  }
  src->subs = s;
  src->s_fk = revl_table_fk_to(s, t, NULL);
  src->s_period = revl_table_col(s, "period");
  src->s_seats = revl_table_col(s, "seats");
  src->s_mrr = revl_table_col(s, "mrr");
  if (src->s_fk < 0 || src->s_period < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "the subscriptions table needs a reference to %s and a period column",
                          t->name);
  if (src->s_mrr >= 0 && s->cols[src->s_mrr]->type != REVL_T_MONEY) src->s_mrr = -1;
  if (src->s_seats >= 0 && s->cols[src->s_seats]->type != REVL_T_INT &&
      s->cols[src->s_seats]->type != REVL_T_NUMBER)
    src->s_seats = -1;
  return 0;
}

int revl_usage_agg(const revl_usage_src *s, size_t row, uint32_t metric,
                   int32_t lo, int32_t hi, int agg, double *out) {
  if (!s->usage) return 0;
  size_t n;
  const uint32_t *rs = children(s->usage, s->u_fk, row, &n);
  const revl_column *mc = s->usage->cols[s->u_metric];
  const revl_column *dc = s->usage->cols[s->u_date];
  const revl_column *vc = s->usage->cols[s->u_value];
  int k = 0;
  double acc = 0;
  int32_t last_day = INT32_MIN;
  for (size_t i = 0; i < n; i++) {
    size_t r = rs[i];
    if (!revl_col_valid(mc, r) || mc->v.str[r] != metric) continue;
    int32_t d;
    double v;
    if (!col_day(dc, r, &d) || d <= lo || d > hi) continue;
    if (!col_num(vc, r, &v)) continue;
    switch (agg) {
    case REVL_UAGG_MIN: acc = k ? fmin(acc, v) : v; break;
    case REVL_UAGG_MAX: acc = k ? fmax(acc, v) : v; break;
    case REVL_UAGG_LAST:
      if (d >= last_day) {
        last_day = d;
        acc = v;
      }
      break;
    default: acc += v; break;
    }
    k++;
  }
  if (agg == REVL_UAGG_COUNT) {
    *out = k;
    return k;
  }
  if (agg == REVL_UAGG_SUM) {
    *out = acc;
    return k;
  }
  if (k == 0) return 0;
  *out = agg == REVL_UAGG_AVG ? acc / k : acc;
  return k;
}

typedef struct subrow {
  int32_t period;
  int64_t seats, mrr;
  uint32_t cur;
  int has_seats;
} subrow;

/* Subscription row r (0 when it has no period). */
static int sub_row(const revl_usage_src *s, size_t r, subrow *x) {
  const revl_column *pc = s->subs->cols[s->s_period];
  const revl_column *sc = s->s_seats >= 0 ? s->subs->cols[s->s_seats] : NULL;
  const revl_column *mc = s->s_mrr >= 0 ? s->subs->cols[s->s_mrr] : NULL;
  if (!col_day(pc, r, &x->period)) return 0;
  x->has_seats = sc && revl_col_valid(sc, r);
  x->seats = x->has_seats ? (sc->type == REVL_T_NUMBER ? (int64_t)sc->v.f64[r] : sc->v.i64[r]) : 0;
  x->mrr = mc && revl_col_valid(mc, r) ? mc->v.i64[r] : 0;
  x->cur = mc && revl_col_valid(mc, r) && mc->cur ? mc->cur[r] : 0;
  return 1;
}

/* The account's subscription row in force on day d -- the latest period
 * <= d, of equal periods the one listed last -- and in *paid_from (when
 * not NULL) the first period <= d with mrr > 0, INT32_MAX when none.
 * One pass, nothing allocated: health scores call this for every
 * record.  0 when no row is in force. */
static int sub_in_force(const revl_usage_src *s, size_t row, int32_t d,
                        subrow *in_force, int32_t *paid_from) {
  if (paid_from) *paid_from = INT32_MAX;
  if (!s->subs) return 0;
  size_t m;
  const uint32_t *rs = children(s->subs, s->s_fk, row, &m);
  int found = 0;
  for (size_t i = 0; i < m; i++) {
    subrow x;
    if (!sub_row(s, rs[i], &x) || x.period > d) continue;
    if (paid_from && x.mrr > 0 && x.period < *paid_from) *paid_from = x.period;
    if (!found || x.period >= in_force->period) *in_force = x;
    found = 1;
  }
  return found;
}

/* the account's subscription rows, sorted by period (insertion sort:
 * exports list them in order, so this is linear in practice) */
static subrow *sub_rows(const revl_usage_src *s, size_t row, size_t *n) {
  *n = 0;
  if (!s->subs) return NULL;
  size_t m;
  const uint32_t *rs = children(s->subs, s->s_fk, row, &m);
  if (!m) return NULL;
  subrow *out = malloc(m * sizeof *out);
  if (!out) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < m; i++) {
    subrow x;
    if (!sub_row(s, rs[i], &x)) continue;
    size_t j = k++;
    while (j > 0 && out[j - 1].period > x.period) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = x;
  }
  *n = k;
  return out;
}

int revl_seats_on(const revl_usage_src *s, size_t row, int32_t d,
                  int64_t *seats, int64_t *mrr) {
  subrow x;
  if (!sub_in_force(s, row, d, &x, NULL)) return 0;
  *seats = x.has_seats ? x.seats : -1;
  if (mrr) *mrr = x.mrr;
  return 1;
}

typedef struct obs {
  int32_t day;
  double v;
} obs;

void revl_util_streak(const revl_usage_src *s, size_t row, uint32_t metric,
                      double threshold, int32_t as_of, revl_streak *out) {
  memset(out, 0, sizeof *out);
  out->start = INT32_MAX;
  out->latest_util = NAN;
  out->min_util = NAN;
  if (!s->usage) return;
  size_t n;
  const uint32_t *rs = children(s->usage, s->u_fk, row, &n);
  if (!n) return;
  obs *o = malloc(n * sizeof *o);
  if (!o) return;
  const revl_column *mc = s->usage->cols[s->u_metric];
  const revl_column *dc = s->usage->cols[s->u_date];
  const revl_column *vc = s->usage->cols[s->u_value];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t r = rs[i];
    obs x;
    if (!revl_col_valid(mc, r) || mc->v.str[r] != metric) continue;
    if (!col_day(dc, r, &x.day) || x.day > as_of || !col_num(vc, r, &x.v)) continue;
    size_t j = k++;
    while (j > 0 && o[j - 1].day > x.day) {
      o[j] = o[j - 1];
      j--;
    }
    o[j] = x;
  }
  size_t ns;
  subrow *sr = sub_rows(s, row, &ns);
  /* utilisation of each observation: seats in force on its day */
  double *u = malloc((k ? k : 1) * sizeof *u);
  int64_t *seats = malloc((k ? k : 1) * sizeof *seats);
  if (!u || !seats) {
    free(o), free(sr), free(u), free(seats);
    return;
  }
  size_t j = 0;
  int have = 0;
  int64_t cur = 0;
  int cur_known = 0;
  for (size_t i = 0; i < k; i++) {
    while (j < ns && sr[j].period <= o[i].day) {
      have = 1;
      cur = sr[j].seats;
      cur_known = sr[j].has_seats;
      j++;
    }
    seats[i] = have && cur_known ? cur : -1;
    u[i] = have && cur_known && cur > 0 ? o[i].v / (double)cur : NAN;
  }
  out->nobs = (int)k;
  if (k) {
    out->latest = o[k - 1].day;
    out->latest_util = u[k - 1];
    out->seats = seats[k - 1];
    for (size_t i = k; i-- > 0;) {
      if (isnan(u[i]) || u[i] < threshold) break;
      out->start = o[i].day;
      out->min_util = isnan(out->min_util) ? u[i] : fmin(out->min_util, u[i]);
    }
  }
  free(o);
  free(sr);
  free(u);
  free(seats);
}

int32_t revl_add_months_days(int32_t d, int months) {
  int y;
  unsigned m, day;
  revl_civil_from_days(d, &y, &m, &day);
  long total = (long)y * 12 + (long)(m - 1) + months;
  int ny = (int)(total >= 0 ? total / 12 : -((-total + 11) / 12));
  unsigned nm = (unsigned)(total - (long)ny * 12) + 1;
  unsigned dim = (unsigned)revl_days_in_month(ny, nm);
  return revl_days_from_civil(ny, nm, day > dim ? dim : day);
}

int revl_next_renewal(const revl_usage_src *s, size_t row, int32_t as_of,
                      int term_months, int32_t *renewal, int64_t *mrr,
                      uint32_t *currency, int64_t *seats) {
  subrow last;
  int32_t start;
  int live = sub_in_force(s, row, as_of, &last, &start) && last.mrr > 0 &&
             start != INT32_MAX;
  if (live) {
    *mrr = last.mrr;
    *currency = last.cur;
    *seats = last.has_seats ? last.seats : -1;
    if (term_months < 1) term_months = 12;
    int y1, y2;
    unsigned m1, m2, d1, d2;
    revl_civil_from_days(start, &y1, &m1, &d1);
    revl_civil_from_days(as_of, &y2, &m2, &d2);
    long months = ((long)y2 - y1) * 12 + ((long)m2 - (long)m1);
    long k = months / term_months - 1;
    if (k < 1) k = 1; /* the first renewal is one term after the start */
    int32_t r = revl_add_months_days(start, (int)(k * term_months));
    while (r < as_of) {
      k++;
      r = revl_add_months_days(start, (int)(k * term_months));
    }
    *renewal = r;
  }
  return live;
}
