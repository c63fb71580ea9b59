/*
 * test_metric_funnel.c -- the lead funnel of src/metrics/funnel.c called
 * from C: counts per step (a lead that skipped MQL still passed it),
 * conversions, median and mean days per step, the reasons of empty
 * steps, a lead without source as its own group, nulls, an empty view,
 * a funnel over a table without the optional columns, and the errors (a
 * missing column, an unknown `by` field, an unknown period, an option
 * the caller could not parse, in the order the metric checks them).
 */
#include "revl/metric_closed.h"
#include "test.h"
#include "mtest.h"

enum { D_2025_01_01 = 20089, D_2025_06_30 = 20269 };

static const char *deals =
    "id,owner,stage,amount,created_at,close_date\n"
    "F1,R1,Closed Won,1000.00,2025-04-10,2025-05-10\n"
    "F2,R1,Proposal,2000.00,2025-05-08,2025-07-31\n"
    "F3,R2,Closed Lost,3000.00,2025-06-09,2025-06-20\n";

static const char *leads =
    "id,source,created_at,mql_at,sql_at,converted_deal_id\n"
    "L1,Web,2025-04-01,2025-04-03,2025-04-08,F1\n" /* won */
    "L2,Web,2025-04-05,2025-04-10,,\n"
    "L3,Web,2025-04-10,,,\n"
    "L4,Event,2025-05-01,2025-05-02,2025-05-05,F2\n"
    "L5,Event,2025-05-03,,2025-05-10,\n" /* skipped MQL */
    "L6,Event,2025-06-01,2025-06-05,2025-06-07,F3\n"
    "L7,Web,2025-03-15,2025-03-20,,\n" /* last quarter */
    "L8,,2025-06-10,,,\n"              /* no source */
    "L9,Web,,2025-04-03,,\n";          /* no created_at: in no window */

static revl_frame *run(revl_store *s, const revl_view *v, const revl_funnel_opts *o,
                       revl_error *err) {
  revl_metric_ctx cx = {s, D_2025_06_30, 1};
  revl_frame *f = NULL;
  int rc = revl_metric_funnel(&cx, v, o, &f, err);
  if (rc) {
    CHECK(f == NULL);
    return NULL;
  }
  return f;
}

