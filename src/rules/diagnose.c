/*
 * diagnose.c -- the six-layer RevOps diagnostic over sampled records.
 *
 * Four revenue paths are sampled (a seeded partial Fisher-Yates over
 * the path's candidate rows, so the same seed and data give the same
 * records); each record answers one question per layer from its own
 * fields, its account, its activities (through the activities' foreign
 * keys' reverse indexes: no scan per record) and its stage history.
 * Whole-table facts a question needs (how often each stage or status
 * is used, duplicate accounts, repeated lead emails, MRR per account)
 * are computed once.  docs/diagnose.md is the reference for every
 * question and threshold; keep the two in step.
 */
#include "revl/diagnose.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "revl/metrics.h"
#include "revl/route.h"

#define DAY 86400LL
#define KNOWN_MIN 3         /* a stage/status used this often is a shared value */
#define LEAD_SLA_H 24       /* first touch on a lead */
#define DEAL_SLA_H 72       /* first touch on a new deal */
#define RECENT_LEAD_DAYS 90
#define RECENT_WON_DAYS 365
#define STALE_DAYS 30
#define RISK_MONTHS 3

static const char *const layer_names[REVL_DX_NLAYERS] = {
    "strategy/ICP", "funnel architecture", "process and SLA",
    "data and systems", "metrics", "cadence"};
static const char *const path_names[REVL_DX_NPATHS] = {
    "inbound_leads", "open_deals", "won_deals", "at_risk_accounts"};

static const char *const questions[REVL_DX_NPATHS][REVL_DX_NLAYERS] = {
    {"company, country and domain present",
     "status is a shared value and mql_at is not before created_at",
     "owner assigned and first activity within 24 h of created_at",
     "email, created_at and a known source present; email not repeated",
     "counted by conversion: created_at present, converted ids resolve, sql_at only after mql_at",
     "converted, or an activity in the 30 days before as-of"},
    {"account linked with industry, employees, country and segment",
     "stage is a shared value, matches the latest stage history, close date not passed",
     "owner assigned and first activity within 72 h of created_at",
     "account, owner, stage, amount, created_at, close_date present; account not a duplicate",
     "counted by pipeline: amount > 0, close_date on or after created_at",
     "an activity on the deal in the 30 days before as-of"},
    {"account linked with industry, employees, country and segment",
     "stage is a shared value, matches the latest stage history, close date not after as-of",
     "owner assigned and first activity within 72 h of created_at",
     "account, owner, stage, amount, created_at, close_date present; account not a duplicate",
     "counted by win rate and bookings: amount > 0, close_date on or after created_at",
     "stage history recorded (at least 2 stage entries)"},
    {"industry, employees, country and segment present",
     "the account entered through the funnel (a deal references it)",
     "owner assigned (the account's, else its latest deal's)",
     "name, domain and created_at present; not a duplicate account",
     "churn recorded: a subscriptions row in the current month",
     "an activity on the account in the 30 days before as-of"}};

static const char *const actions[6] = {
    "",
    "agree on the rule and write it down (document it)",
    "document the informal rule everyone follows differently",
    "enforce the documented rule (required fields, validation, routing)",
    "measure it and review the measure in the operating cadence",
    "keep improving it through the cadence"};

const char *revl_dx_layer_name(int layer) {
  return layer >= 0 && layer < REVL_DX_NLAYERS ? layer_names[layer] : NULL;
}
const char *revl_dx_path_name(int path) {
  return path >= 0 && path < REVL_DX_NPATHS ? path_names[path] : NULL;
}
const char *revl_dx_question(int path, int layer) {
  if (path < 0 || path >= REVL_DX_NPATHS || layer < 0 || layer >= REVL_DX_NLAYERS)
    return NULL;
  return questions[path][layer];
}
const char *revl_dx_action(int score) {
  return score >= 1 && score <= 5 ? actions[score] : "";
}

int revl_dx_score(size_t passed, size_t checked) {
  if (!checked) return 0;
  /* integer comparisons: no rounding at a band's edge */
  unsigned long long p = passed * 100ull, c = checked;
  if (p < 50 * c) return 1;
  if (p < 70 * c) return 2;
  if (p < 85 * c) return 3;
  if (p < 95 * c) return 4;
  return 5;
}

/* ---- cells ------------------------------------------------------------ */

typedef struct ctx {
  revl_store *s;
  const revl_dx_opts *o;
  int64_t end;              /* end of the as-of day, UTC seconds */
  revl_table *acc, *deals, *leads, *acts, *hist, *subs;
  revl_column *act_at, *act_lead, *act_deal, *act_acc;
  uint32_t *stage_uses;     /* per intern id: deals with that stage */
  uint32_t *status_uses;    /* per intern id: leads with that status */
  uint32_t *acc_cluster;    /* per account row: dedupe cluster, 0 none */
  uint32_t *acc_mate;       /* per account row: the record that linked it */
  uint8_t *email_repeat;    /* per lead row */
  int64_t *mrr;             /* per account row: [2r] current, [2r+1] earlier */
  uint8_t *cur_row;         /* per account row: a row in the current month */
} ctx;

