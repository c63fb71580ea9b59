/*
 * mframe.h -- how a metric of src/metrics/ groups rows and builds its
 * result frame (no Lua here).
 *
 *   revl_marena  scratch memory of one metric call, freed at once
 *   revl_mby     the `by` fields resolved to columns ("owner",
 *                "account.region" through the FK's ref_row)
 *   revl_mgrp    rows to dense group numbers by (by keys, period)
 *   revl_mf      the result frame: key columns, `period`, the metric's
 *                columns, and `<col>_reason` columns for values that are
 *                nil for a reason; rows sorted by the keys at the end
 *   revl_idmap   intern id -> int (stage -> probability, category)
 *   revl_samples per-group values for medians and percentiles
 *
 * A metric builds one row per group in group order (the order its rows
 * first appear), then revl_mf_finish sorts by the key columns, nulls last,
 * as Lua frames of metrics have always been ordered.  Every function
 * returning int gives 0 or a negative REVL_E* code.
 */
#ifndef REVL_MFRAME_H
#define REVL_MFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/mcore.h"
#include "revl/frame.h"

/* ---- scratch memory ---------------------------------------------------- */

typedef struct revl_marena {
  void **p;
  size_t n, cap;
} revl_marena;

/* Zeroed n * size bytes that live until revl_marena_free, or NULL. */
void *revl_ma_calloc(revl_marena *a, size_t n, size_t size);
/* old (from this arena, or NULL) grown to n * size bytes, the new part
 * zeroed (oldn: its previous count); NULL when out of memory, old kept. */
void *revl_ma_grow(revl_marena *a, void *old, size_t oldn, size_t n,
                   size_t size);
void revl_marena_free(revl_marena *a);

/* Element g of the growable per-group array arr (cap elements), grown
 * (doubling, zeroed) as needed; NULL when out of memory. */
int revl_ma_at_(revl_marena *a, void **arr, size_t *cap, size_t g,
                size_t size);
static inline void *revl_ma_at(revl_marena *a, void **arr, size_t *cap,
                               size_t g, size_t size) {
  if (g >= *cap && !revl_ma_at_(a, arr, cap, g, size)) return NULL;
  return (char *)*arr + g * size;
}
#define REVL_MA_AT(A, arr, cap, g)                                             \
  revl_ma_at((A), (void **)&(arr), &(cap), (size_t)(g), sizeof *(arr))

/* ---- by keys ----------------------------------------------------------- */

typedef struct revl_mkey {
  const revl_table *h;     /* table holding the field */
  const revl_column *c;    /* the field */
  const revl_column *via;  /* FK column of the base table, or NULL */
  int ci;                  /* column index in h */
  const char *label;       /* as written: "owner", "owner.team" */
} revl_mkey;

typedef struct revl_mby {
  const revl_table *t;
  int nk;
  revl_mkey k[REVL_METRIC_MAXBY];
} revl_mby;

/* Resolve o->by[] on t ("revl.metrics.<fn>: t has no column 'x'"). */
int revl_mby_resolve(const revl_table *t, const char *fn,
                     const revl_by_opts *o, revl_mby *by, revl_error *err);

/* Row of the key's holder for base row `row`, or -1. */
static inline int64_t revl_mkey_row(const revl_mkey *k, size_t row) {
  if (!k->via) return (int64_t)row;
  if (!k->via->ref_row) return -1;
  return k->via->ref_row[row];
}
/* A cell as a hash part: string id, day, bits of a number (-0 == 0)...,
 * INT64_MIN for null. */
int64_t revl_mcell_key(const revl_column *c, size_t r);
static inline int64_t revl_mkey_part(const revl_mkey *k, size_t row) {
  int64_t r = revl_mkey_row(k, row);
  return r < 0 ? INT64_MIN : revl_mcell_key(k->c, (size_t)r);
}

/* ---- groups ------------------------------------------------------------ */

