/*
 * gen_sales.c -- the sales side of the data generator: reps (roles,
 * regions, quotas and their managers' roll-ups), accounts (with an owner
 * and a region), deals and their stage history, and the writers of
 * reps.csv, accounts.csv, deals.csv and stage_history.csv.
 */
#include "gen/gen_int.h"

static const char *const REGION[] = {"NA", "EMEA", "APAC"};
static const char *const INDUSTRY[NINDUSTRY] = {
    "Software",  "Fintech",   "Healthcare", "Manufacturing",
    "Retail",    "Education", "Media",      "Logistics",
    "Energy",    "Telecom",   "Insurance",  "Government"};
static const unsigned short INDUSTRY_W[NINDUSTRY] = {180, 80, 100, 120, 100, 60,
                                                     60,  70, 50,  50,  60,  50};
static const char *const SEGMENT[] = {"SMB", "Mid-Market", "Enterprise"};

static const char *const STAGE[] = {"Prospecting", "Discovery",  "Demo",
                                    "Proposal",    "Negotiation", "Closed Won",
                                    "Closed Lost"};
static const char *const FORECAST[] = {"Pipeline", "Pipeline", "Best Case",
                                       "Best Case", "Commit",  "Closed",
                                       "Omitted"};
static const int PROB[] = {10, 20, 40, 60, 80, 100, 0};
static const char *const PROB01[] = {"0.1", "0.2", "0.4", "0.6", "0.8", "1", "0"};
static const unsigned short OPEN_W[] = {30, 25, 20, 15, 10};
static const unsigned short WON_LAST_W[] = {0, 0, 5, 25, 70};
static const unsigned short LOST_LAST_W[] = {25, 30, 20, 15, 10};
static const int OPEN_HORIZON[] = {270, 210, 150, 120, 60};

static const char *const ROLE[] = {"AE", "SDR", "CSM", "Manager"};
static const unsigned short ROLE_W[] = {50, 25, 15, 10};
static const unsigned short REGION_W[] = {50, 30, 20};
static const char *const TZ_EAST[] = {"America/New_York", "America/Chicago",
                                      "America/Toronto"};
static const char *const TZ_WEST[] = {"America/Los_Angeles", "America/Denver",
                                      "America/Phoenix"};
static const char *const TZ_EMEA[] = {"Europe/London", "Europe/Berlin",
                                      "Europe/Paris", "Europe/Madrid",
                                      "Europe/Amsterdam", "Europe/Stockholm"};
static const char *const TZ_APAC[] = {"Asia/Singapore", "Asia/Tokyo",
                                      "Australia/Sydney", "Asia/Kolkata"};

/* ---- reps ---------------------------------------------------------------- */
void gen_rep_make(const gen *g, int64_t i, rep *p) {
  rng r;
  rng_init(&r, g->seed, S_REP, (uint64_t)i);
  p->role = i < 4 ? (int)i : WPICK(&r, ROLE_W);
  p->region = WPICK(&r, REGION_W);
  if (i < 3) p->region = R_NA; /* the first AE, SDR and CSM cover NA */
  p->east = chance(&r, 550);
  /* Distinct names for the first NF*NL reps: a permutation of pairs. */
  uint64_t nf = GEN_NFIRST, nl = GEN_NLAST, np = nf * nl;
  uint64_t pair = ((uint64_t)i * 7919 + g->seed % np) % np;
  p->first = (int64_t)(pair % nf);
  p->last = (int64_t)(pair / nf);
  p->active = !chance(&r, 50);
  p->out_until = chance(&r, 50) ? g->as_of + (int32_t)rrange(&r, -14, 30) : NO_DAY;
  switch (p->role) {
  case ROLE_AE:
    p->capacity = (int)rrange(&r, 8, 20);
    p->quota = rrange(&r, 50, 150) * 1000000; /* $500k-$1.5M */
    break;
  case ROLE_SDR:
    p->capacity = (int)rrange(&r, 25, 60);
    p->quota = rrange(&r, 15, 40) * 1000000;
    break;
  case ROLE_CSM:
    p->capacity = (int)rrange(&r, 10, 30);
    p->quota = rrange(&r, 80, 200) * 1000000;
    break;
  default:
    p->capacity = (int)rrange(&r, 3, 8);
    p->quota = rrange(&r, 200, 500) * 1000000;
    break;
  }
  /* Only AEs carry a quota of their own.  The draws above stay, so that
   * every other field is what it always was; a manager's quota is the
   * roll-up of its AEs' (gen_setup), SDRs and CSMs have none. */
  if (p->role != ROLE_AE) p->quota = -1;
  if (p->region == R_NA)
    p->tz = p->east ? TZ_EAST[below(&r, NELEM(TZ_EAST))]
                    : TZ_WEST[below(&r, NELEM(TZ_WEST))];
  else if (p->region == R_EMEA)
    p->tz = TZ_EMEA[below(&r, NELEM(TZ_EMEA))];
  else
    p->tz = TZ_APAC[below(&r, NELEM(TZ_APAC))];
}

