/*
 * section.c -- a report section from frames: what revl.report.section
 * in a playbook adds to report.html (docs/report.md "Sections from a
 * playbook").  The binding (src/lua/l_report.c) only translates its
 * table into a revl_report_section; everything is checked here: the
 * chart kind, the columns (with the nearest name when one is mistyped),
 * that values are numbers in one currency, and that the chart stays an
 * aggregate (a bounded number of bars or cells, never one per record).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/report.h"

/* At most this many labels (rows of the frame) in a chart, and this
 * many columns and rows of a heatmap; at most TABLE_ROWS rows in a
 * section's table. */
#define MAX_LABELS 500
#define MAX_HEAT 100
#define TABLE_ROWS 1000

const char *const revl_chart_kind_names[] = {"bar",       "line",    "funnel", "stacked_bar",
                                             "waterfall", "heatmap", NULL};

int revl_chart_kind_of(const char *name) {
  for (int i = 0; name && revl_chart_kind_names[i]; i++)
    if (strcmp(name, revl_chart_kind_names[i]) == 0) return i;
  return -1;
}

/* ---- columns ------------------------------------------------------------ */

static int find_col(const revl_frame *f, const char *what, const char *name, revl_error *err) {
  int ci = name ? revl_frame_col_index(f, name) : -1;
  if (ci >= 0) return ci;
  if (!name)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "chart.%s is required", what);
  revl_near n;
  char hint[160];
  revl_near_init(&n, name);
  for (int i = 0; i < f->ncols; i++) revl_near_add(&n, f->cols[i]->col.name);
  revl_near_hint(&n, hint, sizeof hint);
  return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "chart.%s: the frame has no column '%s'%s",
                        what, name, hint);
}

static const char *type_word(revl_type t) {
  switch (t) {
  case REVL_T_STRING: return "text";
  case REVL_T_BOOL: return "a boolean";
  case REVL_T_DATE: return "a date";
  case REVL_T_DATETIME: return "a datetime";
  default: return "a number";
  }
}

static int val_fmt(const revl_fcol *c) {
  if (c->col.type == REVL_T_MONEY) return REVL_VAL_MONEY;
  switch (c->kind) {
  case REVL_DK_RATIO: return REVL_VAL_RATIO;
  case REVL_DK_DAYS: return REVL_VAL_DAYS;
  case REVL_DK_MULTIPLE: return REVL_VAL_MULTIPLE;
  case REVL_DK_COUNT: return REVL_VAL_COUNT;
  default: return c->col.type == REVL_T_INT ? REVL_VAL_COUNT : REVL_VAL_NUMBER;
  }
}

static const char *fmt_word(int fmt) {
  static const char *const w[] = {"number", "count", "money", "ratio", "days", "multiple"};
  return fmt >= 0 && fmt <= REVL_VAL_MULTIPLE ? w[fmt] : "number";
}

/* A numeric column's values as doubles (money in major units, NAN for
 * null) into v[0..nrows); its currency (the one of every money value)
 * into *cur.  REVL_EUSAGE for a column that is not numeric or mixes
 * currencies. */
static int values(const revl_frame *f, int ci, const char *what, double *v, const char **cur,
                  revl_error *err) {
  const revl_fcol *fc = f->cols[ci];
  const revl_column *c = &fc->col;
  if (c->type != REVL_T_INT && c->type != REVL_T_NUMBER && c->type != REVL_T_MONEY)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "chart.%s: column '%s' is %s, not a number: a chart draws numbers",
                          what, c->name, type_word(c->type));
  const char *one = NULL;
  for (size_t r = 0; r < f->nrows; r++) {
    if (!revl_frame_valid(f, (int)ci, r)) {
      v[r] = NAN;
      continue;
    }
    if (c->type == REVL_T_INT) v[r] = (double)c->v.i64[r];
    else if (c->type == REVL_T_NUMBER) v[r] = c->v.f64[r];
    else {
      const char *cc = revl_frame_currency(f, ci, r);
      if (!cc) cc = "";
      if (!one) one = cc;
      else if (strcmp(one, cc) != 0)
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                              "chart.%s: column '%s' mixes %s and %s: a chart shows one "
                              "currency (filter by currency or convert first)",
                              what, c->name, one[0] ? one : "(none)", cc[0] ? cc : "(none)");
      v[r] = (double)c->v.i64[r] / pow(10, revl_currency_decimals(cc));
    }
  }
  *cur = one && one[0] ? one : NULL;
  return 0;
}

