/*
 * stages.c -- the stage metrics of the core: stage conversion, time in
 * stage, stage aging and slipped deals, over the store's stage_history
 * (see revl/metric_stages.h).  No Lua here.
 *
 * Each deal of the view is visited once; its history rows come from the
 * reverse index of stage_history.deal_id, put in entered_at order (then
 * file order) in one buffer reused for every deal.  Per-group figures
 * grow with the groups (arena arrays, doubling), never per row.
 */
#include "revl/metric_stages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"
#include "revl/stage_order.h"

#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

/* A malformed option the caller found, reached: stop for it to raise. */
static int bad_at(int bad, int here) { return bad == here ? REVL_EUSAGE : 0; }

/* ---- stage history ------------------------------------------------------ */

typedef struct shist {
  const revl_table *t;
  const revl_column *deal, *stage, *at, *close;
  uint32_t *buf;
  size_t cap;
} shist;

static int sh_open(const revl_view *v, const char *fn, shist *h, revl_error *err) {
  memset(h, 0, sizeof *h);
  revl_table *t;
  int rc = revl_store_need(v->t->store, "stage_history", &t, err);
  if (rc) return rc;
  if (!t)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs the %s table, which is not loaded", fn,
                          "stage_history");
  h->t = t;
  if ((rc = revl_mcol(t, fn, "deal_id", 1, REVL_MT_STR, &h->deal, err)) ||
      (rc = revl_mcol(t, fn, "stage", 1, REVL_MT_STR, &h->stage, err)) ||
      (rc = revl_mcol(t, fn, "entered_at", 1, REVL_MT_DATES, &h->at, err)) ||
      (rc = revl_mcol(t, fn, "close_date", 0, REVL_MT_DATES, &h->close, err)))
    return rc;
  if (h->deal->ref != v->t || !h->deal->rev_off)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: stage_history.deal_id does not reference %s", fn,
                          v->t->name);
  h->cap = 64;
  if (!(h->buf = malloc(h->cap * sizeof *h->buf))) return OOM();
  return 0;
}

static void sh_close(shist *h) {
  free(h->buf);
  h->buf = NULL;
}

/* The history rows of deal row d, sorted by entered_at (then file
 * order), into h->buf; returns how many, or -1 when out of memory. */
static int64_t sh_rows(shist *h, size_t d) {
  uint32_t a = h->deal->rev_off[d], b = h->deal->rev_off[d + 1];
  size_t n = b - a;
  if (n > h->cap) {
    uint32_t *nb = realloc(h->buf, n * sizeof *nb);
    if (!nb) return -1;
    h->buf = nb;
    h->cap = n;
  }
  const revl_column *at = h->at;
  for (size_t i = 0; i < n; i++) {
    uint32_t r = h->deal->rev_rows[a + i];
    int64_t sr = 0;
    revl_mcell_secs(at, r, &sr);
    size_t j = i;
    while (j > 0) {
      int64_t sp = 0;
      revl_mcell_secs(at, h->buf[j - 1], &sp);
      if (sp < sr || (sp == sr && h->buf[j - 1] < r)) break;
      h->buf[j] = h->buf[j - 1];
      j--;
    }
    h->buf[j] = r;
  }
  return (int64_t)n;
}

/* ---- the stage order ----------------------------------------------------- */

typedef struct stages {
  revl_idmap map; /* intern id -> index */
  int n;
  const char **name;
} stages;

typedef struct stage_stat {
  uint32_t id;
  double relpos;
  int64_t n, won_end, lost_end;
} stage_stat;

static int stage_class(const stage_stat *a) {
  int64_t term = a->won_end + a->lost_end;
  if (2 * term <= a->n) return 0;           /* an open stage */
  return a->won_end >= a->lost_end ? 1 : 2; /* won, then lost stages */
}

static int stage_cmp(const void *pa, const void *pb) {
  const stage_stat *a = pa, *b = pb;
  int ca = stage_class(a), cb = stage_class(b);
  if (ca != cb) return ca - cb;
  double ra = a->relpos / (double)a->n, rb = b->relpos / (double)b->n;
  if (ra != rb) return ra < rb ? -1 : 1;
  return (a->id > b->id) - (a->id < b->id);
}

/* The declared funnel order, when there is one: its stages by their
 * place, then stages it does not list by name. */
static _Thread_local const revl_stage_order *g_decl;
static _Thread_local const revl_intern *g_strs;

static int stage_cmp_declared(const void *pa, const void *pb) {
  const stage_stat *a = pa, *b = pb;
  int ra = revl_stage_rank(g_decl, a->id), rb = revl_stage_rank(g_decl, b->id);
  if (ra < 0) ra = g_decl->n;
  if (rb < 0) rb = g_decl->n;
  if (ra != rb) return ra - rb;
  return strcmp(revl_intern_str(g_strs, a->id), revl_intern_str(g_strs, b->id));
}

