/*
 * test_metric_quality.c -- the data-quality checks of src/metrics/dquality.c
 * called from C: completeness (every column, required fields, by a key,
 * through a reference), duplicates (domain and name matches, the
 * summary), consistency (country codes, an allowed list, both) and
 * timeliness (fresh, stale, never touched, later activities ignored),
 * each over an empty view too, and the errors: a missing column, an
 * unknown field, a bad option value, an unreadable option raised in its
 * turn, a missing activities table.
 */
#include "revl/metric_quality.h"
#include "test.h"
#include "mtest.h"

enum { D_2025_06_30 = 20269 };

static const char *accounts =
    "id,name,domain,country,segment,employees\n"
    "A1,Acme Inc,acme.com,US,SMB,10\n"
    "A2,ACME Inc.,www.acme.com,USA,SMB,12\n"
    "A3,Globex,globex.com,,Enterprise,500\n"
    "A4,Initech,,Deutschland,SMB,40\n"
    "A5,Umbrella,umbrella.com,DE,,7\n";

static const char *activities =
    "id,account_id,type,at\n"
    "T1,A1,call,2025-06-29T10:00:00Z\n"  /* fresh */
    "T2,A2,call,2025-01-01T00:00:00Z\n"  /* 180 days ago */
    "T3,A2,email,2025-07-05T00:00:00Z\n" /* after as_of: ignored */
    "T4,A3,call,2025-06-01T08:00:00Z\n"; /* 29 days ago */

static const char *deals = "id,account_id,stage\nD1,A1,Demo\nD2,A4,Demo\nD3,,Demo\n";

static const revl_metric_ctx *ctx(revl_store *s) {
  static revl_metric_ctx cx;
  cx.store = s;
  cx.as_of = D_2025_06_30;
  cx.fiscal_start = 1;
  return &cx;
}

static void free2(revl_frame *out[2]) {
  revl_frame_free(out[0]);
  revl_frame_free(out[1]);
  out[0] = out[1] = NULL;
}

