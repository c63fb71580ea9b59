/*
 * test_metric_revenue.c -- the recurring revenue metrics of the core
 * (revl_metric_mrr / revl_metric_nrr in src/metrics/retention.c) and
 * revl_metric_window (quality.c) called from C on a small store: new,
 * expansion, contraction, churn after a gap and reactivation month by
 * month, retention over one window, groups through a reference, nulls,
 * an empty view, and the errors (mixed currencies, weekly periods, no
 * window, a malformed by, a missing column, an unbounded window).
 */
#include "revl/metric_revenue.h"
#include "test.h"
#include "mtest.h"

enum { D_2025_01_01 = 20089, D_2025_03_01 = 20148, D_2025_03_31 = 20178,
       D_2025_05_31 = 20239, D_2025_06_30 = 20269 };

static const char *accounts =
    "id,name,segment\n"
    "A1,Acme,SMB\n"
    "A2,Beta,Enterprise\n"
    "A3,Gamma,SMB\n";

static const char *subs =
    "account_id,period,mrr,plan\n"
    "A1,2025-01-01,100.00,Growth\n"
    "A1,2025-02-01,150.00,Growth\n" /* expansion 50 */
    "A1,2025-03-01,150.00,Growth\n" /* then nothing: churn in April */
    "A2,2025-02-01,200.00,Pro\n"
    "A2,2025-03-01,100.00,Pro\n"    /* contraction 100 */
    "A2,2025-05-01,300.00,Pro\n"    /* after a gap: reactivation */
    "A3,2025-03-01,50.00,Growth\n"
    "A3,2025-04-01,,Growth\n"       /* no mrr: not a row */
    ",2025-03-01,10.00,Growth\n"    /* no account: not a row */
    "A1,2025-09-01,999.00,Growth\n"; /* after as_of: never counted */

static void test_mrr_months(revl_store *s, revl_table *t) {
  revl_metric_ctx cx = {s, D_2025_06_30, 1};
  revl_mrr_opts o;
  memset(&o, 0, sizeof o);
  o.win.period = "month";
  o.win.has_from = o.win.has_to = 1;
  o.win.from = D_2025_01_01;
  o.win.to = D_2025_05_31;
  revl_view v = revl_view_all(t);
  revl_frame *f = NULL;
  revl_error err;
  CHECK_INT(revl_metric_mrr(&cx, &v, &o, &f, &err), 0);
  if (!f) return;
  CHECK_INT((long long)f->nrows, 5);
  CHECK_STR(mt_cell(f, "period", 0), "2025-01");
  CHECK_STR(mt_cell(f, "new", 0), "100.00");
  CHECK_STR(mt_cell(f, "mrr", 0), "100.00");
  CHECK_STR(mt_cell(f, "arr", 0), "1200.00");
  CHECK_STR(mt_cell(f, "new_customers", 0), "1");
  CHECK_STR(mt_cell(f, "expansion", 1), "50.00");
  CHECK_STR(mt_cell(f, "new", 1), "200.00");
  CHECK_STR(mt_cell(f, "mrr", 1), "350.00");
  CHECK_STR(mt_cell(f, "start_mrr", 2), "350.00");
  CHECK_STR(mt_cell(f, "contraction", 2), "100.00");
  CHECK_STR(mt_cell(f, "mrr", 2), "300.00");
  CHECK_STR(mt_cell(f, "customers", 2), "3");
  CHECK_STR(mt_cell(f, "churned", 3), "300.00");
  CHECK_STR(mt_cell(f, "churned_customers", 3), "3");
  CHECK_STR(mt_cell(f, "logo_churn", 3), "1");
  CHECK_STR(mt_cell(f, "net_new", 3), "-300.00");
  CHECK_STR(mt_cell(f, "reactivation", 4), "300.00");
  CHECK_STR(mt_cell(f, "reactivated_customers", 4), "1");
  CHECK_STR(mt_cell(f, "logo_churn", 4), "");
  CHECK_STR(mt_cell(f, "logo_churn_reason", 4), "no customers at the start");
  CHECK_STR(mt_cell(f, "logo_churn_reason", 3), "");
  revl_frame_free(f);

  /* one quarter, by a field of the account: SMB (A1, A3) first */
  memset(&o, 0, sizeof o);
  o.win.period = "quarter";
  o.win.has_from = o.win.has_to = 1;
  o.win.from = D_2025_01_01;
  o.win.to = D_2025_03_31;
  o.by.by[o.by.nby++] = "account.segment";
  CHECK_INT(revl_metric_mrr(&cx, &v, &o, &f, &err), 0);
  if (!f) return;
  CHECK_INT((long long)f->nrows, 2);
  CHECK_INT(f->nkeys, 2);
  CHECK_STR(mt_cell(f, "account.segment", 0), "Enterprise");
  CHECK_STR(mt_cell(f, "period", 0), "2025-Q1");
  CHECK_STR(mt_cell(f, "new", 0), "200.00");
  CHECK_STR(mt_cell(f, "contraction", 0), "100.00");
  CHECK_STR(mt_cell(f, "mrr", 0), "100.00");
  CHECK_STR(mt_cell(f, "months", 0), "3");
  CHECK_STR(mt_cell(f, "account.segment", 1), "SMB");
  CHECK_STR(mt_cell(f, "new", 1), "150.00");
  CHECK_STR(mt_cell(f, "expansion", 1), "50.00");
  CHECK_STR(mt_cell(f, "mrr", 1), "200.00");
  revl_frame_free(f);
}

