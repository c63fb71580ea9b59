/*
 * frame_view.h -- the per-row work of store views in the core: group-by
 * into a result frame (src/frame/frame_view.c), one aggregate over a
 * view and sorting a view by a field (src/frame/view_ops.c).
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

/* The key a playbook wrote, "field" or "field:period", checked on t:
 * k->field and k->label are written into buf (n >= 2 * strlen(spec) +
 * 32), k->period points at a static name.  REVL_EUSAGE with the
 * message playbooks see. */
int revl_gkey_parse(const revl_table *t, const char *spec, revl_gkey *k, char *buf, size_t n,
                    revl_error *err);
/* Aggregate a of kind (its name) over field fname of t, checked. */
int revl_vagg_parse(const revl_table *t, revl_vagg *a, const char *kind, const char *fname,
                    revl_error *err);

/* One row per distinct key tuple of the view's rows: the key columns
 * (period keys as text labels: "2024-Q1", "FY2025"), then the aggregates
 * ordered by name; rows ordered by the keys (nulls last, periods
 * chronologically).  fiscal_start is the fiscal year's first month.
 * The caller owns *out; its string columns borrow the view's store. */
int revl_view_group_by(const revl_view *v, const revl_gkey *keys, int nk,
                       const revl_vagg *aggs, int na, int fiscal_start,
                       revl_frame **out, revl_error *err);

/* One value of an aggregate over a view (view:sum, :avg, ...). */
typedef struct revl_vresult {
  int has;        /* 0: no values (the caller says why: "no values") */
  revl_type type; /* of the value */
  int64_t i;      /* INT, MONEY (minor units), DATETIME */
  double d;       /* NUMBER */
  int32_t date;   /* DATE */
  uint32_t str;   /* STRING: an id of the store's strings */
  uint32_t cur;   /* MONEY: the currency's id in the store's strings */
} revl_vresult;

/* kind ("count", "sum", "avg", "min", "max", "median", "percentile" with
 * p in 0..100) of field ("col" or "fk.col") over v's rows.  Sums of money
 * are exact and refuse to mix currencies; the sum over no values is 0
 * (of the store's default currency for money); other kinds have no value
 * then.  Percentiles interpolate linearly between closest ranks (money
 * rounded half away from zero; a date only when it falls on a rank). */
int revl_view_aggregate(const revl_view *v, const char *field, const char *kind,
                        double p, revl_vresult *out, revl_error *err);

/* The rows of v ordered by field (stable, nulls last either way) into
 * rows (room for v->n). */
int revl_view_sort(const revl_view *v, const char *field, int desc,
                   uint32_t *rows, revl_error *err);

#endif
