/*
 * test_metric_wpipe.c -- revl_metric_weighted_pipeline (src/metrics/
 * pipeline.c) called from C on a small store: by owner and by a field
 * reached through a reference, periods with empty buckets filled in, a
 * probabilities table, per-deal rounding, nulls, an empty view, and the
 * errors (mixed currencies, unknown stage, bad probability, missing
 * column); the forecast roll-up by category.
 */
#include "revl/metric_deals.h"
#include "test.h"
#include "mtest.h"

static const char *accounts =
    "id,name,industry\n"
    "A1,Acme,Software\n"
    "A2,Beta,Retail\n";

static const char *deals =
    "id,account_id,owner,stage,amount,currency,close_date,probability,is_closed\n"
    "D1,A1,R1,Demo,0.05,USD,2025-04-10,0.5,false\n"     /* 2.5 cents -> 3 */
    "D2,A1,R1,Proposal,1000.00,USD,2025-05-01,0.3,false\n"
    "D3,A2,R2,Demo,200.00,USD,2025-08-15,,false\n"      /* no probability */
    "D4,A2,R2,Closed Won,999.00,USD,2025-04-01,1,true\n" /* closed: out */
    "D5,A2,R1,Demo,,USD,2025-04-20,0.4,false\n";        /* no amount */

static void test_by_owner(revl_store *s, revl_table *t) {
  revl_metric_ctx cx = {s, 20269, 1}; /* 2025-06-30 */
  revl_weighted_pipeline_opts o;
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "owner";
  revl_view v = revl_view_all(t);
  revl_frame *f = NULL;
  revl_error err;
  CHECK_INT(revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err), 0);
  if (!f) return;
  CHECK_INT((long long)f->nrows, 2);
  CHECK_INT(f->nkeys, 1);
  CHECK_STR(mt_cell(f, "owner", 0), "R1");
  CHECK_STR(mt_cell(f, "deals", 0), "3");
  CHECK_STR(mt_cell(f, "pipeline", 0), "1000.05");
  CHECK_STR(mt_cell(f, "weighted", 0), "300.03");
  CHECK_STR(mt_cell(f, "missing_amount", 0), "1");
  CHECK_STR(mt_cell(f, "owner", 1), "R2");
  CHECK_STR(mt_cell(f, "weighted", 1), "0.00");
  CHECK_STR(mt_cell(f, "missing_probability", 1), "1");
  revl_frame_free(f);

  /* by a field of the account, and quarters of close_date: every
   * industry gets every quarter of the window */
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "account.industry";
  o.win.period = "quarter";
  o.win.has_from = o.win.has_to = 1;
  o.win.from = 20089; /* 2025-01-01 */
  o.win.to = 20361;   /* 2025-09-30 */
  CHECK_INT(revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err), 0);
  if (!f) return;
  CHECK_INT((long long)f->nrows, 6);
  CHECK_STR(mt_cell(f, "account.industry", 0), "Retail");
  CHECK_STR(mt_cell(f, "period", 0), "2025-Q1");
  CHECK_STR(mt_cell(f, "deals", 0), "0");
  CHECK_STR(mt_cell(f, "period", 2), "2025-Q3");
  CHECK_STR(mt_cell(f, "pipeline", 2), "200.00");
  CHECK_STR(mt_cell(f, "account.industry", 4), "Software");
  CHECK_STR(mt_cell(f, "weighted", 4), "300.03");
  revl_frame_free(f);

  /* an empty view without by: one row of zeros */
  memset(&o, 0, sizeof o);
  revl_view e = {t, NULL, 0};
  CHECK_INT(revl_metric_weighted_pipeline(&cx, &e, &o, &f, &err), 0);
  if (!f) return;
  CHECK_INT((long long)f->nrows, 1);
  CHECK_STR(mt_cell(f, "deals", 0), "0");
  CHECK_STR(mt_cell(f, "pipeline", 0), "0.00");
  revl_frame_free(f);
}