/* ---- labels --------------------------------------------------------------- */

/* Texts kept in one block: offsets while it grows, pointers once done. */
typedef struct texts {
  revl_sbuf b;
  size_t *off;
  int n, cap;
} texts;

static int texts_add(texts *t, const char *s, size_t n) {
  if (t->n == t->cap) {
    int cap = t->cap ? t->cap * 2 : 16;
    size_t *o = revl_realloc_array(t->off, (size_t)cap, sizeof *o);
    if (!o) return REVL_ENOMEM;
    t->off = o;
    t->cap = cap;
  }
  t->off[t->n++] = t->b.n;
  revl_sbuf_put(&t->b, s, n);
  revl_sbuf_put(&t->b, "", 1);
  return t->b.oom ? REVL_ENOMEM : 0;
}

static const char *texts_at(const texts *t, int i) { return t->b.p + t->off[i]; }

static void texts_free(texts *t) {
  revl_sbuf_free(&t->b);
  free(t->off);
}

/* The label of row r of column ci: its text, "(none)" for null. */
static const char *label_of(const revl_frame *f, int ci, size_t r, char *buf, size_t n,
                            size_t *len) {
  if (!revl_frame_valid(f, ci, r)) {
    *len = 6;
    return "(none)";
  }
  return revl_frame_cell_text(f, ci, r, buf, n, len);
}

/* Index of s among t's texts, or -1. */
static int texts_find(const texts *t, const char *s, size_t n) {
  for (int i = 0; i < t->n; i++) {
    const char *p = texts_at(t, i);
    if (strlen(p) == n && memcmp(p, s, n) == 0) return i;
  }
  return -1;
}

/* ---- tables ----------------------------------------------------------- */

static void num_cell(revl_sbuf *b, double v, int fmt, const char *cur) {
  revl_sbuf_puts(b, "<td class=\"n\">");
  revl_fmt_value(b, v, fmt, cur, 0);
  revl_sbuf_puts(b, "</td>");
}

/* A frame cell as the section's table shows it. */
static void frame_cell(revl_sbuf *b, const revl_frame *f, int ci, size_t r) {
  const revl_fcol *fc = f->cols[ci];
  const revl_column *c = &fc->col;
  int num = c->type == REVL_T_INT || c->type == REVL_T_NUMBER || c->type == REVL_T_MONEY;
  revl_sbuf_puts(b, num ? "<td class=\"n\">" : "<td>");
  if (!revl_frame_valid(f, ci, r)) {
    revl_sbuf_puts(b, "<span class=\"na\">\xE2\x80\x94</span>");
  } else if (c->type == REVL_T_MONEY) {
    const char *cur = revl_frame_currency(f, ci, r);
    revl_fmt_value(b, (double)c->v.i64[r] / pow(10, revl_currency_decimals(cur ? cur : "")),
                   REVL_VAL_MONEY, cur, 0);
  } else if (num && fc->kind != REVL_DK_PLAIN && fc->kind != REVL_DK_POINTS &&
             fc->kind != REVL_DK_PERCENT) {
    revl_fmt_value(b, c->type == REVL_T_INT ? (double)c->v.i64[r] : c->v.f64[r], val_fmt(fc),
                   NULL, 0);
  } else {
    char buf[96];
    size_t n;
    const char *t = revl_frame_cell_text(f, ci, r, buf, sizeof buf, &n);
    revl_sbuf_esc(b, t, n);
  }
  revl_sbuf_puts(b, "</td>");
}

