/*
 * path.c -- a funnel whose steps live in different tables (revl/
 * metric_path.h, docs/metrics.md "path").  No Lua here.
 *
 * Each row of the first step in the window is a cohort member (its
 * root).  Step k's rows are reached through the link between step k-1's
 * table and step k's: a child column of step k pointing at step k-1's
 * rows, a column of step k-1 pointing at step k's rows, or the same row
 * when both steps read one table.  A root reaches step k when one of its
 * rows at step k-1 leads to a row of step k's view whose `at` is set; its
 * time there is the earliest such.  A row reached from several rows of
 * the previous step belongs to the first of them in table order.  Work
 * is a pass over each step's table with one root per row, no per-row
 * allocation.
 */
#include "revl/metric_path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"

#define FN "path"
#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

/* How step k reaches its rows from step k-1's. */
enum { LK_SAME, LK_CHILD, LK_PARENT };

typedef struct step_st {
  const revl_table *t;
  const revl_column *at;
  int kind;                /* LK_* (step 0: unused) */
  const revl_column *link; /* CHILD: of t, to the previous table; PARENT: of the previous */
  uint8_t *in;             /* rows of t in the step's view */
  int32_t *root;           /* per row of t: its cohort member, or -1 */
} step_st;

/* The link between step k-1 (table a) and step k (table b). */
static int find_link(const revl_path_step *s, const revl_table *a, const revl_table *b,
                     step_st *st, revl_error *err) {
  if (a == b && !s->link) {
    st->kind = LK_SAME;
    return 0;
  }
  int nfound = 0;
  for (int side = 0; side < 2; side++) {
    const revl_table *from = side ? a : b, *to = side ? b : a;
    for (int c = 0; c < from->ncols; c++) {
      const revl_column *col = from->cols[c];
      if (col->ref != to || !col->ref_row) continue;
      if (s->link && strcmp(col->name, s->link) != 0) continue;
      if (nfound++ == 0) {
        st->kind = side ? LK_PARENT : LK_CHILD;
        st->link = col;
      }
    }
  }
  if (nfound == 1) return 0;
  if (nfound > 1)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: step '%s': several links join %s and %s; name "
                          "one with link = '...'",
                          FN, s->name, a->name, b->name);
  if (s->link) {
    const revl_table *holder = revl_table_col(b, s->link) >= 0 ? b : a;
    int ci = revl_table_col(holder, s->link);
    if (ci < 0)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: step '%s': link '%s' is a column of neither %s "
                            "nor %s%s",
                            FN, s->name, s->link, b->name, a->name, REVL_HINT(b, s->link));
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: step '%s': %s.%s does not refer to %s",
                          FN, s->name, holder->name, s->link, holder == b ? a->name : b->name);
  }
  return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                        "revl.metrics.%s: step '%s': no link joins %s and %s (declare one in "
                        "the mapping: references or referenced_by)",
                        FN, s->name, a->name, b->name);
}

