/*
 * schema.c -- the well-known tables of DESIGN.md and the header names
 * each preset maps onto their canonical fields.
 *
 * Header matching is case-, space- and punctuation-insensitive:
 * "Close Date", "close_date" and "CloseDate" are one name ("closedate").
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "revl/ingest.h"

#define F(n, t, r, ref) {n, REVL_T_##t, r, ref}

static const revl_field_def accounts_f[] = {
    F("id", STRING, 1, NULL),          F("name", STRING, 0, NULL),
    F("domain", STRING, 0, NULL),      F("industry", STRING, 0, NULL),
    F("employees", INT, 0, NULL),      F("annual_revenue", MONEY, 0, NULL),
    F("country", STRING, 0, NULL),     F("region", STRING, 0, NULL),
    F("segment", STRING, 0, NULL),     F("owner", STRING, 0, "reps"),
    F("parent_id", STRING, 0, "accounts"),
    F("created_at", DATETIME, 0, NULL),
};
static const revl_field_def deals_f[] = {
    F("id", STRING, 1, NULL),          F("account_id", STRING, 0, "accounts"),
    F("name", STRING, 0, NULL),        F("owner", STRING, 0, "reps"),
    F("stage", STRING, 1, NULL),       F("amount", MONEY, 0, NULL),
    F("currency", STRING, 0, NULL),    F("created_at", DATETIME, 0, NULL),
    F("close_date", DATE, 0, NULL),    F("probability", NUMBER, 0, NULL),
    F("forecast_category", STRING, 0, NULL),
    F("type", STRING, 0, NULL),        F("is_closed", BOOL, 0, NULL),
    F("is_won", BOOL, 0, NULL),
};
static const revl_field_def leads_f[] = {
    F("id", STRING, 1, NULL),          F("email", STRING, 0, NULL),
    F("company", STRING, 0, NULL),     F("domain", STRING, 0, NULL),
    F("country", STRING, 0, NULL),     F("source", STRING, 0, NULL),
    F("status", STRING, 0, NULL),      F("owner", STRING, 0, "reps"),
    F("created_at", DATETIME, 0, NULL), F("mql_at", DATETIME, 0, NULL),
    F("sql_at", DATETIME, 0, NULL),
    F("converted_account_id", STRING, 0, "accounts"),
    F("converted_deal_id", STRING, 0, "deals"),
};
static const revl_field_def reps_f[] = {
    F("id", STRING, 1, NULL),          F("name", STRING, 0, NULL),
    F("email", STRING, 0, NULL),       F("team", STRING, 0, NULL),
    F("role", STRING, 0, NULL),        F("region", STRING, 0, NULL),
    F("capacity", INT, 0, NULL),       F("active", BOOL, 0, NULL),
    F("out_until", DATE, 0, NULL),     F("timezone", STRING, 0, NULL),
    F("quota", MONEY, 0, NULL),
};
static const revl_field_def activities_f[] = {
    F("id", STRING, 0, NULL),          F("lead_id", STRING, 0, "leads"),
    F("contact_id", STRING, 0, NULL),  F("account_id", STRING, 0, "accounts"),
    F("deal_id", STRING, 0, "deals"),  F("type", STRING, 0, NULL),
    F("campaign", STRING, 0, NULL),    F("at", DATETIME, 1, NULL),
    F("owner", STRING, 0, "reps"),
};
static const revl_field_def stage_history_f[] = {
    F("deal_id", STRING, 1, "deals"),  F("stage", STRING, 1, NULL),
    F("entered_at", DATETIME, 1, NULL), F("amount", MONEY, 0, NULL),
    F("close_date", DATE, 0, NULL),
    F("forecast_category", STRING, 0, NULL),
};
static const revl_field_def subscriptions_f[] = {
    F("account_id", STRING, 1, "accounts"), F("period", DATE, 1, NULL),
    F("mrr", MONEY, 1, NULL),          F("seats", INT, 0, NULL),
    F("plan", STRING, 0, NULL),
};
static const revl_field_def usage_f[] = {
    F("account_id", STRING, 1, "accounts"), F("date", DATE, 1, NULL),
    F("metric", STRING, 1, NULL),      F("value", NUMBER, 1, NULL),
};

#define T(n, f, pk) {n, f, (int)(sizeof f / sizeof f[0]), pk}
const revl_table_def revl_table_defs[] = {
    T("accounts", accounts_f, "id"),
    T("deals", deals_f, "id"),
    T("leads", leads_f, "id"),
    T("reps", reps_f, "id"),
    T("activities", activities_f, "id"),
    T("stage_history", stage_history_f, NULL),
    T("subscriptions", subscriptions_f, NULL),
    T("usage", usage_f, NULL),
};
const int revl_ntable_defs =
    (int)(sizeof revl_table_defs / sizeof revl_table_defs[0]);

const revl_table_def *revl_table_def_find(const char *name) {
  for (int i = 0; i < revl_ntable_defs; i++)
    if (strcmp(revl_table_defs[i].name, name) == 0) return &revl_table_defs[i];
  return NULL;
}

/* Synonyms: {table or "*", normalised header, canonical field}.  Checked
 * after the preset's own list and after canonical names themselves. */
