/*
 * gen_leads.c -- leads for the data generator (funnel timestamps,
 * conversions into real deals, company names as people type them) and
 * the activities of leads and deals, with the writers of leads.csv and
 * activities.csv.
 */
#include "gen/gen_int.h"

static const char *const FREEMAIL[] = {"gmail.com",   "yahoo.com",
                                       "outlook.com", "hotmail.com",
                                       "icloud.com",  "aol.com"};
static const unsigned short FREEMAIL_W[] = {50, 15, 15, 10, 7, 3};

/* Leads. */
static const char *const SOURCE[] = {"Inbound", "Outbound", "Referral",
                                     "Event",   "Partner",  "Paid Search"};
static const unsigned short SOURCE_W[] = {30, 20, 10, 12, 10, 18};
enum { LS_NEW, LS_WORKING, LS_MQL, LS_SQL, LS_CONVERTED, LS_DQ };
static const char *const LSTATUS[] = {"New", "Working",   "MQL",
                                      "SQL", "Converted", "Disqualified"};
static const unsigned short LSTATUS_W[] = {20, 22, 15, 9, 12, 22};

/* Activities. */
enum { AT_EMAIL, AT_CALL, AT_MEETING, AT_WEB, AT_FORM };
static const char *const ACT_TYPE[] = {"email", "call", "meeting", "web", "form"};
static const unsigned short DEAL_ACT_W[] = {40, 30, 25, 5, 0};
static const unsigned short LEAD_ACT_W[] = {35, 15, 0, 30, 20};
static const unsigned short DEAL_NACT_W[] = {5, 10, 20, 30, 20, 10, 5};
static const unsigned short LEAD_NACT_W[] = {15, 25, 25, 20, 15};
static const char *const CAMPAIGN[] = {
    "Q1 Webinar Series",   "Spring Product Launch", "Summer Promo",
    "Annual Conference",   "Partner Summit",        "Customer Stories",
    "Free Trial Push",     "Pricing Page Retargeting", "Industry Report",
    "Holiday Campaign",    "ABM Enterprise",        "Monthly Newsletter"};


static void lead_make(const gen *g, int64_t i, lead *l) {
  rng r;
  rng_init(&r, g->seed, S_LEAD, (uint64_t)i);
  l->created = g->now - rrange(&r, 3600, 180LL * DAY);
  l->status = WPICK(&r, LSTATUS_W);
  l->source = WPICK(&r, SOURCE_W);
  if (l->status == LS_NEW && g->now - l->created > 30LL * DAY && chance(&r, 700))
    l->status = chance(&r, 500) ? LS_WORKING : LS_DQ;
  l->conv = l->conv_acct = l->conv_deal = -1;
  int64_t matched = -1;
  if (l->status == LS_CONVERTED) {
    /* Convert into a deal created after the lead. */
    for (int k = 0; k < 24 && g->ndeal > 0 && l->conv < 0; k++) {
      int64_t j = (int64_t)below(&r, (uint64_t)g->ndeal);
      deal d;
      gen_deal_make(g, j, &d, 1);
      if (d.created_sec > l->created + 3600) {
        l->conv = d.created_sec;
        l->conv_acct = d.acct;
        l->conv_deal = j;
      }
    }
    if (l->conv < 0) l->status = LS_SQL;
  }
  if (l->conv_acct >= 0)
    matched = l->conv_acct;
  else if (g->nacct > 0 && chance(&r, 220))
    matched = (int64_t)below(&r, (uint64_t)g->nacct);
  char cdomain[96];
  if (matched >= 0) {
    acct a;
    gen_acct_make(g, matched, &a);
    gen_company_variant(&r, &a, l->company, sizeof l->company);
    l->country = chance(&r, 900) ? a.country : gen_country_pick(&r);
    if (a.domain[0])
      snprintf(cdomain, sizeof cdomain, "%s", a.domain);
    else
      snprintf(cdomain, sizeof cdomain, "%s.com", a.cn.stem);
  } else {
    cname c;
    l->country = gen_country_pick(&r);
    gen_cname_build(g, below(&r, g->name_c), l->country, &r, &c);
    snprintf(l->company, sizeof l->company, "%s", c.name);
    gen_make_domain(&c, l->country, (int)below(&r, NINDUSTRY), &r, cdomain,
                sizeof cdomain);
  }
  char local[96];
  int freemail = chance(&r, 180);
  gen_email_local(&r, local, sizeof local, freemail);
  if (freemail) {
    snprintf(l->email, sizeof l->email, "%s@%s", local,
             FREEMAIL[WPICK(&r, FREEMAIL_W)]);
    if (chance(&r, 400))
      snprintf(l->domain, sizeof l->domain, "%s", cdomain);
    else
      l->domain[0] = '\0';
  } else {
    snprintf(l->email, sizeof l->email, "%s@%s", local, cdomain);
    snprintf(l->domain, sizeof l->domain, "%s", cdomain);
  }
  if (l->status == LS_NEW && chance(&r, 400))
    l->owner = -1;
  else
    l->owner = gen_pick_sdr(g, &r, GEN_COUNTRY[l->country].region);
  /* Funnel timestamps. */
  l->mql = l->sql = -1;
  int want = 0;
  if (l->status == LS_MQL) want = 1;
  if (l->status == LS_SQL || l->status == LS_CONVERTED) want = 2;
  if (l->status == LS_DQ && chance(&r, 300)) want = 1;
  if (want) {
    int64_t t[2] = {0, 0};
    int64_t end = l->conv >= 0 ? l->conv : g->now - 60;
    spread(&r, l->created + 60, end, want, t);
    l->mql = t[0];
    if (want == 2) l->sql = t[1];
  }
}

