/*
 * mrev.h -- what the revenue and data metrics of the core share besides
 * mcore.h / mframe.h (retention.c, attribution.c, quality.c): a result
 * row keyed by the by cells of one base row, and the error texts they
 * all use.  No Lua here.
 */
#ifndef REVL_MREV_H
#define REVL_MREV_H

#include "metrics/mframe.h"

/* Start a row of mf: the by cells of base row `row` (through FKs as the
 * keys say; null when a reference is missing), then the `period` label
 * of bucket ord when mf has a period column. */
int revl_mrev_row(revl_mf *mf, const revl_mby *by, size_t row,
                  const revl_mwin *w, int64_t ord);

/* "not enough memory" into err; returns REVL_ENOMEM. */
int revl_mrev_oom(revl_error *err);

#endif
