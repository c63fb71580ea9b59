/*
 * test_metric_attribution.c -- multi-touch attribution of
 * src/metrics/attribution.c called from C: the won deals of the quarter
 * split over their touches (the deal's activities and the converted
 * lead's) by first touch, last touch, linear to the cent and U-shaped,
 * touches after the close and of other types left out, the summary of
 * what no touch explains, a won deal without amount, an empty view, and
 * the errors (mixed currencies, no activities table, unknown model, no
 * models, half_life, types without a type column, and the order in
 * which malformed options are reported).
 */
#include "revl/metric_revenue.h"
#include "test.h"
#include "mtest.h"

enum { D_2025_06_30 = 20269 };

static const char *deals =
    "id,owner,stage,amount,created_at,close_date\n"
    "D1,R1,Closed Won,1000.00,2025-03-28,2025-05-01\n"
    "D2,R1,Closed Won,300.00,2025-04-10,2025-06-01\n" /* no touches */
    "D3,R2,Closed Lost,500.00,2025-04-01,2025-05-02\n"
    "D4,R2,Closed Won,200.00,2025-01-01,2025-01-15\n" /* last quarter */
    "D5,R2,Closed Won,,2025-04-01,2025-05-10\n";      /* no amount */

static const char *leads =
    "id,source,created_at,converted_deal_id\n"
    "L1,Web,2025-03-20,D1\n";

static const char *activities =
    "id,lead_id,deal_id,type,campaign,at\n"
    "A1,L1,,web,Spring,2025-03-21\n"   /* the lead's: counts for D1 */
    "A2,,D1,email,Spring,2025-03-30\n"
    "A3,L1,D1,call,Summer,2025-04-15\n" /* on both: once */
    "A4,,D1,email,Summer,2025-05-05\n" /* after the close */
    "A5,,D3,call,Spring,2025-04-20\n"  /* lost deal */
    "A6,,D5,call,Spring,2025-05-01\n"; /* deal without amount */

static int run(revl_store *s, const revl_view *v, const revl_attribution_opts *o,
               revl_attribution_out *out, revl_error *err) {
  revl_metric_ctx cx = {s, D_2025_06_30, 1};
  int rc = revl_metric_attribution(&cx, v, o, out, err);
  if (rc) CHECK(out->credits == NULL && out->summary == NULL);
  return rc;
}

static void done(revl_attribution_out *out) {
  revl_frame_free(out->credits);
  revl_frame_free(out->summary);
}