static revl_column *col(const revl_table *t, const char *name) {
  return t ? revl_table_column(t, name) : NULL;
}
static int has(const revl_column *c, size_t row) {
  return c && row < c->n && revl_col_valid(c, row);
}
/* A string cell's text, NULL when null or not a string. */
static const char *text(const ctx *x, const revl_column *c, size_t row) {
  if (!has(c, row) || c->type != REVL_T_STRING) return NULL;
  return revl_intern_str(&x->s->strings, c->v.str[row]);
}
/* A date or datetime cell in UTC seconds (a date at its midnight). */
static int tcell(const revl_column *c, size_t row, int64_t *t) {
  if (!has(c, row)) return 0;
  if (c->type == REVL_T_DATE) *t = (int64_t)c->v.date[row] * DAY;
  else if (c->type == REVL_T_DATETIME) *t = c->v.i64[row];
  else return 0;
  return 1;
}
static int truth(const revl_column *c, size_t row, int *v) {
  if (!has(c, row) || c->type != REVL_T_BOOL) return 0;
  *v = c->v.b[row] != 0;
  return 1;
}
/* A filled field: present, and for a foreign key pointing at a row. */
static int filled(const revl_column *c, size_t row) {
  if (!has(c, row)) return 0;
  return !c->ref || !c->ref_row || c->ref_row[row] >= 0;
}

/* Append ", name" to a list of what is missing. */
static void miss(char *buf, size_t size, const char *name) {
  size_t n = strlen(buf);
  if (n < size) snprintf(buf + n, size - n, "%s%s", n ? ", " : "", name);
}
/* Check every field of names on t's row; missing ones listed in buf. */
static int fields(const revl_table *t, size_t row, const char *const *names,
                  char *buf, size_t size) {
  int ok = 1;
  for (; *names; names++)
    if (!filled(col(t, *names), row)) {
      ok = 0;
      miss(buf, size, *names);
    }
  return ok;
}

/* ---- activities ------------------------------------------------------- */

/* First activity at or after `from` and the latest one at or before the
 * as-of end, of the activities referencing `row` through `fk`. */
static int acts_of(const ctx *x, const revl_column *fk, const revl_table *target,
                   size_t row, int64_t from, int64_t *first, int64_t *last) {
  *first = *last = INT64_MIN;
  if (!fk || fk->ref != target || !fk->rev_off || !x->act_at) return 0;
  int n = 0;
  for (uint32_t z = fk->rev_off[row]; z < fk->rev_off[row + 1]; z++) {
    int64_t at;
    if (!tcell(x->act_at, fk->rev_rows[z], &at) || at >= x->end) continue;
    n++;
    if (at >= from && (*first == INT64_MIN || at < *first)) *first = at;
    if (at > *last) *last = at;
  }
  return n;
}

/* ---- whole-table facts ------------------------------------------------ */

static uint32_t *value_uses(const ctx *x, const revl_column *c) {
  if (!c || c->type != REVL_T_STRING) return NULL;
  uint32_t *u = calloc(x->s->strings.n ? x->s->strings.n : 1, sizeof *u);
  if (!u) return NULL;
  for (size_t r = 0; r < c->n; r++)
    if (revl_col_valid(c, r)) u[c->v.str[r]]++;
  return u;
}

static const char *g_emails; /* qsort has no context argument in C11 */
static const uint32_t *g_eoff;
static int email_cmp(const void *a, const void *b) {
  uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
  int c = strcmp(g_emails + g_eoff[i], g_emails + g_eoff[j]);
  return c ? c : (i < j ? -1 : i > j);
}

/* Leads whose lower-cased email another lead also has. */
static int repeated_emails(ctx *x) {
  const revl_column *e = col(x->leads, "email");
  size_t n = x->leads ? x->leads->nrows : 0;
  if (!e || e->type != REVL_T_STRING || !n) return 0;
  x->email_repeat = calloc(n, 1);
  uint32_t *idx = malloc(n * sizeof *idx), *off = malloc(n * sizeof *off);
  size_t cap = 0, len = 0;
  for (size_t r = 0; r < n; r++)
    if (has(e, r)) cap += revl_intern_len(&x->s->strings, e->v.str[r]) + 1;
  char *buf = malloc(cap + 1);
  int rc = 0;
  if (!x->email_repeat || !idx || !off || !buf) {
    rc = REVL_ENOMEM;
    goto out;
  }
  buf[0] = '\0';
  size_t k = 0;
  for (size_t r = 0; r < n; r++) {
    if (!has(e, r)) continue;
    const char *s = revl_intern_str(&x->s->strings, e->v.str[r]);
    off[r] = (uint32_t)len;
    for (; *s; s++) buf[len++] = (char)tolower((unsigned char)*s);
    buf[len++] = '\0';
    idx[k++] = (uint32_t)r;
  }
  g_emails = buf;
  g_eoff = off;
  qsort(idx, k, sizeof *idx, email_cmp);
  for (size_t i = 1; i < k; i++)
    if (strcmp(buf + off[idx[i]], buf + off[idx[i - 1]]) == 0 && buf[off[idx[i]]])
      x->email_repeat[idx[i]] = x->email_repeat[idx[i - 1]] = 1;
out:
  free(idx);
  free(off);
  free(buf);
  return rc;
}

