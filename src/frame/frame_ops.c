/*
 * frame_ops.c -- sorting, gathering and grouping result frames (see
 * revl/frame.h).
 *
 * Sorting is a stable merge sort of a row permutation; strings compare
 * through a rank of the distinct ids present, computed once per sort, so
 * no comparison touches string bytes.  Grouping hashes key values as
 * int64 tuples (string ids, number bits, money amount and currency)
 * with revl_mgroup and accumulates every aggregate in one pass over the
 * rows into per-group arrays; percentiles gather each group's values
 * through a counting sort of the rows by group.  Nothing is allocated
 * per row or per group.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/frame.h"
#include "revl/metrics.h"

#define NOMEM(err) revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

/* ---- string ranks ------------------------------------------------------ */

/* A string's first 8 bytes as a big-endian number (zero padded): the
 * numbers compare as the strings' first 8 bytes do under strcmp, so a
 * sort compares integers and reads the strings only on a tie. */
typedef struct rank_key {
  uint64_t prefix;
  uint32_t id;
} rank_key;

static const revl_intern *g_rank_dict; /* qsort has no context in C11 */

static uint64_t prefix8(const char *s) {
  uint64_t p = 0;
  int i = 0;
  for (; i < 8 && s[i]; i++) p = p << 8 | (unsigned char)s[i];
  return i ? p << (8 * (8 - i)) : 0; /* "" would shift by 64 */
}

/* LSD radix sort of keys by prefix, 8 bits a pass (a pass where every
 * key has the same byte is skipped); stable, so equal prefixes stay in
 * id order.  The result is in a. */
static void radix_prefix(rank_key *a, rank_key *tmp, size_t n) {
  rank_key *src = a, *dst = tmp;
  for (int shift = 0; shift < 64; shift += 8) {
    size_t cnt[256] = {0};
    for (size_t i = 0; i < n; i++) cnt[(src[i].prefix >> shift) & 255]++;
    if (cnt[(src[0].prefix >> shift) & 255] == n) continue;
    size_t sum = 0;
    for (int b = 0; b < 256; b++) {
      size_t t = cnt[b];
      cnt[b] = sum;
      sum += t;
    }
    for (size_t i = 0; i < n; i++) dst[cnt[(src[i].prefix >> shift) & 255]++] = src[i];
    rank_key *t = src;
    src = dst;
    dst = t;
  }
  if (src != a) memcpy(a, src, n * sizeof *a);
}

static int cmp_rank_ties(const void *a, const void *b) {
  const rank_key *x = a, *y = b;
  int r = strcmp(revl_intern_str(g_rank_dict, x->id), revl_intern_str(g_rank_dict, y->id));
  return r ? r : (x->id > y->id) - (x->id < y->id);
}

/* rank[id] for every id of column c's dict that c holds: byte order of
 * the strings (equal strings share an id, so ranks are distinct), 1 to
 * *nranks.  The strings' first 8 bytes are radix sorted, runs that share
 * them sorted by their bytes; only the ids between the smallest and the
 * largest present are visited. */
static uint32_t *string_ranks(const revl_fcol *fc, size_t nrows, size_t *nranks) {
  const revl_intern *d = fc->dict;
  uint32_t *rank = calloc(d->n ? d->n : 1, sizeof *rank);
  rank_key *keys = NULL, *tmp = NULL;
  if (!rank) return NULL;
  size_t k = 0;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (size_t i = 0; i < nrows; i++) {
    if (!revl_col_valid(&fc->col, i)) continue;
    uint32_t id = fc->col.v.str[i];
    if (!rank[id]) {
      rank[id] = 1, k++;
      lo = id < lo ? id : lo;
      hi = id > hi ? id : hi;
    }
  }
  *nranks = k;
  if (!k) return rank;
  keys = malloc(k * sizeof *keys);
  tmp = malloc(k * sizeof *tmp);
  if (!keys || !tmp) {
    free(keys);
    free(tmp);
    free(rank);
    return NULL;
  }
  size_t j = 0;
  for (uint32_t id = lo; id <= hi; id++)
    if (rank[id]) keys[j].id = id, keys[j++].prefix = prefix8(revl_intern_str(d, id));
  radix_prefix(keys, tmp, k);
  g_rank_dict = d;
  for (size_t a = 0; a < k;) { /* runs of one prefix: by the whole bytes */
    size_t b = a + 1;
    while (b < k && keys[b].prefix == keys[a].prefix) b++;
    if (b - a > 1) qsort(keys + a, b - a, sizeof *keys, cmp_rank_ties);
    a = b;
  }
  for (size_t r = 0; r < k; r++) rank[keys[r].id] = (uint32_t)r + 1;
  free(keys);
  free(tmp);
  return rank;
}

