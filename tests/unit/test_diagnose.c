/* Unit tests of the six-layer diagnostic (src/rules/diagnose.c): the
 * score bands at and around each edge, the actions, and a run over the
 * hand-made directory of the CLI tests (known passes and failures, a
 * playbook's SLA and ICP answers in place of revl's rules, determinism,
 * a bad sample size, a store without tables). */
#include <string.h>

#include "revl/diagnose.h"
#include "revl/ingest.h"
#include "revl/route.h"
#include "test.h"

static const revl_dx_check *find(const revl_dx_result *r, int path, const char *id,
                                 int layer) {
  char buf[32];
  for (size_t i = 0; i < r->nchecks; i++) {
    const revl_dx_check *c = &r->checks[i];
    if (c->path == path && c->layer == layer &&
        strcmp(revl_dx_record_id(r, c, buf, sizeof buf), id) == 0)
      return c;
  }
  return NULL;
}

int main(void) {
  /* bands: <50 % 1, <70 % 2, <85 % 3, <95 % 4, else 5; 0 = no evidence */
  CHECK_INT(revl_dx_score(0, 0), 0);
  CHECK_INT(revl_dx_score(0, 10), 1);
  CHECK_INT(revl_dx_score(49, 100), 1);
  CHECK_INT(revl_dx_score(50, 100), 2);
  CHECK_INT(revl_dx_score(1, 2), 2);
  CHECK_INT(revl_dx_score(69, 100), 2);
  CHECK_INT(revl_dx_score(70, 100), 3);
  CHECK_INT(revl_dx_score(84, 100), 3);
  CHECK_INT(revl_dx_score(85, 100), 4);
  CHECK_INT(revl_dx_score(17, 20), 4);
  CHECK_INT(revl_dx_score(94, 100), 4);
  CHECK_INT(revl_dx_score(18, 19), 4); /* 94.7 % */
  CHECK_INT(revl_dx_score(19, 20), 5);
  CHECK_INT(revl_dx_score(95, 100), 5);
  CHECK_INT(revl_dx_score(100, 100), 5);
  CHECK_STR(revl_dx_action(1), "agree on the rule and write it down (document it)");
  CHECK_STR(revl_dx_action(3),
            "enforce the documented rule (required fields, validation, routing)");
  CHECK_STR(revl_dx_action(0), "");
  CHECK_STR(revl_dx_layer_name(2), "process and SLA");
  CHECK(revl_dx_layer_name(6) == NULL);
  CHECK(revl_dx_question(REVL_DX_NPATHS, 0) == NULL);

  revl_store *s = revl_store_new();
  revl_load_opts lo;
  memset(&lo, 0, sizeof lo);
  lo.data_dir = "tests/cli/diagnose/small/data";
  revl_error err;
  CHECK_INT(revl_load_dir(s, &lo, &err), 0);
  revl_dx_opts o = {.sample = 50, .seed = 1, .as_of = 20453}; /* 2025-12-31 */
  revl_dx_result r, r2;
  CHECK_INT(revl_diagnose(s, &o, &r, &err), 0);
  CHECK_INT((int)r.paths[REVL_DX_LEADS].candidates, 6); /* L6 is outbound */
  CHECK_INT((int)r.paths[REVL_DX_OPEN].sampled, 4);
  CHECK_INT((int)r.paths[REVL_DX_WON].sampled, 3);
  CHECK_INT((int)r.paths[REVL_DX_RISK].sampled, 2); /* A1 halved, A2 churned */
  CHECK_INT((int)r.nchecks, 15 * REVL_DX_NLAYERS);
  const revl_dx_check *c = find(&r, REVL_DX_LEADS, "L3", 2);
  CHECK(c && !c->pass && strstr(c->evidence, "30.0 h"));
  c = find(&r, REVL_DX_LEADS, "L1", 2);
  CHECK(c && c->pass);
  c = find(&r, REVL_DX_LEADS, "L4", 3);
  CHECK(c && !c->pass && strstr(c->evidence, "repeated"));
  c = find(&r, REVL_DX_LEADS, "L5", 3);
  CHECK(c && !c->pass && strstr(c->evidence, "Unknown"));
  c = find(&r, REVL_DX_OPEN, "D2", 1);
  CHECK(c && !c->pass && strstr(c->evidence, "Discovry"));
  c = find(&r, REVL_DX_OPEN, "D3", 1);
  CHECK(c && !c->pass && strstr(c->evidence, "21 days past"));
  c = find(&r, REVL_DX_WON, "D4", 4);
  CHECK(c && !c->pass);
  c = find(&r, REVL_DX_WON, "D5", 5);
  CHECK(c && c->pass);
  c = find(&r, REVL_DX_RISK, "A2", 4);
  CHECK(c && !c->pass);
  c = find(&r, REVL_DX_RISK, "A1", 3);
  CHECK(c && !c->pass && strstr(c->evidence, "duplicate"));
  CHECK_INT(r.layers[2].score, 1);
  CHECK_INT(r.weakest, 2); /* ties with cadence at score 1: lower pass share */

  /* a playbook's answers (what revl_rt_diagnose hands over): the leads'
   * SLA per row, the accounts' ICP tiers; the other paths keep revl's */
  {
    const revl_table *lt = revl_store_table(s, "leads"), *at = revl_store_table(s, "accounts");
    int8_t st[7] = {REVL_SLA_BREACHED, -1, REVL_SLA_MET, -1, -1, REVL_SLA_MET, REVL_SLA_MET};
    int64_t secs[7] = {7200, 0, 108000, 0, 0, 0, 0}, tgt[7] = {3600, 0, 172800, 0, 0, 0, 0};
    revl_dx_sla sla = {lt, "two days", st, secs, tgt};
    int16_t tier[3] = {0, 2, -1};
    static const char *const labels[] = {"A", "B", "C"};
    revl_dx_icp icp = {at, "m", tier, labels, 3};
    revl_dx_opts po = o;
    po.sla[0] = &sla;
    po.icp = &icp;
    revl_dx_result pr;
    CHECK_INT(revl_diagnose(s, &po, &pr, &err), 0);
    c = find(&pr, REVL_DX_LEADS, "L3", 2); /* 30 h: over revl's 24 h, within the SLA */
    CHECK(c && c->pass);
    CHECK(c && strcmp(c->evidence, "met: 30.0 h of 48.0 h (SLA 'two days')") == 0);
    c = find(&pr, REVL_DX_LEADS, "L1", 2);
    CHECK(c && !c->pass && strstr(c->evidence, "breached: 2.0 h of 1.0 h") != NULL);
    c = find(&pr, REVL_DX_LEADS, "L5", 2);
    CHECK(c && !c->pass && strcmp(c->evidence, "no target of SLA 'two days' applies") == 0);
    c = find(&pr, REVL_DX_LEADS, "L2", 2); /* the owner is asked first */
    CHECK(c && !c->pass && strcmp(c->evidence, "no owner") == 0);
    c = find(&pr, REVL_DX_RISK, "A1", 0);
    CHECK(c && c->pass && strcmp(c->evidence, "tier A of ICP model 'm'") == 0);
    c = find(&pr, REVL_DX_RISK, "A2", 0);
    CHECK(c && !c->pass && strcmp(c->evidence, "tier C, the lowest of ICP model 'm'") == 0);
    c = find(&pr, REVL_DX_OPEN, "D3", 2); /* no deals SLA: revl's 72 h */
    CHECK(c && !strstr(c->evidence, "SLA '"));
    CHECK_STR(pr.source[REVL_DX_LEADS][1], "SLA 'two days' of the playbook");
    CHECK_STR(pr.source[REVL_DX_OPEN][1], "revl's fixed 72 h");
    CHECK_STR(pr.source[REVL_DX_OPEN][0], "ICP model 'm' of the playbook");
    CHECK_STR(pr.source[REVL_DX_LEADS][0], "revl's field check");
    char qb[200];
    CHECK_STR(revl_dx_asked(&pr, REVL_DX_RISK, 0, qb, sizeof qb),
              "the account: a tier above the lowest by the ICP model 'm' of the playbook");
    CHECK_STR(revl_dx_asked(&pr, REVL_DX_OPEN, 2, qb, sizeof qb), revl_dx_question(REVL_DX_OPEN, 2));
    CHECK(pr.layers[2].passed != r.layers[2].passed);
    revl_diagnose_done(&pr);
  }

  /* the same seed: the same checks; a smaller sample: a subset */
  CHECK_INT(revl_diagnose(s, &o, &r2, &err), 0);
  CHECK(r2.nchecks == r.nchecks &&
        memcmp(r.checks, r2.checks, r.nchecks * sizeof *r.checks) == 0);
  revl_diagnose_done(&r2);
  o.sample = 2;
  CHECK_INT(revl_diagnose(s, &o, &r2, &err), 0);
  CHECK_INT((int)r2.paths[REVL_DX_LEADS].sampled, 2);
  CHECK_INT((int)r2.nchecks, 8 * REVL_DX_NLAYERS);
  revl_diagnose_done(&r2);
  o.sample = 0;
  CHECK_INT(revl_diagnose(s, &o, &r2, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "at least 1") != NULL);
  revl_diagnose_done(&r2);
  revl_diagnose_done(&r);
  revl_store_free(s);

  /* no tables at all: every path says why, no layer scores */
  s = revl_store_new();
  o.sample = 20;
  CHECK_INT(revl_diagnose(s, &o, &r, &err), 0);
  CHECK_INT((int)r.nchecks, 0);
  CHECK_INT(r.weakest, -1);
  CHECK_STR(r.paths[REVL_DX_OPEN].reason, "no deals table");
  CHECK_INT(r.layers[0].score, 0);
  revl_diagnose_done(&r);
  revl_diagnose_done(NULL);
  revl_store_free(s);
  TEST_END();
}
