/*
 * triggers.c -- the usage conditions of expansion and renewal triggers
 * in the core: sustained seat utilisation, usage growth between two
 * windows, a renewal coming up.  Each returns the records that meet it
 * as a frame (row, the values behind the decision, reason text); the
 * binding turns the few hits into Lua.  Also the owner a trigger names
 * (the record's own, or its latest deal's).  No Lua here; see
 * revl/eval.h.
 */
#include "revl/eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/frame.h"
#include "revl/parse.h"
#include "revl/rules.h"

/* shortest text that reads back as the same double */
static void num_text(double d, char *buf, size_t n) {
  if (d == 0) d = 0; /* no "-0" */
  snprintf(buf, n, "%.15g", d);
  if (strtod(buf, NULL) != d) snprintf(buf, n, "%.17g", d);
}

/* A reason built piece by piece (bounded: reasons are one line). */
typedef struct rtext {
  char s[512];
  size_t n;
} rtext;

static void rt_addf(rtext *r, const char *fmt, ...) {
  if (r->n >= sizeof r->s) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(r->s + r->n, sizeof r->s - r->n, fmt, ap);
  va_end(ap);
  if (k > 0) r->n += (size_t)k;
  if (r->n >= sizeof r->s) r->n = sizeof r->s - 1;
}

static void rt_num(rtext *r, double d) {
  char buf[40];
  num_text(d, buf, sizeof buf);
  rt_addf(r, "%s", buf);
}

static int oom(revl_frame *f, revl_error *err) {
  revl_frame_free(f);
  return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
}

/* A frame with the columns named in names / types (count n). */
static revl_frame *hits_frame(const revl_table *t, const char *const *names,
                              const revl_type *types, int n) {
  revl_frame *f = revl_frame_new(t->store);
  if (!f) return NULL;
  for (int i = 0; i < n; i++)
    if (revl_frame_add_col(f, names[i], types[i], NULL) < 0) {
      revl_frame_free(f);
      return NULL;
    }
  return f;
}

int revl_trigger_util(const revl_usage_src *src, const revl_view *v,
                      const char *metric, uint32_t mid, double min, int32_t days,
                      int32_t as_of, revl_frame **out, revl_error *err) {
  static const char *const names[] = {"row", "utilisation", "seats", "since",
                                      "sustained_days", "reason"};
  static const revl_type types[] = {REVL_T_INT, REVL_T_NUMBER, REVL_T_INT,
                                    REVL_T_DATE, REVL_T_INT, REVL_T_STRING};
  *out = NULL;
  revl_frame *f = hits_frame(v->t, names, types, 6);
  if (!f) return oom(NULL, err);
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    revl_streak st;
    revl_util_streak(src, row, mid, min, as_of, &st);
    if (!st.nobs || st.start == INT32_MAX) continue;
    if (st.start > as_of - days || st.latest <= as_of - days) continue;
    char d1[16], d2[16];
    revl_format_date(st.start, d1, sizeof d1);
    revl_format_date(st.latest, d2, sizeof d2);
    rtext r = {{0}, 0};
    rt_addf(&r, "%s / seats >= ", metric);
    rt_num(&r, min);
    rt_addf(&r, " since %s (%d days, at least %d) [latest ", d1, (int)(as_of - st.start),
            (int)days);
    rt_num(&r, revl_round_to(st.latest_util, 4));
    rt_addf(&r, " on %s, lowest ", d2);
    rt_num(&r, revl_round_to(st.min_util, 4));
    rt_addf(&r, "]");
    if (revl_col_push_i64(revl_frame_col(f, 0), (int64_t)row) ||
        revl_col_push_f64(revl_frame_col(f, 1), revl_round_to(st.latest_util, 4)) ||
        revl_col_push_i64(revl_frame_col(f, 2), st.seats) ||
        revl_col_push_date(revl_frame_col(f, 3), st.start) ||
        revl_col_push_i64(revl_frame_col(f, 4), as_of - st.start) ||
        revl_frame_push_text(f, 5, r.s, r.n))
      return oom(f, err);
  }
  if (revl_frame_seal(f)) return oom(f, err);
  *out = f;
  return 0;
}

int revl_trigger_growth(const revl_usage_src *src, const revl_view *v,
                        const char *metric, uint32_t mid, double min, int32_t days,
                        int agg, const char *agg_name, int32_t as_of,
                        revl_frame **out, revl_error *err) {
  static const char *const names[] = {"row", "current", "previous", "growth", "reason"};
  static const revl_type types[] = {REVL_T_INT, REVL_T_NUMBER, REVL_T_NUMBER,
                                    REVL_T_NUMBER, REVL_T_STRING};
  *out = NULL;
  revl_frame *f = hits_frame(v->t, names, types, 5);
  if (!f) return oom(NULL, err);
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    double cur, prev;
    if (revl_usage_agg(src, row, mid, as_of - days, as_of, agg, &cur) <= 0) continue;
    if (revl_usage_agg(src, row, mid, as_of - 2 * days, as_of - days, agg, &prev) <= 0) continue;
    if (!(prev > 0)) continue;
    double g = (cur - prev) / prev;
    if (g < min) continue;
    rtext r = {{0}, 0};
    rt_addf(&r, "%s %s %dd ", metric, agg_name, (int)days);
    rt_num(&r, revl_round_to(cur, 4));
    rt_addf(&r, " vs ");
    rt_num(&r, revl_round_to(prev, 4));
    rt_addf(&r, " before: ");
    double gp = revl_round_to(100 * g, 1);
    if (gp >= 0) rt_addf(&r, "+");
    rt_num(&r, gp);
    rt_addf(&r, "%% (at least ");
    rt_num(&r, revl_round_to(100 * min, 4));
    rt_addf(&r, "%%)");
    if (revl_col_push_i64(revl_frame_col(f, 0), (int64_t)row) ||
        revl_col_push_f64(revl_frame_col(f, 1), revl_round_to(cur, 4)) ||
        revl_col_push_f64(revl_frame_col(f, 2), revl_round_to(prev, 4)) ||
        revl_col_push_f64(revl_frame_col(f, 3), revl_round_to(g, 4)) ||
        revl_frame_push_text(f, 4, r.s, r.n))
      return oom(f, err);
  }
  if (revl_frame_seal(f)) return oom(f, err);
  *out = f;
  return 0;
}

