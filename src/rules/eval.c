/*
 * eval.c -- ICP models evaluated in the core: for each record of a view,
 * which criteria rules fired, the points of the function rules (through
 * the caller's callback, which returns an error code instead of
 * unwinding), the fit, engagement, tier and band; the decisions as C
 * data (revl_decisions) and as a revl_frame.  No Lua here.
 */
#include "revl/frame.h"
#include "revl/rules.h"
#include "revl/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int revl_icp_eval_into(const revl_icp *m, const revl_table *t,
                       const uint32_t *rows, size_t n, const revl_eval_opts *o, uint64_t *mask,
                       double *fnpts, size_t fnstride, uint32_t *scratch,
                       double *fit, double *eng, int16_t *tier,
                       int16_t *band, revl_error *err) {
  if (!m || !t || !o || t != m->t)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "this model scores %s, not %s",
                          m && m->t ? m->t->name : "?", t ? t->name : "?");
  if (m->eng && !eng)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "engagement scoring needs an output column");
  revl_crit_ctx ctx = {o->as_of, o->crit_call, o->crit_match, o->ctx, 0};
  for (int r = 0; r < m->nrules; r++)
    if (m->rules[r].crit &&
        revl_crit_mark(m->rules[r].crit, r, rows, n, scratch, mask,
                       m->nwords, &ctx))
      return revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0,
                            "a criterion of rule %d failed", r + 1);
  for (int r = 0; r < m->nrules; r++) {
    int s = m->rules[r].fn;
    if (s < 0) continue;
    if (!o->fn)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "rule %d is a function and no callback was given",
                            r + 1);
    for (size_t i = 0; i < n; i++) {
      double p = 0;
      int rc = o->fn(o->ctx, r, i, rows ? rows[i] : i, &p, err);
      if (rc < 0) return rc;
      if (!isfinite(p)) p = 0;
      fnpts[i * fnstride + (size_t)s] = p;
    }
  }
  if (revl_icp_fit_all(m, mask, fnpts, n, fit))
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  if (m->eng && revl_icp_engagement_all(m, rows, n, o->as_of, eng))
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  for (size_t i = 0; i < n; i++) {
    tier[i] = (int16_t)revl_band_pick(m->tiers, m->ntiers, fit[i]);
    band[i] = (int16_t)(m->eng ? revl_band_pick(m->bands, m->nbands, eng[i]) : -1);
  }
  return 0;
}

void revl_decisions_free(revl_decisions *d) {
  if (!d) return;
  free(d->mask);
  free(d->fnpts);
  free(d->fit);
  free(d->eng);
  free(d->tier);
  free(d->band);
  free(d);
}

int revl_icp_eval(const revl_icp *m, const revl_view *v,
                  const revl_eval_opts *o, revl_decisions **out,
                  revl_error *err) {
  *out = NULL;
  if (!m || !v || v->t != m->t)
    return revl_icp_eval_into(m, v ? v->t : NULL, NULL, 0, o, NULL, NULL, 0, NULL, NULL, NULL,
                              NULL, NULL, err);
  size_t n = v->n, nn = n ? n : 1;
  size_t nw = (size_t)(m->nwords > 0 ? m->nwords : 1);
  size_t nf = (size_t)(m->nfn > 0 ? m->nfn : 1);
  uint32_t *scratch = malloc(nn * sizeof *scratch);
  revl_decisions *d = calloc(1, sizeof *d);
  int rc = REVL_ENOMEM;
  if (!d || !scratch) goto nomem;
  d->m = m;
  d->t = v->t;
  d->rows = v->rows;
  d->n = n;
  d->nwords = m->nwords;
  d->nfn = m->nfn;
  d->mask = calloc(nn * nw, sizeof *d->mask);
  d->fnpts = calloc(nn * nf, sizeof *d->fnpts);
  d->fit = malloc(nn * sizeof *d->fit);
  d->eng = m->eng ? malloc(nn * sizeof *d->eng) : NULL;
  d->tier = malloc(nn * sizeof *d->tier);
  d->band = malloc(nn * sizeof *d->band);
  if (!d->mask || !d->fnpts || !d->fit || (m->eng && !d->eng) || !d->tier ||
      !d->band)
    goto nomem;
  rc = revl_icp_eval_into(m, v->t, v->rows, n, o, d->mask, d->fnpts, (size_t)m->nfn, scratch,
                          d->fit, d->eng, d->tier, d->band, err);
  if (rc) goto out;
  *out = d;
  d = NULL;
  goto out;
nomem:
  rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
out:
  free(scratch);
  revl_decisions_free(d);
  return rc;
}