static void test_completeness(revl_store *s, const revl_view *v, const revl_view *dv) {
  revl_completeness_opts o;
  revl_frame *out[2] = {NULL, NULL};
  revl_error err;
  /* every column, one group */
  memset(&o, 0, sizeof o);
  CHECK_INT(revl_metric_completeness(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 6);
    CHECK_STR(mt_cell(out[0], "position", 2), "3");
    CHECK_STR(mt_cell(out[0], "field", 2), "domain");
    CHECK_STR(mt_cell(out[0], "rows", 2), "5");
    CHECK_STR(mt_cell(out[0], "filled", 2), "4");
    CHECK_STR(mt_cell(out[0], "missing", 2), "1");
    CHECK_STR(mt_cell(out[0], "completeness", 2), "0.8");
    CHECK_INT((long long)out[1]->nrows, 1);
    CHECK_STR(mt_cell(out[1], "complete", 0), "2"); /* A1 A2: every column */
  }
  free2(out);
  /* required fields by segment: Enterprise, SMB, then the null key */
  static const char *const req[] = {"domain", "country"};
  o.required.names = req;
  o.required.n = 2;
  o.required.given = 1;
  o.by.by[o.by.nby++] = "segment";
  CHECK_INT(revl_metric_completeness(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 6); /* 3 groups x the 2 required fields */
    CHECK_STR(mt_cell(out[0], "segment", 0), "Enterprise");
    CHECK_STR(mt_cell(out[0], "field", 1), "country");
    CHECK_STR(mt_cell(out[0], "filled", 1), "0");
    CHECK_STR(mt_cell(out[0], "segment", 4), "");
    CHECK_INT((long long)out[1]->nrows, 3);
    CHECK_STR(mt_cell(out[1], "segment", 1), "SMB");
    CHECK_STR(mt_cell(out[1], "rows", 1), "3");
    CHECK_STR(mt_cell(out[1], "complete", 1), "2"); /* A4 has no domain */
    CHECK_STR(mt_cell(out[1], "completeness", 2), "1");
  }
  free2(out);
  /* a field through a reference */
  static const char *const via[] = {"account.country", "stage"};
  memset(&o, 0, sizeof o);
  o.fields.names = via;
  o.fields.n = 2;
  o.fields.given = 1;
  CHECK_INT(revl_metric_completeness(ctx(s), dv, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_STR(mt_cell(out[0], "field", 0), "account.country");
    CHECK_STR(mt_cell(out[0], "filled", 0), "2"); /* D3 has no account */
    CHECK_STR(mt_cell(out[1], "complete", 0), "2");
  }
  free2(out);
  /* an empty view: one row per field, nil with its reason */
  revl_view e = {v->t, NULL, 0};
  memset(&o, 0, sizeof o);
  CHECK_INT(revl_metric_completeness(ctx(s), &e, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 6);
    CHECK_STR(mt_cell(out[0], "completeness", 0), "");
    CHECK_STR(mt_cell(out[0], "completeness_reason", 0), "no rows");
    CHECK_STR(mt_cell(out[1], "completeness_reason", 0), "no rows");
  }
  free2(out);
  /* errors: an unknown field; an unreadable option after the names
   * before it; an unknown `by` field */
  static const char *const bad[] = {"domain", "zzzzzzzz"};
  o.fields.names = bad;
  o.fields.n = 2;
  o.fields.given = 1;
  CHECK(revl_metric_completeness(ctx(s), v, &o, out, &err) < 0);
  CHECK(out[0] == NULL && out[1] == NULL);
  CHECK_STR(err.msg, "revl.metrics.completeness: accounts has no column 'zzzzzzzz'");
  o.fields.n = 1;
  o.bad.at = REVL_QC_FIELDS;
  o.bad.msg = "'fields' is a list of field names";
  CHECK(revl_metric_completeness(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.completeness: 'fields' is a list of field names");
  memset(&o, 0, sizeof o);
  o.by.by[o.by.nby++] = "segmnt";
  CHECK(revl_metric_completeness(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg,
            "revl.metrics.completeness: accounts has no column 'segmnt' (did you mean 'segment'?)");
}

static void test_duplicates(revl_store *s, const revl_view *v) {
  revl_duplicates_opts o;
  revl_frame *out[2] = {NULL, NULL};
  revl_error err;
  memset(&o, 0, sizeof o);
  CHECK_INT(revl_metric_duplicates(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 2);
    CHECK_STR(mt_cell(out[0], "cluster", 0), "1");
    CHECK_STR(mt_cell(out[0], "id", 0), "A1");
    CHECK_STR(mt_cell(out[0], "id", 1), "A2");
    CHECK_STR(mt_cell(out[0], "domain", 1), "www.acme.com");
    CHECK_STR(mt_cell(out[0], "match", 1), "domain+name");
    CHECK_STR(mt_cell(out[0], "similarity", 1), "1");
    CHECK_STR(mt_cell(out[1], "records", 0), "5");
    CHECK_STR(mt_cell(out[1], "clusters", 0), "1");
    CHECK_STR(mt_cell(out[1], "clustered", 0), "2");
    CHECK_STR(mt_cell(out[1], "duplicates", 0), "1");
    CHECK_STR(mt_cell(out[1], "duplicate_rate", 0), "0.2");
    CHECK_STR(mt_cell(out[1], "uniqueness", 0), "0.8");
  }
  free2(out);
  o.on = "domain";
  CHECK_INT(revl_metric_duplicates(ctx(s), v, &o, out, &err), 0);
  if (out[0]) {
    CHECK_STR(mt_cell(out[0], "match", 0), "domain");
    CHECK_STR(mt_cell(out[0], "name", 0), ""); /* names not read */
    CHECK_STR(mt_cell(out[0], "similarity", 0), "");
  }
  free2(out);
  revl_view e = {v->t, NULL, 0};
  memset(&o, 0, sizeof o);
  CHECK_INT(revl_metric_duplicates(ctx(s), &e, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 0);
    CHECK_STR(mt_cell(out[1], "records", 0), "0");
    CHECK_STR(mt_cell(out[1], "duplicate_rate", 0), "");
    CHECK_STR(mt_cell(out[1], "duplicate_rate_reason", 0), "no records");
    CHECK_STR(mt_cell(out[1], "uniqueness", 0), "");
  }
  free2(out);
  /* errors, in the order they are checked */
  o.on = "x";
  o.has_threshold = 1;
  o.threshold = 2;
  CHECK(revl_metric_duplicates(ctx(s), v, &o, out, &err) < 0);
  CHECK(out[0] == NULL && out[1] == NULL);
  CHECK_STR(err.msg, "revl.metrics.duplicates: 'on' is \"both\", \"name\" or \"domain\"");
  o.on = NULL;
  CHECK(revl_metric_duplicates(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.duplicates: threshold must be in (0, 1]");
  o.has_threshold = 0;
  o.has_window = 1;
  o.window = 2.5;
  CHECK(revl_metric_duplicates(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.duplicates: window must be a whole number 1-1000");
  o.has_window = 0;
  o.name = "company";
  o.bad.at = REVL_QD_DOMAIN;
  o.bad.msg = "option 'domain' must be a string";
  CHECK(revl_metric_duplicates(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.duplicates: option 'domain' must be a string");
  o.bad.at = 0;
  CHECK(revl_metric_duplicates(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.duplicates: accounts has no column 'company'");
  o.name = "employees";
  CHECK(revl_metric_duplicates(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg,
            "revl.metrics.duplicates: accounts.employees is integer, not the type this metric reads");
}

static void test_consistency(revl_store *s, const revl_view *v) {
  revl_consistency_opts o;
  revl_frame *out[2] = {NULL, NULL};
  revl_error err;
  memset(&o, 0, sizeof o);
  o.field = "country";
  o.normalize = "country";
  CHECK_INT(revl_metric_consistency(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_STR(mt_cell(out[0], "rows", 0), "5");
    CHECK_STR(mt_cell(out[0], "checked", 0), "4");
    CHECK_STR(mt_cell(out[0], "consistent", 0), "2");
    CHECK_STR(mt_cell(out[0], "inconsistent", 0), "2");
    CHECK_STR(mt_cell(out[0], "missing", 0), "1");
    CHECK_STR(mt_cell(out[0], "consistency", 0), "0.5");
    CHECK_INT((long long)out[1]->nrows, 2);
    CHECK_STR(mt_cell(out[1], "value", 0), "USA");
    CHECK_STR(mt_cell(out[1], "rows", 0), "1");
    CHECK_STR(mt_cell(out[1], "suggestion", 0), "US");
    CHECK_STR(mt_cell(out[1], "value", 1), "Deutschland");
    CHECK_STR(mt_cell(out[1], "suggestion", 1), "DE");
  }
  free2(out);
  /* codes, but only the allowed ones; by segment */
  static const char *const us[] = {"US"};
  o.allowed = us;
  o.nallowed = 1;
  o.has_allowed = 1;
  o.by.by[o.by.nby++] = "segment";
  CHECK_INT(revl_metric_consistency(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 3);
    CHECK_STR(mt_cell(out[0], "segment", 1), "SMB");
    CHECK_STR(mt_cell(out[0], "consistent", 1), "1");
    CHECK_STR(mt_cell(out[0], "consistent", 2), "0"); /* DE is not allowed */
    CHECK_STR(mt_cell(out[0], "consistency_reason", 0), "no values"); /* Enterprise: null */
    CHECK_INT((long long)out[1]->nrows, 3);
  }
  free2(out);
  /* an allowed list alone: bytes compared as they are */
  static const char *const segs[] = {"SMB", "Enterprise", "smb"};
  memset(&o, 0, sizeof o);
  o.field = "segment";
  o.allowed = segs;
  o.nallowed = 3;
  o.has_allowed = 1;
  CHECK_INT(revl_metric_consistency(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_STR(mt_cell(out[0], "consistent", 0), "4");
    CHECK_STR(mt_cell(out[0], "missing", 0), "1");
    CHECK_INT((long long)out[1]->nrows, 0);
  }
  free2(out);
  revl_view e = {v->t, NULL, 0};
  CHECK_INT(revl_metric_consistency(ctx(s), &e, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 1);
    CHECK_STR(mt_cell(out[0], "consistency_reason", 0), "no values");
  }
  free2(out);
  /* errors */
  o.field = "contry";
  CHECK(revl_metric_consistency(ctx(s), v, &o, out, &err) < 0);
  CHECK(out[0] == NULL && out[1] == NULL);
  CHECK_STR(err.msg,
            "revl.metrics.consistency: accounts has no column 'contry' (did you mean 'country'?)");
  o.field = "employees";
  CHECK(revl_metric_consistency(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.consistency: employees is integer; consistency checks text fields");
  o.field = "country";
  o.normalize = "iso";
  CHECK(revl_metric_consistency(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.consistency: normalize knows \"country\"");
  o.normalize = NULL;
  o.has_allowed = 0;
  CHECK(revl_metric_consistency(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg,
            "revl.metrics.consistency: give allowed = {...} or normalize = \"country\"");
  o.bad.at = REVL_QS_ALLOWED;
  o.bad.msg = "'allowed' is a list of strings";
  CHECK(revl_metric_consistency(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.consistency: 'allowed' is a list of strings");
}

static void test_timeliness(revl_store *s, const revl_view *v) {
  revl_timeliness_opts o;
  revl_frame *out[2] = {NULL, NULL};
  revl_error err;
  memset(&o, 0, sizeof o);
  o.has_days = 1;
  o.days = 30;
  CHECK_INT(revl_metric_timeliness(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_STR(mt_cell(out[0], "records", 0), "5");
    CHECK_STR(mt_cell(out[0], "fresh", 0), "2");
    CHECK_STR(mt_cell(out[0], "stale", 0), "3");
    CHECK_STR(mt_cell(out[0], "timeliness", 0), "0.4");
    CHECK_INT((long long)out[1]->nrows, 3);
    CHECK_INT(out[1]->ncols, 3);
    CHECK_STR(mt_cell(out[1], "id", 0), "A2");
    CHECK_STR(mt_cell(out[1], "last_activity", 0), "2025-01-01T00:00:00Z");
    CHECK_STR(mt_cell(out[1], "days_since", 0), "180");
    CHECK_STR(mt_cell(out[1], "id", 2), "A5");
    CHECK_STR(mt_cell(out[1], "last_activity", 2), "");
    CHECK_STR(mt_cell(out[1], "days_since", 2), "");
  }
  free2(out);
  /* by segment, through the named column; the stale rows carry the key */
  o.via = "account_id";
  o.has_days = 1;
  o.days = 0;
  o.by.by[o.by.nby++] = "segment";
  CHECK_INT(revl_metric_timeliness(ctx(s), v, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_INT((long long)out[0]->nrows, 3);
    CHECK_STR(mt_cell(out[0], "segment", 0), "Enterprise");
    CHECK_STR(mt_cell(out[0], "fresh", 0), "0");
    CHECK_STR(mt_cell(out[0], "segment", 1), "SMB");
    CHECK_STR(mt_cell(out[0], "stale", 1), "3");
    CHECK_STR(revl_frame_str(out[1], 1, 0) ? revl_frame_str(out[1], 1, 0) : "?", "SMB");
    CHECK_STR(out[1]->cols[1]->col.name, "segment");
    CHECK_INT((long long)out[1]->nrows, 5);
  }
  free2(out);
  revl_view e = {v->t, NULL, 0};
  memset(&o, 0, sizeof o);
  o.has_days = 1;
  o.days = 90;
  CHECK_INT(revl_metric_timeliness(ctx(s), &e, &o, out, &err), 0);
  if (out[0] && out[1]) {
    CHECK_STR(mt_cell(out[0], "records", 0), "0");
    CHECK_STR(mt_cell(out[0], "timeliness_reason", 0), "no records");
    CHECK_INT((long long)out[1]->nrows, 0);
  }
  free2(out);
  /* errors */
  o.days = 1.5;
  CHECK(revl_metric_timeliness(ctx(s), v, &o, out, &err) < 0);
  CHECK(out[0] == NULL && out[1] == NULL);
  CHECK_STR(err.msg, "revl.metrics.timeliness: needs days = N (a whole number of days)");
  o.has_days = 0;
  CHECK(revl_metric_timeliness(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.timeliness: needs days = N (a whole number of days)");
  o.has_days = 1;
  o.days = 7;
  o.via = "type";
  CHECK(revl_metric_timeliness(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.timeliness: activities.type does not reference accounts");
  o.via = "nope";
  CHECK(revl_metric_timeliness(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.timeliness: activities has no column 'nope'");
  o.via = NULL;
  o.bad.at = REVL_QT_BY;
  o.bad.msg = "'by' takes field names";
  CHECK(revl_metric_timeliness(ctx(s), v, &o, out, &err) < 0);
  CHECK_STR(err.msg, "revl.metrics.timeliness: 'by' takes field names");
  {
    revl_store *s2 = revl_store_new();
    revl_table *t2 = mt_load(s2, "accounts", accounts);
    if (t2) {
      revl_view v2 = revl_view_all(t2);
      memset(&o, 0, sizeof o);
      o.has_days = 1;
      o.days = 7;
      CHECK(revl_metric_timeliness(ctx(s2), &v2, &o, out, &err) < 0);
      CHECK_STR(err.msg,
                "revl.metrics.timeliness: needs the activities table, which is not loaded");
    }
    revl_store_free(s2);
  }
}

int main(void) {
  if (mt_begin("quality")) return 2;
  revl_store *s = revl_store_new();
  revl_table *at = mt_load(s, "accounts", accounts);
  revl_table *tt = mt_load(s, "activities", activities);
  revl_table *dt = mt_load(s, "deals", deals);
  CHECK(at && tt && dt);
  if (!at || !tt || !dt || mt_link(s)) goto out;
  revl_view v = revl_view_all(at), dv = revl_view_all(dt);
  test_completeness(s, &v, &dv);
  test_duplicates(s, &v);
  test_consistency(s, &v);
  test_timeliness(s, &v);
out:
  revl_store_free(s);
  mt_end();
  TEST_END();
}
