/*
 * test_metric_closed.c -- the closed-deal metrics of src/metrics/closed.c
 * called from C: win rate by owner (counts and values), deal size
 * (exact mean, median), sales cycle, velocity as one exact fraction, the
 * reasons of empty groups, an empty view, and the errors (mixed
 * currencies, a missing column, an unknown `by` field).
 */
#include "revl/metric_closed.h"
#include "test.h"
#include "mtest.h"

static const char *deals =
    "id,owner,stage,amount,currency,created_at,close_date\n"
    "D1,R1,Closed Won,100.00,USD,2025-04-01,2025-04-11\n"  /* 10 days */
    "D2,R1,Closed Won,200.01,USD,2025-04-01,2025-04-21\n"  /* 20 days */
    "D3,R1,Closed Lost,50.00,USD,2025-04-01,2025-05-01\n"
    "D4,R2,Closed Lost,,USD,2025-04-01,2025-05-02\n"       /* no amount */
    "D5,R2,Demo,10.00,USD,2025-04-01,2025-06-01\n"         /* open */
    "D6,R1,Closed Won,30.00,USD,2025-01-01,2025-01-05\n";  /* last quarter */

static revl_frame *run(int (*f)(const revl_metric_ctx *, const revl_view *,
                                const revl_closed_opts *, revl_frame **, revl_error *),
                       revl_store *s, const revl_view *v, const char *by, revl_error *err) {
  revl_metric_ctx cx = {s, 20269, 1}; /* 2025-06-30: Q2 */
  revl_closed_opts o;
  memset(&o, 0, sizeof o);
  if (by) o.by.by[o.by.nby++] = by;
  revl_frame *out = NULL;
  if (f(&cx, v, &o, &out, err)) return NULL;
  return out;
}

int main(void) {
  if (mt_begin("closed")) return 2;
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "deals", deals);
  CHECK(t != NULL);
  if (!t) goto out;
  revl_view v = revl_view_all(t);
  revl_error err;
  revl_frame *f = run(revl_metric_win_rate, s, &v, "owner", &err);
  CHECK(f != NULL);
  if (f) {
    CHECK_INT((long long)f->nrows, 2);
    CHECK_STR(mt_cell(f, "owner", 0), "R1");
    CHECK_STR(mt_cell(f, "period", 0), "2025-Q2");
    CHECK_STR(mt_cell(f, "won", 0), "2");
    CHECK_STR(mt_cell(f, "lost", 0), "1");
    CHECK_STR(mt_cell(f, "won_amount", 0), "300.01");
    CHECK_STR(mt_cell(f, "win_rate_value", 0), "0.85714693865889546");
    CHECK_STR(mt_cell(f, "win_rate", 1), "0");
    CHECK_STR(mt_cell(f, "win_rate_value", 1), ""); /* R2's lost deal has no amount */
    CHECK_STR(mt_cell(f, "win_rate_value_reason", 1), "closed deals have no amount");
    revl_frame_free(f);
  }
  f = run(revl_metric_deal_size, s, &v, NULL, &err);
  if (f) {
    CHECK_STR(mt_cell(f, "avg_won", 0), "150.01"); /* 300.01 / 2 rounded half away */
    CHECK_STR(mt_cell(f, "median_won", 0), "150.01");
    revl_frame_free(f);
  }
  f = run(revl_metric_sales_cycle, s, &v, NULL, &err);
  if (f) {
    CHECK_STR(mt_cell(f, "cycle_deals", 0), "2");
    CHECK_STR(mt_cell(f, "cycle_days_mean", 0), "15");
    CHECK_STR(mt_cell(f, "cycle_days_median", 0), "15");
    revl_frame_free(f);
  }
  f = run(revl_metric_velocity, s, &v, "owner", &err);
  if (f) {
    /* R1: no open deal -> 0; R2: one open deal but no won deal */
    CHECK_STR(mt_cell(f, "velocity", 0), "0.00");
    CHECK_STR(mt_cell(f, "open_deals", 1), "1");
    CHECK_STR(mt_cell(f, "velocity_reason", 1), "no won deals with an amount");
    revl_frame_free(f);
  }
  revl_view e = {t, NULL, 0};
  f = run(revl_metric_performance, s, &e, NULL, &err);
  if (f) {
    CHECK_INT((long long)f->nrows, 1);
    CHECK_STR(mt_cell(f, "win_rate_reason", 0), "no closed deals");
    revl_frame_free(f);
  }
  CHECK(run(revl_metric_win_rate, s, &v, "ownr", &err) == NULL);
  CHECK_STR(err.msg, "revl.metrics.win_rate: deals has no column 'ownr' (did you mean 'owner'?)");
  {
    revl_store *s2 = revl_store_new();
    revl_table *t2 = mt_load(s2, "deals",
                             "id,stage,amount,currency,close_date\n"
                             "D1,Closed Won,1.00,USD,2025-05-01\nD2,Closed Won,1.00,EUR,2025-05-02\n");
    revl_table *t3 = mt_load(s2, "leads", "id,email\nL1,a@b.c\n");
    if (t2 && t3) {
      revl_view v2 = revl_view_all(t2);
      CHECK(run(revl_metric_win_rate, s2, &v2, NULL, &err) == NULL);
      CHECK_STR(err.msg, "revl.metrics.win_rate: cannot add up 'amount': it mixes USD and EUR "
                         "(there is no FX table; filter the rows to one currency first)");
      revl_view v3 = revl_view_all(t3);
      CHECK(run(revl_metric_win_rate, s2, &v3, NULL, &err) == NULL);
      CHECK_STR(err.msg, "revl.metrics.win_rate: leads has no column 'is_closed'");
    }
    revl_store_free(s2);
  }
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