/* The given stages (o->stages), checked, or the declared funnel order of
 * the stages the histories hold (revl/stage_order.h), or the order
 * inferred from the histories of the view's deals. */
static int get_stages(revl_marena *A, const revl_view *v, const revl_stages_opts *o,
                      const char *fn, shist *h, const revl_mdeals *d, stages *S,
                      revl_error *err) {
  const revl_intern *in = &v->t->store->strings;
  if (revl_idmap_init(&S->map, 64)) return OOM();
  if (o->has_stages) {
    int n = o->nstages;
    if (n == 0 && o->bad != REVL_STAGES_BAD_STAGES)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: 'stages' is empty",
                            fn);
    S->n = n;
    if (!(S->name = revl_ma_calloc(A, (size_t)n, sizeof *S->name))) return OOM();
    for (int i = 0; i < n; i++) {
      const char *k = o->stages[i];
      S->name[i] = k;
      uint32_t id = revl_intern_find(in, k, o->stage_lens[i]);
      int32_t prev;
      if (id && revl_idmap_get(&S->map, id, &prev))
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                              "revl.metrics.%s: stage '%s' is listed twice", fn, k);
      if (id && revl_idmap_put(&S->map, id, i)) return OOM();
    }
    return o->bad == REVL_STAGES_BAD_STAGES ? REVL_EUSAGE : 0;
  }
  if (o->bad == REVL_STAGES_BAD_STAGES) return REVL_EUSAGE;
  /* infer: mean relative position in each history; stages that mostly
   * end closed deals go last (won ones first) */
  revl_idmap tmp;
  if (revl_idmap_init(&tmp, 64)) return OOM();
  stage_stat *st = NULL;
  size_t cap = 0, ns = 0;
  int rc = 0;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t nn = sh_rows(h, row);
    if (nn < 0) {
      rc = OOM();
      goto out;
    }
    size_t n = (size_t)nn;
    int closed = revl_mcell_true(d->closed, row), won = revl_mcell_true(d->won, row);
    for (size_t p = 0; p < n; p++) {
      uint32_t r = h->buf[p];
      if (!revl_col_valid(h->stage, r)) continue;
      uint32_t id = h->stage->v.str[r];
      int32_t k;
      if (!revl_idmap_get(&tmp, id, &k)) {
        k = (int32_t)ns++;
        stage_stat *e = REVL_MA_AT(A, st, cap, (size_t)k);
        if (!e || revl_idmap_put(&tmp, id, k)) {
          rc = OOM();
          goto out;
        }
        e->id = id;
      }
      stage_stat *e = &st[k];
      e->n++;
      e->relpos += n > 1 ? (double)p / (double)(n - 1) : 0.0;
      if (p == n - 1 && closed) {
        if (won)
          e->won_end++;
        else
          e->lost_end++;
      }
    }
  }
  const revl_stage_order *decl = revl_stage_order_find(v->t->store, h->t, h->stage);
  if (ns && decl) {
    const revl_stage_order *sd = g_decl;
    const revl_intern *ss = g_strs;
    g_decl = decl, g_strs = in;
    qsort(st, ns, sizeof *st, stage_cmp_declared);
    g_decl = sd, g_strs = ss;
  } else if (ns) {
    qsort(st, ns, sizeof *st, stage_cmp);
  }
  S->n = (int)ns;
  if (!(S->name = revl_ma_calloc(A, ns, sizeof *S->name))) {
    rc = OOM();
    goto out;
  }
  for (size_t k = 0; k < ns; k++) {
    S->name[k] = revl_intern_str(in, st[k].id);
    if (revl_idmap_put(&S->map, st[k].id, (int32_t)k)) {
      rc = OOM();
      goto out;
    }
  }
out:
  revl_idmap_free(&tmp);
  return rc;
}

static inline int stage_index(const stages *S, const shist *h, uint32_t r) {
  int32_t k;
  if (!revl_col_valid(h->stage, r) || !revl_idmap_get(&S->map, h->stage->v.str[r], &k))
    return -1;
  return k;
}

/* ---- stage_conversion and time_in_stage ---------------------------------- */

/* What both read, in the order they check it. */
typedef struct stage_setup {
  revl_mdeals d;
  shist h;
  stages S;
  revl_mwin w;
  revl_mby by;
} stage_setup;

static int stage_setup_open(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_stages_opts *o, const char *fn, int need_closed,
                            revl_marena *A, stage_setup *s, revl_error *err) {
  int rc;
  memset(s, 0, sizeof *s);
  if ((rc = revl_mdeal_cols(v->t, fn, &s->d, err)) ||
      (need_closed && (rc = revl_mneed(v->t, fn, s->d.closed, "is_closed", err))) ||
      (rc = sh_open(v, fn, &s->h, err)) ||
      (rc = get_stages(A, v, o, fn, &s->h, &s->d, &s->S, err)) ||
      (rc = bad_at(o->bad, REVL_STAGES_BAD_WINDOW)) ||
      (rc = revl_mwin_resolve(cx, &o->win, fn, 0, REVL_PK_QUARTER, &s->w, err)) ||
      (rc = revl_mby_resolve(v->t, fn, &o->by, &s->by, err)) ||
      (rc = bad_at(o->bad, REVL_STAGES_BAD_BY)))
    return rc;
  return 0;
}