static void test_nrr(revl_store *s, revl_table *t) {
  revl_metric_ctx cx = {s, D_2025_06_30, 1};
  revl_nrr_opts o;
  memset(&o, 0, sizeof o);
  o.window_given = 1;
  o.win.has_from = o.win.has_to = 1;
  o.win.from = D_2025_03_01;
  o.win.to = D_2025_03_31;
  revl_view v = revl_view_all(t);
  revl_frame *f = NULL;
  revl_error err;
  CHECK_INT(revl_metric_nrr(&cx, &v, &o, &f, &err), 0);
  if (!f) return;
  /* customers of February (A1 150, A2 200) and what they pay in March */
  CHECK_INT((long long)f->nrows, 1);
  CHECK_STR(mt_cell(f, "period", 0), "2025-03-01..2025-03-31");
  CHECK_STR(mt_cell(f, "start_month", 0), "2025-02-01");
  CHECK_STR(mt_cell(f, "end_month", 0), "2025-03-01");
  CHECK_STR(mt_cell(f, "start_mrr", 0), "350.00");
  CHECK_STR(mt_cell(f, "end_mrr", 0), "250.00");
  CHECK_STR(mt_cell(f, "contraction", 0), "100.00");
  CHECK_STR(mt_cell(f, "customers_start", 0), "2");
  int ci = revl_frame_col_index(f, "nrr");
  CHECK(ci >= 0);
  if (ci >= 0) CHECK_DBL(f->cols[ci]->col.v.f64[0], 250.0 / 350.0, 1e-15);
  revl_frame_free(f);

  /* the default window, the twelve months up to as_of: nobody paid in
   * June 2024, so there is no ratio and a reason says why */
  memset(&o, 0, sizeof o);
  CHECK_INT(revl_metric_nrr(&cx, &v, &o, &f, &err), 0);
  if (!f) return;
  CHECK_INT((long long)f->nrows, 1);
  CHECK_STR(mt_cell(f, "period", 0), "2024-07-01..2025-06-30");
  CHECK_STR(mt_cell(f, "nrr", 0), "");
  CHECK_STR(mt_cell(f, "nrr_reason", 0), "no customers at the start");
  revl_frame_free(f);
}

