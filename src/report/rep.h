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
} rep;

/* "2025-12-31" */
void revl_rp_put_date(revl_sbuf *b, int32_t d);
/* the first day of the month k months from the month of day */
int32_t revl_rp_add_months(int32_t day, int k);

/* The sections, in page order: 0 or REVL_ENOMEM (quality cannot fail). */
int revl_rp_pipeline(rep *R);
int revl_rp_coverage(rep *R);
int revl_rp_performance(rep *R);
int revl_rp_funnel(rep *R);
int revl_rp_revenue(rep *R);
void revl_rp_quality(rep *R);
/* The six-layer diagnostic (diagnose_sec.c), after the defaults. */
int revl_rp_diagnose(rep *R);

#endif
