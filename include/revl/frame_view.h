/*
 * frame_view.h -- group-by of a store view into a result frame (the
 * per-row work of view:group_by, src/frame/frame_view.c).
 */
#ifndef REVL_FRAME_VIEW_H
#define REVL_FRAME_VIEW_H

#include "revl/frame.h"

/* A key: field "col" or "fk.col"; period NULL or one of day week month
 * quarter year fiscal_quarter fiscal_year (the field must then be a date
 * or datetime); label names the output column. */
typedef struct revl_gkey {
  const char *field;
  const char *period;
  const char *label;
} revl_gkey;

/* An aggregate: kind (revl_agg_kind) of field (NULL for a row count),
 * output column name, p for percentiles. */
typedef struct revl_vagg {
  int kind;
  const char *field;
  const char *name;
  double p;
} revl_vagg;

/* One row per distinct key tuple of the view's rows: the key columns
 * (period keys as text labels: "2024-Q1", "FY2025"), then the aggregates
 * ordered by name; rows ordered by the keys (nulls last, periods
 * chronologically).  fiscal_start is the fiscal year's first month.
 * The caller owns *out; its string columns borrow the view's store. */
int revl_view_group_by(const revl_view *v, const revl_gkey *keys, int nk,
                       const revl_vagg *aggs, int na, int fiscal_start,
                       revl_frame **out, revl_error *err);

#endif
