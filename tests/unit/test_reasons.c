/*
 * test_reasons.c -- unit tests for src/rules/reasons.c: a small ICP
 * model built in C (a compiled criterion and a function rule in a capped
 * group) scored by the core into a decision frame; the reasons of its
 * records as data (what logs keep, and every rule for explain), their
 * one-line text, the values seen, and the frame's cells.
 */
#include "revl/eval.h"
#include "revl/reasons.h"
#include "revl/rules.h"
#include "revl/store.h"
#include "test.h"
#include "mtest.h"

#include <math.h>

static int fn_cb(void *ctx, int rule, size_t i, size_t row, double *value,
                 revl_error *err) {
  (void)ctx, (void)i, (void)rule, (void)err;
  *value = row % 2 == 0 ? 5 : 0;
  return 0;
}

/* the function's value as the playbook gave it: "yes" on even rows */
static int seen_cb(void *ud, size_t i, int slot, revl_sbuf *out) {
  int *calls = ud;
  (*calls)++;
  if (slot != 0 || i % 2) return 0;
  revl_sb_adds(out, "yes");
  return 1;
}

static void test_icp_reasons(void) {
  revl_store *s = revl_store_new();
  CHECK(s != NULL);
  revl_table *t = mt_load(s, "accounts", "id,employees\nA1,50\nA2,500\nA3,5000\nA4,\n");
  CHECK(t != NULL);
  if (!t) goto out;
  revl_crit *c = revl_crit_new(REVL_OP_GT);
  c->name = strdup("employees > 100");
  c->base = c->t = t;
  c->col = revl_table_col(t, "employees");
  c->via = -1;
  c->type = t->cols[c->col]->type;
  c->a = 100;
  c->da = 100;
  c->use_double = c->type == REVL_T_NUMBER;
  revl_icp_rule rules[2] = {{c, 30, 0, -1, "employees > 100"}, {NULL, 5, 0, 0, "even row"}};
  revl_icp_group group = {"fit", 25, 1};
  int fnrule[1] = {1};
  revl_band tiers[2] = {{"A", 25, 0, 0}, {"B", 0, 1, 0}};
  revl_icp m;
  memset(&m, 0, sizeof m);
  m.t = t;
  m.rules = rules;
  m.nrules = 2;
  m.nfn = 1;
  m.nwords = 1;
  m.fnrule = fnrule;
  m.groups = &group;
  m.ngroups = 1;
  m.tiers = tiers;
  m.ntiers = 2;

  enum { N = 4 };
  uint64_t mask[N] = {0};
  double fnpts[N], fit[N];
  int16_t tier[N], band[N];
  uint32_t scratch[N];
  revl_eval_opts o = {0, fn_cb, NULL, NULL, NULL};
  revl_error err;
  CHECK_INT(revl_icp_eval_into(&m, t, NULL, N, &o, mask, fnpts, 1, scratch, fit, NULL, tier,
                               band, &err),
            0);
  CHECK_DBL(fit[2], 25, 1e-9); /* 30 + 5 capped at 25 */

  char *combo[2] = {"A", "B"};
  revl_dmodel md;
  memset(&md, 0, sizeof md);
  md.kind = REVL_DM_ICP;
  md.t = t;
  md.icp = &m;
  md.combo = combo;
  md.nb = 1;
  md.nwords = 1;
  revl_dframe f;
  memset(&f, 0, sizeof f);
  f.md = &md;
  f.t = t;
  f.n = N;
  f.a = fit;
  f.l1 = tier;
  f.l2 = band;
  f.mask = mask;
  f.v = fnpts;
  f.stride = 1;
  int cols[] = {REVL_DC_ID, REVL_DC_A, REVL_DC_TIER, REVL_DC_LABEL, REVL_DC_REASONS};
  f.ncols = 5;
  for (int k = 0; k < 5; k++) f.ctype[k] = cols[k];

  /* what made the score of A3: both rules and the group's cap */
  revl_reasons r;
  memset(&r, 0, sizeof r);
  int calls = 0;
  revl_reasons_build(&r, &f, 2, 0, seen_cb, &calls);
  CHECK_INT(r.n, 3);
  if (r.n == 3) {
    CHECK_STR(r.it[0].kind, "rule");
    CHECK_STR(revl_reason_str(&r, r.it[0].group), "fit");
    CHECK_STR(revl_reason_str(&r, r.it[0].crit), "employees > 100");
    CHECK_STR(revl_reason_str(&r, r.it[0].value), "5000");
    CHECK_DBL(r.it[0].points, 30, 1e-9);
    CHECK_STR(revl_reason_str(&r, r.it[1].value), "yes");
    CHECK_STR(r.it[2].kind, "cap");
    CHECK_STR(revl_reason_str(&r, r.it[2].crit), "fit capped at 25");
    CHECK_STR(revl_reason_str(&r, r.it[2].value), "35");
    CHECK_DBL(r.it[2].points, -10, 1e-9);
  }
  CHECK_INT(calls, 1);
  revl_sbuf text = {0};
  revl_reasons_text(&r, &text);
  CHECK_STR(revl_sb_str(&text), "employees > 100 [5000] +30; even row [yes] +5; "
                                "fit capped at 25 [35] -10");

  /* explain: every rule of A4, met or not; no value seen for the function */
  revl_reasons_clear(&r);
  revl_reasons_build(&r, &f, 3, 1, seen_cb, &calls);
  CHECK_INT(r.n, 2);
  if (r.n == 2) {
    CHECK_INT(r.it[0].met, 0);
    CHECK_STR(revl_reason_str(&r, r.it[0].value), "(none)");
    CHECK_DBL(r.it[0].points, 0, 1e-9);
    CHECK_INT(r.it[1].met, 0);
    CHECK(revl_reason_str(&r, r.it[1].value) == NULL);
  }
  revl_sb_reset(&text);
  revl_reasons_text(&r, &text);
  CHECK_STR(revl_sb_str(&text), ""); /* nothing met */

  /* cells */
  const char *want[4][5] = {{"A1", "5", "B", "B", "even row [yes] +5"},
                            {"A2", "25", "A", "A", "employees > 100 [500] +30; "
                                                   "fit capped at 25 [30] -5"},
                            {"A3", "25", "A", "A", NULL},
                            {"A4", "0", "B", "B", ""}};
  for (size_t i = 0; i < N; i++)
    for (int k = 0; k < 5; k++) {
      if (!want[i][k]) continue;
      revl_sb_reset(&text);
      double num = NAN;
      int kind = revl_dframe_cell(&f, i, k, &text, &num, &r, seen_cb, &calls);
      CHECK_STR(revl_sb_str(&text), want[i][k]);
      CHECK_INT(kind, k == 1 ? REVL_V_NUM : REVL_V_STR);
    }
  revl_sb_free(&text);
  revl_reasons_free(&r);
  revl_crit_free(c);
out:
  revl_store_free(s);
}