static const char *rep_team(const rep *p) {
  switch (p->role) {
  case ROLE_AE:
    if (p->region == R_NA) return p->east ? "AE East" : "AE West";
    return p->region == R_EMEA ? "AE EMEA" : "AE APAC";
  case ROLE_SDR: return "SDR";
  case ROLE_CSM: return "CSM";
  default: return "Sales Leadership";
  }
}

static int32_t pick_from(rng *r, const idlist *reg, const idlist *all,
                         int64_t nrep) {
  if (reg->n) return reg->v[below(r, (uint64_t)reg->n)];
  if (all->n) return all->v[below(r, (uint64_t)all->n)];
  if (nrep) return (int32_t)below(r, (uint64_t)nrep);
  return -1;
}

int32_t gen_pick_ae(const gen *g, rng *r, int region) {
  return pick_from(r, &g->ae[region], &g->ae_all, g->nrep);
}

int32_t gen_pick_sdr(const gen *g, rng *r, int region) {
  return pick_from(r, &g->sdr[region], &g->sdr_all, g->nrep);
}
/* ---- accounts ------------------------------------------------------------ */
static int seg_of(int32_t emp) {
  return emp < 200 ? SEG_SMB : emp < 1000 ? SEG_MID : SEG_ENT;
}
void gen_acct_make(const gen *g, int64_t i, acct *a) {
  rng r;
  rng_init(&r, g->seed, S_ACCT, (uint64_t)i);
  uint64_t combo = chance(&r, 10)
                       ? below(&r, g->name_c)
                       : ((uint64_t)i * g->name_p + g->name_off) % g->name_c;
  a->country = gen_country_pick(&r);
  a->industry = WPICK(&r, INDUSTRY_W);
  double e = lognorm(&r, 80.0, 2.0);
  a->emp = e < 1 ? 1 : e > 200000 ? 200000 : (int32_t)llround(e);
  a->seg = seg_of(a->emp);
  int64_t rev = (int64_t)a->emp * rrange(&r, 100000, 300000);
  rev = rev / 100 * rrange(&r, 85, 115);
  if (rev >= 10000000) rev -= rev % 1000;
  a->revenue = chance(&r, 880) ? rev : -1;
  a->created = g->as_of - (int32_t)rrange(&r, 1, 1461);
  a->created_sec = (int64_t)a->created * DAY + rrange(&r, 8 * 3600, 18 * 3600 - 1);
  a->parent = (i > 0 && chance(&r, 30)) ? (int64_t)below(&r, (uint64_t)i) : -1;
  a->owner = gen_pick_ae(g, &r, GEN_COUNTRY[a->country].region);
  gen_cname_build(g, combo, a->country, &r, &a->cn);
  if (chance(&r, 930))
    gen_make_domain(&a->cn, a->country, a->industry, &r, a->domain, sizeof a->domain);
  else
    a->domain[0] = '\0';
}

