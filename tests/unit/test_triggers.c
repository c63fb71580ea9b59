/*
 * test_triggers.c -- the renewal condition of src/rules/triggers.c from
 * C (a date field through the record, the window's edges, nulls) and the
 * hits frame it returns.
 */
#include "revl/eval.h"
#include "revl/rules.h"
#include "test.h"
#include "mtest.h"

int main(void) {
  if (mt_begin("triggers")) return 2;
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "accounts",
                          "id,renews_on\nA1,2025-07-10\nA2,2025-12-01\nA3,\nA4,2025-06-30\n"
                          "A5,2025-06-01\n");
  CHECK(t != NULL);
  if (t) {
    revl_view v = revl_view_all(t);
    revl_frame *f = NULL;
    revl_error err;
    int fcol = revl_table_col(t, "renews_on");
    CHECK_INT(revl_trigger_renewal(NULL, &v, "renews_on", t, fcol, -1, 30, 12, 20269, &f, &err),
              0);
    CHECK(f != NULL);
    if (f) {
      CHECK_INT((long long)f->nrows, 2); /* A1 in 10 days, A4 today */
      CHECK_STR(mt_cell(f, "row", 0), "0");
      CHECK_STR(mt_cell(f, "days_to_renewal", 0), "10");
      CHECK_STR(mt_cell(f, "renewal_date", 1), "2025-06-30");
      CHECK_STR(mt_cell(f, "reason", 0), "renews_on 2025-07-10 is in 10 days (at most 30)");
      CHECK_STR(mt_cell(f, "mrr", 0), "");
      revl_frame_free(f);
    }
    revl_view none = {t, NULL, 0};
    CHECK_INT(revl_trigger_renewal(NULL, &none, "renews_on", t, fcol, -1, 30, 12, 20269, &f,
                                   &err), 0);
    if (f) CHECK_INT((long long)f->nrows, 0);
    revl_frame_free(f);
  }
  revl_store_free(s);
  mt_end();
  TEST_END();
}
