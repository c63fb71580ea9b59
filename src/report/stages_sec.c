/*
 * stages_sec.c -- the report's "Stage aging" and "Pipeline waterfall"
 * sections (docs/report.md).  Aging: revl_metric_stage_aging by stage at
 * 30, 60 and 90 days (the calls a playbook makes with days = 30, 60,
 * 90), its counts read as age buckets.  Waterfall: revl_metric_waterfall
 * between the deals rebuilt from stage_history at the start of the
 * window (revl_deals_snapshot_at) and the deals as loaded.  Rendering
 * and the bucket differences only; no figure is computed here anew.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rep.h"
#include "revl/metric_stages.h"
#include "revl/parse.h"

/* ---- stage aging -------------------------------------------------------- */

#define NAGE 3
static const int age_days[NAGE] = {30, 60, 90};
/* buckets: <= 30, 31-60, 61-90, > 90 days in the stage, unknown */
static const char *const bucket_names[] = {"0\xE2\x80\x93" "30 days", "31\xE2\x80\x93" "60 days",
                                           "61\xE2\x80\x93" "90 days", "Over 90 days",
                                           "Unknown age"};
#define NBUCKET 5

/* A count of frame f's row r (0 when null or absent). */
static double count_at(const revl_frame *f, const char *col, size_t r) {
  int ci = revl_frame_col_index(f, col);
  if (ci < 0 || r >= f->nrows || !revl_frame_valid(f, ci, r)) return 0;
  const revl_column *c = &f->cols[ci]->col;
  return c->type == REVL_T_INT ? (double)c->v.i64[r] : c->type == REVL_T_NUMBER ? c->v.f64[r] : 0;
}

/* The row of f whose stage text is that of row r of g, or -1. */
static int64_t same_stage(const revl_frame *f, const revl_frame *g, size_t r) {
  int fi = revl_frame_col_index(f, "stage"), gi = revl_frame_col_index(g, "stage");
  if (fi < 0 && gi < 0) return r < f->nrows ? (int64_t)r : -1; /* the totals */
  if (fi < 0 || gi < 0) return -1;
  int gv = revl_frame_valid(g, gi, r);
  const char *gs = gv ? revl_frame_str(g, gi, r) : NULL;
  if (r < f->nrows && revl_frame_valid(f, fi, r) == gv &&
      (!gv || strcmp(revl_frame_str(f, fi, r), gs) == 0))
    return (int64_t)r;
  for (size_t k = 0; k < f->nrows; k++) {
    int fv = revl_frame_valid(f, fi, k);
    if (fv == gv && (!gv || strcmp(revl_frame_str(f, fi, k), gs) == 0)) return (int64_t)k;
  }
  return -1;
}

/* The age buckets of row r of the 30-day frame (f[0]), with the 60 and
 * 90-day frames matched by stage: open - aged30 - unknown, aged30 -
 * aged60, aged60 - aged90, aged90, unknown. */
static void buckets(revl_frame *const *f, size_t r, double *out) {
  double aged[NAGE];
  for (int k = 0; k < NAGE; k++) {
    int64_t rk = k == 0 ? (int64_t)r : same_stage(f[k], f[0], r);
    aged[k] = rk < 0 ? 0 : count_at(f[k], "aged", (size_t)rk);
  }
  double open = count_at(f[0], "open_deals", r), unk = count_at(f[0], "unknown_age", r);
  out[0] = open - aged[0] - unk;
  out[1] = aged[0] - aged[1];
  out[2] = aged[1] - aged[2];
  out[3] = aged[2];
  out[4] = unk;
}

static void num_cell(revl_sbuf *b, double v) {
  revl_sbuf_puts(b, "<td class=\"n\">");
  revl_fmt_value(b, v, REVL_VAL_COUNT, NULL, 0);
  revl_sbuf_puts(b, "</td>");
}

/* One table row: stage label, open deals, the buckets, the amount over
 * 30 days (from f30's row r, or the total frame), the longest stay. */
static void aging_row(rep *R, const char *label, const revl_frame *f30, size_t r,
                      const double *bk, int nb) {
  revl_sbuf *b = R->b;
  revl_sbuf_puts(b, "<tr><th scope=\"row\">");
  revl_sbuf_escs(b, label);
  revl_sbuf_puts(b, "</th>");
  num_cell(b, count_at(f30, "open_deals", r));
  for (int k = 0; k < nb; k++) num_cell(b, bk[k]);
  int ai = revl_frame_col_index(f30, "aged_amount"), mi = revl_frame_col_index(f30, "max_days");
  revl_sbuf_puts(b, "<td class=\"n\">");
  if (ai >= 0) revl_rp_cell(b, f30, ai, r, F_AUTO);
  revl_sbuf_puts(b, "</td><td class=\"n\">");
  if (mi >= 0) revl_rp_cell(b, f30, mi, r, F_AUTO);
  revl_sbuf_puts(b, "</td></tr>\n");
}