/* ---- deals --------------------------------------------------------------- */
/* An account, weighted by size (alias method: one column, one coin). */
static int32_t pick_account(const gen *g, rng *r) {
  uint64_t c = below(r, (uint64_t)g->nacct);
  return below(r, g->totw) < g->alias_q[c] ? (int32_t)c : g->alias_j[c];
}

static int64_t round100(int64_t cents) {
  int64_t v = (cents + 5000) / 10000 * 10000;
  return v < 10000 ? 10000 : v;
}

/* With head_only, only acct, owner, created and created_sec are set. */
void gen_deal_make(const gen *g, int64_t i, deal *d, int head_only) {
  static const double seg_median[] = {9000.0, 25000.0, 60000.0};
  rng r;
  rng_init(&r, g->seed, S_DEAL, (uint64_t)i);
  d->acct = pick_account(g, &r);
  const acct_info *ai = &g->ai[d->acct];
  d->owner = chance(&r, 850) ? ai->owner : gen_pick_ae(g, &r, ai->region);
  int32_t created = g->as_of - (int32_t)rrange(&r, 1, 730);
  if (created < ai->created)
    created = ai->created + (int32_t)below(&r, (uint64_t)(g->as_of - ai->created));
  d->created = created;
  d->created_sec = (int64_t)created * DAY + rrange(&r, 8 * 3600, 18 * 3600 - 1);
  if (head_only) return;
  int32_t age = g->as_of - created;
  int64_t pc = 2600 + 8000LL * age / 730;
  int closed = age >= 2 && (int64_t)below(&r, 10000) < (pc > 9700 ? 9700 : pc);
  int won = closed && chance(&r, 300);
  d->newbiz = chance(&r, 750);
  double amt = lognorm(&r, seg_median[ai->seg] * (d->newbiz ? 1.0 : 0.6), 0.9);
  int64_t cents = llround(amt * 100.0);
  if (cents < 50000) cents = 50000 + (cents % 10000);
  if (chance(&r, 400)) cents = round100(cents);
  d->amount = cents;
  if (!closed) {
    d->stage = d->last_open = WPICK(&r, OPEN_W);
  } else {
    d->stage = won ? ST_WON : ST_LOST;
    d->last_open = won ? WPICK(&r, WON_LAST_W) : WPICK(&r, LOST_LAST_W);
  }
  if (closed) {
    double cyc = lognorm(&r, won ? 60.0 : 35.0, 0.7);
    int32_t c = cyc < 1 ? 1 : cyc > 2000 ? 2000 : (int32_t)llround(cyc);
    d->close = created + c;
    if (d->close > g->as_of - 1)
      d->close = created + (int32_t)rrange(&r, 1, g->as_of - 1 - created);
  } else if (chance(&r, 150) && created + 1 <= g->as_of - 1) {
    int32_t lo = g->as_of - 90 > created + 1 ? g->as_of - 90 : created + 1;
    d->close = (int32_t)rrange(&r, lo, g->as_of - 1); /* overdue */
  } else {
    d->close = g->as_of + (int32_t)rrange(&r, 1, OPEN_HORIZON[d->stage]);
  }
  /* Stage path: Prospecting .. last_open, then the closed stage. */
  int n = d->last_open + 1 + closed;
  d->n = n;
  d->t[0] = d->created_sec;
  if (closed) {
    int64_t end = (int64_t)d->close * DAY + rrange(&r, 9 * 3600, 18 * 3600);
    if (n > 2) spread(&r, d->created_sec + 60, (int64_t)d->close * DAY - 60, n - 2, d->t + 1);
    d->t[n - 1] = end > d->t[n - 2] ? end : d->t[n - 2] + 60;
    d->close_sec = d->t[n - 1];
  } else {
    if (n > 1) spread(&r, d->created_sec + 60, g->now - 60, n - 1, d->t + 1);
    d->close_sec = (int64_t)d->close * DAY + 17 * 3600;
  }
  for (int j = 0; j <= d->last_open; j++) d->st[j] = (uint8_t)j;
  if (closed) d->st[n - 1] = (uint8_t)d->stage;
  d->amt[n - 1] = d->amount;
  d->cd[n - 1] = d->close;
  int slipped = chance(&r, 250);
  for (int j = n - 2; j >= 0; j--) {
    d->amt[j] = d->amt[j + 1];
    if (chance(&r, 120))
      d->amt[j] = round100((int64_t)((double)d->amt[j + 1] * (0.7 + 0.6 * unif01(&r))));
    d->cd[j] = d->cd[j + 1];
    if (slipped && chance(&r, 500)) d->cd[j] -= (int32_t)rrange(&r, 7, 45);
    int32_t entered = (int32_t)floordiv(d->t[j], DAY);
    if (d->cd[j] <= entered) d->cd[j] = entered + 1;
    if (d->cd[j] > d->cd[j + 1]) d->cd[j] = d->cd[j + 1];
  }
  /* Deals often close ahead of their forecast: won early, or lost before
   * the date.  The open rows of such a deal hold the later date it was
   * expected on (so a snapshot before the close sees it there). */
  if (closed && n > 1 && chance(&r, 400)) {
    int32_t ahead = (int32_t)rrange(&r, 7, 60);
    for (int j = 0; j < n - 1; j++) d->cd[j] += ahead;
  }
}

