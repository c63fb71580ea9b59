/*
 * metric_quota.h -- quota metrics computed in the core: coverage and
 * quota attainment (src/metrics/quota.c).  Each returns 0 and a new
 * frame the caller owns in *out, or a negative REVL_E* code with err
 * filled ("revl.metrics.<name>: ...").
 */
#ifndef REVL_METRIC_QUOTA_H
#define REVL_METRIC_QUOTA_H

#include "revl/frame.h"
#include "revl/metric.h"

/* A quota as given: money, a number of major units (of the group's
 * currency), or something else (an error when it is used). */
typedef struct revl_quota_value {
  int kind;        /* 0 not given, 1 money, 2 number, 3 neither */
  int64_t minor;   /* money */
  const char *cur; /* money */
  double num;      /* number */
} revl_quota_value;

typedef struct revl_quota_entry {
  const char *key; /* the one `by` field's value */
  revl_quota_value v;
} revl_quota_entry;

typedef struct revl_quota_opts {
  revl_window_opts win;
  revl_by_opts by;
  int prorate;                    /* reps.quota prorated to each period (default 1) */
  int mode;                       /* 0 reps.quota, 1 one amount, 2 a table by key */
  revl_quota_value amount;        /* mode 1 */
  const revl_quota_entry *table;  /* mode 2 */
  int ntable;
  /* mode 0: the reps whose quotas count.  roles == NULL and !all_roles:
   * the default, every rep whose reps.role is not one of the roles that
   * carry no quota of their own (revl_quota_role_default); reps without
   * a role column all count. */
  const char *const *roles;
  int nroles;
  int all_roles;
} revl_quota_opts;

/* 1 when a rep of role `role` carries a quota by default: not an SDR,
 * BDR, CSM, manager (a manager's quota is the team's roll-up), director,
 * VP or operations role (case and punctuation ignored). */
int revl_quota_role_default(const char *role);

/* quota won won_deals remaining pipeline open_deals coverage, where
 * coverage = pipeline / (quota - won) */
int revl_metric_coverage(const revl_metric_ctx *cx, const revl_view *v,
                         const revl_quota_opts *o, revl_frame **out, revl_error *err);
/* quota won won_deals attainment (by defaults to owner) */
int revl_metric_quota_attainment(const revl_metric_ctx *cx, const revl_view *v,
                                 const revl_quota_opts *o, revl_frame **out,
                                 revl_error *err);

#endif
