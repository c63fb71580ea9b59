/*
 * funnel.c -- the lead funnel of the core: leads created in the window
 * and how far each got (MQL, SQL, opportunity, won), with the
 * conversion between steps and how many days each step took (median
 * and mean).  No Lua here; see revl/metric_closed.h.
 */
#include "revl/metric_closed.h"

#include <stdio.h>
#include <string.h>

#include "metrics/mframe.h"

enum { FN_LEAD, FN_MQL, FN_SQL, FN_OPP, FN_WON, FN_N };
static const char *const fn_names[FN_N] = {"leads", "mql", "sql", "opportunities", "won"};
static const char *const fn_conv[FN_N] = {NULL, "conv_lead_mql", "conv_mql_sql", "conv_sql_opp",
                                          "conv_opp_won"};
static const char *const fn_days[FN_N] = {NULL, "days_lead_mql", "days_mql_sql", "days_sql_opp",
                                          "days_opp_won"};
static const char *const fn_mean[FN_N] = {NULL, "days_lead_mql_mean", "days_mql_sql_mean",
                                          "days_sql_opp_mean", "days_opp_won_mean"};

typedef struct fn_acc {
  int64_t n[FN_N];
} fn_acc;

#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

/* The stop at an option the caller could not parse (see metric_closed.h). */
static int bad_option(revl_error *err) {
  if (err) err->msg[0] = '\0';
  return REVL_EUSAGE;
}