static void stage_setup_close(stage_setup *s) {
  sh_close(&s->h);
  revl_idmap_free(&s->S.map);
}

/* An extra key column `name` after by and period.  A by field of that
 * name keeps its column: this one gets the name as well (the row's field
 * is this one's value, listed twice, as it always was). */
static int extra_key(revl_mf *mf, const char *name, revl_type type) {
  if (revl_frame_col_index(mf->f, name) < 0) return revl_mf_key(mf, name, type, NULL);
  char tmp[32];
  snprintf(tmp, sizeof tmp, "\x01%s", name);
  int ci = revl_mf_key(mf, tmp, type, NULL);
  if (ci < 0) return ci;
  char *nm = strdup(name);
  if (!nm) return REVL_ENOMEM;
  revl_column *c = revl_frame_col(mf->f, ci);
  free(c->name);
  c->name = nm;
  return ci;
}

/* The frame of both: keys, period, position, stage.  *bystage: the
 * column of a by field named "stage" (-1 for none), which shows the
 * row's stage, as the row's `stage` always did. */
static int stage_frame(revl_mf *mf, const revl_table *t, const char *fn, const stage_setup *s,
                       int *pos, int *stage, int *bystage) {
  if (revl_mf_init(mf, t->store, fn, &s->by, &s->w)) return REVL_ENOMEM;
  *bystage = revl_frame_col_index(mf->f, "stage");
  if (*bystage >= 0) {
    revl_fcol *fc = mf->f->cols[*bystage];
    if (fc->col.type != REVL_T_STRING) *bystage = -1;
    else fc->dict = &mf->f->own; /* stage names, given or not */
  }
  if ((*pos = extra_key(mf, "position", REVL_T_INT)) < 0 ||
      (*stage = extra_key(mf, "stage", REVL_T_STRING)) < 0)
    return REVL_ENOMEM;
  return 0;
}

/* Start the row of group g and stage `name`: keys, period, stage. */
static int stage_row(revl_mf *mf, const revl_mgrp *G, size_t g, int stage, int bystage,
                     const char *name) {
  if (bystage < 0) return revl_mf_row(mf, G, g) || revl_mf_str(mf, stage, name);
  if (revl_mf_row_plain(mf) || revl_mf_str(mf, bystage, name)) return REVL_ENOMEM;
  size_t first = revl_mgrp_first(G, g);
  for (int k = 0; k < G->by->nk; k++) {
    const revl_mkey *key = &G->by->k[k];
    int ci = revl_frame_col_index(mf->f, key->label);
    if (ci != bystage && revl_mf_cell(mf, ci, key->c, revl_mkey_row(key, first)))
      return REVL_ENOMEM;
  }
  if (mf->period >= 0) {
    char buf[64];
    revl_mwin_label(mf->w, revl_mgrp_ord(G, g), buf, sizeof buf);
    if (revl_mf_str(mf, mf->period, buf)) return REVL_ENOMEM;
  }
  return revl_mf_str(mf, stage, name);
}

