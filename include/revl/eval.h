/*
 * eval.h -- record evaluation in the core: an ICP model run over a view,
 * with the decisions (fired rules, function points, fit, engagement,
 * tier and band) returned as C data, and turned into a revl_frame.
 * Rules written as Lua functions are reached through the callback in
 * revl_eval_opts, which reports failure with a code (no longjmp).
 */
#ifndef REVL_EVAL_H
#define REVL_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "revl/common.h"
#include "revl/criteria.h"

/* Only declared here (defined in rules.h and frame.h), so including
 * this header pulls in neither. */
typedef struct revl_icp revl_icp;
typedef struct revl_view revl_view;
typedef struct revl_frame revl_frame;

typedef struct revl_eval_opts {
  int32_t as_of; /* days */
  /* Function rule `rule` (an index into the model's rules) for position
   * i of the view (record row): store its points in *value (NaN or a
   * non-finite value counts as 0).  0, or a negative REVL_E* code that
   * stops the evaluation (err filled when the callback has a message). */
  int (*fn)(void *ctx, int rule, size_t i, size_t row, double *value,
            revl_error *err);
  /* FUNC / MATCHES criteria nodes; NULL when the model has none */
  int (*crit_call)(void *ctx, const revl_crit *c, size_t row);
  int (*crit_match)(void *ctx, const revl_crit *c, const char *s, size_t n);
  void *ctx;
} revl_eval_opts;

/* The decisions of an ICP model over n records (the view's order). */
typedef struct revl_decisions {
  const revl_icp *m;  /* borrowed */
  const revl_table *t;
  const uint32_t *rows; /* borrowed; NULL = every row of t */
  size_t n;
  int nwords, nfn;
  uint64_t *mask;     /* nwords per record: criteria rules that fired */
  double *fnpts;      /* nfn per record: points of function rules */
  double *fit, *eng;  /* eng NULL without engagement scoring */
  int16_t *tier, *band; /* band index, -1 when none */
} revl_decisions;

void revl_decisions_free(revl_decisions *d); /* NULL is a no-op */

/* Run m over rows[0..n) of t (rows NULL = all) into caller buffers (the rule-frame layout): mask
 * (zeroed, m->nwords per record), fnpts (fnstride per record),
 * scratch (n rows), fit, eng (needed when m->eng), tier, band.
 * 0 or a negative REVL_E* code; REVL_EUSAGE when t is not m's table; a callback's code when it failed. */
int revl_icp_eval_into(const revl_icp *m, const revl_table *t,
                       const uint32_t *rows, size_t n, const revl_eval_opts *o, uint64_t *mask,
                       double *fnpts, size_t fnstride, uint32_t *scratch,
                       double *fit, double *eng, int16_t *tier,
                       int16_t *band, revl_error *err);

/* Same, allocating the decisions (*out, owned by the caller). */
int revl_icp_eval(const revl_icp *m, const revl_view *v,
                  const revl_eval_opts *o, revl_decisions **out,
                  revl_error *err);

/* Whether rule r fired for record i (function rules: points != 0). */
int revl_decisions_fired(const revl_decisions *d, size_t i, int r);

/* A frame of the decisions: id (the table's key, when it has one),
 * fit, tier, engagement and band (when scored), reasons ("; "-joined
 * names of the rules that fired).  *out owned by the caller. */
int revl_decisions_to_frame(const revl_decisions *d, revl_frame **out,
                            revl_error *err);

/* Criteria: keep the records of rows[0..n) of t (rows NULL = every row,
 * n = t->nrows) that satisfy c, in their order, in out (room for n);
 * *k receives how many.  FUNC and MATCHES nodes go through
 * o->crit_call / o->crit_match.  0, REVL_EUSAGE when c is about another
 * table, REVL_ESCRIPT when a callback failed. */
int revl_criteria_eval(revl_crit *c, const revl_table *t, const uint32_t *rows,
                       size_t n, const revl_eval_opts *o, uint32_t *out,
                       size_t *k, revl_error *err);

/* ---- health scores --------------------------------------------------- */

/* What a health component reads. */
enum {
  REVL_HC_CRITERIA = 1, /* points of the rules that fire */
  REVL_HC_FIELD,        /* a numeric field ("account.nps") */
  REVL_HC_USAGE,        /* a usage metric folded over the last `days` */
  REVL_HC_UTIL,         /* average usage per seat in force */
  REVL_HC_FN,           /* the caller's function (a Lua rule) */
  REVL_HC_GROWTH        /* change of a usage metric between two windows */
};

typedef struct revl_band revl_band;
typedef struct revl_usage_src revl_usage_src;
typedef struct revl_table revl_table;