int revl_metric_funnel(const revl_metric_ctx *cx, const revl_view *v,
                       const revl_funnel_opts *o, revl_frame **out, revl_error *err) {
  static const char fn[] = "funnel";
  const revl_table *t = v->t;
  const revl_column *created, *mql, *sql, *conv;
  const revl_column *dwon = NULL, *dcreated = NULL, *dclose = NULL;
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_marena A = {0};
  revl_mf mf = {0};
  revl_samples sm[FN_N];
  fn_acc *acc = NULL;
  size_t cap = 0;
  int rc, have_grp = 0;
  *out = NULL;
  memset(sm, 0, sizeof sm);
  if ((rc = revl_mcol(t, fn, "created_at", 1, REVL_MT_DATES, &created, err)) ||
      (rc = revl_mcol(t, fn, "mql_at", 0, REVL_MT_DATES, &mql, err)) ||
      (rc = revl_mcol(t, fn, "sql_at", 0, REVL_MT_DATES, &sql, err)) ||
      (rc = revl_mcol(t, fn, "converted_deal_id", 0, REVL_MT_STR, &conv, err)))
    return rc;
  if (conv && conv->ref &&
      ((rc = revl_mcol(conv->ref, fn, "is_won", 0, REVL_MT_BOOL, &dwon, err)) ||
       (rc = revl_mcol(conv->ref, fn, "created_at", 0, REVL_MT_DATES, &dcreated, err)) ||
       (rc = revl_mcol(conv->ref, fn, "close_date", 0, REVL_MT_DATES, &dclose, err))))
    return rc;
  if (o->bad == REVL_FUNNEL_BAD_WINDOW) return bad_option(err);
  if ((rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_QUARTER, &w, err))) return rc;
  /* a malformed by: the fields before the bad one still resolve first */
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err))) return rc;
  if (o->bad == REVL_FUNNEL_BAD_BY) return bad_option(err);
  if (revl_mgrp_init(&G, &by, &w)) return OOM();
  have_grp = 1;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t c0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    int32_t day = 0;
    int has_c = revl_mcell_secs(created, row, &c0);
    if (has_c) day = (int32_t)revl_floor_div64(c0, 86400);
    if (w.limited && (!has_c || !revl_mwin_has(&w, day))) continue;
    int64_t g = revl_mgrp_of(&G, row, has_c ? revl_mwin_ord(&w, day) : 0);
    fn_acc *a = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
    if (!a) {
      rc = OOM();
      goto out;
    }
    uint32_t gi = (uint32_t)g;
    int64_t d = conv && conv->ref_row ? conv->ref_row[row] : -1;
    int won = d >= 0 && revl_mcell_true(dwon, (size_t)d);
    int opp = conv && revl_col_valid(conv, row);
    int has_s = revl_mcell_secs(sql, row, &t2), has_m = revl_mcell_secs(mql, row, &t1);
    int r_sql = has_s || opp || won, r_mql = has_m || r_sql;
    a->n[FN_LEAD]++;
    a->n[FN_MQL] += r_mql;
    a->n[FN_SQL] += r_sql;
    a->n[FN_OPP] += opp || won;
    a->n[FN_WON] += won;
    int e = 0;
    if (has_c && has_m && t1 >= c0)
      e |= revl_samples_add(&sm[FN_MQL], gi, (double)(t1 - c0) / 86400.0);
    if (has_m && has_s && t2 >= t1)
      e |= revl_samples_add(&sm[FN_SQL], gi, (double)(t2 - t1) / 86400.0);
    if (d >= 0 && has_s && revl_mcell_secs(dcreated, (size_t)d, &t3) && t3 >= t2)
      e |= revl_samples_add(&sm[FN_OPP], gi, (double)(t3 - t2) / 86400.0);
    int32_t cd;
    if (won && revl_mcell_secs(dcreated, (size_t)d, &t3) && revl_mcell_day(dclose, (size_t)d, &cd)) {
      t4 = cd - (int32_t)revl_floor_div64(t3, 86400);
      if (t4 >= 0) e |= revl_samples_add(&sm[FN_WON], gi, (double)t4);
    }
    if (e) {
      rc = OOM();
      goto out;
    }
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (ng && !REVL_MA_AT(&A, acc, cap, ng - 1)) {
    rc = OOM();
    goto out;
  }
  for (int k = 1; k < FN_N; k++)
    if (revl_samples_sort(&sm[k], ng)) {
      rc = OOM();
      goto out;
    }
  int c_n[FN_N], c_conv[FN_N], c_days[FN_N], c_mean[FN_N], c_lw;
  int e = revl_mf_init(&mf, t->store, fn, &by, &w) != 0;
  for (int k = 0; !e && k < FN_N; k++)
    e = (c_n[k] = revl_mf_col(&mf, fn_names[k], REVL_T_INT, REVL_DK_COUNT)) < 0;
  for (int k = 1; !e && k < FN_N; k++)
    e = (c_conv[k] = revl_mf_col(&mf, fn_conv[k], REVL_T_NUMBER, REVL_DK_RATIO)) < 0;
  e = e || (c_lw = revl_mf_col(&mf, "conv_lead_won", REVL_T_NUMBER, REVL_DK_RATIO)) < 0;
  for (int k = 1; !e && k < FN_N; k++)
    e = (c_days[k] = revl_mf_col(&mf, fn_days[k], REVL_T_NUMBER, REVL_DK_DAYS)) < 0;
  for (int k = 1; !e && k < FN_N; k++)
    e = (c_mean[k] = revl_mf_col(&mf, fn_mean[k], REVL_T_NUMBER, REVL_DK_DAYS)) < 0;
  if (e) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    const fn_acc *a = &acc[g];
    e = revl_mf_row(&mf, &G, g);
    for (int k = 0; !e && k < FN_N; k++) e = revl_mf_int(&mf, c_n[k], a->n[k]);
    for (int k = 1; !e && k < FN_N; k++) {
      char why[64];
      snprintf(why, sizeof why, "no %s", fn_names[k - 1]);
      e = revl_mf_ratio(&mf, c_conv[k], (double)a->n[k], (double)a->n[k - 1], why);
      if (e) break;
      if (revl_samples_count(&sm[k], g)) {
        /* the mean first: the median reorders the group's values */
        double mean = revl_samples_mean(&sm[k], g);
        e = revl_mf_num(&mf, c_mean[k], mean) ||
            revl_mf_num(&mf, c_days[k], revl_samples_pct(&sm[k], g, 50));
      } else {
        e = revl_mf_nil(&mf, c_days[k], "no timed transitions") ||
            revl_mf_nil(&mf, c_mean[k], "no timed transitions");
      }
    }
    e = e || revl_mf_ratio(&mf, c_lw, (double)a->n[FN_WON], (double)a->n[FN_LEAD], "no leads");
    if (e) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  if (have_grp) revl_mgrp_free(&G);
  for (int k = 0; k < FN_N; k++) revl_samples_free(&sm[k]);
  revl_marena_free(&A);
  return rc;
}
