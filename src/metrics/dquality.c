/*
 * dquality.c -- the data-quality checks of the core: completeness,
 * duplicates, consistency and timeliness (revl/metric_quality.h).  No
 * Lua here.  Duplicate clustering itself is revl_metrics_dedupe
 * (dedupe.c), country names revl_metrics_country (country.c).
 *
 * Every check counts per group in one pass over the view into a flat
 * array grown by doubling (never an allocation per row), then builds
 * its two frames: the summary with revl_mf (sorted by the keys, nil
 * ratios with their reasons) and the detail rows in the order found.
 */
#include "revl/metric_quality.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"

#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

/* The caller's unreadable option, raised when the metric gets to it. */
static int bad_at(const revl_qbad *b, int at, const char *fn, revl_error *err) {
  if (b->at != at) return 0;
  return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: %s", fn,
                        b->msg ? b->msg : "bad option");
}

/* A field of t ("col" or "fk.col") as a key. */
static int field_key(const revl_table *t, const char *fn, const char *name, revl_mkey *k,
                     revl_error *err) {
  int via;
  k->ci = revl_table_field(t, name, &k->h, &via);
  if (k->ci < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: %s has no column '%s'%s",
                          fn, t->name, name, REVL_HINT(t, name));
  k->c = k->h->cols[k->ci];
  k->via = via >= 0 ? t->cols[via] : NULL;
  k->label = name;
  return 0;
}

/* Does base row `row` have a value in the key's field? */
static inline int key_has(const revl_mkey *k, size_t row) {
  int64_t r = revl_mkey_row(k, row);
  return r >= 0 && revl_col_valid(k->c, (size_t)r);
}

/* Group of base row `row` (one bucket): its counters, stride int64s. */
static inline int64_t *counters(revl_mgrp *G, revl_marena *A, int64_t **cnt, size_t *cap,
                                size_t stride, size_t row) {
  int64_t g = revl_mgrp_of(G, row, 0);
  if (g < 0) return NULL;
  return revl_ma_at(A, (void **)cnt, cap, (size_t)g, stride * sizeof **cnt);
}

/* ---- completeness ---------------------------------------------------- */

/* The names of q resolved into k[] (arena), or every column of t when
 * q was not given and all is set. */
static int get_fields(const revl_table *t, const char *fn, const revl_qnames *q, int all,
                      revl_marena *A, revl_mkey **out, int *nf, revl_error *err) {
  *out = NULL;
  *nf = 0;
  if (!q->given) {
    if (!all) return 0;
    revl_mkey *f = revl_ma_calloc(A, (size_t)t->ncols, sizeof *f);
    if (!f) return OOM();
    for (int i = 0; i < t->ncols; i++) {
      f[i].h = t;
      f[i].c = t->cols[i];
      f[i].via = NULL;
      f[i].ci = i;
      f[i].label = t->cols[i]->name;
    }
    *out = f;
    *nf = t->ncols;
    return 0;
  }
  revl_mkey *f = revl_ma_calloc(A, (size_t)q->n, sizeof *f);
  if (!f) return OOM();
  *out = f;
  for (int i = 0; i < q->n; i++) {
    int rc = field_key(t, fn, q->names[i], &f[i], err);
    if (rc) return rc;
    *nf = i + 1;
  }
  return 0;
}

