/*
 * report.c -- the sections of the default HTML report (the document
 * around them is document.c).
 *
 * Each section calls the core metric functions (include/revl/metric_*.h)
 * the way a playbook's revl.metrics.* call reaches them, so a number on
 * the page is the number a playbook gets.  A section whose table is
 * absent is one line saying why; a metric error (mixed currencies, a
 * missing column) is shown in its section as the metric's own text.
 * Charts are drawn from the metric frames (aggregates), never from
 * records.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "revl/csvw.h"
#include "revl/metric_closed.h"
#include "revl/metric_deals.h"
#include "revl/metric_quota.h"
#include "revl/metric_revenue.h"
#include "revl/parse.h"
#include "revl/report.h"
#include "report/rep.h"

/* Stage probabilities used when deals have no probability column: the
 * ladder of rules/funnel.lua.  Other open stages weigh 0 (and are named
 * in the section). */
static const revl_stage_prob default_probs[] = {
    {"Prospecting", 0.1}, {"Qualification", 0.1}, {"Discovery", 0.2},
    {"Demo", 0.4},        {"Proposal", 0.6},      {"Negotiation", 0.8},
    {"Closed Won", 1.0},  {"Closed Lost", 0.0}};
#define NDEFAULT_PROBS (int)(sizeof default_probs / sizeof default_probs[0])

/* At most this many bars in a chart of groups (the table has them all). */
#define MAX_BARS 20


/* ---- formatting ------------------------------------------------------- */

void revl_rp_put_date(revl_sbuf *b, int32_t d) {
  char t[16];
  revl_format_date(d, t, sizeof t);
  revl_sbuf_puts(b, t);
}

static double pow10i(int d) {
  double p = 1;
  while (d-- > 0) p *= 10;
  return p;
}

static void money_text(revl_sbuf *b, int64_t minor, const char *cur) {
  char t[48];
  revl_format_money(minor, revl_currency_decimals(cur ? cur : ""), 1, t, sizeof t);
  revl_sbuf_puts(b, t);
  if (cur && cur[0]) {
    revl_sbuf_puts(b, " ");
    revl_sbuf_escs(b, cur);
  }
}

/* A cell as the report shows it (escaped). */
void revl_rp_cell(revl_sbuf *b, const revl_frame *f, int ci, size_t r, int fmt) {
  const revl_column *c = &f->cols[ci]->col;
  if (!revl_frame_valid(f, ci, r)) {
    char rname[128];
    snprintf(rname, sizeof rname, "%s_reason", c->name);
    int ri = revl_frame_col_index(f, rname);
    const char *why = ri >= 0 && revl_frame_valid(f, ri, r) ? revl_frame_str(f, ri, r) : NULL;
    if (why) {
      revl_sbuf_puts(b, "<span class=\"na\" title=\"");
      revl_sbuf_escs(b, why);
      revl_sbuf_puts(b, "\">\xE2\x80\x94 <small>");
      revl_sbuf_escs(b, why);
      revl_sbuf_puts(b, "</small></span>");
    } else {
      revl_sbuf_puts(b, "<span class=\"na\">\xE2\x80\x94</span>");
    }
    return;
  }
  double v = c->type == REVL_T_NUMBER ? c->v.f64[r]
             : (c->type == REVL_T_INT ? (double)c->v.i64[r] : 0);
  if (c->type == REVL_T_MONEY) {
    money_text(b, c->v.i64[r], revl_frame_currency(f, ci, r));
    return;
  }
  if (c->type == REVL_T_NUMBER || c->type == REVL_T_INT) {
    switch (fmt) {
    case F_PCT: revl_sbuf_printf(b, "%.1f%%", v * 100); return;
    case F_X: revl_sbuf_printf(b, "%.2f\xC3\x97", v); return;
    case F_DAYS: revl_sbuf_printf(b, "%.1f", v); return;
    case F_NUM: revl_sbuf_printf(b, "%.2f", v); return;
    default:
      if (c->type == REVL_T_INT) {
        revl_fmt_value(b, v, REVL_VAL_COUNT, NULL, 0);
        return;
      }
      revl_sbuf_printf(b, "%.2f", v);
      return;
    }
  }
  char buf[96];
  size_t n;
  const char *t = revl_frame_cell_text(f, ci, r, buf, sizeof buf, &n);
  revl_sbuf_esc(b, t, n);
}

static int is_numeric(const revl_frame *f, int ci) {
  revl_type t = f->cols[ci]->col.type;
  return t == REVL_T_MONEY || t == REVL_T_NUMBER || t == REVL_T_INT;
}

/* A table of the frame's columns named in cols (missing ones skipped);
 * rows in order, all of them.  total: a one-row frame of the same
 * figures shown as a last "Total" row (or NULL). */
static const char *owner_name(const rep *R, const char *id);

/* "Name (R0012)" for an owner id found in reps (by its key), else the id. */
static void owner_cell(const rep *R, const char *id) {
  const char *nm = owner_name(R, id);
  if (nm) {
    revl_sbuf_escs(R->b, nm);
    revl_sbuf_puts(R->b, " <small>");
    revl_sbuf_escs(R->b, id);
    revl_sbuf_puts(R->b, "</small>");
  } else {
    revl_sbuf_escs(R->b, id);
  }
}

