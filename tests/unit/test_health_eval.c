/*
 * test_health_eval.c -- revl_health_eval_into (src/rules/health_eval.c)
 * from C: a criteria component, a numeric field, a function component
 * through the callback (with a failure), missing values, the weighted
 * score and its band.
 */
#include "revl/eval.h"
#include "revl/rules.h"
#include "test.h"
#include "mtest.h"

#include <math.h>

typedef struct fctx {
  int calls;
  size_t fail_row;
} fctx;

/* function component: 80 for even rows, none for odd ones */
static int fn_cb(void *ctx, int comp, size_t i, size_t row, double *raw, revl_error *err) {
  fctx *x = ctx;
  (void)comp;
  (void)i;
  x->calls++;
  if (row == x->fail_row) return revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0, "boom");
  *raw = row % 2 == 0 ? 80 : NAN;
  return 0;
}

int main(void) {
  if (mt_begin("health")) return 2;
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "accounts", "id,nps\nA1,90\nA2,20\nA3,\nA4,60\n");
  CHECK(t != NULL);
  if (!t) goto out;
  revl_crit *c = revl_crit_new(REVL_OP_GT);
  c->name = strdup("nps > 50");
  c->base = c->t = t;
  c->col = revl_table_col(t, "nps");
  c->via = -1;
  c->type = t->cols[c->col]->type;
  c->a = 50;
  c->da = 50;
  c->use_double = c->type == REVL_T_NUMBER;
  revl_hrule rules[1] = {{c, 100, 0}};
  revl_hcomp comps[3];
  memset(comps, 0, sizeof comps);
  comps[0] = (revl_hcomp){.name = "promoter", .weight = 1, .kind = REVL_HC_CRITERIA,
                          .rule0 = 0, .nrules = 1};
  comps[1] = (revl_hcomp){.name = "nps", .weight = 1, .kind = REVL_HC_FIELD, .ft = t,
                          .fcol = revl_table_col(t, "nps"), .fvia = -1,
                          .missing = 0, .has_missing = 1};
  comps[2] = (revl_hcomp){.name = "fn", .weight = 2, .kind = REVL_HC_FN, .fnref = 7};
  revl_usage_src src;
  memset(&src, 0, sizeof src);
  revl_health h = {comps, 3, rules, 1, 40, 70, &src, 1};
  fctx fc = {0, (size_t)-1};
  revl_eval_opts o = {20269, NULL, NULL, NULL, &fc};
  uint64_t mask[4] = {0};
  double v[12], raw[12], score[4], w[3];
  int16_t band[4];
  uint32_t scratch[4];
  revl_error err;
  CHECK_INT(revl_health_eval_into(&h, t, NULL, 4, &o, fn_cb, mask, v, raw, score, band,
                                  scratch, w, &err), 0);
  CHECK_INT(fc.calls, 4);
  /* A1: promoter 100, nps 90, fn 80 (x2): (100 + 90 + 160) / 4 = 87.5 */
  CHECK(fabs(score[0] - 87.5) < 1e-9);
  CHECK_INT(band[0], 2);
  /* A2: 0, 20, fn none: (0 + 20) / 2 = 10 -> red */
  CHECK(fabs(score[1] - 10) < 1e-9);
  CHECK_INT(band[1], 0);
  /* A3: nps missing -> 0 (has_missing), raw stays NaN */
  CHECK(isnan(raw[2 * 3 + 1]));
  CHECK(fabs(v[2 * 3 + 1]) < 1e-9);
  /* A4: 100, 60, none: 80 */
  CHECK(fabs(score[3] - 80) < 1e-9);
  /* a failing callback stops with its code */
  memset(mask, 0, sizeof mask);
  fc.fail_row = 2;
  CHECK_INT(revl_health_eval_into(&h, t, NULL, 4, &o, fn_cb, mask, v, raw, score, band,
                                  scratch, w, &err), REVL_ESCRIPT);
  CHECK_STR(err.msg, "boom");
  /* a function component without a callback is refused */
  CHECK(revl_health_eval_into(&h, t, NULL, 4, &o, NULL, mask, v, raw, score, band, scratch,
                              w, &err) < 0);
  revl_crit_free(c);
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
