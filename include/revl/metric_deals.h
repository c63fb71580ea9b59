/*
 * metric_deals.h -- the deal metrics computed in the core (pipeline,
 * forecast, closed-deal stats, quotas, stages, waterfall); one function
 * per metric, no Lua.  Each returns 0 and a new frame the caller owns in
 * *out, or a negative REVL_E* code with err filled in the text the Lua
 * API raises ("revl.metrics.<name>: ...").
 */
#ifndef REVL_METRIC_DEALS_H
#define REVL_METRIC_DEALS_H

#include "revl/frame.h"
#include "revl/metric.h"

/* A stage's win probability given by the caller (0..1). */
typedef struct revl_stage_prob {
  const char *stage;
  double p;
} revl_stage_prob;

/* ---- pipeline (src/metrics/pipeline.c) ---- */

typedef struct revl_weighted_pipeline_opts {
  revl_window_opts win;
  revl_by_opts by;
  const revl_stage_prob *probs; /* NULL: the deals' probability column */
  int nprobs;
} revl_weighted_pipeline_opts;

/* Open deals: deals, pipeline, weighted (amount x probability per deal,
 * rounded half away from zero to the minor unit), missing_amount,
 * missing_probability; by keys and periods of close_date as asked. */
int revl_metric_weighted_pipeline(const revl_metric_ctx *cx,
                                  const revl_view *v,
                                  const revl_weighted_pipeline_opts *o,
                                  revl_frame **out, revl_error *err);

typedef struct revl_forecast_opts {
  revl_window_opts win;
  revl_by_opts by;
} revl_forecast_opts;

/* The deals closing in the window (by default the quarter holding
 * as_of) rolled up by forecast category: closed commit best_case
 * pipeline omitted uncategorized, the cumulative commit_total
 * best_case_total pipeline_total, a <category>_deals count for each and
 * missing_amount.  Won deals count as closed, lost ones as omitted. */
int revl_metric_forecast(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_forecast_opts *o, revl_frame **out, revl_error *err);

#endif