static void test_models(revl_store *s, const revl_view *v) {
  static const char *const models[] = {"first_touch", "last_touch", "linear", "u_shaped"};
  revl_attribution_opts o;
  memset(&o, 0, sizeof o);
  o.models = models;
  o.nmodels = 4;
  revl_attribution_out out;
  revl_error err;
  CHECK_INT(run(s, v, &o, &out, &err), 0);
  const revl_frame *f = out.credits;
  if (!f) return;
  /* by campaign, sorted: Spring (A1, A2), Summer (A3) */
  CHECK_INT((long long)f->nrows, 2);
  CHECK_STR(mt_cell(f, "campaign", 0), "Spring");
  CHECK_STR(mt_cell(f, "period", 0), "2025-Q2");
  CHECK_STR(mt_cell(f, "first_touch", 0), "1000.00");
  CHECK_STR(mt_cell(f, "last_touch", 0), "0.00");
  CHECK_STR(mt_cell(f, "linear", 0), "666.67"); /* 333.34 + 333.33 */
  CHECK_STR(mt_cell(f, "u_shaped", 0), "600.00");
  CHECK_STR(mt_cell(f, "touches", 0), "2");
  CHECK_STR(mt_cell(f, "deals", 0), "1");
  CHECK_STR(mt_cell(f, "last_touch", 1), "1000.00");
  CHECK_STR(mt_cell(f, "linear", 1), "333.33");
  CHECK_STR(mt_cell(f, "u_shaped", 1), "400.00");
  CHECK_STR(mt_cell(f, "touches", 1), "1");
  CHECK(revl_frame_col_index(f, "time_decay") < 0);
  const revl_frame *sm = out.summary;
  CHECK_INT((long long)sm->nrows, 1);
  CHECK_STR(mt_cell(sm, "won", 0), "1300.00");
  CHECK_STR(mt_cell(sm, "attributed", 0), "1000.00");
  CHECK_STR(mt_cell(sm, "unattributed", 0), "300.00");
  CHECK_STR(mt_cell(sm, "deals", 0), "2"); /* D5 has no amount */
  CHECK_STR(mt_cell(sm, "deals_without_touches", 0), "1");
  done(&out);

  /* without the lead's touches; by type; only emails and calls */
  static const char *const linear[] = {"linear"};
  static const char *const types[] = {"email", "call", "nothing"};
  memset(&o, 0, sizeof o);
  o.models = linear;
  o.nmodels = 1;
  o.no_lead_touches = 1;
  o.by.by[o.by.nby++] = "type";
  CHECK_INT(run(s, v, &o, &out, &err), 0);
  if ((f = out.credits)) {
    CHECK_INT((long long)f->nrows, 2);
    CHECK_STR(mt_cell(f, "type", 0), "call");
    CHECK_STR(mt_cell(f, "linear", 0), "500.00");
    CHECK_STR(mt_cell(f, "type", 1), "email");
    CHECK_STR(mt_cell(f, "linear", 1), "500.00");
  }
  done(&out);
  memset(&o, 0, sizeof o);
  o.use_types = 1;
  o.types = types;
  o.ntypes = 1; /* email only */
  o.by_none = 1;
  o.win.period = "all";
  CHECK_INT(run(s, v, &o, &out, &err), 0);
  if ((f = out.credits)) {
    /* one group, no keys, no period; every model */
    CHECK_INT((long long)f->nrows, 1);
    CHECK(revl_frame_col_index(f, "period") < 0);
    CHECK_STR(mt_cell(f, "first_touch", 0), "1000.00");
    CHECK_STR(mt_cell(f, "time_decay", 0), "1000.00");
    CHECK_STR(mt_cell(f, "touches", 0), "1"); /* A2; A4 came after the close */
    CHECK_STR(mt_cell(out.summary, "won", 0), "1500.00");      /* and D4 */
    CHECK_STR(mt_cell(out.summary, "unattributed", 0), "500.00"); /* D2, D4 */
  }
  done(&out);
}

static void test_empty(revl_store *s, revl_table *dt) {
  revl_attribution_opts o;
  memset(&o, 0, sizeof o);
  uint32_t none = 0;
  revl_view e = {dt, &none, 0};
  revl_attribution_out out;
  revl_error err;
  CHECK_INT(run(s, &e, &o, &out, &err), 0);
  if (out.credits) {
    CHECK_INT((long long)out.credits->nrows, 0);
    CHECK(revl_frame_col_index(out.credits, "w_shaped") >= 0);
    CHECK_STR(mt_cell(out.summary, "won", 0), "0.00");
    CHECK_STR(mt_cell(out.summary, "deals", 0), "0");
  }
  done(&out);
}

