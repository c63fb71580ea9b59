/*
 * metric_revenue.h -- the revenue and data metrics computed in the core
 * (retention, funnel, attribution, data quality, window); one function
 * per metric, no Lua.  Ported so far: window.
 */
#ifndef REVL_METRIC_REVENUE_H
#define REVL_METRIC_REVENUE_H

#include "revl/frame.h"
#include "revl/metric.h"

/* revl.metrics.window: the periods a window covers, one row each
 * (period, from, to).  *out is new, owned by the caller. */
int revl_metric_window(const revl_metric_ctx *cx, const revl_window_opts *o,
                       revl_frame **out, revl_error *err);

#endif
