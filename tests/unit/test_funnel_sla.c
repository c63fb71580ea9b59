/*
 * test_funnel_sla.c -- funnel audits and SLA measurement from C
 * (src/rules/funnel.c, sla.c): every violation of an audit row in words
 * (behind, owner role, SLA days, entry criteria not met, missing fields,
 * forecast category, unknown and missing stages, terminal stages), the
 * SLA clock met / breached / open / open and breached in calendar and
 * business time with the owner's team, and callbacks that fail.
 */
#include "revl/route.h"
#include "test.h"
#include "mtest.h"

/* Escape-hatch criteria: true for the record keys listed in `yes`; a
 * failure for the key in `fail`. */
typedef struct cb_state {
  revl_table *t;
  const char *yes;
  const char *fail;
} cb_state;

static int key_cb(void *ud, const revl_crit *c, size_t row) {
  cb_state *x = ud;
  (void)c;
  char kb[32];
  const char *k = revl_row_key(x->t, row, kb, sizeof kb);
  if (x->fail && strcmp(k, x->fail) == 0) return -1;
  return strstr(x->yes, k) != NULL;
}

static uint32_t sid(revl_table *t, const char *s) {
  return revl_intern_add(&t->store->strings, s, strlen(s));
}

static char *sdup(const char *s) {
  char *d = malloc(strlen(s) + 1);
  strcpy(d, s);
  return d;
}

static revl_crit *fn_crit(revl_table *t, const char *name) {
  revl_crit *c = revl_crit_new(REVL_OP_FUNC);
  c->base = t;
  c->name = sdup(name);
  return c;
}

static void free_funnel(revl_funnel *f) {
  for (int i = 0; i < f->nstages; i++) {
    revl_fstage *s = &f->stages[i];
    free(s->name);
    revl_crit_free(s->entry);
    free(s->values);
    free(s->req_col);
    free(s->req_via);
    free(s->req_holder);
    for (int k = 0; k < s->nreq; k++) free(s->req_name[k]);
    free(s->req_name);
  }
  free(f->stages);
  free(f->terminal);
}

/* A stage named `name` recorded as itself, requiring fields req[0..nreq). */
static void add_stage(revl_funnel *f, const char *name, const char *const *req, int nreq) {
  f->stages = realloc(f->stages, (size_t)(f->nstages + 1) * sizeof *f->stages);
  revl_fstage *s = &f->stages[f->nstages++];
  memset(s, 0, sizeof *s);
  s->name = sdup(name);
  s->values = malloc(sizeof *s->values);
  s->values[0] = sid(f->base, name);
  s->nvalues = 1;
  s->req_col = malloc((size_t)nreq * sizeof *s->req_col);
  s->req_via = malloc((size_t)nreq * sizeof *s->req_via);
  s->req_holder = malloc((size_t)nreq * sizeof *s->req_holder);
  s->req_name = malloc((size_t)nreq * sizeof *s->req_name);
  for (int k = 0; k < nreq; k++) {
    s->req_holder[k] = f->base;
    s->req_via[k] = -1;
    s->req_col[k] = revl_table_col(f->base, req[k]);
    s->req_name[k] = sdup(req[k]);
  }
  s->nreq = nreq;
  s->entered_col = -1;
  s->sla_days = -1;
}