static void test_by_source(revl_store *s, const revl_view *v) {
  revl_funnel_opts o;
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "source";
  revl_error err;
  revl_frame *f = run(s, v, &o, &err);
  CHECK(f != NULL);
  if (!f) return;
  /* sorted by source, null last: Event, Web, (none) */
  CHECK_INT((long long)f->nrows, 3);
  CHECK_STR(mt_cell(f, "source", 0), "Event");
  CHECK_STR(mt_cell(f, "source", 1), "Web");
  CHECK_STR(mt_cell(f, "source", 2), "");
  CHECK_STR(mt_cell(f, "period", 1), "2025-Q2");
  CHECK_STR(mt_cell(f, "leads", 1), "3");
  CHECK_STR(mt_cell(f, "mql", 1), "2");
  CHECK_STR(mt_cell(f, "sql", 1), "1");
  CHECK_STR(mt_cell(f, "opportunities", 1), "1");
  CHECK_STR(mt_cell(f, "won", 1), "1");
  CHECK_STR(mt_cell(f, "conv_mql_sql", 1), "0.5");
  CHECK_STR(mt_cell(f, "days_lead_mql", 1), "3.5"); /* 2 and 5 days */
  CHECK_STR(mt_cell(f, "days_lead_mql_mean", 1), "3.5");
  CHECK_STR(mt_cell(f, "days_mql_sql", 1), "5");
  CHECK_STR(mt_cell(f, "days_sql_opp", 1), "2");
  CHECK_STR(mt_cell(f, "days_opp_won", 1), "30");
  CHECK_STR(mt_cell(f, "conv_opp_won", 1), "1");
  CHECK_STR(mt_cell(f, "mql", 0), "3"); /* L5 reached SQL: it passed MQL */
  CHECK_STR(mt_cell(f, "opportunities", 0), "2");
  CHECK_STR(mt_cell(f, "won", 0), "0");
  CHECK_STR(mt_cell(f, "conv_opp_won", 0), "0");
  CHECK_STR(mt_cell(f, "days_sql_opp", 0), "2.5");
  CHECK_STR(mt_cell(f, "days_opp_won", 0), "");
  CHECK_STR(mt_cell(f, "days_opp_won_reason", 0), "no timed transitions");
  CHECK_STR(mt_cell(f, "days_opp_won_mean_reason", 0), "no timed transitions");
  CHECK_STR(mt_cell(f, "leads", 2), "1");
  CHECK_STR(mt_cell(f, "conv_lead_mql", 2), "0");
  CHECK_STR(mt_cell(f, "conv_mql_sql", 2), "");
  CHECK_STR(mt_cell(f, "conv_mql_sql_reason", 2), "no mql");
  CHECK_STR(mt_cell(f, "conv_sql_opp_reason", 2), "no sql");
  CHECK_STR(mt_cell(f, "conv_opp_won_reason", 2), "no opportunities");
  CHECK(revl_frame_col_index(f, "conv_lead_won_reason") < 0); /* never without leads */
  /* reason columns after the metric columns, in the order first used */
  int c0 = revl_frame_col_index(f, "conv_mql_sql_reason");
  int c1 = revl_frame_col_index(f, "days_opp_won_reason");
  CHECK(c0 > revl_frame_col_index(f, "days_opp_won_mean"));
  CHECK(c1 > 0 && c0 > 0);
  revl_frame_free(f);
}

static void test_windows(revl_store *s, const revl_view *v) {
  revl_funnel_opts o;
  memset(&o, 0, sizeof o);
  o.win.has_from = o.win.has_to = 1;
  o.win.from = D_2025_01_01;
  o.win.to = D_2025_06_30;
  revl_error err;
  revl_frame *f = run(s, v, &o, &err);
  CHECK(f != NULL);
  if (f) {
    CHECK_INT((long long)f->nrows, 1);
    CHECK_STR(mt_cell(f, "period", 0), "2025-01-01..2025-06-30");
    CHECK_STR(mt_cell(f, "leads", 0), "8"); /* L9 has no created_at */
    revl_frame_free(f);
  }
  /* every lead: L9 counts when there is no window */
  memset(&o, 0, sizeof o);
  o.win.period = "all";
  f = run(s, v, &o, &err);
  CHECK(f != NULL);
  if (f) {
    CHECK_INT((long long)f->nrows, 1);
    CHECK_STR(mt_cell(f, "leads", 0), "9");
    CHECK_STR(mt_cell(f, "mql", 0), "7");
    CHECK(revl_frame_col_index(f, "period") < 0);
    revl_frame_free(f);
  }
  /* months of the half year: every month has its row, even without leads */
  memset(&o, 0, sizeof o);
  o.win.period = "month";
  o.win.periods = 6;
  f = run(s, v, &o, &err);
  CHECK(f != NULL);
  if (f) {
    CHECK_INT((long long)f->nrows, 6);
    CHECK_STR(mt_cell(f, "period", 0), "2025-01");
    CHECK_STR(mt_cell(f, "leads", 0), "0");
    CHECK_STR(mt_cell(f, "conv_lead_mql_reason", 0), "no leads");
    CHECK_STR(mt_cell(f, "leads", 2), "1"); /* March: L7 */
    CHECK_STR(mt_cell(f, "leads", 3), "3"); /* April */
    revl_frame_free(f);
  }
}