typedef struct syn {
  const char *table, *header, *field;
} syn;

static const syn generic_syn[] = {
    /* accounts */
    {"accounts", "accountid", "id"}, {"accounts", "companyid", "id"},
    {"accounts", "recordid", "id"}, {"accounts", "accountname", "name"},
    {"accounts", "companyname", "name"}, {"accounts", "company", "name"},
    {"accounts", "website", "domain"}, {"accounts", "companydomainname", "domain"},
    {"accounts", "numberofemployees", "employees"},
    {"accounts", "employeecount", "employees"},
    {"accounts", "headcount", "employees"},
    {"accounts", "annualrevenue", "annual_revenue"},
    {"accounts", "revenue", "annual_revenue"},
    {"accounts", "billingcountry", "country"},
    {"accounts", "billingcountrycode", "country"},
    {"accounts", "countryregion", "country"},
    {"accounts", "countrycode", "country"},
    {"accounts", "ownerid", "owner"}, {"accounts", "accountowner", "owner"},
    {"accounts", "companyowner", "owner"},
    {"accounts", "hubspotownerid", "owner"},
    {"accounts", "parentid", "parent_id"},
    {"accounts", "parentaccountid", "parent_id"},
    /* deals */
    {"deals", "dealid", "id"}, {"deals", "opportunityid", "id"},
    {"deals", "opportunitynumber", "id"}, {"deals", "dealnumber", "id"},
    {"deals", "salesagent", "owner"}, {"deals", "salesrep", "owner"},
    {"deals", "closevalue", "amount"}, {"deals", "engagedate", "created_at"},
    {"deals", "recordid", "id"}, {"deals", "hsobjectid", "id"},
    {"deals", "accountid", "account_id"}, {"deals", "companyid", "account_id"},
    {"deals", "account", "account_id"},
    {"deals", "accountname", "account_id"},
    {"deals", "associatedcompany", "account_id"},
    {"deals", "associatedcompanyids", "account_id"},
    {"deals", "dealname", "name"}, {"deals", "opportunityname", "name"},
    {"deals", "ownerid", "owner"}, {"deals", "dealowner", "owner"},
    {"deals", "opportunityowner", "owner"},
    {"deals", "hubspotownerid", "owner"},
    {"deals", "stagename", "stage"}, {"deals", "dealstage", "stage"},
    {"deals", "dealamount", "amount"}, {"deals", "value", "amount"},
    {"deals", "currencyisocode", "currency"},
    {"deals", "dealcurrencycode", "currency"},
    {"deals", "currencycode", "currency"},
    {"deals", "closedate", "close_date"},
    {"deals", "expectedclosedate", "close_date"},
    {"deals", "dealprobability", "probability"},
    {"deals", "hsdealstageprobability", "probability"},
    {"deals", "winprobability", "probability"},
    {"deals", "forecastcategoryname", "forecast_category"},
    {"deals", "hsforecastcategory", "forecast_category"},
    {"deals", "dealtype", "type"}, {"deals", "opportunitytype", "type"},
    {"deals", "isclosed", "is_closed"}, {"deals", "closed", "is_closed"},
    {"deals", "iswon", "is_won"}, {"deals", "won", "is_won"},
    /* leads */
    {"leads", "leadid", "id"}, {"leads", "recordid", "id"},
    {"leads", "prospectid", "id"}, {"leads", "leadnumber", "id"},
    {"leads", "contactid", "id"}, {"leads", "hsobjectid", "id"},
    {"leads", "emailaddress", "email"}, {"leads", "companyname", "company"},
    {"leads", "website", "domain"}, {"leads", "companydomain", "domain"},
    {"leads", "leadsource", "source"}, {"leads", "originalsource", "source"},
    {"leads", "leadstatus", "status"}, {"leads", "hsleadstatus", "status"},
    {"leads", "ownerid", "owner"}, {"leads", "leadowner", "owner"},
    {"leads", "contactowner", "owner"}, {"leads", "hubspotownerid", "owner"},
    {"leads", "mqldate", "mql_at"}, {"leads", "becameamqldate", "mql_at"},
    {"leads", "sqldate", "sql_at"}, {"leads", "becameasqldate", "sql_at"},
    {"leads", "convertedaccountid", "converted_account_id"},
    {"leads", "convertedopportunityid", "converted_deal_id"},
    {"leads", "converteddealid", "converted_deal_id"},
    /* reps */
    {"reps", "repid", "id"}, {"reps", "userid", "id"},
    {"reps", "ownerid", "id"}, {"reps", "fullname", "name"},
    {"reps", "repname", "name"}, {"reps", "isactive", "active"},
    {"reps", "outuntil", "out_until"}, {"reps", "oooUntil", "out_until"},
    {"reps", "timezonesidkey", "timezone"}, {"reps", "tz", "timezone"},
    {"reps", "annualquota", "quota"},
    /* activities */
    {"activities", "activityid", "id"}, {"activities", "taskid", "id"},
    {"activities", "leadid", "lead_id"}, {"activities", "contactid", "contact_id"},
    {"activities", "accountid", "account_id"},
    {"activities", "dealid", "deal_id"},
    {"activities", "opportunityid", "deal_id"},
    {"activities", "activitytype", "type"},
    {"activities", "tasksubtype", "type"},
    {"activities", "campaignname", "campaign"},
    {"activities", "utmcampaign", "campaign"},
    {"activities", "date", "at"}, {"activities", "activitydate", "at"},
    {"activities", "timestamp", "at"}, {"activities", "occurredat", "at"},
    {"activities", "createddate", "at"}, {"activities", "ownerid", "owner"},
    /* stage_history */
    {"stage_history", "opportunityid", "deal_id"},
    {"stage_history", "dealid", "deal_id"},
    {"stage_history", "stagename", "stage"},
    {"stage_history", "dealstage", "stage"},
    {"stage_history", "tostage", "stage"},
    {"stage_history", "createddate", "entered_at"},
    {"stage_history", "changedat", "entered_at"},
    {"stage_history", "date", "entered_at"},
    {"stage_history", "closedate", "close_date"},
    {"stage_history", "forecastcategoryname", "forecast_category"},
    /* subscriptions */
    {"subscriptions", "month", "period"},
    {"subscriptions", "periodstart", "period"},
    {"subscriptions", "monthlyrecurringrevenue", "mrr"},
    {"subscriptions", "quantity", "seats"},
    {"subscriptions", "product", "plan"},
    {"subscriptions", "planname", "plan"},
    /* usage */
    {"usage", "day", "date"}, {"usage", "name", "metric"},
    {"usage", "count", "value"},
    /* every table */
    {"*", "createddate", "created_at"}, {"*", "createdate", "created_at"},
    {"*", "created", "created_at"}, {"*", "createdat", "created_at"},
    {NULL, NULL, NULL}};