/* Duplicate accounts by name and domain (revl_metrics_dedupe). */
static int duplicate_accounts(ctx *x) {
  size_t n = x->acc ? x->acc->nrows : 0;
  const revl_column *nm = col(x->acc, "name"), *dm = col(x->acc, "domain");
  if (!n || (!nm && !dm)) return 0;
  const char **names = calloc(n, sizeof *names), **doms = calloc(n, sizeof *doms);
  size_t *nl = calloc(n, sizeof *nl), *dl = calloc(n, sizeof *dl);
  revl_dedupe_out d;
  memset(&d, 0, sizeof d);
  d.cluster = calloc(n, sizeof *d.cluster);
  d.why = calloc(n, 1);
  d.best = calloc(n, sizeof *d.best);
  d.mate = calloc(n, sizeof *d.mate);
  d.reason = calloc(n, sizeof *d.reason);
  int rc = 0;
  if (!names || !doms || !nl || !dl || !d.cluster || !d.why || !d.best ||
      !d.mate || !d.reason) {
    rc = REVL_ENOMEM;
    goto out;
  }
  for (size_t r = 0; r < n; r++) {
    if ((names[r] = text(x, nm, r))) nl[r] = strlen(names[r]);
    if ((doms[r] = text(x, dm, r))) dl[r] = strlen(doms[r]);
  }
  revl_dedupe_opts o = {0.92, 8, dm != NULL, nm != NULL};
  long k = revl_metrics_dedupe(n, names, nl, doms, dl, &o, &d);
  if (k < 0) {
    rc = (int)k;
    goto out;
  }
  x->acc_cluster = d.cluster;
  x->acc_mate = d.mate;
  d.cluster = NULL;
  d.mate = NULL;
out:
  free(names);
  free(doms);
  free(nl);
  free(dl);
  free(d.cluster);
  free(d.why);
  free(d.best);
  free(d.mate);
  free(d.reason);
  free(d.text);
  return rc;
}

/* MRR per account in the latest month of subscriptions up to as-of and
 * RISK_MONTHS earlier; whether the account has a row this month. */
static int account_mrr(ctx *x, int32_t *month) {
  const revl_column *a = col(x->subs, "account_id"), *p = col(x->subs, "period"),
                    *m = col(x->subs, "mrr");
  *month = INT32_MIN;
  if (!x->acc || !a || a->ref != x->acc || !a->ref_row || !p ||
      p->type != REVL_T_DATE || !m || m->type != REVL_T_MONEY)
    return 0;
  for (size_t r = 0; r < x->subs->nrows; r++) {
    if (!has(p, r) || (int64_t)p->v.date[r] * DAY >= x->end) continue;
    int32_t mo = revl_metrics_month_of(p->v.date[r]);
    if (mo > *month) *month = mo;
  }
  if (*month == INT32_MIN) return 0;
  size_t n = x->acc->nrows;
  x->mrr = calloc(n ? 2 * n : 1, sizeof *x->mrr);
  x->cur_row = calloc(n ? n : 1, 1);
  if (!x->mrr || !x->cur_row) return REVL_ENOMEM;
  for (size_t r = 0; r < x->subs->nrows; r++) {
    if (!has(p, r) || a->ref_row[r] < 0) continue;
    int32_t mo = revl_metrics_month_of(p->v.date[r]);
    size_t ar = (size_t)a->ref_row[r];
    int64_t v = has(m, r) ? m->v.i64[r] : 0;
    if (mo == *month) {
      x->mrr[2 * ar] += v;
      x->cur_row[ar] = 1;
    } else if (mo == *month - RISK_MONTHS) {
      x->mrr[2 * ar + 1] += v;
    }
  }
  return 0;
}

/* ---- sampling --------------------------------------------------------- */

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static int u32_cmp(const void *a, const void *b) {
  uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
  return (i > j) - (i < j);
}

/* Keep k of the n candidate rows in cand (seeded, then in row order). */
static size_t sample(uint32_t *cand, size_t n, size_t k, uint64_t seed, int path) {
  uint64_t st = seed ^ (0x51ed2701ull * (uint64_t)(path + 1));
  if (k > n) k = n;
  for (size_t i = 0; i < k; i++) {
    size_t j = i + (size_t)(splitmix(&st) % (n - i));
    uint32_t t = cand[i];
    cand[i] = cand[j];
    cand[j] = t;
  }
  qsort(cand, k, sizeof *cand, u32_cmp);
  return k;
}

static const char *acc_id(const ctx *x, size_t row) {
  const char *id = x->acc->pk >= 0 ? text(x, x->acc->cols[x->acc->pk], row) : NULL;
  return id ? id : "?";
}

