/*
 * test_view_ops.c -- src/frame/view_ops.c from C: aggregates over a view
 * (exact money sums and means, medians of dates and money, min/max of
 * text, fields through a reference, no values) and their errors, and
 * sorting a view (stable, nulls last both ways).
 */
#include "revl/frame_view.h"
#include "test.h"
#include "mtest.h"

static const char *accounts = "id,name,industry\nA1,Acme,Software\nA2,Beta,Retail\n";
static const char *deals =
    "id,account_id,owner,stage,amount,currency,close_date\n"
    "D1,A1,R2,Demo,10.01,USD,2025-01-01\n"
    "D2,A1,R1,Demo,10.00,USD,2025-01-03\n"
    "D3,A2,R1,Demo,,USD,\n"
    "D4,A2,R3,Demo,0.02,USD,2025-01-02\n";

static void test_aggregates(revl_store *s, revl_table *t) {
  revl_view v = revl_view_all(t);
  revl_vresult r;
  revl_error err;
  const revl_intern *in = &s->strings;
  CHECK_INT(revl_view_aggregate(&v, "amount", "sum", 0, &r, &err), 0);
  CHECK_INT(r.type, REVL_T_MONEY);
  CHECK_INT(r.i, 2003);
  CHECK_STR(revl_intern_str(in, r.cur), "USD");
  CHECK_INT(revl_view_aggregate(&v, "amount", "avg", 0, &r, &err), 0);
  CHECK_INT(r.i, 668); /* 2003 / 3 = 667.67 -> 668 */
  CHECK_INT(revl_view_aggregate(&v, "amount", "median", 0, &r, &err), 0);
  CHECK_INT(r.i, 1000);
  CHECK_INT(revl_view_aggregate(&v, "close_date", "median", 0, &r, &err), 0);
  CHECK_INT(r.type, REVL_T_DATE);
  CHECK_INT(r.date, 20090); /* 2025-01-02 */
  CHECK_INT(revl_view_aggregate(&v, "owner", "max", 0, &r, &err), 0);
  CHECK_STR(revl_intern_str(in, r.str), "R3");
  CHECK_INT(revl_view_aggregate(&v, "amount", "count", 0, &r, &err), 0);
  CHECK_INT(r.i, 3);
  CHECK_INT(revl_view_aggregate(&v, "account.industry", "min", 0, &r, &err), 0);
  CHECK_STR(revl_intern_str(in, r.str), "Retail");
  revl_view e = {t, NULL, 0};
  CHECK_INT(revl_view_aggregate(&e, "amount", "sum", 0, &r, &err), 0);
  CHECK(r.has && r.i == 0 && r.type == REVL_T_MONEY);
  CHECK_INT(revl_view_aggregate(&e, "amount", "max", 0, &r, &err), 0);
  CHECK_INT(r.has, 0);
  /* errors */
  CHECK(revl_view_aggregate(&v, "amout", "sum", 0, &r, &err) < 0);
  CHECK_STR(err.msg, "deals has no column 'amout' (did you mean 'amount'?)");
  CHECK(revl_view_aggregate(&v, "owner", "sum", 0, &r, &err) < 0);
  CHECK_STR(err.msg, "cannot sum text column 'owner'");
  CHECK(revl_view_aggregate(&v, "amount", "mode", 0, &r, &err) < 0);
  CHECK(revl_view_aggregate(&v, "close_date", "sum", 0, &r, &err) < 0);
  CHECK_STR(err.msg, "cannot sum dates");
}

static void test_sort(revl_table *t) {
  revl_view v = revl_view_all(t);
  uint32_t rows[4];
  revl_error err;
  CHECK_INT(revl_view_sort(&v, "close_date", 0, rows, &err), 0);
  CHECK(rows[0] == 0 && rows[1] == 3 && rows[2] == 1 && rows[3] == 2);
  CHECK_INT(revl_view_sort(&v, "close_date", 1, rows, &err), 0);
  CHECK(rows[0] == 1 && rows[1] == 3 && rows[2] == 0 && rows[3] == 2);
  CHECK_INT(revl_view_sort(&v, "stage", 0, rows, &err), 0); /* ties: file order */
  CHECK(rows[0] == 0 && rows[1] == 1 && rows[2] == 2 && rows[3] == 3);
  CHECK(revl_view_sort(&v, "nope", 0, rows, &err) < 0);
}

static void test_mixed(void) {
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "deals",
                          "id,stage,amount,currency\nD1,Demo,1.00,USD\nD2,Demo,1.00,EUR\n");
  CHECK(t != NULL);
  if (t) {
    revl_view v = revl_view_all(t);
    revl_vresult r;
    revl_error err;
    CHECK(revl_view_aggregate(&v, "amount", "sum", 0, &r, &err) < 0);
    CHECK_STR(err.msg, "cannot sum 'amount': it mixes USD and EUR (load an FX table)");
  }
  revl_store_free(s);
}

/* group_by keys and aggregates as playbooks write them */
static void test_specs(revl_table *t) {
  revl_gkey k;
  revl_vagg a = {0, NULL, "n", 50};
  revl_error err;
  char buf[96];
  CHECK_INT(revl_gkey_parse(t, "account.industry", &k, buf, sizeof buf, &err), 0);
  CHECK_STR(k.field, "account.industry");
  CHECK_STR(k.label, "account.industry");
  CHECK(k.period == NULL);
  CHECK_INT(revl_gkey_parse(t, "close_date:fiscal_year", &k, buf, sizeof buf, &err), 0);
  CHECK_STR(k.field, "close_date");
  CHECK_STR(k.period, "fiscal_year");
  CHECK_STR(k.label, "close_date_fiscal_year");
  CHECK_INT(revl_gkey_parse(t, "close_date:decade", &k, buf, sizeof buf, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "unknown period 'decade' (day week month quarter year fiscal_quarter "
                     "fiscal_year)");
  CHECK_INT(revl_gkey_parse(t, "stage:month", &k, buf, sizeof buf, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "'stage' is not a date column");
  CHECK_INT(revl_gkey_parse(t, "stage:month", &k, buf, 8, &err), REVL_EUSAGE);
  CHECK_INT(revl_vagg_parse(t, &a, "median", "amount", &err), 0);
  CHECK_INT(a.kind, revl_agg_parse("median"));
  CHECK_INT(revl_vagg_parse(t, &a, "mode", "amount", &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "unknown aggregate 'mode' (count sum avg min max median percentile)");
  CHECK_INT(revl_vagg_parse(t, &a, "sum", NULL, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "aggregate 'n' needs {kind, column}");
}

int main(void) {
  if (mt_begin("viewops")) return 2;
  revl_store *s = revl_store_new();
  revl_table *a = mt_load(s, "accounts", accounts);
  revl_table *t = mt_load(s, "deals", deals);
  CHECK(a && t && mt_link(s) == 0);
  if (a && t) {
    test_aggregates(s, t);
    test_sort(t);
    test_specs(t);
  }
  revl_store_free(s);
  test_mixed();
  mt_end();
  TEST_END();
}
