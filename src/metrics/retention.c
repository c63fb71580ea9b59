/*
 * retention.c -- recurring revenue metrics of the core: mrr (MRR
 * movements per period) and nrr (net and gross revenue retention), over
 * a subscriptions view (account_id, period, mrr).  The movements
 * themselves are revl_metrics_mrr_moves (mrr.c).  No Lua here; see
 * revl/metric_revenue.h.
 */
#include "revl/metric_revenue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/mrev.h"
#include "revl/parse.h"

int revl_mrev_oom(revl_error *err) {
  return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
}

int revl_mrev_row(revl_mf *mf, const revl_mby *by, size_t row,
                  const revl_mwin *w, int64_t ord) {
  int rc = revl_mf_row_plain(mf);
  for (int k = 0; !rc && k < by->nk; k++) {
    const revl_mkey *key = &by->k[k];
    int ci = revl_frame_col_index(mf->f, key->label);
    rc = revl_mf_cell(mf, ci, key->c, revl_mkey_row(key, row));
  }
  if (!rc && mf->period >= 0) {
    char buf[64];
    revl_mwin_label(w, ord, buf, sizeof buf);
    rc = revl_mf_str(mf, mf->period, buf);
  }
  return rc;
}

/* The subscription columns both metrics read. */
typedef struct subcols {
  const revl_column *account, *period, *mrr;
} subcols;

static int sub_cols(const revl_table *t, const char *fn, subcols *c,
                    revl_error *err) {
  int rc;
  if ((rc = revl_mcol(t, fn, "account_id", 1, NULL, &c->account, err)) ||
      (rc = revl_mcol(t, fn, "period", 1, REVL_MT_DATES, &c->period, err)) ||
      (rc = revl_mcol(t, fn, "mrr", 1, REVL_MT_MONEY, &c->mrr, err)))
    return rc;
  return 0;
}

/* Recurring revenue is tracked per unit, an (account, by keys) pair,
 * and reported per group of by keys: the unit of base row `row` (>= 0,
 * or REVL_ENOMEM), and its group in *gb. */
static int64_t sub_unit(const revl_mby *by, revl_mgroup *U, revl_mgroup *Gb,
                        const revl_column *account, size_t row, size_t *gb) {
  int64_t key[REVL_METRIC_MAXBY + 1];
  for (int j = 0; j < by->nk; j++) key[j] = revl_mkey_part(&by->k[j], row);
  int64_t g = revl_mgroup_get(Gb, key, (uint32_t)row);
  if (g < 0) return g;
  *gb = (size_t)g;
  key[by->nk] = revl_mcell_key(account, row);
  return revl_mgroup_get(U, key, (uint32_t)row);
}

/* A group's currency for recurring revenue (rows of other currencies
 * are an error). */
static int cur_check(const char *fn, uint32_t *have, uint32_t code,
                     revl_error *err) {
  if (!*have)
    *have = code;
  else if (*have != code)
    return revl_macc_mixed(fn, "'mrr'", *have, code, err);
  return 0;
}

/* The unit and group groupings of both metrics. */
typedef struct subgroups {
  revl_mgroup U, Gb;
  int have_u, have_gb;
} subgroups;

static int subgroups_init(subgroups *S, int nk) {
  memset(S, 0, sizeof *S);
  if (revl_mgroup_init(&S->U, nk + 1)) return REVL_ENOMEM;
  S->have_u = 1;
  if (revl_mgroup_init(&S->Gb, nk)) return REVL_ENOMEM;
  S->have_gb = 1;
  return 0;
}

static void subgroups_free(subgroups *S) {
  if (S->have_u) revl_mgroup_free(&S->U);
  if (S->have_gb) revl_mgroup_free(&S->Gb);
}

#define OOM() (rc = revl_mrev_oom(err))