/* Rows to groups by the by parts plus the period ordinal.  One plain
 * string key without periods (by = "owner") goes through a table of
 * intern ids instead of hashing: the hot path of 1M-row metrics. */
typedef struct revl_mgrp {
  const revl_mby *by;
  const revl_mwin *w;
  revl_mgroup g;
  uint32_t *dense;
  size_t ndense;
  int one; /* no keys, no periods: everything is group 0 */
} revl_mgrp;

int revl_mgrp_init(revl_mgrp *G, const revl_mby *by, const revl_mwin *w);
void revl_mgrp_free(revl_mgrp *G);
int64_t revl_mgrp_slow_(revl_mgrp *G, size_t row, int64_t ord);
/* Group of base row `row` in bucket ord (0 without buckets): >= 0, or
 * REVL_ENOMEM. */
static inline int64_t revl_mgrp_of(revl_mgrp *G, size_t row, int64_t ord) {
  if (G->dense) {
    const revl_column *c = G->by->k[0].c;
    uint32_t id = revl_col_valid(c, row) ? c->v.str[row] : 0;
    uint32_t e = id < G->ndense ? G->dense[id] : 0;
    if (e) return e - 1;
  } else if (G->one && G->g.n) {
    return 0;
  }
  return revl_mgrp_slow_(G, row, ord);
}
/* Empty groups: every key seen gets a row for every period of a bounded
 * bucketed window (a rep without deals in May still shows May), and a
 * metric without `by` always has its row(s), even over no data. */
int revl_mgrp_fill(revl_mgrp *G);
static inline size_t revl_mgrp_n(const revl_mgrp *G) { return G->g.n; }
/* The period ordinal of group i. */
static inline int64_t revl_mgrp_ord(const revl_mgrp *G, size_t i) {
  return G->g.keys[(i + 1) * (size_t)G->g.nk - 1];
}
/* The base row a group was first seen at (for its key cells). */
static inline size_t revl_mgrp_first(const revl_mgrp *G, size_t i) {
  return G->g.first[i];
}

/* ---- result frames ----------------------------------------------------- */

#define REVL_MF_MAXREASON 24

typedef struct revl_mf {
  revl_frame *f;
  const revl_mby *by;
  const revl_mwin *w; /* NULL, or the window whose `period` rows carry */
  int nkey;           /* key columns: by, period, extra keys */
  int period;         /* column of `period`, or -1 */
  int nreason;
  int rval[REVL_MF_MAXREASON];  /* column whose reason it is */
  int rcol[REVL_MF_MAXREASON];  /* the reason column, or -1 until made */
  int rused[REVL_MF_MAXREASON]; /* order of first use (0 = unused) */
  int nused;
  int sealed_cols; /* columns fixed: reason columns were added */
} revl_mf;

/* Start the frame: by columns (typed as their fields), then `period`
 * when w is limited. */
int revl_mf_init(revl_mf *mf, const revl_store *s, const char *name,
                 const revl_mby *by, const revl_mwin *w);
/* An extra key column after by and period (sorted on, before the metric
 * columns); call before any revl_mf_col. */
int revl_mf_key(revl_mf *mf, const char *name, revl_type type,
                const revl_intern *dict);
/* A metric column; kind is its revl_display.  Returns its index. */
int revl_mf_col(revl_mf *mf, const char *name, revl_type type, int kind);
/* Start a row: the key cells of group g (from its first row) and its
 * period label.  Columns left unset in a row are null. */
int revl_mf_row(revl_mf *mf, const revl_mgrp *G, size_t g);
/* Start a row without a group (the caller pushes the key cells). */
int revl_mf_row_plain(revl_mf *mf);
/* Cells of the current row. */
int revl_mf_int(revl_mf *mf, int ci, int64_t v);
int revl_mf_num(revl_mf *mf, int ci, double v);
int revl_mf_money(revl_mf *mf, int ci, int64_t v, uint32_t code);
/* The sum in a, or 0 of defcode when nothing was added. */
int revl_mf_macc(revl_mf *mf, int ci, const revl_macc *a, uint32_t defcode);
int revl_mf_str(revl_mf *mf, int ci, const char *s);
int revl_mf_date(revl_mf *mf, int ci, int32_t d);
int revl_mf_bool(revl_mf *mf, int ci, int v);
/* A copy of cell (c, row) of the store (or null when row < 0). */
int revl_mf_cell(revl_mf *mf, int ci, const revl_column *c, int64_t row);
/* num / den, or null with `<name>_reason` = why when den is 0. */
int revl_mf_ratio(revl_mf *mf, int ci, double num, double den,
                  const char *why);