int revl_decisions_fired(const revl_decisions *d, size_t i, int r) {
  const revl_icp_rule *ru = &d->m->rules[r];
  if (ru->fn >= 0) return d->fnpts[i * (size_t)d->nfn + (size_t)ru->fn] != 0;
  return (d->mask[i * (size_t)d->nwords + (size_t)(r >> 6)] >> (r & 63)) & 1;
}

int revl_decisions_to_frame(const revl_decisions *d, revl_frame **out,
                            revl_error *err) {
  *out = NULL;
  const revl_table *t = d->t;
  revl_frame *f = revl_frame_new(t->store);
  char *buf = NULL;
  size_t cap = 0;
  int rc = REVL_ENOMEM;
  if (!f) goto out;
  const revl_column *pk = t->pk >= 0 ? t->cols[t->pk] : NULL;
  int cid = -1, ctier, cfit, ceng = -1, cband = -1, creas;
  if (pk && pk->type == REVL_T_STRING &&
      (cid = revl_frame_add_col(f, "id", REVL_T_STRING, &t->store->strings)) < 0)
    goto fail;
  if ((cfit = revl_frame_add_col(f, "fit", REVL_T_NUMBER, NULL)) < 0) goto fail;
  if ((ctier = revl_frame_add_col(f, "tier", REVL_T_STRING, NULL)) < 0) goto fail;
  if (d->eng) {
    if ((ceng = revl_frame_add_col(f, "engagement", REVL_T_NUMBER, NULL)) < 0) goto fail;
    if ((cband = revl_frame_add_col(f, "band", REVL_T_STRING, NULL)) < 0) goto fail;
  }
  if ((creas = revl_frame_add_col(f, "reasons", REVL_T_STRING, NULL)) < 0) goto fail;
  if ((rc = revl_frame_reserve(f, d->n))) goto fail;
  const revl_icp *m = d->m;
  for (size_t i = 0; i < d->n; i++) {
    size_t row = d->rows ? d->rows[i] : i;
    rc = 0;
    if (cid >= 0)
      rc = revl_col_valid(pk, row)
               ? revl_col_push_str(revl_frame_col(f, cid), pk->v.str[row])
               : revl_frame_push_cstr(f, cid, NULL);
    if (!rc) rc = revl_col_push_f64(revl_frame_col(f, cfit), d->fit[i]);
    if (!rc) rc = revl_frame_push_cstr(f, ctier, d->tier[i] >= 0 ? m->tiers[d->tier[i]].label : NULL);
    if (!rc && ceng >= 0) rc = revl_col_push_f64(revl_frame_col(f, ceng), d->eng[i]);
    if (!rc && cband >= 0)
      rc = revl_frame_push_cstr(f, cband, d->band[i] >= 0 ? m->bands[d->band[i]].label : NULL);
    if (rc) goto fail;
    size_t len = 0;
    for (int r = 0; r < m->nrules; r++) {
      if (!revl_decisions_fired(d, i, r)) continue;
      const char *name = m->rules[r].name ? m->rules[r].name : "";
      size_t k = strlen(name), need = len + k + 3;
      if (need > cap) {
        size_t nc = cap ? cap : 64;
        while (nc < need) nc *= 2;
        char *nb = realloc(buf, nc);
        if (!nb) { rc = REVL_ENOMEM; goto fail; }
        buf = nb;
        cap = nc;
      }
      if (len) { memcpy(buf + len, "; ", 2); len += 2; }
      memcpy(buf + len, name, k);
      len += k;
    }
    if ((rc = revl_frame_push_text(f, creas, len ? buf : "", len))) goto fail;
  }
  if ((rc = revl_frame_seal(f))) goto fail;
  *out = f;
  f = NULL;
  goto out;
fail:
  if (rc >= 0) rc = REVL_ENOMEM;
  revl_error_set(err, rc, NULL, 0, 0, "cannot build the decisions frame");
out:
  if (rc == REVL_ENOMEM && f) revl_error_set(err, rc, NULL, 0, 0, "not enough memory");
  free(buf);
  revl_frame_free(f);
  return rc;
}

int revl_criteria_eval(revl_crit *c, const revl_table *t, const uint32_t *rows,
                       size_t n, const revl_eval_opts *o, uint32_t *out,
                       size_t *k, revl_error *err) {
  *k = 0;
  if (!c || !o || !t || c->base != t)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "this criterion is about %s, not %s",
                          c && c->base ? c->base->name : "?", t ? t->name : "?");
  revl_crit_ctx ctx = {o->as_of, o->crit_call, o->crit_match, o->ctx, 0};
  size_t got = revl_crit_filter(c, rows, n, out, &ctx);
  if (ctx.failed)
    return revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0, "%s: a rule function failed",
                          c->name ? c->name : "criterion");
  *k = got;
  return 0;
}