static void frames_table(const rep *R, const revl_frame *const *fs, int nf, const tcol *cols,
                         int nc, const revl_frame *total, const char *caption) {
  revl_sbuf *b = R->b;
  int idx[32];
  const revl_frame *f = fs[0];
  if (nc > 32) nc = 32;
  for (int k = 0; k < nc; k++) idx[k] = revl_frame_col_index(f, cols[k].col);
  revl_sbuf_puts(b, "<div class=\"tw\"><table>");
  if (caption) {
    revl_sbuf_puts(b, "<caption>");
    revl_sbuf_escs(b, caption);
    revl_sbuf_puts(b, "</caption>");
  }
  revl_sbuf_puts(b, "<thead><tr>");
  for (int k = 0; k < nc; k++) {
    if (idx[k] < 0) continue;
    revl_sbuf_printf(b, "<th scope=\"col\"%s>", is_numeric(f, idx[k]) ? " class=\"n\"" : "");
    revl_sbuf_escs(b, cols[k].head);
    revl_sbuf_puts(b, "</th>");
  }
  revl_sbuf_puts(b, "</tr></thead><tbody>");
  for (int fi = 0; fi < nf; fi++) {
    f = fs[fi];
    for (int k = 0; k < nc; k++)
      if (idx[k] >= 0) idx[k] = revl_frame_col_index(f, cols[k].col);
    for (size_t r = 0; r < f->nrows; r++) {
      revl_sbuf_puts(b, "<tr>");
      for (int k = 0; k < nc; k++) {
        if (idx[k] < 0) continue;
        int num = is_numeric(f, idx[k]);
        revl_sbuf_puts(b, num ? "<td class=\"n\">" : (k == 0 ? "<th scope=\"row\">" : "<td>"));
        if (!num && !revl_frame_valid(f, idx[k], r))
          revl_sbuf_puts(b, "<i>(none)</i>");
        else if (strcmp(cols[k].col, "owner") == 0 && f->cols[idx[k]]->col.type == REVL_T_STRING)
          owner_cell(R, revl_frame_str(f, idx[k], r));
        else
          revl_rp_cell(b, f, idx[k], r, cols[k].fmt);
        revl_sbuf_puts(b, num ? "</td>" : (k == 0 ? "</th>" : "</td>"));
      }
      revl_sbuf_puts(b, "</tr>\n");
    }
  }
  revl_sbuf_puts(b, "</tbody>");
  if (total && total->nrows == 1) {
    revl_sbuf_puts(b, "<tfoot><tr>");
    int first = 1;
    for (int k = 0; k < nc; k++) {
      if (idx[k] < 0) continue;
      int ti = revl_frame_col_index(total, cols[k].col);
      if (first) {
        revl_sbuf_puts(b, "<th scope=\"row\">Total</th>");
        first = 0;
        if (ti < 0 || !is_numeric(total, ti)) continue;
      }
      if (ti < 0 || !is_numeric(total, ti)) {
        revl_sbuf_puts(b, "<td></td>");
        continue;
      }
      revl_sbuf_puts(b, "<td class=\"n\">");
      revl_rp_cell(b, total, ti, 0, cols[k].fmt);
      revl_sbuf_puts(b, "</td>");
    }
    revl_sbuf_puts(b, "</tr></tfoot>");
  }
  revl_sbuf_puts(b, "</table></div>\n");
}

void revl_rp_table(const rep *R, const revl_frame *f, const tcol *cols, int nc,
                        const revl_frame *total, const char *caption) {
  frames_table(R, &f, 1, cols, nc, total, caption);
}

/* ---- frames to chart series --------------------------------------------- */

typedef struct chartdata {
  char **labels;
  double *v[4];
  const char *names[4];
  int n, ns;
  const char *currency; /* of the money series, NULL when mixed or none */
  int mixed;
} chartdata;

static void cd_free(chartdata *d) {
  for (int i = 0; i < d->n; i++) free(d->labels[i]);
  free(d->labels);
  for (int s = 0; s < 4; s++) free(d->v[s]);
  memset(d, 0, sizeof *d);
}

static double value_at(const revl_frame *f, int ci, size_t r) {
  if (ci < 0 || !revl_frame_valid(f, ci, r)) return NAN;
  const revl_column *c = &f->cols[ci]->col;
  switch (c->type) {
  case REVL_T_MONEY: {
    const char *cur = revl_frame_currency(f, ci, r);
    return (double)c->v.i64[r] / pow10i(revl_currency_decimals(cur ? cur : ""));
  }
  case REVL_T_NUMBER: return c->v.f64[r];
  case REVL_T_INT: return (double)c->v.i64[r];
  default: return NAN;
  }
}

/* Rows [0, n) of f: labels from column lab (its cell text, "(none)" for
 * null), one series per value column.  0 or -1 (out of memory). */
/* The rep's name for an owner id, or NULL. */
static const char *owner_name(const rep *R, const char *id) {
  revl_table *reps = (revl_table *)revl_store_table(R->s, "reps");
  int ni = reps && id ? revl_table_col(reps, "name") : -1;
  int64_t row = ni >= 0 ? revl_table_find(reps, id, strlen(id)) : -1;
  if (row < 0) return NULL;
  const revl_column *nc = reps->cols[ni];
  if (nc->type != REVL_T_STRING || !revl_col_valid(nc, (size_t)row)) return NULL;
  return revl_intern_str(&R->s->strings, nc->v.str[row]);
}