static void frame_table(revl_sbuf *b, const revl_frame *f) {
  revl_sbuf_puts(b, "<div class=\"tw\"><table><thead><tr>");
  for (int i = 0; i < f->ncols; i++) {
    revl_type t = f->cols[i]->col.type;
    int num = t == REVL_T_INT || t == REVL_T_NUMBER || t == REVL_T_MONEY;
    revl_sbuf_puts(b, num ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">");
    revl_sbuf_escs(b, f->cols[i]->col.name);
    revl_sbuf_puts(b, "</th>");
  }
  revl_sbuf_puts(b, "</tr></thead><tbody>");
  size_t n = f->nrows < TABLE_ROWS ? f->nrows : TABLE_ROWS;
  for (size_t r = 0; r < n; r++) {
    revl_sbuf_puts(b, "<tr>");
    for (int i = 0; i < f->ncols; i++) frame_cell(b, f, i, r);
    revl_sbuf_puts(b, "</tr>\n");
  }
  revl_sbuf_puts(b, "</tbody></table></div>\n");
  if (f->nrows > n)
    revl_sbuf_printf(b, "<p class=\"note\">The first %zu of %zu rows.</p>\n", n, f->nrows);
  else if (f->nrows == 0)
    revl_sbuf_puts(b, "<p class=\"note\">The table has no rows.</p>\n");
}

/* ---- the chart ------------------------------------------------------- */

typedef struct built {
  texts labels, names; /* categories and series names */
  double *v;           /* nseries * n values, series-major */
  revl_chart_series *ser;
  const char **lp, **np;
  int fmt;
  const char *cur;
} built;

static void built_free(built *B) {
  texts_free(&B->labels);
  texts_free(&B->names);
  free(B->v);
  free(B->ser);
  free(B->lp);
  free(B->np);
}

static int pointers(built *B, int ns) {
  B->lp = malloc(sizeof *B->lp * (size_t)(B->labels.n ? B->labels.n : 1));
  B->np = malloc(sizeof *B->np * (size_t)(ns ? ns : 1));
  B->ser = malloc(sizeof *B->ser * (size_t)(ns ? ns : 1));
  if (!B->lp || !B->np || !B->ser) return REVL_ENOMEM;
  for (int i = 0; i < B->labels.n; i++) B->lp[i] = texts_at(&B->labels, i);
  for (int s = 0; s < ns; s++) {
    B->np[s] = texts_at(&B->names, s);
    B->ser[s].name = B->np[s];
    B->ser[s].v = B->v + (size_t)s * (size_t)B->labels.n;
  }
  return 0;
}

/* bar, stacked bar, line, funnel, waterfall: a label per row, a series
 * per y column */
