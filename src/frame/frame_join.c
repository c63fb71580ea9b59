/*
 * frame_join.c -- hash join of two frames and an index of one column
 * (see revl/frame.h).
 *
 * Join: r's rows are bucketed by key (a counting sort into CSR lists,
 * so each key's rows stay in r's order); l's rows then look their key up
 * once each.  String keys are intern ids: r's distinct ids are mapped to
 * l's once (revl_intern_find when the dicts differ), after which every
 * lookup is an array read.  Strings of r's own dict are re-interned
 * into the result's own table once per distinct id.  Nothing is
 * allocated per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/frame.h"
#include "revl/metrics.h"

#define NOMEM(err) revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")
#define NONE UINT32_MAX

/* Non-string types that join and index by their int64 value. */
static int int_key_type(revl_type t) {
  return t == REVL_T_INT || t == REVL_T_DATE || t == REVL_T_DATETIME ||
         t == REVL_T_BOOL || t == REVL_T_MONEY;
}

/* Row i's key value (a non-string key type). */
static int64_t int_key(const revl_column *c, size_t i) {
  switch (c->type) {
  case REVL_T_DATE: return c->v.date[i];
  case REVL_T_BOOL: return c->v.b[i];
  default: return c->v.i64[i];
  }
}

/* dst = src gathered through idx[0..n) (NONE = null); ids of strings and
 * currencies pass through map when map is set. */
static void gather(revl_column *dst, const revl_column *src,
                   const uint32_t *idx, size_t n, const uint32_t *map) {
  size_t sz = revl_type_size(src->type);
  char *out = dst->v.any;
  const char *in = src->v.any;
  for (size_t i = 0; i < n; i++) {
    uint32_t r = idx[i];
    if (r != NONE && revl_col_valid(src, r)) {
      if (map && src->type == REVL_T_STRING)
        dst->v.str[i] = map[src->v.str[r]];
      else
        memcpy(out + i * sz, in + (size_t)r * sz, sz);
      if (dst->cur) dst->cur[i] = map ? map[src->cur[r]] : src->cur[r];
      dst->valid[i >> 6] |= 1ull << (i & 63);
    } else {
      memset(out + i * sz, 0, sz);
      if (dst->cur) dst->cur[i] = 0;
      dst->nnull++;
    }
  }
  dst->n = n;
}

/* map[id] for every id of r's own table, interned into o's. */
static uint32_t *own_map(revl_frame *o, const revl_intern *src) {
  uint32_t *map = calloc(src->n ? src->n : 1, sizeof *map);
  if (!map) return NULL;
  for (uint32_t id = 1; id < src->n; id++)
    if (!(map[id] = revl_intern_add(&o->own, revl_intern_str(src, id),
                                    revl_intern_len(src, id)))) {
      free(map);
      return NULL;
    }
  return map;
}

/* Buckets of r's keys: by l's string id, or by value. */
typedef struct keymap {
  uint32_t *by_id;  /* STRING: l id -> bucket + 1 (0 none) */
  uint32_t nid;
  revl_mgroup g;    /* other types: value -> bucket */
  int str;
} keymap;