static int cd_make(const rep *R, chartdata *d, const revl_frame *f, const char *lab, size_t n,
                   const char *const *cols, const char *const *names, int ns) {
  memset(d, 0, sizeof *d);
  int li = revl_frame_col_index(f, lab);
  d->labels = calloc(n ? n : 1, sizeof *d->labels);
  if (!d->labels) return -1;
  for (int s = 0; s < ns && s < 4; s++) {
    d->v[s] = calloc(n ? n : 1, sizeof(double));
    if (!d->v[s]) return -1;
    d->names[s] = names[s];
  }
  d->ns = ns < 4 ? ns : 4;
  for (size_t r = 0; r < n; r++) {
    char buf[96];
    size_t len = 0;
    const char *t = li >= 0 && revl_frame_valid(f, li, r)
                        ? revl_frame_cell_text(f, li, r, buf, sizeof buf, &len)
                        : NULL;
    const char *nm = t && strcmp(lab, "owner") == 0 ? owner_name(R, revl_frame_str(f, li, r)) : NULL;
    d->labels[r] = nm ? strdup(nm) : t ? strndup(t, len) : strdup("(none)");
    if (!d->labels[r]) return -1;
    d->n = (int)r + 1;
  }
  d->n = (int)n;
  for (int s = 0; s < d->ns; s++) {
    int ci = revl_frame_col_index(f, cols[s]);
    for (size_t r = 0; r < n; r++) {
      d->v[s][r] = value_at(f, ci, r);
      if (ci >= 0 && f->cols[ci]->col.type == REVL_T_MONEY && revl_frame_valid(f, ci, r)) {
        const char *cur = revl_frame_currency(f, ci, r);
        if (!d->currency) d->currency = cur;
        else if (cur && strcmp(cur, d->currency) != 0) d->mixed = 1;
      }
    }
  }
  if (d->mixed) d->currency = NULL;
  return 0;
}

static void cd_chart(rep *R, chartdata *d, int kind, int fmt, const char *title,
                     const char *desc) {
  if (d->mixed) {
    revl_sbuf_puts(R->b, "<p class=\"note\">No chart: the amounts are in several "
                         "currencies (the table shows each in its own).</p>");
    return;
  }
  revl_chart_series ser[4];
  for (int s = 0; s < d->ns; s++) ser[s] = (revl_chart_series){d->names[s], d->v[s]};
  revl_chart c = {kind, title, desc, (const char *const *)d->labels, d->n, ser, d->ns, fmt,
                  d->currency, NULL};
  revl_svg_chart(R->b, &c);
}

/* ---- section frame ------------------------------------------------------ */

void revl_rp_sec_open(rep *R, const char *id, const char *title) {
  revl_sbuf_printf(R->b, "<section id=\"%s\"><h2>", id);
  revl_sbuf_escs(R->b, title);
  revl_sbuf_puts(R->b, "</h2>\n");
}
void revl_rp_sec_close(rep *R) { revl_sbuf_puts(R->b, "</section>\n"); }

void revl_rp_skip(rep *R, const char *why) {
  revl_sbuf_puts(R->b, "<p class=\"skip\">Left out: ");
  revl_sbuf_escs(R->b, why);
  revl_sbuf_puts(R->b, "</p>\n");
}

void revl_rp_error(rep *R, const revl_error *e) {
  revl_sbuf_puts(R->b, "<p class=\"error\">");
  revl_sbuf_escs(R->b, e->msg[0] ? e->msg : "the metric failed");
  revl_sbuf_puts(R->b, "</p>\n");
}

static void window_line(rep *R, int32_t from, int32_t to, const char *by) {
  revl_sbuf_puts(R->b, "<p class=\"win\">");
  revl_rp_put_date(R->b, from);
  revl_sbuf_puts(R->b, " to ");
  revl_rp_put_date(R->b, to);
  revl_sbuf_puts(R->b, ", by ");
  revl_sbuf_escs(R->b, by);
  revl_sbuf_puts(R->b, "</p>\n");
}

static void win_series(rep *R, revl_window_opts *w, const char *kind, int32_t from) {
  memset(w, 0, sizeof *w);
  w->period = kind;
  w->has_from = w->has_to = 1;
  w->from = from;
  w->to = R->o->as_of;
}

/* Sort f by column name, descending (nulls last). */
static void sort_desc(revl_frame *f, const char *name) {
  int ci = revl_frame_col_index(f, name);
  if (ci < 0) return;
  revl_sortkey k = {ci, 1};
  revl_error e;
  revl_frame_sort(f, &k, 1, &e);
}

void revl_rp_pair_open(rep *R) { revl_sbuf_puts(R->b, "<div class=\"pair\"><figure>"); }
void revl_rp_pair_mid(rep *R) { revl_sbuf_puts(R->b, "</figure><div class=\"side\">"); }
void revl_rp_pair_close(rep *R) { revl_sbuf_puts(R->b, "</div></div>\n"); }

/* ---- pipeline ----------------------------------------------------------- */

const revl_table *revl_rp_need(rep *R, const char *table, const char *what) {
  const revl_table *t = revl_store_table(R->s, table);
  if (!t) {
    char why[160];
    snprintf(why, sizeof why, "no %s table in the data (%s.csv)%s", table, table, what ? what : "");
    revl_rp_skip(R, why);
  }
  return t;
}