static void test_errors(revl_store *s, const revl_view *v) {
  revl_attribution_opts o;
  revl_attribution_out out;
  revl_error err;
  static const char *const nope[] = {"linear", "z_shaped"};
  memset(&o, 0, sizeof o);
  o.models = nope;
  o.nmodels = 2;
  CHECK_INT(run(s, v, &o, &out, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.attribution: unknown model 'z_shaped' (first_touch last_touch "
                     "linear u_shaped w_shaped full_path time_decay)");
  o.nmodels = 0;
  CHECK_INT(run(s, v, &o, &out, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.attribution: no models");
  memset(&o, 0, sizeof o);
  o.has_half_life = 1;
  o.half_life = 0;
  CHECK_INT(run(s, v, &o, &out, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "revl.metrics.attribution: half_life must be > 0 days");
  /* a malformed option found by the caller stops where it is read... */
  memset(&o, 0, sizeof o);
  o.bad = REVL_ATTRIB_BAD_MODELS;
  o.has_half_life = 1; /* (a later error) */
  CHECK_INT(run(s, v, &o, &out, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "");
  /* ... after the checks before it */
  o.by.by[o.by.nby++] = "campain";
  CHECK_INT(run(s, v, &o, &out, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "revl.metrics.attribution: activities has no column 'campain'") == err.msg);
  CHECK(strstr(err.msg, "did you mean 'campaign'") != NULL);
  memset(&o, 0, sizeof o);
  o.win.period = "decade";
  o.bad = REVL_ATTRIB_BAD_BY;
  CHECK_INT(run(s, v, &o, &out, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "unknown period 'decade'") != NULL);
}

static void test_other_stores(void) {
  revl_attribution_opts o;
  memset(&o, 0, sizeof o);
  revl_attribution_out out;
  revl_error err;
  /* mixed currencies among the won amounts */
  revl_store *s = revl_store_new();
  revl_table *dt = mt_load(s, "deals",
                           "id,stage,amount,currency,close_date\n"
                           "D1,Closed Won,10.00,USD,2025-05-01\n"
                           "D2,Closed Won,20.00,EUR,2025-05-02\n");
  revl_table *at = mt_load(s, "activities", "id,deal_id,campaign,at\nA1,D1,C1,2025-04-01\nA2,D2,C1,2025-04-01\n");
  CHECK(dt && at);
  if (dt && at && !mt_link(s)) {
    revl_view v = revl_view_all(dt);
    CHECK_INT(run(s, &v, &o, &out, &err), REVL_EDATA);
    CHECK(strstr(err.msg, "revl.metrics.attribution: cannot add up won amounts: it mixes USD and "
                          "EUR") == err.msg);
    /* types need the type column (before a malformed types list) */
    o.use_types = 1;
    o.bad = REVL_ATTRIB_BAD_TYPES;
    CHECK_INT(run(s, &v, &o, &out, &err), REVL_EUSAGE);
    CHECK_STR(err.msg, "revl.metrics.attribution: activities has no column 'type'");
    /* one currency: fine */
    memset(&o, 0, sizeof o);
    revl_view v1 = {dt, (const uint32_t[]){0}, 1};
    CHECK_INT(run(s, &v1, &o, &out, &err), 0);
    if (out.credits) CHECK_STR(mt_cell(out.credits, "linear", 0), "10.00");
    done(&out);
  }
  revl_store_free(s);
  /* no activities: after the deal columns, before anything else */
  memset(&o, 0, sizeof o);
  s = revl_store_new();
  dt = mt_load(s, "deals", "id,stage,amount,close_date\nD1,Closed Won,10.00,2025-05-01\n");
  CHECK(dt != NULL);
  if (dt) {
    revl_view v = revl_view_all(dt);
    o.bad = REVL_ATTRIB_BAD_BY;
    CHECK_INT(run(s, &v, &o, &out, &err), REVL_EUSAGE);
    CHECK_STR(err.msg, "revl.metrics.attribution: needs the activities table, which is not loaded");
    o.bad = REVL_ATTRIB_BAD_WINDOW;
    CHECK_INT(run(s, &v, &o, &out, &err), REVL_EUSAGE);
    CHECK_STR(err.msg, "");
  }
  revl_store_free(s);
  /* a table that is not deals */
  s = revl_store_new();
  dt = mt_load(s, "accounts", "id,name\nA1,Acme\n");
  CHECK(dt != NULL);
  if (dt) {
    revl_view v = revl_view_all(dt);
    CHECK_INT(run(s, &v, &o, &out, &err), REVL_EUSAGE);
    CHECK(strstr(err.msg, "revl.metrics.attribution: accounts has no column 'amount'") == err.msg);
  }
  revl_store_free(s);
}

int main(void) {
  if (mt_begin("attribution")) return 2;
  revl_store *s = revl_store_new();
  revl_table *dt = mt_load(s, "deals", deals);
  revl_table *lt = mt_load(s, "leads", leads);
  revl_table *at = mt_load(s, "activities", activities);
  CHECK(dt && lt && at);
  if (!dt || !lt || !at || mt_link(s)) goto out;
  revl_view v = revl_view_all(dt);
  test_models(s, &v);
  test_empty(s, dt);
  test_errors(s, &v);
  test_other_stores();
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
