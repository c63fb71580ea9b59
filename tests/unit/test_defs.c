/*
 * test_defs.c -- unit tests for what the bindings hand to the core as
 * plain C values: the parts of definitions that touch the data (funnel
 * and SLA columns, owner roles, stage history, activities; router
 * account matching, caps, text fields; ICP engagement and labels;
 * health components; usage sources), date and money arithmetic
 * (src/parse/calc.c) and the seeded generator (src/rules/rng.c).
 */
#include "revl/eval.h"
#include "revl/reasons.h"
#include "revl/rng.h"
#include "revl/route.h"
#include "revl/rules.h"
#include "test.h"
#include "mtest.h"

static int32_t day(int y, unsigned m, unsigned d) { return revl_days_from_civil(y, m, d); }

static void test_calc(void) {
  int32_t d;
  int64_t s, minor;
  CHECK_INT(revl_date_plus(day(2025, 1, 31), 1, &d), 0);
  CHECK_INT(d, day(2025, 2, 1));
  CHECK_INT(revl_date_plus(day(9999, 12, 31), 1, &d), -1);
  CHECK_INT(revl_date_plus(0, INT64_MIN, &d), -1);
  CHECK_INT(revl_datetime_plus(0, 1.5, &s), 0);
  CHECK_INT(s, 129600);
  CHECK_INT(revl_datetime_plus(0, 1.0 / 0.0, &s), -1);
  CHECK_INT(revl_add_months(day(2024, 1, 31), 1, &d), 0);
  CHECK_INT(d, day(2024, 2, 29)); /* clamped to the month's end */
  CHECK_INT(revl_add_months(day(2024, 3, 15), -14, &d), 0);
  CHECK_INT(d, day(2023, 1, 15));
  CHECK_INT(revl_add_months(day(9999, 12, 1), 1, &d), -1);
  CHECK_INT(revl_period_start(day(2025, 5, 20), "quarter", 1, &d), 0);
  CHECK_INT(d, day(2025, 4, 1));
  CHECK_INT(revl_period_start(day(2025, 1, 20), "fiscal_year", 2, &d), 0);
  CHECK_INT(d, day(2024, 2, 1));
  CHECK_INT(revl_period_start(day(2025, 5, 20), "fiscal_quarter", 2, &d), 0);
  CHECK_INT(d, day(2025, 5, 1));
  CHECK_INT(revl_period_start(day(2025, 5, 20), "decade", 1, &d), -1);
  CHECK_INT(revl_weekday(day(2025, 12, 7)), 7); /* a Sunday */
  CHECK_INT(revl_weekday(day(1969, 12, 29)), 1);
  CHECK_INT(revl_money_round(-2.5, &minor), 0);
  CHECK_INT(minor, -3); /* half away from zero */
  CHECK_INT(revl_money_round(0.0 / 0.0, &minor), -1);
  CHECK_INT(revl_money_from_int(12, 2, &minor), 0);
  CHECK_INT(minor, 1200);
  CHECK_INT(revl_money_from_int(INT64_MAX / 10, 2, &minor), -1);
  CHECK_DBL(revl_money_major(123456, "JPY"), 123456, 0);
  CHECK_DBL(revl_money_major(123456, "USD"), 1234.56, 1e-9);
}

static void swap_ints(void *ud, size_t i, size_t j) {
  int *a = ud, t = a[i - 1];
  a[i - 1] = a[j - 1];
  a[j - 1] = t;
}

static void test_rng(void) {
  revl_rng a, b;
  revl_rng_seed(&a, 42);
  revl_rng_seed(&b, 42);
  int same = 0, out = 0;
  for (int i = 0; i < 100; i++) same += revl_rng_next(&a) == revl_rng_next(&b);
  CHECK_INT(same, 100);
  int hist[6] = {0};
  for (int i = 0; i < 6000; i++) {
    int64_t x = revl_rng_range(&a, -2, 3);
    if (x >= -2 && x <= 3) hist[x + 2]++;
    else out++;
  }
  CHECK_INT(out, 0);
  for (int k = 0; k < 6; k++) CHECK(hist[k] > 800 && hist[k] < 1200);
  double u = revl_rng_unit(&a);
  CHECK(u >= 0 && u < 1);
  revl_rng_range(&a, INT64_MIN, INT64_MAX); /* the whole range: no division by zero */
  int v[10], sum = 0, moved = 0;
  for (int i = 0; i < 10; i++) v[i] = i;
  revl_rng_shuffle(&a, 10, swap_ints, v);
  for (int i = 0; i < 10; i++) sum += v[i], moved += v[i] != i;
  CHECK_INT(sum, 45);
  CHECK(moved > 0);
}