int revl_rp_pipeline(rep *R) {
  revl_rp_sec_open(R, "pipeline", "Pipeline");
  const revl_table *t = revl_rp_need(R, "deals", NULL);
  if (!t) return revl_rp_sec_close(R), 0;
  revl_view v = revl_view_all(t);
  revl_weighted_pipeline_opts o;
  memset(&o, 0, sizeof o);
  revl_stage_prob *probs = NULL;
  int nunknown = 0;
  revl_sbuf unknown = {0};
  if (revl_table_col(t, "probability") < 0) {
    /* the default ladder, plus any other stage of the deals at 0 */
    const revl_column *st = revl_table_column(t, "stage");
    int cap = NDEFAULT_PROBS + 64, np = NDEFAULT_PROBS;
    probs = malloc((size_t)cap * sizeof *probs);
    if (!probs) return -1;
    memcpy(probs, default_probs, sizeof default_probs);
    if (st && st->type == REVL_T_STRING) {
      /* distinct stage ids: a small seen-set over intern ids */
      uint32_t seen[64];
      int nseen = 0;
      const revl_column *cl = revl_table_column(t, "is_closed");
      if (cl && cl->type != REVL_T_BOOL) cl = NULL;
      for (size_t r = 0; r < st->n && np < cap; r++) {
        if (!revl_col_valid(st, r)) continue;
        if (cl && revl_col_valid(cl, r) && cl->v.b[r]) continue; /* closed: not weighted */
        uint32_t id = st->v.str[r];
        int k;
        for (k = 0; k < nseen && seen[k] != id; k++) {}
        if (k < nseen) continue;
        if (nseen < 64) seen[nseen++] = id;
        const char *name = revl_intern_str(&R->s->strings, id);
        for (k = 0; k < np && strcmp(probs[k].stage, name) != 0; k++) {}
        if (k < np) continue;
        probs[np++] = (revl_stage_prob){name, 0.0};
        revl_sbuf_puts(&unknown, nunknown++ ? ", " : "");
        revl_sbuf_escs(&unknown, name);
      }
    }
    o.probs = probs;
    o.nprobs = np;
  }
  revl_error e;
  revl_frame *tot = NULL, *own = NULL, *qf = NULL;
  int rc = revl_metric_weighted_pipeline(&R->cx, &v, &o, &tot, &e);
  if (rc == REVL_ENOMEM) goto oom;
  if (rc) {
    revl_rp_error(R, &e);
  } else {
    revl_sbuf_puts(R->b, "<p class=\"kpi\">Open pipeline <b id=\"pipeline-total\">");
    revl_rp_cell(R->b, tot, revl_frame_col_index(tot, "pipeline"), 0, F_AUTO);
    revl_sbuf_puts(R->b, "</b> in <b>");
    revl_rp_cell(R->b, tot, revl_frame_col_index(tot, "deals"), 0, F_AUTO);
    revl_sbuf_puts(R->b, "</b> open deals; weighted <b id=\"weighted-total\">");
    revl_rp_cell(R->b, tot, revl_frame_col_index(tot, "weighted"), 0, F_AUTO);
    revl_sbuf_puts(R->b, "</b></p>\n");
  }
  if (probs) {
    revl_sbuf_puts(R->b, "<p class=\"note\">The deals have no probability column: "
                         "weighted with the stage probabilities Prospecting 10%, "
                         "Discovery 20%, Demo 40%, Proposal 60%, Negotiation 80%");
    if (nunknown) {
      revl_sbuf_puts(R->b, "; other open stages weigh 0: ");
      revl_sbuf_put(R->b, unknown.p, unknown.n);
    }
    revl_sbuf_puts(R->b, ".</p>\n");
  }
  static const tcol pcols[] = {{"owner", "Owner", 0},      {"period", "Close quarter", 0},
                               {"deals", "Open deals", 0}, {"pipeline", "Pipeline", 0},
                               {"weighted", "Weighted", 0}, {"missing_amount", "No amount", 0}};
  static const char *const vals[] = {"pipeline", "weighted"};
  static const char *const names[] = {"Pipeline", "Weighted"};

  /* by owner */
  revl_sbuf_puts(R->b, "<h3>By owner</h3>\n");
  o.by.nby = 1;
  o.by.by[0] = "owner";
  rc = revl_metric_weighted_pipeline(&R->cx, &v, &o, &own, &e);
  if (rc == REVL_ENOMEM) goto oom;
  if (rc) {
    revl_rp_error(R, &e);
  } else {
    sort_desc(own, "pipeline");
    chartdata d;
    size_t nb = own->nrows < MAX_BARS ? own->nrows : MAX_BARS;
    if (cd_make(R, &d, own, "owner", nb, vals, names, 2)) goto oom_cd;
    revl_rp_pair_open(R);
    cd_chart(R, &d, REVL_CHART_BAR, REVL_VAL_MONEY, "Open pipeline and weighted pipeline by owner",
             "Grouped bars: the open pipeline and the weighted pipeline of each owner, largest first");
    if (own->nrows > nb)
      revl_sbuf_printf(R->b, "<figcaption>The %zu largest of %zu owners.</figcaption>", nb,
                       own->nrows);
    revl_rp_pair_mid(R);
    revl_rp_table(R, own, pcols, 6, tot, NULL);
    revl_rp_pair_close(R);
    cd_free(&d);
  }
  /* by quarter of close date */
  revl_sbuf_puts(R->b, "<h3>By close quarter</h3>\n");
  o.by.nby = 0;
  o.win.period = R->qkind;
  o.win.has_from = 1;
  o.win.from = revl_days_from_civil(1900, 1, 1);
  rc = revl_metric_weighted_pipeline(&R->cx, &v, &o, &qf, &e);
  if (rc == REVL_ENOMEM) goto oom;
  if (rc) {
    revl_rp_error(R, &e);
  } else {
    chartdata d;
    if (cd_make(R, &d, qf, "period", qf->nrows, vals, names, 2)) goto oom_cd;
    revl_rp_pair_open(R);
    cd_chart(R, &d, REVL_CHART_BAR, REVL_VAL_MONEY, "Open pipeline by close quarter",
             "Grouped bars: the open pipeline and the weighted pipeline by the quarter of the "
             "deals' close date");
    revl_sbuf_puts(R->b, "<figcaption>Open deals without a close date are in the totals "
                         "above, not here.</figcaption>");
    revl_rp_pair_mid(R);
    revl_rp_table(R, qf, pcols + 1, 5, NULL, NULL);
    revl_rp_pair_close(R);
    cd_free(&d);
  }
  revl_frame_free(tot);
  revl_frame_free(own);
  revl_frame_free(qf);
  free(probs);
  revl_sbuf_free(&unknown);
  revl_rp_sec_close(R);
  return 0;
oom_cd:
oom:
  revl_frame_free(tot);
  revl_frame_free(own);
  revl_frame_free(qf);
  free(probs);
  revl_sbuf_free(&unknown);
  return -1;
}