int revl_trigger_renewal(const revl_usage_src *src, const revl_view *v,
                         const char *field, const revl_table *ft, int fcol, int fvia,
                         int32_t days, int term, int32_t as_of, revl_frame **out,
                         revl_error *err) {
  static const char *const names[] = {"row", "renewal_date", "days_to_renewal", "mrr",
                                      "seats", "reason"};
  static const revl_type types[] = {REVL_T_INT, REVL_T_DATE, REVL_T_INT,
                                    REVL_T_MONEY, REVL_T_INT, REVL_T_STRING};
  *out = NULL;
  const revl_table *t = v->t;
  revl_frame *f = hits_frame(t, names, types, 6);
  if (!f) return oom(NULL, err);
  const revl_intern *in = &t->store->strings;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int32_t ren;
    int64_t mrr = 0, seats = -1;
    uint32_t cur = 0;
    if (field) {
      int64_t r2 = fvia < 0 ? (int64_t)row
                            : (t->cols[fvia]->ref_row ? t->cols[fvia]->ref_row[row] : -1);
      const revl_column *c = ft->cols[fcol];
      if (r2 < 0 || !revl_col_valid(c, (size_t)r2)) continue;
      if (c->type == REVL_T_DATE) {
        ren = c->v.date[r2];
      } else {
        int64_t s = c->v.i64[r2];
        ren = (int32_t)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
      }
    } else if (!revl_next_renewal(src, row, as_of, term, &ren, &mrr, &cur, &seats)) {
      continue;
    }
    int32_t d = ren - as_of;
    if (d < 0 || d > days) continue;
    char ds[16];
    revl_format_date(ren, ds, sizeof ds);
    rtext r = {{0}, 0};
    if (field)
      rt_addf(&r, "%s %s is in %d days (at most %d)", field, ds, (int)d, (int)days);
    else
      rt_addf(&r, "renewal %s (every %d months) is in %d days (at most %d)", ds, term,
              (int)d, (int)days);
    int rc = revl_col_push_i64(revl_frame_col(f, 0), (int64_t)row) ||
             revl_col_push_date(revl_frame_col(f, 1), ren) ||
             revl_col_push_i64(revl_frame_col(f, 2), d);
    if (!rc && !field)
      rc = revl_frame_push_money(f, 3, mrr, revl_intern_str(in, cur ? cur : t->store->default_currency));
    else if (!rc)
      rc = revl_col_push_null(revl_frame_col(f, 3));
    if (!rc) rc = !field && seats >= 0 ? revl_col_push_i64(revl_frame_col(f, 4), seats)
                                       : revl_col_push_null(revl_frame_col(f, 4));
    if (rc || revl_frame_push_text(f, 5, r.s, r.n)) return oom(f, err);
  }
  if (revl_frame_seal(f)) return oom(f, err);
  *out = f;
  return 0;
}

const char *revl_own_owner(const revl_table *t, size_t row) {
  int oc = revl_table_col(t, "owner");
  if (oc >= 0 && revl_col_valid(t->cols[oc], row) && t->cols[oc]->type == REVL_T_STRING)
    return revl_intern_str(&t->store->strings, t->cols[oc]->v.str[row]);
  return NULL;
}

const char *revl_deal_owner(const revl_table *t, size_t row, const revl_table *deals) {
  if (!deals || deals == t) return NULL;
  int fk = revl_table_fk_to(deals, t, NULL);
  int dow = revl_table_col(deals, "owner");
  if (fk < 0 || dow < 0 || deals->cols[dow]->type != REVL_T_STRING) return NULL;
  int cc = revl_table_col(deals, "created_at");
  const revl_column *f = deals->cols[fk], *ow = deals->cols[dow];
  const revl_column *cr =
      cc >= 0 && deals->cols[cc]->type == REVL_T_DATETIME ? deals->cols[cc] : NULL;
  int64_t best = INT64_MIN, best_row = -1;
  for (uint32_t i = f->rev_off[row]; i < f->rev_off[row + 1]; i++) {
    uint32_t d = f->rev_rows[i];
    if (!revl_col_valid(ow, d)) continue;
    int64_t k = cr && revl_col_valid(cr, d) ? cr->v.i64[d] : INT64_MIN + 1;
    if (k >= best) {
      best = k;
      best_row = d;
    }
  }
  return best_row < 0 ? NULL : revl_intern_str(&t->store->strings, ow->v.str[best_row]);
}
