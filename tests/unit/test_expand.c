/*
 * test_expand.c -- expand = {...} at the load's as-of (src/ingest/
 * expand.c): the library without an as-of keeps the file's last month,
 * with one the open subscriptions run through the as-of month (seen at
 * the as-of date), a subscription that starts later makes no row, and
 * an as-of before every start leaves an empty table; events change
 * and end subscriptions (tests/lua/subs_events).  The data is
 * tests/lua/subs_intervals, hand-computed in tests/lua/test_subs_*.lua.
 */
#include "test.h"

#include "revl/ingest.h"

#include <stdio.h>
#include <string.h>

/* Rows of subscriptions, their mrr sum (minor units) and the note. */
static const char *dir = "tests/lua/subs_intervals";

static void load(const int32_t *as_of, size_t *rows, int64_t *sum, char *note,
                 size_t size) {
  revl_store *s = revl_store_new();
  revl_load_opts o = {.data_dir = dir, .quiet = 1, .no_cache = 1};
  if (as_of) {
    o.has_as_of = 1;
    o.as_of = *as_of;
  }
  revl_error err;
  memset(&err, 0, sizeof err);
  CHECK_INT(revl_load_dir(s, &o, &err), 0);
  revl_table *t = revl_store_table(s, "subscriptions");
  CHECK(t != NULL);
  *rows = t ? t->nrows : 0;
  *sum = 0;
  note[0] = '\0';
  if (t) {
    int cm = revl_table_col(t, "mrr");
    CHECK(cm >= 0);
    for (size_t r = 0; cm >= 0 && r < t->nrows; r++) *sum += t->cols[cm]->v.i64[r];
    for (int k = 0; k < t->nwarnings; k++)
      if (strstr(t->warnings[k], "expand:")) snprintf(note, size, "%s", t->warnings[k]);
  }
  revl_store_free(s);
}

int main(void) {
  size_t n;
  int64_t sum;
  char note[512];
  /* no as-of: open ones through June, the file's last dated month */
  load(NULL, &n, &sum, note, sizeof note);
  CHECK_INT(n, 26);
  CHECK_INT(sum, 348000);
  CHECK(strstr(note, "through 2025-06, the file's last month: no as-of date") != NULL);
  /* a later as-of: Jul, Aug, Sep at 410.00 each */
  int32_t a = revl_days_from_civil(2025, 9, 10);
  load(&a, &n, &sum, note, sizeof note);
  CHECK_INT(n, 38);
  CHECK_INT(sum, 348000 + 3 * 41000);
  CHECK(strstr(note, "through 2025-09, the as-of month, seen at 2025-09-10)") != NULL);
  /* inside April: 300 + 580 + 650 + 375 + 295 + 385, SUB-2 not yet */
  a = revl_days_from_civil(2025, 4, 7);
  load(&a, &n, &sum, note, sizeof note);
  CHECK_INT(n, 18);
  CHECK_INT(sum, (300 + 580 + 650 + 375 + 295 + 385) * 100);
  CHECK(strstr(note, "; 1 starting later makes none)") != NULL);
  /* the last day of June: the month-end rows of June itself */
  a = revl_days_from_civil(2025, 6, 30);
  load(&a, &n, &sum, note, sizeof note);
  CHECK_INT(n, 26);
  CHECK_INT(sum, 348000);
  /* before every start: no rows at all, no crash */
  a = revl_days_from_civil(2024, 10, 31);
  load(&a, &n, &sum, note, sizeof note);
  CHECK_INT(n, 0);
  CHECK_INT(sum, 0);
  CHECK(strstr(note, "; 9 starting later make none)") != NULL);

  /* events (tests/lua/subs_events): without an as-of the latest event
   * (Jun 20) makes June the last month, as --as-of 2025-06-30 does */
  dir = "tests/lua/subs_events";
  load(NULL, &n, &sum, note, sizeof note);
  CHECK_INT(n, 20);
  CHECK_INT(sum, (300 + 600 + 430 + 440 + 440 + 380 + 290) * 100);
  CHECK(strstr(note, "5 subscriptions with 6 events of subscription_events") != NULL);
  /* revl_load_file alone has no events table: an error at the mapping */
  revl_mapping mp;
  revl_error err;
  memset(&err, 0, sizeof err);
  CHECK_INT(revl_mapping_read("tests/lua/subs_events/mapping.lua", &mp, &err), 0);
  revl_store *s = revl_store_new();
  const revl_table_map *tm = NULL;
  for (int i = 0; i < mp.ntables; i++)
    if (!strcmp(mp.tables[i].name, "subscriptions")) tm = &mp.tables[i];
  CHECK(tm != NULL);
  if (tm)
    CHECK_INT(revl_load_file(s, "subscriptions", "tests/lua/subs_events/Subscriptions.csv",
                             tm, 0, &err), REVL_EDATA);
  CHECK(strstr(err.msg, "the events table 'subscription_events' is not loaded") != NULL);
  revl_store_free(s);
  revl_mapping_done(&mp);
  TEST_END();
}