/* ---- coverage ----------------------------------------------------------- */

int revl_rp_coverage(rep *R) {
  revl_rp_sec_open(R, "coverage", "Coverage against quota");
  const revl_table *t = revl_rp_need(R, "deals", NULL);
  if (!t) return revl_rp_sec_close(R), 0;
  const revl_table *reps = revl_rp_need(R, "reps", ": coverage needs the reps' quotas");
  if (!reps) return revl_rp_sec_close(R), 0;
  const revl_column *q = revl_table_column(reps, "quota");
  if (!q || q->nnull == q->n) {
    revl_rp_skip(R, "the reps have no quota (reps.quota is absent or empty)");
    return revl_rp_sec_close(R), 0;
  }
  revl_view v = revl_view_all(t);
  revl_quota_opts o;
  memset(&o, 0, sizeof o);
  o.prorate = 1;
  o.win.period = R->qkind; /* the quarter holding as_of */
  o.by.nby = 1;
  o.by.by[0] = "owner";
  revl_error e;
  revl_frame *f = NULL;
  int rc = revl_metric_coverage(&R->cx, &v, &o, &f, &e);
  if (rc == REVL_ENOMEM) return -1;
  if (rc) {
    revl_rp_error(R, &e);
    return revl_rp_sec_close(R), 0;
  }
  if (f->nrows) {
    int pi = revl_frame_col_index(f, "period");
    revl_sbuf_puts(R->b, "<p class=\"win\">The quarter holding the as-of date");
    if (pi >= 0 && revl_frame_valid(f, pi, 0)) {
      revl_sbuf_puts(R->b, ", ");
      revl_sbuf_escs(R->b, revl_frame_str(f, pi, 0));
    }
    revl_sbuf_puts(R->b, "; reps.quota read as annual, prorated. coverage = pipeline "
                         "\xC3\xB7 (quota \xE2\x88\x92 won).</p>\n");
  }
  sort_desc(f, "pipeline");
  static const char *const vals[] = {"coverage"};
  static const char *const names[] = {"Coverage"};
  chartdata d;
  size_t nb = f->nrows < MAX_BARS ? f->nrows : MAX_BARS;
  if (cd_make(R, &d, f, "owner", nb, vals, names, 1)) {
    cd_free(&d);
    revl_frame_free(f);
    return -1;
  }
  revl_rp_pair_open(R);
  cd_chart(R, &d, REVL_CHART_BAR, REVL_VAL_MULTIPLE, "Pipeline coverage by owner",
           "Bars: open pipeline closing this quarter divided by the quota still to win, per owner");
  revl_rp_pair_mid(R);
  static const tcol cols[] = {{"owner", "Owner", 0},          {"quota", "Quota", 0},
                              {"won", "Won", 0},              {"remaining", "Remaining", 0},
                              {"pipeline", "Pipeline", 0},    {"open_deals", "Open deals", 0},
                              {"coverage", "Coverage", F_X}};
  revl_rp_table(R, f, cols, 7, NULL, NULL);
  revl_rp_pair_close(R);
  cd_free(&d);
  revl_frame_free(f);
  revl_rp_sec_close(R);
  return 0;
}

/* ---- closed deals ------------------------------------------------------- */

typedef int (*closed_fn)(const revl_metric_ctx *, const revl_view *, const revl_closed_opts *,
                         revl_frame **, revl_error *);

/* One closed-deal metric by quarter: its chart and its table side by
 * side, or its error.  -1 when out of memory. */
static int closed_part(rep *R, const revl_view *v, const revl_closed_opts *o, closed_fn fn,
                       const char *h3, const char *const *vals, const char *const *names,
                       int kind, int fmt, const char *title, const char *desc,
                       const tcol *cols, int nc) {
  revl_error e;
  revl_frame *f = NULL;
  revl_sbuf_puts(R->b, "<h3>");
  revl_sbuf_escs(R->b, h3);
  revl_sbuf_puts(R->b, "</h3>\n");
  int rc = fn(&R->cx, v, o, &f, &e);
  if (rc == REVL_ENOMEM) return -1;
  if (rc) {
    revl_rp_error(R, &e);
    return 0;
  }
  chartdata d;
  if (cd_make(R, &d, f, "period", f->nrows, vals, names, 2)) {
    cd_free(&d);
    revl_frame_free(f);
    return -1;
  }
  revl_rp_pair_open(R);
  cd_chart(R, &d, kind, fmt, title, desc);
  revl_rp_pair_mid(R);
  revl_rp_table(R, f, cols, nc, NULL, NULL);
  revl_rp_pair_close(R);
  cd_free(&d);
  revl_frame_free(f);
  return 0;
}