int revl_metric_completeness(const revl_metric_ctx *cx, const revl_view *v,
                             const revl_completeness_opts *o, revl_frame *out[2],
                             revl_error *err) {
  static const char fn[] = "completeness";
  const revl_table *t = v->t;
  revl_marena A = {0};
  revl_mgrp G;
  revl_mby by;
  revl_mwin w;
  revl_mf mf = {0}, mf2 = {0};
  int64_t *cnt = NULL;
  size_t cap = 0;
  int rc, have_grp = 0;
  out[0] = out[1] = NULL;
  (void)cx;
  int nf = 0, nr = 0;
  revl_mkey *rq, *f;
  if ((rc = get_fields(t, fn, &o->required, 0, &A, &rq, &nr, err)) ||
      (rc = bad_at(&o->bad, REVL_QC_REQUIRED, fn, err)))
    goto out;
  /* fields: as given, else the required ones, else every column */
  if (o->fields.given || !o->required.given) {
    if ((rc = get_fields(t, fn, &o->fields, 1, &A, &f, &nf, err))) goto out;
  } else {
    f = rq;
    nf = nr;
  }
  if ((rc = bad_at(&o->bad, REVL_QC_FIELDS, fn, err))) goto out;
  if (!o->required.given) {
    rq = f;
    nr = nf;
  }
  revl_mwin_none(&w, 1);
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err)) ||
      (rc = bad_at(&o->bad, REVL_QC_BY, fn, err)))
    goto out;
  if (revl_mgrp_init(&G, &by, &w)) {
    rc = OOM();
    goto out;
  }
  have_grp = 1;
  size_t stride = (size_t)nf + 2; /* rows, complete, filled per field */
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t *c = counters(&G, &A, &cnt, &cap, stride, row);
    if (!c) {
      rc = OOM();
      goto out;
    }
    c[0]++;
    int ok = 1;
    for (int k = 0; k < nr && ok; k++) ok = key_has(&rq[k], row);
    c[1] += ok;
    for (int k = 0; k < nf; k++) c[2 + k] += key_has(&f[k], row);
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (ng && !revl_ma_at(&A, (void **)&cnt, &cap, ng - 1, stride * sizeof *cnt)) {
    rc = OOM();
    goto out;
  }
  /* per field and group */
  int cpos, cfield, crows, cfill, cmiss, cratio;
  if (revl_mf_init(&mf, t->store, fn, &by, &w) ||
      (cpos = revl_mf_key(&mf, "position", REVL_T_INT, NULL)) < 0 ||
      (cfield = revl_mf_key(&mf, "field", REVL_T_STRING, NULL)) < 0 ||
      (crows = revl_mf_col(&mf, "rows", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cfill = revl_mf_col(&mf, "filled", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cmiss = revl_mf_col(&mf, "missing", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cratio = revl_mf_col(&mf, "completeness", REVL_T_NUMBER, REVL_DK_RATIO)) < 0 ||
      revl_frame_reserve(mf.f, ng * (size_t)nf)) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++)
    for (int k = 0; k < nf; k++) {
      const int64_t *c = cnt + g * stride;
      if (revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, cpos, k + 1) ||
          revl_mf_str(&mf, cfield, f[k].label) || revl_mf_int(&mf, crows, c[0]) ||
          revl_mf_int(&mf, cfill, c[2 + k]) || revl_mf_int(&mf, cmiss, c[0] - c[2 + k]) ||
          revl_mf_ratio(&mf, cratio, (double)c[2 + k], (double)c[0], "no rows")) {
        rc = OOM();
        goto out;
      }
    }
  if ((rc = revl_mf_finish(&mf, 1, &out[0], err))) goto out;
  /* per group: rows with every required field */
  int crows2, ccomp, cratio2;
  if (revl_mf_init(&mf2, t->store, fn, &by, &w) ||
      (crows2 = revl_mf_col(&mf2, "rows", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (ccomp = revl_mf_col(&mf2, "complete", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cratio2 = revl_mf_col(&mf2, "completeness", REVL_T_NUMBER, REVL_DK_RATIO)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    const int64_t *c = cnt + g * stride;
    if (revl_mf_row(&mf2, &G, g) || revl_mf_int(&mf2, crows2, c[0]) ||
        revl_mf_int(&mf2, ccomp, c[1]) ||
        revl_mf_ratio(&mf2, cratio2, (double)c[1], (double)c[0], "no rows")) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&mf2, 1, &out[1], err);
out:
  if (rc) {
    revl_frame_free(out[0]);
    out[0] = NULL;
  }
  revl_mf_free(&mf);
  revl_mf_free(&mf2);
  if (have_grp) revl_mgrp_free(&G);
  revl_marena_free(&A);
  return rc;
}

/* ---- duplicates ------------------------------------------------------ */

int revl_metric_duplicates(const revl_metric_ctx *cx, const revl_view *v,
                           const revl_duplicates_opts *o, revl_frame *out[2],
                           revl_error *err) {
  static const char fn[] = "duplicates";
  const revl_table *t = v->t;
  revl_marena A = {0};
  revl_mf mf = {0}, ms = {0};
  revl_dedupe_out dr = {0};
  int rc;
  out[0] = out[1] = NULL;
  (void)cx;
  if ((rc = bad_at(&o->bad, REVL_QD_ON, fn, err))) return rc;
  const char *on = o->on ? o->on : "both";
  revl_dedupe_opts d;
  d.use_domain = strcmp(on, "both") == 0 || strcmp(on, "domain") == 0;
  d.use_name = strcmp(on, "both") == 0 || strcmp(on, "name") == 0;
  if (!d.use_domain && !d.use_name)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: 'on' is \"both\", \"name\" or \"domain\"", fn);
  if ((rc = bad_at(&o->bad, REVL_QD_THRESHOLD, fn, err))) return rc;
  d.threshold = o->has_threshold ? o->threshold : 0.8;
  if (!(d.threshold > 0 && d.threshold <= 1))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: threshold must be in (0, 1]", fn);
  if ((rc = bad_at(&o->bad, REVL_QD_WINDOW, fn, err))) return rc;
  double win = o->has_window ? o->window : 8;
  if (win < 1 || win > 1000 || win != floor(win))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: window must be a whole number 1-1000", fn);
  d.window = (int)win;
  if ((rc = bad_at(&o->bad, REVL_QD_NAME, fn, err)) ||
      (rc = bad_at(&o->bad, REVL_QD_DOMAIN, fn, err)))
    return rc;
  const revl_column *nc = NULL, *dc = NULL;
  if ((d.use_name &&
       (rc = revl_mcol(t, fn, o->name ? o->name : "name", 1, REVL_MT_STR, &nc, err))) ||
      (d.use_domain &&
       (rc = revl_mcol(t, fn, o->domain ? o->domain : "domain", 1, REVL_MT_STR, &dc, err))))
    return rc;
  const revl_intern *in = &t->store->strings;
  size_t n = v->n;
  const char **names = revl_ma_calloc(&A, n, sizeof *names);
  const char **doms = revl_ma_calloc(&A, n, sizeof *doms);
  size_t *nl = revl_ma_calloc(&A, n, sizeof *nl), *dl = revl_ma_calloc(&A, n, sizeof *dl);
  uint32_t *cl = revl_ma_calloc(&A, n, sizeof *cl);
  uint8_t *why = revl_ma_calloc(&A, n, 1);
  float *best = revl_ma_calloc(&A, n, sizeof *best);
  uint32_t *mate = revl_ma_calloc(&A, n, sizeof *mate);
  uint32_t *reason = revl_ma_calloc(&A, n, sizeof *reason);
  dr = (revl_dedupe_out){cl, why, best, mate, reason, NULL};
  if (!names || !doms || !nl || !dl || !cl || !why || !best || !mate || !reason) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    size_t row = revl_view_row(v, i);
    if (nc && revl_col_valid(nc, row)) {
      names[i] = revl_intern_str(in, nc->v.str[row]);
      nl[i] = revl_intern_len(in, nc->v.str[row]);
    }
    if (dc && revl_col_valid(dc, row)) {
      doms[i] = revl_intern_str(in, dc->v.str[row]);
      dl[i] = revl_intern_len(in, dc->v.str[row]);
    }
  }
  long nclus = revl_metrics_dedupe(n, names, nl, doms, dl, &d, &dr);
  if (nclus < 0) {
    rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "revl.metrics.%s: not enough memory", fn);
    goto out;
  }
  /* members, by cluster then view order: counting sort */
  uint32_t *off = revl_ma_calloc(&A, (size_t)nclus + 2, sizeof *off);
  if (!off) {
    rc = OOM();
    goto out;
  }
  size_t members = 0;
  for (size_t i = 0; i < n; i++)
    if (cl[i]) off[cl[i] + 1]++, members++;
  for (long c = 1; c <= nclus + 1; c++) off[c] += off[c - 1];
  uint32_t *ord = revl_ma_calloc(&A, members, sizeof *ord);
  if (!ord) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < n; i++)
    if (cl[i]) ord[off[cl[i]]++] = (uint32_t)i;
  const revl_column *idc = t->pk >= 0 ? t->cols[t->pk] : NULL;
  int ccl, cid, cname, cdom, cmatch, csim, cwith, creason;
  if (revl_mf_init(&mf, t->store, fn, NULL, NULL) ||
      (ccl = revl_mf_col(&mf, "cluster", REVL_T_INT, REVL_DK_PLAIN)) < 0 ||
      (cid = revl_frame_add_col(mf.f, "id", idc ? idc->type : REVL_T_STRING, in)) < 0 ||
      (cname = revl_frame_add_col(mf.f, "name", REVL_T_STRING, in)) < 0 ||
      (cdom = revl_frame_add_col(mf.f, "domain", REVL_T_STRING, in)) < 0 ||
      (cmatch = revl_mf_col(&mf, "match", REVL_T_STRING, REVL_DK_PLAIN)) < 0 ||
      (csim = revl_mf_col(&mf, "similarity", REVL_T_NUMBER, REVL_DK_RATIO)) < 0 ||
      (cwith = revl_frame_add_col(mf.f, "matched", idc ? idc->type : REVL_T_STRING, in)) < 0 ||
      (creason = revl_mf_col(&mf, "reason", REVL_T_STRING, REVL_DK_PLAIN)) < 0 ||
      revl_frame_reserve(mf.f, members)) {
    rc = OOM();
    goto out;
  }
  static const char *const whys[] = {"name", "domain", "name", "domain+name"};
  for (size_t j = 0; j < members; j++) {
    size_t i = ord[j], row = revl_view_row(v, i);
    if (revl_mf_row_plain(&mf) || revl_mf_int(&mf, ccl, cl[i]) ||
        (idc && revl_mf_cell(&mf, cid, idc, (int64_t)row)) ||
        (names[i] && revl_mf_cell(&mf, cname, nc, (int64_t)row)) ||
        (doms[i] && revl_mf_cell(&mf, cdom, dc, (int64_t)row)) ||
        revl_mf_str(&mf, cmatch, whys[why[i] & 3]) ||
        ((why[i] & 2) && revl_mf_num(&mf, csim, round((double)best[i] * 1e4) / 1e4)) ||
        (idc && mate[i] != UINT32_MAX &&
         revl_mf_cell(&mf, cwith, idc, (int64_t)revl_view_row(v, mate[i]))) ||
        (reason[i] != UINT32_MAX && revl_mf_str(&mf, creason, dr.text + reason[i]))) {
      rc = OOM();
      goto out;
    }
  }
  if ((rc = revl_mf_finish(&mf, 0, &out[0], err))) goto out;
  int64_t dups = (int64_t)members - nclus;
  int srec, sclu, scl, sdup, srate, suniq;
  if (revl_mf_init(&ms, t->store, fn, NULL, NULL) ||
      (srec = revl_mf_col(&ms, "records", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (sclu = revl_mf_col(&ms, "clusters", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (scl = revl_mf_col(&ms, "clustered", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (sdup = revl_mf_col(&ms, "duplicates", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (srate = revl_mf_col(&ms, "duplicate_rate", REVL_T_NUMBER, REVL_DK_RATIO)) < 0 ||
      (suniq = revl_mf_col(&ms, "uniqueness", REVL_T_NUMBER, REVL_DK_RATIO)) < 0 ||
      revl_mf_row_plain(&ms) || revl_mf_int(&ms, srec, (int64_t)n) ||
      revl_mf_int(&ms, sclu, nclus) || revl_mf_int(&ms, scl, (int64_t)members) ||
      revl_mf_int(&ms, sdup, dups) ||
      (n ? revl_mf_num(&ms, srate, (double)dups / (double)n) ||
               revl_mf_num(&ms, suniq, 1.0 - (double)dups / (double)n)
         : revl_mf_nil(&ms, srate, "no records"))) {
    rc = OOM();
    goto out;
  }
  rc = revl_mf_finish(&ms, 0, &out[1], err);
out:
  if (rc) {
    revl_frame_free(out[0]);
    out[0] = NULL;
  }
  revl_mf_free(&mf);
  revl_mf_free(&ms);
  free(dr.text);
  revl_marena_free(&A);
  return rc;
}

/* ---- consistency ----------------------------------------------------- */

typedef struct cs_val {
  uint32_t id;
  int64_t n;
} cs_val;

/* Most rows first, then by intern id (first seen in the store). */
static int cs_val_cmp(const void *pa, const void *pb) {
  const cs_val *a = pa, *b = pb;
  if (a->n != b->n) return a->n > b->n ? -1 : 1;
  return (a->id > b->id) - (a->id < b->id);
}

typedef struct qstr {
  const char *s;
  size_t n;
} qstr;

static int qstr_cmp(const void *pa, const void *pb) {
  const qstr *a = pa, *b = pb;
  int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
  if (c) return c;
  return (a->n > b->n) - (a->n < b->n);
}

/* Is s[0..n) one of set[0..ns) (sorted by qstr_cmp)? */
static int in_set(const qstr *set, size_t ns, const char *s, size_t n) {
  qstr k = {s, n};
  return ns && bsearch(&k, set, ns, sizeof *set, qstr_cmp) != NULL;
}

int revl_metric_consistency(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_consistency_opts *o, revl_frame *out[2],
                            revl_error *err) {
  static const char fn[] = "consistency";
  const revl_table *t = v->t;
  revl_marena A = {0};
  revl_mgrp G;
  revl_mby by;
  revl_mwin w;
  revl_mf mf = {0}, md = {0};
  revl_idmap memo = {0}, bad = {0};
  int64_t *cnt = NULL; /* rows, missing, consistent */
  cs_val *vals = NULL;
  size_t cap = 0, vcap = 0, nv = 0;
  int rc, have_grp = 0;
  out[0] = out[1] = NULL;
  (void)cx;
  revl_mkey fk;
  if ((rc = field_key(t, fn, o->field, &fk, err))) return rc;
  if (fk.c->type != REVL_T_STRING)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: %s is %s; consistency checks text fields", fn,
                          o->field, revl_type_name(fk.c->type));
  if ((rc = bad_at(&o->bad, REVL_QS_NORMALIZE, fn, err))) return rc;
  if (o->normalize && strcmp(o->normalize, "country") != 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: normalize knows \"country\"", fn);
  int country = o->normalize != NULL;
  if ((rc = bad_at(&o->bad, REVL_QS_ALLOWED, fn, err))) return rc;
  if (!o->has_allowed && !country)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: give allowed = {...} or normalize = \"country\"", fn);
  revl_mwin_none(&w, 1);
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err)) ||
      (rc = bad_at(&o->bad, REVL_QS_BY, fn, err)))
    return rc;
  /* the allowed set, sorted for bsearch */
  size_t ns = o->has_allowed ? (size_t)o->nallowed : 0;
  qstr *set = revl_ma_calloc(&A, ns, sizeof *set);
  if (!set || revl_idmap_init(&memo, 64) || revl_idmap_init(&bad, 64) ||
      revl_mgrp_init(&G, &by, &w)) {
    rc = OOM();
    goto out;
  }
  have_grp = 1;
  for (size_t i = 0; i < ns; i++) {
    set[i].s = o->allowed[i];
    set[i].n = o->allowed_len ? o->allowed_len[i] : strlen(o->allowed[i]);
  }
  if (ns > 1) qsort(set, ns, sizeof *set, qstr_cmp);
  const revl_intern *in = &fk.h->store->strings;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t *c = counters(&G, &A, &cnt, &cap, 3, row);
    if (!c) {
      rc = OOM();
      goto out;
    }
    c[0]++;
    int64_t r = revl_mkey_row(&fk, row);
    if (r < 0 || !revl_col_valid(fk.c, (size_t)r)) {
      c[1]++;
      continue;
    }
    uint32_t id = fk.c->v.str[r];
    int32_t verdict; /* per distinct value: 1 consistent, 2 not */
    if (!revl_idmap_get(&memo, id, &verdict)) {
      const char *txt = revl_intern_str(in, id);
      size_t tl = revl_intern_len(in, id);
      int ok;
      if (country) {
        const char *code = revl_metrics_country(txt, tl);
        ok = code && tl == 2 && memcmp(code, txt, 2) == 0;
        if (ok && o->has_allowed) ok = in_set(set, ns, code, strlen(code));
      } else {
        ok = in_set(set, ns, txt, tl);
      }
      verdict = ok ? 1 : 2;
      if (revl_idmap_put(&memo, id, verdict)) {
        rc = OOM();
        goto out;
      }
    }
    if (verdict == 1) {
      c[2]++;
      continue;
    }
    int32_t vi;
    if (!revl_idmap_get(&bad, id, &vi)) {
      vi = (int32_t)nv++;
      cs_val *e = REVL_MA_AT(&A, vals, vcap, vi);
      if (!e || revl_idmap_put(&bad, id, vi)) {
        rc = OOM();
        goto out;
      }
      e->id = id;
    }
    vals[vi].n++;
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (ng && !revl_ma_at(&A, (void **)&cnt, &cap, ng - 1, 3 * sizeof *cnt)) {
    rc = OOM();
    goto out;
  }
  int crows, cchk, ccons, cinc, cmiss, cratio;
  if (revl_mf_init(&mf, t->store, fn, &by, &w) ||
      (crows = revl_mf_col(&mf, "rows", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cchk = revl_mf_col(&mf, "checked", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (ccons = revl_mf_col(&mf, "consistent", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cinc = revl_mf_col(&mf, "inconsistent", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cmiss = revl_mf_col(&mf, "missing", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cratio = revl_mf_col(&mf, "consistency", REVL_T_NUMBER, REVL_DK_RATIO)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    const int64_t *c = cnt + g * 3;
    int64_t checked = c[0] - c[1];
    if (revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, crows, c[0]) ||
        revl_mf_int(&mf, cchk, checked) || revl_mf_int(&mf, ccons, c[2]) ||
        revl_mf_int(&mf, cinc, checked - c[2]) || revl_mf_int(&mf, cmiss, c[1]) ||
        revl_mf_ratio(&mf, cratio, (double)c[2], (double)checked, "no values")) {
      rc = OOM();
      goto out;
    }
  }
  if ((rc = revl_mf_finish(&mf, 1, &out[0], err))) goto out;
  if (nv) qsort(vals, nv, sizeof *vals, cs_val_cmp);
  int dval, drows, dsug;
  if (revl_mf_init(&md, t->store, fn, NULL, NULL) ||
      (dval = revl_frame_add_col(md.f, "value", REVL_T_STRING, in)) < 0 ||
      (drows = revl_mf_col(&md, "rows", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (dsug = revl_mf_col(&md, "suggestion", REVL_T_STRING, REVL_DK_PLAIN)) < 0 ||
      revl_frame_reserve(md.f, nv)) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < nv; i++) {
    const char *code = NULL;
    if (country)
      code = revl_metrics_country(revl_intern_str(in, vals[i].id), revl_intern_len(in, vals[i].id));
    if (revl_mf_row_plain(&md) || revl_col_push_str(revl_frame_col(md.f, dval), vals[i].id) ||
        revl_mf_int(&md, drows, vals[i].n) || (code && revl_mf_str(&md, dsug, code))) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&md, 0, &out[1], err);
out:
  if (rc) {
    revl_frame_free(out[0]);
    out[0] = NULL;
  }
  revl_mf_free(&mf);
  revl_mf_free(&md);
  revl_idmap_free(&memo);
  revl_idmap_free(&bad);
  if (have_grp) revl_mgrp_free(&G);
  revl_marena_free(&A);
  return rc;
}

/* ---- timeliness ------------------------------------------------------ */

typedef struct tl_rec {
  uint32_t row;
  int64_t last; /* INT64_MIN: never */
} tl_rec;

/* a / 86400 rounded down (inlined: once per record) */
static inline int64_t day_of(int64_t secs) {
  int64_t q = secs / 86400;
  return (secs % 86400 != 0 && secs < 0) ? q - 1 : q;
}

int revl_metric_timeliness(const revl_metric_ctx *cx, const revl_view *v,
                           const revl_timeliness_opts *o, revl_frame *out[2],
                           revl_error *err) {
  static const char fn[] = "timeliness";
  const revl_table *t = v->t;
  revl_marena A = {0};
  revl_mgrp G;
  revl_mby by;
  revl_mwin w;
  revl_mf mf = {0}, md = {0};
  int64_t *cnt = NULL;
  tl_rec *stale = NULL;
  size_t cap = 0, scap = 0, ns = 0;
  int rc, have_grp = 0;
  out[0] = out[1] = NULL;
  if ((rc = bad_at(&o->bad, REVL_QT_DAYS, fn, err))) return rc;
  double nd = o->has_days ? o->days : -1;
  if (nd < 0 || nd != floor(nd))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs days = N (a whole number of days)", fn);
  revl_table *act;
  if ((rc = revl_store_need(t->store, "activities", &act, err))) return rc;
  if (!act)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs the %s table, which is not loaded", fn,
                          "activities");
  const revl_column *aat, *fkc = NULL;
  if ((rc = revl_mcol(act, fn, "at", 1, REVL_MT_DATES, &aat, err)) ||
      (rc = bad_at(&o->bad, REVL_QT_VIA, fn, err)))
    return rc;
  if (o->via) {
    if ((rc = revl_mcol(act, fn, o->via, 1, REVL_MT_STR, &fkc, err))) return rc;
    if (fkc->ref != t)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: activities.%s does not reference %s", fn, o->via,
                            t->name);
  } else {
    for (int i = 0; i < act->ncols && !fkc; i++)
      if (act->cols[i]->ref == t && act->cols[i]->rev_off) fkc = act->cols[i];
    if (!fkc)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: no activities column references %s", fn, t->name);
  }
  if (!fkc->rev_off)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: activities are not linked", fn);
  revl_mwin_none(&w, 1);
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err)) ||
      (rc = bad_at(&o->bad, REVL_QT_BY, fn, err)))
    return rc;
  if (revl_mgrp_init(&G, &by, &w)) return OOM();
  have_grp = 1;
  int32_t today = cx->as_of;
  int64_t end = ((int64_t)today + 1) * 86400; /* activities up to the end of as_of */
  int32_t cutoff = today - (int32_t)nd;
  const uint32_t *ro = fkc->rev_off, *rr = fkc->rev_rows;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t *c = counters(&G, &A, &cnt, &cap, 2, row);
    if (!c) {
      rc = OOM();
      goto out;
    }
    c[0]++;
    int64_t last = INT64_MIN;
    for (uint32_t q = ro[row]; q < ro[row + 1]; q++) {
      int64_t at;
      if (revl_mcell_secs(aat, rr[q], &at) && at < end && at > last) last = at;
    }
    if (last != INT64_MIN && day_of(last) >= cutoff) {
      c[1]++;
      continue;
    }
    tl_rec *e = REVL_MA_AT(&A, stale, scap, ns);
    if (!e) {
      rc = OOM();
      goto out;
    }
    e->row = (uint32_t)row;
    e->last = last;
    ns++;
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (ng && !revl_ma_at(&A, (void **)&cnt, &cap, ng - 1, 2 * sizeof *cnt)) {
    rc = OOM();
    goto out;
  }
  int crec, cfresh, cstale, cratio;
  if (revl_mf_init(&mf, t->store, fn, &by, &w) ||
      (crec = revl_mf_col(&mf, "records", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cfresh = revl_mf_col(&mf, "fresh", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cstale = revl_mf_col(&mf, "stale", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (cratio = revl_mf_col(&mf, "timeliness", REVL_T_NUMBER, REVL_DK_RATIO)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    const int64_t *c = cnt + g * 2;
    if (revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, crec, c[0]) ||
        revl_mf_int(&mf, cfresh, c[1]) || revl_mf_int(&mf, cstale, c[0] - c[1]) ||
        revl_mf_ratio(&mf, cratio, (double)c[1], (double)c[0], "no records")) {
      rc = OOM();
      goto out;
    }
  }
  if ((rc = revl_mf_finish(&mf, 1, &out[0], err))) goto out;
  /* the stale records: id, the keys (once each; a key named id is the
   * id), last_activity, days_since */
  const revl_column *pkc = t->pk >= 0 ? t->cols[t->pk] : NULL;
  const revl_intern *in = &t->store->strings;
  int idk = -1, kci[REVL_METRIC_MAXBY];
  for (int k = 0; k < by.nk; k++)
    if (strcmp(by.k[k].label, "id") == 0) idk = k;
  revl_type idt = idk >= 0 ? by.k[idk].c->type : pkc ? pkc->type : REVL_T_STRING;
  int did, dlast, ddays;
  if (revl_mf_init(&md, t->store, fn, NULL, NULL) ||
      (did = revl_frame_add_col(md.f, "id", idt, in)) < 0 || revl_frame_reserve(md.f, ns)) {
    rc = OOM();
    goto out;
  }
  for (int k = 0; k < by.nk; k++) {
    kci[k] = revl_frame_col_index(md.f, by.k[k].label);
    if (kci[k] < 0 &&
        (kci[k] = revl_frame_add_col(md.f, by.k[k].label, by.k[k].c->type, in)) < 0) {
      rc = OOM();
      goto out;
    }
  }
  if ((dlast = revl_mf_col(&md, "last_activity", REVL_T_DATETIME, REVL_DK_PLAIN)) < 0 ||
      (ddays = revl_mf_col(&md, "days_since", REVL_T_INT, REVL_DK_DAYS)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < ns; i++) {
    size_t row = stale[i].row;
    int e = revl_mf_row_plain(&md);
    if (!e && idk >= 0)
      e = revl_mf_cell(&md, did, by.k[idk].c, revl_mkey_row(&by.k[idk], row));
    else if (!e && pkc)
      e = revl_mf_cell(&md, did, pkc, (int64_t)row);
    for (int k = 0; !e && k < by.nk; k++)
      if (kci[k] != did) e = revl_mf_cell(&md, kci[k], by.k[k].c, revl_mkey_row(&by.k[k], row));
    if (!e && stale[i].last != INT64_MIN)
      e = revl_mf_int(&md, dlast, stale[i].last) ||
          revl_mf_int(&md, ddays, today - day_of(stale[i].last));
    if (e) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&md, 0, &out[1], err);
out:
  if (rc) {
    revl_frame_free(out[0]);
    out[0] = NULL;
  }
  revl_mf_free(&mf);
  revl_mf_free(&md);
  if (have_grp) revl_mgrp_free(&G);
  revl_marena_free(&A);
  return rc;
}