static void test_funnel_sla_defs(revl_store *s, revl_table *deals, revl_table *leads) {
  revl_error err;
  int c;
  CHECK_INT(revl_def_col(deals, "owner", NULL, "owner", REVL_T_STRING, 0, &c, &err), 0);
  CHECK_INT(c, revl_table_col(deals, "owner"));
  CHECK_INT(revl_def_col(deals, "owner", NULL, "boss", REVL_T_STRING, 0, &c, &err), 0);
  CHECK_INT(c, -1); /* a default the table lacks */
  CHECK_INT(revl_def_col(deals, "stage_field", "stag", NULL, REVL_T_STRING, 1, &c, &err),
            REVL_EUSAGE);
  CHECK(strncmp(err.msg, "deals has no column 'stag'", 26) == 0);
  CHECK_INT(revl_def_col(deals, "stage_field", "amount", NULL, REVL_T_STRING, 1, &c, &err),
            REVL_EUSAGE);
  CHECK_STR(err.msg, "stage_field 'amount' is money, not string");
  CHECK_INT(revl_def_time_col(deals, "entered", "created_at", "a date or datetime", &c, &err), 0);
  CHECK_INT(revl_def_time_col(deals, "start", "stage", "a datetime", &c, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "start: 'stage' is string, not a datetime");

  revl_funnel f;
  memset(&f, 0, sizeof f);
  f.base = deals;
  f.owner_col = f.owner_role_col = -1;
  CHECK_INT(revl_funnel_owner(&f, revl_table_col(deals, "owner"), 1, &err), 0);
  CHECK_INT(f.owner_role_col, revl_table_col(revl_store_table(s, "reps"), "role"));
  CHECK_INT(revl_funnel_owner(&f, revl_table_col(deals, "stage"), 1, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "owner field 'stage' does not reference reps (with a role column)");
  CHECK_INT(revl_funnel_history(&f, NULL, -1, &err), 0);
  CHECK(f.hist == NULL);
  CHECK_INT(revl_funnel_history(&f, NULL, 1, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "history: no stage_history table referencing deals is loaded");
  revl_table *hist = revl_store_table(s, "stage_history");
  CHECK_INT(revl_funnel_history(&f, hist, 1, &err), 0);
  CHECK(f.hist == hist);
  CHECK_INT(f.hist_at, revl_table_col(hist, "entered_at"));
  CHECK_INT(f.hist_stage, revl_table_col(hist, "stage"));

  revl_sla sla;
  memset(&sla, 0, sizeof sla);
  sla.base = leads;
  sla.act_fk = sla.act_at = sla.act_type = -1;
  revl_sla_owner(&sla, revl_table_col(leads, "owner"));
  CHECK_INT(sla.team_col, revl_table_col(revl_store_table(s, "reps"), "team"));
  revl_table *acts = revl_store_table(s, "activities");
  CHECK_INT(revl_sla_activities(&sla, acts, "owner", &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "activities has no column 'owner'");
  CHECK_INT(revl_sla_activities(&sla, acts, "type", &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "activities.type does not reference leads");
  CHECK_INT(revl_sla_activities(&sla, acts, NULL, &err), 0);
  CHECK(sla.acts == acts);
  CHECK_INT(sla.act_fk, revl_table_col(acts, "lead_id"));
  CHECK_INT(sla.act_type, revl_table_col(acts, "type"));
  uint32_t types[3] = {9, 2, 5};
  revl_sla_kind kd;
  memset(&kd, 0, sizeof kd);
  kd.types = types;
  kd.ntypes = 3;
  revl_sla_kind_sort(&kd);
  CHECK(types[0] == 2 && types[1] == 5 && types[2] == 9);
  CHECK_INT(revl_table_fk_to(acts, leads, NULL), revl_table_col(acts, "lead_id"));
  CHECK_INT(revl_table_fk_to(acts, leads, "type"), -1);
  CHECK_INT(revl_table_fk_to(leads, deals, NULL), -1);
}

static void test_router_defs(revl_store *s, revl_table *leads) {
  revl_table *reps = revl_store_table(s, "reps"), *accts = revl_store_table(s, "accounts");
  revl_router *r = revl_router_new(leads, reps);
  CHECK(r != NULL);
  if (!r) return;
  revl_error err;
  revl_table *h;
  int via, col;
  CHECK_INT(revl_router_text_field(leads, "owner", "owner", &h, &via, &col, &err), 0);
  CHECK(h == leads && via == -1 && col == revl_table_col(leads, "owner"));
  CHECK_INT(revl_router_text_field(leads, "score", "territory", &h, &via, &col, &err),
            REVL_EUSAGE);
  CHECK_STR(err.msg, "territory field 'score' must be text, it is integer");
  CHECK_INT(revl_router_text_field(leads, "score", "owner", &h, &via, &col, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "owner field 'score' must be text (rep ids), it is integer");
  revl_acct_spec sp = {0};
  int dc, nc;
  CHECK_INT(revl_router_account_cols(r, accts, &sp, &dc, &nc, &err), 0);
  CHECK_INT(r->lead_email, revl_table_col(leads, "email"));
  CHECK_INT(r->lead_domain, -1);
  CHECK_INT(dc, revl_table_col(accts, "domain"));
  CHECK_INT(nc, revl_table_col(accts, "name"));
  CHECK_INT(r->owner_from_deals, 0);
  CHECK_INT(r->acct_owner_col, revl_table_col(accts, "owner"));
  sp.account_name = "title";
  CHECK_INT(revl_router_account_cols(r, accts, &sp, &dc, &nc, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "accounts has no column 'title'");
  sp.account_name = NULL;
  sp.email = "score";
  CHECK_INT(revl_router_account_cols(r, accts, &sp, &dc, &nc, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "'score' must be a text column");
  int64_t *cap = revl_router_cap_new(r, 0, 3);
  CHECK(cap != NULL && r->cap[0] == cap);
  CHECK_INT(cap[0], 3);
  CHECK_INT(revl_router_cap_col(r, 0, "day", "max_leads", &err), 0);
  CHECK_INT(r->cap[0][0], 4);
  CHECK_INT(r->cap[0][1], 3); /* a null cell keeps its cap */
  CHECK_INT(revl_router_cap_col(r, 0, "day", "team", &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "day cap: reps.team is string, not a number");
  revl_router_free(r);
}

static void test_rules_defs(revl_store *s, revl_table *accts) {
  revl_table *usage = revl_store_table(s, "usage"), *subs = revl_store_table(s, "subscriptions");
  revl_usage_src src;
  revl_error err;
  CHECK_INT(revl_usage_src_usage(&src, accts, NULL, 1, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "no usage table is loaded (usage.csv in the data directory)");
  CHECK_INT(revl_usage_src_usage(&src, accts, usage, 1, &err), 0);
  CHECK_INT(src.u_metric, revl_table_col(usage, "metric"));
  CHECK_INT(src.s_mrr, -1);
  CHECK_INT(revl_usage_src_subs(&src, accts, subs, 1, &err), 0);
  CHECK_INT(src.s_seats, revl_table_col(subs, "seats"));
  CHECK_INT(src.s_mrr, revl_table_col(subs, "mrr")); /* money by its name */
  CHECK_INT(revl_usage_src_usage(&src, usage, usage, 1, &err), REVL_EUSAGE);
  CHECK_STR(err.msg,
            "the usage table needs a reference to usage and date, metric and value columns");
  CHECK_INT(revl_usage_agg_of("max"), REVL_UAGG_MAX);
  CHECK_INT(revl_usage_agg_of("mean"), REVL_UAGG_AVG);
  CHECK_STR(revl_usage_agg_name(REVL_UAGG_LAST), "last");

  revl_engage e;
  memset(&e, 0, sizeof e);
  e.acts = revl_store_table(s, "activities");
  CHECK_INT(revl_engage_bind(&e, accts, "lead_id", "type", "at", &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "engagement: activities.lead_id does not reference accounts");
  CHECK_INT(revl_engage_bind(&e, accts, "account_id", "at", "at", &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "engagement: activities has no text column 'at'");
  CHECK_INT(revl_engage_bind(&e, accts, "account_id", "type", "at", &err), 0);
  e.window = 3;
  e.decay.kind = REVL_DECAY_EVERY;
  e.decay.every = 1;
  e.decay.factor = 0.5;
  CHECK_INT(revl_engage_factors(&e), 0);
  CHECK_DBL(e.factor[0], revl_decay_factor(&e.decay, 0), 0);
  CHECK_DBL(e.factor[2], revl_decay_factor(&e.decay, 2), 0);
  free(e.factor);

  revl_band tiers[2] = {{"A", 50, 0, 0}, {"B", 0, 0, 0}}, bands[2] = {{"1", 5, 0, 0}, {"2", 0, 0, 0}};
  revl_icp icp;
  memset(&icp, 0, sizeof icp);
  icp.tiers = tiers;
  icp.ntiers = 2;
  revl_dmodel md;
  memset(&md, 0, sizeof md);
  md.icp = &icp;
  CHECK_INT(revl_dmodel_labels(&md), 0);
  CHECK_INT(md.nb, 1);
  CHECK_STR(md.combo[1], "B");
  CHECK(md.action[0] == NULL);
  for (int i = 0; i < 2; i++) free(md.combo[i]);
  free(md.combo), free(md.action);
  icp.eng = &e;
  icp.bands = bands;
  icp.nbands = 2;
  CHECK_INT(revl_dmodel_labels(&md), 0);
  CHECK_INT(md.nb, 2);
  CHECK_STR(md.combo[1], "A2");
  CHECK_STR(md.combo[2], "B1");
  for (int i = 0; i < 4; i++) free(md.combo[i]);
  free(md.combo), free(md.action);

  /* the owner a trigger names: the record's own, else its latest deal's */
  revl_table *deals = revl_store_table(s, "deals");
  CHECK_STR(revl_own_owner(accts, 0), "R1");
  CHECK(revl_own_owner(deals, 2) == NULL);
  CHECK_STR(revl_deal_owner(accts, 0, deals), "R2"); /* D3 has no owner */
  CHECK(revl_deal_owner(accts, 0, NULL) == NULL);
  CHECK(revl_deal_owner(deals, 0, deals) == NULL);

  revl_hcomp hc;
  memset(&hc, 0, sizeof hc);
  CHECK_INT(revl_hcomp_kind_of("utilisation"), REVL_HC_UTIL);
  CHECK_INT(revl_hcomp_kind_of("vibes"), -1);
  CHECK_INT(revl_hcomp_field(&hc, accts, "component 'size'", "employees", &err), 0);
  CHECK_STR(hc.desc, "employees");
  free(hc.desc);
  hc.desc = NULL;
  CHECK_INT(revl_hcomp_field(&hc, accts, "component 'x'", "domain", &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "component 'x': field 'domain' is string, not a number (map it with a "
                     "function)");
  hc.kind = REVL_HC_USAGE;
  hc.agg = REVL_UAGG_SUM;
  hc.days = 28;
  hc.per_seat = 1;
  CHECK_INT(revl_hcomp_usage_desc(&hc, "logins"), 0);
  CHECK_STR(hc.desc, "logins sum 28d per seat");
  hc.kind = REVL_HC_GROWTH;
  CHECK_INT(revl_hcomp_usage_desc(&hc, "logins"), 0);
  CHECK_STR(hc.desc, "logins sum 28d vs the 28d before");
  free(hc.desc);
}

int main(void) {
  if (mt_begin("defs")) return 2;
  test_calc();
  test_rng();
  revl_store *s = revl_store_new();
  revl_table *reps = mt_load(s, "reps", "id,team,role,max_leads\nR1,SDR,AE,4\nR2,AE East,AE,\n");
  revl_table *accts = mt_load(s, "accounts",
                              "id,name,domain,owner,employees\nA1,Acme,acme.com,R1,50\n");
  revl_table *deals = mt_load(s, "deals",
                              "id,owner,stage,amount,created_at,account_id\n"
                              "D1,R1,Discovery,1000,2025-01-01T10:00:00Z,A1\n"
                              "D2,R2,Discovery,1000,2025-02-01T10:00:00Z,A1\n"
                              "D3,,Discovery,1000,2025-03-01T10:00:00Z,A1\n");
  revl_table *leads = mt_load(s, "leads",
                              "id,owner,email,score,created_at\n"
                              "L1,R1,a@acme.com,5,2025-03-03T09:00:00Z\n");
  revl_table *hist = mt_load(s, "stage_history",
                             "deal_id,stage,entered_at\nD1,Discovery,2025-01-01T10:00:00Z\n");
  revl_table *acts = mt_load(s, "activities",
                             "id,lead_id,account_id,type,at\n"
                             "X1,L1,A1,email,2025-03-03T10:00:00Z\n");
  revl_table *usage = mt_load(s, "usage", "account_id,date,metric,value\nA1,2025-03-01,logins,3\n");
  revl_table *subs = mt_load(s, "subscriptions", "account_id,period,seats,mrr\nA1,2025-03,5,100\n");
  CHECK(reps && accts && deals && leads && hist && acts && usage && subs);
  if (reps && accts && deals && leads && hist && acts && usage && subs && mt_link(s) == 0) {
    test_funnel_sla_defs(s, deals, leads);
    test_router_defs(s, leads);
    test_rules_defs(s, accts);
  }
  revl_store_free(s);
  mt_end();
  TEST_END();
}