int revl_rp_performance(rep *R) {
  revl_rp_sec_open(R, "performance", "Win rate, deal size and sales cycle");
  const revl_table *t = revl_rp_need(R, "deals", NULL);
  if (!t) return revl_rp_sec_close(R), 0;
  revl_view v = revl_view_all(t);
  revl_closed_opts o;
  memset(&o, 0, sizeof o);
  win_series(R, &o.win, R->qkind, R->qfrom);
  window_line(R, R->qfrom, R->o->as_of, "quarter of close date (closed deals)");
  static const char *const wr[] = {"win_rate", "win_rate_value"};
  static const char *const wrn[] = {"By count", "By value"};
  static const tcol wcols[] = {{"period", "Quarter", 0},
                               {"won", "Won", 0},
                               {"lost", "Lost", 0},
                               {"win_rate", "Win rate", F_PCT},
                               {"win_rate_value", "Win rate (value)", F_PCT},
                               {"won_amount", "Won amount", 0},
                               {"lost_amount", "Lost amount", 0}};
  if (closed_part(R, &v, &o, revl_metric_win_rate, "Win rate", wr, wrn, REVL_CHART_LINE,
                  REVL_VAL_RATIO, "Win rate by quarter",
                  "Lines: won deals as a share of closed deals, by count and by value, per quarter",
                  wcols, 7))
    return -1;
  static const char *const ds[] = {"avg_won", "median_won"};
  static const char *const dsn[] = {"Average won", "Median won"};
  static const tcol dcols[] = {{"period", "Quarter", 0},
                               {"won", "Won", 0},
                               {"won_amount", "Won amount", 0},
                               {"avg_won", "Average won", 0},
                               {"median_won", "Median won", 0}};
  if (closed_part(R, &v, &o, revl_metric_deal_size, "Deal size", ds, dsn, REVL_CHART_BAR,
                  REVL_VAL_MONEY, "Won deal size by quarter",
                  "Grouped bars: the average and the median amount of the won deals, per quarter",
                  dcols, 5))
    return -1;
  static const char *const sc[] = {"cycle_days_mean", "cycle_days_median"};
  static const char *const scn[] = {"Mean", "Median"};
  static const tcol ccols[] = {{"period", "Quarter", 0},
                               {"won", "Won", 0},
                               {"cycle_deals", "With a cycle", 0},
                               {"cycle_days_mean", "Mean (days)", F_DAYS},
                               {"cycle_days_median", "Median (days)", F_DAYS}};
  if (closed_part(R, &v, &o, revl_metric_sales_cycle, "Sales cycle", sc, scn, REVL_CHART_LINE,
                  REVL_VAL_DAYS, "Sales cycle by quarter",
                  "Lines: days from creation to close of the won deals, mean and median, per quarter",
                  ccols, 5))
    return -1;
  revl_rp_sec_close(R);
  return 0;
}

/* ---- lead funnel -------------------------------------------------------- */

int revl_rp_funnel(rep *R) {
  revl_rp_sec_open(R, "funnel", "Lead funnel");
  const revl_table *t = revl_rp_need(R, "leads", NULL);
  if (!t) return revl_rp_sec_close(R), 0;
  if (t->nrows == 0) {
    revl_rp_skip(R, "the leads table has no rows");
    return revl_rp_sec_close(R), 0;
  }
  revl_view v = revl_view_all(t);
  revl_funnel_opts o;
  memset(&o, 0, sizeof o);
  o.win.has_from = o.win.has_to = 1;
  o.win.from = R->qfrom;
  o.win.to = R->o->as_of;
  window_line(R, R->qfrom, R->o->as_of, "the leads created in the window");
  revl_error e;
  revl_frame *f = NULL, *q = NULL;
  int rc = revl_metric_funnel(&R->cx, &v, &o, &f, &e);
  if (rc == REVL_ENOMEM) return -1;
  if (rc) {
    revl_rp_error(R, &e);
    return revl_rp_sec_close(R), 0;
  }
  static const char *const steps[] = {"leads", "mql", "sql", "opportunities", "won"};
  static const char *const stepn[] = {"Leads", "MQL", "SQL", "Opportunities", "Won"};
  double vals[5];
  for (int i = 0; i < 5; i++) vals[i] = f->nrows ? value_at(f, revl_frame_col_index(f, steps[i]), 0) : NAN;
  revl_chart_series ser = {"Leads", vals};
  revl_chart c = {REVL_CHART_FUNNEL,
                  "Lead funnel",
                  "Funnel: leads created in the window and how many reached MQL, SQL, an "
                  "opportunity and a won deal, with the conversion from each step",
                  stepn, 5, &ser, 1, REVL_VAL_COUNT, NULL, NULL};
  revl_rp_pair_open(R);
  revl_svg_chart(R->b, &c);
  revl_rp_pair_mid(R);
  static const tcol cols[] = {{"period", "Window", 0},
                              {"leads", "Leads", 0},
                              {"mql", "MQL", 0},
                              {"sql", "SQL", 0},
                              {"opportunities", "Opps", 0},
                              {"won", "Won", 0},
                              {"conv_lead_mql", "Lead\xE2\x86\x92MQL", F_PCT},
                              {"conv_mql_sql", "MQL\xE2\x86\x92SQL", F_PCT},
                              {"conv_sql_opp", "SQL\xE2\x86\x92Opp", F_PCT},
                              {"conv_opp_won", "Opp\xE2\x86\x92Won", F_PCT},
                              {"conv_lead_won", "Lead\xE2\x86\x92Won", F_PCT}};
  revl_rp_table(R, f, cols, 11, NULL, NULL);
  revl_rp_pair_close(R);
  /* by quarter */
  win_series(R, &o.win, R->qkind, R->qfrom);
  rc = revl_metric_funnel(&R->cx, &v, &o, &q, &e);
  if (rc == REVL_ENOMEM) {
    revl_frame_free(f);
    return -1;
  }
  if (rc) {
    revl_rp_error(R, &e);
  } else {
    static const tcol qcols[] = {{"period", "Quarter", 0},
                                 {"leads", "Leads", 0},
                                 {"mql", "MQL", 0},
                                 {"sql", "SQL", 0},
                                 {"opportunities", "Opps", 0},
                                 {"won", "Won", 0},
                                 {"conv_lead_mql", "Lead\xE2\x86\x92MQL", F_PCT},
                                 {"conv_lead_won", "Lead\xE2\x86\x92Won", F_PCT},
                                 {"days_lead_mql", "Days to MQL (median)", F_DAYS},
                                 {"days_mql_sql", "Days MQL\xE2\x86\x92SQL (median)", F_DAYS}};
    revl_rp_table(R, q, qcols, 10, NULL, "By quarter of creation");
  }
  revl_frame_free(f);
  revl_frame_free(q);
  revl_rp_sec_close(R);
  return 0;
}

