/*
 * closed.c -- closed-deal metrics of the core: win rate, deal size,
 * sales cycle, velocity and performance (all four in one pass).  No Lua
 * here; see revl/metric_closed.h.
 *
 * One pass over the view: the closed deals of a chunk whose close date
 * is in the window are compacted without a branch per row, then counted
 * per group while the chunk's cells are in cache.
 */
#include "revl/metric_closed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"

enum { CS_WR = 1, CS_SIZE = 2, CS_CYCLE = 4, CS_VEL = 8 };

typedef struct cs_acc {
  int64_t won, lost, won_amt_n, cyc_n, cyc_sum;
  revl_macc won_amt, lost_amt;
} cs_acc;

#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

static int64_t round_half_away(double x) {
  return (int64_t)(x < 0 ? ceil(x - 0.5) : floor(x + 0.5));
}

/* Column indexes of the result frame (-1 when the metric has none). */
typedef struct cs_cols {
  int open, won, lost, won_amt, lost_amt, wr, wrv, avg, med, cyc_n, cyc_mean, cyc_med, vel;
} cs_cols;

static int add_cols(revl_mf *mf, int what, cs_cols *c) {
  memset(c, -1, sizeof *c);
#define COL(f, name, type, kind) ((c->f = revl_mf_col(mf, name, type, kind)) < 0)
  if (((what & CS_VEL) && COL(open, "open_deals", REVL_T_INT, REVL_DK_COUNT)) ||
      COL(won, "won", REVL_T_INT, REVL_DK_COUNT) ||
      ((what & (CS_WR | CS_VEL)) && COL(lost, "lost", REVL_T_INT, REVL_DK_COUNT)) ||
      ((what & (CS_WR | CS_SIZE)) && COL(won_amt, "won_amount", REVL_T_MONEY, REVL_DK_MONEY)))
    return REVL_ENOMEM;
  if ((what & CS_WR) && (COL(lost_amt, "lost_amount", REVL_T_MONEY, REVL_DK_MONEY) ||
                         COL(wr, "win_rate", REVL_T_NUMBER, REVL_DK_RATIO) ||
                         COL(wrv, "win_rate_value", REVL_T_NUMBER, REVL_DK_RATIO)))
    return REVL_ENOMEM;
  if ((what & CS_VEL) && COL(wr, "win_rate", REVL_T_NUMBER, REVL_DK_RATIO)) return REVL_ENOMEM;
  if ((what & (CS_SIZE | CS_VEL)) && COL(avg, "avg_won", REVL_T_MONEY, REVL_DK_MONEY))
    return REVL_ENOMEM;
  if ((what & CS_SIZE) && COL(med, "median_won", REVL_T_MONEY, REVL_DK_MONEY)) return REVL_ENOMEM;
  if ((what & CS_CYCLE) && COL(cyc_n, "cycle_deals", REVL_T_INT, REVL_DK_COUNT)) return REVL_ENOMEM;
  if ((what & (CS_CYCLE | CS_VEL)) &&
      COL(cyc_mean, "cycle_days_mean", REVL_T_NUMBER, REVL_DK_DAYS))
    return REVL_ENOMEM;
  if ((what & CS_CYCLE) && COL(cyc_med, "cycle_days_median", REVL_T_NUMBER, REVL_DK_DAYS))
    return REVL_ENOMEM;
  if ((what & CS_VEL) && COL(vel, "velocity", REVL_T_MONEY, REVL_DK_MONEY)) return REVL_ENOMEM;
#undef COL
  return 0;
}

