/*
 * metrics.h -- the arithmetic, grouping and text primitives behind
 * revl.metrics.
 *
 * Everything a revenue metric needs to be exact and fast lives here as
 * plain C over arrays: calendar periods as integer ordinals, money
 * arithmetic in int64 minor units with 128-bit intermediates and
 * documented rounding, largest-remainder apportionment (attribution
 * credits that add up to the cent), order statistics without a full
 * sort, a hash grouper over int64 key tuples, monthly recurring revenue
 * movements, and the normalisers and similarity used by duplicate
 * detection.  Nothing here touches Lua or longjmps: functions return 0
 * or a negative REVL_E* code (src/lua/l_metrics.c turns them into Lua
 * errors).
 */
#ifndef REVL_METRICS_H
#define REVL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "revl/common.h"

/* ---- periods ------------------------------------------------------- */

typedef enum revl_period_kind {
  REVL_PK_NONE = -1,
  REVL_PK_WEEK = 0, /* ISO weeks, Monday first */
  REVL_PK_MONTH,
  REVL_PK_QUARTER,
  REVL_PK_YEAR,
  REVL_PK_FQUARTER, /* fiscal quarter (fiscal start month) */
  REVL_PK_FYEAR     /* fiscal year, named by the year it ends in */
} revl_period_kind;

/* Kind from its playbook name ("month", "fiscal_quarter"...) or
 * REVL_PK_NONE; name of a kind (as revl_period_key spells it). */
int revl_metrics_period_parse(const char *name);
const char *revl_metrics_period_name(int kind);

/* Ordinal of the period holding day `days`: consecutive periods have
 * consecutive ordinals, so windows are integer ranges.  fs is the first
 * month of the fiscal year (1-12). */
int64_t revl_metrics_period_index(int32_t days, int kind, int fs);
/* First and last day (inclusive) of period `ord`. */
void revl_metrics_period_bounds(int64_t ord, int kind, int fs, int32_t *first,
                                int32_t *last);
/* Month ordinal (year * 12 + month - 1) of a day; day of a month's 1st. */
int32_t revl_metrics_month_of(int32_t days);
int32_t revl_metrics_month_start(int32_t month);

/* Label of the period (by name: "day", "week", "month", "quarter",
 * "year", "fiscal_quarter"/"fq", "fiscal_year"/"fy") holding day `days`:
 * "2024-02-29", "2024-W09", "2024-02", "2024-Q1", "2024", "FY2025-Q1",
 * "FY2025".  Returns snprintf's count, or -1 for an unknown period. */
int revl_period_key(int32_t days, const char *period, int fiscal_start,
                    char *buf, size_t n);

/* ---- exact arithmetic ---------------------------------------------- */

/* a / b rounded half away from zero (b != 0), with a as a 128-bit
 * numerator given as a * m. */
int revl_metrics_muldiv(int64_t a, int64_t m, int64_t b, int64_t *out);
/* (n1 * n2 * n3) / (d1 * d2 * d3) rounded half away from zero; every
 * factor >= 0 except n1; REVL_EUSAGE when the denominator is 0 and
 * REVL_EDATA when the result leaves int64. */
int revl_metrics_ratio3(int64_t n1, int64_t n2, int64_t n3, int64_t d1,
                        int64_t d2, int64_t d3, int64_t *out);
/* Probability as parts per billion (round(p * 1e9)); REVL_EDATA outside
 * 0..1 or not finite. */
int revl_metrics_ppb(double p, int64_t *ppb);
/* minor * ppb / 1e9, rounded half away from zero. */
int revl_metrics_weigh(int64_t minor, int64_t ppb, int64_t *out);

/* Split `total` into n shares proportional to w[0..n) (w >= 0, sum > 0)
 * so that the shares add up to total exactly: each share is first
 * floor(|total| * w / W), and the units left over go one each to the
 * largest remainders, ties to the lower index.  scratch holds n
 * entries.  REVL_EUSAGE when the weights sum to 0. */
int revl_metrics_apportion(int64_t total, const int64_t *w, size_t n,
                           int64_t *out, uint32_t *scratch);

/* Percentile p (0-100) of v[0..n) (n > 0) by linear interpolation
 * between closest ranks, like view:percentile; reorders v. */
double revl_metrics_percentile(double *v, size_t n, double p);

/* ---- grouping ------------------------------------------------------ */

/* Open-addressing map from tuples of nk int64 parts to dense group
 * numbers 0, 1, ... in order of first appearance. */
typedef struct revl_mgroup {
  int nk;
  size_t n, cap;   /* groups, room for groups */
  int64_t *keys;   /* n * nk parts */
  uint32_t *first; /* the caller's tag of each group (its first row) */
  uint32_t *slots; /* group + 1, 0 = empty */
  size_t mask;
} revl_mgroup;

int revl_mgroup_init(revl_mgroup *g, int nk);
void revl_mgroup_free(revl_mgroup *g);
/* Group of key[0..nk) (added with tag when new): >= 0, or REVL_ENOMEM. */
int64_t revl_mgroup_get(revl_mgroup *g, const int64_t *key, uint32_t tag);
/* Group of key or -1 when absent (never adds). */
int64_t revl_mgroup_find(const revl_mgroup *g, const int64_t *key);