int revl_metric_stage_conversion(const revl_metric_ctx *cx, const revl_view *v,
                                 const revl_stages_opts *o, revl_frame **out,
                                 revl_error *err) {
  static const char fn[] = "stage_conversion";
  revl_marena A = {0};
  stage_setup s;
  revl_mgrp G;
  revl_mf mf = {0};
  int have_grp = 0;
  *out = NULL;
  int rc = stage_setup_open(cx, v, o, fn, 0, &A, &s, err);
  if (rc) goto out;
  if (revl_mgrp_init(&G, &s.by, &s.w)) {
    rc = OOM();
    goto out;
  }
  have_grp = 1;
  const revl_mwin *w = &s.w;
  shist *h = &s.h;
  size_t K = (size_t)s.S.n, stride = 4 * K;
  size_t esz = (stride ? stride : 1) * sizeof(int64_t);
  int64_t *cnt = NULL;
  size_t cap = 0;
  /* per deal: the stage index of each history row, the largest index
   * from each row on, and each stage's first and last row */
  int *idx = NULL, *sufmax = NULL;
  size_t icap = 0;
  size_t *firstp = revl_ma_calloc(&A, K + 1, sizeof *firstp);
  int64_t *lastp = revl_ma_calloc(&A, K + 1, sizeof *lastp);
  if (!firstp || !lastp) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t nn = sh_rows(h, row);
    if (nn < 0) {
      rc = OOM();
      goto out;
    }
    size_t n = (size_t)nn;
    if (!n) continue;
    if (n + 1 > icap) {
      if (!(idx = revl_ma_grow(&A, idx, icap, n + 1, sizeof *idx)) ||
          !(sufmax = revl_ma_grow(&A, sufmax, icap, n + 1, sizeof *sufmax))) {
        rc = OOM();
        goto out;
      }
      icap = n + 1;
    }
    for (size_t k = 0; k <= K; k++) firstp[k] = n, lastp[k] = -1;
    for (size_t p = 0; p < n; p++) {
      int k = idx[p] = stage_index(&s.S, h, h->buf[p]);
      if (k < 0) continue;
      if (firstp[k] == n) firstp[k] = p;
      lastp[k] = (int64_t)p;
    }
    sufmax[n] = -1;
    for (size_t p = n; p-- > 0;) sufmax[p] = idx[p] > sufmax[p + 1] ? idx[p] : sufmax[p + 1];
    int won = revl_mcell_true(s.d.won, row);
    for (size_t k = 0; k < K; k++) {
      size_t pos = firstp[k];
      if (pos == n) continue;
      int32_t day = 0;
      revl_mcell_day(h->at, h->buf[pos], &day);
      if (!revl_mwin_has(w, day)) continue;
      int64_t g = revl_mgrp_of(&G, row, w->kind >= 0 ? revl_mwin_ord(w, day) : 0);
      int64_t *c = g < 0 ? NULL : revl_ma_at(&A, (void **)&cnt, &cap, (size_t)g, esz);
      if (!c) {
        rc = OOM();
        goto out;
      }
      c += 4 * k;
      /* after the first entry: the next stage's row, any later stage's */
      int nxt = lastp[k + 1] > (int64_t)pos, later = sufmax[pos + 1] > (int)k;
      c[0]++;
      c[1] += nxt;
      c[2] += later;
      c[3] += won;
    }
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (ng && !revl_ma_at(&A, (void **)&cnt, &cap, ng - 1, esz)) {
    rc = OOM();
    goto out;
  }
  int cpos, cstage, cbys, c_ent, c_nxt, c_lat, c_won, c_cn, c_cl, c_wr;
  if (stage_frame(&mf, v->t, fn, &s, &cpos, &cstage, &cbys) ||
      (c_ent = revl_mf_col(&mf, "entered", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_nxt = revl_mf_col(&mf, "to_next", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_lat = revl_mf_col(&mf, "to_later", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_won = revl_mf_col(&mf, "won", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_cn = revl_mf_col(&mf, "conversion_next", REVL_T_NUMBER, REVL_DK_RATIO)) < 0 ||
      (c_cl = revl_mf_col(&mf, "conversion_later", REVL_T_NUMBER, REVL_DK_RATIO)) < 0 ||
      (c_wr = revl_mf_col(&mf, "win_rate", REVL_T_NUMBER, REVL_DK_RATIO)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++)
    for (size_t k = 0; k < K; k++) {
      const int64_t *c = cnt + g * stride + 4 * k;
      int e = stage_row(&mf, &G, g, cstage, cbys, s.S.name[k]) ||
              revl_mf_int(&mf, cpos, (int64_t)k + 1) || revl_mf_int(&mf, c_ent, c[0]) ||
              revl_mf_int(&mf, c_nxt, c[1]) || revl_mf_int(&mf, c_lat, c[2]) ||
              revl_mf_int(&mf, c_won, c[3]);
      if (!e && k + 1 == K)
        e = revl_mf_nil(&mf, c_cn, "last stage") || revl_mf_nil(&mf, c_cl, "last stage");
      else if (!e)
        e = revl_mf_ratio(&mf, c_cn, (double)c[1], (double)c[0], "no deals entered") ||
            revl_mf_ratio(&mf, c_cl, (double)c[2], (double)c[0], "no deals entered");
      if (!e) e = revl_mf_ratio(&mf, c_wr, (double)c[3], (double)c[0], "no deals entered");
      if (e) {
        rc = OOM();
        goto out;
      }
    }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  if (have_grp) revl_mgrp_free(&G);
  stage_setup_close(&s);
  revl_marena_free(&A);
  return rc;
}

int revl_metric_time_in_stage(const revl_metric_ctx *cx, const revl_view *v,
                              const revl_stages_opts *o, revl_frame **out,
                              revl_error *err) {
  static const char fn[] = "time_in_stage";
  revl_marena A = {0};
  stage_setup s;
  revl_mgrp G;
  revl_mf mf = {0};
  revl_samples sm = {0};
  int have_grp = 0;
  *out = NULL;
  int rc = stage_setup_open(cx, v, o, fn, 1, &A, &s, err);
  if (rc) goto out;
  if (revl_mgrp_init(&G, &s.by, &s.w)) {
    rc = OOM();
    goto out;
  }
  have_grp = 1;
  const revl_mwin *w = &s.w;
  shist *h = &s.h;
  int current = !o->no_current;
  int64_t now = (int64_t)cx->as_of * 86400;
  size_t K = (size_t)s.S.n;
  int64_t *secs = revl_ma_calloc(&A, K, sizeof *secs);
  int32_t *first = revl_ma_calloc(&A, K, sizeof *first);
  uint8_t *seen = revl_ma_calloc(&A, K, 1);
  if (!secs || !first || !seen) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t nn = sh_rows(h, row);
    if (nn < 0) {
      rc = OOM();
      goto out;
    }
    size_t n = (size_t)nn;
    if (!n) continue;
    int open = !revl_mcell_true(s.d.closed, row);
    for (size_t p = 0; p < n; p++) {
      int k = stage_index(&s.S, h, h->buf[p]);
      if (k < 0) continue;
      int64_t a = 0, b = 0;
      revl_mcell_secs(h->at, h->buf[p], &a);
      if (p + 1 < n)
        revl_mcell_secs(h->at, h->buf[p + 1], &b);
      else if (open && current)
        b = now > a ? now : a;
      else
        continue; /* the final stage of a closed deal has no length */
      if (!seen[k]) {
        seen[k] = 1;
        secs[k] = 0;
        first[k] = (int32_t)revl_floor_div64(a, 86400);
      }
      secs[k] += b - a;
    }
    for (size_t k = 0; k < K; k++) {
      if (!seen[k]) continue;
      seen[k] = 0;
      if (!revl_mwin_has(w, first[k])) continue;
      int64_t g = revl_mgrp_of(&G, row, revl_mwin_ord(w, first[k]));
      if (g < 0 ||
          revl_samples_add(&sm, (uint32_t)((size_t)g * K + k), (double)secs[k] / 86400.0)) {
        rc = OOM();
        goto out;
      }
    }
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  int cpos, cstage, cbys, c_n, c_mean, c_med, c_p90;
  if (revl_samples_sort(&sm, ng * K) || stage_frame(&mf, v->t, fn, &s, &cpos, &cstage, &cbys) ||
      (c_n = revl_mf_col(&mf, "deals", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_mean = revl_mf_col(&mf, "mean_days", REVL_T_NUMBER, REVL_DK_DAYS)) < 0 ||
      (c_med = revl_mf_col(&mf, "median_days", REVL_T_NUMBER, REVL_DK_DAYS)) < 0 ||
      (c_p90 = revl_mf_col(&mf, "p90_days", REVL_T_NUMBER, REVL_DK_DAYS)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++)
    for (size_t k = 0; k < K; k++) {
      size_t gk = g * K + k, nsm = revl_samples_count(&sm, gk);
      int e = stage_row(&mf, &G, g, cstage, cbys, s.S.name[k]) ||
              revl_mf_int(&mf, cpos, (int64_t)k + 1) || revl_mf_int(&mf, c_n, (int64_t)nsm);
      if (!e && nsm) {
        e = revl_mf_num(&mf, c_mean, revl_samples_mean(&sm, gk)) ||
            revl_mf_num(&mf, c_med, revl_samples_pct(&sm, gk, 50)) ||
            revl_mf_num(&mf, c_p90, revl_samples_pct(&sm, gk, 90));
      } else if (!e) {
        e = revl_mf_nil(&mf, c_mean, "no deals in this stage") ||
            revl_mf_nil(&mf, c_med, "no deals in this stage") ||
            revl_mf_nil(&mf, c_p90, "no deals in this stage");
      }
      if (e) {
        rc = OOM();
        goto out;
      }
    }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  revl_samples_free(&sm);
  if (have_grp) revl_mgrp_free(&G);
  stage_setup_close(&s);
  revl_marena_free(&A);
  return rc;
}

/* ---- record frames (rows in the order built) ------------------------------ */

/* A record frame's columns: the first fixed column, the by labels (not
 * repeating it), `period` when asked, then the other fixed columns that
 * are not by labels.  types[i]: the type of fixed[i]; dict: the store's
 * strings for the copied columns (the frame's own for `period`). */
typedef struct rec_cols {
  int fixed[8]; /* column of fixed[i] */
  int key[REVL_METRIC_MAXBY];
  int period;
} rec_cols;

static int rec_frame(revl_mf *mf, const revl_table *t, const char *fn, const revl_mby *by,
                     const char *const *fixed, const revl_type *types, int period,
                     rec_cols *rc) {
  memset(rc, -1, sizeof *rc);
  if (revl_mf_init(mf, t->store, fn, NULL, NULL)) return REVL_ENOMEM;
  revl_frame *f = mf->f;
  const revl_intern *dict = &t->store->strings;
  for (int i = 0; fixed[i]; i++) {
    int dup = 0;
    for (int j = 0; j < by->nk; j++) dup |= strcmp(fixed[i], by->k[j].label) == 0;
    if (!dup || i == 0) {
      int ci = revl_frame_col_index(f, fixed[i]);
      if (ci < 0 && (ci = revl_frame_add_col(f, fixed[i], types[i], dict)) < 0)
        return REVL_ENOMEM;
      rc->fixed[i] = ci;
    }
    if (i == 0) { /* keys right after the id */
      for (int j = 0; j < by->nk; j++) {
        int ci = revl_frame_col_index(f, by->k[j].label);
        if (ci < 0 && (ci = revl_frame_add_col(f, by->k[j].label, by->k[j].c->type, dict)) < 0)
          return REVL_ENOMEM;
        rc->key[j] = ci;
      }
      if (period && (rc->period = revl_frame_add_col(f, "period", REVL_T_STRING, NULL)) < 0)
        return REVL_ENOMEM;
    }
  }
  return 0;
}

/* The type of a deal column a record copies (STRING when absent). */
static revl_type col_type(const revl_column *c) { return c ? c->type : REVL_T_STRING; }

/* Cell (c, row) of the store into column ci, unless ci is -1. */
static int rec_cell(revl_mf *mf, int ci, const revl_column *c, int64_t row) {
  if (ci < 0) return 0;
  return revl_mf_cell(mf, ci, c, c ? row : -1);
}

/* The by key cells of base row `row`. */
static int rec_keys(revl_mf *mf, const rec_cols *rc, const revl_mby *by, size_t row) {
  for (int j = 0; j < by->nk; j++) {
    const revl_mkey *k = &by->k[j];
    int rcode = revl_mf_cell(mf, rc->key[j], k->c, revl_mkey_row(k, row));
    if (rcode) return rcode;
  }
  return 0;
}

/* ---- stage_aging ----------------------------------------------------------- */

typedef struct aged {
  uint32_t row;
  int32_t days;
  int64_t entered;
} aged;

static int aged_cmp(const void *pa, const void *pb) {
  const aged *a = pa, *b = pb;
  if (a->days != b->days) return a->days > b->days ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

typedef struct ag_acc {
  int64_t open, aged, max_days, unknown;
  revl_macc amount;
} ag_acc;

int revl_metric_stage_aging(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_aging_opts *o, revl_stages_out *out,
                            revl_error *err) {
  static const char fn[] = "stage_aging";
  const revl_table *t = v->t;
  revl_marena A = {0};
  revl_mdeals d;
  shist h = {0};
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_mf mf = {0}, mr = {0};
  int have_grp = 0, rc;
  memset(out, 0, sizeof *out);
  if ((rc = revl_mdeal_cols(t, fn, &d, err)) ||
      (rc = revl_mneed(t, fn, d.closed, "is_closed", err)) ||
      (rc = revl_mneed(t, fn, d.stage, "stage", err)) ||
      (rc = bad_at(o->bad, REVL_STAGES_BAD_DAYS)))
    return rc;
  double nd = o->has_days ? o->days : -1;
  if (nd < 0 || nd != floor(nd))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs days = N (a whole number of days)", fn);
  if ((rc = sh_open(v, fn, &h, err))) goto out;
  revl_mwin_none(&w, cx->fiscal_start);
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err)) ||
      (rc = bad_at(o->bad, REVL_STAGES_BAD_BY)))
    goto out;
  if (revl_mgrp_init(&G, &by, &w)) {
    rc = OOM();
    goto out;
  }
  have_grp = 1;
  int32_t today = cx->as_of;
  ag_acc *acc = NULL;
  size_t cap = 0, na = 0, acap = 0;
  aged *list = NULL;
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    if (revl_mcell_true(d.closed, row)) continue;
    int64_t g = revl_mgrp_of(&G, row, 0);
    ag_acc *a = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
    int64_t nn = a ? sh_rows(&h, row) : -1;
    if (nn < 0) {
      rc = OOM();
      goto out;
    }
    a->open++;
    int64_t entered = 0;
    int have = 0;
    uint32_t cur = revl_col_valid(d.stage, row) ? d.stage->v.str[row] : 0;
    for (size_t p = (size_t)nn; p-- > 0;)
      if (revl_col_valid(h.stage, h.buf[p]) && h.stage->v.str[h.buf[p]] == cur) {
        have = revl_mcell_secs(h.at, h.buf[p], &entered);
        break;
      }
    if (!have) have = revl_mcell_secs(d.created, row, &entered);
    if (!have) { /* no history for its stage and no created_at */
      a->unknown++;
      continue;
    }
    int32_t days = today - (int32_t)revl_floor_div64(entered, 86400);
    if (days > a->max_days) a->max_days = days;
    if (days <= (int32_t)nd) continue;
    a->aged++;
    if (d.amount && revl_col_valid(d.amount, row) &&
        (rc = revl_macc_add(fn, "'amount'", &a->amount, d.amount->v.i64[row],
                            revl_cur_code(&cc, d.amount, row), err)))
      goto out;
    if (o->no_records) continue;
    aged *e = REVL_MA_AT(&A, list, acap, na);
    if (!e) {
      rc = OOM();
      goto out;
    }
    e->row = (uint32_t)row;
    e->days = days;
    e->entered = entered;
    na++;
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
  int c_open, c_aged, c_amt, c_share, c_max, c_unk;
  if (revl_mf_init(&mf, t->store, fn, &by, &w) ||
      (c_open = revl_mf_col(&mf, "open_deals", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_aged = revl_mf_col(&mf, "aged", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_amt = revl_mf_col(&mf, "aged_amount", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (c_share = revl_mf_col(&mf, "aged_share", REVL_T_NUMBER, REVL_DK_RATIO)) < 0 ||
      (c_max = revl_mf_col(&mf, "max_days", REVL_T_INT, REVL_DK_DAYS)) < 0 ||
      (c_unk = revl_mf_col(&mf, "unknown_age", REVL_T_INT, REVL_DK_COUNT)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    const ag_acc *a = &acc[g];
    if (revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, c_open, a->open) ||
        revl_mf_int(&mf, c_aged, a->aged) || revl_mf_macc(&mf, c_amt, &a->amount, defc) ||
        revl_mf_ratio(&mf, c_share, (double)a->aged, (double)a->open, "no open deals") ||
        revl_mf_int(&mf, c_max, a->max_days) || revl_mf_int(&mf, c_unk, a->unknown)) {
      rc = OOM();
      goto out;
    }
  }
  if ((rc = revl_mf_finish(&mf, 1, &out->summary, err))) goto out;
  if (o->no_records) goto out; /* the summary only */
  /* the aged deals, longest first */
  if (na) qsort(list, na, sizeof *list, aged_cmp);
  static const char *const fixed[] = {"id",     "stage",      "owner",         "amount",
                                      "entered_at", "days_in_stage", NULL};
  const revl_type types[] = {col_type(d.id),     col_type(d.stage),  col_type(d.owner),
                             col_type(d.amount), REVL_T_DATETIME, REVL_T_INT};
  rec_cols rcl;
  if (rec_frame(&mr, t, fn, &by, fixed, types, 0, &rcl) ||
      revl_frame_reserve(mr.f, na)) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < na; i++) {
    size_t row = list[i].row;
    if (revl_mf_row_plain(&mr) || rec_cell(&mr, rcl.fixed[0], d.id, (int64_t)row) ||
        rec_keys(&mr, &rcl, &by, row) || rec_cell(&mr, rcl.fixed[1], d.stage, (int64_t)row) ||
        rec_cell(&mr, rcl.fixed[2], d.owner, (int64_t)row) ||
        rec_cell(&mr, rcl.fixed[3], d.amount, (int64_t)row) ||
        (rcl.fixed[4] >= 0 &&
         revl_col_push_i64(revl_frame_col(mr.f, rcl.fixed[4]), list[i].entered)) ||
        (rcl.fixed[5] >= 0 && revl_mf_int(&mr, rcl.fixed[5], list[i].days))) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&mr, 0, &out->records, err);
out:
  if (rc) {
    revl_frame_free(out->summary);
    out->summary = NULL;
  }
  revl_mf_free(&mf);
  revl_mf_free(&mr);
  if (have_grp) revl_mgrp_free(&G);
  sh_close(&h);
  revl_marena_free(&A);
  return rc;
}

/* ---- slipped_deals --------------------------------------------------------- */

typedef struct slip {
  uint32_t row;
  int32_t from, to;
  int64_t ord;
} slip;

typedef struct sl_acc {
  int64_t n, days;
  revl_macc amount;
} sl_acc;

int revl_metric_slipped_deals(const revl_metric_ctx *cx, const revl_view *v,
                              const revl_slipped_opts *o, revl_stages_out *out,
                              revl_error *err) {
  static const char fn[] = "slipped_deals";
  const revl_table *t = v->t;
  revl_marena A = {0};
  revl_mdeals d;
  shist h = {0};
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_mf mf = {0}, mr = {0};
  int have_grp = 0, rc;
  memset(out, 0, sizeof *out);
  if ((rc = revl_mdeal_cols(t, fn, &d, err)) || (rc = sh_open(v, fn, &h, err))) goto out;
  if (!h.close) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: stage_history has no close_date column", fn);
    goto out;
  }
  if ((rc = bad_at(o->bad, REVL_STAGES_BAD_WINDOW)) ||
      (rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_QUARTER, &w, err)))
    goto out;
  if (!w.limited) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: needs a period (not period = \"all\")", fn);
    goto out;
  }
  if ((rc = revl_mby_resolve(t, fn, &o->by, &by, err)) ||
      (rc = bad_at(o->bad, REVL_STAGES_BAD_BY)))
    goto out;
  if (revl_mgrp_init(&G, &by, &w)) {
    rc = OOM();
    goto out;
  }
  have_grp = 1;
  sl_acc *acc = NULL;
  size_t cap = 0, ns = 0, scap = 0;
  slip *sl = NULL;
  revl_curcache cc = REVL_CURCACHE_INIT(t->store);
  enum { MAXB = 64 };
  int64_t bord[MAXB];
  int32_t blast[MAXB];
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    int64_t nn = sh_rows(&h, row);
    if (nn < 0) {
      rc = OOM();
      goto out;
    }
    size_t n = (size_t)nn;
    if (!n) continue;
    int32_t now;
    if (!revl_mcell_day(d.close, row, &now)) {
      int found = 0;
      for (size_t p = n; p-- > 0 && !found;) found = revl_mcell_day(h.close, h.buf[p], &now);
      if (!found) continue;
    }
    int nb = 0;
    for (size_t p = 0; p < n; p++) {
      int32_t c;
      if (!revl_mcell_day(h.close, h.buf[p], &c) || !revl_mwin_has(&w, c)) continue;
      int64_t ord = revl_mwin_ord(&w, c);
      int k = 0;
      while (k < nb && bord[k] != ord) k++;
      if (k == nb) {
        if (nb == MAXB) continue;
        bord[nb++] = ord;
      }
      blast[k] = c;
    }
    for (int k = 0; k < nb; k++) {
      int32_t a, b;
      revl_mwin_bounds(&w, bord[k], &a, &b);
      if (now <= b) continue;
      int64_t g = revl_mgrp_of(&G, row, bord[k]);
      sl_acc *ac = g < 0 ? NULL : REVL_MA_AT(&A, acc, cap, g);
      if (!ac) {
        rc = OOM();
        goto out;
      }
      ac->n++;
      ac->days += now - blast[k];
      if (d.amount && revl_col_valid(d.amount, row) &&
          (rc = revl_macc_add(fn, "'amount'", &ac->amount, d.amount->v.i64[row],
                              revl_cur_code(&cc, d.amount, row), err)))
        goto out;
      slip *e = REVL_MA_AT(&A, sl, scap, ns);
      if (!e) {
        rc = OOM();
        goto out;
      }
      e->row = (uint32_t)row;
      e->from = blast[k];
      e->to = now;
      e->ord = bord[k];
      ns++;
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
  uint32_t defc = revl_store_currency(t);
  int c_n, c_amt, c_mean;
  if (revl_mf_init(&mf, t->store, fn, &by, &w) ||
      (c_n = revl_mf_col(&mf, "slipped", REVL_T_INT, REVL_DK_COUNT)) < 0 ||
      (c_amt = revl_mf_col(&mf, "slipped_amount", REVL_T_MONEY, REVL_DK_MONEY)) < 0 ||
      (c_mean = revl_mf_col(&mf, "days_pushed_mean", REVL_T_NUMBER, REVL_DK_DAYS)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    const sl_acc *a = &acc[g];
    if (revl_mf_row(&mf, &G, g) || revl_mf_int(&mf, c_n, a->n) ||
        revl_mf_macc(&mf, c_amt, &a->amount, defc) ||
        revl_mf_ratio(&mf, c_mean, (double)a->days, (double)a->n, "no slipped deals")) {
      rc = OOM();
      goto out;
    }
  }
  if ((rc = revl_mf_finish(&mf, 1, &out->summary, err))) goto out;
  static const char *const fixed[] = {"id",        "owner",   "stage",       "amount",
                                      "from_date", "to_date", "days_pushed", NULL};
  const revl_type types[] = {col_type(d.id),     col_type(d.owner), col_type(d.stage),
                             col_type(d.amount), REVL_T_DATE,       REVL_T_DATE,
                             REVL_T_INT};
  rec_cols rcl;
  if (rec_frame(&mr, t, fn, &by, fixed, types, 1, &rcl) || revl_frame_reserve(mr.f, ns)) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < ns; i++) {
    size_t row = sl[i].row;
    char lab[64];
    revl_mwin_label(&w, sl[i].ord, lab, sizeof lab);
    if (revl_mf_row_plain(&mr) || rec_cell(&mr, rcl.fixed[0], d.id, (int64_t)row) ||
        rec_keys(&mr, &rcl, &by, row) || revl_mf_str(&mr, rcl.period, lab) ||
        rec_cell(&mr, rcl.fixed[1], d.owner, (int64_t)row) ||
        rec_cell(&mr, rcl.fixed[2], d.stage, (int64_t)row) ||
        rec_cell(&mr, rcl.fixed[3], d.amount, (int64_t)row) ||
        (rcl.fixed[4] >= 0 && revl_mf_date(&mr, rcl.fixed[4], sl[i].from)) ||
        (rcl.fixed[5] >= 0 && revl_mf_date(&mr, rcl.fixed[5], sl[i].to)) ||
        (rcl.fixed[6] >= 0 && revl_mf_int(&mr, rcl.fixed[6], sl[i].to - sl[i].from))) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&mr, 0, &out->records, err);
out:
  if (rc) {
    revl_frame_free(out->summary);
    out->summary = NULL;
  }
  revl_mf_free(&mf);
  revl_mf_free(&mr);
  if (have_grp) revl_mgrp_free(&G);
  sh_close(&h);
  revl_marena_free(&A);
  return rc;
}
