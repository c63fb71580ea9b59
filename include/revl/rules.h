/*
 * rules.h -- the rules engine's core: ICP scoring, health scores,
 * usage-based triggers and the numbers they share (rounding, bands,
 * decay).  No Lua here: the bindings (src/lua/l_rules.c) compile the
 * playbook's definitions into these structures and call back into Lua
 * only for the functions a playbook gives as escape hatches.
 *
 * Conventions (docs/rules.md):
 * - a window of N days is the N calendar days ending on as-of: a day d
 *   is in it when as_of - N < d <= as_of (ages 0 .. N-1);
 * - scores are rounded half away from zero before they are compared
 *   with thresholds: fit and engagement to 2 decimals, health to 1;
 * - tiers and bands are lists in descending order of their lower bound
 *   (x >= min picks the first); the last may have no bound (catch-all).
 */
#ifndef REVL_RULES_H
#define REVL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "revl/criteria.h"
#include "revl/store.h"

/* ---- numbers ---------------------------------------------------------- */

/* x rounded half away from zero to `decimals` places; a value within
 * 1e-9 (relative) of a half is treated as the half, so 50.05 -> 50.1
 * although 50.05 is 50.04999... in binary. */
double revl_round_to(double x, int decimals);

/* ---- bands (tiers, engagement bands, metric bands) -------------------- */

typedef struct revl_band {
  char *label;
  double min;     /* lower bound, inclusive */
  int open;       /* no lower bound: catches everything below */
  double score;   /* metric bands: the score of the band */
} revl_band;

/* Index of the first band whose min <= x (or open), -1 when none. */
int revl_band_pick(const revl_band *b, int n, double x);
/* -1 when the mins descend strictly and only the last band is open;
 * otherwise the index of the first band out of order. */
int revl_bands_check(const revl_band *b, int n);

/* ---- decay -------------------------------------------------------------- */

typedef enum revl_decay_kind {
  REVL_DECAY_NONE,
  REVL_DECAY_HALF_LIFE, /* x 2^(-age / half_life) */
  REVL_DECAY_STEPS,     /* x factor of the last step with age > after */
  REVL_DECAY_EVERY      /* x factor^floor(age / every) */
} revl_decay_kind;

typedef struct revl_decay_step {
  int32_t after;
  double factor;
} revl_decay_step;

typedef struct revl_decay {
  revl_decay_kind kind;
  double half_life;
  int32_t every;
  double factor;
  revl_decay_step *steps; /* ascending after */
  int nsteps;
} revl_decay;

/* Factor applied to something `age` whole days old (age >= 0). */
double revl_decay_factor(const revl_decay *d, int32_t age);

/* ---- ICP ---------------------------------------------------------------- */

typedef struct revl_icp_rule {
  revl_crit *crit;   /* NULL: a Lua function rule (see fn) */
  double points;
  int group;
  int fn;            /* function slot, -1 for compiled criteria */
  char *name;
} revl_icp_rule;

typedef struct revl_icp_group {
  char *name;
  double cap;
  int has_cap;
} revl_icp_group;

typedef struct revl_engage {
  revl_table *acts;
  int fk;            /* activities column referencing the scored table */
  int type, at;      /* type (string) and at (date or datetime) columns */
  uint32_t *type_ids;
  double *type_pts;
  int ntypes;
  int32_t window;    /* days */
  revl_decay decay;
  double *factor;    /* per age 0 .. window-1 */
  double cap;
  int has_cap;
} revl_engage;

typedef struct revl_icp {
  revl_table *t;
  revl_icp_rule *rules;
  int nrules, nfn, nwords; /* nwords: 64-bit mask words per row */
  int *fnrule;             /* rule of each function slot */
  revl_icp_group *groups;
  int ngroups;
  double cap;
  int has_cap;
  revl_band *tiers;
  int ntiers;
  revl_engage *eng;  /* NULL: no engagement scoring */
  revl_band *bands;
  int nbands;
} revl_icp;

void revl_icp_free(revl_icp *m);
/* Engagement's columns on activities table e->acts for records of t:
 * key (a reference to t), type (text), at (a date or datetime); also
 * that both are of the same data.  REVL_EUSAGE with the message
 * playbooks see ("engagement: ..."). */
int revl_engage_bind(revl_engage *e, const revl_table *t, const char *key, const char *type,
                     const char *at, revl_error *err);
/* The decay factor of every age in the window (e->factor).  0 or
 * REVL_ENOMEM. */
int revl_engage_factors(revl_engage *e);

/* Set bit `bit` in mask (nwords words per position) for the positions
 * of rows[0..n) (NULL = every row of the table, n = nrows) that satisfy
 * c.  scratch has room for n rows.  Returns 0, or -1 when a callback
 * failed (ctx->failed). */
int revl_crit_mark(revl_crit *c, int bit, const uint32_t *rows, size_t n,
                   uint32_t *scratch, uint64_t *mask, int nwords,
                   revl_crit_ctx *ctx);

/* Fit of one record: fired rules in mask (nwords words), function
 * points in fnpts[nfn].  gsum (ngroups) receives each group's capped
 * points when not NULL.  Rounded to 2 decimals, never below 0. */