/* null with `<name>_reason` = why. */
int revl_mf_nil(revl_mf *mf, int ci, const char *why);
/* Finish: reason columns in the order first used (unused ones dropped),
 * rows sorted by the key columns (sort != 0), f->nkeys set.  *out gets
 * the frame (NULL on error); mf is consumed either way. */
int revl_mf_finish(revl_mf *mf, int sort, revl_frame **out, revl_error *err);
void revl_mf_free(revl_mf *mf);

/* ---- deal columns ------------------------------------------------------ */

/* The columns deal metrics read, each NULL when absent; a present one
 * of the wrong type is an error ("deals.x is INT, not the type this
 * metric reads"). */
typedef struct revl_mdeals {
  const revl_column *id, *amount, *close, *created, *closed, *won, *stage,
      *prob, *fcat, *owner;
} revl_mdeals;

int revl_mdeal_cols(const revl_table *t, const char *fn, revl_mdeals *d,
                    revl_error *err);
/* "revl.metrics.<fn>: t has no column 'name'" when c is NULL, else 0. */
int revl_mneed(const revl_table *t, const char *fn, const revl_column *c,
               const char *name, revl_error *err);
static inline int revl_mcell_true(const revl_column *c, size_t row) {
  return c && revl_col_valid(c, row) && c->v.b[row];
}

/* ---- id -> int map ----------------------------------------------------- */

typedef struct revl_idmap {
  uint32_t *k;
  int32_t *v;
  size_t mask, n;
} revl_idmap;

int revl_idmap_init(revl_idmap *m, size_t cap);
void revl_idmap_free(revl_idmap *m);
int revl_idmap_put(revl_idmap *m, uint32_t id, int32_t v);
static inline int revl_idmap_get(const revl_idmap *m, uint32_t id,
                                 int32_t *v) {
  size_t s = (id * 0x9e3779b1u) & m->mask;
  while (m->k[s] && m->k[s] != id) s = (s + 1) & m->mask;
  if (!m->k[s]) return 0;
  *v = m->v[s];
  return 1;
}

/* ---- order statistics per group ---------------------------------------- */

/* (group, value) samples collected in one pass, then laid out per group
 * (a counting sort by group; values in the order added) for medians and
 * percentiles.  revl_samples_pct reorders a group's values, so a mean
 * taken after it sums in that order. */
typedef struct revl_samples {
  uint32_t *g;
  double *v;
  size_t n, cap;
  uint32_t *off; /* after sort: group k is sorted[off[k]..off[k+1]) */
  double *sorted;
} revl_samples;

int revl_samples_grow_(revl_samples *S);
static inline int revl_samples_add(revl_samples *S, uint32_t g, double v) {
  if (S->n == S->cap && revl_samples_grow_(S)) return REVL_ENOMEM;
  S->g[S->n] = g;
  S->v[S->n++] = v;
  return 0;
}
int revl_samples_sort(revl_samples *S, size_t ngroups);
static inline size_t revl_samples_count(const revl_samples *S, size_t g) {
  return S->off[g + 1] - S->off[g];
}
/* Percentile p (0..100) of group g, which must have samples. */
double revl_samples_pct(const revl_samples *S, size_t g, double p);
/* Mean of group g (which must have samples), summed in sorted order. */
double revl_samples_mean(const revl_samples *S, size_t g);
void revl_samples_free(revl_samples *S);

#endif