static void test_texts(void) {
  revl_sbuf b = {0};
  revl_sb_points(&b, 2.5);
  revl_sb_adds(&b, " ");
  revl_sb_points(&b, -5);
  revl_sb_adds(&b, " ");
  revl_sb_num(&b, 0.1 + 0.2);
  revl_sb_adds(&b, " ");
  revl_sb_num(&b, -0.0);
  CHECK_STR(revl_sb_str(&b), "+2.5 -5 0.30000000000000004 0");
  revl_sb_reset(&b);
  revl_sb_json(&b, "a\"b\\\n\x01", 6);
  CHECK_STR(revl_sb_str(&b), "\"a\\\"b\\\\\\n\\u0001\"");
  revl_sb_free(&b);
  CHECK_STR(revl_sb_str(&b), "");
}

/* revl_dframe_matrix: the (tier, band) counts of ICP decisions, the
 * records without a tier or a band apart; tiers only without engagement;
 * a frame of another kind of model refused. */
static void test_matrix(void) {
  revl_icp m;
  memset(&m, 0, sizeof m);
  revl_engage e;
  memset(&e, 0, sizeof e);
  m.ntiers = 2;
  m.eng = &e;
  m.nbands = 3;
  revl_dmodel md;
  memset(&md, 0, sizeof md);
  md.kind = REVL_DM_ICP;
  md.icp = &m;
  md.nb = 3;
  int16_t tier[6] = {0, 0, 1, 1, -1, 1}, band[6] = {0, 2, 1, -1, 0, 1};
  revl_dframe f;
  memset(&f, 0, sizeof f);
  f.md = &md;
  f.n = 6;
  f.l1 = tier;
  f.l2 = band;
  size_t c[6], un = 99;
  CHECK_INT(revl_dframe_matrix(&f, c, &un), 0);
  CHECK_INT((long long)c[0], 1); /* tier 0 band 0 */
  CHECK_INT((long long)c[1], 0);
  CHECK_INT((long long)c[2], 1); /* tier 0 band 2 */
  CHECK_INT((long long)c[3], 0);
  CHECK_INT((long long)c[4], 2); /* tier 1 band 1 */
  CHECK_INT((long long)c[5], 0);
  CHECK_INT((long long)un, 2); /* a tier without a band, no tier */
  /* no engagement: one count per tier */
  m.eng = NULL;
  md.nb = 1;
  CHECK_INT(revl_dframe_matrix(&f, c, &un), 0);
  CHECK_INT((long long)c[0], 2);
  CHECK_INT((long long)c[1], 3);
  CHECK_INT((long long)un, 1);
  /* an empty frame */
  f.n = 0;
  CHECK_INT(revl_dframe_matrix(&f, c, &un), 0);
  CHECK_INT((long long)(c[0] + c[1] + un), 0);
  md.kind = REVL_DM_HEALTH;
  CHECK_INT(revl_dframe_matrix(&f, c, &un), REVL_EUSAGE);
}

int main(void) {
  if (mt_begin("reasons")) return 2;
  test_matrix();
  test_texts();
  test_icp_reasons();
  mt_end();
  TEST_END();
}
