/*
 * attribution.c -- multi-touch attribution of the core: the amounts of
 * the won deals closed in the window, split over the activities that
 * touched each deal (and the leads converted to it) up to its close day,
 * under one or more models (the weights of attr.c, apportioned to the
 * cent), credited to groups of activity fields.  No Lua here; see
 * revl/metric_revenue.h.
 */
#include "revl/metric_revenue.h"

#include <stdlib.h>
#include <string.h>

#include "metrics/mrev.h"

#define OOM() (rc = revl_mrev_oom(err))

typedef struct touch {
  uint32_t row;
  int64_t at;
} touch;

static int touch_cmp(const void *pa, const void *pb) {
  const touch *a = pa, *b = pb;
  if (a->at != b->at) return a->at < b->at ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

typedef struct at_acc {
  int64_t touches, deals;
  uint32_t last_deal; /* deal row + 1 last counted */
} at_acc;

/* Where a deal's touches are collected. */
typedef struct touches {
  revl_marena *A;
  touch *t;
  size_t cap;
  const revl_column *at, *type;
  const revl_idmap *types; /* NULL: every type */
} touches;

/* Add activity row ar when it is dated on or before the close day (and
 * of a wanted type): *nt grows by one.  REVL_ENOMEM or 0. */
static int add_touch(touches *tc, uint32_t ar, int32_t close_day, size_t *nt) {
  int64_t at;
  if (!revl_mcell_secs(tc->at, ar, &at) || revl_floor_div64(at, 86400) > close_day) return 0;
  if (tc->types) {
    int32_t one;
    if (!revl_col_valid(tc->type, ar) || !revl_idmap_get(tc->types, tc->type->v.str[ar], &one))
      return 0;
  }
  if (*nt >= tc->cap) {
    size_t nc = tc->cap ? tc->cap * 2 : 64;
    touch *p = revl_ma_grow(tc->A, tc->t, tc->cap, nc, sizeof *p);
    if (!p) return REVL_ENOMEM;
    tc->t = p;
    tc->cap = nc;
  }
  tc->t[*nt].row = ar;
  tc->t[*nt].at = at;
  ++*nt;
  return 0;
}

/* The stop at an option the caller could not parse (metric_revenue.h). */
static int bad_option(revl_error *err) {
  if (err) err->msg[0] = '\0';
  return REVL_EUSAGE;
}

/* The columns and options attribution reads, checked in the order the
 * metric has always checked them. */
typedef struct at_setup {
  revl_mdeals d;
  revl_mwin w;
  const revl_table *act;
  const revl_column *adeal, *alead, *aat, *atype, *lconv, *lcreated;
  revl_mby by;
  int models[REVL_ATTR_NMODELS], nm;
  double half;
} at_setup;

static int setup(const revl_metric_ctx *cx, const revl_view *v, const revl_attribution_opts *o,
                 at_setup *S, revl_error *err) {
  static const char fn[] = "attribution";
  const revl_table *t = v->t;
  int rc;
  if ((rc = revl_mdeal_cols(t, fn, &S->d, err)) ||
      (rc = revl_mneed(t, fn, S->d.amount, "amount", err)) ||
      (rc = revl_mneed(t, fn, S->d.won, "is_won", err)) ||
      (rc = revl_mneed(t, fn, S->d.close, "close_date", err)))
    return rc;
  if (o->bad == REVL_ATTRIB_BAD_WINDOW) return bad_option(err);
  if ((rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_QUARTER, &S->w, err))) return rc;
  revl_table *act;
  if ((rc = revl_store_need(cx->store, "activities", &act, err))) return rc;
  S->act = act;
  if (!act)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs the %s table, which is not loaded", fn,
                          "activities");
  if ((rc = revl_mcol(act, fn, "deal_id", 1, REVL_MT_STR, &S->adeal, err)) ||
      (rc = revl_mcol(act, fn, "lead_id", 0, REVL_MT_STR, &S->alead, err)) ||
      (rc = revl_mcol(act, fn, "at", 1, REVL_MT_DATES, &S->aat, err)) ||
      (rc = revl_mcol(act, fn, "type", 0, REVL_MT_STR, &S->atype, err)))
    return rc;
  if (S->adeal->ref != t || !S->adeal->rev_off)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: activities.deal_id does not reference %s", fn,
                          t->name);
  S->lconv = S->lcreated = NULL;
  if (!o->no_lead_touches && S->alead && S->alead->ref && S->alead->rev_off) {
    const revl_table *leads = S->alead->ref;
    if ((rc = revl_mcol(leads, fn, "converted_deal_id", 0, REVL_MT_STR, &S->lconv, err)) ||
        (rc = revl_mcol(leads, fn, "created_at", 0, REVL_MT_DATES, &S->lcreated, err)))
      return rc;
    if (S->lconv && (S->lconv->ref != t || !S->lconv->rev_off)) S->lconv = NULL;
  }
  /* credit keys: activity fields, by campaign unless asked */
  revl_by_opts campaign = {{"campaign"}, 1};
  int given = o->by.nby || o->by_none || o->bad == REVL_ATTRIB_BAD_BY;
  /* a malformed by: the fields before the bad one still resolve first */
  if ((rc = revl_mby_resolve(act, fn, given ? &o->by : &campaign, &S->by, err))) return rc;
  if (o->bad == REVL_ATTRIB_BAD_BY) return bad_option(err);
  if (o->bad == REVL_ATTRIB_BAD_MODELS) return bad_option(err);
  S->nm = 0;
  if (o->models) {
    for (int i = 0; i < o->nmodels; i++) {
      const char *name = o->models[i] ? o->models[i] : "?";
      int m = revl_metrics_attr_model(name);
      if (m < 0)
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                              "revl.metrics.%s: unknown model '%s' (first_touch last_touch "
                              "linear u_shaped w_shaped full_path time_decay)",
                              fn, name);
      if (S->nm < REVL_ATTR_NMODELS) S->models[S->nm++] = m;
    }
  } else {
    for (int m = 0; m < REVL_ATTR_NMODELS; m++) S->models[S->nm++] = m;
  }
  if (S->nm == 0) return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: no models", fn);
  if (o->bad == REVL_ATTRIB_BAD_HALF_LIFE) return bad_option(err);
  S->half = o->has_half_life ? o->half_life : 7;
  if (!(S->half > 0))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: half_life must be > 0 days",
                          fn);
  if (o->use_types && !S->atype)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: activities has no column 'type'", fn);
  if (o->bad == REVL_ATTRIB_BAD_TYPES) return bad_option(err);
  return 0;
}

