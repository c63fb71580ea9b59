/*
 * rep.h -- what the default HTML report's two files share (private to
 * src/report/): the report being built, the sections (report.c) the
 * document (document.c) puts in order, and two date helpers.
 */
#ifndef REVL_REPORT_REP_H
#define REVL_REPORT_REP_H

#include <stdint.h>

#include "revl/metric.h"
#include "revl/report.h"

typedef struct rep {
  const revl_store *s;
  const revl_report_opts *o;
  revl_metric_ctx cx;
  revl_sbuf *b;
  const char *qkind; /* "quarter" or "fiscal_quarter" */
  int32_t qfrom;     /* first day of the quarterly series */
  int32_t mfrom;     /* first day of the monthly series */
  int32_t wfrom;     /* the waterfall's first day: --from, else the
                        first day of the quarter holding as_of */
} rep;

/* How a table cell reads (revl_rp_cell): automatic by type, a ratio as
 * a percentage, a multiple (3.20x), days, a plain number. */
enum { F_AUTO = 0, F_PCT, F_X, F_DAYS, F_NUM };

/* A table column: the frame column, its header, its F_* format. */
typedef struct tcol {
  const char *col;
  const char *head;
  int fmt;
} tcol;

/* ---- helpers of report.c, for the sections in other files ---- */

/* Cell r of frame column ci as the report shows it (escaped; money in
 * its currency, null as a dash with its _reason). */
void revl_rp_cell(revl_sbuf *b, const revl_frame *f, int ci, size_t r, int fmt);
/* The frame's columns named in cols (missing ones skipped), every row;
 * total: a one-row frame shown as a last "Total" row, or NULL. */
void revl_rp_table(const rep *R, const revl_frame *f, const tcol *cols, int nc,
                   const revl_frame *total, const char *caption);
/* <section id=ID><h2>TITLE</h2> ... </section> */
void revl_rp_sec_open(rep *R, const char *id, const char *title);
void revl_rp_sec_close(rep *R);
/* "Left out: WHY" and a metric's error text, each one paragraph. */
void revl_rp_skip(rep *R, const char *why);
void revl_rp_error(rep *R, const revl_error *e);
/* A chart and its table side by side: open, (chart), mid, (table), close. */
void revl_rp_pair_open(rep *R);
void revl_rp_pair_mid(rep *R);
void revl_rp_pair_close(rep *R);
/* The store's table, or NULL after a "Left out: no TABLE table ..." line
 * (what: more of the reason, or NULL). */
const revl_table *revl_rp_need(rep *R, const char *table, const char *what);

/* "2025-12-31" */
void revl_rp_put_date(revl_sbuf *b, int32_t d);
/* the first day of the month k months from the month of day */
int32_t revl_rp_add_months(int32_t day, int k);

/* The sections, in page order: 0 or REVL_ENOMEM (quality cannot fail). */
int revl_rp_pipeline(rep *R);
int revl_rp_coverage(rep *R);
int revl_rp_performance(rep *R);
int revl_rp_funnel(rep *R);
/* stages_sec.c: stage aging, the pipeline waterfall */
int revl_rp_aging(rep *R);
int revl_rp_waterfall(rep *R);
/* icp_sec.c: the ICP tier x engagement matrix */
int revl_rp_icp(rep *R);
int revl_rp_revenue(rep *R);
void revl_rp_quality(rep *R);
/* The six-layer diagnostic (diagnose_sec.c), after the defaults. */
int revl_rp_diagnose(rep *R);

#endif