/* ---- sort ------------------------------------------------------------- */

typedef struct sort_ctx {
  const revl_frame *f;
  const revl_sortkey *keys;
  int nk;
  uint32_t **rank; /* per key: string ranks or NULL */
} sort_ctx;

static int cmp_cell(const sort_ctx *x, int k, uint32_t a, uint32_t b) {
  const revl_fcol *fc = x->f->cols[x->keys[k].col];
  const revl_column *c = &fc->col;
  int va = revl_col_valid(c, a), vb = revl_col_valid(c, b);
  if (!va || !vb) return va == vb ? 0 : va ? -1 : 1; /* nulls last */
  int r;
  switch (c->type) {
  case REVL_T_STRING: {
    uint32_t ia = c->v.str[a], ib = c->v.str[b];
    if (!x->rank[k]) { /* few rows over a big dict: compare the bytes */
      r = ia == ib ? 0 : strcmp(revl_intern_str(fc->dict, ia), revl_intern_str(fc->dict, ib));
      r = (r > 0) - (r < 0);
      break;
    }
    uint32_t ra = x->rank[k][ia], rb = x->rank[k][ib];
    r = (ra > rb) - (ra < rb);
    break;
  }
  case REVL_T_NUMBER: {
    double da = c->v.f64[a], db = c->v.f64[b];
    r = (da > db) - (da < db);
    break;
  }
  case REVL_T_DATE: r = (c->v.date[a] > c->v.date[b]) - (c->v.date[a] < c->v.date[b]); break;
  case REVL_T_BOOL: r = (c->v.b[a] > c->v.b[b]) - (c->v.b[a] < c->v.b[b]); break;
  case REVL_T_MONEY:
    if (c->cur[a] != c->cur[b]) {
      r = strcmp(revl_intern_str(fc->dict, c->cur[a]), revl_intern_str(fc->dict, c->cur[b]));
      if (r) break;
    }
    /* fall through */
  default: r = (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]); break;
  }
  return x->keys[k].desc ? -r : r;
}

static int cmp_rows(const sort_ctx *x, uint32_t a, uint32_t b) {
  for (int k = 0; k < x->nk; k++) {
    int r = cmp_cell(x, k, a, b);
    if (r) return r;
  }
  return 0;
}

static void merge_sort(const sort_ctx *x, uint32_t *v, uint32_t *tmp, size_t n) {
  if (n < 16) { /* insertion sort: stable */
    for (size_t i = 1; i < n; i++) {
      uint32_t e = v[i];
      size_t j = i;
      while (j > 0 && cmp_rows(x, v[j - 1], e) > 0) v[j] = v[j - 1], j--;
      v[j] = e;
    }
    return;
  }
  size_t h = n / 2;
  merge_sort(x, v, tmp, h);
  merge_sort(x, v + h, tmp, n - h);
  if (cmp_rows(x, v[h - 1], v[h]) <= 0) return;
  memcpy(tmp, v, h * sizeof *v);
  size_t i = 0, j = h, o = 0;
  while (i < h && j < n) v[o++] = cmp_rows(x, v[j], tmp[i]) < 0 ? v[j++] : tmp[i++];
  while (i < h) v[o++] = tmp[i++];
}

/* Reorder every column of f by perm (in place, one scratch buffer). */
static int permute(revl_frame *f, const uint32_t *perm) {
  size_t n = f->nrows;
  void *buf = malloc((n ? n : 1) * 8);
  uint64_t *valid = calloc((n + 63) / 64 + 1, 8);
  if (!buf || !valid) {
    free(buf);
    free(valid);
    return REVL_ENOMEM;
  }
  for (int ci = 0; ci < f->ncols; ci++) {
    revl_column *c = &f->cols[ci]->col;
    size_t sz = revl_type_size(c->type);
    switch (sz) { /* fixed-size moves, not a memcpy call per cell */
    case 1:
      for (size_t i = 0; i < n; i++) ((uint8_t *)buf)[i] = c->v.b[perm[i]];
      break;
    case 4:
      for (size_t i = 0; i < n; i++) ((uint32_t *)buf)[i] = c->v.str[perm[i]];
      break;
    default:
      for (size_t i = 0; i < n; i++) ((int64_t *)buf)[i] = c->v.i64[perm[i]];
      break;
    }
    memcpy(c->v.any, buf, n * sz);
    memset(valid, 0, ((n + 63) / 64) * 8);
    for (size_t i = 0; i < n; i++)
      if (revl_col_valid(c, perm[i])) valid[i >> 6] |= 1ull << (i & 63);
    memcpy(c->valid, valid, ((n + 63) / 64) * 8);
    if (c->type == REVL_T_MONEY && c->cur) {
      uint32_t *cb = buf;
      for (size_t i = 0; i < n; i++) cb[i] = c->cur[perm[i]];
      memcpy(c->cur, cb, n * sizeof *cb);
    }
  }
  free(buf);
  free(valid);
  return 0;
}

