/*
 * attr.c -- multi-touch attribution weights.
 *
 * Each model turns a deal's touches (in time order) into integer
 * weights; revl_metrics_apportion then splits the deal's amount in
 * proportion, to the cent.  Integer weights keep the split exact and
 * reproducible: 40/20/40 is 40:20:40, not 0.4 in binary.  Milestone
 * models (W-shaped, full-path) give each role's share to the touch that
 * plays it; when one touch plays several roles it gets their sum, and
 * when no touch is left for the remaining share that share goes to the
 * milestones in proportion (so the shares always cover the amount).
 */
#include <math.h>
#include <string.h>

#include "revl/metrics.h"

static const char *const model_names[REVL_ATTR_NMODELS] = {
    "first_touch", "last_touch", "linear",    "u_shaped",
    "w_shaped",    "full_path",  "time_decay"};

int revl_metrics_attr_model(const char *name) {
  for (int i = 0; i < REVL_ATTR_NMODELS; i++)
    if (strcmp(name, model_names[i]) == 0) return i;
  return -1;
}

const char *revl_metrics_attr_name(int model) {
  return model >= 0 && model < REVL_ATTR_NMODELS ? model_names[model] : "?";
}

/* Milestone weights: roles[k] touch gets `share` per role; the touches
 * that play no role split `rest` evenly.  Scaled so both are integers:
 * with r rest touches, a role is worth share * r and a rest touch rest. */
static void milestones(size_t n, const size_t *roles, int nroles, int64_t share,
                       int64_t rest, int64_t *w) {
  unsigned char is_role[4096];
  size_t nrole_touch = 0;
  memset(w, 0, n * sizeof *w);
  /* count distinct role touches (n can exceed the mark table: then fall
   * back to a scan of the role list) */
  for (size_t i = 0; i < n; i++) {
    int mine = 0;
    for (int k = 0; k < nroles; k++)
      mine += roles[k] == i;
    if (i < sizeof is_role) is_role[i] = (unsigned char)mine;
    if (mine) nrole_touch++;
  }
  int64_t r = (int64_t)(n - nrole_touch);
  for (size_t i = 0; i < n; i++) {
    int mine = 0;
    if (i < sizeof is_role)
      mine = is_role[i];
    else
      for (int k = 0; k < nroles; k++)
        mine += roles[k] == i;
    if (mine)
      w[i] = share * mine * (r > 0 ? r : 1);
    else
      w[i] = rest;
  }
}

int revl_metrics_attr_weights(int model, size_t n, size_t lead_i, size_t opp_i,
                              const int32_t *days_before, double half_life,
                              int64_t *w) {
  if (n == 0) return REVL_EUSAGE;
  if (lead_i >= n) lead_i = 0;
  if (opp_i >= n) opp_i = 0;
  switch (model) {
  case REVL_ATTR_FIRST:
    memset(w, 0, n * sizeof *w);
    w[0] = 1;
    return 0;
  case REVL_ATTR_LAST:
    memset(w, 0, n * sizeof *w);
    w[n - 1] = 1;
    return 0;
  case REVL_ATTR_LINEAR:
    for (size_t i = 0; i < n; i++)
      w[i] = 1;
    return 0;
  case REVL_ATTR_U:
    if (n <= 2) {
      for (size_t i = 0; i < n; i++)
        w[i] = 1;
      return 0;
    }
    /* 40 / 20 spread over the n-2 middle touches / 40 */
    for (size_t i = 1; i + 1 < n; i++)
      w[i] = 20;
    w[0] = w[n - 1] = 40 * (int64_t)(n - 2);
    return 0;
  case REVL_ATTR_W: {
    size_t roles[3] = {0, lead_i, opp_i};
    milestones(n, roles, 3, 30, 10, w);
    return 0;
  }
  case REVL_ATTR_FULL: {
    size_t roles[4] = {0, lead_i, opp_i, n - 1};
    milestones(n, roles, 4, 225, 100, w);
    return 0;
  }
  case REVL_ATTR_DECAY: {
    if (!(half_life > 0)) return REVL_EUSAGE;
    int32_t dmin = days_before[0];
    for (size_t i = 1; i < n; i++)
      if (days_before[i] < dmin) dmin = days_before[i];
    /* relative to the latest touch, quantised to 2^-40 of its weight */
    for (size_t i = 0; i < n; i++) {
      double rel = exp2(-(double)(days_before[i] - dmin) / half_life);
      w[i] = (int64_t)llround(ldexp(rel, 40));
    }
    return 0;
  }
  default:
    return REVL_EUSAGE;
  }
}
