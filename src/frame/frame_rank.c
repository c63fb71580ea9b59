/*
 * frame_rank.c -- sorting a frame with stage columns in funnel order
 * (see revl/stage_order.h).  Each ranked key gets a temporary INT column
 * of ranks (a value's place in the order; values the order does not list
 * share the rank after the last; nulls stay null), sorted on before the
 * key itself, so unlisted values fall back to byte order among
 * themselves and nulls stay last.  The temporary columns are dropped
 * after the sort.  One pass over the rows per ranked key: the frames
 * sorted this way are results (one row per group), not tables.
 */
#include "revl/stage_order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXK 32

static void drop_last(revl_frame *f) {
  revl_fcol *c = f->cols[--f->ncols];
  free(c->col.name);
  free(c->col.valid);
  free(c->col.v.any);
  free(c->col.cur);
  free(c);
}

/* Append the rank column of key column ci under order o. */
static int rank_col(revl_frame *f, int ci, const revl_stage_order *o, int tag) {
  char name[24];
  snprintf(name, sizeof name, "\x01rank%d", tag);
  int ri = revl_frame_add_col(f, name, REVL_T_INT, NULL);
  if (ri < 0) return ri;
  revl_column *r = revl_frame_col(f, ri);
  const revl_fcol *kc = f->cols[ci];
  const revl_intern *strs = &f->store->strings;
  if (revl_col_reserve(r, f->nrows ? f->nrows : 1)) goto oom;
  for (size_t i = 0; i < f->nrows; i++) {
    if (!revl_col_valid(&kc->col, i)) {
      if (revl_col_push_null(r)) goto oom;
      continue;
    }
    uint32_t id = kc->col.v.str[i];
    if (kc->dict != strs) {
      const char *s = revl_intern_str(kc->dict, id);
      id = revl_intern_find(strs, s, revl_intern_len(kc->dict, id));
    }
    int k = id ? revl_stage_rank(o, id) : -1;
    if (revl_col_push_i64(r, k < 0 ? o->n : k)) goto oom;
  }
  return 0;
oom:
  drop_last(f);
  return REVL_ENOMEM;
}

int revl_frame_sort_ranked(revl_frame *f, const revl_sortkey *keys, int nk,
                           const revl_stage_order *const *orders, revl_error *err) {
  revl_sortkey k2[2 * MAXK];
  int n2 = 0, added = 0, rc = 0;
  if (nk > MAXK)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "too many sort keys");
  for (int k = 0; k < nk; k++) {
    const revl_stage_order *o = orders ? orders[k] : NULL;
    int ci = keys[k].col;
    if (o && f->store && f->cols[ci]->col.type == REVL_T_STRING) {
      if (rank_col(f, ci, o, k) < 0) {
        rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
        goto out;
      }
      added++;
      k2[n2].col = f->ncols - 1;
      k2[n2++].desc = keys[k].desc;
    }
    k2[n2++] = keys[k];
  }
  rc = revl_frame_sort(f, k2, n2, err);
out:
  while (added-- > 0) drop_last(f);
  return rc;
}