int revl_frame_sort(revl_frame *f, const revl_sortkey *keys, int nk,
                    revl_error *err) {
  size_t n = f->nrows;
  int rc = 0;
  uint32_t *perm = NULL, *tmp = NULL;
  uint32_t *rank[16] = {0};
  if (nk > 16) return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "sort takes at most 16 keys");
  for (int k = 0; k < nk; k++)
    if (keys[k].col < 0 || keys[k].col >= f->ncols)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "sort: column %d out of range", keys[k].col);
  if (n < 2) return 0;
  perm = malloc(n * sizeof *perm);
  tmp = malloc((n / 2 + 1) * sizeof *tmp);
  if (!perm || !tmp) goto nomem;
  /* ranks cost a pass over the whole dict: worth it for many rows, not
   * for a few hundred groups of a million-string store */
  size_t nranks[16] = {0};
  for (int k = 0; k < nk; k++)
    if (f->cols[keys[k].col]->col.type == REVL_T_STRING &&
        n * 16 >= f->cols[keys[k].col]->dict->n &&
        !(rank[k] = string_ranks(f->cols[keys[k].col], n, &nranks[k])))
      goto nomem;
  if (nk == 1 && rank[0]) {
    /* one text key: ranks are dense (1..k), so a counting sort places
     * every row in O(n + k), stably, without comparing anything */
    const revl_column *c = &f->cols[keys[0].col]->col;
    size_t k = nranks[0];
    uint32_t *cnt = calloc(k + 2, sizeof *cnt);
    if (!cnt) goto nomem;
    for (size_t i = 0; i < n; i++) {
      uint32_t r = revl_col_valid(c, i) ? rank[0][c->v.str[i]] : (uint32_t)k + 1;
      if (keys[0].desc && r <= k) r = (uint32_t)k + 1 - r;
      cnt[r]++;
    }
    /* cnt[r] = rows of rank r (1..k+1); make it the start of rank r */
    uint32_t sum = 0;
    for (size_t r = 0; r <= k + 1; r++) {
      uint32_t t = cnt[r];
      cnt[r] = sum;
      sum += t;
    }
    for (size_t i = 0; i < n; i++) {
      uint32_t r = revl_col_valid(c, i) ? rank[0][c->v.str[i]] : (uint32_t)k + 1;
      if (keys[0].desc && r <= k) r = (uint32_t)k + 1 - r;
      perm[cnt[r]++] = (uint32_t)i;
    }
    free(cnt);
  } else {
    for (size_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
    sort_ctx x = {f, keys, nk, rank};
    merge_sort(&x, perm, tmp, n);
  }
  if (permute(f, perm)) goto nomem;
  goto out;
nomem:
  rc = NOMEM(err);
out:
  for (int k = 0; k < nk; k++) free(rank[k]);
  free(perm);
  free(tmp);
  return rc;
}

/* ---- gathering ---------------------------------------------------------- */

/* An empty frame with f's columns (names, types, dicts, kinds), keys
 * and name; its own strings are a copy of f's, so own ids stay valid. */
static revl_frame *frame_like(const revl_frame *f) {
  revl_frame *o = revl_frame_new(f->store);
  if (!o) return NULL;
  if (revl_intern_copy(&o->own, &f->own) || revl_frame_set_name(o, f->name)) goto fail;
  for (int ci = 0; ci < f->ncols; ci++) {
    const revl_fcol *fc = f->cols[ci];
    int k = revl_frame_add_col(o, fc->col.name, fc->col.type,
                               fc->dict == &f->own ? NULL : fc->dict);
    if (k < 0) goto fail;
    o->cols[k]->kind = fc->kind;
  }
  o->nkeys = f->nkeys;
  return o;
fail:
  revl_frame_free(o);
  return NULL;
}

