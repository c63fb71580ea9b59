/*
 * mframe.c -- grouping and result frames of the core metrics: scratch
 * arenas, `by` keys, rows to groups, the frame builder with reason
 * columns, an id map and per-group samples (see mframe.h).  No Lua.
 */
#include "metrics/mframe.h"

#include "revl/stage_order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- scratch memory ---------------------------------------------------- */

static int ma_track(revl_marena *a, void *p) {
  if (a->n == a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 16;
    void **np = realloc(a->p, nc * sizeof *np);
    if (!np) return REVL_ENOMEM;
    a->p = np;
    a->cap = nc;
  }
  a->p[a->n++] = p;
  return 0;
}

void *revl_ma_calloc(revl_marena *a, size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) return NULL;
  if (ma_track(a, p)) {
    free(p);
    return NULL;
  }
  return p;
}

void *revl_ma_grow(revl_marena *a, void *old, size_t oldn, size_t n,
                   size_t size) {
  size_t slot = a->n;
  if (old) {
    for (slot = a->n; slot-- > 0;)
      if (a->p[slot] == old) break;
    if (slot == (size_t)-1) return NULL; /* not ours */
  }
  char *p = revl_realloc_array(old, n ? n : 1, size);
  if (!p) return NULL;
  if (n > oldn) memset(p + oldn * size, 0, (n - oldn) * size);
  if (old) {
    a->p[slot] = p;
  } else if (ma_track(a, p)) {
    free(p);
    return NULL;
  }
  return p;
}

void revl_marena_free(revl_marena *a) {
  for (size_t i = 0; i < a->n; i++) free(a->p[i]);
  free(a->p);
  memset(a, 0, sizeof *a);
}

int revl_ma_at_(revl_marena *a, void **arr, size_t *cap, size_t g,
                size_t size) {
  size_t nc = *cap ? *cap * 2 : 64;
  while (nc <= g) nc *= 2;
  void *p = revl_ma_grow(a, *arr, *cap, nc, size);
  if (!p) return 0;
  *arr = p;
  *cap = nc;
  return 1;
}

/* ---- by keys ----------------------------------------------------------- */

int64_t revl_mcell_key(const revl_column *c, size_t r) {
  if (!revl_col_valid(c, r)) return INT64_MIN;
  switch (c->type) {
  case REVL_T_STRING: return c->v.str[r];
  case REVL_T_BOOL: return c->v.b[r];
  case REVL_T_DATE: return c->v.date[r];
  case REVL_T_NUMBER: {
    int64_t bits;
    double d = c->v.f64[r] == 0 ? 0.0 : c->v.f64[r]; /* -0 == 0 */
    memcpy(&bits, &d, sizeof bits);
    return bits;
  }
  default: return c->v.i64[r];
  }
}

int revl_mby_resolve(const revl_table *t, const char *fn,
                     const revl_by_opts *o, revl_mby *by, revl_error *err) {
  memset(by, 0, sizeof *by);
  by->t = t;
  for (int i = 0; o && i < o->nby && i < REVL_METRIC_MAXBY; i++) {
    revl_mkey *k = &by->k[by->nk++];
    int via;
    k->ci = revl_table_field(t, o->by[i], &k->h, &via);
    if (k->ci < 0)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: %s has no column '%s'%s", fn,
                            t->name, o->by[i], REVL_HINT(t, o->by[i]));
    k->c = k->h->cols[k->ci];
    k->via = via >= 0 ? t->cols[via] : NULL;
    k->label = o->by[i];
  }
  return 0;
}

/* ---- groups ------------------------------------------------------------ */

int revl_mgrp_init(revl_mgrp *G, const revl_mby *by, const revl_mwin *w) {
  memset(G, 0, sizeof *G);
  G->by = by;
  G->w = w;
  if (revl_mgroup_init(&G->g, by->nk + 1)) return REVL_ENOMEM;
  if (by->nk == 1 && !by->k[0].via && by->k[0].c->type == REVL_T_STRING &&
      w->kind < 0) {
    G->ndense = by->t->store->strings.n + 1;
    G->dense = calloc(G->ndense, sizeof *G->dense);
    if (!G->dense) {
      revl_mgrp_free(G);
      return REVL_ENOMEM;
    }
  }
  G->one = by->nk == 0 && w->kind < 0;
  return 0;
}

void revl_mgrp_free(revl_mgrp *G) {
  revl_mgroup_free(&G->g);
  free(G->dense);
  G->dense = NULL;
}