static int closed_stats(const revl_metric_ctx *cx, const revl_view *v,
                        const revl_closed_opts *o, const char *fn, int what,
                        revl_frame **out, revl_error *err) {
  const revl_table *t = v->t;
  revl_mdeals d;
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_mgroup og;
  revl_marena A = {0};
  revl_samples sz = {0}, cy = {0};
  revl_mf mf = {0};
  cs_acc *acc = NULL;
  int64_t *open = NULL;
  uint32_t *open_dense = NULL;
  size_t cap = 0, ocap = 0;
  int rc, have_grp = 0, have_og = 0;
  *out = NULL;
  if ((rc = revl_mdeal_cols(t, fn, &d, err)) ||
      (rc = revl_mneed(t, fn, d.closed, "is_closed", err)) ||
      (rc = revl_mneed(t, fn, d.won, "is_won", err)))
    return rc;
  if ((what & (CS_WR | CS_SIZE | CS_VEL)) && (rc = revl_mneed(t, fn, d.amount, "amount", err)))
    return rc;
  /* the cycle: cycle_from (created_at) to cycle_to (close_date) */
  const revl_column *cstart = d.created, *cend = d.close;
  if ((o->cycle_from &&
       (rc = revl_mcol(t, fn, o->cycle_from, 1, REVL_MT_DATES, &cstart, err))) ||
      (o->cycle_to && (rc = revl_mcol(t, fn, o->cycle_to, 1, REVL_MT_DATES, &cend, err))))
    return rc;
  if ((what & (CS_CYCLE | CS_VEL)) && (rc = revl_mneed(t, fn, cstart, "created_at", err)))
    return rc;
  /* performance leaves the cycle (and velocity) empty without an end */
  char cyc_buf[160];
  const char *no_cycle = "no won deals with created_at";
  if (!cend)
    no_cycle = "deals has no close_date (cycle_to names the end)";
  else if (o->cycle_from || o->cycle_to)
    no_cycle = (snprintf(cyc_buf, sizeof cyc_buf, "no won deals with both %s and %s",
                         cstart ? cstart->name : "created_at", cend->name),
                cyc_buf);
  if (!cend && what != (CS_WR | CS_SIZE | CS_CYCLE | CS_VEL) && (what & (CS_CYCLE | CS_VEL)))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: deals has no column 'close_date' to end the cycle; "
                          "name the column that does: cycle_to = '...'",
                          fn);
  if (d.close) {
    if ((rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_QUARTER, &w, err))) return rc;
  } else if (o->win.period && strcmp(o->win.period, "all") != 0) {
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: deals has no column 'close_date', so closed deals "
                          "cannot be put in periods (leave out period, or period = \"all\")",
                          fn);
  } else if (o->win.has_from || o->win.has_to || o->win.periods) {
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: deals has no column 'close_date', so closed deals "
                          "cannot be put in a window (leave out from/to/periods for all time)",
                          fn);
  } else { /* all time, and the frame says why when nobody asked */
    revl_mwin_none(&w, cx->fiscal_start >= 1 && cx->fiscal_start <= 12 ? cx->fiscal_start : 1);
    if (!o->win.period)
      snprintf(w.note, sizeof w.note, "all time: deals has no close_date");
  }
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err))) return rc;
  if (w.defaulted) {
    /* as-of early in a quarter: the current one has nothing closed yet,
     * so the default is the last complete quarter (the frame says so) */
    int any = 0;
    for (size_t i = 0; i < v->n && !any; i++) {
      size_t row = revl_view_row(v, i);
      int32_t day;
      any = revl_mcell_true(d.closed, row) && revl_mcell_day(d.close, row, &day) &&
            revl_mwin_has(&w, day);
    }
    if (!any) revl_mwin_back(&w, "has no closed deals yet");
  }
  if (revl_mgrp_init(&G, &by, &w)) return OOM();
  have_grp = 1;
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  const revl_column *am = (what & (CS_WR | CS_SIZE | CS_VEL)) ? d.amount : NULL;
  const revl_column *cl = d.closed, *wn = d.won, *cd = d.close;
  const revl_column *cr = (what & (CS_CYCLE | CS_VEL)) && cend ? cstart : NULL;
  uint32_t lo = (uint32_t)w.from, span = (uint32_t)w.to - (uint32_t)w.from;
  /* velocity: open deals now per by key, whatever the window (a dense
   * count per intern id for one plain text key, else a hash) */
  int64_t open_all = 0;
  if ((what & CS_VEL) && by.nk == 0) {
    for (size_t i = 0; i < v->n; i++) open_all += !revl_mcell_true(cl, revl_view_row(v, i));
  } else if ((what & CS_VEL) && by.nk == 1 && !by.k[0].via &&
             by.k[0].c->type == REVL_T_STRING) {
    const revl_column *kc = by.k[0].c;
    if (!(open_dense = revl_ma_calloc(&A, t->store->strings.n + 1, sizeof *open_dense))) {
      rc = OOM();
      goto out;
    }
    for (size_t i = 0; i < v->n; i++) {
      size_t row = revl_view_row(v, i);
      if (revl_mcell_true(cl, row)) continue;
      open_dense[revl_col_valid(kc, row) ? kc->v.str[row] : 0]++;
    }
  } else if (what & CS_VEL) {
    if (revl_mgroup_init(&og, by.nk)) {
      rc = OOM();
      goto out;
    }
    have_og = 1;
    for (size_t i = 0; i < v->n; i++) {
      size_t row = revl_view_row(v, i);
      if (revl_mcell_true(cl, row)) continue;
      int64_t key[REVL_METRIC_MAXBY];
      for (int k = 0; k < by.nk; k++) key[k] = revl_mkey_part(&by.k[k], row);
      int64_t g = revl_mgroup_get(&og, key, (uint32_t)row);
      int64_t *p = g < 0 ? NULL : REVL_MA_AT(&A, open, ocap, g);
      if (!p) {
        rc = OOM();
        goto out;
      }
      (*p)++;
    }
  }
  enum { CHUNK = 4096 };
  uint32_t sel[CHUNK];
  for (size_t base = 0; base < v->n; base += CHUNK) {
    size_t end = base + CHUNK < v->n ? base + CHUNK : v->n, nsel = 0;
    if (!cd) { /* no close date: every closed deal, all time */
      for (size_t i = base; i < end; i++) {
        size_t row = revl_view_row(v, i);
        sel[nsel] = (uint32_t)row;
        nsel += (uint32_t)(revl_col_valid(cl, row) & (cl->v.b[row] != 0));
      }
    } else if (cd->type == REVL_T_DATE && !v->rows) {
      const uint64_t *cv = cl->valid, *dv = cd->valid;
      const uint8_t *cb = cl->v.b;
      const int32_t *dd = cd->v.date;
      for (size_t row = base; row < end; row++) {
        uint32_t in = (uint32_t)((cv[row >> 6] >> (row & 63)) & (dv[row >> 6] >> (row & 63)) & 1) &
                      (cb[row] != 0) & ((uint32_t)dd[row] - lo <= span);
        sel[nsel] = (uint32_t)row;
        nsel += in;
      }
    } else {
      for (size_t i = base; i < end; i++) {
        size_t row = revl_view_row(v, i);
        int32_t day = 0;
        int hasday = revl_mcell_day(cd, row, &day);
        uint32_t in = (uint32_t)(revl_col_valid(cl, row) & (cl->v.b[row] != 0) & hasday) &
                      ((uint32_t)day - lo <= span);
        sel[nsel] = (uint32_t)row;
        nsel += in;
      }
    }
    for (size_t i = 0; i < nsel; i++) {
      size_t row = sel[i];
      int32_t day = 0;
      revl_mcell_day(cd, row, &day);
      int64_t g = revl_mgrp_of(&G, row, revl_mwin_ord(&w, day));
      cs_acc *a = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
      if (!a) {
        rc = OOM();
        goto out;
      }
      int won = revl_col_valid(wn, row) & (wn->v.b[row] != 0);
      a->won += won;
      a->lost += !won;
      if (am && revl_col_valid(am, row)) {
        uint32_t code = revl_cur_code(&cc, am, row);
        revl_macc *m = won ? &a->won_amt : &a->lost_amt;
        if ((rc = revl_macc_add(fn, "'amount'", m, am->v.i64[row], code, err))) goto out;
        a->won_amt_n += won;
        if ((what & CS_SIZE) && won && revl_samples_add(&sz, (uint32_t)g, (double)am->v.i64[row])) {
          rc = OOM();
          goto out;
        }
      }
      int32_t cday, eday = day;
      if (cr && revl_mcell_day(cr, row, &cday) && (cend == cd || revl_mcell_day(cend, row, &eday))) {
        int32_t days = eday - cday;
        int ok = won & (days >= 0);
        a->cyc_n += ok;
        a->cyc_sum += ok ? days : 0;
        if ((what & CS_CYCLE) && ok && revl_samples_add(&cy, (uint32_t)g, (double)days)) {
          rc = OOM();
          goto out;
        }
      }
    }
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if ((ng && !REVL_MA_AT(&A, acc, cap, ng - 1)) ||
      ((what & CS_SIZE) && revl_samples_sort(&sz, ng)) ||
      ((what & CS_CYCLE) && revl_samples_sort(&cy, ng))) {
    rc = OOM();
    goto out;
  }
  uint32_t defc = revl_store_currency(t);
  cs_cols c;
  if (revl_mf_init(&mf, t->store, fn, &by, &w) || add_cols(&mf, what, &c)) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    cs_acc *a = &acc[g];
    int e = revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, c.won, a->won);
    if (!e && (what & (CS_WR | CS_VEL))) e = revl_mf_int(&mf, c.lost, a->lost);
    if (!e && (what & (CS_WR | CS_SIZE))) e = revl_mf_macc(&mf, c.won_amt, &a->won_amt, defc);
    if (!e && (what & (CS_WR | CS_VEL)))
      e = revl_mf_ratio(&mf, c.wr, (double)a->won, (double)(a->won + a->lost),
                        "no closed deals");
    if (!e && (what & CS_WR)) {
      e = revl_mf_macc(&mf, c.lost_amt, &a->lost_amt, defc);
      revl_macc tot = a->won_amt;
      if (!e && a->lost_amt.cur &&
          (rc = revl_macc_add(fn, "'amount'", &tot, a->lost_amt.v, a->lost_amt.cur, err)))
        goto out;
      if (!e)
        e = revl_mf_ratio(&mf, c.wrv, (double)a->won_amt.v, (double)tot.v,
                          tot.v == 0 && a->won + a->lost > 0 ? "closed deals have no amount"
                                                             : "no closed deals");
    }
    if (!e && (what & (CS_SIZE | CS_VEL))) {
      if (a->won_amt_n) {
        int64_t avg;
        revl_metrics_muldiv(a->won_amt.v, 1, a->won_amt_n, &avg);
        e = revl_mf_money(&mf, c.avg, avg, a->won_amt.cur);
      } else {
        e = revl_mf_nil(&mf, c.avg, "no won deals with an amount");
      }
    }
    if (!e && (what & CS_SIZE)) {
      if (revl_samples_count(&sz, g))
        e = revl_mf_money(&mf, c.med, round_half_away(revl_samples_pct(&sz, g, 50)),
                          a->won_amt.cur);
      else
        e = revl_mf_nil(&mf, c.med, "no won deals with an amount");
    }
    if (!e && (what & CS_CYCLE)) e = revl_mf_int(&mf, c.cyc_n, a->cyc_n);
    if (!e && (what & (CS_CYCLE | CS_VEL)))
      e = revl_mf_ratio(&mf, c.cyc_mean, (double)a->cyc_sum, (double)a->cyc_n, no_cycle);
    if (!e && (what & CS_CYCLE)) {
      if (revl_samples_count(&cy, g))
        e = revl_mf_num(&mf, c.cyc_med, revl_samples_pct(&cy, g, 50));
      else
        e = revl_mf_nil(&mf, c.cyc_med, no_cycle);
    }
    if (!e && (what & CS_VEL)) {
      const int64_t *key = G.g.keys + g * (size_t)G.g.nk;
      int64_t nopen;
      if (by.nk == 0) {
        nopen = open_all;
      } else if (open_dense) {
        nopen = open_dense[key[0] == INT64_MIN ? 0 : (size_t)key[0]];
      } else {
        int64_t q = revl_mgroup_find(&og, key);
        nopen = q >= 0 && (size_t)q < ocap ? open[q] : 0;
      }
      e = revl_mf_int(&mf, c.open, nopen);
      /* open x (won_amount / won_amt_n) x (won / closed) / (cyc_sum / cyc_n) */
      const char *why = NULL;
      if (a->won + a->lost == 0) why = "no closed deals";
      else if (a->won_amt_n == 0) why = "no won deals with an amount";
      else if (a->cyc_n == 0) why = no_cycle;
      else if (a->cyc_sum == 0) why = "the sales cycle is 0 days";
      if (!e && why) {
        e = revl_mf_nil(&mf, c.vel, why);
      } else if (!e) {
        int64_t vel, t1;
        if (__builtin_mul_overflow(nopen, a->won, &t1) ||
            revl_metrics_ratio3(a->won_amt.v, t1, a->cyc_n, a->won_amt_n, a->won + a->lost,
                                a->cyc_sum, &vel)) {
          rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0, "revl.metrics.%s: velocity overflows",
                              fn);
          goto out;
        }
        e = revl_mf_money(&mf, c.vel, vel, a->won_amt.cur);
      }
    }
    if (e) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  if (have_grp) revl_mgrp_free(&G);
  if (have_og) revl_mgroup_free(&og);
  revl_samples_free(&sz);
  revl_samples_free(&cy);
  revl_marena_free(&A);
  return rc;
}

int revl_metric_win_rate(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_closed_opts *o, revl_frame **out, revl_error *err) {
  return closed_stats(cx, v, o, "win_rate", CS_WR, out, err);
}
int revl_metric_deal_size(const revl_metric_ctx *cx, const revl_view *v,
                          const revl_closed_opts *o, revl_frame **out, revl_error *err) {
  return closed_stats(cx, v, o, "deal_size", CS_SIZE, out, err);
}
int revl_metric_sales_cycle(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_closed_opts *o, revl_frame **out, revl_error *err) {
  return closed_stats(cx, v, o, "sales_cycle", CS_CYCLE, out, err);
}
int revl_metric_velocity(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_closed_opts *o, revl_frame **out, revl_error *err) {
  return closed_stats(cx, v, o, "velocity", CS_VEL, out, err);
}
int revl_metric_performance(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_closed_opts *o, revl_frame **out, revl_error *err) {
  return closed_stats(cx, v, o, "performance", CS_WR | CS_SIZE | CS_CYCLE | CS_VEL, out, err);
}