/* ---- recurring revenue -------------------------------------------------- */

int32_t revl_rp_add_months(int32_t day, int k) {
  int y;
  unsigned m, d;
  revl_civil_from_days(day, &y, &m, &d);
  int mm = (int)m - 1 + k;
  y += mm >= 0 ? mm / 12 : -((11 - mm) / 12);
  mm = ((mm % 12) + 12) % 12;
  return revl_days_from_civil(y, (unsigned)mm + 1, 1);
}

int revl_rp_revenue(rep *R) {
  revl_rp_sec_open(R, "revenue", "Recurring revenue");
  const revl_table *t = revl_rp_need(R, "subscriptions", NULL);
  if (!t) return revl_rp_sec_close(R), 0;
  if (t->nrows == 0) {
    revl_rp_skip(R, "the subscriptions table has no rows");
    return revl_rp_sec_close(R), 0;
  }
  revl_view v = revl_view_all(t);
  revl_mrr_opts o;
  memset(&o, 0, sizeof o);
  win_series(R, &o.win, "month", R->mfrom);
  window_line(R, R->mfrom, R->o->as_of, "month");
  revl_error e;
  revl_frame *f = NULL, *n1 = NULL;
  int rc = revl_metric_mrr(&R->cx, &v, &o, &f, &e);
  if (rc == REVL_ENOMEM) return -1;
  if (rc) {
    revl_rp_error(R, &e);
  } else {
    chartdata d;
    static const char *const mv[] = {"mrr"};
    static const char *const mvn[] = {"MRR"};
    if (cd_make(R, &d, f, "period", f->nrows, mv, mvn, 1)) {
      cd_free(&d);
      revl_frame_free(f);
      return -1;
    }
    revl_sbuf_puts(R->b, "<h3>MRR by month</h3>\n");
    revl_rp_pair_open(R);
    cd_chart(R, &d, REVL_CHART_LINE, REVL_VAL_MONEY, "MRR by month",
             "Line: monthly recurring revenue at the end of each month");
    revl_rp_pair_mid(R);
    cd_free(&d);
    static const tcol cols[] = {{"period", "Month", 0},       {"mrr", "MRR", 0},
                                {"new", "New", 0},            {"expansion", "Expansion", 0},
                                {"contraction", "Contraction", 0}, {"churned", "Churned", 0},
                                {"net_new", "Net new", 0},     {"customers", "Customers", 0}};
    revl_rp_table(R, f, cols, 8, NULL, NULL);
    revl_rp_pair_close(R);
  }
  revl_frame_free(f);
  f = NULL;
  /* NRR: trailing twelve months ending with each month of the series */
  revl_sbuf_puts(R->b, "<h3>Net revenue retention by month (trailing twelve months)</h3>\n");
  int nmonths = 0;
  for (int32_t m = R->mfrom; m <= R->o->as_of && nmonths < 120; m = revl_rp_add_months(m, 1)) nmonths++;
  revl_frame **nf = calloc((size_t)(nmonths ? nmonths : 1), sizeof *nf);
  if (!nf) return -1;
  int got = 0;
  for (int k = 0; k < nmonths; k++) {
    int32_t mstart = revl_rp_add_months(R->mfrom, k);
    int32_t mend = revl_rp_add_months(mstart, 1) - 1;
    if (mend > R->o->as_of) mend = R->o->as_of;
    revl_nrr_opts no;
    memset(&no, 0, sizeof no);
    no.window_given = 1;
    no.win.has_from = no.win.has_to = 1;
    no.win.from = revl_rp_add_months(mstart, -11);
    no.win.to = mend;
    rc = revl_metric_nrr(&R->cx, &v, &no, &n1, &e);
    if (rc == REVL_ENOMEM) break;
    if (rc) {
      revl_rp_error(R, &e);
      break;
    }
    if (n1->nrows != 1) {
      revl_frame_free(n1);
      continue;
    }
    nf[got++] = n1;
    n1 = NULL;
  }
  if (rc == REVL_ENOMEM) goto nrr_out;
  if (!rc && got) {
    chartdata d;
    memset(&d, 0, sizeof d);
    d.labels = calloc((size_t)got, sizeof *d.labels);
    d.v[0] = calloc((size_t)got, sizeof(double));
    d.v[1] = calloc((size_t)got, sizeof(double));
    d.ns = 2;
    d.names[0] = "NRR";
    d.names[1] = "GRR";
    if (!d.labels || !d.v[0] || !d.v[1]) {
      cd_free(&d);
      rc = REVL_ENOMEM;
      goto nrr_out;
    }
    for (int k = 0; k < got; k++) {
      char tb[96];
      size_t len = 0;
      int ei = revl_frame_col_index(nf[k], "end_month");
      const char *em = ei >= 0 && revl_frame_valid(nf[k], ei, 0)
                           ? revl_frame_cell_text(nf[k], ei, 0, tb, sizeof tb, &len)
                           : "?";
      if (ei < 0 || !revl_frame_valid(nf[k], ei, 0)) len = 1;
      if (len > 7) len = 7; /* YYYY-MM: the month the window ends with */
      d.labels[k] = strndup(em, len);
      d.n = k + 1;
      if (!d.labels[k]) {
        cd_free(&d);
        rc = REVL_ENOMEM;
        goto nrr_out;
      }
      d.v[0][k] = value_at(nf[k], revl_frame_col_index(nf[k], "nrr"), 0);
      d.v[1][k] = value_at(nf[k], revl_frame_col_index(nf[k], "grr"), 0);
    }
    revl_rp_pair_open(R);
    cd_chart(R, &d, REVL_CHART_LINE, REVL_VAL_RATIO, "Net and gross revenue retention",
             "Lines: NRR and GRR over the twelve months ending with each month");
    revl_rp_pair_mid(R);
    cd_free(&d);
    static const tcol cols[] = {{"period", "Window", 0},           {"start_mrr", "Start MRR", 0},
                                {"end_mrr", "End MRR", 0},         {"churned", "Churned", 0},
                                {"nrr", "NRR", F_PCT},             {"grr", "GRR", F_PCT},
                                {"logo_churn", "Logo churn", F_PCT}};
    frames_table(R, (const revl_frame *const *)nf, got, cols, 7, NULL, NULL);
    revl_rp_pair_close(R);
  }
nrr_out:
  for (int k = 0; k < got; k++) revl_frame_free(nf[k]);
  free(nf);
  if (rc == REVL_ENOMEM) return -1;
  revl_rp_sec_close(R);
  return 0;
}