int revl_metric_mrr(const revl_metric_ctx *cx, const revl_view *v,
                    const revl_mrr_opts *o, revl_frame **out,
                    revl_error *err) {
  static const char fn[] = "mrr";
  const revl_table *t = v->t;
  subcols c;
  revl_mwin w;
  revl_mby by;
  subgroups S;
  revl_marena A = {0};
  revl_mf mf = {0};
  int rc;
  *out = NULL;
  if ((rc = sub_cols(t, fn, &c, err)) ||
      (rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_MONTH, &w, err)))
    return rc;
  if (w.kind == REVL_PK_WEEK)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: recurring revenue is monthly; "
                          "use month or longer periods",
                          fn);
  if (o->by_error)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: %s",
                          fn, o->by_error);
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err))) return rc;
  int32_t mcap = revl_metrics_month_of(cx->as_of);
  int32_t m0 = INT32_MAX, m1 = INT32_MIN;
  if (w.limited) {
    m0 = w.from == INT32_MIN ? INT32_MIN : revl_metrics_month_of(w.from);
    m1 = w.to == INT32_MAX ? mcap : revl_metrics_month_of(w.to);
    if (m1 > mcap) m1 = mcap;
  }
  if (subgroups_init(&S, by.nk)) {
    OOM();
    goto out;
  }
  /* units: (account, by keys); groups: by keys */
  revl_mgroup *U = &S.U, *Gb = &S.Gb;
  uint32_t *unit = revl_ma_calloc(&A, v->n, sizeof *unit);
  int32_t *month = revl_ma_calloc(&A, v->n, sizeof *month);
  int64_t *value = revl_ma_calloc(&A, v->n, sizeof *value);
  uint32_t *group_of = NULL, *gcur = NULL;
  int32_t *first_pos = NULL;
  size_t ucap = 0, gcap = 0, k = 0;
  if (!unit || !month || !value) {
    OOM();
    goto out;
  }
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  int32_t dmin = INT32_MAX, dmax = INT32_MIN;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int32_t day;
    if (!revl_mcell_day(c.period, row, &day) || !revl_col_valid(c.mrr, row) ||
        !revl_col_valid(c.account, row))
      continue;
    int32_t m = revl_metrics_month_of(day);
    if (m > mcap) continue;
    size_t gb;
    int64_t u = sub_unit(&by, U, Gb, c.account, row, &gb);
    if (u < 0) {
      OOM();
      goto out;
    }
    if ((size_t)u >= ucap) {
      size_t nc = ucap ? ucap * 2 : 64;
      while (nc <= (size_t)u) nc *= 2;
      uint32_t *ng = revl_ma_grow(&A, group_of, ucap, nc, sizeof *ng);
      if (ng) group_of = ng;
      int32_t *nf = ng ? revl_ma_grow(&A, first_pos, ucap, nc, sizeof *nf) : NULL;
      if (!nf) {
        OOM();
        goto out;
      }
      first_pos = nf;
      for (size_t q = ucap; q < nc; q++) first_pos[q] = INT32_MAX;
      ucap = nc;
    }
    group_of[u] = (uint32_t)gb;
    uint32_t *gc = REVL_MA_AT(&A, gcur, gcap, gb);
    if (!gc) {
      OOM();
      goto out;
    }
    if ((rc = cur_check(fn, gc, revl_cur_code(&cc, c.mrr, row), err))) goto out;
    int64_t val = c.mrr->v.i64[row];
    if (val > 0 && m < first_pos[u]) first_pos[u] = m;
    if (m < dmin) dmin = m;
    if (m > dmax) dmax = m;
    unit[k] = (uint32_t)u;
    month[k] = m;
    value[k] = val;
    k++;
  }
  if (!w.limited) {
    m0 = dmin;
    m1 = dmax < mcap ? dmax : mcap;
  } else if (m0 == INT32_MIN) {
    m0 = dmin;
  }
  if (by.nk == 0 && Gb->n == 0 && /* a row even without data */
      revl_mgroup_get(Gb, (int64_t[1]){0}, 0) < 0) {
    OOM();
    goto out;
  }
  size_t ngroups = Gb->n;
  static const char *const cols[] = {
      "mrr", "arr", "start_mrr", "new", "reactivation", "expansion",
      "contraction", "churned", "net_new", "customers", "customers_start",
      "new_customers", "reactivated_customers", "churned_customers",
      "logo_churn", "months", NULL};
  int ci[16];
  if (revl_mf_init(&mf, t->store, fn, &by, &w)) {
    OOM();
    goto out;
  }
  for (int j = 0; cols[j]; j++) {
    int money = j < 9, ratio = j == 14;
    ci[j] = revl_mf_col(&mf, cols[j],
                        money ? REVL_T_MONEY : ratio ? REVL_T_NUMBER : REVL_T_INT,
                        money ? REVL_DK_MONEY : ratio ? REVL_DK_RATIO : REVL_DK_COUNT);
    if (ci[j] < 0) {
      OOM();
      goto out;
    }
  }
  if (m0 == INT32_MAX || m0 > m1 || ngroups == 0) {
    rc = revl_mf_finish(&mf, 1, out, err);
    goto out;
  }
  size_t nm = (size_t)(m1 - m0 + 1);
  revl_mrr_month *mv = revl_ma_calloc(&A, ngroups * nm, sizeof *mv);
  if (!mv) {
    OOM();
    goto out;
  }
  rc = revl_metrics_mrr_moves(k, unit, month, value, U->n, group_of, first_pos,
                              m0, m1, ngroups, mv);
  if (rc == REVL_ENOMEM) {
    OOM();
    goto out;
  }
  if (rc) {
    rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                        "revl.metrics.%s: recurring revenue overflows", fn);
    goto out;
  }
  /* buckets: periods of w's kind over months m0..m1 (or one bucket) */
  uint32_t defc = revl_store_currency(t);
  for (size_t g = 0; g < ngroups; g++) {
    size_t mi = 0;
    while (mi < nm) {
      int32_t mday = revl_metrics_month_start(m0 + (int32_t)mi);
      int64_t ord =
          w.kind >= 0 ? revl_metrics_period_index(mday, w.kind, w.fs) : 0;
      size_t mj = mi;
      while (mj + 1 < nm &&
             (w.kind < 0 || revl_metrics_period_index(
                                revl_metrics_month_start(m0 + (int32_t)mj + 1),
                                w.kind, w.fs) == ord))
        mj++;
      revl_mrr_month sum;
      memset(&sum, 0, sizeof sum);
      revl_mrr_month *f = mv + g * nm + mi, *l = mv + g * nm + mj;
      sum.start = f->start;
      sum.customers_start = f->customers_start;
      sum.end = l->end;
      sum.customers_end = l->customers_end;
      for (size_t q = mi; q <= mj; q++) {
        revl_mrr_month *x = mv + g * nm + q;
        sum.new_mrr += x->new_mrr;
        sum.reactivation += x->reactivation;
        sum.expansion += x->expansion;
        sum.contraction += x->contraction;
        sum.churned += x->churned;
        sum.new_customers += x->new_customers;
        sum.reactivated_customers += x->reactivated_customers;
        sum.churned_customers += x->churned_customers;
      }
      uint32_t code = g < gcap && gcur[g] ? gcur[g] : defc;
      int64_t arr;
      if (__builtin_mul_overflow(sum.end, 12, &arr)) {
        rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                            "revl.metrics.%s: ARR overflows", fn);
        goto out;
      }
      if (revl_mrev_row(&mf, &by, Gb->first[g], &w, ord) ||
          revl_mf_money(&mf, ci[0], sum.end, code) ||
          revl_mf_money(&mf, ci[1], arr, code) ||
          revl_mf_money(&mf, ci[2], sum.start, code) ||
          revl_mf_money(&mf, ci[3], sum.new_mrr, code) ||
          revl_mf_money(&mf, ci[4], sum.reactivation, code) ||
          revl_mf_money(&mf, ci[5], sum.expansion, code) ||
          revl_mf_money(&mf, ci[6], sum.contraction, code) ||
          revl_mf_money(&mf, ci[7], sum.churned, code) ||
          revl_mf_money(&mf, ci[8], sum.end - sum.start, code) ||
          revl_mf_int(&mf, ci[9], sum.customers_end) ||
          revl_mf_int(&mf, ci[10], sum.customers_start) ||
          revl_mf_int(&mf, ci[11], sum.new_customers) ||
          revl_mf_int(&mf, ci[12], sum.reactivated_customers) ||
          revl_mf_int(&mf, ci[13], sum.churned_customers) ||
          revl_mf_ratio(&mf, ci[14], (double)sum.churned_customers,
                        (double)sum.customers_start,
                        "no customers at the start") ||
          revl_mf_int(&mf, ci[15], (int64_t)(mj - mi + 1))) {
        OOM();
        goto out;
      }
      mi = mj + 1;
    }
  }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  subgroups_free(&S);
  revl_marena_free(&A);
  return rc;
}