/* stage_aging at each threshold, by stage (by[k]) and over all open
 * deals (tot[k]).  0, or the metric's code with e filled. */
static int aging_calls(rep *R, const revl_view *v, revl_frame **by, revl_frame **tot,
                       revl_error *e) {
  for (int k = 0; k < NAGE; k++)
    for (int g = 0; g < 2; g++) {
      revl_aging_opts o;
      memset(&o, 0, sizeof o);
      o.has_days = 1;
      o.days = age_days[k];
      o.by.nby = g == 0;
      o.by.by[0] = "stage";
      o.no_records = 1;
      revl_stages_out so;
      int rc = revl_metric_stage_aging(&R->cx, v, &o, &so, e);
      if (rc) return rc;
      revl_frame_free(so.records);
      if (g == 0) by[k] = so.summary;
      else tot[k] = so.summary;
    }
  return 0;
}

int revl_rp_aging(rep *R) {
  revl_rp_sec_open(R, "aging", "Stage aging");
  const revl_table *t = revl_rp_need(R, "deals", NULL);
  if (!t) return revl_rp_sec_close(R), 0;
  if (!revl_rp_need(R, "stage_history", ": the time in the current stage comes from it"))
    return revl_rp_sec_close(R), 0;
  revl_view v = revl_view_all(t);
  revl_frame *by[NAGE] = {0}, *tot[NAGE] = {0};
  double *vals[NBUCKET] = {0};
  const char **labels = NULL;
  char **owned = NULL;
  size_t n = 0;
  int ret = 0;
  revl_error e;
  int rc = aging_calls(R, &v, by, tot, &e);
  if (rc == REVL_ENOMEM) goto oom;
  if (rc) {
    revl_rp_error(R, &e);
    goto done;
  }
  revl_frame *f30 = by[0], *t30 = tot[0];
  revl_sbuf *b = R->b;
  revl_sbuf_puts(b, "<p class=\"kpi\"><b id=\"aging-open\">");
  revl_fmt_value(b, count_at(t30, "open_deals", 0), REVL_VAL_COUNT, NULL, 0);
  revl_sbuf_puts(b, "</b> open deals as of ");
  revl_rp_put_date(b, R->o->as_of);
  revl_sbuf_puts(b, "; <b id=\"aging-aged\">");
  revl_fmt_value(b, count_at(t30, "aged", 0), REVL_VAL_COUNT, NULL, 0);
  revl_sbuf_puts(b, "</b> of them in their stage for over 30 days");
  int tai = revl_frame_col_index(t30, "aged_amount");
  if (tai >= 0 && t30->nrows && revl_frame_valid(t30, tai, 0)) {
    revl_sbuf_puts(b, " (");
    revl_rp_cell(b, t30, tai, 0, F_AUTO);
    revl_sbuf_puts(b, ")");
  }
  revl_sbuf_puts(b, ".</p>\n<p class=\"win\">Days in the current stage = the as-of date "
                    "\xE2\x88\x92 the day the deal entered it (its last stage_history row for "
                    "that stage, else created_at); the buckets are the counts of "
                    "<code>stage_aging</code> at days = 30, 60 and 90.</p>\n");
  n = f30->nrows;
  if (!n) {
    revl_rp_skip(R, "there are no open deals");
    goto done;
  }
  labels = calloc(n, sizeof *labels);
  owned = calloc(n, sizeof *owned);
  for (int k = 0; k < NBUCKET; k++) vals[k] = calloc(n, sizeof(double));
  if (!labels || !owned || !vals[0] || !vals[1] || !vals[2] || !vals[3] || !vals[4]) goto oom;
  int si = revl_frame_col_index(f30, "stage");
  double anyunk = 0;
  for (size_t r = 0; r < n; r++) {
    double bk[NBUCKET];
    buckets(by, r, bk);
    for (int k = 0; k < NBUCKET; k++) vals[k][r] = bk[k];
    anyunk += bk[4];
    if (si >= 0 && revl_frame_valid(f30, si, r)) {
      if (!(owned[r] = strdup(revl_frame_str(f30, si, r)))) goto oom;
      labels[r] = owned[r];
    } else {
      labels[r] = "(no stage)";
    }
  }
  int nb = NBUCKET - 1 + (anyunk > 0);
  revl_chart_series ser[NBUCKET];
  for (int k = 0; k < NBUCKET; k++) ser[k] = (revl_chart_series){bucket_names[k], vals[k]};
  revl_chart c = {REVL_CHART_STACKED,
                  "Open deals by stage and days in the stage",
                  "Stacked bars: the open deals of each stage, split by how many days they "
                  "have been in it as of the report's date",
                  labels, (int)n, ser, nb, REVL_VAL_COUNT, NULL, NULL};
  revl_rp_pair_open(R);
  revl_svg_chart(b, &c);
  revl_rp_pair_mid(R);
  revl_sbuf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\">Stage</th>"
                    "<th class=\"n\" scope=\"col\">Open deals</th>");
  for (int k = 0; k < nb; k++) {
    revl_sbuf_puts(b, "<th class=\"n\" scope=\"col\">");
    revl_sbuf_escs(b, bucket_names[k]);
    revl_sbuf_puts(b, "</th>");
  }
  revl_sbuf_puts(b, "<th class=\"n\" scope=\"col\">Amount over 30 days</th>"
                    "<th class=\"n\" scope=\"col\">Longest (days)</th></tr></thead><tbody>");
  for (size_t r = 0; r < n; r++) {
    double bk[NBUCKET];
    for (int k = 0; k < NBUCKET; k++) bk[k] = vals[k][r];
    aging_row(R, labels[r], f30, r, bk, nb);
  }
  revl_sbuf_puts(b, "</tbody><tfoot>");
  if (t30->nrows) {
    double bk[NBUCKET];
    buckets(tot, 0, bk);
    aging_row(R, "Total", t30, 0, bk, nb);
  }
  revl_sbuf_puts(b, "</tfoot></table></div>\n");
  revl_rp_pair_close(R);
  goto done;