static int build_rows(const revl_chart_spec *c, built *B, revl_error *err) {
  const revl_frame *f = c->f;
  int xi = find_col(f, "x", c->x, err);
  if (xi < 0) return xi;
  if (c->ny < 1) return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "chart.y is required");
  int one = c->kind == REVL_CHART_FUNNEL || c->kind == REVL_CHART_WATERFALL;
  if (one && c->ny > 1)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "chart.y: a %s chart draws one column, not %d",
                          revl_chart_kind_names[c->kind], c->ny);
  if (c->ny > 8)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "chart.y: at most 8 columns in one chart, not %d", c->ny);
  if (f->nrows > MAX_LABELS)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "the chart's frame has %zu rows, one %s each; at most %d: aggregate "
                          "it first (group_by, a metric's by) or :limit it",
                          f->nrows, c->kind == REVL_CHART_LINE ? "point" : "bar", MAX_LABELS);
  size_t n = f->nrows;
  B->v = malloc(sizeof *B->v * (n ? n : 1) * (size_t)c->ny);
  if (!B->v) return REVL_ENOMEM;
  for (size_t r = 0; r < n; r++) {
    char buf[96];
    size_t len;
    const char *t = label_of(f, xi, r, buf, sizeof buf, &len);
    if (texts_add(&B->labels, t, len)) return REVL_ENOMEM;
  }
  for (int s = 0; s < c->ny; s++) {
    int yi = find_col(f, "y", c->y[s], err);
    if (yi < 0) return yi;
    const char *cur;
    int rc = values(f, yi, "y", B->v + (size_t)s * n, &cur, err);
    if (rc) return rc;
    int fmt = val_fmt(f->cols[yi]);
    if (s == 0) {
      B->fmt = fmt;
      B->cur = cur;
    } else if (fmt != B->fmt || (cur && B->cur && strcmp(cur, B->cur) != 0)) {
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "chart.y: '%s' (%s%s%s) and '%s' (%s%s%s) cannot share an axis",
                            c->y[0], fmt_word(B->fmt), B->cur ? " " : "", B->cur ? B->cur : "",
                            c->y[s], fmt_word(fmt), cur ? " " : "", cur ? cur : "");
    } else if (!B->cur) {
      B->cur = cur;
    }
    if (texts_add(&B->names, c->y[s], strlen(c->y[s]))) return REVL_ENOMEM;
  }
  return pointers(B, c->ny);
}

/* heatmap: the distinct x texts the columns, the distinct y texts the
 * rows, value the cell */
static int build_heat(const revl_chart_spec *c, built *B, revl_error *err) {
  const revl_frame *f = c->f;
  int xi = find_col(f, "x", c->x, err);
  if (xi < 0) return xi;
  if (c->ny != 1)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "chart.y: a heatmap takes one column of row categories%s",
                          c->ny ? ", not a list" : "");
  int yi = find_col(f, "y", c->y[0], err);
  if (yi < 0) return yi;
  int vi = find_col(f, "value", c->value, err);
  if (vi < 0) return vi;
  size_t n = f->nrows;
  double *v = malloc(sizeof *v * (n ? n : 1));
  int *cx = malloc(sizeof *cx * (n ? n : 1) * 2);
  int rc = v && cx ? 0 : REVL_ENOMEM;
  if (!rc) rc = values(f, vi, "value", v, &B->cur, err);
  for (size_t r = 0; !rc && r < n; r++) {
    char buf[96];
    size_t len;
    const char *t = label_of(f, xi, r, buf, sizeof buf, &len);
    int k = texts_find(&B->labels, t, len);
    if (k < 0) {
      if (B->labels.n == MAX_HEAT) {
        rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "chart.x: column '%s' has more than %d values; a heatmap "
                            "shows at most %d columns",
                            c->x, MAX_HEAT, MAX_HEAT);
        break;
      }
      k = B->labels.n;
      if (texts_add(&B->labels, t, len)) rc = REVL_ENOMEM;
    }
    cx[2 * r] = k;
    t = label_of(f, yi, r, buf, sizeof buf, &len);
    k = texts_find(&B->names, t, len);
    if (!rc && k < 0) {
      if (B->names.n == MAX_HEAT) {
        rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "chart.y: column '%s' has more than %d values; a heatmap "
                            "shows at most %d rows",
                            c->y[0], MAX_HEAT, MAX_HEAT);
        break;
      }
      k = B->names.n;
      if (texts_add(&B->names, t, len)) rc = REVL_ENOMEM;
    }
    cx[2 * r + 1] = k;
  }
  if (!rc) {
    size_t cells = (size_t)B->labels.n * (size_t)B->names.n;
    B->v = malloc(sizeof *B->v * (cells ? cells : 1));
    if (!B->v) rc = REVL_ENOMEM;
    for (size_t i = 0; !rc && i < cells; i++) B->v[i] = NAN;
    unsigned char *seen = rc ? NULL : calloc(cells ? cells : 1, 1);
    if (!rc && !seen) rc = REVL_ENOMEM;
    for (size_t r = 0; !rc && r < n; r++) {
      size_t at = (size_t)cx[2 * r + 1] * (size_t)B->labels.n + (size_t)cx[2 * r];
      if (seen[at]) {
        rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "the heatmap's frame has two rows for %s = %s, %s = %s: one "
                            "value per cell (aggregate it first with group_by)",
                            c->x, texts_at(&B->labels, cx[2 * r]), c->y[0],
                            texts_at(&B->names, cx[2 * r + 1]));
        break;
      }
      seen[at] = 1;
      B->v[at] = v[r];
    }
    free(seen);
  }
  free(v);
  free(cx);
  if (rc) return rc;
  B->fmt = val_fmt(f->cols[vi]);
  return pointers(B, B->names.n);
}

