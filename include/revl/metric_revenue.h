/*
 * metric_revenue.h -- the revenue and data metrics computed in the core
 * (recurring revenue, attribution, data quality, window); one function
 * per metric, no Lua.  Each returns 0 and new frames the caller owns, or
 * a negative REVL_E* code with err filled in the text the Lua API raises
 * ("revl.metrics.<name>: ...").  Option names and strings are borrowed
 * for the call.  Ported so far: window, mrr, nrr, attribution.
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

/* ---- attribution (src/metrics/attribution.c) ---- */

/* Options the caller could not parse, in the order the metric reads
 * them: the metric stops at the first one (after the checks that come
 * before it) with REVL_EUSAGE and err->msg left empty, so the caller
 * raises its own text for that option.  A malformed `by` list holds
 * the names before the bad entry: they are resolved first. */
enum {
  REVL_ATTRIB_BAD_NONE,
  REVL_ATTRIB_BAD_WINDOW,
  REVL_ATTRIB_BAD_BY,
  REVL_ATTRIB_BAD_MODELS,
  REVL_ATTRIB_BAD_HALF_LIFE,
  REVL_ATTRIB_BAD_TYPES
};

/* Zero-initialise, then set what was given. */
typedef struct revl_attribution_opts {
  revl_window_opts win; /* of close_date; default: the quarter of as_of */
  /* fields of the activities ("type", "deal.stage"); none given: by
   * campaign, unless by_none (`by = {}`: one group of every touch) */
  revl_by_opts by;
  int by_none;
  /* model names (revl_metrics_attr_model); NULL: every model, in the
   * order of revl_attr_model; a name may repeat (one column) */
  const char *const *models;
  int nmodels;
  int has_half_life; /* else 7 days */
  double half_life;  /* time_decay: days for a touch's weight to halve */
  /* only activities of these types (types[i] of type_lens[i] bytes)
   * count as touches, when use_types */
  int use_types;
  const char *const *types;
  const size_t *type_lens;
  int ntypes;
  int no_lead_touches; /* skip the touches of leads converted to the deal */
  int bad;             /* REVL_ATTRIB_BAD_* */
} revl_attribution_opts;

/* What attribution returns; both frames new, owned by the caller. */
typedef struct revl_attribution_out {
  /* per group of activity fields (and period of the close date): one
   * money column per model (the credit of the won deals' amounts),
   * touches, deals */
  revl_frame *credits;
  /* one row: won, attributed, unattributed (money), deals,
   * deals_without_touches */
  revl_frame *summary;
} revl_attribution_out;

/* Multi-touch attribution of the won deals of the view (amount, is_won,
 * close_date; created_at for the opportunity milestone) closed in the
 * window, over the store's activities (deal_id referencing the view's
 * table, at; lead_id and type optional) dated on or before the close
 * day.  On error out holds no frames. */
int revl_metric_attribution(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_attribution_opts *o,
                            revl_attribution_out *out, revl_error *err);

#endif