static void test_empty_and_errors(revl_store *s, revl_table *t) {
  revl_metric_ctx cx = {s, D_2025_06_30, 1};
  revl_view v = revl_view_all(t);
  revl_view none = {t, NULL, 0};
  revl_frame *f = NULL;
  revl_error err;
  revl_mrr_opts o;
  memset(&o, 0, sizeof o);
  o.win.period = "all";
  CHECK_INT(revl_metric_mrr(&cx, &none, &o, &f, &err), 0);
  if (f) {
    CHECK_INT((long long)f->nrows, 0);
    CHECK(revl_frame_col_index(f, "logo_churn") >= 0);
    revl_frame_free(f);
  }
  memset(&o, 0, sizeof o); /* the month of as_of: one row of zeros */
  CHECK_INT(revl_metric_mrr(&cx, &none, &o, &f, &err), 0);
  if (f) {
    CHECK_INT((long long)f->nrows, 1);
    CHECK_STR(mt_cell(f, "period", 0), "2025-06");
    CHECK_STR(mt_cell(f, "mrr", 0), "0.00");
    revl_frame_free(f);
  }
  o.win.period = "week";
  CHECK(revl_metric_mrr(&cx, &v, &o, &f, &err) < 0);
  CHECK(f == NULL);
  CHECK_STR(err.msg, "revl.metrics.mrr: recurring revenue is monthly; use "
                     "month or longer periods");
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "segmnt";
  CHECK(revl_metric_mrr(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.mrr: subscriptions has no column 'segmnt'");
  o.by_error = "'by' takes field names";
  CHECK(revl_metric_mrr(&cx, &v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.mrr: 'by' takes field names");

  revl_nrr_opts n;
  memset(&n, 0, sizeof n);
  n.window_given = 1;
  n.win.period = "all";
  CHECK(revl_metric_nrr(&cx, &v, &n, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.nrr: needs a window (not period = \"all\")");
  n.win.period = "week";
  CHECK(revl_metric_nrr(&cx, &v, &n, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.nrr: use month or longer periods");
  n.win.period = NULL;
  n.win.has_to = 1;
  n.win.to = D_2025_03_31;
  CHECK(revl_metric_nrr(&cx, &v, &n, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.nrr: needs a start ('from')");

  /* a table without the columns */
  revl_table *a = revl_store_table(s, "accounts");
  revl_view av = revl_view_all(a);
  memset(&o, 0, sizeof o);
  CHECK(revl_metric_mrr(&cx, &av, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.mrr: accounts has no column 'account_id'");

  /* window: quarters of a bounded window, and an unbounded one */
  revl_window_opts wo = {0};
  wo.period = "quarter";
  wo.has_from = wo.has_to = 1;
  wo.from = D_2025_01_01;
  wo.to = D_2025_05_31;
  CHECK_INT(revl_metric_window(&cx, &wo, &f, &err), 0);
  if (f) {
    CHECK_INT((long long)f->nrows, 2);
    CHECK_STR(mt_cell(f, "period", 1), "2025-Q2 (2025-04-01..2025-05-31)");
    CHECK_STR(mt_cell(f, "to", 1), "2025-05-31");
    revl_frame_free(f);
  }
  wo.has_to = 0;
  CHECK(revl_metric_window(&cx, &wo, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.window: periods need a bounded window "
                     "(give both 'from' and 'to')");
}

static void test_mixed(void) {
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "subscriptions",
                          "account_id,period,mrr\n"
                          "A1,2024-06-01,USD 10.00\n"
                          "A2,2024-06-01,EUR 10.00\n"
                          "A1,2025-01-01,USD 10.00\n"
                          "A2,2025-01-01,EUR 10.00\n");
  CHECK(t != NULL);
  if (t) {
    revl_metric_ctx cx = {s, D_2025_06_30, 1};
    revl_mrr_opts o;
    memset(&o, 0, sizeof o);
    revl_view v = revl_view_all(t);
    revl_frame *f = NULL;
    revl_error err;
    CHECK(revl_metric_mrr(&cx, &v, &o, &f, &err) < 0);
    CHECK_STR(err.msg, "revl.metrics.mrr: cannot add up 'mrr': it mixes USD "
                       "and EUR (there is no FX table; filter the rows to one "
                       "currency first)");
    revl_nrr_opts n;
    memset(&n, 0, sizeof n);
    CHECK(revl_metric_nrr(&cx, &v, &n, &f, &err) < 0);
    CHECK_STR(err.msg, "revl.metrics.nrr: cannot add up 'mrr': it mixes USD "
                       "and EUR (there is no FX table; filter the rows to one "
                       "currency first)");
  }
  revl_store_free(s);
}

int main(void) {
  if (mt_begin("revenue")) return 2;
  revl_store *s = revl_store_new();
  revl_table *a = mt_load(s, "accounts", accounts);
  revl_table *t = mt_load(s, "subscriptions", subs);
  CHECK(a && t && mt_link(s) == 0);
  if (a && t) {
    test_mrr_months(s, t);
    test_nrr(s, t);
    test_empty_and_errors(s, t);
  }
  revl_store_free(s);
  test_mixed();
  mt_end();
  TEST_END();
}