int64_t revl_mgrp_slow_(revl_mgrp *G, size_t row, int64_t ord) {
  if (G->dense) {
    const revl_column *c = G->by->k[0].c;
    uint32_t id = revl_col_valid(c, row) ? c->v.str[row] : 0;
    int64_t key[2] = {id ? (int64_t)id : INT64_MIN, 0};
    int64_t g = revl_mgroup_get(&G->g, key, (uint32_t)row);
    if (g >= 0 && id < G->ndense) G->dense[id] = (uint32_t)g + 1;
    return g;
  }
  int64_t key[REVL_METRIC_MAXBY + 1];
  int nk = G->by->nk;
  for (int k = 0; k < nk; k++) key[k] = revl_mkey_part(&G->by->k[k], row);
  key[nk] = ord;
  if (G->one && G->g.n) return 0;
  return revl_mgroup_get(&G->g, key, (uint32_t)row);
}

int revl_mgrp_fill(revl_mgrp *G) {
  const revl_mwin *w = G->w;
  revl_mgroup *g = &G->g;
  int nk = G->by->nk;
  int64_t key[REVL_METRIC_MAXBY + 1];
  if (w->kind < 0) { /* one bucket */
    if (nk == 0 && g->n == 0) {
      key[0] = 0;
      if (revl_mgroup_get(g, key, 0) < 0) return REVL_ENOMEM;
    }
    return 0;
  }
  if (w->from == INT32_MIN || w->to == INT32_MAX) return 0;
  int64_t o0 = revl_mwin_first_ord(w), o1 = revl_mwin_last_ord(w);
  if (o1 - o0 > 1000) return 0;
  if (nk == 0) {
    for (int64_t o = o0; o <= o1; o++) {
      key[0] = o;
      if (revl_mgroup_get(g, key, 0) < 0) return REVL_ENOMEM;
    }
    return 0;
  }
  size_t n = g->n;
  for (size_t q = 0; q < n; q++) {
    memcpy(key, g->keys + q * (size_t)g->nk, (size_t)nk * sizeof *key);
    for (int64_t o = o0; o <= o1; o++) {
      key[nk] = o;
      if (revl_mgroup_get(g, key, g->first[q]) < 0) return REVL_ENOMEM;
    }
  }
  return 0;
}

/* ---- result frames ----------------------------------------------------- */

int revl_mf_init(revl_mf *mf, const revl_store *s, const char *name,
                 const revl_mby *by, const revl_mwin *w) {
  memset(mf, 0, sizeof *mf);
  mf->by = by;
  mf->period = -1;
  mf->f = revl_frame_new(s);
  if (!mf->f || revl_frame_set_name(mf->f, name)) goto oom;
  if (w) {
    char wt[48];
    revl_mwin_text(w, wt, sizeof wt);
    if (revl_frame_set_window(mf->f, wt, w->note[0] ? w->note : NULL)) goto oom;
  }
  for (int k = 0; by && k < by->nk; k++) {
    if (revl_frame_col_index(mf->f, by->k[k].label) >= 0) continue;
    if (revl_frame_add_col(mf->f, by->k[k].label, by->k[k].c->type,
                           s ? &s->strings : NULL) < 0)
      goto oom;
  }
  if (w && w->limited) {
    mf->w = w;
    mf->period = revl_frame_col_index(mf->f, "period");
    if (mf->period < 0 &&
        (mf->period = revl_frame_add_col(mf->f, "period", REVL_T_STRING,
                                         NULL)) < 0)
      goto oom;
  }
  mf->nkey = mf->f->ncols;
  return 0;
oom:
  revl_frame_free(mf->f);
  mf->f = NULL;
  return REVL_ENOMEM;
}

void revl_mf_free(revl_mf *mf) {
  revl_frame_free(mf->f);
  mf->f = NULL;
}

int revl_mf_key(revl_mf *mf, const char *name, revl_type type,
                const revl_intern *dict) {
  int ci = revl_frame_add_col(mf->f, name, type, dict);
  if (ci >= 0) mf->nkey = mf->f->ncols;
  return ci;
}

int revl_mf_col(revl_mf *mf, const char *name, revl_type type, int kind) {
  int ci = revl_frame_col_index(mf->f, name);
  if (ci >= 0) return ci;
  ci = revl_frame_add_col(mf->f, name, type, NULL);
  if (ci >= 0) mf->f->cols[ci]->kind = kind;
  return ci;
}

