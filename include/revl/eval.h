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

#endif