int revl_frame_join(const revl_frame *l, int lkey, const revl_frame *r,
                    int rkey, int left, revl_frame **out, revl_error *err) {
  *out = NULL;
  if (lkey < 0 || lkey >= l->ncols || rkey < 0 || rkey >= r->ncols)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "join: key column out of range");
  const revl_fcol *lk = l->cols[lkey], *rk = r->cols[rkey];
  revl_type lt = lk->col.type, rt = rk->col.type;
  int str = lt == REVL_T_STRING;
  if (lt != rt || (!str && !int_key_type(lt)))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "join: cannot join %s '%s' to %s '%s'", revl_type_name(lt),
                          lk->col.name, revl_type_name(rt), rk->col.name);
  int rc = 0;
  keymap km = {0};
  km.str = str;
  uint32_t *bucket = NULL, *off = NULL, *rrows = NULL, *rid2l = NULL;
  uint32_t *lb = NULL, *lrow = NULL, *rrow = NULL, *omap = NULL;
  revl_frame *o = NULL;
  size_t nl = l->nrows, nr = r->nrows, nb = 0;
  if (!str && revl_mgroup_init(&km.g, 1)) goto nomem;
  bucket = malloc((nr ? nr : 1) * sizeof *bucket);
  lb = malloc((nl ? nl : 1) * sizeof *lb);
  if (!bucket || !lb) goto nomem;
  if (str) {
    const revl_intern *ld = lk->dict, *rd = rk->dict;
    km.nid = ld->n ? ld->n : 1;
    km.by_id = calloc(km.nid, sizeof *km.by_id);
    if (!km.by_id) goto nomem;
    if (ld != rd) {
      /* r id -> l id (0: l never has the text), found once per id */
      rid2l = malloc((rd->n ? rd->n : 1) * sizeof *rid2l);
      if (!rid2l) goto nomem;
      for (uint32_t id = 0; id < rd->n; id++) rid2l[id] = NONE;
    }
    for (size_t i = 0; i < nr; i++) {
      bucket[i] = NONE;
      if (!revl_col_valid(&rk->col, i)) continue;
      uint32_t id = rk->col.v.str[i];
      if (rid2l) {
        if (rid2l[id] == NONE)
          rid2l[id] = revl_intern_find(ld, revl_intern_str(rd, id), revl_intern_len(rd, id));
        id = rid2l[id];
      }
      if (!id || id >= km.nid) continue;
      if (!km.by_id[id]) km.by_id[id] = (uint32_t)++nb;
      bucket[i] = km.by_id[id] - 1;
    }
    for (size_t i = 0; i < nl; i++)
      lb[i] = revl_col_valid(&lk->col, i) && km.by_id[lk->col.v.str[i]]
              ? km.by_id[lk->col.v.str[i]] - 1 : NONE;
  } else {
    for (size_t i = 0; i < nr; i++) {
      bucket[i] = NONE;
      if (!revl_col_valid(&rk->col, i)) continue;
      int64_t k = int_key(&rk->col, i);
      int64_t g = revl_mgroup_get(&km.g, &k, (uint32_t)i);
      if (g < 0) goto nomem;
      bucket[i] = (uint32_t)g;
    }
    nb = km.g.n;
    for (size_t i = 0; i < nl; i++) {
      lb[i] = NONE;
      if (!revl_col_valid(&lk->col, i)) continue;
      int64_t k = int_key(&lk->col, i);
      int64_t g = revl_mgroup_find(&km.g, &k);
      if (g >= 0) lb[i] = (uint32_t)g;
    }
  }
  /* r's rows per bucket, in r's order */
  off = calloc(nb + 2, sizeof *off);
  rrows = malloc((nr ? nr : 1) * sizeof *rrows);
  if (!off || !rrows) goto nomem;
  for (size_t i = 0; i < nr; i++)
    if (bucket[i] != NONE) off[bucket[i] + 2]++;
  for (size_t b = 2; b < nb + 2; b++) off[b] += off[b - 1];
  for (size_t i = 0; i < nr; i++)
    if (bucket[i] != NONE) rrows[off[bucket[i] + 1]++] = (uint32_t)i;
  /* now off[b]..off[b+1] are bucket b's rows */
  size_t nout = 0;
  for (size_t i = 0; i < nl; i++)
    nout += lb[i] != NONE ? off[lb[i] + 1] - off[lb[i]] : (size_t)(left != 0);
  if (nout >= NONE) {
    rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "join: %zu rows is too many", nout);
    goto out;
  }
  lrow = malloc((nout ? nout : 1) * sizeof *lrow);
  rrow = malloc((nout ? nout : 1) * sizeof *rrow);
  if (!lrow || !rrow) goto nomem;
  size_t k = 0;
  for (size_t i = 0; i < nl; i++) {
    if (lb[i] == NONE) {
      if (left) lrow[k] = (uint32_t)i, rrow[k++] = NONE;
      continue;
    }
    for (uint32_t j = off[lb[i]]; j < off[lb[i] + 1]; j++)
      lrow[k] = (uint32_t)i, rrow[k++] = rrows[j];
  }
  /* the result: l's columns, then r's but the key */
  o = revl_frame_new(l->store);
  if (!o || revl_intern_copy(&o->own, &l->own) || revl_frame_set_name(o, l->name))
    goto nomem;
  for (int ci = 0; ci < l->ncols; ci++) {
    const revl_fcol *fc = l->cols[ci];
    int c = revl_frame_add_col(o, fc->col.name, fc->col.type,
                               fc->dict == &l->own ? NULL : fc->dict);
    if (c < 0 || revl_col_reserve(revl_frame_col(o, c), nout ? nout : 1)) goto nomem;
    o->cols[c]->kind = fc->kind;
    gather(revl_frame_col(o, c), &fc->col, lrow, nout, NULL);
  }
  for (int ci = 0; ci < r->ncols; ci++) {
    if (ci == rkey) continue;
    const revl_fcol *fc = r->cols[ci];
    int own = fc->dict == &r->own;
    if (own && !omap && !(omap = own_map(o, &r->own))) goto nomem;
    char name[512];
    const char *nm = fc->col.name;
    if (revl_frame_col_index(o, nm) >= 0) {
      snprintf(name, sizeof name, "%s_right", nm);
      nm = name;
    }
    int c = revl_frame_add_col(o, nm, fc->col.type, own ? NULL : fc->dict);
    if (c == REVL_EUSAGE) {
      rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "join: column '%s' given twice", nm);
      goto out;
    }
    if (c < 0 || revl_col_reserve(revl_frame_col(o, c), nout ? nout : 1)) goto nomem;
    o->cols[c]->kind = fc->kind;
    gather(revl_frame_col(o, c), &fc->col, rrow, nout, own ? omap : NULL);
  }
  o->nrows = nout;
  o->nkeys = l->nkeys;
  goto out;