static const syn salesforce_syn[] = {
    {"accounts", "id", "id"}, {"accounts", "name", "name"},
    {"deals", "name", "name"}, {"leads", "company", "company"},
    {"leads", "isconverted", "is_converted"},
    {"leads", "converteddate", "converted_at"},
    {"stage_history", "amount", "amount"},
    {NULL, NULL, NULL}};

static const syn hubspot_syn[] = {
    {"*", "recordid", "id"}, {"*", "hsobjectid", "id"},
    {"deals", "pipeline", "pipeline"},
    {"accounts", "name", "name"},
    {NULL, NULL, NULL}};

int revl_preset_from_name(const char *name) {
  if (!name || strcmp(name, "generic") == 0) return REVL_PRESET_GENERIC;
  if (strcmp(name, "salesforce") == 0) return REVL_PRESET_SALESFORCE;
  if (strcmp(name, "hubspot") == 0) return REVL_PRESET_HUBSPOT;
  return -1;
}

const char *revl_preset_name(int preset) {
  switch (preset) {
  case REVL_PRESET_SALESFORCE: return "salesforce";
  case REVL_PRESET_HUBSPOT: return "hubspot";
  default: return "generic";
  }
}

void revl_header_norm(const char *s, char *out, size_t size) {
  size_t n = 0;
  for (; *s && n + 1 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (isalnum(c)) out[n++] = (char)tolower(c);
  }
  out[n] = '\0';
}
#define normalise revl_header_norm