/* Nulls into column ci up to n rows. */
static int pad(revl_column *c, size_t n) {
  while (c->n < n)
    if (revl_col_push_null(c)) return REVL_ENOMEM;
  return 0;
}

/* Column ci when the current row has no value in it yet, else NULL. */
static revl_column *slot(revl_mf *mf, int ci) {
  revl_column *c = revl_frame_col(mf->f, ci);
  size_t row = mf->f->nrows - 1;
  if (c->n > row) return NULL; /* set already: the first value stays */
  if (pad(c, row)) return NULL;
  return c;
}

/* 0 when column ci is already set in this row, else REVL_ENOMEM: what a
 * failed slot() means. */
static int slot_fail(revl_mf *mf, int ci) {
  return revl_frame_col(mf->f, ci)->n >= mf->f->nrows ? 0 : REVL_ENOMEM;
}

int revl_mf_row_plain(revl_mf *mf) {
  revl_frame *f = mf->f;
  for (int i = 0; i < f->ncols; i++)
    if (pad(revl_frame_col(f, i), f->nrows)) return REVL_ENOMEM;
  f->nrows++;
  return 0;
}

int revl_mf_cell(revl_mf *mf, int ci, const revl_column *c, int64_t row) {
  revl_column *d = slot(mf, ci);
  if (!d) return slot_fail(mf, ci);
  if (row < 0 || !revl_col_valid(c, (size_t)row)) return revl_col_push_null(d);
  size_t r = (size_t)row;
  const revl_fcol *fc = mf->f->cols[ci];
  int own = fc->dict == &mf->f->own;
  const revl_intern *src = mf->f->store ? &mf->f->store->strings : NULL;
  switch (c->type) {
  case REVL_T_STRING:
    if (!own) return revl_col_push_str(d, c->v.str[r]);
    return revl_frame_push_cstr(mf->f, ci, revl_intern_str(src, c->v.str[r]));
  case REVL_T_MONEY:
    if (!own) return revl_col_push_money(d, c->v.i64[r], c->cur[r]);
    return revl_frame_push_money(mf->f, ci, c->v.i64[r],
                                 revl_intern_str(src, c->cur[r]));
  case REVL_T_NUMBER: return revl_col_push_f64(d, c->v.f64[r]);
  case REVL_T_BOOL: return revl_col_push_bool(d, c->v.b[r]);
  case REVL_T_DATE: return revl_col_push_date(d, c->v.date[r]);
  default: return revl_col_push_i64(d, c->v.i64[r]);
  }
}

int revl_mf_row(revl_mf *mf, const revl_mgrp *G, size_t g) {
  int rc = revl_mf_row_plain(mf);
  if (rc) return rc;
  size_t first = revl_mgrp_first(G, g);
  for (int k = 0; k < G->by->nk; k++) {
    const revl_mkey *key = &G->by->k[k];
    int ci = revl_frame_col_index(mf->f, key->label);
    if ((rc = revl_mf_cell(mf, ci, key->c, revl_mkey_row(key, first))))
      return rc;
  }
  if (mf->period >= 0) {
    char buf[64];
    revl_mwin_label(mf->w, revl_mgrp_ord(G, g), buf, sizeof buf);
    if ((rc = revl_mf_str(mf, mf->period, buf))) return rc;
  }
  return 0;
}

int revl_mf_int(revl_mf *mf, int ci, int64_t v) {
  revl_column *c = slot(mf, ci);
  return c ? revl_col_push_i64(c, v) : slot_fail(mf, ci);
}

int revl_mf_num(revl_mf *mf, int ci, double v) {
  revl_column *c = slot(mf, ci);
  return c ? revl_col_push_f64(c, v) : slot_fail(mf, ci);
}

int revl_mf_date(revl_mf *mf, int ci, int32_t d) {
  revl_column *c = slot(mf, ci);
  return c ? revl_col_push_date(c, d) : slot_fail(mf, ci);
}

int revl_mf_bool(revl_mf *mf, int ci, int v) {
  revl_column *c = slot(mf, ci);
  return c ? revl_col_push_bool(c, v) : slot_fail(mf, ci);
}

int revl_mf_str(revl_mf *mf, int ci, const char *s) {
  revl_column *c = slot(mf, ci);
  return c ? revl_frame_push_cstr(mf->f, ci, s) : slot_fail(mf, ci);
}

