/*
 * waterfall.c -- the pipeline waterfall of the core: how the open
 * pipeline moved between two snapshots of the deals (start, created,
 * pulled in, increased, decreased, pushed, lost, won, transferred, end)
 * per group and period, with the deals behind every bucket (see
 * revl/metric_stages.h and docs/metrics.md "Pipeline waterfall").  No
 * Lua here.
 *
 * One pass over the after view (matching each deal to its before row by
 * key) and one over the before deals left unmatched.  Group keys are in
 * the after store's terms: a before string is looked up there once
 * (revl_idmap), so two loads group by value.  Money per group and bucket
 * grows with the groups; the (group, bucket, deal) records grow by
 * doubling.
 */
#include "revl/metric_stages.h"

#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"

#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

enum {
  WF_START,
  WF_CREATED,
  WF_PULLED,
  WF_INC,
  WF_DEC,
  WF_PUSHED,
  WF_LOST,
  WF_WON,
  WF_TIN,
  WF_TOUT,
  WF_END,
  WF_REMOVED,
  WF_N
};
static const char *const wf_names[WF_N] = {
    "start", "created", "pulled_in",   "increased",    "decreased", "pushed",
    "lost",  "won",     "transfer_in", "transfer_out", "end",       "removed"};

#define WF_SIDE_B 0x80000000u

typedef struct wf_rec {
  uint32_t g, row;
  uint8_t bucket, side; /* side 0 before, 1 after */
} wf_rec;

typedef struct wf_side {
  const revl_view *v;
  revl_mdeals d;
  revl_mby by;
  revl_idmap tr; /* before-store intern id -> after-store id (strings) */
  int translate;
  revl_curcache cc;
} wf_side;

typedef struct wf_state {
  const char *fn;
  revl_marena A;
  revl_mgroup g;
  revl_macc *acc; /* WF_N per group */
  size_t cap;
  wf_rec *rec;
  size_t nrec, rcap;
} wf_state;

/* revl_mkey_part, with a string field's id read in line (the hot path:
 * by = "owner"). */
static inline int64_t wf_part(const revl_mkey *k, size_t row) {
  int64_t r = revl_mkey_row(k, row);
  if (r < 0) return INT64_MIN;
  const revl_column *c = k->c;
  if (c->type == REVL_T_STRING)
    return revl_col_valid(c, (size_t)r) ? (int64_t)c->v.str[r] : INT64_MIN;
  return revl_mcell_key(c, (size_t)r);
}

/* The by key of one side's row, in the after store's terms. */
static int wf_key(wf_side *sd, const revl_intern *ain, size_t row, int64_t *key) {
  for (int k = 0; k < sd->by.nk; k++) {
    int64_t p = wf_part(&sd->by.k[k], row);
    if (sd->translate && p != INT64_MIN && sd->by.k[k].c->type == REVL_T_STRING) {
      int32_t t;
      if (!revl_idmap_get(&sd->tr, (uint32_t)p, &t)) {
        const revl_intern *bin = &sd->by.k[k].h->store->strings;
        uint32_t id = revl_intern_find(ain, revl_intern_str(bin, (uint32_t)p),
                                       revl_intern_len(bin, (uint32_t)p));
        t = id ? (int32_t)id : -(int32_t)p - 1;
        if (revl_idmap_put(&sd->tr, (uint32_t)p, t)) return REVL_ENOMEM;
      }
      p = t;
    }
    key[k] = p;
  }
  return 0;
}

/* Is the deal in scope (open, closing in the window)?  Its bucket ord. */
static int wf_scope(const wf_side *sd, const revl_mwin *w, size_t row, int64_t *ord) {
  if (revl_mcell_true(sd->d.closed, row)) return 0;
  *ord = 0;
  if (w->limited) {
    int32_t day;
    if (!revl_mcell_day(sd->d.close, row, &day) || !revl_mwin_has(w, day)) return 0;
    *ord = revl_mwin_ord(w, day);
  }
  return 1;
}

