/*
 * test_metric_pipeline.c -- the shared metric core (src/metrics/mcore.c):
 * windows resolved from options, their errors, exact money sums and the
 * mixed-currency error text.  (The pipeline metrics themselves are not
 * ported to the core yet.)
 */
#include "metrics/mcore.h"
#include "test.h"

static void test_windows(void) {
  revl_metric_ctx cx = {NULL, 20000, 1}; /* 2024-10-04 */
  revl_window_opts o;
  revl_mwin w;
  revl_error err;
  memset(&o, 0, sizeof o);
  /* no options, def_current: the quarter holding as_of */
  CHECK_INT(revl_mwin_resolve(&cx, &o, "t", 1, REVL_PK_QUARTER, &w, &err), 0);
  CHECK_INT(w.limited, 1);
  CHECK_INT(w.kind, REVL_PK_QUARTER);
  CHECK(w.from <= 20000 && w.to >= 20000);
  char lab[32];
  revl_mwin_label(&w, revl_mwin_ord(&w, 20000), lab, sizeof lab);
  CHECK_STR(lab, "2024-Q4");
  /* no options, snapshot: no window */
  CHECK_INT(revl_mwin_resolve(&cx, &o, "t", 0, REVL_PK_QUARTER, &w, &err), 0);
  CHECK_INT(w.limited, 0);
  CHECK(revl_mwin_has(&w, -5));
  /* from..to without a kind: one bucket labelled by the window */
  o.has_from = o.has_to = 1;
  o.from = 19999;
  o.to = 20001;
  CHECK_INT(revl_mwin_resolve(&cx, &o, "t", 1, REVL_PK_QUARTER, &w, &err), 0);
  CHECK_STR(w.label, "2024-10-03..2024-10-05");
  CHECK(!revl_mwin_has(&w, 20002));
  /* errors keep the Lua API's texts */
  o.periods = 2;
  CHECK(revl_mwin_resolve(&cx, &o, "t", 1, REVL_PK_QUARTER, &w, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.t: give 'periods' or 'from'/'to', not both");
  memset(&o, 0, sizeof o);
  o.period = "fortnight";
  CHECK(revl_mwin_resolve(&cx, &o, "t", 1, REVL_PK_QUARTER, &w, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.t: unknown period 'fortnight' (week month "
                     "quarter year fiscal_quarter fiscal_year all)");
  o.period = "month";
  o.periods = 3;
  CHECK_INT(revl_mwin_resolve(&cx, &o, "t", 1, REVL_PK_QUARTER, &w, &err), 0);
  CHECK_INT(revl_mwin_last_ord(&w) - revl_mwin_first_ord(&w), 2);
}

static void test_money(void) {
  revl_macc a = {0, 0};
  revl_error err;
  uint32_t usd = revl_cur_pack("USD"), eur = revl_cur_pack("EUR");
  CHECK_INT(revl_macc_add("pipeline", "amount", &a, 150, usd, &err), 0);
  CHECK_INT(revl_macc_add("pipeline", "amount", &a, -50, usd, &err), 0);
  CHECK_INT(a.v, 100);
  CHECK(revl_macc_add("pipeline", "amount", &a, 1, eur, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.pipeline: cannot add up amount: it mixes "
                     "USD and EUR (there is no FX table; filter the rows to "
                     "one currency first)");
  revl_macc b = {INT64_MAX, usd};
  CHECK(revl_macc_add("pipeline", "amount", &b, 1, usd, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.pipeline: the sum of amount overflows");
  char c[4];
  revl_cur_unpack(eur, c);
  CHECK_STR(c, "EUR");
}

int main(void) {
  test_windows();
  test_money();
  TEST_END();
}
