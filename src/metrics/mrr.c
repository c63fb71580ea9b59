/*
 * mrr.c -- monthly recurring revenue movements.
 *
 * A unit (a customer, or a customer within a group) has a value per
 * month; a month without a row is 0.  Between months m-1 and m a unit
 * is new (0 -> positive, first time ever), reactivated (0 -> positive,
 * after an earlier positive month), expanded or contracted (positive
 * both months), or churned (positive -> 0).  Walking only the months a
 * unit has rows for (plus the month after each, for churn) keeps the
 * work proportional to the rows instead of units x months.
 */
#include <stdlib.h>
#include <string.h>

#include "revl/metrics.h"

#define ADD(dst, v)                                                            \
  do {                                                                         \
    if (__builtin_add_overflow((dst), (v), &(dst))) goto overflow;             \
  } while (0)

int revl_metrics_mrr_moves(size_t nrows, const uint32_t *unit,
                           const int32_t *month, const int64_t *value,
                           size_t nunits, const uint32_t *group_of,
                           const int32_t *first_pos, int32_t m0, int32_t m1,
                           size_t ngroups, revl_mrr_month *out) {
  size_t nm = (size_t)(m1 - m0 + 1);
  memset(out, 0, ngroups * nm * sizeof *out);
  /* rows in m0-1..m1, sorted by unit then month: counting sort by month,
   * then a stable counting sort by unit */
  size_t span = nm + 1;
  size_t k = 0;
  for (size_t i = 0; i < nrows; i++)
    if (month[i] >= m0 - 1 && month[i] <= m1) k++;
  uint32_t *bym = malloc((k ? k : 1) * sizeof *bym);
  uint32_t *byu = malloc((k ? k : 1) * sizeof *byu);
  size_t *cnt = calloc((span > nunits ? span : nunits) + 1, sizeof *cnt);
  if (!bym || !byu || !cnt) {
    free(bym), free(byu), free(cnt);
    return REVL_ENOMEM;
  }
  for (size_t i = 0; i < nrows; i++)
    if (month[i] >= m0 - 1 && month[i] <= m1) cnt[month[i] - (m0 - 1) + 1]++;
  for (size_t j = 1; j <= span; j++)
    cnt[j] += cnt[j - 1];
  for (size_t i = 0; i < nrows; i++)
    if (month[i] >= m0 - 1 && month[i] <= m1)
      bym[cnt[month[i] - (m0 - 1)]++] = (uint32_t)i;
  memset(cnt, 0, ((span > nunits ? span : nunits) + 1) * sizeof *cnt);
  for (size_t j = 0; j < k; j++)
    cnt[unit[bym[j]] + 1]++;
  for (size_t u = 1; u <= nunits; u++)
    cnt[u] += cnt[u - 1];
  for (size_t j = 0; j < k; j++)
    byu[cnt[unit[bym[j]]]++] = bym[j];
  free(bym);
  free(cnt);

  size_t j = 0;
  while (j < k) {
    uint32_t u = unit[byu[j]];
    revl_mrr_month *g = out + (size_t)group_of[u] * nm;
    int32_t prev_m = m0 - 2; /* month of the previous value, none yet */
    int64_t prev_v = 0;
    while (j < k && unit[byu[j]] == u) {
      int32_t m = month[byu[j]];
      int64_t v = 0;
      while (j < k && unit[byu[j]] == u && month[byu[j]] == m) {
        ADD(v, value[byu[j]]);
        j++;
      }
      /* a gap after the previous month: churn in the month after it */
      if (prev_m >= m0 - 1 && prev_m + 1 < m && prev_v > 0 &&
          prev_m + 1 >= m0) {
        revl_mrr_month *c = g + (prev_m + 1 - m0);
        ADD(c->churned, prev_v);
        c->churned_customers++;
      }
      int64_t before = (prev_m == m - 1) ? prev_v : 0;
      if (m >= m0) {
        revl_mrr_month *c = g + (m - m0);
        if (v > 0) {
          ADD(c->end, v);
          c->customers_end++;
        }
        if (before > 0 && v <= 0) {
          ADD(c->churned, before);
          c->churned_customers++;
        } else if (before <= 0 && v > 0) {
          if (first_pos[u] >= m) {
            ADD(c->new_mrr, v);
            c->new_customers++;
          } else {
            ADD(c->reactivation, v);
            c->reactivated_customers++;
          }
        } else if (before > 0 && v > before) {
          ADD(c->expansion, v - before);
        } else if (before > 0 && v < before) {
          ADD(c->contraction, before - v);
        }
      }
      prev_m = m;
      prev_v = v;
    }
    /* the unit's rows end before m1: churn in the month after the last */
    if (prev_v > 0 && prev_m < m1 && prev_m + 1 >= m0) {
      revl_mrr_month *c = g + (prev_m + 1 - m0);
      ADD(c->churned, prev_v);
      c->churned_customers++;
    }
  }
  free(byu);
  /* start of month m = end of month m-1; the first month's start is the
   * sum implied by the identity */
  for (size_t grp = 0; grp < ngroups; grp++) {
    revl_mrr_month *g = out + grp * nm;
    for (size_t m = 0; m < nm; m++) {
      revl_mrr_month *c = g + m;
      int64_t s = c->end;
      if (__builtin_sub_overflow(s, c->new_mrr, &s) ||
          __builtin_sub_overflow(s, c->reactivation, &s) ||
          __builtin_sub_overflow(s, c->expansion, &s) ||
          __builtin_add_overflow(s, c->contraction, &s) ||
          __builtin_add_overflow(s, c->churned, &s))
        return REVL_EDATA;
      c->start = s;
      c->customers_start = c->customers_end - c->new_customers -
                           c->reactivated_customers + c->churned_customers;
    }
  }
  return 0;
overflow:
  free(byu);
  return REVL_EDATA;
}