static int64_t wf_amount(wf_side *sd, size_t row, uint32_t *code) {
  const revl_column *am = sd->d.amount;
  *code = 0;
  if (!revl_col_valid(am, row)) return 0;
  *code = revl_cur_code(&sd->cc, am, row);
  return am->v.i64[row];
}

static int wf_add(wf_state *st, uint32_t g, int bucket, int64_t v, uint32_t code, int side,
                  size_t row, int record, revl_error *err) {
  revl_macc *m = revl_ma_at(&st->A, (void **)&st->acc, &st->cap, g, WF_N * sizeof *st->acc);
  if (!m) return OOM();
  int rc;
  if (code && (rc = revl_macc_add(st->fn, "'amount'", &m[bucket], v, code, err))) return rc;
  if (record) {
    wf_rec *r = REVL_MA_AT(&st->A, st->rec, st->rcap, st->nrec);
    if (!r) return OOM();
    r->g = g;
    r->row = (uint32_t)row;
    r->bucket = (uint8_t)bucket;
    r->side = (uint8_t)side;
    st->nrec++;
  }
  return 0;
}

static int wf_rec_cmp(const void *pa, const void *pb) {
  const wf_rec *a = pa, *b = pb;
  if (a->g != b->g) return a->g < b->g ? -1 : 1;
  if (a->bucket != b->bucket) return a->bucket < b->bucket ? -1 : 1;
  if (a->side != b->side) return a->side < b->side ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

/* A deal key of the totals, for sorting them by value in a bucket. */
typedef struct wf_tkey {
  const char *s; /* string keys, else NULL */
  size_t len;
  double num;
  int64_t i;
  uint32_t rec;
  uint8_t bucket;
} wf_tkey;

static int wf_tkey_cmp(const void *pa, const void *pb) {
  const wf_tkey *a = pa, *b = pb;
  if (a->bucket != b->bucket) return a->bucket < b->bucket ? -1 : 1;
  int c = 0;
  if (a->s && b->s) {
    size_t n = a->len < b->len ? a->len : b->len;
    c = memcmp(a->s, b->s, n);
    if (!c) c = (a->len > b->len) - (a->len < b->len);
  } else if (a->num != b->num) {
    c = a->num < b->num ? -1 : 1;
  } else {
    c = (a->i > b->i) - (a->i < b->i);
  }
  if (c) return c;
  return (a->rec > b->rec) - (a->rec < b->rec);
}

/* Copy cell (c, row) -- of a table whose strings are src -- into column
 * ci of the current row of f (nothing when it is set already). */
static int put_cell(revl_frame *f, int ci, const revl_column *c, int64_t row,
                    const revl_intern *src) {
  revl_column *d = revl_frame_col(f, ci);
  if (d->n >= f->nrows) return 0;
  if (row < 0 || !revl_col_valid(c, (size_t)row) || c->type != d->type)
    return revl_col_push_null(d);
  size_t r = (size_t)row;
  int own = f->cols[ci]->dict == &f->own;
  switch (c->type) {
  case REVL_T_STRING:
    if (!own) return revl_col_push_str(d, c->v.str[r]);
    return revl_frame_push_text(f, ci, revl_intern_str(src, c->v.str[r]),
                                revl_intern_len(src, c->v.str[r]));
  case REVL_T_MONEY: {
    uint32_t cur = c->cur ? c->cur[r] : 0;
    if (!own) return revl_col_push_money(d, c->v.i64[r], cur);
    return revl_frame_push_money(f, ci, c->v.i64[r], cur ? revl_intern_str(src, cur) : "USD");
  }
  case REVL_T_NUMBER: return revl_col_push_f64(d, c->v.f64[r]);
  case REVL_T_BOOL: return revl_col_push_bool(d, c->v.b[r]);
  case REVL_T_DATE: return revl_col_push_date(d, c->v.date[r]);
  default: return revl_col_push_i64(d, c->v.i64[r]);
  }
}

/* Start a row of group g: its key cells (from its first row, of either
 * side) and period. */
static int wf_row(revl_mf *mf, const wf_state *st, wf_side *sides, const revl_mwin *w,
                  size_t g) {
  int rc = revl_mf_row_plain(mf);
  if (rc) return rc;
  uint32_t tag = st->g.first[g];
  wf_side *sd = (tag & WF_SIDE_B) ? &sides[0] : &sides[1];
  size_t row = tag & ~WF_SIDE_B;
  for (int k = 0; k < sd->by.nk; k++) {
    const revl_mkey *key = &sd->by.k[k];
    int ci = revl_frame_col_index(mf->f, sides[1].by.k[k].label);
    if ((rc = put_cell(mf->f, ci, key->c, revl_mkey_row(key, row), &key->h->store->strings)))
      return rc;
  }
  if (mf->period >= 0) {
    char buf[64];
    revl_mwin_label(w, st->g.keys[(g + 1) * (size_t)st->g.nk - 1], buf, sizeof buf);
    if ((rc = revl_mf_str(mf, mf->period, buf))) return rc;
  }
  return 0;
}

/* The money columns, in frame order. */
static int wf_cols(revl_mf *mf, int *col) {
  for (int b = 0; b < WF_N; b++) {
    if (b == WF_END) continue;
    if ((col[b] = revl_mf_col(mf, wf_names[b], REVL_T_MONEY, REVL_DK_MONEY)) < 0)
      return REVL_ENOMEM;
  }
  if ((col[WF_END] = revl_mf_col(mf, "end", REVL_T_MONEY, REVL_DK_MONEY)) < 0) return REVL_ENOMEM;
  return 0;
}

/* The two snapshots' columns and by keys, in the order they are checked. */
static int wf_setup(const revl_metric_ctx *cx, const revl_waterfall_opts *o, wf_side *sides,
                    revl_mwin *w, revl_error *err) {
  static const char fn[] = "waterfall";
  int rc;
  for (int i = 0; i < 2; i++) {
    wf_side *sd = &sides[i];
    const revl_table *t = sd->v->t;
    if ((rc = revl_mdeal_cols(t, fn, &sd->d, err))) return rc;
    if (t->pk < 0)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "revl.metrics.%s: %s has no key column",
                            fn, t->name);
    if ((rc = revl_mneed(t, fn, sd->d.amount, "amount", err)) ||
        (rc = revl_mneed(t, fn, sd->d.closed, "is_closed", err)) ||
        (rc = revl_mneed(t, fn, sd->d.won, "is_won", err)) ||
        (rc = revl_mby_resolve(t, fn, &o->by, &sd->by, err)))
      return rc;
    if (o->bad == REVL_STAGES_BAD_BY) return REVL_EUSAGE;
    revl_curcache cc = REVL_CURCACHE_INIT(t->store);
    sd->cc = cc;
  }
  wf_side *B = &sides[0], *A = &sides[1];
  for (int k = 0; k < A->by.nk; k++)
    if (A->by.k[k].c->type != B->by.k[k].c->type)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: '%s' has different types in the two snapshots", fn,
                            A->by.k[k].label);
  if (o->bad == REVL_STAGES_BAD_WINDOW) return REVL_EUSAGE;
  if ((rc = revl_mwin_resolve(cx, &o->win, fn, 0, REVL_PK_QUARTER, w, err))) return rc;
  if (w->limited && ((rc = revl_mneed(B->v->t, fn, B->d.close, "close_date", err)) ||
                     (rc = revl_mneed(A->v->t, fn, A->d.close, "close_date", err))))
    return rc;
  return 0;
}