typedef struct revl_hcomp {
  char *name;
  double weight;
  int kind;                  /* REVL_HC_* */
  int rule0, nrules;         /* CRITERIA: hrules[rule0 .. rule0+nrules) */
  revl_table *ft;            /* FIELD: the table holding it */
  int fcol, fvia;            /* its column, the FK reaching it (-1) */
  uint32_t metric;           /* USAGE, UTIL, GROWTH: the metric's id */
  int agg, days;             /* REVL_UAGG_*, window length */
  int per_seat;              /* USAGE: divided by the seats in force */
  revl_band *bands;          /* mapping of a raw metric to 0..100 */
  int nbands;
  double lo, hi;
  int mapping;               /* 0 none (already 0..100), 1 bands, 2 linear */
  double missing;            /* the value of a record without a raw value */
  int has_missing;
  int fnref;                 /* FN: the caller's handle of its function */
  char *desc;                /* what the raw value is, for reasons */
} revl_hcomp;

/* A component's kind by its name ("criteria", "field", "usage",
 * "utilisation", "usage_growth", "fn"), or -1. */
int revl_hcomp_kind_of(const char *kind);
/* The numeric field f of t that FIELD component c reads ("fk.col"
 * too), and its description; what names the component in messages.
 * REVL_EUSAGE or REVL_ENOMEM with err. */
int revl_hcomp_field(revl_hcomp *c, const revl_table *t, const char *what, const char *f,
                     revl_error *err);
/* The description of a USAGE, UTIL or GROWTH component of metric
 * (kind, agg, days and per_seat set): "logins sum 28d per seat".  0 or
 * REVL_ENOMEM. */
int revl_hcomp_usage_desc(revl_hcomp *c, const char *metric);

typedef struct revl_hrule {
  revl_crit *crit;
  double points;
  int comp;
} revl_hrule;

/* A health model as the evaluator reads it (all borrowed). */
typedef struct revl_health {
  const revl_hcomp *comps;
  int ncomps;
  const revl_hrule *hrules;
  int nhrules;
  double red, yellow;        /* band limits: red <= red, yellow <= yellow */
  const revl_usage_src *src; /* usage and seats of the scored table */
  int nwords;                /* mask words per record */
} revl_health;

/* A FN component on position i (record row): the raw value in *raw (NaN
 * for none); 0, or a negative REVL_E* code that stops the evaluation. */
typedef int (*revl_health_fn)(void *ctx, int comp, size_t i, size_t row,
                              double *raw, revl_error *err);

/* Score rows[0..n) of t (rows NULL: every row) into the caller's
 * buffers: mask (n * nwords, zeroed: rules that fired), v and raw (n *
 * ncomps: component scores 0..100 and raw values), score (n: the
 * weighted mean rounded to 0.1, NaN when no component has a value),
 * band (n: 0 red, 1 yellow, 2 green, -1 none); scratch holds n, wtmp
 * ncomps.  Criteria callbacks and fn come from o / fn.  REVL_ESCRIPT
 * when a callback failed. */
int revl_health_eval_into(const revl_health *h, const revl_table *t,
                          const uint32_t *rows, size_t n,
                          const revl_eval_opts *o, revl_health_fn fn,
                          uint64_t *mask, double *v, double *raw,
                          double *score, int16_t *band, uint32_t *scratch,
                          double *wtmp, revl_error *err);

/* ---- trigger conditions ------------------------------------------------ */

/* The records of v that meet a usage condition, as a frame: `row` (the
 * record's row in v->t), the values behind the decision and `reason`.
 * Utilisation: metric / seats >= min without a break for at least `days`
 * up to as_of (columns utilisation seats since sustained_days). Growth:
 * agg of the metric over the last `days` against the `days` before, at
 * least min (current previous growth).  Renewal: the next renewal from
 * the subscriptions (term months) or the date field (ft, fcol through
 * fvia) within `days` (renewal_date days_to_renewal mrr seats). */
int revl_trigger_util(const revl_usage_src *src, const revl_view *v,
                      const char *metric, uint32_t mid, double min, int32_t days,
                      int32_t as_of, revl_frame **out, revl_error *err);
int revl_trigger_growth(const revl_usage_src *src, const revl_view *v,
                        const char *metric, uint32_t mid, double min, int32_t days,
                        int agg, const char *agg_name, int32_t as_of,
                        revl_frame **out, revl_error *err);
int revl_trigger_renewal(const revl_usage_src *src, const revl_view *v,
                         const char *field, const revl_table *ft, int fcol, int fvia,
                         int32_t days, int term, int32_t as_of, revl_frame **out,
                         revl_error *err);

/* The owner of record row of t (triggers.c): its own text "owner" cell,
 * else (revl_deal_owner) the owner of its most recently created deal
 * among deals referencing t (the last one without a created_at); NULL
 * when there is none. */
const char *revl_own_owner(const revl_table *t, size_t row);
const char *revl_deal_owner(const revl_table *t, size_t row, const revl_table *deals);

#endif