/* ---- data quality ------------------------------------------------------- */

void revl_rp_quality(rep *R) {
  revl_sbuf *b = R->b;
  revl_rp_sec_open(R, "quality", "Data quality");
  if (R->s->ntables == 0) {
    revl_rp_skip(R, "no tables were loaded");
    return revl_rp_sec_close(R);
  }
  revl_sbuf_puts(b, "<div class=\"tw\"><table><caption>Tables</caption><thead><tr>"
                    "<th scope=\"col\">Table</th><th class=\"n\" scope=\"col\">Rows</th>"
                    "<th class=\"n\" scope=\"col\">Rejected</th>"
                    "<th class=\"n\" scope=\"col\">Duplicate keys</th>"
                    "<th class=\"n\" scope=\"col\">Broken references</th>"
                    "<th class=\"n\" scope=\"col\">Unreadable values</th>"
                    "<th class=\"n\" scope=\"col\">Columns</th></tr></thead><tbody>");
  for (int i = 0; i < R->s->ntables; i++) {
    const revl_table *t = R->s->tables[i];
    size_t broken = 0, bad = 0;
    for (int c = 0; c < t->ncols; c++) broken += t->cols[c]->nbroken, bad += t->cols[c]->nbad;
    revl_sbuf_puts(b, "<tr><th scope=\"row\">");
    revl_sbuf_escs(b, t->name);
    revl_sbuf_printf(b, "</th><td class=\"n\">%zu</td><td class=\"n%s\">%zu</td>"
                        "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                        "<td class=\"n\">%d</td></tr>\n",
                     t->nrows, t->nrejected ? " bad" : "", t->nrejected, t->nduplicate, broken,
                     bad, t->ncols);
  }
  revl_sbuf_puts(b, "</tbody></table></div>\n");
  /* nulls of the canonical (key) columns */
  revl_sbuf_puts(b, "<div class=\"tw\"><table><caption>Nulls in the canonical columns"
                    "</caption><thead><tr><th scope=\"col\">Table</th>"
                    "<th scope=\"col\">Column</th><th scope=\"col\">Type</th>"
                    "<th class=\"n\" scope=\"col\">Null</th><th scope=\"col\">Notes</th>"
                    "</tr></thead><tbody>");
  for (int i = 0; i < R->s->ntables; i++) {
    const revl_table *t = R->s->tables[i];
    for (int c = 0; c < t->ncols; c++) {
      const revl_column *col = t->cols[c];
      if (!col->canonical) continue;
      double pct = t->nrows ? 100.0 * (double)col->nnull / (double)t->nrows : 0;
      revl_sbuf_puts(b, "<tr><td>");
      revl_sbuf_escs(b, t->name);
      revl_sbuf_puts(b, "</td><td>");
      revl_sbuf_escs(b, col->name);
      revl_sbuf_printf(b, "</td><td>%s</td><td class=\"n%s\">%.1f%%</td><td>",
                       revl_type_name(col->type), pct >= 20 ? " bad" : "", pct);
      int sep = 0;
      if (c == t->pk) revl_sbuf_puts(b, "primary key"), sep = 1;
      if (col->ref) {
        revl_sbuf_printf(b, "%s\xE2\x86\x92 ", sep ? "; " : "");
        revl_sbuf_escs(b, col->ref->name);
        sep = 1;
      }
      if (col->nbroken) revl_sbuf_printf(b, "%s%zu broken", sep ? "; " : "", col->nbroken), sep = 1;
      if (col->nbad) revl_sbuf_printf(b, "%s%zu unreadable", sep ? "; " : "", col->nbad);
      revl_sbuf_puts(b, "</td></tr>\n");
    }
  }
  revl_sbuf_puts(b, "</tbody></table></div>\n");
  /* first rejects */
  int any = 0;
  for (int i = 0; i < R->s->ntables; i++) {
    const revl_table *t = R->s->tables[i];
    size_t show = t->nrejects_kept < 5 ? t->nrejects_kept : 5;
    if (!show) continue;
    if (!any) revl_sbuf_puts(b, "<h3>Rejected rows (first of each table)</h3><ul class=\"rej\">");
    any = 1;
    for (size_t k = 0; k < show; k++) {
      revl_sbuf_puts(b, "<li>");
      revl_sbuf_escs(b, t->name);
      revl_sbuf_printf(b, " line %ld", t->rejects[k].line);
      if (t->rejects[k].col) revl_sbuf_printf(b, ", column %ld", t->rejects[k].col);
      revl_sbuf_puts(b, ": ");
      revl_sbuf_escs(b, t->rejects[k].reason);
      revl_sbuf_puts(b, "</li>");
    }
  }
  if (any) revl_sbuf_puts(b, "</ul>\n");
  revl_rp_sec_close(R);
}

/* ---- the document ------------------------------------------------------- */