static void test_empty_and_errors(revl_store *s, revl_table *lt, revl_table *dt) {
  revl_funnel_opts o;
  memset(&o, 0, sizeof o);
  revl_error err;
  /* an empty view: one row of zeros and reasons */
  uint32_t none = 0;
  revl_view e = {lt, &none, 0};
  revl_frame *f = run(s, &e, &o, &err);
  CHECK(f != NULL);
  if (f) {
    CHECK_INT((long long)f->nrows, 1);
    CHECK_STR(mt_cell(f, "leads", 0), "0");
    CHECK_STR(mt_cell(f, "conv_lead_won_reason", 0), "no leads");
    CHECK_STR(mt_cell(f, "days_lead_mql_reason", 0), "no timed transitions");
    revl_frame_free(f);
  }
  /* deals have created_at but none of the lead steps: leads only */
  revl_view dv = revl_view_all(dt);
  o.win.period = "all";
  f = run(s, &dv, &o, &err);
  CHECK(f != NULL);
  if (f) {
    CHECK_STR(mt_cell(f, "leads", 0), "3");
    CHECK_STR(mt_cell(f, "mql", 0), "0");
    CHECK_STR(mt_cell(f, "conv_mql_sql_reason", 0), "no mql");
    revl_frame_free(f);
  }
  revl_view v = revl_view_all(lt);
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "sorce";
  CHECK(run(s, &v, &o, &err) == NULL);
  CHECK_INT(err.code, REVL_EUSAGE);
  CHECK(strstr(err.msg, "revl.metrics.funnel: leads has no column 'sorce'") == err.msg);
  CHECK(strstr(err.msg, "did you mean 'source'") != NULL);
  memset(&o, 0, sizeof o);
  o.win.period = "decade";
  CHECK(run(s, &v, &o, &err) == NULL);
  CHECK_STR(err.msg, "revl.metrics.funnel: unknown period 'decade' (week month quarter year "
                     "fiscal_quarter fiscal_year all)");
  /* a malformed by the caller found: stops after the window, no text */
  memset(&o, 0, sizeof o);
  o.bad = REVL_FUNNEL_BAD_BY;
  CHECK_INT(revl_metric_funnel(&(revl_metric_ctx){s, D_2025_06_30, 1}, &v, &o, &f, &err),
            REVL_EUSAGE);
  CHECK_STR(err.msg, "");
  o.by.by[o.by.nby++] = "sorce"; /* the names before the bad entry resolve first */
  CHECK(run(s, &v, &o, &err) == NULL);
  CHECK(strstr(err.msg, "leads has no column 'sorce'") != NULL);
  o.by.by[0] = "source";
  CHECK(run(s, &v, &o, &err) == NULL);
  CHECK_STR(err.msg, "");
  o.win.period = "decade"; /* ... but the window comes first */
  CHECK(run(s, &v, &o, &err) == NULL);
  CHECK(strstr(err.msg, "unknown period 'decade'") != NULL);
  /* a table without created_at: that comes before any option */
  revl_store *s2 = revl_store_new();
  revl_table *t2 = mt_load(s2, "leads", "id,source,mql_at\nL1,Web,2025-04-03\n");
  CHECK(t2 != NULL);
  if (t2) {
    revl_view v2 = revl_view_all(t2);
    o.bad = REVL_FUNNEL_BAD_WINDOW;
    CHECK(run(s2, &v2, &o, &err) == NULL);
    CHECK_STR(err.msg, "revl.metrics.funnel: leads has no column 'created_at'");
  }
  revl_store_free(s2);
}

int main(void) {
  if (mt_begin("funnel")) return 2;
  revl_store *s = revl_store_new();
  revl_table *dt = mt_load(s, "deals", deals);
  revl_table *lt = mt_load(s, "leads", leads);
  CHECK(dt != NULL && lt != NULL);
  if (!dt || !lt || mt_link(s)) goto out;
  CHECK(lt->cols[revl_table_col(lt, "converted_deal_id")]->ref == dt);
  revl_view v = revl_view_all(lt);
  test_by_source(s, &v);
  test_windows(s, &v);
  test_empty_and_errors(s, lt, dt);
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