static void test_probabilities(revl_store *s, revl_table *t) {
  revl_metric_ctx cx = {s, 20269, 1};
  revl_stage_prob p[] = {{"Demo", 0.4}, {"Proposal", 0.6}};
  revl_weighted_pipeline_opts o;
  memset(&o, 0, sizeof o);
  o.probs = p;
  o.nprobs = 2;
  revl_view v = revl_view_all(t);
  revl_frame *f = NULL;
  revl_error err;
  CHECK_INT(revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err), 0);
  if (f) CHECK_STR(mt_cell(f, "weighted", 0), "680.02"); /* 0.02 + 600 + 80 */
  revl_frame_free(f);
  f = NULL;
  o.nprobs = 1; /* Proposal missing */
  CHECK(revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.weighted_pipeline: stage 'Proposal' is not "
                     "in probabilities");
  CHECK(f == NULL);
  revl_stage_prob bad[] = {{"Demo", 1.5}};
  o.probs = bad;
  CHECK(revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.weighted_pipeline: probability of 'Demo' "
                     "must be between 0 and 1");
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "ownr";
  CHECK(revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.weighted_pipeline: deals has no column "
                     "'ownr' (did you mean 'owner'?)");
}

static void test_forecast(void) {
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "deals",
                          "id,stage,amount,currency,close_date,forecast_category,is_closed,is_won\n"
                          "F1,Closed Won,100.00,USD,2025-05-01,Pipeline,true,true\n"
                          "F2,Negotiation,50.00,USD,2025-05-02,commit,false,false\n"
                          "F3,Demo,25.00,USD,2025-05-03,Best Case,false,false\n"
                          "F4,Demo,10.00,USD,2025-05-04,Closed,false,false\n"
                          "F5,Closed Lost,7.00,USD,2025-05-05,Commit,true,false\n"
                          "F6,Demo,,USD,2025-05-06,Pipeline,false,false\n"
                          "F7,Demo,1.00,USD,2025-09-06,Pipeline,false,false\n");
  CHECK(t != NULL);
  if (!t) {
    revl_store_free(s);
    return;
  }
  revl_metric_ctx cx = {s, 20269, 1};
  revl_forecast_opts o;
  memset(&o, 0, sizeof o);
  revl_view v = revl_view_all(t);
  revl_frame *f = NULL;
  revl_error err;
  int frc = revl_metric_forecast(&cx, &v, &o, &f, &err);
  if (frc) fprintf(stderr, "%s\n", err.msg);
  CHECK_INT(frc, 0);
  if (!f) {
    revl_store_free(s);
    return;
  }
  CHECK_INT((long long)f->nrows, 1);
  CHECK_STR(mt_cell(f, "period", 0), "2025-Q2");
  CHECK_STR(mt_cell(f, "deals", 0), "6");
  CHECK_STR(mt_cell(f, "closed", 0), "100.00");      /* won, whatever its category */
  CHECK_STR(mt_cell(f, "omitted", 0), "7.00");       /* lost */
  CHECK_STR(mt_cell(f, "uncategorized", 0), "10.00"); /* open but marked Closed */
  CHECK_STR(mt_cell(f, "commit_total", 0), "150.00");
  CHECK_STR(mt_cell(f, "best_case_total", 0), "175.00");
  CHECK_STR(mt_cell(f, "pipeline_total", 0), "175.00");
  CHECK_STR(mt_cell(f, "pipeline_deals", 0), "1");
  CHECK_STR(mt_cell(f, "missing_amount", 0), "1");
  revl_frame_free(f);
  revl_store_free(s);
}

static void test_mixed(void) {
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "deals",
                          "id,owner,stage,amount,currency,probability,is_closed\n"
                          "D1,R1,Demo,10.00,USD,0.5,false\n"
                          "D2,R1,Demo,10.00,EUR,0.5,false\n");
  CHECK(t != NULL);
  if (t) {
    revl_metric_ctx cx = {s, 20269, 1};
    revl_weighted_pipeline_opts o;
    memset(&o, 0, sizeof o);
    revl_view v = revl_view_all(t);
    revl_frame *f = NULL;
    revl_error err;
    CHECK(revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err) < 0);
    CHECK_STR(err.msg, "revl.metrics.weighted_pipeline: cannot add up 'amount': "
                       "it mixes USD and EUR (there is no FX table; filter the "
                       "rows to one currency first)");
  }
  revl_store_free(s);
}

int main(void) {
  if (mt_begin("wpipe")) return 2;
  revl_store *s = revl_store_new();
  revl_table *a = mt_load(s, "accounts", accounts);
  revl_table *t = mt_load(s, "deals", deals);
  CHECK(a && t && mt_link(s) == 0);
  if (a && t) {
    test_by_owner(s, t);
    test_probabilities(s, t);
  }
  revl_store_free(s);
  test_mixed();
  test_forecast();
  mt_end();
  TEST_END();
}