int revl_mf_money(revl_mf *mf, int ci, int64_t v, uint32_t code) {
  revl_column *c = slot(mf, ci);
  if (!c) return slot_fail(mf, ci);
  char cur[4];
  revl_cur_unpack(code, cur);
  return revl_frame_push_money(mf->f, ci, v, cur);
}

int revl_mf_macc(revl_mf *mf, int ci, const revl_macc *a, uint32_t defcode) {
  return revl_mf_money(mf, ci, a->v, a->cur ? a->cur : defcode);
}

int revl_mf_nil(revl_mf *mf, int ci, const char *why) {
  int r;
  for (r = 0; r < mf->nreason; r++)
    if (mf->rval[r] == ci) break;
  if (r == mf->nreason) {
    if (r == REVL_MF_MAXREASON) return REVL_EUSAGE;
    char name[96];
    snprintf(name, sizeof name, "%s_reason", mf->f->cols[ci]->col.name);
    int rc = revl_frame_col_index(mf->f, name);
    if (rc < 0 && (rc = revl_frame_add_col(mf->f, name, REVL_T_STRING, NULL)) < 0)
      return rc;
    mf->rval[r] = ci;
    mf->rcol[r] = rc;
    mf->nreason++;
  }
  revl_column *c = slot(mf, ci);
  if (c && revl_col_push_null(c)) return REVL_ENOMEM;
  return revl_mf_str(mf, mf->rcol[r], why);
}

int revl_mf_ratio(revl_mf *mf, int ci, double num, double den,
                  const char *why) {
  if (den == 0) return revl_mf_nil(mf, ci, why);
  return revl_mf_num(mf, ci, num / den);
}

int revl_mf_finish(revl_mf *mf, int sort, revl_frame **out, revl_error *err) {
  revl_frame *f = mf->f;
  mf->f = NULL;
  *out = NULL;
  int rc = 0;
  for (int i = 0; i < f->ncols; i++)
    if ((rc = pad(revl_frame_col(f, i), f->nrows))) goto fail;
  if ((rc = revl_frame_seal(f))) goto fail;
  f->nkeys = mf->nkey;
  if (sort && mf->nkey > 0 && f->nrows > 1) {
    revl_sortkey keys[REVL_METRIC_MAXBY + 8];
    const revl_stage_order *ord[REVL_METRIC_MAXBY + 8];
    int nk = 0;
    for (int i = 0; i < mf->nkey && nk < (int)(sizeof keys / sizeof *keys); i++) {
      /* a by key on a stage field: funnel order (revl/stage_order.h) */
      ord[nk] = NULL;
      for (int k = 0; mf->by && k < mf->by->nk; k++)
        if (strcmp(mf->by->k[k].label, f->cols[i]->col.name) == 0)
          ord[nk] = revl_stage_order_find(f->store, mf->by->k[k].h, mf->by->k[k].c);
      keys[nk].col = i, keys[nk++].desc = 0;
    }
    if ((rc = revl_frame_sort_ranked(f, keys, nk, ord, err))) {
      revl_frame_free(f);
      return rc;
    }
  }
  *out = f;
  return 0;
fail:
  revl_frame_free(f);
  return revl_error_set(err, rc, NULL, 0, 0, "not enough memory");
}

/* ---- deal columns ------------------------------------------------------ */

int revl_mdeal_cols(const revl_table *t, const char *fn, revl_mdeals *d,
                    revl_error *err) {
  memset(d, 0, sizeof *d);
  int rc = 0;
  if (t->pk >= 0)
    d->id = t->cols[t->pk];
  else
    rc = revl_mcol(t, fn, "id", 0, NULL, &d->id, err);
  if (rc || (rc = revl_mcol(t, fn, "amount", 0, REVL_MT_MONEY, &d->amount, err)) ||
      (rc = revl_mcol(t, fn, "close_date", 0, REVL_MT_DATES, &d->close, err)) ||
      (rc = revl_mcol(t, fn, "created_at", 0, REVL_MT_DATES, &d->created, err)) ||
      (rc = revl_mcol(t, fn, "is_closed", 0, REVL_MT_BOOL, &d->closed, err)) ||
      (rc = revl_mcol(t, fn, "is_won", 0, REVL_MT_BOOL, &d->won, err)) ||
      (rc = revl_mcol(t, fn, "stage", 0, REVL_MT_STR, &d->stage, err)) ||
      (rc = revl_mcol(t, fn, "probability", 0, REVL_MT_NUM, &d->prob, err)) ||
      (rc = revl_mcol(t, fn, "forecast_category", 0, REVL_MT_STR, &d->fcat, err)) ||
      (rc = revl_mcol(t, fn, "owner", 0, REVL_MT_STR, &d->owner, err)))
    return rc;
  return 0;
}

