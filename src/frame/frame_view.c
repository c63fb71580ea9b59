/*
 * frame_view.c -- view:group_by in the core: builds the key and
 * aggregate input columns of a view (periods as ordinals, worked out
 * once per distinct day), groups them with revl_frame_group_by and turns
 * period ordinals back into their labels, once per group.  A stage
 * field as a key sorts its groups in funnel order (revl/stage_order.h).
 */
#include "revl/frame_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/metrics.h"
#include "revl/stage_order.h"

#define MAXK 8
#define MAXA 64

static int64_t day_of(const revl_column *c, size_t r) {
  if (c->type == REVL_T_DATE) return c->v.date[r];
  int64_t s = c->v.i64[r];
  return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

/* Replace the DATE/DATETIME column ci of f (in place) by the INT ordinal
 * of its period; the day -> ordinal map covers the days present. */
static int to_ordinals(revl_frame *f, int ci, int kind, int fs, revl_error *err) {
  revl_column *c = revl_frame_col(f, ci);
  size_t n = c->n;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    if (!revl_col_valid(c, i)) continue;
    int64_t d = day_of(c, i);
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  int64_t *map = NULL;
  size_t span = lo <= hi ? (size_t)(hi - lo + 1) : 0;
  if (span && span <= (size_t)1 << 22) {
    map = malloc(span * sizeof *map);
    if (!map) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
    for (size_t k = 0; k < span; k++) {
      int32_t d = (int32_t)(lo + (int64_t)k);
      map[k] = kind < 0 ? d : revl_metrics_period_index(d, kind, fs);
    }
  }
  /* DATE cells are 4 bytes, INT 8: convert into a new array */
  int64_t *out = malloc((n ? n : 1) * sizeof *out);
  if (!out) {
    free(map);
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  }
  for (size_t i = 0; i < n; i++) {
    if (!revl_col_valid(c, i)) {
      out[i] = 0;
      continue;
    }
    int64_t d = day_of(c, i);
    out[i] = map ? map[d - lo] : kind < 0 ? d : revl_metrics_period_index((int32_t)d, kind, fs);
  }
  free(map);
  free(c->v.any);
  c->v.any = out;
  c->type = REVL_T_INT;
  c->cap = n ? n : 1;
  return 0;
}

/* Column ci of g (INT period ordinals) becomes a STRING column of labels
 * in g's own strings, keeping its name and place. */
static int to_labels(revl_frame *g, int ci, const char *period, int kind, int fs,
                     revl_error *err) {
  int ni = revl_frame_add_col(g, "\x01period", REVL_T_STRING, NULL);
  if (ni < 0) return revl_error_set(err, ni, NULL, 0, 0, "not enough memory");
  revl_column *src = revl_frame_col(g, ci), *dst = revl_frame_col(g, ni);
  if (revl_col_reserve(dst, g->nrows ? g->nrows : 1))
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  char buf[48];
  for (size_t r = 0; r < g->nrows; r++) {
    int rc;
    if (!revl_col_valid(src, r)) {
      rc = revl_col_push_null(dst);
    } else {
      int64_t ord = src->v.i64[r];
      int32_t first = (int32_t)ord, last;
      if (kind >= 0) revl_metrics_period_bounds(ord, kind, fs, &first, &last);
      revl_period_key(first, period, fs, buf, sizeof buf);
      rc = revl_frame_push_cstr(g, ni, buf);
    }
    if (rc) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  }
  /* swap the new column into place and drop the old one */
  revl_fcol *old = g->cols[ci];
  g->cols[ci] = g->cols[ni];
  g->ncols--;
  free(g->cols[ci]->col.name);
  g->cols[ci]->col.name = old->col.name;
  free(old->col.valid);
  free(old->col.v.any);
  free(old->col.cur);
  free(old);
  return 0;
}

static int vagg_cmp(const void *a, const void *b) {
  const revl_agg *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x < y ? -1 : x > y);
}