int gen_write_reps(gen *g, revl_error *err) {
  revl_csvw *w = gen_open_table(g, "reps.csv", err);
  if (!w) return err ? err->code : REVL_EIO;
  put_header(w, "id,name,email,team,role,region,capacity,active,out_until,"
                "timezone,quota,manager");
  /* Email collisions past NF*NL reps get a number. */
  for (int64_t i = 0; i < g->nrep; i++) {
    rep p;
    char b[160], f[32], l[32];
    gen_rep_make(g, i, &p);
    put_id(w, 'R', (uint64_t)i + 1, g->w_rep);
    snprintf(b, sizeof b, "%s %s", GEN_FIRST[p.first], GEN_LAST[p.last]);
    put(w, b);
    snprintf(f, sizeof f, "%s", GEN_FIRST[p.first]);
    snprintf(l, sizeof l, "%s", GEN_LAST[p.last]);
    gen_str_case(f, 0);
    gen_str_case(l, 0);
    int64_t lap = i / (int64_t)(GEN_NFIRST * GEN_NLAST);
    if (lap)
      snprintf(b, sizeof b, "%s.%s%lld@example.com", f, l, (long long)lap + 1);
    else
      snprintf(b, sizeof b, "%s.%s@example.com", f, l);
    put(w, b);
    put(w, rep_team(&p));
    put(w, ROLE[p.role]);
    put(w, REGION[p.region]);
    put_u(w, (uint64_t)p.capacity);
    put_bool(w, p.active);
    if (p.out_until != NO_DAY)
      put_date(g, w, p.out_until);
    else
      put_empty(w);
    put(w, p.tz);
    if (g->rep_quota[i] >= 0)
      put_money(w, g->rep_quota[i]);
    else
      put_empty(w);
    put_ref(w, 'R', g->rep_mgr[i], g->w_rep);
    revl_csvw_end(w);
  }
  return gen_commit_table(g, &w, "reps.csv", g->nrep, err);
}