int revl_metric_path(const revl_metric_ctx *cx, const revl_path_opts *o, revl_frame **out,
                     revl_error *err) {
  step_st S[REVL_PATH_MAXSTEPS];
  revl_mwin w;
  revl_mby by;
  revl_mgrp G;
  revl_mf mf = {0};
  revl_samples sm[REVL_PATH_MAXSTEPS];
  int64_t *best = NULL; /* nroots x nsteps: earliest time, INT64_MIN when not reached */
  int32_t *group = NULL;
  int64_t *counts = NULL;
  size_t nroots = 0;
  int rc = 0, have_grp = 0, ns = o->nsteps;
  *out = NULL;
  memset(S, 0, sizeof S);
  memset(sm, 0, sizeof sm);
  if (ns < 2 || ns > REVL_PATH_MAXSTEPS)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs 2 to %d steps, not %d", FN,
                          REVL_PATH_MAXSTEPS, ns);
  for (int k = 0; k < ns; k++) {
    const revl_path_step *s = &o->steps[k];
    S[k].t = s->view.t;
    for (int j = 0; j < k; j++)
      if (strcmp(o->steps[j].name, s->name) == 0)
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                              "revl.metrics.%s: two steps are named '%s'", FN, s->name);
    char what[96];
    snprintf(what, sizeof what, "%s (step '%.40s')", FN, s->name);
    if (!s->at)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: step '%s' needs at = 'a date column of %s'", FN,
                            s->name, S[k].t->name);
    if ((rc = revl_mcol(S[k].t, what, s->at, 1, REVL_MT_DATES, &S[k].at, err))) return rc;
    if (k && (rc = find_link(s, S[k - 1].t, S[k].t, &S[k], err))) return rc;
  }
  if ((rc = revl_mwin_resolve(cx, &o->win, FN, 1, REVL_PK_QUARTER, &w, err)) ||
      (rc = revl_mby_resolve(S[0].t, FN, &o->by, &by, err)))
    return rc;
  if (revl_mgrp_init(&G, &by, &w)) return OOM();
  have_grp = 1;
  /* the cohort: rows of the first view reached in the window */
  const revl_view *v0 = &o->steps[0].view;
  for (int k = 0; k < ns; k++) {
    size_t n = S[k].t->nrows ? S[k].t->nrows : 1;
    if (!(S[k].root = malloc(n * sizeof *S[k].root)) || !(S[k].in = calloc(n, 1))) {
      rc = OOM();
      goto out;
    }
    for (size_t r = 0; r < S[k].t->nrows; r++) S[k].root[r] = -1;
    const revl_view *v = &o->steps[k].view;
    for (size_t i = 0; i < v->n; i++) S[k].in[revl_view_row(v, i)] = 1;
  }
  for (size_t i = 0; i < v0->n; i++) {
    size_t row = revl_view_row(v0, i);
    int64_t secs;
    if (!revl_mcell_secs(S[0].at, row, &secs)) continue;
    int32_t day = (int32_t)revl_floor_div64(secs, 86400);
    if (!revl_mwin_has(&w, day)) continue;
    if (nroots >= INT32_MAX) break;
    S[0].root[row] = (int32_t)nroots++;
  }
  best = malloc((nroots ? nroots : 1) * (size_t)ns * sizeof *best);
  group = malloc((nroots ? nroots : 1) * sizeof *group);
  if (!best || !group) {
    rc = OOM();
    goto out;
  }
  for (size_t i = 0; i < nroots * (size_t)ns; i++) best[i] = INT64_MIN;
  for (size_t row = 0; row < S[0].t->nrows; row++) {
    int32_t r = S[0].root[row];
    if (r < 0) continue;
    int64_t secs = 0;
    revl_mcell_secs(S[0].at, row, &secs);
    best[(size_t)r * (size_t)ns] = secs;
    int64_t g = revl_mgrp_of(&G, row, revl_mwin_ord(&w, (int32_t)revl_floor_div64(secs, 86400)));
    if (g < 0) {
      rc = OOM();
      goto out;
    }
    group[r] = (int32_t)g;
  }
  /* each later step from the one before */
  for (int k = 1; k < ns; k++) {
    step_st *p = &S[k - 1], *q = &S[k];
    size_t nq = q->t->nrows, np = p->t->nrows;
    if (q->kind == LK_PARENT) { /* the previous row carries this step's key */
      for (size_t pr = 0; pr < np; pr++) {
        int32_t r = p->root[pr], qr;
        if (r < 0 || (qr = q->link->ref_row[pr]) < 0 || !q->in[qr] || q->root[qr] >= 0) continue;
        q->root[qr] = r;
      }
    } else {
      for (size_t qr = 0; qr < nq; qr++) {
        if (!q->in[qr]) continue;
        int64_t pr = q->kind == LK_SAME ? (int64_t)qr : q->link->ref_row[qr];
        if (pr >= 0) q->root[qr] = p->root[pr];
      }
    }
    for (size_t qr = 0; qr < nq; qr++) {
      int32_t r = q->root[qr];
      int64_t secs;
      if (r < 0) continue;
      if (!revl_mcell_secs(q->at, qr, &secs) || best[(size_t)r * (size_t)ns + (size_t)(k - 1)] == INT64_MIN) {
        q->root[qr] = -1; /* not reached: no time, or its root never got to k-1 */
        continue;
      }
      int64_t *b = &best[(size_t)r * (size_t)ns + (size_t)k];
      if (*b == INT64_MIN || secs < *b) *b = secs;
    }
  }
  if (revl_mgrp_fill(&G)) {
    rc = OOM();
    goto out;
  }
  size_t ng = revl_mgrp_n(&G);
  if (!(counts = calloc((ng ? ng : 1) * (size_t)ns, sizeof *counts))) {
    rc = OOM();
    goto out;
  }
  for (size_t r = 0; r < nroots; r++) {
    const int64_t *b = &best[r * (size_t)ns];
    size_t g = (size_t)group[r];
    for (int k = 0; k < ns && b[k] != INT64_MIN; k++) {
      counts[g * (size_t)ns + (size_t)k]++;
      if (k && b[k] >= b[k - 1] &&
          revl_samples_add(&sm[k], (uint32_t)g, (double)(b[k] - b[k - 1]) / 86400.0)) {
        rc = OOM();
        goto out;
      }
    }
  }
  for (int k = 1; k < ns; k++)
    if (revl_samples_sort(&sm[k], ng)) {
      rc = OOM();
      goto out;
    }
  int c_n[REVL_PATH_MAXSTEPS], c_conv[REVL_PATH_MAXSTEPS], c_days[REVL_PATH_MAXSTEPS],
      c_mean[REVL_PATH_MAXSTEPS], c_all;
  char name[200];
  int e = revl_mf_init(&mf, S[0].t->store, FN, &by, &w) != 0;
  for (int k = 0; !e && k < ns; k++)
    e = (c_n[k] = revl_mf_col(&mf, o->steps[k].name, REVL_T_INT, REVL_DK_COUNT)) < 0;
  for (int k = 1; !e && k < ns; k++) {
    snprintf(name, sizeof name, "conv_%s_%s", o->steps[k - 1].name, o->steps[k].name);
    e = (c_conv[k] = revl_mf_col(&mf, name, REVL_T_NUMBER, REVL_DK_RATIO)) < 0;
  }
  snprintf(name, sizeof name, "conv_%s_%s", o->steps[0].name, o->steps[ns - 1].name);
  e = e || (c_all = revl_mf_col(&mf, name, REVL_T_NUMBER, REVL_DK_RATIO)) < 0;
  for (int k = 1; !e && k < ns; k++) {
    snprintf(name, sizeof name, "days_%s_%s", o->steps[k - 1].name, o->steps[k].name);
    e = (c_days[k] = revl_mf_col(&mf, name, REVL_T_NUMBER, REVL_DK_DAYS)) < 0;
    snprintf(name, sizeof name, "days_%s_%s_mean", o->steps[k - 1].name, o->steps[k].name);
    e = e || (c_mean[k] = revl_mf_col(&mf, name, REVL_T_NUMBER, REVL_DK_DAYS)) < 0;
  }
  if (e) {
    rc = OOM();
    goto out;
  }
  for (size_t g = 0; g < ng; g++) {
    const int64_t *a = &counts[g * (size_t)ns];
    e = revl_mf_row(&mf, &G, g);
    for (int k = 0; !e && k < ns; k++) e = revl_mf_int(&mf, c_n[k], a[k]);
    for (int k = 1; !e && k < ns; k++) {
      char why[96];
      snprintf(why, sizeof why, "no %s", o->steps[k - 1].name);
      e = revl_mf_ratio(&mf, c_conv[k], (double)a[k], (double)a[k - 1], why);
    }
    if (!e) {
      char why[96];
      snprintf(why, sizeof why, "no %s", o->steps[0].name);
      e = revl_mf_ratio(&mf, c_all, (double)a[ns - 1], (double)a[0], why);
    }
    for (int k = 1; !e && k < ns; k++) {
      if (revl_samples_count(&sm[k], g)) {
        double mean = revl_samples_mean(&sm[k], g); /* before the median reorders */
        e = revl_mf_num(&mf, c_mean[k], mean) ||
            revl_mf_num(&mf, c_days[k], revl_samples_pct(&sm[k], g, 50));
      } else {
        e = revl_mf_nil(&mf, c_days[k], "no timed transitions") ||
            revl_mf_nil(&mf, c_mean[k], "no timed transitions");
      }
    }
    if (e) {
      rc = OOM();
      goto out;
    }
  }
  rc = revl_mf_finish(&mf, 1, out, err);
out:
  revl_mf_free(&mf);
  if (have_grp) revl_mgrp_free(&G);
  for (int k = 0; k < ns; k++) {
    free(S[k].root);
    free(S[k].in);
    revl_samples_free(&sm[k]);
  }
  free(best);
  free(group);
  free(counts);
  return rc;
}
