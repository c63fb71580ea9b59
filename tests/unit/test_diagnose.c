/* Unit tests of the six-layer diagnostic (src/rules/diagnose.c): the
 * score bands at and around each edge, the actions, and a run over the
 * hand-made directory of the CLI tests (known passes and failures,
 * determinism, a bad sample size, a store without tables). */
#include <string.h>

#include "revl/diagnose.h"
#include "revl/ingest.h"
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
  revl_dx_opts o = {50, 1, 20453}; /* 2025-12-31 */
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