int revl_frame_take(const revl_frame *f, const uint32_t *rows, size_t n,
                    revl_frame **out, revl_error *err) {
  *out = NULL;
  revl_frame *o = frame_like(f);
  if (!o || revl_frame_reserve(o, n ? n : 1)) {
    revl_frame_free(o);
    return NOMEM(err);
  }
  for (int ci = 0; ci < f->ncols; ci++) {
    const revl_column *c = &f->cols[ci]->col;
    revl_column *d = &o->cols[ci]->col;
    size_t sz = revl_type_size(c->type);
    for (size_t i = 0; i < n; i++) {
      size_t r = rows[i];
      if (r >= f->nrows) {
        revl_frame_free(o);
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "take: row %zu out of range", r + 1);
      }
      memcpy((char *)d->v.any + i * sz, (const char *)c->v.any + r * sz, sz);
      if (d->cur) d->cur[i] = c->cur ? c->cur[r] : 0;
      if (revl_col_valid(c, r)) d->valid[i >> 6] |= 1ull << (i & 63);
      else d->nnull++;
    }
    d->n = n;
  }
  o->nrows = n;
  *out = o;
  return 0;
}

int revl_frame_limit(const revl_frame *f, size_t n, revl_frame **out,
                     revl_error *err) {
  if (n > f->nrows) n = f->nrows;
  uint32_t *rows = malloc((n ? n : 1) * sizeof *rows);
  if (!rows) return NOMEM(err);
  for (size_t i = 0; i < n; i++) rows[i] = (uint32_t)i;
  int rc = revl_frame_take(f, rows, n, out, err);
  free(rows);
  return rc;
}

int revl_frame_filter(const revl_frame *f, revl_frame_pred keep, void *ctx,
                      revl_frame **out, revl_error *err) {
  *out = NULL;
  uint32_t *rows = malloc((f->nrows ? f->nrows : 1) * sizeof *rows);
  if (!rows) return NOMEM(err);
  size_t k = 0;
  int rc = 0;
  for (size_t i = 0; i < f->nrows; i++) {
    int r = keep(f, i, ctx, err);
    if (r < 0) {
      rc = r;
      goto out;
    }
    if (r > 0) rows[k++] = (uint32_t)i;
  }
  rc = revl_frame_take(f, rows, k, out, err);
out:
  free(rows);
  return rc;
}

/* ---- renaming ----------------------------------------------------------- */

int revl_frame_rename(const revl_frame *f, const char *const *from,
                      const char *const *to, int n, revl_frame **out,
                      revl_error *err) {
  *out = NULL;
  const char **names = calloc(f->ncols ? (size_t)f->ncols : 1, sizeof *names);
  if (!names) return NOMEM(err);
  int rc = 0;
  for (int ci = 0; ci < f->ncols; ci++) names[ci] = f->cols[ci]->col.name;
  for (int i = 0; i < n; i++) {
    int ci = revl_frame_col_index(f, from[i]);
    if (ci < 0) {
      revl_near nr;
      revl_near_init(&nr, from[i]);
      for (int k = 0; k < f->ncols; k++) revl_near_add(&nr, f->cols[k]->col.name);
      char hint[160];
      rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "rename: frame has no column '%s'%s",
                          from[i], revl_near_hint(&nr, hint, sizeof hint));
      goto out;
    }
    if (!to[i] || !to[i][0]) {
      rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "rename: the new name of '%s' is empty",
                          from[i]);
      goto out;
    }
    names[ci] = to[i];
  }
  for (int a = 0; a < f->ncols; a++)
    for (int b = a + 1; b < f->ncols; b++)
      if (strcmp(names[a], names[b]) == 0) {
        rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "rename: two columns would be named '%s'", names[a]);
        goto out;
      }
  revl_frame *o = revl_frame_new(f->store);
  if (!o || revl_intern_copy(&o->own, &f->own) || revl_frame_set_name(o, f->name) ||
      revl_frame_set_window(o, f->window, f->window_note)) {
    revl_frame_free(o);
    rc = NOMEM(err);
    goto out;
  }
  for (int ci = 0; ci < f->ncols; ci++) {
    const revl_fcol *fc = f->cols[ci];
    int k = revl_frame_add_col(o, names[ci], fc->col.type,
                               fc->dict == &f->own ? NULL : fc->dict);
    if (k < 0 || revl_frame_reserve(o, f->nrows ? f->nrows : 1)) {
      revl_frame_free(o);
      rc = NOMEM(err);
      goto out;
    }
    revl_column *d = &o->cols[k]->col;
    const revl_column *c = &fc->col;
    o->cols[k]->kind = fc->kind;
    if (f->nrows) {
      memcpy(d->v.any, c->v.any, f->nrows * revl_type_size(c->type));
      memcpy(d->valid, c->valid, ((f->nrows + 63) >> 6) * sizeof *d->valid);
      if (d->cur && c->cur) memcpy(d->cur, c->cur, f->nrows * sizeof *d->cur);
    }
    d->n = f->nrows;
    d->nnull = c->nnull;
  }
  o->nkeys = f->nkeys;
  o->nrows = f->nrows;
  *out = o;
out:
  free(names);
  return rc;
}