/* The numbers beside the chart: one row per label (for a heatmap, one
 * row per row category and a column per label). */
static void chart_numbers(revl_sbuf *b, const revl_chart_spec *c, const built *B, int ns) {
  int n = B->labels.n;
  revl_sbuf_puts(b, "<div class=\"tw\"><table><thead><tr>");
  if (c->kind == REVL_CHART_HEATMAP) {
    revl_sbuf_puts(b, "<th scope=\"col\">");
    revl_sbuf_escs(b, c->y[0]);
    revl_sbuf_puts(b, " \\ ");
    revl_sbuf_escs(b, c->x);
    revl_sbuf_puts(b, "</th>");
    for (int i = 0; i < n; i++) {
      revl_sbuf_puts(b, "<th scope=\"col\" class=\"n\">");
      revl_sbuf_escs(b, B->lp[i]);
      revl_sbuf_puts(b, "</th>");
    }
    revl_sbuf_puts(b, "</tr></thead><tbody>");
    for (int s = 0; s < ns; s++) {
      revl_sbuf_puts(b, "<tr><th scope=\"row\">");
      revl_sbuf_escs(b, B->np[s]);
      revl_sbuf_puts(b, "</th>");
      for (int i = 0; i < n; i++) num_cell(b, B->ser[s].v[i], B->fmt, B->cur);
      revl_sbuf_puts(b, "</tr>\n");
    }
    revl_sbuf_puts(b, "</tbody></table></div>");
    return;
  }
  revl_sbuf_puts(b, "<th scope=\"col\">");
  revl_sbuf_escs(b, c->x);
  revl_sbuf_puts(b, "</th>");
  for (int s = 0; s < ns; s++) {
    revl_sbuf_puts(b, "<th scope=\"col\" class=\"n\">");
    revl_sbuf_escs(b, B->np[s]);
    revl_sbuf_puts(b, "</th>");
  }
  revl_sbuf_puts(b, "</tr></thead><tbody>");
  double run = 0;
  for (int i = 0; i < n; i++) {
    revl_sbuf_puts(b, "<tr><th scope=\"row\">");
    revl_sbuf_escs(b, B->lp[i]);
    revl_sbuf_puts(b, "</th>");
    for (int s = 0; s < ns; s++) num_cell(b, B->ser[s].v[i], B->fmt, B->cur);
    revl_sbuf_puts(b, "</tr>\n");
    if (isfinite(B->ser[0].v[i])) run += B->ser[0].v[i];
  }
  revl_sbuf_puts(b, "</tbody>");
  const char *total = c->total ? c->total : "Total";
  if (c->kind == REVL_CHART_WATERFALL && total[0]) {
    revl_sbuf_puts(b, "<tfoot><tr><th scope=\"row\">");
    revl_sbuf_escs(b, total);
    revl_sbuf_puts(b, "</th>");
    num_cell(b, run, B->fmt, B->cur);
    revl_sbuf_puts(b, "</tr></tfoot>");
  }
  revl_sbuf_puts(b, "</table></div>");
}