/* Does s, normalised, equal norm (already normalised)?  Compared as it
 * is walked, so most names are rejected at their first letter: every
 * header of every load is looked up in a few hundred names. */
static int norm_eq(const char *s, const char *norm) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (!isalnum(c)) continue;
    if (*norm++ != (char)tolower(c)) return 0;
  }
  return *norm == '\0';
}

static const char *lookup(const syn *list, const char *table,
                          const char *norm) {
  for (const syn *p = list; p->table; p++) {
    if (strcmp(p->table, table) != 0 && strcmp(p->table, "*") != 0) continue;
    if (norm_eq(p->header, norm)) return p->field;
  }
  return NULL;
}

const char *revl_preset_field(int preset, const char *table,
                              const char *header) {
  char norm[128];
  normalise(header, norm, sizeof norm);
  if (!norm[0]) return NULL;
  const char *f = NULL;
  if (preset == REVL_PRESET_SALESFORCE) f = lookup(salesforce_syn, table, norm);
  if (preset == REVL_PRESET_HUBSPOT) f = lookup(hubspot_syn, table, norm);
  if (f) return f;
  const revl_table_def *d = revl_table_def_find(table);
  if (d) {
    for (int i = 0; i < d->nfields; i++)
      if (norm_eq(d->fields[i].name, norm)) return d->fields[i].name;
  }
  return lookup(generic_syn, table, norm);
}

/* Words in a header that suggest a field (revl init's evidence, below
 * the synonyms): {table or "*", field, word}, the word matched inside
 * the normalised header.  The loader never reads a header by them. */
