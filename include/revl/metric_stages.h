/*
 * metric_stages.h -- the stage metrics computed in the core (stage
 * conversion, time in stage, stage aging, slipped deals:
 * src/metrics/stages.c) and the pipeline waterfall between two snapshots
 * (src/metrics/waterfall.c).  No Lua.  Each returns 0 and new frames the
 * caller owns, or a negative REVL_E* code with err filled
 * ("revl.metrics.<name>: ...", the text the Lua API has always raised).
 * Option strings are borrowed for the call.
 *
 * The stage metrics read the store's stage_history table (deal_id
 * referencing the view's table, stage, entered_at; close_date for
 * slipped_deals); each deal's history is taken in entered_at order, then
 * file order.
 */
#ifndef REVL_METRIC_STAGES_H
#define REVL_METRIC_STAGES_H

#include <stddef.h>

#include "revl/frame.h"
#include "revl/metric.h"

/* Options the caller could not parse, in the order the metric reads
 * them: the metric stops at the first one (after the checks that come
 * before it) with REVL_EUSAGE and err->msg left empty, so the caller
 * raises its own text for that option.  A malformed `by` list holds the
 * names before the bad entry (resolved first), a malformed `stages` list
 * the names before the bad entry (checked for repeats first). */
enum {
  REVL_STAGES_BAD_NONE,
  REVL_STAGES_BAD_DAYS,
  REVL_STAGES_BAD_STAGES,
  REVL_STAGES_BAD_WINDOW,
  REVL_STAGES_BAD_BY
};

/* stage_conversion and time_in_stage.  Zero-initialise, then set what
 * was given. */
typedef struct revl_stages_opts {
  revl_window_opts win; /* of the first entry into a stage; default: all */
  revl_by_opts by;
  /* the stage order, stages[i] of stage_lens[i] bytes, when has_stages;
   * else inferred from the histories (open stages by mean relative
   * position, then those mostly ending won deals, then lost ones) */
  int has_stages;
  const char *const *stages;
  const size_t *stage_lens;
  int nstages;
  int no_current; /* time_in_stage: leave out open deals' current stage */
  int bad;        /* REVL_STAGES_BAD_* */
} revl_stages_opts;

/* One row per group, period and stage: position stage entered to_next
 * to_later won conversion_next conversion_later win_rate. */
int revl_metric_stage_conversion(const revl_metric_ctx *cx, const revl_view *v,
                                 const revl_stages_opts *o, revl_frame **out,
                                 revl_error *err);
/* One row per group, period and stage: position stage deals mean_days
 * median_days p90_days (the stays of each deal in the stage, summed). */
int revl_metric_time_in_stage(const revl_metric_ctx *cx, const revl_view *v,
                              const revl_stages_opts *o, revl_frame **out,
                              revl_error *err);

/* What stage_aging and slipped_deals return; both frames new, owned by
 * the caller (none on error). */
typedef struct revl_stages_out {
  revl_frame *summary; /* one row per group (and period), sorted by keys */
  revl_frame *records; /* the deals behind it, in the metric's order */
} revl_stages_out;

typedef struct revl_aging_opts {
  int has_days;
  double days; /* a deal is aged after this many whole days in its stage */
  revl_by_opts by;
  int no_records; /* the summary only: records is NULL (a report's counts
                     need not list 100k aged deals) */
  int bad; /* REVL_STAGES_BAD_DAYS or _BY */
} revl_aging_opts;

/* The open deals (is_closed, stage; created_at when the history has no
 * row for the current stage): summary open_deals aged aged_amount
 * aged_share max_days unknown_age; records (the aged deals, longest
 * first) id, the by keys, stage owner amount entered_at days_in_stage. */
int revl_metric_stage_aging(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_aging_opts *o, revl_stages_out *out,
                            revl_error *err);

typedef struct revl_slipped_opts {
  revl_window_opts win; /* of stage_history.close_date; default: the
                           quarter of as_of; it must be limited */
  revl_by_opts by;
  int bad; /* REVL_STAGES_BAD_WINDOW or _BY */
} revl_slipped_opts;

/* Deals whose history had a close date in a period that their current
 * close date is past: summary slipped slipped_amount days_pushed_mean;
 * records id, the by keys, period owner stage amount from_date to_date
 * days_pushed. */
int revl_metric_slipped_deals(const revl_metric_ctx *cx, const revl_view *v,
                              const revl_slipped_opts *o, revl_stages_out *out,
                              revl_error *err);

/* ---- pipeline waterfall (src/metrics/waterfall.c) ---- */

typedef struct revl_waterfall_opts {
  revl_window_opts win; /* of close_date; default: none (all open deals) */
  revl_by_opts by;      /* fields of both snapshots, of the same types */
  int bad;              /* REVL_STAGES_BAD_BY or _WINDOW */
} revl_waterfall_opts;

/* What waterfall returns; all frames new, owned by the caller. */
typedef struct revl_waterfall_out {
  /* one row per group (and period), sorted by keys: start created
   * pulled_in increased decreased pushed lost won transfer_in
   * transfer_out removed end (money) */
  revl_frame *frame;
  revl_frame *totals; /* one row: the same money columns over all groups */
  /* the deals behind each bucket: row (INT: 1-based row of frame, 0 for
   * totals), bucket (a money column's name), id (the deal's key); a row's
   * deals in bucket order, then before before after, then row order; the
   * totals' deals sorted by id within each bucket */
  revl_frame *ids;
} revl_waterfall_out;

/* The open deals (is_closed, is_won, amount; close_date with a window)
 * of two snapshots of the deals, matched by key. */
int revl_metric_waterfall(const revl_metric_ctx *cx, const revl_view *before,
                          const revl_view *after, const revl_waterfall_opts *o,
                          revl_waterfall_out *out, revl_error *err);

/* The deals as they stood at the start of `day`, rebuilt from
 * stage_history (src/metrics/snapshot.c): the before side of a waterfall
 * when there is no export of that day.  All owned by the snapshot. */
typedef struct revl_deals_snapshot {
  revl_store *store;    /* holds one table named as the deals' table */
  revl_view before;     /* its rows: id owner stage amount close_date
                           is_closed is_won, one per deal that had a
                           history row entered before day */
  revl_view after;      /* the deals of the view that have a history */
  uint32_t *after_rows;
  size_t nafter;
  size_t no_history;    /* deals of the view without any history row:
                           in neither side */
} revl_deals_snapshot;

/* Rebuild the snapshot of the deals of v at the start of day (days since
 * 1970-01-01): a deal's state is its last history row entered before
 * day (stage; amount and close_date when the history has them, else
 * the deal's own); a stage is closed (won) when the deals in it now are.
 * 0, REVL_EUSAGE (no stage_history, a missing column), REVL_ENOMEM; out
 * is empty on error. */
int revl_deals_snapshot_at(const revl_view *v, int32_t day, revl_deals_snapshot *out,
                           revl_error *err);
void revl_deals_snapshot_done(revl_deals_snapshot *s); /* NULL: no-op */

#endif
