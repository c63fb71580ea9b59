/*
 * test_metric_stages.c -- the stage metrics of src/metrics/stages.c and
 * the waterfall of src/metrics/waterfall.c called from C, on a small
 * hand-written store: conversions along a given and an inferred stage
 * order, stays measured to as_of, aged deals longest first, a slipped
 * deal with its record, waterfall buckets with the deals behind them;
 * empty views, and the errors (no stage_history, a missing column, an
 * unknown `by` field, a bad window, days missing, a repeated stage, a
 * malformed option left to the caller).
 */
#include "revl/metric_stages.h"
#include "test.h"
#include "mtest.h"

static const char *deals =
    "id,owner,stage,amount,currency,created_at,close_date\n"
    "D1,R1,Closed Won,100.00,USD,2025-01-01,2025-03-01\n"
    "D2,R1,Demo,200.00,USD,2025-01-01,2025-08-15\n"  /* open, slipped out of Q2 */
    "D3,R2,Closed Lost,50.00,USD,2025-02-01,2025-04-01\n"
    "D4,R2,Prospecting,10.00,USD,2025-06-01,2025-09-30\n"; /* open, no history */

static const char *history =
    "deal_id,stage,entered_at,close_date\n"
    "D1,Prospecting,2025-01-01,2025-03-01\n"
    "D1,Demo,2025-01-11,2025-03-01\n"
    "D1,Closed Won,2025-03-01,2025-03-01\n"
    "D2,Prospecting,2025-01-01,2025-05-01\n"
    "D2,Demo,2025-02-01,2025-06-20\n"
    "D3,Prospecting,2025-02-01,2025-04-01\n"
    "D3,Closed Lost,2025-04-01,2025-04-01\n";

static const char *const order[] = {"Prospecting", "Demo", "Closed Won"};
static const size_t order_len[] = {11, 4, 10};

/* 2025-06-30 (Q2), calendar fiscal year */
static revl_metric_ctx ctx(const revl_store *s) {
  revl_metric_ctx cx = {s, 20269, 1};
  return cx;
}