/* Every deal of the after view, with its before row when it has one,
 * then the before deals that are gone: money and records per bucket. */
static int wf_scan(wf_state *st, wf_side *sides, const revl_mwin *w, revl_error *err) {
  wf_side *B = &sides[0], *A = &sides[1];
  revl_table *bt = (revl_table *)B->v->t;
  const revl_table *at = A->v->t;
  const revl_intern *ain = &at->store->strings;
  uint8_t *inb = revl_ma_calloc(&st->A, bt->nrows, 1);
  uint8_t *matched = revl_ma_calloc(&st->A, bt->nrows, 1);
  if (!inb || !matched) return OOM();
  for (size_t i = 0; i < B->v->n; i++) inb[revl_view_row(B->v, i)] = 1;
  const revl_column *apk = at->cols[at->pk];
  int nk = A->by.nk, rc;
  int64_t kb[REVL_METRIC_MAXBY + 1], ka[REVL_METRIC_MAXBY + 1];
  for (int pass = 0; pass < 2; pass++) {
    size_t n = pass == 0 ? A->v->n : B->v->n;
    for (size_t i = 0; i < n; i++) {
      int64_t ra = -1, rb = -1;
      if (pass == 0) {
        ra = (int64_t)revl_view_row(A->v, i);
        if (revl_col_valid(apk, (size_t)ra)) {
          if (bt == at) {
            rb = ra;
          } else {
            uint32_t id = apk->v.str[ra];
            rb = revl_table_find(bt, revl_intern_str(ain, id), revl_intern_len(ain, id));
          }
        }
        if (rb >= 0 && !inb[rb]) rb = -1;
        if (rb >= 0) matched[rb] = 1;
      } else {
        rb = (int64_t)revl_view_row(B->v, i);
        if (matched[rb]) continue;
      }
      int64_t ob = 0, oa = 0;
      int sb = rb >= 0 && wf_scope(B, w, (size_t)rb, &ob);
      int sa = ra >= 0 && wf_scope(A, w, (size_t)ra, &oa);
      if (!sb && !sa) continue;
      uint32_t cb = 0, ca = 0;
      int64_t amb = sb ? wf_amount(B, (size_t)rb, &cb) : 0;
      int64_t ama = sa ? wf_amount(A, (size_t)ra, &ca) : 0;
      uint32_t gb = 0, ga = 0;
      if (sb) {
        if (wf_key(B, ain, (size_t)rb, kb)) return OOM();
        kb[nk] = ob;
        int64_t g = revl_mgroup_get(&st->g, kb, (uint32_t)rb | WF_SIDE_B);
        if (g < 0) return OOM();
        gb = (uint32_t)g;
        if ((rc = wf_add(st, gb, WF_START, amb, cb, 0, (size_t)rb, 0, err))) return rc;
      }
      if (sa) {
        if (wf_key(A, ain, (size_t)ra, ka)) return OOM();
        ka[nk] = oa;
        int64_t g = revl_mgroup_get(&st->g, ka, (uint32_t)ra);
        if (g < 0) return OOM();
        ga = (uint32_t)g;
        if ((rc = wf_add(st, ga, WF_END, ama, ca, 1, (size_t)ra, 0, err))) return rc;
      }
      if (sb && sa && cb && ca && cb != ca)
        return revl_macc_mixed(st->fn, "a deal's amount in the two snapshots", cb, ca, err);
      if (sb && sa && ob == oa) {
        if (gb != ga && /* same period, another owner or segment */
            ((rc = wf_add(st, gb, WF_TOUT, amb, cb, 0, (size_t)rb, 1, err)) ||
             (rc = wf_add(st, ga, WF_TIN, amb, cb, 1, (size_t)ra, 1, err))))
          return rc;
        if (ama > amb)
          rc = wf_add(st, ga, WF_INC, ama - amb, ca ? ca : cb, 1, (size_t)ra, 1, err);
        else if (ama < amb)
          rc = wf_add(st, ga, WF_DEC, amb - ama, ca ? ca : cb, 1, (size_t)ra, 1, err);
        if (rc) return rc;
        continue;
      }
      if (sb) { /* leaves gb's scope */
        int bucket;
        if (ra < 0)
          bucket = WF_LOST;
        else if (revl_mcell_true(A->d.won, (size_t)ra))
          bucket = WF_WON;
        else if (revl_mcell_true(A->d.closed, (size_t)ra))
          bucket = WF_LOST;
        else
          bucket = WF_PUSHED;
        if ((rc = wf_add(st, gb, bucket, amb, cb, 0, (size_t)rb, 1, err)) ||
            (ra < 0 && (rc = wf_add(st, gb, WF_REMOVED, amb, cb, 0, (size_t)rb, 1, err))))
          return rc;
      }
      if (sa && /* enters ga's scope */
          (rc = wf_add(st, ga, rb < 0 ? WF_CREATED : WF_PULLED, ama, ca, 1, (size_t)ra, 1, err)))
        return rc;
    }
  }
  return 0;
}

