/*
 * gen.h -- the deterministic data generator behind `revl gen`.
 *
 * Same options, byte-identical files: all randomness comes from one
 * seeded generator, nothing reads the clock, and dates are laid out
 * relative to the as-of date.
 */
#ifndef REVL_GEN_H
#define REVL_GEN_H

#include <stdint.h>
#include "revl/common.h"

enum { REVL_GEN_CANONICAL = 0, REVL_GEN_SALESFORCE, REVL_GEN_HUBSPOT };

typedef struct revl_gen_opts {
  const char *out;   /* directory, created when missing */
  long long accounts;
  long long deals;
  long long leads;
  long long reps;
  uint64_t seed;
  int32_t as_of;     /* days since 1970-01-01 */
  int format;        /* REVL_GEN_* */
  int nsnap;         /* 0, or 2 with snap[0] < snap[1] <= as_of */
  int32_t snap[2];   /* snapshot days (days since 1970-01-01) */
} revl_gen_opts;

/* Write every table of a data set into o->out (atomically per file),
 * and with nsnap the deals, stage history and reps as they stood on each
 * snapshot day into o->out/snapshots/YYYY-MM-DD/.  Returns 0 or a
 * REVL_E* code with err filled. */
int revl_gen(const revl_gen_opts *o, revl_error *err);

#endif