static void put_activity(gen *g, int64_t lead_i, int64_t acct_i, int64_t deal_i,
                         int type, int campaign, int64_t at, int32_t owner) {
  revl_csvw *w = g->w_acts;
  put_id(w, 'T', (uint64_t)++g->act_id, g->w_act);
  put_ref(w, 'L', lead_i, g->w_lead);
  put_ref(w, 'A', acct_i, g->w_acct);
  put_ref(w, 'D', deal_i, g->w_deal);
  put(w, ACT_TYPE[type]);
  if (campaign >= 0)
    put(w, CAMPAIGN[campaign]);
  else
    put_empty(w);
  put_dt(g, w, at, DT_ISO);
  put_ref(w, 'R', owner, g->w_rep);
  revl_csvw_end(w);
}

void gen_write_deal_activities(gen *g, int64_t i, const deal *d) {
  rng r;
  rng_init(&r, g->seed, S_ACT_DEAL, (uint64_t)i);
  int n = WPICK(&r, DEAL_NACT_W);
  if (!n) return;
  int64_t t[8];
  int64_t end = d->stage >= ST_WON ? d->t[d->n - 1] : g->now - 1;
  spread(&r, d->created_sec + 60, end, n, t);
  for (int k = 0; k < n; k++) {
    int type = WPICK(&r, DEAL_ACT_W);
    int camp = -1;
    if ((type == AT_WEB && chance(&r, 500)) || (type == AT_EMAIL && chance(&r, 100)))
      camp = (int)below(&r, NELEM(CAMPAIGN));
    int32_t owner = type == AT_WEB ? -1 : d->owner;
    put_activity(g, -1, d->acct, i, type, camp, t[k], owner);
  }
}

static void write_lead_activities(gen *g, int64_t i, const lead *l) {
  rng r;
  rng_init(&r, g->seed, S_ACT_LEAD, (uint64_t)i);
  int n = WPICK(&r, LEAD_NACT_W);
  if (!n) return;
  int64_t t[8];
  int64_t end = l->conv >= 0 ? l->conv : g->now - 1;
  spread(&r, l->created, end, n, t);
  for (int k = 0; k < n; k++) {
    int type = WPICK(&r, LEAD_ACT_W);
    int camp = -1;
    if (type != AT_CALL && chance(&r, 600)) camp = (int)below(&r, NELEM(CAMPAIGN));
    int32_t owner = (type == AT_EMAIL || type == AT_CALL) ? l->owner : -1;
    put_activity(g, i, -1, -1, type, camp, t[k], owner);
  }
}
int gen_write_leads(gen *g, revl_error *err) {
  int sf = g->format == REVL_GEN_SALESFORCE;
  revl_csvw *w = gen_open_table(g, "leads.csv", err);
  if (!w) return err ? err->code : REVL_EIO;
  if (sf)
    put_header(w, "Id,Company,Email,LeadSource,Status,IsConverted,ConvertedDate,"
                  "ConvertedAccountId,ConvertedOpportunityId,CreatedDate,OwnerId,"
                  "Country");
  else
    put_header(w, "id,email,company,domain,country,source,status,owner,"
                  "created_at,mql_at,sql_at,converted_account_id,"
                  "converted_deal_id");
  for (int64_t i = 0; i < g->nlead; i++) {
    lead l;
    lead_make(g, i, &l);
    put_id(w, 'L', (uint64_t)i + 1, g->w_lead);
    if (sf) {
      put(w, l.company);
      put(w, l.email);
      put(w, SOURCE[l.source]);
      put(w, LSTATUS[l.status]);
      put_bool(w, l.conv >= 0);
      if (l.conv >= 0)
        put_date(g, w, (int32_t)floordiv(l.conv, DAY));
      else
        put_empty(w);
      put_ref(w, 'A', l.conv_acct, g->w_acct);
      put_ref(w, 'D', l.conv_deal, g->w_deal);
      put_dt(g, w, l.created, DT_SF);
      put_ref(w, 'R', l.owner, g->w_rep);
      put(w, GEN_COUNTRY[l.country].name);
    } else {
      put(w, l.email);
      put(w, l.company);
      put(w, l.domain);
      put(w, GEN_COUNTRY[l.country].code);
      put(w, SOURCE[l.source]);
      put(w, LSTATUS[l.status]);
      put_ref(w, 'R', l.owner, g->w_rep);
      put_dt(g, w, l.created, DT_ISO);
      if (l.mql >= 0)
        put_dt(g, w, l.mql, DT_ISO);
      else
        put_empty(w);
      if (l.sql >= 0)
        put_dt(g, w, l.sql, DT_ISO);
      else
        put_empty(w);
      put_ref(w, 'A', l.conv_acct, g->w_acct);
      put_ref(w, 'D', l.conv_deal, g->w_deal);
    }
    revl_csvw_end(w);
    write_lead_activities(g, i, &l);
  }
  int rc = gen_commit_table(g, &w, "leads.csv", g->nlead, err);
  if (!rc) rc = gen_commit_table(g, &g->w_acts, "activities.csv", g->act_id, err);
  return rc;
}