static void test_funnel(revl_store *s, revl_table *deals) {
  revl_funnel f;
  memset(&f, 0, sizeof f);
  f.base = deals;
  f.stage_col = revl_table_col(deals, "stage");
  f.hist_fk = f.hist_at = f.hist_stage = -1;
  f.owner_col = revl_table_col(deals, "owner");
  CHECK(deals->cols[f.owner_col]->ref == revl_store_table(s, "reps"));
  f.owner_role_col = revl_table_col(revl_store_table(s, "reps"), "role");
  f.forecast_col = revl_table_col(deals, "forecast_category");
  f.terminal = malloc(sizeof *f.terminal);
  f.terminal[0] = sid(deals, "Closed Lost");
  f.nterminal = 1;
  static const char *const req1[] = {"amount"};
  static const char *const req2[] = {"amount", "close_date"};
  add_stage(&f, "Discovery", req1, 1);
  f.stages[0].role = sid(deals, "SDR");
  f.stages[0].sla_days = 5;
  f.stages[0].entered_col = revl_table_col(deals, "created_at");
  add_stage(&f, "Demo", req2, 2);
  f.stages[1].entry = fn_crit(deals, "big deal");
  f.stages[1].forecast = sid(deals, "Commit");

  cb_state cbs = {deals, "D1", NULL};
  revl_crit_ctx cc = {0, key_cb, NULL, &cbs, 0};
  int32_t as_of = revl_days_from_civil(2025, 1, 31);
  revl_faudit a[5];
  CHECK_INT(revl_funnel_audit(&f, NULL, 5, as_of, &cc, a), 0);
  revl_fverdict v;
  memset(&v, 0, sizeof v);

  /* D1: Discovery, owned by an AE, 30 days in a 5-day stage, meets Demo */
  CHECK_INT(a[0].recorded, 0);
  CHECK_INT(a[0].furthest, 1);
  CHECK_INT(a[0].days, 30);
  CHECK_INT(revl_funnel_verdict(&f, &a[0], &cc, &v), 0);
  CHECK_STR(revl_funnel_status(&a[0]), "open");
  CHECK_INT(v.n, 3);
  CHECK_STR(v.v[0].code, "behind");
  CHECK_STR(v.v[0].reason, "meets the entry criteria of Demo, recorded as Discovery");
  CHECK_STR(v.v[1].code, "sla_breached");
  CHECK_STR(v.v[1].reason, "30 days in Discovery, SLA 5");
  CHECK_STR(v.v[2].code, "owner_role");
  CHECK_STR(v.v[2].reason, "owner R1 is AE, Discovery is owned by SDR");
  CHECK_INT(v.nmissing, 0);

  /* D2: Demo without its entry criteria, no close date, wrong forecast */
  CHECK_INT(a[1].recorded, 1);
  CHECK_INT(a[1].entry_met, 0);
  CHECK_INT(revl_funnel_verdict(&f, &a[1], &cc, &v), 0);
  CHECK_INT(v.n, 3);
  CHECK_STR(v.v[0].code, "entry_not_met");
  CHECK_STR(v.v[0].reason, "in Demo without its entry criteria: big deal");
  CHECK_STR(v.v[1].code, "missing_fields");
  CHECK_STR(v.v[1].reason, "missing required fields for Demo: close_date");
  CHECK_STR(v.missing.s, "close_date");
  CHECK_INT(v.nmissing, 1);
  CHECK_STR(v.v[2].code, "forecast_category");
  CHECK_STR(v.v[2].reason, "forecast category Pipeline, Demo is Commit");

  /* D3 terminal, D4 unknown, D5 no stage */
  CHECK_INT(revl_funnel_verdict(&f, &a[2], &cc, &v), 0);
  CHECK_STR(revl_funnel_status(&a[2]), "closed");
  CHECK_INT(v.n, 0);
  CHECK_INT(revl_funnel_verdict(&f, &a[3], &cc, &v), 0);
  CHECK_STR(revl_funnel_status(&a[3]), "unknown");
  CHECK_INT(v.n, 1);
  CHECK_STR(v.v[0].code, "unknown_stage");
  CHECK_STR(v.v[0].reason, "stage 'Weird' is not in the funnel");
  CHECK_INT(revl_funnel_verdict(&f, &a[4], &cc, &v), 0);
  CHECK_STR(v.v[0].reason, "no recorded stage");

  /* bad input: the entry callback fails, in the audit and in the verdict */
  cbs.fail = "D2";
  CHECK_INT(revl_funnel_audit(&f, NULL, 5, as_of, &cc, a), REVL_ESCRIPT);
  cc.failed = 0;
  cbs.fail = NULL;
  CHECK_INT(revl_funnel_audit(&f, NULL, 5, as_of, &cc, a), 0);
  cbs.fail = "D2";
  CHECK_INT(revl_funnel_verdict(&f, &a[1], &cc, &v), REVL_ESCRIPT);
  revl_fverdict_done(&v);
  revl_fverdict_done(NULL);
  free_funnel(&f);
}