int revl_view_group_by(const revl_view *v, const revl_gkey *keys, int nk,
                       const revl_vagg *aggs, int na, int fiscal_start,
                       revl_frame **out, revl_error *err) {
  *out = NULL;
  if (nk < 1 || nk > MAXK || na < 0 || na > MAXA)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "group_by takes 1-%d keys and at most %d aggregates", MAXK, MAXA);
  const char *fields[MAXK + MAXA], *labels[MAXK + MAXA];
  char alab[MAXA][16];
  int kinds[MAXK], nf = 0, rc = 0;
  for (int i = 0; i < nk; i++) {
    kinds[i] = REVL_PK_NONE;
    if (keys[i].period && strcmp(keys[i].period, "day") != 0) {
      kinds[i] = revl_metrics_period_parse(keys[i].period);
      if (kinds[i] < 0)
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "unknown period '%s'", keys[i].period);
    }
    fields[nf] = keys[i].field;
    labels[nf++] = keys[i].label;
  }
  revl_agg ag[MAXA];
  for (int j = 0; j < na; j++) {
    ag[j].kind = aggs[j].kind;
    ag[j].name = aggs[j].name;
    ag[j].p = aggs[j].p;
    ag[j].col = -1;
    if (aggs[j].field) {
      snprintf(alab[j], sizeof alab[j], "\x01a%d", j);
      ag[j].col = nf;
      fields[nf] = aggs[j].field;
      labels[nf++] = alab[j];
    }
  }
  qsort(ag, (size_t)na, sizeof *ag, vagg_cmp);
  revl_frame *in = NULL, *g = NULL;
  rc = revl_frame_from_view(v, fields, labels, nf, &in, err);
  if (rc) goto out;
  int kc[MAXK];
  for (int i = 0; i < nk; i++) {
    kc[i] = i;
    if (!keys[i].period) continue;
    revl_type ty = revl_frame_col(in, i)->type;
    if (ty != REVL_T_DATE && ty != REVL_T_DATETIME) {
      rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "'%s' is not a date column",
                          keys[i].field);
      goto out;
    }
    if ((rc = to_ordinals(in, i, kinds[i], fiscal_start, err))) goto out;
  }
  /* a stage field as a key: its groups in funnel order */
  const revl_stage_order *ord[MAXK];
  int ranked = 0;
  for (int i = 0; i < nk; i++) {
    ord[i] = NULL;
    const revl_table *h;
    int via, ci;
    if (!keys[i].period && (ci = revl_table_field(v->t, keys[i].field, &h, &via)) >= 0 &&
        (ord[i] = revl_stage_order_find(v->t->store, h, h->cols[ci])))
      ranked = 1;
  }
  rc = revl_frame_group_by(in, kc, nk, ag, na, !ranked, &g, err);
  if (rc) goto out;
  if (ranked && g->nrows > 1) {
    revl_sortkey sk[MAXK];
    for (int i = 0; i < nk; i++) sk[i].col = i, sk[i].desc = 0;
    if ((rc = revl_frame_sort_ranked(g, sk, nk, ord, err))) goto out;
  }
  for (int i = 0; i < nk; i++)
    if (keys[i].period &&
        (rc = to_labels(g, i, keys[i].period, kinds[i], fiscal_start, err)))
      goto out;
  if ((rc = revl_frame_set_name(g, "group_by")))
    rc = revl_error_set(err, rc, NULL, 0, 0, "not enough memory");
out:
  revl_frame_free(in);
  if (rc) revl_frame_free(g);
  else *out = g;
  return rc;
}

/* ---- keys and aggregates as playbooks write them ------------------------- */

int revl_gkey_parse(const revl_table *t, const char *spec, revl_gkey *k, char *buf, size_t n,
                    revl_error *err) {
  static const char *const periods[] = {"day",     "week",           "month",       "quarter",
                                        "year",    "fiscal_quarter", "fiscal_year", NULL};
  const char *colon = strchr(spec, ':');
  size_t fl = colon ? (size_t)(colon - spec) : strlen(spec);
  if (n < 2 * strlen(spec) + 32) return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "key too long");
  memcpy(buf, spec, fl);
  buf[fl] = '\0';
  k->field = buf;
  k->period = NULL;
  k->label = spec;
  const revl_table *h;
  int via;
  int ci = revl_table_field(t, k->field, &h, &via);
  if (ci < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s has no column '%s'%s", t->name,
                          k->field, REVL_HINT(t, k->field));
  if (!colon) return 0;
  for (int p = 0; periods[p]; p++)
    if (strcmp(colon + 1, periods[p]) == 0) k->period = periods[p];
  if (!k->period)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "unknown period '%s' (day week month quarter year fiscal_quarter "
                          "fiscal_year)", colon + 1);
  revl_type ty = h->cols[ci]->type;
  if (ty != REVL_T_DATE && ty != REVL_T_DATETIME)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "'%s' is not a date column", k->field);
  char *label = buf + fl + 1;
  snprintf(label, n - fl - 1, "%s_%s", k->field, k->period);
  k->label = label;
  return 0;
}

int revl_vagg_parse(const revl_table *t, revl_vagg *a, const char *kind, const char *fname,
                    revl_error *err) {
  if (!fname)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "aggregate '%s' needs {kind, column}",
                          a->name);
  a->kind = revl_agg_parse(kind);
  if (a->kind < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "unknown aggregate '%s' (count sum avg min max median percentile)",
                          kind);
  const revl_table *h;
  int via;
  if (revl_table_field(t, fname, &h, &via) < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s has no column '%s'%s", t->name,
                          fname, REVL_HINT(t, fname));
  a->field = fname;
  return 0;
}
