/*
 * test_metric_snapshot.c -- revl_deals_snapshot_at (src/metrics/
 * snapshot.c): the deals rebuilt from stage_history at the start of a
 * day, on a small hand-written store: the last row entered before the
 * day (a row of the day itself is after it; of two rows of one day the
 * later one in the file), the history's amount and close date else the
 * deal's own, closed and won stages read from the deals now, a deal
 * created later absent, a deal without history in neither side; then
 * the waterfall between the two sides; and the errors (no
 * stage_history).
 */
#include "revl/metric_stages.h"
#include "test.h"
#include "mtest.h"

static const char *deals =
    "id,owner,stage,amount,currency,created_at,close_date\n"
    "D1,R1,Closed Won,100.00,USD,2025-08-01,2025-11-20\n"
    "D2,R1,Demo,200.00,USD,2025-10-05,2026-01-31\n"
    "D3,R2,Closed Lost,50.00,USD,2025-07-01,2025-09-01\n"
    "D4,R2,Prospecting,10.00,USD,2025-06-01,2025-12-30\n"
    "D5,R2,Proposal,300.00,USD,2025-08-01,2025-12-15\n"
    "D6,R1,Demo,40.00,USD,2025-09-01,2026-02-01\n";

static const char *history =
    "deal_id,stage,entered_at,amount,close_date\n"
    "D1,Prospecting,2025-08-01,80.00,\n"
    "D1,Demo,2025-09-15,90.00,2025-11-30\n"
    "D1,Closed Won,2025-11-20,100.00,2025-11-20\n"
    "D2,Prospecting,2025-10-05,200.00,2026-01-31\n"
    "D3,Prospecting,2025-07-01,50.00,2025-09-30\n"
    "D3,Closed Lost,2025-09-01,50.00,2025-09-01\n"
    "D5,Negotiation,2025-09-01,,\n"
    "D5,Proposal,2025-09-01,,\n"
    "D6,Prospecting,2025-09-01,40.00,2026-02-01\n"
    "D6,Demo,2025-10-01,40.00,2026-02-01\n";

/* Row of the before table with key id, or -1. */
static int64_t row_of(const revl_deals_snapshot *sn, const char *id) {
  return revl_table_find((revl_table *)sn->before.t, id, strlen(id));
}

static const char *str_at(const revl_deals_snapshot *sn, const char *col, int64_t r) {
  const revl_column *c = revl_table_column(sn->before.t, col);
  if (!c || r < 0 || !revl_col_valid(c, (size_t)r)) return "";
  return revl_intern_str(&sn->store->strings, c->v.str[r]);
}

static long long i64_at(const revl_deals_snapshot *sn, const char *col, int64_t r) {
  const revl_column *c = revl_table_column(sn->before.t, col);
  if (!c || r < 0 || !revl_col_valid(c, (size_t)r)) return -1;
  if (c->type == REVL_T_DATE) return c->v.date[r];
  if (c->type == REVL_T_BOOL) return c->v.b[r];
  return c->v.i64[r];
}

int main(void) {
  if (mt_begin("snapshot")) return 2;
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "deals", deals);
  CHECK(t != NULL);
  if (!t) goto out;
  revl_view v = revl_view_all(t);
  revl_error err;
  revl_deals_snapshot sn;
  int32_t oct1 = revl_days_from_civil(2025, 10, 1);
  /* no stage_history: an error, nothing owned */
  CHECK_INT(revl_deals_snapshot_at(&v, oct1, &sn, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.waterfall: needs the stage_history table, which is not "
                     "loaded");
  CHECK(sn.store == NULL && sn.after_rows == NULL);
  revl_table *h = mt_load(s, "stage_history", history);
  CHECK(h != NULL);
  if (!h || mt_link(s)) goto out;
  CHECK_INT(revl_deals_snapshot_at(&v, oct1, &sn, &err), 0);
  if (!sn.store) goto out;
  /* D1 D3 D5 D6 existed before Oct 1; D2 was created later; D4 has no history */
  CHECK_INT((long long)sn.before.n, 4);
  CHECK_INT((long long)sn.nafter, 5);
  CHECK_INT((long long)sn.no_history, 1);
  CHECK_INT(row_of(&sn, "D2"), -1);
  CHECK_INT(row_of(&sn, "D4"), -1);
  int64_t r1 = row_of(&sn, "D1"), r3 = row_of(&sn, "D3"), r5 = row_of(&sn, "D5"),
          r6 = row_of(&sn, "D6");
  /* D1: in Demo at 90.00 closing 2025-11-30, open */
  CHECK_STR(str_at(&sn, "stage", r1), "Demo");
  CHECK_INT(i64_at(&sn, "amount", r1), 9000);
  CHECK_INT(i64_at(&sn, "close_date", r1), revl_days_from_civil(2025, 11, 30));
  CHECK_INT(i64_at(&sn, "is_closed", r1), 0);
  CHECK_STR(str_at(&sn, "owner", r1), "R1");
  /* D3: lost on Sep 1, a stage the deals call closed, not won */
  CHECK_STR(str_at(&sn, "stage", r3), "Closed Lost");
  CHECK_INT(i64_at(&sn, "is_closed", r3), 1);
  CHECK_INT(i64_at(&sn, "is_won", r3), 0);
  /* D5: two rows of one day, the later in the file; no amount or close
   * date in the history: the deal's own */
  CHECK_STR(str_at(&sn, "stage", r5), "Proposal");
  CHECK_INT(i64_at(&sn, "amount", r5), 30000);
  CHECK_INT(i64_at(&sn, "close_date", r5), revl_days_from_civil(2025, 12, 15));
  /* D6: its Oct 1 row is not before Oct 1 */
  CHECK_STR(str_at(&sn, "stage", r6), "Prospecting");
  /* the waterfall between the two: start D1 90 + D5 300 + D6 40 = 430;
   * created D2 200; won D1 90; D5 and D6 unchanged; end 200 + 300 + 40 */
  revl_metric_ctx cx = {s, revl_days_from_civil(2025, 12, 31), 1};
  revl_waterfall_opts o;
  memset(&o, 0, sizeof o);
  revl_waterfall_out wf;
  CHECK_INT(revl_metric_waterfall(&cx, &sn.before, &sn.after, &o, &wf, &err), 0);
  if (wf.totals) {
    CHECK_STR(mt_cell(wf.totals, "start", 0), "430.00");
    CHECK_STR(mt_cell(wf.totals, "created", 0), "200.00");
    CHECK_STR(mt_cell(wf.totals, "won", 0), "90.00");
    CHECK_STR(mt_cell(wf.totals, "lost", 0), "0.00");
    CHECK_STR(mt_cell(wf.totals, "end", 0), "540.00");
    revl_frame_free(wf.frame);
    revl_frame_free(wf.totals);
    revl_frame_free(wf.ids);
  }
  revl_deals_snapshot_done(&sn);
  /* a day before every history row: an empty before side */
  CHECK_INT(revl_deals_snapshot_at(&v, revl_days_from_civil(2025, 1, 1), &sn, &err), 0);
  CHECK_INT((long long)sn.before.n, 0);
  CHECK_INT((long long)sn.nafter, 5);
  revl_deals_snapshot_done(&sn);
  revl_deals_snapshot_done(NULL);
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
