/*
 * metric_revenue.h -- the revenue and data metrics computed in the core
 * (recurring revenue, attribution, data quality, window); one function
 * per metric, no Lua.  Each returns 0 and new frames the caller owns, or
 * a negative REVL_E* code with err filled in the text the Lua API raises
 * ("revl.metrics.<name>: ...").  Option names and strings are borrowed
 * for the call.  Ported so far: window, mrr, nrr.
 */
#ifndef REVL_METRIC_REVENUE_H
#define REVL_METRIC_REVENUE_H

#include "revl/frame.h"
#include "revl/metric.h"

/* revl.metrics.window: the periods a window covers, one row each
 * (period, from, to).  *out is new, owned by the caller. */
int revl_metric_window(const revl_metric_ctx *cx, const revl_window_opts *o,
                       revl_frame **out, revl_error *err);

/* ---- recurring revenue (src/metrics/retention.c) ---- */

/* Both read a subscriptions-like view: account_id, period (date or
 * datetime: the month it bills), mrr (money). */
typedef struct revl_mrr_opts {
  revl_window_opts win; /* default: the month holding as_of */
  revl_by_opts by;
  /* a malformed `by` found by the caller: raised (after the column and
   * window errors) where by is resolved, or NULL */
  const char *by_error;
} revl_mrr_opts;

/* MRR movements per by group and period of months up to as_of's month:
 * mrr, arr, start_mrr, new, reactivation, expansion, contraction,
 * churned, net_new, customers, customers_start, new_customers,
 * reactivated_customers, churned_customers, logo_churn, months. */
int revl_metric_mrr(const revl_metric_ctx *cx, const revl_view *v,
                    const revl_mrr_opts *o, revl_frame **out,
                    revl_error *err);

typedef struct revl_nrr_opts {
  revl_window_opts win;
  /* any of period/from/to/periods given (even periods = 0); without,
   * the window is the twelve months up to as_of */
  int window_given;
  revl_by_opts by;
  const char *by_error; /* as in revl_mrr_opts */
} revl_nrr_opts;

/* Net and gross revenue retention per group and period: the customers
 * with MRR in the month before the period and what they pay in its last
 * month (up to as_of). */
int revl_metric_nrr(const revl_metric_ctx *cx, const revl_view *v,
                    const revl_nrr_opts *o, revl_frame **out,
                    revl_error *err);

#endif
