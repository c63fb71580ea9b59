/*
 * quota.c -- quota metrics of the core: coverage (open pipeline against
 * what is left of the quota) and quota attainment (won against quota).
 * Quotas come from reps.quota (annual, prorated to each period), one
 * amount, or a table keyed by the group.  No Lua here; see
 * revl/metric_quota.h.
 */
#include "revl/metric_quota.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"
#include "revl/parse.h"

#define REP_TAG 0x80000000u
#define TABLE_TAG UINT32_MAX

static int64_t round_half_away(double x) {
  return (int64_t)(x < 0 ? ceil(x - 0.5) : floor(x + 0.5));
}

/* An annual quota for the days a..b: whole months are months / 12 of
 * it, other spans days / 365 (rounded half away from zero). */
static int prorate(const char *fn, int64_t annual, int32_t a, int32_t b, int64_t *out,
                   revl_error *err) {
  int y, y2;
  unsigned m, d, m2, d2;
  revl_civil_from_days(a, &y, &m, &d);
  revl_civil_from_days(b, &y2, &m2, &d2);
  int rc;
  if (d == 1 && (int)d2 == revl_days_in_month(y2, m2))
    rc = revl_metrics_muldiv(annual, revl_metrics_month_of(b) - revl_metrics_month_of(a) + 1,
                             12, out);
  else
    rc = revl_metrics_muldiv(annual, (int64_t)b - a + 1, 365, out);
  if (rc)
    return revl_error_set(err, REVL_EDATA, NULL, 0, 0, "revl.metrics.%s: quota out of range", fn);
  return 0;
}

/* A given quota value as money; *got 0 when not given. */
static int quota_money(const char *fn, const char *what, const revl_quota_value *q,
                       uint32_t code, revl_macc *out, int *got, revl_error *err) {
  *got = 0;
  out->v = 0;
  out->cur = 0;
  if (q->kind == 1) {
    out->v = q->minor;
    out->cur = revl_cur_pack(q->cur);
    *got = 1;
  } else if (q->kind == 2) {
    char c[4];
    revl_cur_unpack(code, c);
    double x = q->num * pow(10, revl_currency_decimals(c));
    if (!isfinite(x) || fabs(x) > 9e18)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: %s is out of range",
                            fn, what);
    out->v = round_half_away(x);
    out->cur = code;
    *got = 1;
  } else if (q->kind == 3) {
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: %s must be money or a number", fn, what);
  }
  return 0;
}

typedef struct qa_acc {
  revl_macc won, pipe;
  int64_t won_n, open_n;
} qa_acc;

#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

/* role text lowered without spaces and punctuation */
static void role_norm(const char *s, char *out, size_t n) {
  size_t k = 0;
  for (; *s && k + 1 < n; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 'A' && c <= 'Z') out[k++] = (char)(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) out[k++] = (char)c;
  }
  out[k] = '\0';
}

int revl_quota_role_default(const char *role) {
  static const char *const none[] = {
      "sdr", "bdr", "csm", "customersuccess", "customersuccessmanager", "manager",
      "salesmanager", "teamlead", "director", "salesdirector", "vp", "vpsales",
      "headofsales", "cro", "ops", "salesops", "revops", "revenueoperations",
      "sdrmanager", "csmanager", "support", "se", "salesengineer", "presales", NULL};
  char n[64];
  role_norm(role ? role : "", n, sizeof n);
  for (int k = 0; none[k]; k++)
    if (strcmp(n, none[k]) == 0) return 0;
  return 1;
}

/* Whether reps row carries a quota under o. */
static int rep_counts(const revl_quota_opts *o, const revl_table *reps, const revl_column *role,
                      size_t row) {
  if (o->all_roles || !role) return 1;
  const char *r = revl_col_valid(role, row)
                      ? revl_intern_str(&reps->store->strings, role->v.str[row])
                      : NULL;
  if (!o->roles) return revl_quota_role_default(r);
  if (!r) return 0;
  char a[64], b[64];
  role_norm(r, a, sizeof a);
  for (int k = 0; k < o->nroles; k++) {
    role_norm(o->roles[k], b, sizeof b);
    if (strcmp(a, b) == 0) return 1;
  }
  return 0;
}