int revl_mneed(const revl_table *t, const char *fn, const revl_column *c,
               const char *name, revl_error *err) {
  if (c) return 0;
  return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: %s has no column '%s'%s", fn, t->name,
                        name, REVL_HINT(t, name));
}

/* ---- id -> int map ----------------------------------------------------- */

int revl_idmap_init(revl_idmap *m, size_t cap) {
  size_t c = 16;
  while (c < cap * 2) c *= 2;
  m->k = calloc(c, sizeof *m->k);
  m->v = calloc(c, sizeof *m->v);
  m->mask = c - 1;
  m->n = 0;
  if (!m->k || !m->v) {
    revl_idmap_free(m);
    return REVL_ENOMEM;
  }
  return 0;
}

void revl_idmap_free(revl_idmap *m) {
  free(m->k);
  free(m->v);
  m->k = NULL;
  m->v = NULL;
}

static size_t idmap_slot(const revl_idmap *m, uint32_t id) {
  size_t s = (id * 0x9e3779b1u) & m->mask;
  while (m->k[s] && m->k[s] != id) s = (s + 1) & m->mask;
  return s;
}

int revl_idmap_put(revl_idmap *m, uint32_t id, int32_t v) {
  size_t sl = idmap_slot(m, id);
  if (!m->k[sl]) {
    if ((m->n + 1) * 2 > m->mask + 1) {
      revl_idmap old = *m;
      if (revl_idmap_init(m, old.mask + 1)) {
        *m = old;
        return REVL_ENOMEM;
      }
      for (size_t i = 0; i <= old.mask; i++)
        if (old.k[i]) {
          size_t t = idmap_slot(m, old.k[i]);
          m->k[t] = old.k[i];
          m->v[t] = old.v[i];
          m->n++;
        }
      revl_idmap_free(&old);
      sl = idmap_slot(m, id);
    }
    m->k[sl] = id;
    m->n++;
  }
  m->v[sl] = v;
  return 0;
}

/* ---- order statistics per group ---------------------------------------- */

int revl_samples_grow_(revl_samples *S) {
  size_t nc = S->cap ? S->cap * 2 : 1024;
  uint32_t *g = revl_realloc_array(S->g, nc, sizeof *g);
  if (!g) return REVL_ENOMEM;
  S->g = g;
  double *v = revl_realloc_array(S->v, nc, sizeof *v);
  if (!v) return REVL_ENOMEM;
  S->v = v;
  S->cap = nc;
  return 0;
}

int revl_samples_sort(revl_samples *S, size_t ngroups) {
  free(S->off);
  free(S->sorted);
  S->off = calloc(ngroups + 1, sizeof *S->off);
  S->sorted = malloc((S->n ? S->n : 1) * sizeof *S->sorted);
  uint32_t *pos = malloc((ngroups + 1) * sizeof *pos);
  if (!S->off || !S->sorted || !pos) {
    free(pos);
    return REVL_ENOMEM;
  }
  for (size_t i = 0; i < S->n; i++) S->off[S->g[i] + 1]++;
  for (size_t k = 1; k <= ngroups; k++) S->off[k] += S->off[k - 1];
  memcpy(pos, S->off, (ngroups + 1) * sizeof *pos);
  for (size_t i = 0; i < S->n; i++) S->sorted[pos[S->g[i]]++] = S->v[i];
  free(pos);
  return 0;
}

double revl_samples_pct(const revl_samples *S, size_t g, double p) {
  return revl_metrics_percentile(S->sorted + S->off[g], revl_samples_count(S, g),
                                 p);
}

double revl_samples_mean(const revl_samples *S, size_t g) {
  double sum = 0;
  for (size_t j = S->off[g]; j < S->off[g + 1]; j++) sum += S->sorted[j];
  return sum / (double)revl_samples_count(S, g);
}

void revl_samples_free(revl_samples *S) {
  free(S->g);
  free(S->v);
  free(S->off);
  free(S->sorted);
  memset(S, 0, sizeof *S);
}