static void check_conversion(const revl_store *s, const revl_view *v) {
  revl_metric_ctx cx = ctx(s);
  revl_stages_opts o;
  memset(&o, 0, sizeof o);
  o.has_stages = 1;
  o.stages = order;
  o.stage_lens = order_len;
  o.nstages = 3;
  revl_error err;
  revl_frame *f = NULL;
  CHECK_INT(revl_metric_stage_conversion(&cx, v, &o, &f, &err), 0);
  if (!f) return;
  CHECK_INT((long long)f->nrows, 3);
  CHECK_STR(mt_cell(f, "stage", 0), "Prospecting");
  CHECK_STR(mt_cell(f, "entered", 0), "3");
  CHECK_STR(mt_cell(f, "to_next", 0), "2"); /* D1, D2 reached Demo */
  CHECK_STR(mt_cell(f, "to_later", 0), "2");
  CHECK_STR(mt_cell(f, "won", 0), "1");
  CHECK_STR(mt_cell(f, "conversion_next", 0), "0.66666666666666663");
  CHECK_STR(mt_cell(f, "position", 2), "3");
  CHECK_STR(mt_cell(f, "conversion_next", 2), "");
  CHECK_STR(mt_cell(f, "conversion_next_reason", 2), "last stage");
  CHECK_STR(mt_cell(f, "win_rate", 2), "1");
  revl_frame_free(f);
  /* inferred: open stages by position, then won, then lost ones */
  o.has_stages = 0;
  CHECK_INT(revl_metric_stage_conversion(&cx, v, &o, &f, &err), 0);
  if (f) {
    CHECK_INT((long long)f->nrows, 4);
    CHECK_STR(mt_cell(f, "stage", 0), "Prospecting");
    CHECK_STR(mt_cell(f, "stage", 1), "Demo");
    CHECK_STR(mt_cell(f, "stage", 2), "Closed Won");
    CHECK_STR(mt_cell(f, "stage", 3), "Closed Lost");
    revl_frame_free(f);
  }
  /* by owner, per quarter of the first entry */
  o.has_stages = 1;
  o.by.by[o.by.nby++] = "owner";
  o.win.period = "quarter";
  o.win.has_from = o.win.has_to = 1;
  o.win.from = 20089; /* 2025-01-01 */
  o.win.to = 20178;   /* 2025-03-31 */
  CHECK_INT(revl_metric_stage_conversion(&cx, v, &o, &f, &err), 0);
  if (f) {
    CHECK_INT((long long)f->nrows, 6); /* R1, R2 x 3 stages */
    CHECK_STR(mt_cell(f, "owner", 0), "R1");
    CHECK_STR(mt_cell(f, "period", 0), "2025-Q1");
    CHECK_STR(mt_cell(f, "entered", 0), "2");
    CHECK_STR(mt_cell(f, "owner", 3), "R2");
    CHECK_STR(mt_cell(f, "entered", 4), "0");
    CHECK_STR(mt_cell(f, "win_rate_reason", 4), "no deals entered");
    revl_frame_free(f);
  }
  /* errors */
  static const char *const twice[] = {"Demo", "Demo"};
  static const size_t twice_len[] = {4, 4};
  memset(&o, 0, sizeof o);
  o.has_stages = 1;
  o.stages = twice;
  o.stage_lens = twice_len;
  o.nstages = 2;
  CHECK_INT(revl_metric_stage_conversion(&cx, v, &o, &f, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.stage_conversion: stage 'Demo' is listed twice");
  o.nstages = 0;
  CHECK_INT(revl_metric_stage_conversion(&cx, v, &o, &f, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.stage_conversion: 'stages' is empty");
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "ownr";
  CHECK(revl_metric_stage_conversion(&cx, v, &o, &f, &err) < 0);
  CHECK_STR(err.msg,
            "revl.metrics.stage_conversion: deals has no column 'ownr' (did you mean 'owner'?)");
  memset(&o, 0, sizeof o);
  o.win.period = "decade";
  CHECK(revl_metric_stage_conversion(&cx, v, &o, &f, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.stage_conversion: unknown period 'decade' (week month "
                     "quarter year fiscal_quarter fiscal_year all)");
  /* a malformed window the caller found: stop there, message left to it */
  memset(&o, 0, sizeof o);
  o.bad = REVL_STAGES_BAD_WINDOW;
  err.msg[0] = '\0';
  CHECK_INT(revl_metric_stage_conversion(&cx, v, &o, &f, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "");
  CHECK(f == NULL);
}

static void check_time(const revl_store *s, const revl_view *v) {
  revl_metric_ctx cx = ctx(s);
  revl_stages_opts o;
  memset(&o, 0, sizeof o);
  o.has_stages = 1;
  o.stages = order;
  o.stage_lens = order_len;
  o.nstages = 3;
  revl_error err;
  revl_frame *f = NULL;
  CHECK_INT(revl_metric_time_in_stage(&cx, v, &o, &f, &err), 0);
  if (!f) return;
  /* Prospecting: D1 10 days, D2 31, D3 59 */
  CHECK_STR(mt_cell(f, "deals", 0), "3");
  CHECK_STR(mt_cell(f, "median_days", 0), "31");
  CHECK_STR(mt_cell(f, "mean_days", 0), "33.333333333333336");
  /* Demo: D1 49 days, D2 (open) to as_of: 2025-02-01 .. 2025-06-30 = 149 */
  CHECK_STR(mt_cell(f, "deals", 1), "2");
  CHECK_STR(mt_cell(f, "median_days", 1), "99");
  /* Closed Won: the final stage of a closed deal has no length */
  CHECK_STR(mt_cell(f, "deals", 2), "0");
  CHECK_STR(mt_cell(f, "p90_days_reason", 2), "no deals in this stage");
  revl_frame_free(f);
  o.no_current = 1;
  CHECK_INT(revl_metric_time_in_stage(&cx, v, &o, &f, &err), 0);
  if (f) {
    CHECK_STR(mt_cell(f, "deals", 1), "1");
    CHECK_STR(mt_cell(f, "mean_days", 1), "49");
    revl_frame_free(f);
  }
}

static void check_aging(const revl_store *s, const revl_view *v) {
  revl_metric_ctx cx = ctx(s);
  revl_aging_opts o;
  memset(&o, 0, sizeof o);
  o.has_days = 1;
  o.days = 30;
  revl_error err;
  revl_stages_out out;
  CHECK_INT(revl_metric_stage_aging(&cx, v, &o, &out, &err), 0);
  if (out.summary) {
    CHECK_INT((long long)out.summary->nrows, 1);
    CHECK_STR(mt_cell(out.summary, "open_deals", 0), "2");
    CHECK_STR(mt_cell(out.summary, "aged", 0), "1"); /* D4 entered at created_at: 29 days */
    CHECK_STR(mt_cell(out.summary, "aged_amount", 0), "200.00");
    CHECK_STR(mt_cell(out.summary, "aged_share", 0), "0.5");
    CHECK_STR(mt_cell(out.summary, "max_days", 0), "149");
    CHECK_STR(mt_cell(out.summary, "unknown_age", 0), "0");
    CHECK_INT((long long)out.records->nrows, 1);
    CHECK_STR(mt_cell(out.records, "id", 0), "D2");
    CHECK_STR(mt_cell(out.records, "entered_at", 0), "2025-02-01T00:00:00Z");
    CHECK_STR(mt_cell(out.records, "days_in_stage", 0), "149");
    CHECK_STR(out.records->cols[0]->col.name, "id");
    CHECK_STR(out.records->cols[5]->col.name, "days_in_stage");
    revl_frame_free(out.summary);
    revl_frame_free(out.records);
  }
  /* the summary only: the same counts, no records */
  o.no_records = 1;
  CHECK_INT(revl_metric_stage_aging(&cx, v, &o, &out, &err), 0);
  CHECK(out.records == NULL);
  if (out.summary) {
    CHECK_STR(mt_cell(out.summary, "aged", 0), "1");
    CHECK_STR(mt_cell(out.summary, "aged_amount", 0), "200.00");
    CHECK_STR(mt_cell(out.summary, "max_days", 0), "149");
    revl_frame_free(out.summary);
  }
  o.no_records = 0;
  o.by.by[o.by.nby++] = "owner";
  CHECK_INT(revl_metric_stage_aging(&cx, v, &o, &out, &err), 0);
  if (out.summary) {
    CHECK_INT((long long)out.summary->nrows, 2);
    CHECK_STR(mt_cell(out.summary, "owner", 1), "R2");
    CHECK_STR(mt_cell(out.summary, "aged_amount", 1), "0.00");
    /* records: id, the by keys, then the rest */
    CHECK_STR(out.records->cols[1]->col.name, "owner");
    CHECK_STR(out.records->cols[2]->col.name, "stage");
    revl_frame_free(out.summary);
    revl_frame_free(out.records);
  }
  o.has_days = 0;
  CHECK_INT(revl_metric_stage_aging(&cx, v, &o, &out, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.stage_aging: needs days = N (a whole number of days)");
  CHECK(out.summary == NULL && out.records == NULL);
  o.has_days = 1;
  o.days = 1.5;
  CHECK_INT(revl_metric_stage_aging(&cx, v, &o, &out, &err), REVL_EUSAGE);
  /* an empty view: the one row, nothing aged */
  revl_view e = {v->t, NULL, 0};
  memset(&o, 0, sizeof o);
  o.has_days = 1;
  CHECK_INT(revl_metric_stage_aging(&cx, &e, &o, &out, &err), 0);
  if (out.summary) {
    CHECK_INT((long long)out.summary->nrows, 1);
    CHECK_STR(mt_cell(out.summary, "aged_share_reason", 0), "no open deals");
    CHECK_INT((long long)out.records->nrows, 0);
    revl_frame_free(out.summary);
    revl_frame_free(out.records);
  }
}

static void check_slipped(const revl_store *s, const revl_view *v) {
  revl_metric_ctx cx = ctx(s);
  revl_slipped_opts o;
  memset(&o, 0, sizeof o);
  revl_error err;
  revl_stages_out out;
  /* default window: the quarter of as_of (2025-Q2) */
  CHECK_INT(revl_metric_slipped_deals(&cx, v, &o, &out, &err), 0);
  if (out.summary) {
    CHECK_INT((long long)out.summary->nrows, 1);
    CHECK_STR(mt_cell(out.summary, "period", 0), "2025-Q2");
    CHECK_STR(mt_cell(out.summary, "slipped", 0), "1");
    CHECK_STR(mt_cell(out.summary, "slipped_amount", 0), "200.00");
    CHECK_STR(mt_cell(out.summary, "days_pushed_mean", 0), "56");
    CHECK_INT((long long)out.records->nrows, 1);
    CHECK_STR(mt_cell(out.records, "id", 0), "D2");
    CHECK_STR(mt_cell(out.records, "period", 0), "2025-Q2");
    CHECK_STR(mt_cell(out.records, "from_date", 0), "2025-06-20");
    CHECK_STR(mt_cell(out.records, "to_date", 0), "2025-08-15");
    CHECK_STR(mt_cell(out.records, "days_pushed", 0), "56");
    revl_frame_free(out.summary);
    revl_frame_free(out.records);
  }
  o.win.period = "all";
  CHECK_INT(revl_metric_slipped_deals(&cx, v, &o, &out, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.slipped_deals: needs a period (not period = \"all\")");
  memset(&o, 0, sizeof o);
  o.win.has_from = o.win.has_to = 1;
  o.win.from = 20200;
  o.win.to = 20100;
  CHECK(revl_metric_slipped_deals(&cx, v, &o, &out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.slipped_deals: 'from' is after 'to'");
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "nope";
  CHECK(revl_metric_slipped_deals(&cx, v, &o, &out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.slipped_deals: deals has no column 'nope'");
}

static void check_waterfall(revl_store *s, const revl_view *v) {
  revl_metric_ctx cx = ctx(s);
  revl_waterfall_opts o;
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "owner";
  /* before: every deal; after: D2 only (D4 gone from the view) */
  static const uint32_t rows[] = {1};
  revl_view after = {v->t, rows, 1};
  revl_error err;
  revl_waterfall_out out;
  CHECK_INT(revl_metric_waterfall(&cx, v, &after, &o, &out, &err), 0);
  if (out.frame) {
    CHECK_INT((long long)out.frame->nrows, 2);
    CHECK_STR(mt_cell(out.frame, "owner", 0), "R1");
    CHECK_STR(mt_cell(out.frame, "start", 0), "200.00");
    CHECK_STR(mt_cell(out.frame, "end", 0), "200.00");
    CHECK_STR(mt_cell(out.frame, "start", 1), "10.00");
    CHECK_STR(mt_cell(out.frame, "lost", 1), "10.00");
    CHECK_STR(mt_cell(out.frame, "removed", 1), "10.00");
    CHECK_STR(mt_cell(out.frame, "end", 1), "0.00");
    CHECK_STR(mt_cell(out.totals, "start", 0), "210.00");
    CHECK_STR(mt_cell(out.totals, "lost", 0), "10.00");
    /* ids: R2's row has D4 lost and removed, the totals the same */
    CHECK_INT((long long)out.ids->nrows, 4);
    CHECK_STR(mt_cell(out.ids, "row", 0), "2");
    CHECK_STR(mt_cell(out.ids, "bucket", 0), "lost");
    CHECK_STR(mt_cell(out.ids, "id", 0), "D4");
    CHECK_STR(mt_cell(out.ids, "bucket", 1), "removed");
    CHECK_STR(mt_cell(out.ids, "row", 2), "0");
    revl_frame_free(out.frame);
    revl_frame_free(out.totals);
    revl_frame_free(out.ids);
  }
  o.win.period = "decade";
  CHECK(revl_metric_waterfall(&cx, v, &after, &o, &out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.waterfall: unknown period 'decade' (week month quarter "
                     "year fiscal_quarter fiscal_year all)");
  CHECK(out.frame == NULL && out.ids == NULL);
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "region";
  CHECK(revl_metric_waterfall(&cx, v, &after, &o, &out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.waterfall: deals has no column 'region'");
  /* empty snapshots: one row of zeros */
  revl_view e = {v->t, NULL, 0};
  memset(&o, 0, sizeof o);
  CHECK_INT(revl_metric_waterfall(&cx, &e, &e, &o, &out, &err), 0);
  if (out.frame) {
    CHECK_INT((long long)out.frame->nrows, 0);
    CHECK_STR(mt_cell(out.totals, "end", 0), "0.00");
    CHECK_INT((long long)out.ids->nrows, 0);
    revl_frame_free(out.frame);
    revl_frame_free(out.totals);
    revl_frame_free(out.ids);
  }
}

int main(void) {
  if (mt_begin("stages")) return 2;
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "deals", deals);
  CHECK(t != NULL);
  if (!t) goto out;
  revl_view v = revl_view_all(t);
  revl_error err;
  {
    /* no stage_history loaded yet */
    revl_metric_ctx cx = ctx(s);
    revl_stages_opts o;
    memset(&o, 0, sizeof o);
    revl_frame *f = NULL;
    CHECK_INT(revl_metric_stage_conversion(&cx, &v, &o, &f, &err), REVL_EUSAGE);
    CHECK_STR(err.msg, "revl.metrics.stage_conversion: needs the stage_history table, which "
                       "is not loaded");
  }
  revl_table *h = mt_load(s, "stage_history", history);
  CHECK(h != NULL);
  if (!h || mt_link(s)) goto out;
  check_conversion(s, &v);
  check_time(s, &v);
  check_aging(s, &v);
  check_slipped(s, &v);
  check_waterfall(s, &v);
  {
    /* an empty view: the stages inferred from no history, no rows */
    revl_metric_ctx cx = ctx(s);
    revl_stages_opts o;
    memset(&o, 0, sizeof o);
    revl_view e = {t, NULL, 0};
    revl_frame *f = NULL;
    CHECK_INT(revl_metric_time_in_stage(&cx, &e, &o, &f, &err), 0);
    if (f) {
      CHECK_INT((long long)f->nrows, 0);
      CHECK(revl_frame_col_index(f, "median_days") >= 0);
      revl_frame_free(f);
    }
  }
  {
    /* a table without is_closed (no stage either) */
    revl_store *s2 = revl_store_new();
    revl_table *t2 = mt_load(s2, "leads", "id,email\nL1,a@b.c\n");
    if (t2) {
      revl_metric_ctx cx = ctx(s2);
      revl_view v2 = revl_view_all(t2);
      revl_stages_opts o;
      memset(&o, 0, sizeof o);
      revl_frame *f = NULL;
      CHECK(revl_metric_time_in_stage(&cx, &v2, &o, &f, &err) < 0);
      CHECK_STR(err.msg, "revl.metrics.time_in_stage: leads has no column 'is_closed'");
      revl_aging_opts ao;
      memset(&ao, 0, sizeof ao);
      revl_stages_out so;
      CHECK(revl_metric_stage_aging(&cx, &v2, &ao, &so, &err) < 0);
      CHECK_STR(err.msg, "revl.metrics.stage_aging: leads has no column 'is_closed'");
    }
    revl_store_free(s2);
  }
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