int revl_metric_attribution(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_attribution_opts *o, revl_attribution_out *out,
                            revl_error *err) {
  static const char fn[] = "attribution";
  const revl_table *t = v->t;
  at_setup S;
  revl_idmap types = {0};
  revl_mgroup Gg;
  revl_marena A = {0};
  revl_mf mf = {0}, ms = {0};
  int rc, have_grp = 0;
  memset(out, 0, sizeof *out);
  if ((rc = setup(cx, v, o, &S, err))) return rc;
  const revl_mwin *w = &S.w;
  const revl_column *adeal = S.adeal, *alead = S.alead, *lconv = S.lconv;
  int nm = S.nm;
  if (o->use_types) {
    if (revl_idmap_init(&types, 16)) return OOM();
    for (int i = 0; i < o->ntypes; i++) {
      size_t kl = o->type_lens ? o->type_lens[i] : strlen(o->types[i]);
      uint32_t id = revl_intern_find(&S.act->store->strings, o->types[i], kl);
      if (id && revl_idmap_put(&types, id, 1)) {
        OOM();
        goto out;
      }
    }
  }
  if (revl_mgroup_init(&Gg, S.by.nk + 1)) {
    OOM();
    goto out;
  }
  have_grp = 1;
  revl_macc *credit = NULL; /* nm per group */
  size_t ccap = 0;
  at_acc *acc = NULL;
  size_t cap = 0;
  touches tc = {&A, NULL, 0, S.aat, S.atype, o->use_types ? &types : NULL};
  int64_t *wts = NULL, *share = NULL;
  uint32_t *scr = NULL, *tg = NULL;
  int32_t *days = NULL;
  size_t wcap = 0;
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  revl_macc won_total = {0, 0}, unattributed = {0, 0};
  int64_t won_deals = 0, untouched = 0;
  int64_t key[REVL_METRIC_MAXBY + 1];
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    if (!revl_mcell_true(S.d.won, row)) continue;
    int32_t cday;
    if (!revl_mcell_day(S.d.close, row, &cday) || !revl_mwin_has(w, cday)) continue;
    if (!revl_col_valid(S.d.amount, row)) continue;
    int64_t amount = S.d.amount->v.i64[row];
    uint32_t code = revl_cur_code(&cc, S.d.amount, row);
    if ((rc = revl_macc_add(fn, "won amounts", &won_total, amount, code, err))) goto out;
    won_deals++;
    int64_t ord = revl_mwin_ord(w, cday);
    /* touches: the deal's activities, then those of the leads converted
     * to it (an activity on both counts once) */
    size_t nt = 0;
    int64_t lead_created = INT64_MAX;
    for (uint32_t z = adeal->rev_off[row]; z < adeal->rev_off[row + 1]; z++)
      if (add_touch(&tc, adeal->rev_rows[z], cday, &nt)) goto oom;
    if (lconv)
      for (uint32_t q = lconv->rev_off[row]; q < lconv->rev_off[row + 1]; q++) {
        uint32_t lr = lconv->rev_rows[q];
        int64_t lc;
        if (revl_mcell_secs(S.lcreated, lr, &lc) && lc < lead_created) lead_created = lc;
        for (uint32_t z = alead->rev_off[lr]; z < alead->rev_off[lr + 1]; z++) {
          uint32_t ar = alead->rev_rows[z];
          if (adeal->ref_row[ar] != (int32_t)row && add_touch(&tc, ar, cday, &nt)) goto oom;
        }
      }
    touch *tt = tc.t;
    if (nt == 0) {
      untouched++;
      if ((rc = revl_macc_add(fn, "won amounts", &unattributed, amount, code, err))) goto out;
      continue;
    }
    qsort(tt, nt, sizeof *tt, touch_cmp);
    if (nt > wcap) {
      if (!(wts = revl_ma_grow(&A, wts, wcap, nt, sizeof *wts)) ||
          !(share = revl_ma_grow(&A, share, wcap, nt, sizeof *share)) ||
          !(scr = revl_ma_grow(&A, scr, wcap, nt, sizeof *scr)) ||
          !(tg = revl_ma_grow(&A, tg, wcap, nt, sizeof *tg)) ||
          !(days = revl_ma_grow(&A, days, wcap, nt, sizeof *days)))
        goto oom;
      wcap = nt;
    }
    /* milestones: the last touch at or before lead / deal creation */
    size_t lead_i = 0, opp_i = 0;
    int64_t dc;
    int has_dc = revl_mcell_secs(S.d.created, row, &dc);
    for (size_t k = 0; k < nt; k++) {
      if (lead_created != INT64_MAX && tt[k].at <= lead_created) lead_i = k;
      if (has_dc && tt[k].at <= dc) opp_i = k;
      days[k] = cday - (int32_t)revl_floor_div64(tt[k].at, 86400);
    }
    for (size_t k = 0; k < nt; k++) {
      for (int j = 0; j < S.by.nk; j++) key[j] = revl_mkey_part(&S.by.k[j], tt[k].row);
      key[S.by.nk] = ord;
      int64_t g = revl_mgroup_get(&Gg, key, tt[k].row);
      at_acc *a = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
      if (!a) goto oom;
      tg[k] = (uint32_t)g;
      a->touches++;
      if (a->last_deal != row + 1) {
        a->last_deal = (uint32_t)row + 1;
        a->deals++;
      }
    }
    if (!REVL_MA_AT(&A, credit, ccap, Gg.n * (size_t)nm - 1)) goto oom;
    for (int mi = 0; mi < nm; mi++) {
      if (revl_metrics_attr_weights(S.models[mi], nt, lead_i, opp_i, days, S.half, wts) ||
          revl_metrics_apportion(amount, wts, nt, share, scr)) {
        rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                            "revl.metrics.%s: cannot split a deal's amount", fn);
        goto out;
      }
      for (size_t k = 0; k < nt; k++)
        if ((rc = revl_macc_add(fn, "credits", &credit[(size_t)tg[k] * (size_t)nm + (size_t)mi],
                                share[k], code, err)))
          goto out;
    }
  }
  size_t ng = Gg.n;
  if (ng && !REVL_MA_AT(&A, acc, cap, ng - 1)) goto oom;
  uint32_t defc = revl_store_currency(t);
  uint32_t credc = won_total.cur ? won_total.cur : defc;
  int c_m[REVL_ATTR_NMODELS], c_t, c_d;
  int e = revl_mf_init(&mf, t->store, fn, &S.by, w) != 0;
  for (int mi = 0; !e && mi < nm; mi++)
    e = (c_m[mi] = revl_mf_col(&mf, revl_metrics_attr_name(S.models[mi]), REVL_T_MONEY,
                               REVL_DK_MONEY)) < 0;
  e = e || (c_t = revl_mf_col(&mf, "touches", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_d = revl_mf_col(&mf, "deals", REVL_T_INT, REVL_DK_COUNT)) < 0;
  if (e) goto oom;
  for (size_t g = 0; g < ng; g++) {
    int64_t gord = Gg.keys[(g + 1) * (size_t)Gg.nk - 1];
    e = revl_mrev_row(&mf, &S.by, Gg.first[g], w, gord);
    for (int mi = 0; !e && mi < nm; mi++)
      e = revl_mf_macc(&mf, c_m[mi], &credit[g * (size_t)nm + (size_t)mi], credc);
    if (e || revl_mf_int(&mf, c_t, acc[g].touches) || revl_mf_int(&mf, c_d, acc[g].deals))
      goto oom;
  }
  /* the summary: what was won and how much of it no touch explains */
  revl_macc att = won_total;
  att.v -= unattributed.v;
  int s_won, s_att, s_un, s_deals, s_unt;
  if (revl_mf_init(&ms, t->store, "attribution_summary", NULL, NULL) ||
      (s_won = revl_mf_col(&ms, "won", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (s_att = revl_mf_col(&ms, "attributed", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (s_un = revl_mf_col(&ms, "unattributed", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (s_deals = revl_mf_col(&ms, "deals", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (s_unt = revl_mf_col(&ms, "deals_without_touches", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      revl_mf_row_plain(&ms) || revl_mf_macc(&ms, s_won, &won_total, defc) ||
      revl_mf_macc(&ms, s_att, &att, defc) || revl_mf_money(&ms, s_un, unattributed.v, credc) ||
      revl_mf_int(&ms, s_deals, won_deals) || revl_mf_int(&ms, s_unt, untouched))
    goto oom;
  if ((rc = revl_mf_finish(&mf, 1, &out->credits, err)) ||
      (rc = revl_mf_finish(&ms, 0, &out->summary, err))) {
    revl_frame_free(out->credits);
    out->credits = NULL;
  }
  goto out;
oom:
  OOM();
out:
  revl_mf_free(&mf);
  revl_mf_free(&ms);
  if (have_grp) revl_mgroup_free(&Gg);
  revl_idmap_free(&types);
  revl_marena_free(&A);
  return rc;
}