/* Union-find over n elements (parent array owned by the caller). */
void revl_uf_init(uint32_t *parent, size_t n);
uint32_t revl_uf_find(uint32_t *parent, uint32_t x);
void revl_uf_union(uint32_t *parent, uint32_t a, uint32_t b);

/* ---- recurring revenue ---------------------------------------------- */

/* One month of one group: end = start + new + reactivation + expansion
 * - contraction - churned, exactly. */
typedef struct revl_mrr_month {
  int64_t start, end, new_mrr, reactivation, expansion, contraction, churned;
  int64_t customers_start, customers_end;
  int64_t new_customers, reactivated_customers, churned_customers;
} revl_mrr_month;

/* Movements of units (a customer, or a customer within a group) over
 * months m0..m1.  Rows: unit[i], month[i], value[i] (minor units; rows
 * of one unit and month are summed; months outside m0-1..m1 are
 * ignored); group_of[unit] maps a unit to its group; first_pos[unit] is
 * the first month the unit ever had a positive value (a unit coming
 * back after a gap is a reactivation, not new).  out has ngroups *
 * (m1 - m0 + 1) entries, group-major.  REVL_EDATA on overflow. */
int revl_metrics_mrr_moves(size_t nrows, const uint32_t *unit,
                           const int32_t *month, const int64_t *value,
                           size_t nunits, const uint32_t *group_of,
                           const int32_t *first_pos, int32_t m0, int32_t m1,
                           size_t ngroups, revl_mrr_month *out);

/* ---- attribution ---------------------------------------------------- */

typedef enum revl_attr_model {
  REVL_ATTR_FIRST = 0,
  REVL_ATTR_LAST,
  REVL_ATTR_LINEAR,
  REVL_ATTR_U,
  REVL_ATTR_W,
  REVL_ATTR_FULL,
  REVL_ATTR_DECAY,
  REVL_ATTR_NMODELS
} revl_attr_model;

int revl_metrics_attr_model(const char *name); /* or -1 */
const char *revl_metrics_attr_name(int model);

/* Integer weights of n >= 1 touches (in time order) under a model.
 * lead_i / opp_i: the lead-creation and opportunity-creation touches
 * (W-shaped and full-path); days_before[i]: whole days from touch i to
 * the close (time decay, with half_life in days). */
int revl_metrics_attr_weights(int model, size_t n, size_t lead_i, size_t opp_i,
                              const int32_t *days_before, double half_life,
                              int64_t *w);

/* ---- text ----------------------------------------------------------- */

/* Names and domains are normalised with revl_norm_company and
 * revl_norm_domain (revl/route.h): routing and duplicate detection agree
 * on what "the same company" is. */
/* Jaro-Winkler similarity (prefix scale 0.1, up to 4 characters) over
 * bytes; strings longer than 256 bytes are compared on their first 256. */
double revl_metrics_jaro_winkler(const char *a, size_t na, const char *b,
                                 size_t nb);
/* ISO 3166 alpha-2 code of a country written as a code (alpha-2 or
 * alpha-3, any case, dots ignored: "U.S.") or a common name ("United
 * States", "Deutschland"), or NULL. */
const char *revl_metrics_country(const char *s, size_t n);
/* Number of countries the normaliser knows. */
size_t revl_metrics_ncountries(void);

/* ---- duplicates ------------------------------------------------------ */

typedef struct revl_dedupe_opts {
  double threshold; /* name score (src/metrics/namesim.c), 0.8 */
  int window;       /* sorted-neighbourhood window (8) */
  int use_domain, use_name;
} revl_dedupe_opts;

/* What revl_metrics_dedupe finds, per record i < n (arrays of n the
 * caller allocates): cluster[i] = 0 when the record has no duplicate,
 * else 1.. numbered by first member; why[i] bit 1 = matched by domain,
 * bit 2 = by name; best[i] = best name score; mate[i] = the record that
 * linked it (UINT32_MAX: none); reason[i] = offset in text of why it
 * matched ("same domain acme.com", "typo: 'acme' ~ 'acmee'", ...),
 * UINT32_MAX for records outside clusters.  text is allocated by
 * revl_metrics_dedupe; the caller frees it (also after an error). */
typedef struct revl_dedupe_out {
  uint32_t *cluster;
  uint8_t *why;
  float *best;
  uint32_t *mate;
  uint32_t *reason;
  char *text;
} revl_dedupe_out;

/* Cluster n records: same normalised domain, or names whose IDF-weighted
 * word score is >= threshold among sorted neighbours (by name, and by
 * name reversed).  names/domains are arrays of pointers and lengths
 * (NULL = no value).  Returns the number of clusters, or a negative
 * code. */
long revl_metrics_dedupe(size_t n, const char *const *names,
                         const size_t *name_len, const char *const *domains,
                         const size_t *domain_len, const revl_dedupe_opts *o,
                         revl_dedupe_out *out);

#endif