oom:
  ret = -1;
done:
  for (int k = 0; k < NAGE; k++) revl_frame_free(by[k]), revl_frame_free(tot[k]);
  for (size_t r = 0; owned && r < n; r++) free(owned[r]);
  free(owned);
  free(labels);
  for (int k = 0; k < NBUCKET; k++) free(vals[k]);
  if (!ret) revl_rp_sec_close(R);
  return ret;
}

/* ---- pipeline waterfall ------------------------------------------------- */

/* The waterfall's buckets in chart order, with the sign each adds to
 * the running sum (start is the level). */
static const struct {
  const char *col, *label;
  int sign;
} wf_steps[] = {{"start", "Start", 1},          {"created", "Created", 1},
                {"pulled_in", "Pulled in", 1},  {"increased", "Increased", 1},
                {"decreased", "Decreased", -1}, {"pushed", "Pushed out", -1},
                {"lost", "Lost", -1},           {"won", "Won", -1}};
#define NWF (int)(sizeof wf_steps / sizeof wf_steps[0])

static double pow10i(int d) {
  double p = 1;
  while (d-- > 0) p *= 10;
  return p;
}

/* Column col of row 0 in major units (0 when null); its currency into
 * *cur when it has one. */
static double money_at(const revl_frame *f, const char *col, const char **cur) {
  int ci = revl_frame_col_index(f, col);
  if (ci < 0 || !f->nrows || !revl_frame_valid(f, ci, 0)) return 0;
  const revl_column *c = &f->cols[ci]->col;
  if (c->type != REVL_T_MONEY) return 0;
  const char *cc = revl_frame_currency(f, ci, 0);
  if (cc && !*cur) *cur = cc;
  return (double)c->v.i64[0] / pow10i(revl_currency_decimals(cc ? cc : ""));
}

/* How many deals the ids frame names for bucket col of the totals. */
static size_t deals_in(const revl_frame *ids, const char *col) {
  int ri = revl_frame_col_index(ids, "row"), bi = revl_frame_col_index(ids, "bucket");
  size_t n = 0;
  if (ri < 0 || bi < 0) return 0;
  for (size_t r = 0; r < ids->nrows; r++)
    if (revl_frame_valid(ids, ri, r) && ids->cols[ri]->col.v.i64[r] == 0 &&
        revl_frame_valid(ids, bi, r) && strcmp(revl_frame_str(ids, bi, r), col) == 0)
      n++;
  return n;
}

static void wf_row(revl_sbuf *b, const revl_frame *tot, const revl_frame *ids, const char *col,
                   const char *label, int sign, int th) {
  int ci = revl_frame_col_index(tot, col);
  revl_sbuf_puts(b, "<tr><th scope=\"row\">");
  revl_sbuf_escs(b, label);
  revl_sbuf_puts(b, "</th><td class=\"n\">");
  if (ci >= 0 && tot->nrows) {
    if (sign < 0 && revl_frame_valid(tot, ci, 0) && tot->cols[ci]->col.v.i64[0] != 0)
      revl_sbuf_puts(b, "\xE2\x88\x92");
    else if (sign > 0 && !th && revl_frame_valid(tot, ci, 0) && tot->cols[ci]->col.v.i64[0] != 0)
      revl_sbuf_puts(b, "+");
    revl_rp_cell(b, tot, ci, 0, F_AUTO);
  }
  /* the levels have no deals of their own in the ids frame */
  if (strcmp(col, "start") == 0 || strcmp(col, "end") == 0)
    revl_sbuf_puts(b, "</td><td class=\"n\"></td></tr>\n");
  else
    revl_sbuf_printf(b, "</td><td class=\"n\">%zu</td></tr>\n", deals_in(ids, col));
}