int gen_write_accounts(gen *g, revl_error *err) {
  revl_csvw *w = gen_open_table(g, "accounts.csv", err);
  if (!w) return err ? err->code : REVL_EIO;
  if (g->format == REVL_GEN_SALESFORCE)
    put_header(w, "Id,Name,Website,Industry,NumberOfEmployees,AnnualRevenue,"
                  "BillingCountryCode,ParentId,CreatedDate,OwnerId");
  else if (g->format == REVL_GEN_HUBSPOT)
    put_header(w, "Record ID,Company name,Company Domain Name,Industry,"
                  "Number of Employees,Annual Revenue,Country/Region,Create Date,"
                  "Company owner");
  else
    put_header(w, "account_id,name,domain,industry,employees,annual_revenue,"
                  "country,segment,created_date,region,owner");
  for (int64_t i = 0; i < g->nacct; i++) {
    acct a;
    gen_acct_make(g, i, &a);
    put_id(w, 'A', (uint64_t)i + 1, g->w_acct);
    put(w, a.cn.name);
    if (g->format == REVL_GEN_SALESFORCE && a.domain[0]) {
      char b[128];
      snprintf(b, sizeof b, "www.%s", a.domain);
      put(w, b);
    } else {
      put(w, a.domain);
    }
    put(w, INDUSTRY[a.industry]);
    put_u(w, (uint64_t)a.emp);
    if (a.revenue >= 0)
      put_u(w, (uint64_t)a.revenue);
    else
      put_empty(w);
    if (g->format == REVL_GEN_HUBSPOT)
      put(w, GEN_COUNTRY[a.country].name);
    else
      put(w, GEN_COUNTRY[a.country].code);
    if (g->format == REVL_GEN_SALESFORCE) {
      put_ref(w, 'A', a.parent, g->w_acct);
      put_dt(g, w, a.created_sec, DT_SF);
      put_ref(w, 'R', a.owner, g->w_rep);
    } else if (g->format == REVL_GEN_HUBSPOT) {
      put_dt(g, w, a.created_sec, DT_HS);
      put_ref(w, 'R', a.owner, g->w_rep);
    } else {
      put(w, SEGMENT[a.seg]);
      put_date(g, w, a.created);
      put(w, REGION[GEN_COUNTRY[a.country].region]);
      put_ref(w, 'R', a.owner, g->w_rep);
    }
    revl_csvw_end(w);
  }
  return gen_commit_table(g, &w, "accounts.csv", g->nacct, err);
}

static void deal_name(const gen *g, const deal *d, char *out, size_t size) {
  acct a;
  gen_acct_make(g, d->acct, &a);
  snprintf(out, size, "%s - %s", a.cn.base,
           d->newbiz ? "New Business" : "Expansion");
}

void gen_write_deal_row(const gen *g, revl_csvw *w, int64_t i, const deal *d) {
  char name[192];
  if (g->format == REVL_GEN_SALESFORCE) {
    deal_name(g, d, name, sizeof name);
    put_id(w, 'D', (uint64_t)i + 1, g->w_deal);
    put_id(w, 'A', (uint64_t)d->acct + 1, g->w_acct);
    put(w, name);
    put(w, STAGE[d->stage]);
    put_money(w, d->amount);
    put(w, "USD");
    put_date(g, w, d->close);
    put_u(w, (uint64_t)PROB[d->stage]);
    put(w, FORECAST[d->stage]);
    put_id(w, 'R', (uint64_t)d->owner + 1, g->w_rep);
    put_bool(w, d->stage >= ST_WON);
    put_bool(w, d->stage == ST_WON);
    put_dt(g, w, d->created_sec, DT_SF);
    put(w, d->newbiz ? "New Business" : "Existing Business");
  } else if (g->format == REVL_GEN_HUBSPOT) {
    deal_name(g, d, name, sizeof name);
    put_id(w, 'D', (uint64_t)i + 1, g->w_deal);
    put(w, name);
    put(w, STAGE[d->stage]);
    put_money(w, d->amount);
    put_dt(g, w, d->close_sec, DT_HS);
    put_dt(g, w, d->created_sec, DT_HS);
    put(w, "Sales Pipeline");
    put_id(w, 'R', (uint64_t)d->owner + 1, g->w_rep);
    put(w, PROB01[d->stage]);
  } else {
    put_id(w, 'D', (uint64_t)i + 1, g->w_deal);
    put_id(w, 'A', (uint64_t)d->acct + 1, g->w_acct);
    put_id(w, 'R', (uint64_t)d->owner + 1, g->w_rep);
    put(w, STAGE[d->stage]);
    put_money(w, d->amount);
    put_date(g, w, d->created);
    put_date(g, w, d->close);
    put(w, FORECAST[d->stage]);
  }
  revl_csvw_end(w);
}