typedef struct nrr_rec {
  uint32_t unit;
  uint16_t slot;
  int64_t value;
} nrr_rec;

typedef struct nrr_acc {
  int64_t start, end, exp, con, churn, n, churned_n;
} nrr_acc;

int revl_metric_nrr(const revl_metric_ctx *cx, const revl_view *v,
                    const revl_nrr_opts *o, revl_frame **out,
                    revl_error *err) {
  static const char fn[] = "nrr";
  const revl_table *t = v->t;
  subcols c;
  revl_mwin w;
  revl_mby by;
  subgroups S;
  int have_s = 0;
  revl_marena A = {0};
  revl_mf mf = {0};
  int rc;
  *out = NULL;
  if ((rc = sub_cols(t, fn, &c, err))) return rc;
  int32_t today = cx->as_of;
  int32_t mcap = revl_metrics_month_of(today);
  if (o->window_given) {
    if ((rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_YEAR, &w, err)))
      return rc;
    if (!w.limited)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: needs a window (not period = "
                            "\"all\")",
                            fn);
    if (w.kind == REVL_PK_WEEK)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: use month or longer periods", fn);
  } else {
    /* the trailing twelve months up to as_of */
    char a[16], b[16];
    revl_mwin_none(&w, cx->fiscal_start >= 1 && cx->fiscal_start <= 12
                           ? cx->fiscal_start
                           : 1);
    w.limited = 1;
    w.from = revl_metrics_month_start(mcap - 11);
    w.to = today;
    revl_format_date(w.from, a, sizeof a);
    revl_format_date(w.to, b, sizeof b);
    snprintf(w.label, sizeof w.label, "%s..%s", a, b);
  }
  if (w.from == INT32_MIN)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs a start ('from')", fn);
  if (w.to == INT32_MAX) w.to = today; /* nothing after as_of counts anyway */
  /* buckets and their start/end months */
  int64_t o0 = revl_mwin_first_ord(&w), o1 = revl_mwin_last_ord(&w);
  size_t nb = (size_t)(o1 - o0 + 1);
  if (nb > 4096)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: too many periods", fn);
  int32_t *sm = revl_ma_calloc(&A, nb, sizeof *sm),
          *em = revl_ma_calloc(&A, nb, sizeof *em);
  if (!sm || !em) {
    OOM();
    goto out;
  }
  int32_t mlo = INT32_MAX, mhi = INT32_MIN;
  for (size_t b = 0; b < nb; b++) {
    int32_t a, e;
    revl_mwin_bounds(&w, o0 + (int64_t)b, &a, &e);
    sm[b] = revl_metrics_month_of(a) - 1;
    em[b] = revl_metrics_month_of(e);
    if (em[b] > mcap) em[b] = mcap;
    if (sm[b] < mlo) mlo = sm[b];
    if (em[b] > mlo && em[b] > mhi) mhi = em[b];
    if (sm[b] > mhi) mhi = sm[b];
  }
  /* month -> slot among the months that matter */
  size_t span = (size_t)(mhi - mlo + 1);
  if (span > 100000) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: window too long", fn);
    goto out;
  }
  int32_t *slot = revl_ma_calloc(&A, span, sizeof *slot);
  /* day -> month without calendar maths on the hot path: the month
   * starts of the span */
  int32_t *mstart = revl_ma_calloc(&A, span + 1, sizeof *mstart);
  if (!slot || !mstart) {
    OOM();
    goto out;
  }
  for (size_t q = 0; q < span; q++) slot[q] = -1;
  int nslot = 0;
  for (size_t b = 0; b < nb; b++) {
    if (slot[sm[b] - mlo] < 0) slot[sm[b] - mlo] = nslot++;
    if (em[b] >= sm[b] && slot[em[b] - mlo] < 0) slot[em[b] - mlo] = nslot++;
  }
  if (nslot > 65535) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: too many periods", fn);
    goto out;
  }
  int32_t dlo = revl_metrics_month_start(mlo),
          dhi = revl_metrics_month_start(mhi + 1) - 1;
  for (size_t q = 0; q <= span; q++)
    mstart[q] = revl_metrics_month_start(mlo + (int32_t)q);
  if (o->by_error) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: %s",
                        fn, o->by_error);
    goto out;
  }
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err))) goto out;
  have_s = 1;
  if (subgroups_init(&S, by.nk)) {
    OOM();
    goto out;
  }
  revl_mgroup *U = &S.U, *Gb = &S.Gb;
  uint32_t *ugroup = NULL, *gcur = NULL;
  size_t ucap = 0, gcap = 0, nrec = 0, rcap = 0;
  nrr_rec *rec = NULL;
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  const revl_column *pc = c.period, *mr = c.mrr, *ac = c.account;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int32_t day;
    if (!revl_mcell_day(pc, row, &day) || day < dlo || day > dhi) continue;
    size_t lo = 0, hi = span; /* the last month start <= day */
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      if (mstart[mid] <= day)
        lo = mid;
      else
        hi = mid;
    }
    int32_t sl = slot[lo];
    if (sl < 0 || !revl_col_valid(mr, row) || !revl_col_valid(ac, row))
      continue;
    size_t gb;
    int64_t u = sub_unit(&by, U, Gb, ac, row, &gb);
    uint32_t *ug = u < 0 ? NULL : REVL_MA_AT(&A, ugroup, ucap, u);
    uint32_t *gc = ug ? REVL_MA_AT(&A, gcur, gcap, gb) : NULL;
    nrr_rec *r = gc ? REVL_MA_AT(&A, rec, rcap, nrec) : NULL;
    if (!r) {
      OOM();
      goto out;
    }
    *ug = (uint32_t)gb;
    if ((rc = cur_check(fn, gc, revl_cur_code(&cc, mr, row), err))) goto out;
    r->unit = (uint32_t)u;
    r->slot = (uint16_t)sl;
    r->value = mr->v.i64[row];
    nrec++;
  }
  if (by.nk == 0 && Gb->n == 0 && /* a row even without data */
      revl_mgroup_get(Gb, (int64_t[1]){0}, 0) < 0) {
    OOM();
    goto out;
  }
  size_t ng = Gb->n, nu = U->n;
  nrr_acc *acc = revl_ma_calloc(&A, ng * nb, sizeof *acc);
  int64_t *sv = revl_ma_calloc(&A, nu, sizeof *sv),
          *ev = revl_ma_calloc(&A, nu, sizeof *ev);
  if (!acc || !sv || !ev) {
    OOM();
    goto out;
  }
  for (size_t b = 0; b < nb; b++) {
    if (em[b] <= sm[b]) continue; /* a period after as_of */
    int32_t ss = slot[sm[b] - mlo], es = slot[em[b] - mlo];
    memset(sv, 0, (nu ? nu : 1) * sizeof *sv);
    memset(ev, 0, (nu ? nu : 1) * sizeof *ev);
    for (size_t j = 0; j < nrec; j++) {
      int64_t *dst = rec[j].slot == ss ? sv : rec[j].slot == es ? ev : NULL;
      if (dst && __builtin_add_overflow(dst[rec[j].unit], rec[j].value,
                                        &dst[rec[j].unit]))
        goto overflow;
    }
    for (size_t u = 0; u < nu; u++) {
      if (sv[u] <= 0) continue;
      nrr_acc *a = &acc[(size_t)ugroup[u] * nb + b];
      int64_t e = ev[u] > 0 ? ev[u] : 0;
      int ok = !__builtin_add_overflow(a->start, sv[u], &a->start) &&
               !__builtin_add_overflow(a->end, e, &a->end);
      a->n++;
      if (e == 0) {
        ok = ok && !__builtin_add_overflow(a->churn, sv[u], &a->churn);
        a->churned_n++;
      } else if (e > sv[u]) {
        ok = ok && !__builtin_add_overflow(a->exp, e - sv[u], &a->exp);
      } else {
        ok = ok && !__builtin_add_overflow(a->con, sv[u] - e, &a->con);
      }
      if (!ok) goto overflow;
    }
  }
  uint32_t defc = revl_store_currency(t);
  static const char *const cols[] = {
      "start_month", "end_month",       "start_mrr",         "end_mrr",
      "expansion",   "contraction",     "churned",           "nrr",
      "grr",         "customers_start", "churned_customers", "logo_churn",
      NULL};
  static const revl_type types[] = {
      REVL_T_DATE,  REVL_T_DATE,  REVL_T_MONEY,  REVL_T_MONEY,
      REVL_T_MONEY, REVL_T_MONEY, REVL_T_MONEY,  REVL_T_NUMBER,
      REVL_T_NUMBER, REVL_T_INT,  REVL_T_INT,    REVL_T_NUMBER};
  static const int kinds[] = {
      REVL_DK_PLAIN, REVL_DK_PLAIN, REVL_DK_MONEY, REVL_DK_MONEY,
      REVL_DK_MONEY, REVL_DK_MONEY, REVL_DK_MONEY, REVL_DK_RATIO,
      REVL_DK_RATIO, REVL_DK_COUNT, REVL_DK_COUNT, REVL_DK_RATIO};
  int ci[12];
  if (revl_mf_init(&mf, t->store, fn, &by, &w)) {
    OOM();
    goto out;
  }
  for (int j = 0; cols[j]; j++)
    if ((ci[j] = revl_mf_col(&mf, cols[j], types[j], kinds[j])) < 0) {
      OOM();
      goto out;
    }
  for (size_t g = 0; g < ng; g++)
    for (size_t b = 0; b < nb; b++) {
      if (em[b] <= sm[b]) continue;
      nrr_acc *a = &acc[g * nb + b];
      uint32_t code = g < gcap && gcur[g] ? gcur[g] : defc;
      const char *why = "no customers at the start";
      if (revl_mrev_row(&mf, &by, Gb->first[g], &w, o0 + (int64_t)b) ||
          revl_mf_date(&mf, ci[0], revl_metrics_month_start(sm[b])) ||
          revl_mf_date(&mf, ci[1], revl_metrics_month_start(em[b])) ||
          revl_mf_money(&mf, ci[2], a->start, code) ||
          revl_mf_money(&mf, ci[3], a->end, code) ||
          revl_mf_money(&mf, ci[4], a->exp, code) ||
          revl_mf_money(&mf, ci[5], a->con, code) ||
          revl_mf_money(&mf, ci[6], a->churn, code) ||
          revl_mf_ratio(&mf, ci[7], (double)a->end, (double)a->start, why) ||
          revl_mf_ratio(&mf, ci[8], (double)(a->start - a->con - a->churn),
                        (double)a->start, why) ||
          revl_mf_int(&mf, ci[9], a->n) ||
          revl_mf_int(&mf, ci[10], a->churned_n) ||
          revl_mf_ratio(&mf, ci[11], (double)a->churned_n, (double)a->n,
                        why)) {
        OOM();
        goto out;
      }
    }
  rc = revl_mf_finish(&mf, 1, out, err);
  goto out;
overflow:
  rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                      "revl.metrics.%s: MRR overflows", fn);
out:
  revl_mf_free(&mf);
  if (have_s) subgroups_free(&S);
  revl_marena_free(&A);
  return rc;
}