int revl_rp_waterfall(rep *R) {
  revl_rp_sec_open(R, "waterfall", "Pipeline waterfall");
  const revl_table *t = revl_rp_need(R, "deals", NULL);
  if (!t) return revl_rp_sec_close(R), 0;
  if (!revl_rp_need(R, "stage_history",
                    ": the pipeline on the first day is rebuilt from the stage history"))
    return revl_rp_sec_close(R), 0;
  revl_view v = revl_view_all(t);
  revl_deals_snapshot snap;
  revl_waterfall_out wf;
  memset(&wf, 0, sizeof wf);
  revl_error e;
  int rc = revl_deals_snapshot_at(&v, R->wfrom, &snap, &e);
  if (rc == REVL_ENOMEM) return -1;
  if (rc) {
    revl_rp_error(R, &e);
    return revl_rp_sec_close(R), 0;
  }
  revl_waterfall_opts o;
  memset(&o, 0, sizeof o);
  rc = revl_metric_waterfall(&R->cx, &snap.before, &snap.after, &o, &wf, &e);
  if (rc == REVL_ENOMEM) {
    revl_deals_snapshot_done(&snap);
    return -1;
  }
  revl_sbuf *b = R->b;
  revl_sbuf_puts(b, "<p class=\"win\">From the start of ");
  revl_rp_put_date(b, R->wfrom);
  revl_sbuf_puts(b, " (the open deals rebuilt from stage_history) to ");
  revl_rp_put_date(b, R->o->as_of);
  revl_sbuf_puts(b, " (the deals as loaded): every open deal, any close date. start + created "
                    "+ pulled in + increased \xE2\x88\x92 decreased \xE2\x88\x92 pushed out "
                    "\xE2\x88\x92 lost \xE2\x88\x92 won = end.</p>\n");
  if (snap.no_history)
    revl_sbuf_printf(b, "<p class=\"note\">%zu deal%s without any stage_history row %s in "
                        "neither snapshot.</p>\n",
                     snap.no_history, snap.no_history == 1 ? "" : "s",
                     snap.no_history == 1 ? "is" : "are");
  if (rc) {
    revl_rp_error(R, &e);
    goto out;
  }
  const revl_frame *tot = wf.totals;
  const char *cur = NULL;
  double vals[NWF];
  const char *labels[NWF];
  for (int k = 0; k < NWF; k++) {
    labels[k] = wf_steps[k].label;
    vals[k] = wf_steps[k].sign * money_at(tot, wf_steps[k].col, &cur);
  }
  revl_chart_series ser = {"Pipeline", vals};
  revl_chart c = {REVL_CHART_WATERFALL,
                  "Pipeline waterfall",
                  "Waterfall: the open pipeline at the start, what entered it (created, pulled "
                  "in, increased) and what left it (decreased, pushed out, lost, won), and the "
                  "open pipeline at the end",
                  labels, NWF, &ser, 1, REVL_VAL_MONEY, cur, "End"};
  revl_rp_pair_open(R);
  revl_svg_chart(b, &c);
  revl_rp_pair_mid(R);
  revl_sbuf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\">Bucket</th>"
                    "<th class=\"n\" scope=\"col\">Amount</th><th class=\"n\" scope=\"col\">"
                    "Deals</th></tr></thead><tbody>");
  for (int k = 0; k < NWF; k++)
    wf_row(b, tot, wf.ids, wf_steps[k].col, wf_steps[k].label, k ? wf_steps[k].sign : 0, 0);
  revl_sbuf_puts(b, "</tbody><tfoot>");
  wf_row(b, tot, wf.ids, "end", "End", 0, 1);
  revl_sbuf_puts(b, "</tfoot></table></div>\n");
  int ri = revl_frame_col_index(tot, "removed");
  if (ri >= 0 && tot->nrows && revl_frame_valid(tot, ri, 0) && tot->cols[ri]->col.v.i64[0]) {
    revl_sbuf_puts(b, "<p class=\"note\">Lost includes ");
    revl_rp_cell(b, tot, ri, 0, F_AUTO);
    revl_sbuf_puts(b, " of deals that were open then and are no longer in the export.</p>");
  }
  revl_rp_pair_close(R);
out:
  revl_frame_free(wf.frame);
  revl_frame_free(wf.totals);
  revl_frame_free(wf.ids);
  revl_deals_snapshot_done(&snap);
  revl_rp_sec_close(R);
  return b->oom ? -1 : 0;
}
