/*
 * metric_quality.h -- the data-quality checks computed in the core:
 * completeness, duplicates, consistency and timeliness
 * (src/metrics/dquality.c).  Each returns 0 and two new frames the
 * caller owns in out[0] and out[1], or a negative REVL_E* code with err
 * filled ("revl.metrics.<name>: ..." -- the text the Lua API raises).
 * Option strings are borrowed for the call.  The text helpers they use
 * (revl_metrics_country, revl_metrics_jaro_winkler, the name and domain
 * keys) are in revl/metrics.h.
 */
#ifndef REVL_METRIC_QUALITY_H
#define REVL_METRIC_QUALITY_H

#include <stddef.h>

#include "revl/frame.h"
#include "revl/metric.h"

/* An option the caller could not read (a wrong type, a bad list entry):
 * which one (the metric's REVL_Q*_ number, 0 for none) and its text
 * after "revl.metrics.<fn>: ".  The metric raises it where it reads that
 * option, so the first fault in the metric's order is the one reported.
 * For a list option the entries before the bad one are given and are
 * resolved first. */
typedef struct revl_qbad {
  int at;
  const char *msg;
} revl_qbad;

/* A list of field names ("col" or "fk.col"). */
typedef struct revl_qnames {
  const char *const *names;
  int n;
  int given; /* the option was given (else its default applies) */
} revl_qnames;

/* ---- completeness ---------------------------------------------------- */

enum { REVL_QC_REQUIRED = 1, REVL_QC_FIELDS, REVL_QC_BY };

typedef struct revl_completeness_opts {
  revl_qnames fields;   /* default: `required` when given, else every column */
  revl_qnames required; /* default: `fields` */
  revl_by_opts by;
  revl_qbad bad;
} revl_completeness_opts;

/* out[0], per field and group: <by> position field rows filled missing
 * completeness (filled / rows); out[1], per group: <by> rows complete
 * (rows with every required field) completeness. */
int revl_metric_completeness(const revl_metric_ctx *cx, const revl_view *v,
                             const revl_completeness_opts *o,
                             revl_frame *out[2], revl_error *err);

/* ---- duplicates ------------------------------------------------------ */

enum { REVL_QD_ON = 1, REVL_QD_THRESHOLD, REVL_QD_WINDOW, REVL_QD_NAME, REVL_QD_DOMAIN };

typedef struct revl_duplicates_opts {
  const char *on;       /* "both" (NULL), "name" or "domain" */
  int has_threshold;    /* else 0.92 */
  double threshold;     /* in (0, 1] */
  int has_window;       /* else 8 */
  double window;        /* a whole number 1-1000 */
  const char *name;     /* the name column (NULL: "name") */
  const char *domain;   /* the domain column (NULL: "domain") */
  revl_qbad bad;
} revl_duplicates_opts;

/* out[0], one row per record in a cluster (by cluster, then view
 * order): cluster id name domain match similarity; out[1], one row:
 * records clusters clustered duplicates duplicate_rate uniqueness. */
int revl_metric_duplicates(const revl_metric_ctx *cx, const revl_view *v,
                           const revl_duplicates_opts *o, revl_frame *out[2],
                           revl_error *err);

/* ---- consistency ----------------------------------------------------- */

enum { REVL_QS_NORMALIZE = 1, REVL_QS_ALLOWED, REVL_QS_BY };

typedef struct revl_consistency_opts {
  const char *field;            /* the text field checked */
  const char *normalize;        /* NULL or "country" */
  const char *const *allowed;   /* the allowed values (bytes allowed_len[i]) */
  const size_t *allowed_len;
  int nallowed, has_allowed;
  revl_by_opts by;
  revl_qbad bad;
} revl_consistency_opts;

/* out[0], per group: <by> rows checked consistent inconsistent missing
 * consistency; out[1], each inconsistent value (most rows first): value
 * rows suggestion (normalize = "country"). */
int revl_metric_consistency(const revl_metric_ctx *cx, const revl_view *v,
                            const revl_consistency_opts *o, revl_frame *out[2],
                            revl_error *err);

/* ---- timeliness ------------------------------------------------------ */

enum { REVL_QT_DAYS = 1, REVL_QT_VIA, REVL_QT_BY };

typedef struct revl_timeliness_opts {
  int has_days;
  double days;     /* required: a whole number of days */
  const char *via; /* the activities column referencing the view's table */
  revl_by_opts by;
  revl_qbad bad;
} revl_timeliness_opts;

/* Records with an activity (cx->store's activities, dated up to the end
 * of as_of) within the last `days` days are fresh.  out[0], per group:
 * <by> records fresh stale timeliness; out[1], the stale records: id
 * <by> last_activity days_since. */
int revl_metric_timeliness(const revl_metric_ctx *cx, const revl_view *v,
                           const revl_timeliness_opts *o, revl_frame *out[2],
                           revl_error *err);

#endif