nomem:
  rc = NOMEM(err);
out:
  if (!str) revl_mgroup_free(&km.g);
  free(km.by_id);
  free(bucket);
  free(off);
  free(rrows);
  free(rid2l);
  free(lb);
  free(lrow);
  free(rrow);
  free(omap);
  if (rc) revl_frame_free(o);
  else *out = o;
  return rc;
}

/* ---- index ------------------------------------------------------------- */

struct revl_frame_index {
  int str;
  const revl_intern *dict;
  uint32_t *by_id; /* STRING: id -> row + 1 */
  uint32_t nid;
  revl_mgroup g;   /* others: value -> group, first = row */
};

int revl_frame_index_new(const revl_frame *f, int col, revl_frame_index **out,
                         revl_error *err) {
  *out = NULL;
  if (col < 0 || col >= f->ncols)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "index: column %d out of range", col);
  const revl_fcol *fc = f->cols[col];
  int str = fc->col.type == REVL_T_STRING;
  if (!str && !int_key_type(fc->col.type))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "index: cannot index %s column '%s'",
                          revl_type_name(fc->col.type), fc->col.name);
  revl_frame_index *ix = calloc(1, sizeof *ix);
  if (!ix) return NOMEM(err);
  ix->str = str;
  ix->dict = fc->dict;
  if (str) {
    ix->nid = fc->dict->n ? fc->dict->n : 1;
    if (!(ix->by_id = calloc(ix->nid, sizeof *ix->by_id))) goto nomem;
    for (size_t i = 0; i < f->nrows; i++) {
      if (!revl_col_valid(&fc->col, i)) continue;
      uint32_t id = fc->col.v.str[i];
      if (id < ix->nid && !ix->by_id[id]) ix->by_id[id] = (uint32_t)i + 1;
    }
  } else {
    if (revl_mgroup_init(&ix->g, 1)) goto nomem;
    for (size_t i = 0; i < f->nrows; i++) {
      if (!revl_col_valid(&fc->col, i)) continue;
      int64_t k = int_key(&fc->col, i);
      if (revl_mgroup_get(&ix->g, &k, (uint32_t)i) < 0) goto nomem;
    }
  }
  *out = ix;
  return 0;
nomem:
  revl_frame_index_free(ix);
  return NOMEM(err);
}

void revl_frame_index_free(revl_frame_index *ix) {
  if (!ix) return;
  free(ix->by_id);
  if (!ix->str) revl_mgroup_free(&ix->g);
  free(ix);
}

int64_t revl_frame_index_str(const revl_frame_index *ix, const char *s, size_t n) {
  if (!ix->str) return -1;
  uint32_t id = revl_intern_find(ix->dict, s, n);
  if (!id || id >= ix->nid || !ix->by_id[id]) return -1;
  return (int64_t)ix->by_id[id] - 1;
}

int64_t revl_frame_index_i64(const revl_frame_index *ix, int64_t v) {
  if (ix->str) return -1;
  int64_t g = revl_mgroup_find(&ix->g, &v);
  return g < 0 ? -1 : (int64_t)ix->g.first[g];
}