/* The id of another account in row's duplicate cluster: the one that
 * linked it, else the first other member. */
static const char *dup_of(const ctx *x, size_t row) {
  size_t m = x->acc_mate[row];
  if (m == UINT32_MAX || m >= x->acc->nrows) {
    for (m = 0; m < x->acc->nrows; m++)
      if (m != row && x->acc_cluster[m] == x->acc_cluster[row]) break;
    if (m == x->acc->nrows) return "?";
  }
  return acc_id(x, m);
}

/* ---- questions -------------------------------------------------------- */

static void put(revl_dx_check *c, uint32_t row, int path, int layer, int pass,
                const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
static void put(revl_dx_check *c, uint32_t row, int path, int layer, int pass,
                const char *fmt, ...) {
  va_list ap;
  c->row = row;
  c->path = (uint8_t)path;
  c->layer = (uint8_t)layer;
  c->pass = (uint8_t)(pass != 0);
  va_start(ap, fmt);
  vsnprintf(c->evidence, sizeof c->evidence, fmt, ap);
  va_end(ap);
}

static const char *const icp_fields[] = {"industry", "employees", "country", "segment", NULL};

/* Layer 1 by the playbook's ICP model: the record's tier (trow of the
 * model's table) is above the lowest. */
static void ask_tier(const ctx *x, revl_dx_check *c, uint32_t row, int path, int64_t trow) {
  const revl_dx_icp *m = x->o->icp;
  int t = trow >= 0 && (size_t)trow < m->table->nrows ? m->tier[trow] : -1;
  if (trow < 0) put(c, row, path, 0, 0, "no linked account");
  else if (t < 0 || t >= m->ntiers) put(c, row, path, 0, 0, "no tier in ICP model '%.40s'", m->name);
  else if (m->ntiers > 1 && t == m->ntiers - 1)
    put(c, row, path, 0, 0, "tier %.20s, the lowest of ICP model '%.40s'", m->labels[t], m->name);
  else put(c, row, path, 0, 1, "tier %.20s of ICP model '%.40s'", m->labels[t], m->name);
}

/* Layer 1 of a deal or account: the account's ICP fields. */
static void ask_icp(const ctx *x, revl_dx_check *c, uint32_t row, int path,
                    int64_t arow) {
  char m[100] = "";
  if (x->acc && x->o->icp && x->o->icp->table == x->acc) ask_tier(x, c, row, path, arow);
  else if (!x->acc) put(c, row, path, 0, 0, "no accounts table");
  else if (arow < 0) put(c, row, path, 0, 0, "no linked account");
  else if (fields(x->acc, (size_t)arow, icp_fields, m, sizeof m))
    put(c, row, path, 0, 1, "industry, employees, country, segment present");
  else put(c, row, path, 0, 0, "missing %s", m);
}

/* Layer 3: owner and the first activity within `hours` of created_at. */
static void ask_sla(const ctx *x, revl_dx_check *c, uint32_t row, int path,
                    const revl_table *t, const revl_column *fk, int hours) {
  int64_t created, first, last;
  const revl_dx_sla *sl = x->o->sla[t == x->leads ? 0 : 1];
  if (sl && sl->table != t) sl = NULL;
  if (!filled(col(t, "owner"), row)) {
    put(c, row, path, 2, 0, has(col(t, "owner"), row) ? "owner is not a known rep"
                                                      : "no owner");
  } else if (sl) {
    /* the playbook's SLA, as revl_sla_measure judged the record */
    int st = sl->status[row];
    if (st < 0)
      put(c, row, path, 2, 0, "no target of SLA '%.40s' applies", sl->name);
    else
      put(c, row, path, 2, !revl_sla_is_breach(st), "%s: %.1f h of %.1f h (SLA '%.30s')",
          revl_sla_status_name(st), (double)sl->secs[row] / 3600, (double)sl->target[row] / 3600,
          sl->name);
  } else if (!tcell(col(t, "created_at"), row, &created)) {
    put(c, row, path, 2, 0, "no created_at to start the SLA clock");
  } else if (!x->acts) {
    put(c, row, path, 2, 0, "no activities table: response time unknown");
  } else {
    acts_of(x, fk, t, row, created, &first, &last);
    if (first == INT64_MIN) put(c, row, path, 2, 0, "no activity after creation");
    else if (first - created <= (int64_t)hours * 3600)
      put(c, row, path, 2, 1, "first activity after %.1f h", (double)(first - created) / 3600);
    else
      put(c, row, path, 2, 0, "first activity after %.1f h (SLA %d h)",
          (double)(first - created) / 3600, hours);
  }
}

static int32_t o_as_of(const ctx *x) { return x->o->as_of; }

/* An activity referencing row through fk in the STALE_DAYS before as-of. */
static void ask_recent(const ctx *x, revl_dx_check *c, uint32_t row, int path,
                       const revl_table *t, const revl_column *fk) {
  int64_t first, last;
  if (!x->acts) {
    put(c, row, path, 5, 0, "no activities table");
    return;
  }
  acts_of(x, fk, t, row, INT64_MIN, &first, &last);
  /* whole days: an activity on as-of minus STALE_DAYS still counts */
  long long ago = (long long)o_as_of(x) - (long long)(last / DAY);
  if (last == INT64_MIN) put(c, row, path, 5, 0, "no activity at all");
  else if (ago <= STALE_DAYS)
    put(c, row, path, 5, 1, "last activity %lld days before as-of", ago);
  else
    put(c, row, path, 5, 0, "stale: last activity %lld days before as-of", ago);
}

static void ask_lead(const ctx *x, revl_dx_check *c, uint32_t r) {
  const revl_table *t = x->leads;
  const int P = REVL_DX_LEADS;
  char m[100] = "";
  static const char *const l1[] = {"company", "country", "domain", NULL};
  if (x->o->icp && x->o->icp->table == t) ask_tier(x, c++, r, P, r);
  else if (fields(t, r, l1, m, sizeof m)) put(c++, r, P, 0, 1, "company, country, domain present");
  else put(c++, r, P, 0, 0, "missing %s", m);

  const revl_column *st = col(t, "status");
  int64_t created = 0, mql = 0, sql = 0;
  int hc = tcell(col(t, "created_at"), r, &created);
  int hm = tcell(col(t, "mql_at"), r, &mql), hs = tcell(col(t, "sql_at"), r, &sql);
  const char *sv = text(x, st, r);
  if (!sv) put(c++, r, P, 1, 0, "no status");
  else if (!x->status_uses || x->status_uses[st->v.str[r]] < KNOWN_MIN)
    put(c++, r, P, 1, 0, "status '%.40s' used by fewer than %d leads", sv, KNOWN_MIN);
  else if (hc && hm && mql < created) put(c++, r, P, 1, 0, "mql_at before created_at");
  else put(c++, r, P, 1, 1, "status '%.40s'", sv);

  ask_sla(x, c++, r, P, t, x->act_lead, LEAD_SLA_H);

  m[0] = '\0';
  static const char *const l4[] = {"email", "created_at", "source", NULL};
  int ok = fields(t, r, l4, m, sizeof m);
  const char *src = text(x, col(t, "source"), r);
  if (ok && src &&
      (!strcasecmp(src, "unknown") || !strcasecmp(src, "other") ||
       !strcasecmp(src, "none") || !strcasecmp(src, "n/a") || !strcmp(src, "-"))) {
    put(c++, r, P, 3, 0, "source '%.40s' is not a known source", src);
  } else if (!ok) {
    put(c++, r, P, 3, 0, "missing %s", m);
  } else if (x->email_repeat && x->email_repeat[r]) {
    put(c++, r, P, 3, 0, "email repeated by another lead");
  } else {
    put(c++, r, P, 3, 1, "required fields present, source '%.40s'", src);
  }

  const revl_column *cd = col(t, "converted_deal_id"), *ca = col(t, "converted_account_id");
  if (!hc) put(c++, r, P, 4, 0, "no created_at");
  else if (has(cd, r) && !filled(cd, r)) put(c++, r, P, 4, 0, "converted_deal_id matches no deal");
  else if (has(ca, r) && !filled(ca, r))
    put(c++, r, P, 4, 0, "converted_account_id matches no account");
  else if (hs && !hm) put(c++, r, P, 4, 0, "sql_at without mql_at");
  else if (hs && hm && sql < mql) put(c++, r, P, 4, 0, "sql_at before mql_at");
  else put(c++, r, P, 4, 1, "counted by conversion metrics");

  if (has(cd, r) || has(ca, r)) put(c, r, P, 5, 1, "converted");
  else ask_recent(x, c, r, P, t, x->act_lead);
}

/* The latest stage of a deal in stage_history, or NULL; *n entries. */
static const char *history_stage(const ctx *x, size_t row, int *n) {
  const revl_column *fk = col(x->hist, "deal_id"), *st = col(x->hist, "stage"),
                    *at = col(x->hist, "entered_at");
  *n = 0;
  if (!fk || fk->ref != x->deals || !fk->rev_off || !st) return NULL;
  int64_t best = INT64_MIN;
  const char *s = NULL;
  for (uint32_t z = fk->rev_off[row]; z < fk->rev_off[row + 1]; z++) {
    uint32_t h = fk->rev_rows[z];
    int64_t t;
    if (!tcell(at, h, &t) || t >= x->end) continue;
    (*n)++;
    if (t >= best) {
      best = t;
      s = text(x, st, h);
    }
  }
  return s;
}

static void ask_deal(const ctx *x, revl_dx_check *c, uint32_t r, int P) {
  const revl_table *t = x->deals;
  const revl_column *ac = col(t, "account_id");
  int64_t arow = (ac && ac->ref == x->acc && ac->ref_row) ? ac->ref_row[r] : -1;
  ask_icp(x, c++, r, P, arow);

  const revl_column *st = col(t, "stage");
  const char *sv = text(x, st, r);
  int nh = 0;
  const char *hs = history_stage(x, r, &nh);
  int64_t close = 0, created = 0;
  int hcl = tcell(col(t, "close_date"), r, &close);
  int hcr = tcell(col(t, "created_at"), r, &created);
  if (!sv) put(c++, r, P, 1, 0, "no stage");
  else if (!x->stage_uses || x->stage_uses[st->v.str[r]] < KNOWN_MIN)
    put(c++, r, P, 1, 0, "stage '%.40s' used by fewer than %d deals", sv, KNOWN_MIN);
  else if (hs && strcmp(hs, sv))
    put(c++, r, P, 1, 0, "stage '%.30s' but history ends in '%.30s'", sv, hs);
  else if (P == REVL_DX_OPEN && hcl && close < x->end - DAY)
    put(c++, r, P, 1, 0, "open with a close date %lld days past",
        (long long)((x->end - DAY - close) / DAY));
  else if (P == REVL_DX_WON && hcl && close >= x->end)
    put(c++, r, P, 1, 0, "won with a close date after as-of");
  else put(c++, r, P, 1, 1, "stage '%.40s'%s", sv, hs ? " as in history" : "");

  ask_sla(x, c++, r, P, t, x->act_deal, DEAL_SLA_H);

  char m[100] = "";
  static const char *const d4[] = {"account_id", "owner", "stage", "amount",
                                   "created_at", "close_date", NULL};
  if (!fields(t, r, d4, m, sizeof m)) put(c++, r, P, 3, 0, "missing %s", m);
  else if (arow >= 0 && x->acc_cluster && x->acc_cluster[arow])
    put(c++, r, P, 3, 0, "account %.30s duplicates account %.30s",
        acc_id(x, (size_t)arow), dup_of(x, (size_t)arow));
  else put(c++, r, P, 3, 1, "required fields present");

  const revl_column *am = col(t, "amount");
  if (!has(am, r) || am->type != REVL_T_MONEY || am->v.i64[r] <= 0)
    put(c++, r, P, 4, 0, has(am, r) ? "amount is not above 0" : "no amount");
  else if (!hcl) put(c++, r, P, 4, 0, "no close_date");
  else if (hcr && close < created - created % DAY)
    put(c++, r, P, 4, 0, "close_date before created_at");
  else put(c++, r, P, 4, 1, "amount and dates counted");

  if (P == REVL_DX_OPEN) ask_recent(x, c, r, P, t, x->act_deal);
  else if (!x->hist) put(c, r, P, 5, 0, "no stage_history table");
  else if (nh >= 2) put(c, r, P, 5, 1, "%d stage entries", nh);
  else put(c, r, P, 5, 0, "%d stage entries", nh);
}

static void ask_account(const ctx *x, revl_dx_check *c, uint32_t r, int32_t month) {
  const revl_table *t = x->acc;
  const int P = REVL_DX_RISK;
  ask_icp(x, c++, r, P, r);

  const revl_column *dac = col(x->deals, "account_id");
  int has_rev = dac && dac->ref == t && dac->rev_off;
  uint32_t nd = has_rev ? dac->rev_off[r + 1] - dac->rev_off[r] : 0;
  if (!x->deals) put(c++, r, P, 1, 0, "no deals table");
  else if (nd) put(c++, r, P, 1, 1, "%u deals", nd);
  else put(c++, r, P, 1, 0, "no deal references the account");

  const char *who = text(x, col(t, "owner"), r);
  if (who) put(c++, r, P, 2, 1, "owner %.40s", who);
  else {
    /* the owner of the account's latest deal */
    const revl_column *dow = col(x->deals, "owner"), *dcr = col(x->deals, "created_at");
    int64_t best = INT64_MIN;
    for (uint32_t z = has_rev ? dac->rev_off[r] : 0; has_rev && z < dac->rev_off[r + 1]; z++) {
      uint32_t d = dac->rev_rows[z];
      int64_t at = INT64_MIN + 1;
      tcell(dcr, d, &at);
      if (filled(dow, d) && at >= best) {
        best = at;
        who = text(x, dow, d);
      }
    }
    if (who) put(c++, r, P, 2, 1, "no account owner; latest deal's owner %.40s", who);
    else put(c++, r, P, 2, 0, "no owner on the account or its deals");
  }

  char m[100] = "";
  static const char *const a4[] = {"name", "domain", "created_at", NULL};
  if (!fields(t, r, a4, m, sizeof m)) put(c++, r, P, 3, 0, "missing %s", m);
  else if (x->acc_cluster && x->acc_cluster[r])
    put(c++, r, P, 3, 0, "duplicates account %.30s", dup_of(x, r));
  else put(c++, r, P, 3, 1, "required fields present");

  char mb[16];
  snprintf(mb, sizeof mb, "%04d-%02d", month / 12, month % 12 + 1);
  if (x->cur_row && x->cur_row[r]) put(c++, r, P, 4, 1, "subscriptions row in %s", mb);
  else put(c++, r, P, 4, 0, "no subscriptions row in %s: churn invisible", mb);

  ask_recent(x, c, r, P, t, x->act_acc);
}

/* ---- the run ---------------------------------------------------------- */

static revl_column *act_fk(const ctx *x, const char *name, const revl_table *target) {
  revl_column *c = col(x->acts, name);
  return c && target && c->ref == target && c->rev_off ? c : NULL;
}

/* Where each path's layers 1 and 3 take their rule. */
static void sources(const ctx *x, revl_dx_result *r) {
  const revl_dx_opts *o = x->o;
  for (int p = 0; p < REVL_DX_NPATHS; p++) {
    const revl_table *t = p == REVL_DX_LEADS ? x->leads : p == REVL_DX_RISK ? x->acc : x->deals;
    const revl_table *it = p == REVL_DX_LEADS ? x->leads : x->acc;
    if (o->icp && t && o->icp->table == it)
      snprintf(r->source[p][0], sizeof r->source[p][0], "ICP model '%.60s' of the playbook",
               o->icp->name);
    else
      snprintf(r->source[p][0], sizeof r->source[p][0], "revl's field check");
    const revl_dx_sla *sl = p == REVL_DX_RISK ? NULL : o->sla[p == REVL_DX_LEADS ? 0 : 1];
    if (p == REVL_DX_RISK)
      snprintf(r->source[p][1], sizeof r->source[p][1], "revl's owner check");
    else if (sl && t && sl->table == t)
      snprintf(r->source[p][1], sizeof r->source[p][1], "SLA '%.60s' of the playbook", sl->name);
    else
      snprintf(r->source[p][1], sizeof r->source[p][1], "revl's fixed %d h",
               p == REVL_DX_LEADS ? LEAD_SLA_H : DEAL_SLA_H);
  }
}

const char *revl_dx_asked(const revl_dx_result *r, int path, int layer, char *buf,
                          size_t size) {
  const char *q = revl_dx_question(path, layer);
  if (!q || (layer != 0 && layer != 2) || strncmp(r->source[path][layer / 2], "revl's", 6) == 0)
    return q;
  if (layer == 0)
    snprintf(buf, size, "%s: a tier above the lowest by the %s",
             path == REVL_DX_LEADS ? "the lead" : "the account", r->source[path][0]);
  else
    snprintf(buf, size, "owner assigned and the %s met (or still open within its target)",
             r->source[path][1]);
  return buf;
}

int revl_diagnose(revl_store *s, const revl_dx_opts *o, revl_dx_result *r,
                  revl_error *err) {
  memset(r, 0, sizeof *r);
  r->weakest = -1;
  if (!o || o->sample < 1)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "diagnose: sample must be at least 1");
  ctx x;
  memset(&x, 0, sizeof x);
  x.s = s;
  x.o = o;
  x.end = ((int64_t)o->as_of + 1) * DAY;
  x.acc = revl_store_table(s, "accounts");
  x.deals = revl_store_table(s, "deals");
  x.leads = revl_store_table(s, "leads");
  x.acts = revl_store_table(s, "activities");
  x.hist = revl_store_table(s, "stage_history");
  x.subs = revl_store_table(s, "subscriptions");
  x.act_at = col(x.acts, "at");
  x.act_lead = act_fk(&x, "lead_id", x.leads);
  x.act_deal = act_fk(&x, "deal_id", x.deals);
  x.act_acc = act_fk(&x, "account_id", x.acc);
  sources(&x, r);
  int rc = 0;
  int32_t month = INT32_MIN;
  uint32_t *cand[REVL_DX_NPATHS] = {NULL, NULL, NULL, NULL};
  /* a stage or status column that is not text leaves its counts NULL:
   * every value then counts as not shared */
  const revl_column *stc = col(x.deals, "stage"), *lsc = col(x.leads, "status");
  if (stc && stc->type == REVL_T_STRING && !(x.stage_uses = value_uses(&x, stc))) goto oom;
  if (lsc && lsc->type == REVL_T_STRING && !(x.status_uses = value_uses(&x, lsc))) goto oom;
  if ((rc = repeated_emails(&x)) || (rc = duplicate_accounts(&x)) ||
      (rc = account_mrr(&x, &month)))
    goto fail;

  /* candidates per path */
  static const char *const tables[REVL_DX_NPATHS] = {"leads", "deals", "deals", "accounts"};
  revl_table *pt[REVL_DX_NPATHS] = {x.leads, x.deals, x.deals, x.acc};
  size_t total = 0;
  for (int p = 0; p < REVL_DX_NPATHS; p++) {
    revl_dx_path *rp = &r->paths[p];
    revl_table *t = pt[p];
    if (!t) {
      snprintf(rp->reason, sizeof rp->reason, "no %s table", tables[p]);
      continue;
    }
    if (!(cand[p] = malloc((t->nrows ? t->nrows : 1) * sizeof *cand[p]))) goto oom;
    size_t n = 0;
    const revl_column *cr = col(t, "created_at"), *src = col(t, "source"),
                      *cl = col(t, "is_closed"), *wn = col(t, "is_won"),
                      *cd = col(t, "close_date");
    if (p != REVL_DX_LEADS && p != REVL_DX_RISK && (!cl || !wn)) {
      snprintf(rp->reason, sizeof rp->reason,
               "deals has no is_closed/is_won (no stage or outcome columns)");
      continue;
    }
    if (p == REVL_DX_RISK && month == INT32_MIN) {
      snprintf(rp->reason, sizeof rp->reason,
               "no subscriptions (account_id, period, mrr) up to as-of");
      continue;
    }
    for (size_t row = 0; row < t->nrows; row++) {
      int64_t at;
      int v;
      if (p == REVL_DX_LEADS) {
        const char *sv = text(&x, src, row);
        if (sv && !strcasecmp(sv, "outbound")) continue;
        if (cr && (!tcell(cr, row, &at) || at >= x.end ||
                   at < x.end - RECENT_LEAD_DAYS * DAY))
          continue;
      } else if (p == REVL_DX_OPEN) {
        if (!truth(cl, row, &v) || v) continue;
        if (tcell(cr, row, &at) && at >= x.end) continue;
      } else if (p == REVL_DX_WON) {
        if (!truth(wn, row, &v) || !v) continue;
        if (tcell(cd, row, &at) && (at >= x.end || at < x.end - RECENT_WON_DAYS * DAY))
          continue;
      } else {
        int64_t now = x.mrr[2 * row], before = x.mrr[2 * row + 1];
        if (!(before > 0 && now < before)) continue;
      }
      cand[p][n++] = (uint32_t)row;
    }
    rp->candidates = n;
    if (!n) {
      static const char *const why[REVL_DX_NPATHS] = {
          "no inbound lead created in the 90 days up to as-of",
          "no open deal", "no deal won in the 365 days up to as-of",
          "no account's MRR fell over the last 3 months"};
      snprintf(rp->reason, sizeof rp->reason, "%s", why[p]);
      continue;
    }
    rp->table = t;
    rp->sampled = sample(cand[p], n, (size_t)o->sample, o->seed, p);
    total += rp->sampled;
  }

  r->checks = calloc(total * REVL_DX_NLAYERS + 1, sizeof *r->checks);
  if (!r->checks) goto oom;
  for (int p = 0; p < REVL_DX_NPATHS; p++) {
    for (size_t i = 0; i < r->paths[p].sampled; i++) {
      revl_dx_check *c = &r->checks[r->nchecks];
      uint32_t row = cand[p][i];
      if (p == REVL_DX_LEADS) ask_lead(&x, c, row);
      else if (p == REVL_DX_RISK) ask_account(&x, c, row, month);
      else ask_deal(&x, c, row, p);
      r->nchecks += REVL_DX_NLAYERS;
    }
  }
  for (size_t i = 0; i < r->nchecks; i++) {
    revl_dx_layer *l = &r->layers[r->checks[i].layer];
    l->checked++;
    l->passed += r->checks[i].pass;
  }
  /* weakest: lowest score, then lowest pass share, then the lower layer */
  for (int k = 0; k < REVL_DX_NLAYERS; k++) {
    revl_dx_layer *l = &r->layers[k];
    l->score = revl_dx_score(l->passed, l->checked);
    if (!l->score) continue;
    if (r->weakest < 0) {
      r->weakest = k;
      continue;
    }
    const revl_dx_layer *w = &r->layers[r->weakest];
    if (l->score < w->score ||
        (l->score == w->score &&
         (unsigned long long)l->passed * w->checked <
             (unsigned long long)w->passed * l->checked))
      r->weakest = k;
  }
  goto done;
oom:
  rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "diagnose: not enough memory");
  goto done;
fail:
  if (rc == REVL_ENOMEM) rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "diagnose: not enough memory");
  else rc = revl_error_set(err, rc, NULL, 0, 0, "diagnose: duplicate detection failed");
done:
  for (int p = 0; p < REVL_DX_NPATHS; p++) free(cand[p]);
  free(x.stage_uses);
  free(x.status_uses);
  free(x.acc_cluster);
  free(x.acc_mate);
  free(x.email_repeat);
  free(x.mrr);
  free(x.cur_row);
  return rc;
}

void revl_diagnose_done(revl_dx_result *r) {
  if (!r) return;
  free(r->checks);
  r->checks = NULL;
  r->nchecks = 0;
}

const char *revl_dx_record_id(const revl_dx_result *r, const revl_dx_check *c,
                              char *buf, size_t size) {
  const revl_table *t = r->paths[c->path].table;
  if (t && t->pk >= 0) {
    const revl_column *k = t->cols[t->pk];
    if (k->type == REVL_T_STRING && revl_col_valid(k, c->row))
      return revl_intern_str(&t->store->strings, k->v.str[c->row]);
  }
  snprintf(buf, size, "row %u", c->row + 1);
  return buf;
}