/* One row of the ids frame: the deal of record r. */
static int wf_id_row(revl_mf *mi, const int *ci, int64_t frow, const wf_rec *r, wf_side *sides) {
  wf_side *sd = r->side ? &sides[1] : &sides[0];
  const revl_table *t = sd->v->t;
  return revl_mf_row_plain(mi) || revl_mf_int(mi, ci[0], frow) ||
         revl_mf_str(mi, ci[1], wf_names[r->bucket]) ||
         put_cell(mi->f, ci[2], t->cols[t->pk], r->row, &t->store->strings);
}

int revl_metric_waterfall(const revl_metric_ctx *cx, const revl_view *before,
                          const revl_view *after, const revl_waterfall_opts *o,
                          revl_waterfall_out *out, revl_error *err) {
  static const char fn[] = "waterfall";
  wf_side sides[2];
  memset(sides, 0, sizeof sides);
  memset(out, 0, sizeof *out);
  sides[0].v = before;
  sides[1].v = after;
  wf_side *B = &sides[0], *A = &sides[1];
  revl_mwin w;
  wf_state st;
  memset(&st, 0, sizeof st);
  st.fn = fn;
  revl_mf mf = {0}, mk = {0}, mt = {0}, mi = {0};
  revl_frame *kf = NULL;
  int have_g = 0, have_tr = 0;
  int rc = wf_setup(cx, o, sides, &w, err);
  if (rc) return rc;
  B->translate = B->v->t->store != A->v->t->store;
  if (revl_idmap_init(&B->tr, 64)) return OOM();
  have_tr = 1;
  if (revl_mgroup_init(&st.g, A->by.nk + 1)) {
    rc = OOM();
    goto out;
  }
  have_g = 1;
  if ((rc = wf_scan(&st, sides, &w, err))) goto out;
  size_t ng = st.g.n;
  if (ng && (rc = wf_add(&st, (uint32_t)ng - 1, WF_START, 0, 0, 0, 0, 0, err))) goto out;
  if (st.nrec) qsort(st.rec, st.nrec, sizeof *st.rec, wf_rec_cmp);
  const revl_table *at = A->v->t;
  uint32_t defc = revl_store_currency(at);
  /* the totals, added up in group order */
  revl_macc tot[WF_N];
  memset(tot, 0, sizeof tot);
  for (size_t g = 0; g < ng; g++)
    for (int b = 0; b < WF_N; b++) {
      const revl_macc *m = &st.acc[g * WF_N + (size_t)b];
      if (m->cur && (rc = revl_macc_add(fn, "'amount'", &tot[b], m->v, m->cur, err))) goto out;
    }
  /* group rows; strings of two stores go in the frame's own table */
  const revl_store *fs = B->translate ? NULL : at->store;
  int col[WF_N], kg;
  if (revl_mf_init(&mf, fs, fn, &A->by, &w) || wf_cols(&mf, col) ||
      revl_mf_init(&mk, fs, fn, &A->by, &w) ||
      (kg = revl_mf_col(&mk, "\x01group", REVL_T_INT, REVL_DK_PLAIN)) < 0) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    int e = wf_row(&mf, &st, sides, &w, g) || wf_row(&mk, &st, sides, &w, g) ||
            revl_mf_int(&mk, kg, (int64_t)g);
    for (int b = 0; !e && b < WF_N; b++)
      e = revl_mf_macc(&mf, col[b], &st.acc[g * WF_N + (size_t)b], defc);
    if (e) {
      rc = OOM();
      goto out;
    }
  }
  if ((rc = revl_mf_finish(&mf, 1, &out->frame, err)) || (rc = revl_mf_finish(&mk, 1, &kf, err)))
    goto out;
  /* the totals row */
  if (revl_mf_init(&mt, fs, fn, NULL, NULL) || wf_cols(&mt, col) || revl_mf_row_plain(&mt)) {
    rc = OOM();
    goto out;
  }
  for (int b = 0; b < WF_N; b++)
    if (revl_mf_macc(&mt, col[b], &tot[b], defc)) {
      rc = OOM();
      goto out;
    }
  if ((rc = revl_mf_finish(&mt, 0, &out->totals, err))) goto out;
  /* the deals behind the buckets: per row in frame order, then totals */
  const revl_column *apk = at->cols[at->pk];
  int ci[3];
  if (revl_mf_init(&mi, fs, fn, NULL, NULL) ||
      (ci[0] = revl_mf_col(&mi, "row", REVL_T_INT, REVL_DK_PLAIN)) < 0 ||
      (ci[1] = revl_mf_col(&mi, "bucket", REVL_T_STRING, REVL_DK_PLAIN)) < 0 ||
      (ci[2] = revl_frame_add_col(mi.f, "id", apk->type, fs ? &fs->strings : NULL)) < 0 ||
      revl_frame_reserve(mi.f, 2 * st.nrec)) {
    rc = OOM();
    goto out;
  }
  size_t *start = revl_ma_calloc(&st.A, ng + 1, sizeof *start);
  wf_tkey *tk = revl_ma_calloc(&st.A, st.nrec, sizeof *tk);
  if (!start || !tk) {
    rc = OOM();
    goto out;
  }
  for (size_t j = 0; j < st.nrec; j++) start[st.rec[j].g + 1]++;
  for (size_t g = 0; g < ng; g++) start[g + 1] += start[g];
  const int64_t *perm = kf->cols[kf->ncols - 1]->col.v.i64;
  for (size_t i = 0; i < kf->nrows; i++) {
    size_t g = (size_t)perm[i];
    for (size_t j = start[g]; j < start[g + 1]; j++)
      if (wf_id_row(&mi, ci, (int64_t)i + 1, &st.rec[j], sides)) {
        rc = OOM();
        goto out;
      }
  }
  for (size_t j = 0; j < st.nrec; j++) {
    const wf_rec *r = &st.rec[j];
    const revl_table *t = (r->side ? A : B)->v->t;
    const revl_column *pk = t->cols[t->pk];
    wf_tkey *k = &tk[j];
    k->rec = (uint32_t)j;
    k->bucket = r->bucket;
    if (!revl_col_valid(pk, r->row)) continue;
    if (pk->type == REVL_T_STRING) {
      k->s = revl_intern_str(&t->store->strings, pk->v.str[r->row]);
      k->len = revl_intern_len(&t->store->strings, pk->v.str[r->row]);
    } else if (pk->type == REVL_T_NUMBER) {
      k->num = pk->v.f64[r->row];
    } else if (pk->type == REVL_T_DATE) {
      k->i = pk->v.date[r->row];
    } else if (pk->type != REVL_T_BOOL) {
      k->i = pk->v.i64[r->row];
    }
  }
  if (st.nrec) qsort(tk, st.nrec, sizeof *tk, wf_tkey_cmp);
  for (size_t j = 0; j < st.nrec; j++)
    if (wf_id_row(&mi, ci, 0, &st.rec[tk[j].rec], sides)) {
      rc = OOM();
      goto out;
    }
  rc = revl_mf_finish(&mi, 0, &out->ids, err);
out:
  if (rc) {
    revl_frame_free(out->frame);
    revl_frame_free(out->totals);
    memset(out, 0, sizeof *out);
  }
  revl_frame_free(kf);
  revl_mf_free(&mf);
  revl_mf_free(&mk);
  revl_mf_free(&mt);
  revl_mf_free(&mi);
  if (have_g) revl_mgroup_free(&st.g);
  if (have_tr) revl_idmap_free(&B->tr);
  revl_marena_free(&st.A);
  return rc;
}