static int chart_html(const revl_chart_spec *c, const char *title, revl_sbuf *b, int *empty,
                      revl_error *err) {
  if (c->kind < 0 || c->kind > REVL_CHART_HEATMAP)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "unknown chart kind %d", c->kind);
  if (!c->f) return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "chart.frame is required");
  built B;
  memset(&B, 0, sizeof B);
  int rc = c->kind == REVL_CHART_HEATMAP ? build_heat(c, &B, err) : build_rows(c, &B, err);
  if (rc) {
    built_free(&B);
    return rc == REVL_ENOMEM ? revl_error_set(err, rc, NULL, 0, 0, "not enough memory") : rc;
  }
  const char *t = c->title ? c->title : title;
  int ns = c->kind == REVL_CHART_HEATMAP ? B.names.n : c->ny;
  if (c->f->nrows == 0) {
    if (empty) *empty = 1;
    revl_sbuf_puts(b, "<p class=\"note\">No chart: ");
    revl_sbuf_escs(b, t);
    revl_sbuf_puts(b, " has no rows to draw.</p>\n");
    built_free(&B);
    return 0;
  }
  char desc[600];
  if (c->kind == REVL_CHART_HEATMAP)
    snprintf(desc, sizeof desc, "%s: %s by %s and %s (%d by %d cells)",
             revl_chart_kind_names[c->kind], c->value, c->x, c->y[0], B.labels.n, ns);
  else
  {
    size_t k = (size_t)snprintf(desc, sizeof desc, "%s chart of ", revl_chart_kind_names[c->kind]);
    for (int s = 0; s < ns && k < sizeof desc; s++)
      k += (size_t)snprintf(desc + k, sizeof desc - k, "%s%s", s ? ", " : "", c->y[s]);
    if (k < sizeof desc)
      snprintf(desc + k, sizeof desc - k, " by %s, %d %s", c->x, B.labels.n,
               B.labels.n == 1 ? "label" : "labels");
  }
  revl_chart ch = {c->kind, t, desc, B.lp, B.labels.n, B.ser, ns, B.fmt, B.cur, c->total};
  revl_sbuf_puts(b, "<div class=\"pair\"><figure>");
  revl_svg_chart(b, &ch);
  revl_sbuf_puts(b, "</figure><div class=\"side\">");
  chart_numbers(b, c, &B, ns);
  revl_sbuf_puts(b, "</div></div>\n");
  built_free(&B);
  return 0;
}

static void paragraphs(revl_sbuf *b, const char *text) {
  const char *p = text;
  while (*p) {
    while (*p == '\n') p++;
    if (!*p) break;
    const char *e = strstr(p, "\n\n");
    size_t n = e ? (size_t)(e - p) : strlen(p);
    revl_sbuf_puts(b, "<p>");
    revl_sbuf_esc(b, p, n);
    revl_sbuf_puts(b, "</p>\n");
    p += n;
  }
}

int revl_report_section_html(const revl_report_section *sec, int number, revl_sbuf *b,
                             int *empty, revl_error *err) {
  if (empty) *empty = 0;
  if (!sec->title || !sec->title[0])
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "title is required");
  revl_sbuf part = {0};
  revl_sbuf_printf(&part, "<section id=\"p%d\" class=\"playbook\"><h2>", number);
  revl_sbuf_escs(&part, sec->title);
  revl_sbuf_puts(&part, "</h2>\n");
  if (sec->text) paragraphs(&part, sec->text);
  int rc = 0;
  if (sec->chart) rc = chart_html(sec->chart, sec->title, &part, empty, err);
  if (!rc && sec->table) frame_table(&part, sec->table);
  revl_sbuf_puts(&part, "</section>\n");
  if (!rc && part.oom) rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  if (!rc) revl_sbuf_put(b, part.p, part.n);
  revl_sbuf_free(&part);
  return rc;
}
