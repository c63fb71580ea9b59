/*
 * pipeline.c -- pipeline metrics of the core: weighted pipeline (open
 * deals, amount x probability) and the forecast roll-up by category.
 * No Lua here; see revl/metric_deals.h.
 */
#include "revl/metric_deals.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"

typedef struct wp_acc {
  int64_t deals, miss_amt, miss_prob;
  revl_macc pipe, wt;
} wp_acc;

#define OOM(rc) ((rc) = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory"))

int revl_metric_weighted_pipeline(const revl_metric_ctx *cx,
                                  const revl_view *v,
                                  const revl_weighted_pipeline_opts *o,
                                  revl_frame **out, revl_error *err) {
  static const char fn[] = "weighted_pipeline";
  const revl_table *t = v->t;
  const revl_intern *strs = &t->store->strings;
  revl_mdeals d;
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_idmap pm = {0};
  revl_marena A = {0};
  revl_mf mf = {0};
  wp_acc *acc = NULL;
  size_t cap = 0;
  int rc, have_grp = 0;
  *out = NULL;
  if ((rc = revl_mdeal_cols(t, fn, &d, err)) ||
      (rc = revl_mneed(t, fn, d.amount, "amount", err)) ||
      (rc = revl_mneed(t, fn, d.closed, "is_closed", err)) ||
      (rc = revl_mwin_resolve(cx, &o->win, fn, 0, REVL_PK_QUARTER, &w, err)))
    return rc;
  if (w.limited && (rc = revl_mneed(t, fn, d.close, "close_date", err))) return rc;
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err))) return rc;
  int table = o->probs != NULL;
  if (table) {
    if ((rc = revl_mneed(t, fn, d.stage, "stage", err))) return rc;
    if (revl_idmap_init(&pm, 64)) return OOM(rc);
    for (int i = 0; i < o->nprobs; i++) {
      int64_t ppb;
      if (revl_metrics_ppb(o->probs[i].p, &ppb)) {
        rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: probability of '%s' must be "
                            "between 0 and 1",
                            fn, o->probs[i].stage);
        goto out;
      }
      uint32_t id = revl_intern_find(strs, o->probs[i].stage,
                                     strlen(o->probs[i].stage));
      if (id && revl_idmap_put(&pm, id, (int32_t)ppb)) {
        OOM(rc);
        goto out;
      }
    }
  } else if (!d.prob) {
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: %s has no probability column; "
                          "give probabilities = {Stage = p, ...}",
                          fn, t->name);
  }
  if (revl_mgrp_init(&G, &by, &w)) {
    OOM(rc);
    goto out;
  }
  have_grp = 1;
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  const revl_column *am = d.amount, *pr = d.prob, *st = d.stage, *cl = d.closed;
  uint32_t last_stage = 0;
  int32_t last_ppb = -1;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    if (revl_mcell_true(cl, row)) continue;
    int64_t ord = 0;
    if (w.limited) {
      int32_t day;
      if (!revl_mcell_day(d.close, row, &day) || !revl_mwin_has(&w, day)) continue;
      ord = revl_mwin_ord(&w, day);
    }
    int64_t g = revl_mgrp_of(&G, row, ord);
    wp_acc *a = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
    if (!a) {
      OOM(rc);
      goto out;
    }
    a->deals++;
    if (!revl_col_valid(am, row)) {
      a->miss_amt++;
      continue;
    }
    uint32_t code = revl_cur_code(&cc, am, row);
    if ((rc = revl_macc_add(fn, "'amount'", &a->pipe, am->v.i64[row], code, err)))
      goto out;
    int64_t ppb;
    if (table) {
      uint32_t sid = revl_col_valid(st, row) ? st->v.str[row] : 0;
      if (sid != last_stage || last_ppb < 0) {
        int32_t pv = 0;
        if (!sid || !revl_idmap_get(&pm, sid, &pv)) {
          if (!sid)
            rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                                "revl.metrics.%s: deal with no stage (row %d)",
                                fn, (int)row + 1);
          else
            rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                                "revl.metrics.%s: stage '%s' is not in "
                                "probabilities",
                                fn, revl_intern_str(strs, sid));
          goto out;
        }
        last_stage = sid;
        last_ppb = pv;
      }
      ppb = last_ppb;
    } else {
      if (!revl_col_valid(pr, row)) {
        a->miss_prob++;
        continue;
      }
      double p = pr->type == REVL_T_NUMBER ? pr->v.f64[row] : (double)pr->v.i64[row];
      if (revl_metrics_ppb(p, &ppb)) {
        rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                            "revl.metrics.%s: probability %g is not between 0 "
                            "and 1 (row %d)",
                            fn, p, (int)row + 1);
        goto out;
      }
    }
    int64_t wv;
    if (revl_metrics_weigh(am->v.i64[row], ppb, &wv)) {
      rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                          "revl.metrics.%s: amount x probability overflows", fn);
      goto out;
    }
    if ((rc = revl_macc_add(fn, "'amount'", &a->wt, wv, code, err))) goto out;
  }
  if (revl_mgrp_fill(&G)) {
    OOM(rc);
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (ng && !REVL_MA_AT(&A, acc, cap, ng - 1)) {
    OOM(rc);
    goto out;
  }
  uint32_t defc = revl_store_currency(t);
  int c_deals, c_pipe, c_wt, c_ma, c_mp;
  if (revl_mf_init(&mf, t->store, fn, &by, &w) ||
      (c_deals = revl_mf_col(&mf, "deals", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_pipe = revl_mf_col(&mf, "pipeline", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (c_wt = revl_mf_col(&mf, "weighted", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (c_ma = revl_mf_col(&mf, "missing_amount", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_mp = revl_mf_col(&mf, "missing_probability", REVL_T_INT, REVL_DK_COUNT)) < 0) {
    OOM(rc);
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    if (revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, c_deals, acc[g].deals) ||
        revl_mf_macc(&mf, c_pipe, &acc[g].pipe, defc) ||
        revl_mf_macc(&mf, c_wt, &acc[g].wt, defc) ||
        revl_mf_int(&mf, c_ma, acc[g].miss_amt) ||
        revl_mf_int(&mf, c_mp, acc[g].miss_prob)) {
      OOM(rc);
      goto out;
    }
  }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  if (have_grp) revl_mgrp_free(&G);
  revl_idmap_free(&pm);
  revl_marena_free(&A);
  return rc;
}

/* ---- forecast roll-up -------------------------------------------------- */

enum { FC_CLOSED, FC_COMMIT, FC_BEST, FC_PIPE, FC_OMIT, FC_OTHER, FC_N };

/* Forecast category from its name: case, spaces and punctuation do not
 * matter ("Best Case", "best_case", "BestCase"). */
static int fc_parse(const char *s) {
  char b[32];
  size_t k = 0;
  for (; *s && k < sizeof b - 1; s++)
    if (isalnum((unsigned char)*s)) b[k++] = (char)tolower((unsigned char)*s);
  b[k] = '\0';
  if (!strcmp(b, "closed") || !strcmp(b, "won") || !strcmp(b, "closedwon")) return FC_CLOSED;
  if (!strcmp(b, "commit") || !strcmp(b, "committed")) return FC_COMMIT;
  if (!strcmp(b, "bestcase") || !strcmp(b, "upside")) return FC_BEST;
  if (!strcmp(b, "pipeline")) return FC_PIPE;
  if (!strcmp(b, "omitted") || !strcmp(b, "omit")) return FC_OMIT;
  return FC_OTHER;
}

typedef struct fc_acc {
  revl_macc m[FC_N];
  int64_t n[FC_N];
  int64_t deals, miss_amt;
} fc_acc;

int revl_metric_forecast(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_forecast_opts *o, revl_frame **out, revl_error *err) {
  static const char fn[] = "forecast";
  static const char *const names[FC_N] = {"closed",   "commit",  "best_case",
                                          "pipeline", "omitted", "uncategorized"};
  static const char *const nnames[FC_N] = {"closed_deals",   "commit_deals",
                                           "best_case_deals", "pipeline_deals",
                                           "omitted_deals",  "uncategorized_deals"};
  const revl_table *t = v->t;
  revl_mdeals d;
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_idmap cm = {0};
  revl_marena A = {0};
  revl_mf mf = {0};
  fc_acc *acc = NULL;
  size_t cap = 0;
  int rc, have_grp = 0;
  *out = NULL;
  if ((rc = revl_mdeal_cols(t, fn, &d, err)) ||
      (rc = revl_mneed(t, fn, d.amount, "amount", err)) ||
      (rc = revl_mneed(t, fn, d.closed, "is_closed", err)) ||
      (rc = revl_mneed(t, fn, d.won, "is_won", err)) ||
      (rc = revl_mneed(t, fn, d.close, "close_date", err)) ||
      (rc = revl_mneed(t, fn, d.fcat, "forecast_category", err)) ||
      (rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_QUARTER, &w, err)) ||
      (rc = revl_mby_resolve(t, fn, &o->by, &by, err)))
    return rc;
  if (revl_idmap_init(&cm, 16)) return OOM(rc);
  if (revl_mgrp_init(&G, &by, &w)) {
    OOM(rc);
    goto out;
  }
  have_grp = 1;
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int32_t day;
    if (!revl_mcell_day(d.close, row, &day) || !revl_mwin_has(&w, day)) continue;
    int64_t g = revl_mgrp_of(&G, row, revl_mwin_ord(&w, day));
    fc_acc *a = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
    if (!a) {
      OOM(rc);
      goto out;
    }
    a->deals++;
    int cat;
    if (revl_mcell_true(d.won, row)) {
      cat = FC_CLOSED;
    } else if (revl_mcell_true(d.closed, row)) {
      cat = FC_OMIT;
    } else if (!revl_col_valid(d.fcat, row)) {
      cat = FC_OTHER;
    } else {
      uint32_t id = d.fcat->v.str[row];
      int32_t c;
      if (!revl_idmap_get(&cm, id, &c)) {
        c = fc_parse(revl_intern_str(&t->store->strings, id));
        if (revl_idmap_put(&cm, id, c)) {
          OOM(rc);
          goto out;
        }
      }
      cat = c == FC_CLOSED ? FC_OTHER : c; /* an open deal is not Closed */
    }
    a->n[cat]++;
    if (!revl_col_valid(d.amount, row)) {
      a->miss_amt++;
      continue;
    }
    if ((rc = revl_macc_add(fn, "'amount'", &a->m[cat], d.amount->v.i64[row],
                            revl_cur_code(&cc, d.amount, row), err)))
      goto out;
  }
  if (revl_mgrp_fill(&G)) {
    OOM(rc);
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (ng && !REVL_MA_AT(&A, acc, cap, ng - 1)) {
    OOM(rc);
    goto out;
  }
  uint32_t defc = revl_store_currency(t);
  int c_deals, c_m[FC_N], c_n[FC_N], c_ct, c_bt, c_pt, c_miss;
  int e = revl_mf_init(&mf, t->store, fn, &by, &w) ||
          (c_deals = revl_mf_col(&mf, "deals", REVL_T_INT, REVL_DK_COUNT)) < 0;
  for (int c = 0; !e && c < FC_N; c++)
    e = (c_m[c] = revl_mf_col(&mf, names[c], REVL_T_MONEY, REVL_DK_MONEY)) < 0;
  e = e || (c_ct = revl_mf_col(&mf, "commit_total", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (c_bt = revl_mf_col(&mf, "best_case_total", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (c_pt = revl_mf_col(&mf, "pipeline_total", REVL_T_MONEY, REVL_DK_MONEY)) < 0;
  for (int c = 0; !e && c < FC_N; c++)
    e = (c_n[c] = revl_mf_col(&mf, nnames[c], REVL_T_INT, REVL_DK_COUNT)) < 0;
  e = e || (c_miss = revl_mf_col(&mf, "missing_amount", REVL_T_INT, REVL_DK_COUNT)) < 0;
  if (e) {
    OOM(rc);
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    fc_acc *a = &acc[g];
    e = revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, c_deals, a->deals);
    for (int c = 0; !e && c < FC_N; c++)
      e = revl_mf_macc(&mf, c_m[c], &a->m[c], defc) || revl_mf_int(&mf, c_n[c], a->n[c]);
    revl_macc cum = {0, 0};
    static const int order[] = {FC_CLOSED, FC_COMMIT, FC_BEST, FC_PIPE};
    for (int k = 0; !e && k < 4; k++) {
      const revl_macc *m = &a->m[order[k]];
      if (m->cur && (rc = revl_macc_add(fn, "forecast categories", &cum, m->v, m->cur, err)))
        goto out;
      if (k == 1) e = revl_mf_macc(&mf, c_ct, &cum, defc);
      if (k == 2) e = revl_mf_macc(&mf, c_bt, &cum, defc);
      if (k == 3) e = revl_mf_macc(&mf, c_pt, &cum, defc);
    }
    if (e || revl_mf_int(&mf, c_miss, a->miss_amt)) {
      OOM(rc);
      goto out;
    }
  }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  if (have_grp) revl_mgrp_free(&G);
  revl_idmap_free(&cm);
  revl_marena_free(&A);
  return rc;
}