static void test_sla(revl_table *leads) {
  revl_sla s;
  memset(&s, 0, sizeof s);
  s.base = leads;
  s.act_fk = s.act_at = s.act_type = -1;
  s.owner_col = revl_table_col(leads, "owner");
  s.team_col = revl_table_col(leads->cols[s.owner_col]->ref, "team");
  revl_sla_kind k;
  memset(&k, 0, sizeof k);
  k.name = "first response";
  k.start_col = revl_table_col(leads, "created_at");
  k.stop_col = revl_table_col(leads, "mql_at");
  k.target = 3600;
  s.kinds = &k;
  s.nkinds = 1;
  int64_t now;
  revl_parse_opts po;
  memset(&po, 0, sizeof po);
  CHECK_INT(revl_parse_datetime("2025-03-03T12:00:00Z", 20, &po, &now), 0);
  revl_sla_row out[6];
  size_t n = 0;
  cb_state cbs = {leads, "", NULL};
  revl_crit_ctx cc = {0, key_cb, NULL, &cbs, 0};
  CHECK_INT(revl_sla_measure(&s, NULL, 6, now, &cc, out, &n), 0);
  CHECK_INT((long long)n, 5); /* L5 has no start */
  CHECK_STR(revl_sla_status_name(out[0].status), "met");
  CHECK_INT(out[0].secs, 1800);
  CHECK_STR(out[0].owner, "R1");
  CHECK_STR(out[0].team, "SDR");
  CHECK_STR(revl_sla_status_name(out[1].status), "breached");
  CHECK(revl_sla_is_breach(out[1].status));
  CHECK_STR(revl_sla_status_name(out[2].status), "open");
  CHECK_INT(out[2].stop, REVL_NO_TIME);
  CHECK_INT(out[2].secs, 1800);
  CHECK_STR(revl_sla_status_name(out[3].status), "open_breached");
  CHECK_INT(out[3].secs, 4 * 3600);
  CHECK(out[3].owner == NULL && out[3].team == NULL);
  CHECK_INT(out[4].row, 5);
  CHECK_INT(out[4].secs, 30);
  int64_t whole = 0;
  double frac = 0;
  CHECK_INT(revl_minutes(out[4].secs, &whole, &frac), 0);
  CHECK(frac == 0.5);
  CHECK_INT(revl_minutes(out[1].secs, &whole, &frac), 1);
  CHECK_INT(whole, 120);
  CHECK_INT(revl_minutes(100, &whole, &frac), 0);
  CHECK(frac == 1.67);

  /* business hours 09:00-17:00: L4's clock starts at nine */
  revl_cal_spec cs = {"UTC", 9 * 60, 17 * 60, 0x1f, NULL, 0};
  revl_error err;
  s.cal = revl_calendar_new(&cs, &err);
  CHECK(s.cal != NULL);
  if (s.cal) {
    CHECK_INT(revl_sla_measure(&s, NULL, 6, now, &cc, out, &n), 0);
    CHECK_INT(out[3].secs, 3 * 3600);
    CHECK_STR(revl_sla_status_name(out[3].status), "open_breached");
    revl_calendar_free(s.cal);
    s.cal = NULL;
  }

  /* a kind for some records only, and a failing one */
  k.when = fn_crit(leads, "picked");
  cbs.yes = "L2 L4";
  CHECK_INT(revl_sla_measure(&s, NULL, 6, now, &cc, out, &n), 0);
  CHECK_INT((long long)n, 2);
  CHECK_INT(out[0].row, 1);
  cbs.fail = "L3";
  CHECK_INT(revl_sla_measure(&s, NULL, 6, now, &cc, out, &n), REVL_ESCRIPT);
  CHECK(cc.failed);
  revl_crit_free(k.when);
}

int main(void) {
  if (mt_begin("funnel_sla")) return 2;
  revl_store *s = revl_store_new();
  revl_table *reps = mt_load(s, "reps", "id,team,role\nR1,SDR,AE\nR2,AE East,AE\n");
  revl_table *deals = mt_load(s, "deals",
                              "id,owner,stage,amount,created_at,close_date,forecast_category\n"
                              "D1,R1,Discovery,1000,2025-01-01T10:00:00Z,2025-03-01,Pipeline\n"
                              "D2,R2,Demo,90000,2025-01-20T10:00:00Z,,Pipeline\n"
                              "D3,R2,Closed Lost,500,2025-01-02T10:00:00Z,2025-02-01,Omitted\n"
                              "D4,R2,Weird,500,2025-01-02T10:00:00Z,2025-02-01,Pipeline\n"
                              "D5,R2,,500,2025-01-02T10:00:00Z,2025-02-01,Pipeline\n");
  revl_table *leads = mt_load(s, "leads",
                              "id,owner,created_at,mql_at\n"
                              "L1,R1,2025-03-03T09:00:00Z,2025-03-03T09:30:00Z\n"
                              "L2,R2,2025-03-03T09:00:00Z,2025-03-03T11:00:00Z\n"
                              "L3,R1,2025-03-03T11:30:00Z,\n"
                              "L4,,2025-03-03T08:00:00Z,\n"
                              "L5,R1,,\n"
                              "L6,R1,2025-03-03T09:00:00Z,2025-03-03T09:00:30Z\n");
  CHECK(reps && deals && leads);
  if (reps && deals && leads && mt_link(s) == 0) {
    test_funnel(s, deals);
    test_sla(leads);
  }
  revl_store_free(s);
  mt_end();
  TEST_END();
}