double revl_icp_fit(const revl_icp *m, const uint64_t *mask,
                    const double *fnpts, double *gsum);

/* Fit of every record at once (column at a time): mask has nwords
 * words per record, fnpts nfn values per record.  0 or REVL_ENOMEM. */
int revl_icp_fit_all(const revl_icp *m, const uint64_t *mask,
                     const double *fnpts, size_t n, double *out);

/* Engagement of every position: out[i] for rows[i] (rows NULL = all).
 * Returns 0 or REVL_ENOMEM. */
int revl_icp_engagement_all(const revl_icp *m, const uint32_t *rows,
                            size_t n, int32_t as_of, double *out);
/* Engagement of one record, with per-type counts and points (ntypes
 * each, optional).  Rounded to 2 decimals, capped. */
double revl_icp_engagement(const revl_icp *m, size_t row, int32_t as_of,
                           int *count, double *pts);

/* ---- health ------------------------------------------------------------- */

/* Band of a health score: 0 red (score <= red_max), 1 yellow (<=
 * yellow_max), 2 green; the score is rounded to 1 decimal first. */
int revl_health_band(double score, double red_max, double yellow_max);

/* sum(w[i] * x[i]) / sum(w[i]) over the x that are not NaN; NaN when no
 * weight remains. */
double revl_weighted_mean(const double *x, const double *w, int n);

/* Map a metric through bands (descending mins, each with a score) or,
 * when nb == 0, linearly: lo -> 0, hi -> 100, clamped (lo > hi means
 * lower is better). */
double revl_metric_score(double v, const revl_band *b, int nb, double lo,
                         double hi);

/* ---- usage and subscriptions ------------------------------------------- */

typedef struct revl_usage_src {
  revl_table *usage;   /* may be NULL */
  int u_fk, u_date, u_metric, u_value;
  revl_table *subs;    /* may be NULL */
  int s_fk, s_period, s_seats, s_mrr;
} revl_usage_src;

/* How revl_usage_agg folds a metric's observations. */
enum { REVL_UAGG_SUM, REVL_UAGG_AVG, REVL_UAGG_MIN, REVL_UAGG_MAX,
       REVL_UAGG_LAST, REVL_UAGG_COUNT };
/* An aggregation by its name ("sum" ... "count"; anything else avg),
 * and the name of one. */
int revl_usage_agg_of(const char *name);
const char *revl_usage_agg_name(int agg);
/* The usage table (NULL when not loaded) of the records of t into src,
 * which it clears first: its reference to t and date, metric (text) and
 * value columns.  Then the subscriptions table (NULL when not loaded):
 * its reference to t and period, and the seats (a number) and mrr
 * (money) columns it has.  A table without what it needs, or a needed
 * one missing, is REVL_EUSAGE with the message playbooks see. */
int revl_usage_src_usage(revl_usage_src *src, revl_table *t, revl_table *usage, int need,
                         revl_error *err);
int revl_usage_src_subs(revl_usage_src *src, revl_table *t, revl_table *subs, int need,
                        revl_error *err);

/* Aggregate metric (intern id) of record row over days lo < d <= hi.
 * Returns the number of observations; *out is set when there is at
 * least one (sum and count are 0 without observations). */
int revl_usage_agg(const revl_usage_src *s, size_t row, uint32_t metric,
                   int32_t lo, int32_t hi, int agg, double *out);

/* Seats (and mrr in minor units) of the subscription row in force on
 * day d: the latest period <= d.  Returns 0 when there is none. */
int revl_seats_on(const revl_usage_src *s, size_t row, int32_t d,
                  int64_t *seats, int64_t *mrr);

typedef struct revl_streak {
  int nobs;            /* observations up to as-of */
  int32_t latest;      /* day of the latest observation */
  double latest_util;  /* its utilisation (NaN when seats unknown) */
  int64_t seats;       /* seats on that day */
  int32_t start;       /* first day of the trailing run >= threshold, or
                          INT32_MAX when the latest is below */
  double min_util;     /* lowest utilisation in that run */
} revl_streak;

/* Seat utilisation (metric / seats in force) per observation up to
 * as_of, and the trailing run at or above threshold. */
void revl_util_streak(const revl_usage_src *s, size_t row, uint32_t metric,
                      double threshold, int32_t as_of, revl_streak *out);

/* Next contract renewal from the subscriptions: the account is live when
 * its latest row (period <= as_of) has mrr > 0; the contract starts at
 * the earliest period with mrr > 0 and renews every term_months; the
 * renewal is the first anniversary (one term or more after the start)
 * on or after as_of.  mrr (minor units, currency an intern id, 0 when
 * unknown) and seats are the latest row's.  Returns 0 when not live. */
int revl_next_renewal(const revl_usage_src *s, size_t row, int32_t as_of,
                      int term_months, int32_t *renewal, int64_t *mrr,
                      uint32_t *currency, int64_t *seats);

/* Add months to a day, clamped to the end of the month. */
int32_t revl_add_months_days(int32_t d, int months);

#endif
