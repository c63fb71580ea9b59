/*
 * decdiff.h -- what differs between two decision frames over the same
 * table (the two sides of `revl diff`): records matched by row, the
 * fields tier, label and score compared as the decision log shows them,
 * tier migration counts and score-change buckets.  src/rules/decdiff.c;
 * no Lua.
 */
#ifndef REVL_DECDIFF_H
#define REVL_DECDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "revl/reasons.h"

enum { REVL_DD_TIER = 1, REVL_DD_LABEL = 2, REVL_DD_SCORE = 4 };
#define REVL_DD_NBUCKETS 7 /* < -20, -20..-10, -10..-1, 0, 1..10, 11..20, > 20 */

typedef struct revl_ddiff_mig {
  char *from, *to; /* tier texts, "" without a tier */
  size_t n;
} revl_ddiff_mig;

typedef struct revl_ddiff {
  size_t n;               /* records of a */
  size_t only_a, only_b;  /* records on one side only */
  uint32_t *ia, *ib;      /* changed records: positions in a and b, in a's order */
  uint8_t *what;          /* ... and which fields changed (REVL_DD_*) */
  size_t nchanged;
  revl_ddiff_mig *mig;    /* every matched record's tier a -> tier b */
  size_t nmig;
  size_t buckets[REVL_DD_NBUCKETS]; /* score b - a, both scored */
} revl_ddiff;

/* Compare a and b.  ca / cb: each frame's column of the tier, the label
 * and the score (-1: none).  0; REVL_EUSAGE when the frames are over
 * different tables (the caller matches by id instead); REVL_ENOMEM.
 * d is zeroed first; free it with revl_ddiff_free either way. */
int revl_ddiff_compare(const revl_dframe *a, const int ca[3], const revl_dframe *b,
                       const int cb[3], revl_ddiff *d);
void revl_ddiff_free(revl_ddiff *d);
/* "< -20", "0", ... for bucket k */
const char *revl_ddiff_bucket_name(int k);

#endif