static int quota_metric(const revl_metric_ctx *cx, const revl_view *v,
                        const revl_quota_opts *o, const char *fn, int coverage,
                        revl_frame **out, revl_error *err) {
  const revl_table *t = v->t;
  const revl_intern *strs = &t->store->strings;
  revl_mdeals d;
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_marena A = {0};
  revl_mf mf = {0};
  revl_macc *quota = NULL;
  int64_t *qreps = NULL; /* reps whose quotas a group sums */
  qa_acc *acc = NULL;
  size_t qcap = 0, cap = 0, qrcap = 0;
  const revl_column *rolec = NULL;
  int rc, have_grp = 0;
  const revl_table *reps = NULL;
  const revl_column *qcol = NULL;
  int rcol[REVL_METRIC_MAXBY];
  *out = NULL;
  if ((rc = revl_mdeal_cols(t, fn, &d, err)) ||
      (rc = revl_mneed(t, fn, d.amount, "amount", err)) ||
      (rc = revl_mneed(t, fn, d.closed, "is_closed", err)) ||
      (rc = revl_mneed(t, fn, d.won, "is_won", err)) ||
      (rc = revl_mneed(t, fn, d.close, "close_date", err)) ||
      (rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_QUARTER, &w, err)) ||
      (rc = revl_mby_resolve(t, fn, &o->by, &by, err)))
    return rc;
  if (!coverage && by.nk == 0 && o->mode == 0) {
    /* attainment is per rep unless asked otherwise */
    revl_by_opts owner = {{"owner"}, 1};
    if ((rc = revl_mneed(t, fn, d.owner, "owner", err)) ||
        (rc = revl_mby_resolve(t, fn, &owner, &by, err)))
      return rc;
  }
  if (o->mode == 2 && by.nk != 1)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: a quota table needs exactly one 'by' field", fn);
  if (o->mode == 1 && by.nk)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: one quota amount cannot be split by '%s'; give "
                          "quota = {value = amount, ...} or use reps' quotas",
                          fn, by.k[0].label);
  if (o->mode == 1 && o->amount.kind == 3)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: quota must be money, a number or a table", fn);
  if (o->mode == 0) {
    revl_table *rt;
    if ((rc = revl_store_need(cx->store, "reps", &rt, err))) return rc;
    reps = rt;
    if (!reps)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: needs the %s table, which is not loaded", fn,
                            "reps");
    int qc = revl_table_col(reps, "quota");
    if (qc < 0 || reps->cols[qc]->type != REVL_T_MONEY)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: reps has no money column 'quota'; give quota = ...",
                            fn);
    qcol = reps->cols[qc];
    int rc_ = revl_table_col(reps, "role");
    if (rc_ >= 0 && reps->cols[rc_]->type == REVL_T_STRING) rolec = reps->cols[rc_];
    else if (o->roles)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: roles = {...} needs a text column 'role' in reps",
                            fn);
    for (int k = 0; k < by.nk; k++) {
      const revl_mkey *key = &by.k[k];
      if (key->via && key->via->ref == reps)
        rcol[k] = key->ci;
      else if (!key->via && key->c->ref == reps)
        rcol[k] = key->c->ref_col;
      else
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                              "revl.metrics.%s: quotas from reps need by = \"owner\" or "
                              "\"owner.<field>\" (not '%s'); give quota = {...}",
                              fn, key->label);
    }
  }
  if (revl_mgrp_init(&G, &by, &w)) return OOM();
  have_grp = 1;
  /* every (rep key, period) group, with its quota; table mode: every
   * (table key, period) */
  if (!w.limited) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: needs a period (not period = \"all\")", fn);
    goto out;
  }
  if (w.from == INT32_MIN || w.to == INT32_MAX) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: quotas need a bounded window (give both 'from' and "
                        "'to')",
                        fn);
    goto out;
  }
  int64_t o0 = revl_mwin_first_ord(&w), o1 = revl_mwin_last_ord(&w);
  if (o1 - o0 > 10000) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: too many periods", fn);
    goto out;
  }
  int nk = by.nk;
  int64_t key[REVL_METRIC_MAXBY + 1];
  if (o->mode == 0) {
    for (size_t row = 0; row < reps->nrows; row++) {
      if (!revl_col_valid(qcol, row) || !rep_counts(o, reps, rolec, row)) continue;
      uint32_t code = revl_cur_pack(revl_intern_str(strs, qcol->cur[row]));
      for (int k = 0; k < nk; k++) key[k] = revl_mcell_key(reps->cols[rcol[k]], row);
      for (int64_t ord = o0; ord <= o1; ord++) {
        key[nk] = ord;
        int64_t g = revl_mgroup_get(&G.g, key, (uint32_t)row | REP_TAG);
        revl_macc *qa = g < 0 ? NULL : REVL_MA_AT(&A, quota, qcap, g);
        int64_t *qn = g < 0 ? NULL : REVL_MA_AT(&A, qreps, qrcap, g);
        if (!qa || !qn) {
          rc = OOM();
          goto out;
        }
        int32_t a, b;
        revl_mwin_bounds(&w, ord, &a, &b);
        int64_t amt = qcol->v.i64[row];
        if (o->prorate && (rc = prorate(fn, qcol->v.i64[row], a, b, &amt, err))) goto out;
        if ((rc = revl_macc_add(fn, "quotas", qa, amt, code, err))) goto out;
        (*qn)++;
      }
    }
  } else if (o->mode == 2 && by.k[0].c->type == REVL_T_STRING) {
    for (int e = 0; e < o->ntable; e++) {
      uint32_t id = revl_intern_find(strs, o->table[e].key, strlen(o->table[e].key));
      if (!id) continue;
      for (int64_t ord = o0; ord <= o1; ord++) {
        key[0] = id;
        key[1] = ord;
        if (revl_mgroup_get(&G.g, key, TABLE_TAG) < 0) { /* key cells come from the table */
          rc = OOM();
          goto out;
        }
      }
    }
  }
  /* the deals, once the groups of the quotas exist (they keep their
   * order: the dense path of revl_mgrp_of is only for windows without
   * periods, which quotas refuse) */
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int32_t day;
    if (!revl_mcell_day(d.close, row, &day) || !revl_mwin_has(&w, day)) continue;
    int won = revl_mcell_true(d.won, row), closed = revl_mcell_true(d.closed, row);
    if (closed && !won) continue;
    if (!coverage && !won) continue;
    int64_t g = revl_mgrp_of(&G, row, revl_mwin_ord(&w, day));
    qa_acc *a = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
    if (!a) {
      rc = OOM();
      goto out;
    }
    if (won) a->won_n++;
    else a->open_n++;
    if (!revl_col_valid(d.amount, row)) continue;
    if ((rc = revl_macc_add(fn, "'amount'", won ? &a->won : &a->pipe, d.amount->v.i64[row],
                            revl_cur_code(&cc, d.amount, row), err)))
      goto out;
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
  uint32_t defc = revl_store_currency(t);
  int c_q, c_qr = -1, c_won, c_wn, c_rem = -1, c_pipe = -1, c_on = -1, c_cov = -1, c_att = -1;
  int e = revl_mf_init(&mf, t->store, fn, &by, &w) ||
          (c_q = revl_mf_col(&mf, "quota", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
          (o->mode == 0 &&
           (c_qr = revl_mf_col(&mf, "quota_reps", REVL_T_INT, REVL_DK_COUNT)) < 0) ||
          (c_won = revl_mf_col(&mf, "won", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
          (c_wn = revl_mf_col(&mf, "won_deals", REVL_T_INT, REVL_DK_COUNT)) < 0;
  if (!e && coverage)
    e = (c_rem = revl_mf_col(&mf, "remaining", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
        (c_pipe = revl_mf_col(&mf, "pipeline", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
        (c_on = revl_mf_col(&mf, "open_deals", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
        (c_cov = revl_mf_col(&mf, "coverage", REVL_T_NUMBER, REVL_DK_MULTIPLE)) < 0;
  else if (!e)
    e = (c_att = revl_mf_col(&mf, "attainment", REVL_T_NUMBER, REVL_DK_RATIO)) < 0;
  if (e) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    qa_acc *a = &acc[g];
    uint32_t tag = revl_mgrp_first(&G, g);
    const char *tkey = NULL;
    if (tag == TABLE_TAG) { /* from the quota table: the one key is a string id */
      tkey = revl_intern_str(strs, (uint32_t)G.g.keys[g * (size_t)G.g.nk]);
      e = revl_mf_row_plain(&mf) ||
          revl_mf_str(&mf, revl_frame_col_index(mf.f, by.k[0].label), tkey);
    } else if (tag & REP_TAG) {
      size_t row = tag & ~REP_TAG;
      e = revl_mf_row_plain(&mf);
      for (int k = 0; !e && k < nk; k++)
        e = revl_mf_cell(&mf, revl_frame_col_index(mf.f, by.k[k].label), reps->cols[rcol[k]],
                         (int64_t)row);
    } else {
      e = revl_mf_row(&mf, &G, g);
    }
    if (!e && tag >= REP_TAG && mf.period >= 0) {
      char lab[64];
      revl_mwin_label(&w, revl_mgrp_ord(&G, g), lab, sizeof lab);
      e = revl_mf_str(&mf, mf.period, lab);
    }
    if (e) {
      rc = OOM();
      goto out;
    }
    /* the group's quota */
    revl_macc qv = {0, 0};
    uint32_t gcode = a->won.cur ? a->won.cur : a->pipe.cur ? a->pipe.cur : defc;
    int has_q = 0;
    if (o->mode == 0) {
      if (g < qcap && quota[g].cur) qv = quota[g], has_q = 1;
      e = revl_mf_int(&mf, c_qr, g < qrcap ? qreps[g] : 0);
    } else if (o->mode == 1) {
      if ((rc = quota_money(fn, "quota", &o->amount, gcode, &qv, &has_q, err))) goto out;
    } else {
      /* the key text of the group (string keys only) */
      const char *ks = tkey;
      if (!ks && by.k[0].c->type == REVL_T_STRING) {
        int64_t id = G.g.keys[g * (size_t)G.g.nk];
        ks = id == INT64_MIN ? NULL : revl_intern_str(strs, (uint32_t)id);
      }
      for (int q = 0; ks && q < o->ntable; q++)
        if (strcmp(o->table[q].key, ks) == 0) {
          if ((rc = quota_money(fn, "a quota", &o->table[q].v, gcode, &qv, &has_q, err)))
            goto out;
          break;
        }
    }
    if (has_q) { /* the quota must be in the deals' currency */
      revl_macc chk = qv;
      if ((a->won.cur &&
           (rc = revl_macc_add(fn, "quota and won amounts", &chk, a->won.v, a->won.cur, err))) ||
          (a->pipe.cur && (rc = revl_macc_add(fn, "quota and pipeline amounts", &chk, a->pipe.v,
                                              a->pipe.cur, err))))
        goto out;
      e = e || revl_mf_macc(&mf, c_q, &qv, defc);
    } else {
      e = e || revl_mf_nil(&mf, c_q, "no quota");
    }
    uint32_t mc = has_q && qv.cur ? qv.cur : defc;
    e = e || revl_mf_macc(&mf, c_won, &a->won, mc) || revl_mf_int(&mf, c_wn, a->won_n);
    if (!e && coverage) {
      e = revl_mf_int(&mf, c_on, a->open_n) || revl_mf_macc(&mf, c_pipe, &a->pipe, mc);
      if (!e && has_q) {
        int64_t rem;
        if (__builtin_sub_overflow(qv.v, a->won.v, &rem)) {
          rc = revl_error_set(err, REVL_EDATA, NULL, 0, 0, "revl.metrics.%s: quota out of range",
                              fn);
          goto out;
        }
        e = revl_mf_money(&mf, c_rem, rem, qv.cur ? qv.cur : defc);
        if (!e && rem > 0)
          e = revl_mf_ratio(&mf, c_cov, (double)a->pipe.v, (double)rem, "");
        else if (!e)
          e = revl_mf_nil(&mf, c_cov, "quota already met (nothing remaining)");
      } else if (!e) {
        e = revl_mf_nil(&mf, c_rem, "no quota") || revl_mf_nil(&mf, c_cov, "no quota");
      }
    } else if (!e) {
      if (has_q && qv.v > 0)
        e = revl_mf_ratio(&mf, c_att, (double)a->won.v, (double)qv.v, "");
      else
        e = revl_mf_nil(&mf, c_att, has_q ? "quota is zero" : "no quota");
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
  revl_marena_free(&A);
  return rc;
}

int revl_metric_coverage(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_quota_opts *o, revl_frame **out, revl_error *err) {
  return quota_metric(cx, v, o, "coverage", 1, out, err);
}

int revl_metric_quota_attainment(const revl_metric_ctx *cx, const revl_view *v,
                                 const revl_quota_opts *o, revl_frame **out,
                                 revl_error *err) {
  return quota_metric(cx, v, o, "quota_attainment", 0, out, err);
}