static const struct kw {
  const char *table, *field, *word;
} keywords[] = {
    {"accounts", "name", "name"},         {"accounts", "industry", "industry"},
    {"accounts", "industry", "sector"},   {"accounts", "employees", "employee"},
    {"accounts", "employees", "staff"},   {"accounts", "country", "country"},
    {"accounts", "domain", "domain"},     {"accounts", "domain", "website"},
    {"accounts", "region", "region"},     {"accounts", "segment", "segment"},
    {"accounts", "annual_revenue", "revenue"}, {"accounts", "parent_id", "parent"},
    {"deals", "amount", "amount"},        {"deals", "amount", "value"},
    {"deals", "amount", "revenue"},       {"deals", "amount", "price"},
    {"deals", "amount", "acv"},           {"deals", "amount", "arr"},
    {"deals", "close_date", "close"},     {"deals", "close_date", "won"},
    {"deals", "stage", "stage"},          {"deals", "stage", "status"},
    {"deals", "stage", "result"},         {"deals", "stage", "phase"},         {"deals", "stage", "outcome"},
    {"deals", "account_id", "account"},   {"deals", "account_id", "company"},
    {"deals", "account_id", "customer"},  {"deals", "account_id", "client"},
    {"deals", "probability", "probab"},   {"deals", "name", "name"},
    {"deals", "name", "title"},           {"deals", "currency", "currency"},
    {"deals", "type", "type"},            {"deals", "forecast_category", "forecast"},
    {"leads", "email", "email"},          {"leads", "company", "company"},
    {"leads", "company", "organi"},       {"leads", "source", "source"},
    {"leads", "source", "channel"},       {"leads", "status", "status"},
    {"leads", "status", "stage"},         {"leads", "mql_at", "mql"},
    {"leads", "sql_at", "sql"},
    {"leads", "mql_at", "marketingqualified"}, {"leads", "sql_at", "salesqualified"},           {"leads", "country", "country"},
    {"leads", "domain", "domain"},        {"leads", "domain", "website"},
    {"reps", "name", "name"},             {"reps", "email", "email"},
    {"reps", "team", "team"},             {"reps", "role", "role"},
    {"reps", "role", "title"},            {"reps", "region", "region"},
    {"reps", "region", "territory"},      {"reps", "quota", "quota"},
    {"reps", "capacity", "capacity"},     {"reps", "active", "active"},
    {"reps", "timezone", "timezone"},
    {"activities", "at", "date"},         {"activities", "at", "time"},
    {"activities", "at", "when"},         {"activities", "type", "type"},
    {"activities", "type", "kind"},       {"activities", "deal_id", "deal"},
    {"activities", "deal_id", "opportunit"}, {"activities", "lead_id", "lead"},
    {"activities", "contact_id", "contact"}, {"activities", "account_id", "account"},
    {"activities", "campaign", "campaign"},
    {"stage_history", "deal_id", "deal"}, {"stage_history", "deal_id", "opportunit"},
    {"stage_history", "stage", "stage"},  {"stage_history", "entered_at", "date"},
    {"stage_history", "entered_at", "changed"}, {"stage_history", "entered_at", "entered"},
    {"stage_history", "amount", "amount"},
    {"subscriptions", "account_id", "account"}, {"subscriptions", "account_id", "customer"},
    {"subscriptions", "account_id", "company"}, {"subscriptions", "period", "month"},
    {"subscriptions", "period", "period"}, {"subscriptions", "mrr", "mrr"},
    {"subscriptions", "mrr", "recurring"}, {"subscriptions", "mrr", "amount"},
    {"subscriptions", "seats", "seat"},   {"subscriptions", "seats", "licen"},
    {"subscriptions", "seats", "quantity"}, {"subscriptions", "plan", "plan"},
    {"subscriptions", "plan", "tier"},    {"subscriptions", "plan", "product"},
    {"usage", "account_id", "account"},   {"usage", "account_id", "customer"},
    {"usage", "date", "date"},            {"usage", "date", "day"},
    {"usage", "metric", "metric"},        {"usage", "metric", "event"},
    {"usage", "metric", "feature"},       {"usage", "value", "value"},
    {"usage", "value", "count"},          {"usage", "value", "quantity"},
    {"*", "owner", "owner"},              {"*", "owner", "rep"},
    {"*", "owner", "agent"},              {"*", "created_at", "create"},
    {"*", "created_at", "opened"},
    {NULL, NULL, NULL}};

const char *revl_field_keyword(const char *table, const char *field,
                               const char *header) {
  char norm[256];
  revl_header_norm(header, norm, sizeof norm);
  for (int i = 0; keywords[i].table; i++) {
    const struct kw *k = &keywords[i];
    if ((strcmp(k->table, table) == 0 || strcmp(k->table, "*") == 0) &&
        strcmp(k->field, field) == 0 && strstr(norm, k->word))
      return k->word; /* the first, in the table's order */
  }
  return NULL;
}
