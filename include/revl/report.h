/*
 * report.h -- the default HTML report (`revl report`), computed in C.
 *
 * One self-contained report.html (inline CSS and SVG, no script, no
 * network) whose every number comes from the core metric functions of
 * include/revl/metric_*.h, called directly: no Lua state.  The pieces
 * are public so tests can check them one by one:
 *
 *   revl_sbuf      a growable text buffer with HTML escaping (html.c)
 *   revl_chart     an aggregate chart (bar, stacked bar, line, funnel,
 *                  waterfall, heatmap) drawn as SVG with nice ticks, a
 *                  <title>, a <desc> (svg.c)
 *   revl_report_*  the sections and the document (report.c)
 */
#ifndef REVL_REPORT_H
#define REVL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "revl/common.h"
#include "revl/frame.h"
#include "revl/report_icp.h"
#include "revl/sbuf.h"
#include "revl/store.h"

/* ---- text buffer (revl/sbuf.h; the writers below in html.c) ------------- */

void revl_sbuf_free(revl_sbuf *b);
void revl_sbuf_put(revl_sbuf *b, const char *s, size_t n);
void revl_sbuf_puts(revl_sbuf *b, const char *s);
void revl_sbuf_printf(revl_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* s[0..n) HTML-escaped (& < > " ' ), fit for text and attribute values;
 * invalid UTF-8 bytes become U+FFFD. */
void revl_sbuf_esc(revl_sbuf *b, const char *s, size_t n);
void revl_sbuf_escs(revl_sbuf *b, const char *s); /* NULL = nothing */

/* ---- charts (svg.c) ---------------------------------------------------- */

enum {
  REVL_CHART_BAR = 0, /* grouped bars, one group per label */
  REVL_CHART_LINE,
  REVL_CHART_FUNNEL,  /* the first series as centred steps */
  REVL_CHART_STACKED, /* the series stacked in one bar per label */
  REVL_CHART_WATERFALL, /* the first value a level, the others changes,
                           a closing bar (total) with the running sum */
  REVL_CHART_HEATMAP  /* labels the columns, each series a row */
};

/* How values read on axes and labels. */
enum {
  REVL_VAL_NUMBER = 0, /* 1,234.5 */
  REVL_VAL_COUNT,      /* 1,234 */
  REVL_VAL_MONEY,      /* in major units of `currency` */
  REVL_VAL_RATIO,      /* 0..1 shown as 45.0% */
  REVL_VAL_DAYS,       /* 12.5 d */
  REVL_VAL_MULTIPLE    /* 3.20x (coverage) */
};

typedef struct revl_chart_series {
  const char *name;
  const double *v; /* n values; NAN = no value (a gap) */
} revl_chart_series;

typedef struct revl_chart {
  int kind;                  /* REVL_CHART_* */
  const char *title;         /* <title>, required */
  const char *desc;          /* <desc>, or NULL */
  const char *const *labels; /* n category labels (bars, x of lines, steps) */
  int n;
  const revl_chart_series *series;
  int nseries;               /* bar: grouped bars; funnel: the first only */
  int fmt;                   /* REVL_VAL_* */
  const char *currency;      /* REVL_VAL_MONEY */
  const char *total;         /* waterfall: the closing bar's label
                                (NULL: "Total", "": no closing bar) */
} revl_chart;

/* Nice ticks covering [lo, hi]: a step of 1, 2, 2.5 or 5 times a power
 * of ten giving at most maxticks intervals; *start is a multiple of step
 * <= lo and start + n * step >= hi.  lo == hi is widened.  0 or -1 when
 * the bounds are not finite. */
int revl_nice_ticks(double lo, double hi, int maxticks, double *start,
                    double *step, int *n);

/* A value as the chart and the tables show it ("1.2M USD" when compact
 * is set, else "1,234,567.89 USD"; "45.0%"; "12.5 d"). */
void revl_fmt_value(revl_sbuf *b, double v, int fmt, const char *currency,
                    int compact);

/* Append the chart as one <svg> element.  A chart with nothing to draw
 * (n == 0, no finite value) is a short <p> saying so. */
void revl_svg_chart(revl_sbuf *b, const revl_chart *c);

/* ---- sections from frames (section.c) --------------------------------- */

/* The chart kinds by name, as a playbook writes them ("bar",
 * "stacked_bar", "line", "funnel", "waterfall", "heatmap"), NULL-ended,
 * and the REVL_CHART_* of a name (-1 when unknown). */
extern const char *const revl_chart_kind_names[];
int revl_chart_kind_of(const char *name);

/* A chart of a frame's columns (docs/report.md "Sections from a
 * playbook"): one label per row from column x; each y column a series
 * (bar, stacked bar, line; funnel and waterfall take one).  A heatmap
 * takes x and one y as its two categories and the numbers in `value`.
 * Every string is borrowed. */
typedef struct revl_chart_spec {
  int kind;                /* REVL_CHART_* */
  const revl_frame *f;
  const char *x;
  const char *const *y;
  int ny;
  const char *value;       /* heatmap only */
  const char *title;       /* NULL: the section's title */
  const char *total;       /* waterfall: closing bar label (NULL "Total", "" none) */
} revl_chart_spec;

typedef struct revl_report_section {
  const char *title;             /* required */
  const char *text;              /* a paragraph, or NULL */
  const revl_chart_spec *chart;  /* or NULL */
  const revl_frame *table;       /* shown as a table, or NULL */
} revl_report_section;

/* Check sec and append it to b as one <section id="pN"> (N = number, 1
 * for the first).  REVL_EUSAGE with a message naming the problem (an
 * unknown column with the nearest one, a text y, mixed currencies, too
 * many categories), nothing appended; REVL_ENOMEM.  A chart whose frame
 * has no rows is a section that says so, and *empty is set (may be NULL). */
int revl_report_section_html(const revl_report_section *sec, int number,
                             revl_sbuf *b, int *empty, revl_error *err);

/* ---- the report (report.c) -------------------------------------------- */

typedef struct revl_report_opts {
  const char *data_dir;   /* shown in the header; may be NULL */
  int32_t as_of;          /* days since 1970-01-01 */
  int has_from;
  int32_t from;           /* first day of the series; default: 4 quarters */
  int fiscal_start;       /* 1-12 */
  const char *playbook;   /* the playbook the sections come from, or NULL */
  const char *const *sections; /* nsections HTML fragments from
                                  revl_report_section_html, in order */
  const char *const *section_titles;
  int nsections;
  int no_defaults;        /* the playbook's sections only */
  /* the ICP tier x engagement matrix (an ICP model's decisions over
   * every account, counted: revl_rt_report_write makes it from --icp
   * FILE or rules/icp.lua), or NULL; borrowed */
  const revl_report_icp *icp;
  const char *icp_source; /* the model's file, shown with the matrix */
  const char *icp_why;    /* why there is no matrix, when icp is NULL */
  const char *icp_file;   /* revl_rt_report_write: the model's file
                             (--icp), NULL for the shipped rules/icp.lua */
  /* the diagnostic section's result, made with a playbook's ICP model
   * and SLAs (revl_rt_report_write), or NULL: revl's own rules; borrowed */
  const struct revl_dx_result *diagnosis;
} revl_report_opts;

/* The whole document for the loaded store s into b.  Sections whose
 * tables are absent say why; a metric error is shown in its section.
 * REVL_ENOMEM only. */
int revl_report_html(const revl_store *s, const revl_report_opts *o,
                     revl_sbuf *b, revl_error *err);

/* revl_report_html written atomically to out_dir/report.html, confined
 * to out_dir (revl_csvw_open_in).  0 or REVL_EIO / REVL_ENOMEM. */
int revl_report_write(const revl_store *s, const revl_report_opts *o,
                      const char *out_dir, revl_error *err);

#endif
