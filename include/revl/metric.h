/*
 * metric.h -- revenue metrics computed by the core, without Lua.
 *
 * Every metric of docs/metrics.md is (or becomes) a C function
 *   int revl_metric_<name>(const revl_metric_ctx *cx, const revl_view *v,
 *                          const revl_<name>_opts *o, revl_frame **out,
 *                          revl_error *err);
 * returning 0 and a new frame the caller owns in *out, or a negative
 * REVL_E* code with err filled ("revl.metrics.<name>: ..." -- the same
 * text the Lua API has always raised).  This header holds what every
 * metric shares: the context (store, as-of day, fiscal start) and the
 * common options (window, by).  Families declare their metrics in
 * include/revl/metric_<family>.h, which include this header.
 */
#ifndef REVL_METRIC_H
#define REVL_METRIC_H

#include <stdint.h>

#include "revl/common.h"
#include "revl/frame.h"
#include "revl/store.h"

#define REVL_METRIC_MAXBY 8

/* What a metric reads besides its view.  The caller owns everything. */
typedef struct revl_metric_ctx {
  const revl_store *store; /* the tables of FK lookups and other views */
  int32_t as_of;           /* "today" (days since 1970-01-01) */
  int fiscal_start;        /* first month of the fiscal year, 1-12 */
} revl_metric_ctx;

/* The window options as given: period/from/to/periods (docs/metrics.md
 * "Periods").  Zero-initialise, then set what was given. */
typedef struct revl_window_opts {
  const char *period; /* NULL when not given; "all" or a period kind */
  int has_from, has_to;
  int32_t from, to;   /* days, when has_from / has_to */
  int periods;        /* 0 when not given */
} revl_window_opts;

/* The `by` option: field names ("owner", "account.region"). */
typedef struct revl_by_opts {
  const char *by[REVL_METRIC_MAXBY];
  int nby;
} revl_by_opts;

#endif
