/*
 * metric_path.h -- a funnel across tables (src/metrics/path.c): steps
 * that live in different tables (leads -> MQLs -> opportunities -> won),
 * joined by their links, counted per cohort of the first step.  Returns
 * 0 and a new frame the caller owns in *out, or a negative REVL_E* code
 * with err filled ("revl.metrics.path: ...").
 */
#ifndef REVL_METRIC_PATH_H
#define REVL_METRIC_PATH_H

#include "revl/frame.h"
#include "revl/metric.h"

#define REVL_PATH_MAXSTEPS 16

typedef struct revl_path_step {
  const char *name; /* the step's columns are named after it */
  revl_view view;   /* the rows that count as the step (a table, or a filtered view) */
  const char *at;   /* date or datetime column: when the step was reached */
  const char *link; /* column joining it to the previous step's table, in
                     * either table; NULL: the one link between them (or
                     * the same row, when both steps read one table) */
} revl_path_step;

/* The rows of the first step whose `at` is in the window (by default the
 * quarter holding as_of), grouped by `by` (fields of the first step's
 * table) and period. */
typedef struct revl_path_opts {
  revl_path_step steps[REVL_PATH_MAXSTEPS];
  int nsteps;
  revl_window_opts win;
  revl_by_opts by;
} revl_path_opts;

/* Columns: one count per step (the cohort rows that reached it), then
 * per later step conv_<prev>_<step> (share of the previous step),
 * days_<prev>_<step> (median days between the two) and ..._mean, then
 * conv_<first>_<last>. */
int revl_metric_path(const revl_metric_ctx *cx, const revl_path_opts *o, revl_frame **out,
                     revl_error *err);

#endif
