/*
 * metric_closed.h -- closed-deal metrics computed in the core (win rate,
 * deal size, sales cycle, velocity, performance: src/metrics/closed.c).
 * Each returns 0 and a new frame the caller owns in *out, or a negative
 * REVL_E* code with err filled ("revl.metrics.<name>: ...").
 */
#ifndef REVL_METRIC_CLOSED_H
#define REVL_METRIC_CLOSED_H

#include "revl/frame.h"
#include "revl/metric.h"

/* The closed deals (is_closed) whose close_date is in the window (by
 * default the quarter holding as_of), grouped by `by` and period.
 * Without a close_date column the metrics cover all time (a window
 * option is then an error).  The sales cycle runs from cycle_from
 * (default created_at) to cycle_to (default close_date): any two date
 * or datetime columns. */
typedef struct revl_closed_opts {
  revl_window_opts win;
  revl_by_opts by;
  const char *cycle_from, *cycle_to; /* NULL: created_at, close_date */
} revl_closed_opts;

/* won lost won_amount lost_amount win_rate win_rate_value */
int revl_metric_win_rate(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_closed_opts *o, revl_frame **out, revl_error *err);
/* won won_amount avg_won median_won */
int revl_metric_deal_size(const revl_metric_ctx *cx, const revl_view *v,
                          const revl_closed_opts *o, revl_frame **out, revl_error *err);
/* won cycle_deals cycle_days_mean cycle_days_median */
int revl_metric_sales_cycle(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_closed_opts *o, revl_frame **out, revl_error *err);
/* open_deals won lost win_rate avg_won cycle_days_mean velocity */
int revl_metric_velocity(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_closed_opts *o, revl_frame **out, revl_error *err);
/* all of the above in one pass */
int revl_metric_performance(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_closed_opts *o, revl_frame **out, revl_error *err);

/* ---- lead funnel (src/metrics/funnel.c) ---- */

/* Options the caller could not parse, in the order the metric reads
 * them: the metric stops at the first one (after the checks that come
 * before it) with REVL_EUSAGE and err->msg left empty, so the caller
 * raises its own text for that option.  A malformed `by` list holds
 * the names before the bad entry: they are resolved first. */
enum { REVL_FUNNEL_BAD_NONE, REVL_FUNNEL_BAD_WINDOW, REVL_FUNNEL_BAD_BY };

/* The leads (created_at; optional mql_at, sql_at, converted_deal_id
 * referencing deals with is_won, created_at, close_date) created in the
 * window (by default the quarter holding as_of), grouped by `by` and
 * period. */
typedef struct revl_funnel_opts {
  revl_window_opts win;
  revl_by_opts by;
  int bad; /* REVL_FUNNEL_BAD_* */
} revl_funnel_opts;

/* leads mql sql opportunities won, conv_lead_mql conv_mql_sql
 * conv_sql_opp conv_opp_won conv_lead_won, days_<step> (medians) and
 * days_<step>_mean of the timed transitions. */
int revl_metric_funnel(const revl_metric_ctx *cx, const revl_view *v,
                       const revl_funnel_opts *o, revl_frame **out, revl_error *err);

#endif
