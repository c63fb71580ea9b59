/*
 * test_metric_quota.c -- coverage and quota attainment of
 * src/metrics/quota.c from C: reps' annual quotas prorated to a quarter
 * (whole months) and to odd spans (days / 365), a rep without deals
 * still has a row, one quota amount, a quota table by key, the reasons,
 * and the errors (no period, quota split by a field, reps missing).
 */
#include "revl/metric_quota.h"
#include "test.h"
#include "mtest.h"

static const char *reps = "id,name,quota,currency\nR1,Ann,400000.00,USD\nR2,Bob,120000.00,USD\nR3,Cy,,USD\n";
static const char *deals =
    "id,owner,stage,amount,currency,close_date\n"
    "D1,R1,Closed Won,60000.00,USD,2025-04-10\n"
    "D2,R1,Negotiation,80000.00,USD,2025-05-20\n"
    "D3,R1,Closed Lost,10000.00,USD,2025-05-21\n"
    "D4,R3,Proposal,5000.00,USD,2025-06-01\n";

int main(void) {
  if (mt_begin("quota")) return 2;
  revl_store *s = revl_store_new();
  revl_table *r = mt_load(s, "reps", reps);
  revl_table *t = mt_load(s, "deals", deals);
  CHECK(r && t && mt_link(s) == 0);
  if (!r || !t) goto out;
  revl_metric_ctx cx = {s, 20269, 1}; /* 2025-06-30: Q2 */
  revl_view v = revl_view_all(t);
  revl_quota_opts o;
  revl_frame *f = NULL;
  revl_error err;
  memset(&o, 0, sizeof o);
  o.prorate = 1;
  o.by.by[o.by.nby++] = "owner";
  CHECK_INT(revl_metric_coverage(&cx, &v, &o, &f, &err), 0);
  if (f) {
    CHECK_INT((long long)f->nrows, 3);
    CHECK_STR(mt_cell(f, "owner", 0), "R1");
    CHECK_STR(mt_cell(f, "quota", 0), "100000.00"); /* a quarter of 400k */
    CHECK_STR(mt_cell(f, "won", 0), "60000.00");
    CHECK_STR(mt_cell(f, "remaining", 0), "40000.00");
    CHECK_STR(mt_cell(f, "coverage", 0), "2");
    CHECK_STR(mt_cell(f, "owner", 1), "R2"); /* a quota, no deals */
    CHECK_STR(mt_cell(f, "pipeline", 1), "0.00");
    CHECK_STR(mt_cell(f, "coverage", 1), "0");
    CHECK_STR(mt_cell(f, "quota_reason", 2), "no quota"); /* R3 */
    revl_frame_free(f);
  }
  /* attainment: per rep by default; 15 days are 15/365 of the year */
  memset(&o, 0, sizeof o);
  o.prorate = 1;
  o.win.has_from = o.win.has_to = 1;
  o.win.from = 20188; /* 2025-04-10 */
  o.win.to = 20202;   /* 2025-04-24 */
  CHECK_INT(revl_metric_quota_attainment(&cx, &v, &o, &f, &err), 0);
  if (f) {
    CHECK_STR(mt_cell(f, "quota", 0), "16438.36"); /* 400000 * 15 / 365 */
    CHECK_STR(mt_cell(f, "attainment", 0), "3.6499991483335319");
    revl_frame_free(f);
  }
  /* one amount; a table by key */
  memset(&o, 0, sizeof o);
  o.mode = 1;
  o.amount.kind = 2;
  o.amount.num = 120000;
  CHECK_INT(revl_metric_coverage(&cx, &v, &o, &f, &err), 0);
  if (f) {
    CHECK_STR(mt_cell(f, "remaining", 0), "60000.00");
    CHECK_STR(mt_cell(f, "coverage", 0), "1.4166666666666667"); /* 85000 / 60000 */
    revl_frame_free(f);
  }
  revl_quota_entry tab[1] = {{"R3", {1, 1000000, "USD", 0}}};
  memset(&o, 0, sizeof o);
  o.mode = 2;
  o.table = tab;
  o.ntable = 1;
  o.by.by[o.by.nby++] = "owner";
  CHECK_INT(revl_metric_coverage(&cx, &v, &o, &f, &err), 0);
  if (f) {
    CHECK_STR(mt_cell(f, "owner", 1), "R3");
    CHECK_STR(mt_cell(f, "quota", 1), "10000.00");
    CHECK_STR(mt_cell(f, "coverage", 1), "0.5");
    CHECK_STR(mt_cell(f, "quota_reason", 0), "no quota");
    revl_frame_free(f);
  }
  /* errors */
  memset(&o, 0, sizeof o);
  o.win.period = "all";
  CHECK(revl_metric_coverage(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.coverage: needs a period (not period = \"all\")");
  memset(&o, 0, sizeof o);
  o.mode = 1;
  o.amount.kind = 2;
  o.by.by[o.by.nby++] = "stage";
  CHECK(revl_metric_coverage(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.coverage: one quota amount cannot be split by 'stage'; give "
                     "quota = {value = amount, ...} or use reps' quotas");
  o.mode = 0;
  CHECK(revl_metric_coverage(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.coverage: quotas from reps need by = \"owner\" or "
                     "\"owner.<field>\" (not 'stage'); give quota = {...}");
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