int64_t gen_write_history_rows(const gen *g, revl_csvw *w, int64_t i, const deal *d) {
  int sf = g->format == REVL_GEN_SALESFORCE;
  for (int j = 0; j < d->n; j++) {
    put_id(w, 'D', (uint64_t)i + 1, g->w_deal);
    put(w, STAGE[d->st[j]]);
    put_dt(g, w, d->t[j], sf ? DT_SF : DT_ISO);
    put_money(w, d->amt[j]);
    put_date(g, w, d->cd[j]);
    put(w, FORECAST[d->st[j]]);
    revl_csvw_end(w);
  }
  return d->n;
}

/* The headers of deals.csv and stage_history.csv in g's format. */
void gen_deal_headers(const gen *g, revl_csvw *deals, revl_csvw *hist) {
  if (g->format == REVL_GEN_SALESFORCE) {
    put_header(deals, "Id,AccountId,Name,StageName,Amount,CurrencyIsoCode,"
                      "CloseDate,Probability,ForecastCategoryName,OwnerId,"
                      "IsClosed,IsWon,CreatedDate,Type");
    put_header(hist, "OpportunityId,StageName,CreatedDate,Amount,CloseDate,"
                     "ForecastCategoryName");
  } else if (g->format == REVL_GEN_HUBSPOT) {
    put_header(deals, "Record ID,Deal Name,Deal Stage,Amount,Close Date,"
                      "Create Date,Pipeline,Deal owner,Deal probability");
    put_header(hist, "deal_id,stage,entered_at,amount,close_date,"
                     "forecast_category");
  } else {
    put_header(deals, "deal_id,account_id,owner,stage,amount,created_date,"
                      "close_date,forecast_category");
    put_header(hist, "deal_id,stage,entered_at,amount,close_date,"
                     "forecast_category");
  }
}

int gen_write_deals(gen *g, revl_error *err) {
  int64_t nhist = 0;
  g->w_deals = gen_open_table(g, "deals.csv", err);
  if (!g->w_deals) return err ? err->code : REVL_EIO;
  g->w_hist = gen_open_table(g, "stage_history.csv", err);
  if (!g->w_hist) return err ? err->code : REVL_EIO;
  g->w_acts = gen_open_table(g, "activities.csv", err);
  if (!g->w_acts) return err ? err->code : REVL_EIO;
  gen_deal_headers(g, g->w_deals, g->w_hist);
  put_header(g->w_acts, "id,lead_id,account_id,deal_id,type,campaign,at,owner");
  for (int64_t i = 0; i < g->ndeal; i++) {
    deal d;
    gen_deal_make(g, i, &d, 0);
    gen_write_deal_row(g, g->w_deals, i, &d);
    nhist += gen_write_history_rows(g, g->w_hist, i, &d);
    gen_write_deal_activities(g, i, &d);
    if (d.stage == ST_WON && d.close < g->won_day[d.acct]) {
      g->won_day[d.acct] = d.close;
      g->won_amt[d.acct] = d.amount;
    }
  }
  int rc = gen_commit_table(g, &g->w_deals, "deals.csv", g->ndeal, err);
  if (!rc) rc = gen_commit_table(g, &g->w_hist, "stage_history.csv", nhist, err);
  return rc;
}

