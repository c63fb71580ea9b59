/*
 * route.h -- the rules engine, part 2: business calendars, lead-to-account
 * matching, lead routing, funnel audits and SLA measurement.
 *
 * Everything here is plain C over the columnar store, results and their
 * words included (trails, verdicts, the ledger, state files); the Lua
 * bindings (src/lua/l_route.c, l_route_state.c, l_calendar.c,
 * l_funnel.c, lua/route.lua) compile playbook definitions into these
 * structures and push the results.  Lua callbacks in criteria reach the
 * binding through revl_crit_ctx, as in criteria.h: a failed one returns
 * -1 and the evaluator returns REVL_ESCRIPT.
 *
 * Times are UTC seconds (int64), dates are days since 1970-01-01 (int32).
 */
#ifndef REVL_ROUTE_H
#define REVL_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "revl/common.h"
#include "revl/criteria.h"
#include "revl/store.h"

#define REVL_NO_TIME INT64_MIN

/* ---- business calendars (calendar.c) ----------------------------------- */

/* Time zones come from the system tz database (TZif files under TZDIR or
 * /usr/share/zoneinfo) through mktime with TZ set for the duration of
 * one batch of conversions; the UTC instants of each local day's
 * midnight, opening and closing are cached in a table of days, so a
 * business-time question is arithmetic on that table.  "UTC" (and
 * "Etc/UTC") needs no tz database. */
typedef struct revl_calendar revl_calendar;

typedef struct revl_cal_spec {
  const char *tz;           /* IANA name; NULL or "UTC" for UTC */
  int open_min, close_min;  /* minutes after local midnight, 0 <= open < close <= 1440 */
  unsigned days;            /* working weekdays: bit 0 Monday .. bit 6 Sunday */
  const int32_t *holidays;  /* local dates that are never worked */
  size_t nholidays;
} revl_cal_spec;

/* Check that a zone name is safe and present in the tz database; 0, or
 * REVL_EUSAGE with a message naming the zone. */
int revl_tz_check(const char *name, revl_error *err);

revl_calendar *revl_calendar_new(const revl_cal_spec *s, revl_error *err);
void revl_calendar_free(revl_calendar *c); /* NULL is a no-op */

/* Local date of an instant. */
int32_t revl_cal_day(revl_calendar *c, int64_t t);
/* UTC instant of a local date's midnight. */
int64_t revl_cal_day_start(revl_calendar *c, int32_t day);
/* UTC instant of local date `day` at `secs` seconds after midnight
 * (a time in a DST gap is read as mktime does: moved forward). */
int64_t revl_cal_local(revl_calendar *c, int32_t day, int secs);
/* Offset from UTC in seconds (east positive) at instant t. */
int revl_cal_utc_offset(revl_calendar *c, int64_t t);
/* Is the local date a working day (weekday listed, not a holiday)? */
int revl_cal_is_business_day(revl_calendar *c, int32_t day);
/* Is the calendar open at instant t? */
int revl_cal_is_open(revl_calendar *c, int64_t t);
/* Business seconds in [a, b) (negative when b < a). */
int64_t revl_cal_business_seconds(revl_calendar *c, int64_t a, int64_t b);
/* The instant at which `secs` business seconds after t have elapsed
 * (t itself when secs <= 0). */
int64_t revl_cal_add(revl_calendar *c, int64_t t, int64_t secs);
/* Working days in the local dates (from, to] (negative when to < from). */
int32_t revl_cal_business_days(revl_calendar *c, int32_t from, int32_t to);
/* Length in seconds of a working day's hours (close - open). */
int64_t revl_cal_day_seconds(const revl_calendar *c);
const char *revl_cal_tz(const revl_calendar *c);

/* ---- names and domains (match.c) --------------------------------------- */

/* Company name for matching: lower case ASCII, punctuation dropped
 * (dots join: "S.A." is "sa"), words single-spaced, trailing legal
 * suffixes removed ("Acme, Inc." and "ACME inc" are both "acme").
 * Writes at most cap-1 bytes plus a NUL; returns the length (0 when
 * nothing is left). */
size_t revl_norm_company(const char *s, size_t n, char *out, size_t cap);
/* Domain of an email address, URL or domain: lower case, without
 * scheme, "www.", user, port, path, query or trailing dot
 * ("https://www.Acme.com/path" and "bob@acme.com" are "acme.com").
 * Returns the length, 0 when there is no plausible domain. */
size_t revl_norm_domain(const char *s, size_t n, char *out, size_t cap);
/* Is a normalised domain a free-mail provider (gmail.com, yahoo.co.uk,
 * outlook.com, hotmail.*, icloud.com, aol.com, proton.me, gmx.de...)? */
int revl_is_freemail(const char *dom, size_t n);

enum { REVL_MATCH_NONE = 0, REVL_MATCH_DOMAIN, REVL_MATCH_EMAIL,
       REVL_MATCH_COMPANY };
/* Why a record found no account (REVL_MATCH_NONE). */
enum { REVL_NOMATCH_NOTHING = 0, REVL_NOMATCH_FREEMAIL = 1,
       REVL_NOMATCH_AMBIGUOUS = 2 };
const char *revl_match_method_name(int method);

/* An index of accounts by normalised domain and company name.  Values
 * shared by several accounts are ambiguous and never match. */
typedef struct revl_acct_index revl_acct_index;
/* domain_col / name_col: string columns of accounts, -1 when absent.
 * extra_free: more free-mail domains (normalised), may be NULL. */
revl_acct_index *revl_acct_index_new(revl_table *accounts, int domain_col,
                                     int name_col, const char *const *extra_free,
                                     size_t nextra);
void revl_acct_index_free(revl_acct_index *x);
/* Account row for a record, or -1.  Tries the domain, then the email's
 * domain (both ignoring free-mail domains and falling back to parent
 * domains: eu.acme.com -> acme.com), then the company name.  *method
 * is a REVL_MATCH_*; *why a REVL_NOMATCH_* when nothing matched. */
int32_t revl_acct_index_find(revl_acct_index *x, const char *domain, size_t dn,
                             const char *email, size_t en, const char *company,
                             size_t cn, int *method, int *why);
int revl_acct_index_is_free(const revl_acct_index *x, const char *dom, size_t n);

/* ---- routing (route.c) ------------------------------------------------- */

enum { REVL_ST_OWNER_FIELD, REVL_ST_ACCOUNT, REVL_ST_POOL, REVL_ST_TERRITORY,
       REVL_ST_QUEUE, REVL_ST_REP };
enum { REVL_RR_ORDER, REVL_RR_LOWEST, REVL_RR_WEIGHTED };
enum { REVL_CAP_DAY, REVL_CAP_WEEK, REVL_CAP_MONTH, REVL_NCAPS };

/* Trail events. */
enum {
  REVL_EV_NOMATCH,   /* the rule's criteria did not hold */
  REVL_EV_NA,        /* the rule's strategy found no owner (why: REVL_NA_*) */
  REVL_EV_SKIP,      /* a candidate was skipped (why: REVL_SKIP_*) */
  REVL_EV_PICK,      /* a candidate was chosen (arg: candidates considered) */
  REVL_EV_EXHAUSTED, /* every candidate of a matched rule was skipped */
  REVL_EV_FALLBACK,  /* the record went to the fallback */
  REVL_EV_MATCHED,   /* account matched (arg: account row, why: method) */
  REVL_EV_TEAM       /* territory chose a team (arg: pool index) */
};
enum {
  REVL_NA_NO_VALUE,     /* the owner field is empty */
  REVL_NA_NOT_REP,      /* the owner field names no rep (arg: intern id) */
  REVL_NA_NO_ACCOUNT,   /* no account matched */
  REVL_NA_FREEMAIL,     /* only a free-mail domain, and no company match */
  REVL_NA_AMBIGUOUS,    /* the domain or company matches several accounts */
  REVL_NA_NO_OWNER,     /* the matched account has no owner (arg: account) */
  REVL_NA_NO_TERRITORY, /* no territory entry for the record's values */
  REVL_NA_EMPTY_TEAM    /* the rule's team has no reps (arg: pool index) */
};
enum {
  REVL_SKIP_INACTIVE,   /* reps.active is false */
  REVL_SKIP_OOO,        /* out of office (arg: out_until) */
  REVL_SKIP_CAP_DAY,    /* cap reached (arg: the cap) */
  REVL_SKIP_CAP_WEEK,
  REVL_SKIP_CAP_MONTH
};

typedef struct revl_route_ev {
  int16_t rule;  /* rule index, -1 for the fallback */
  uint8_t kind;  /* REVL_EV_* */
  uint8_t why;   /* REVL_NA_* / REVL_SKIP_* / match method */
  int32_t rep;   /* reps row or -1 */
  int64_t arg;
} revl_route_ev;

typedef struct revl_pool {
  char *key;        /* state key: "team:AE East", "rule:Inbound" */
  char *label;      /* shown in trails: the team or the rule */
  int mode;         /* REVL_RR_* */
  int n;
  int32_t *reps;    /* rows of the reps table, in pool order */
  int64_t *weight;  /* WEIGHTED: thousandths, >= 0 */
  int64_t *cur;     /* WEIGHTED: running weights (smooth weighted RR) */
  int next;         /* ORDER: the member tried first */
} revl_pool;

/* A territory node: one field's values lead to a pool or another node. */
typedef struct revl_terr {
  char *field;
  revl_table *holder;
  int col, via;
  uint32_t *keys;   /* intern ids of the values */
  int32_t *child;   /* >= 0: pool; < 0: node -child-1 */
  int n;
  int has_default;
  int32_t dflt;
} revl_terr;

typedef struct revl_rule {
  char *name;
  revl_crit *crit;        /* NULL: every record */
  int kind;               /* REVL_ST_* */
  revl_table *holder;     /* OWNER_FIELD: the field */
  int col, via;
  int pool;               /* POOL */
  int terr;               /* TERRITORY: root node */
  int32_t rep;            /* REP */
  int queue;              /* QUEUE */
  int overflow_next;      /* all candidates skipped: try the next rule */
} revl_rule;

typedef struct revl_router {
  revl_table *base;       /* the records (leads) */
  revl_table *reps;
  int time_col;           /* datetime column ordering the records, or -1 */
  revl_calendar *cal;     /* local days for caps and absences; NULL: UTC.
                             Borrowed: the owner keeps it alive. */
  revl_rule *rules;
  int nrules;
  revl_pool *pools;
  int npools;
  revl_terr *terrs;
  int nterrs;
  char **queues;
  int nqueues;
  int fallback_queue;     /* queue index, or -1 */
  int32_t fallback_rep;   /* reps row, or -1 */
  /* reps columns (-1 when absent) */
  int rep_active, rep_out;
  /* caps per reps row per period, -1 for none; NULL when no cap */
  int64_t *cap[REVL_NCAPS];
  /* account matching (REVL_ST_ACCOUNT) */
  revl_acct_index *acct;
  int lead_email, lead_domain, lead_company; /* base columns or -1 */
  int owner_from_deals;   /* account owner: latest deal's owner */
  int acct_owner_col;     /* accounts column naming the owner */
  int32_t *acct_owner;    /* account row -> reps row, -1 (built lazily) */
  /* state */
  int64_t *count;         /* assignments per reps row (all runs) */
  int32_t *bucket[REVL_NCAPS]; /* current bucket per reps row */
  int64_t *bucket_n[REVL_NCAPS];
  int64_t last_time;      /* the last record routed */
  uint32_t last_id;       /* its key (intern id) or 0 */
  int64_t routed;         /* records routed (all runs) */
} revl_router;

/* New router over base records and reps (no rules yet); NULL on ENOMEM. */
revl_router *revl_router_new(revl_table *base, revl_table *reps);
void revl_router_free(revl_router *r);
int revl_router_add_pool(revl_router *r, const char *key, const char *label,
                         int mode, const int32_t *reps, const int64_t *weights,
                         int n);
int revl_router_find_pool(const revl_router *r, const char *key);
int revl_router_add_queue(revl_router *r, const char *name);
/* Append a rule (copied; the router takes the criteria); index or < 0. */
int revl_router_add_rule(revl_router *r, const revl_rule *rule);
int revl_router_add_terr(revl_router *r, const revl_terr *t);
/* ---- definitions against the data (route_def.c) ---- */
/* Text field `field` of the records (what: "territory" or "owner"):
 * its holder, via and column, or REVL_EUSAGE with the playbook's
 * message. */
int revl_router_text_field(const revl_table *base, const char *field, const char *what,
                           revl_table **holder, int *via, int *col, revl_error *err);
/* Account matching as a definition names it (NULL: the defaults). */
typedef struct revl_acct_spec {
  const char *email, *domain, *company;       /* lead columns */
  const char *account_domain, *account_name;  /* accounts columns */
  const char *owner_from;                     /* "deals", "owner" or a column */
} revl_acct_spec;
/* The lead columns into r, the owner source, and the accounts' domain
 * and name columns for revl_acct_index_new; REVL_EUSAGE when a named
 * column is missing or no lead column is usable. */
int revl_router_account_cols(revl_router *r, const revl_table *accounts,
                             const revl_acct_spec *sp, int *domain_col, int *name_col,
                             revl_error *err);
/* A new cap array of period p (replacing the old), every rep v (-1
 * none); NULL on ENOMEM.  Then the caps of reps column f (whole numbers,
 * null cells keep theirs), or REVL_EUSAGE ("<pname> cap: ..."). */
int64_t *revl_router_cap_new(revl_router *r, int p, int64_t v);
int revl_router_cap_col(revl_router *r, int p, const char *pname, const char *f,
                        revl_error *err);
/* Forget the state (counters, pointers, caps). */
void revl_router_reset(revl_router *r);
/* Bucket number of a local date for a period (day, Monday week, month),
 * and the first date of a bucket. */
int32_t revl_cap_bucket(int period, int32_t day);
int32_t revl_cap_bucket_start(int period, int32_t bucket);

typedef struct revl_route_result {
  size_t n;
  uint32_t *row;       /* base rows in routing order */
  int32_t *rep;        /* reps row or -1 */
  int32_t *queue;      /* queue index or -1 */
  int16_t *rule;       /* rule index, -1: the fallback */
  int32_t *account;    /* matched account row or -1 */
  uint8_t *method;     /* REVL_MATCH_* */
  int32_t *pool;       /* pool that chose the rep, or -1 */
  uint32_t *ev_off;    /* events of record i: ev[ev_off[i] .. ev_off[i+1]) */
  revl_route_ev *ev;
  size_t nev, capev;
} revl_route_result;

/* Route rows[0..n) (NULL: every row) of r->base in time order (ties by
 * key), continuing r's state.  0, REVL_ENOMEM, or REVL_ESCRIPT when a
 * callback failed (ctx->failed). */
int revl_route(revl_router *r, const uint32_t *rows, size_t n,
               revl_crit_ctx *ctx, revl_route_result *out);
void revl_route_result_free(revl_route_result *res);

/* ---- routing results in words (route_trail.c) -------------------------- */

/* Growing NUL-terminated text; {0} is empty.  Adding returns 0 or
 * REVL_ENOMEM; revl_text_free(NULL) is a no-op. */
typedef struct revl_text {
  char *s;
  size_t n, cap;
} revl_text;
int revl_text_add(revl_text *b, const char *s, size_t n);
int revl_text_puts(revl_text *b, const char *s);
void revl_text_free(revl_text *b);

struct revl_csvw;

/* The id of a reps row ("?" when it has none).  Borrowed. */
const char *revl_route_rep_id(const revl_table *reps, int32_t row);
/* The key of a row, or "row N" (1-based) written into buf. */
const char *revl_row_key(const revl_table *t, size_t row, char *buf, size_t n);
/* Rule name ("fallback" for -1) and strategy words ("round robin",
 * "account owner"...) of a rule index. */
const char *revl_route_rule_name(const revl_router *r, int rule);
const char *revl_route_strategy(const revl_router *r, int rule);
/* Codes of an event ("skipped") and of its reason ("out_of_office",
 * "no_account", the match method), NULL when it has no reason. */
const char *revl_route_event_code(int kind);
const char *revl_route_reason_code(const revl_route_ev *e);
/* "rule 'x': R2 skipped: day cap 3 reached" (the trail's words) and
 * "R2: day cap 3 reached" (the skipped column's). */
void revl_route_ev_text(const revl_router *r, const revl_route_ev *e, char *buf,
                        size_t n);
void revl_route_skip_text(const revl_router *r, const revl_route_ev *e, char *buf,
                          size_t n);
/* Owner of assignment i: a rep id or a queue name (NULL: unassigned);
 * *kind "rep", "queue" or "none". */
const char *revl_route_owner(const revl_router *r, const revl_route_result *o, size_t i,
                             const char **kind);
/* The record's routing time, REVL_NO_TIME without one. */
int64_t revl_route_at(const revl_router *r, size_t row);
/* Candidates the chosen rep was picked among, and reps skipped. */
void revl_route_tally(const revl_route_result *o, size_t i, int64_t *considered,
                      int64_t *skipped);
/* Text of assignment i's skips ("R1: inactive; R2: ...") or of its whole
 * trail (event texts joined by sep; sep_first: sep before the first as
 * well), replacing out's content.  0 or REVL_ENOMEM. */
int revl_route_skipped(const revl_router *r, const revl_route_result *o, size_t i,
                       revl_text *out);
int revl_route_trail(const revl_router *r, const revl_route_result *o, size_t i,
                     const char *sep, int sep_first, revl_text *out);
/* Write the assignments (header and one row each) to an open writer;
 * the caller commits or aborts it.  0 or REVL_ENOMEM. */
int revl_route_write_csv(const revl_router *r, const revl_route_result *o,
                         struct revl_csvw *w);

/* ---- router state files (route_state.c) -------------------------------- */

/* s[0..n) as a JSON string (quotes, \" \\ \n \r \t, other control
 * bytes as \u00XX, everything else as is) appended to b. */
int revl_json_quote(revl_text *b, const char *s, size_t n);
/* The state file's text of r (replacing out's content): {last = {at,
 * id}, pools = {key = {next = id} | {weights = {id = n}} | {}}, reps =
 * {id = {count, day = [first date, n], week, month}}, routed, router,
 * version = 1}, keys in byte order, two-space indents, a final newline.
 * name_json: the router's name already as JSON ("\"inbound\"", 3), or
 * NULL for none.  0 or REVL_ENOMEM. */
int revl_router_state_json(const revl_router *r, const char *name_json, revl_text *out);

/* A state file's text as a tree.  Numbers keep their text (the binding
 * reads them as Lua's tonumber does); members keep file order,
 * duplicates and nulls included (a later member replaces an earlier
 * one, a null removes it, a null in an array is skipped). */
enum { REVL_J_NULL, REVL_J_FALSE, REVL_J_TRUE, REVL_J_NUMBER, REVL_J_STRING,
       REVL_J_ARRAY, REVL_J_OBJECT };
typedef struct revl_jnode {
  int type;
  char *key;                 /* member of an object: its key */
  size_t keylen;
  char *str;                 /* STRING (decoded) and NUMBER (as written) */
  size_t len;
  struct revl_jnode *kids;   /* ARRAY / OBJECT */
  size_t nkids, capkids;
} revl_jnode;

/* Parse s[0..n) into root (free it with revl_jnode_free, also after a
 * failure).  0; REVL_EDATA with *msg ("expected a key", "unterminated
 * string", "bad escape", "expected ':'", "expected ',' or '}'",
 * "unexpected character", "trailing text"...) and *pos the 1-based
 * byte where it was found; REVL_ENOMEM. */
int revl_state_parse(const char *s, size_t n, revl_jnode *root, const char **msg,
                     size_t *pos);
void revl_jnode_free(revl_jnode *v);

/* ---- history lookups (funnel.c) ---------------------------------------- */

/* Among rows of `child` whose foreign key column fk points at target
 * row `r`: the latest datetime in column `at` (REVL_NO_TIME when none).
 * When stage_col >= 0 and stage_id != 0 only rows with that string in
 * stage_col count. */
int64_t revl_child_latest(const revl_table *child, int fk, int at, size_t r,
                          int stage_col, uint32_t stage_id);
/* The earliest datetime `at` >= from among child rows pointing at r
 * whose string column type_col holds one of types[0..ntypes) (sorted;
 * ntypes 0: any type).  REVL_NO_TIME when none; *which gets its row. */
int64_t revl_child_first_after(const revl_table *child, int fk, int at,
                               size_t r, int64_t from, int type_col,
                               const uint32_t *types, size_t ntypes,
                               int32_t *which);

/* ---- funnels (funnel.c) ------------------------------------------------ */

typedef struct revl_fstage {
  char *name;
  revl_crit *entry, *exit;   /* NULL: always / never */
  uint32_t *values;          /* recorded values meaning this stage */
  int nvalues;
  int *req_col, *req_via;    /* required fields (cumulative) */
  revl_table **req_holder;
  char **req_name;
  int nreq;
  int entered_col;           /* base datetime/date column: stage entry time */
  int sla_days;              /* -1: none */
  uint32_t role;             /* owner role (intern id) or 0 */
  uint32_t forecast;         /* forecast category (intern id) or 0 */
} revl_fstage;

typedef struct revl_funnel {
  revl_table *base;
  revl_fstage *stages;
  int nstages;
  int stage_col;             /* recorded stage (string) */
  uint32_t *terminal;        /* recorded values outside the funnel */
  int nterminal;
  /* stage history: child rows of base through hist_fk */
  revl_table *hist;
  int hist_fk, hist_at, hist_stage;
  int owner_col;             /* base column -> reps, or -1 */
  int owner_role_col;        /* reps column "role", or -1 */
  int forecast_col;          /* base column, or -1 */
  revl_calendar *cal;        /* business days; NULL: calendar days */
} revl_funnel;

enum { REVL_FA_UNKNOWN = -1, REVL_FA_TERMINAL = -2 };

typedef struct revl_faudit {
  uint32_t row;
  int recorded;              /* stage index, REVL_FA_UNKNOWN, REVL_FA_TERMINAL */
  int furthest;              /* furthest stage whose entry holds, -1 none */
  int entry_met;             /* recorded stage's entry criteria hold */
  int exit_met;              /* recorded stage's exit criteria hold */
  uint64_t missing;          /* bit i: required field i of the stage missing */
  int64_t entered;           /* when the stage was entered, REVL_NO_TIME */
  int32_t days;              /* days in stage, -1 unknown */
  int sla_breached;
  int role_mismatch;         /* owner's role differs from the stage's */
  uint32_t owner_role;       /* intern id of the owner's role or 0 */
  int forecast_mismatch;
} revl_faudit;

/* Audit rows (NULL: all) of f->base as of `as_of` (a date).  out has
 * room for n.  0, or REVL_ESCRIPT when a callback failed. */
int revl_funnel_audit(revl_funnel *f, const uint32_t *rows, size_t n,
                      int32_t as_of, revl_crit_ctx *ctx, revl_faudit *out);

/* The violations of an audit row in words.  Codes: unknown_stage,
 * entry_not_met (the failing entry criteria named), behind,
 * missing_fields, sla_breached, owner_role, forecast_category. */
#define REVL_FV_MAX 8
typedef struct revl_fviolation {
  const char *code;          /* static */
  char reason[512];
} revl_fviolation;

typedef struct revl_fverdict {
  int n;                     /* violations in v[0..n), in this order */
  revl_fviolation v[REVL_FV_MAX];
  revl_text missing;         /* missing required fields, ", " joined */
  int nmissing;
  revl_text failing;         /* scratch */
} revl_fverdict;

/* Declare f's stage order on its store (revl/stage_order.h): each
 * stage's values in stage order, then the terminal values, for
 * f->base's stage column; source "funnel '<name>'".  0 or REVL_ENOMEM. */
int revl_funnel_declare_order(revl_funnel *f, const char *name);

/* "open" (a funnel stage), "closed" (terminal) or "unknown". */
const char *revl_funnel_status(const revl_faudit *a);
/* Fill v (zeroed once by the caller, reused across rows) for audit row
 * a of f.  Entry criteria are evaluated again to name those that fail.
 * 0, REVL_ENOMEM, or REVL_ESCRIPT when a callback failed. */
int revl_funnel_verdict(revl_funnel *f, const revl_faudit *a, revl_crit_ctx *ctx,
                        revl_fverdict *v);
void revl_fverdict_done(revl_fverdict *v); /* frees the texts; NULL no-op */

/* ---- definitions against the data (funnel.c, sla.c) --------------------- */

/* Column `name` of t for definition key `key` (dflt when name is NULL),
 * of type want (-1: any): *col, or -1 when there is none (NULL names,
 * or a default that t lacks or types otherwise); an explicit name (or
 * a required one) that t lacks or types otherwise is REVL_EUSAGE with
 * the message playbooks see. */
int revl_def_col(const revl_table *t, const char *key, const char *name, const char *dflt,
                 int want, int required, int *col, revl_error *err);
/* Column `field` of t as the date or datetime a definition's `what`
 * names ("entered", "start"): *col, or REVL_EUSAGE ("entered: deals has
 * no column ...", "start: 'x' is int, not <kind>"). */
int revl_def_time_col(const revl_table *t, const char *what, const char *field,
                      const char *kind, int *col, revl_error *err);
/* The funnel's owner for owner roles: column oc of f->base when it
 * references a table with a role column; an explicit owner that does
 * not is REVL_EUSAGE. */
int revl_funnel_owner(revl_funnel *f, int oc, int explicit_owner, revl_error *err);
/* The stage history h (NULL when not loaded) of f->base: its reference
 * to the base, entered_at (datetime or date) and stage columns; want 1
 * makes a missing or unusable history REVL_EUSAGE, -1 takes it when
 * usable. */
int revl_funnel_history(revl_funnel *f, revl_table *h, int want, revl_error *err);

/* ---- SLAs (sla.c) ------------------------------------------------------ */

typedef struct revl_sla_kind {
  char *name;
  revl_crit *when;           /* NULL: every record */
  int start_col;             /* base datetime column */
  int stop_col;              /* base datetime column or -1 */
  uint32_t *types;           /* activity types stopping the clock (sorted) */
  size_t ntypes;
  int use_acts;              /* stop at the first activity (of types) */
  int64_t target;            /* seconds of business time */
} revl_sla_kind;

typedef struct revl_sla {
  revl_table *base;
  revl_sla_kind *kinds;
  int nkinds;
  revl_table *acts;          /* activities, or NULL */
  int act_fk, act_at, act_type;
  revl_calendar *cal;        /* NULL: around the clock, UTC */
  int owner_col;             /* base text column naming the owner, or -1 */
  int team_col;              /* column "team" of the table owner_col
                                references, or -1 */
} revl_sla;

enum { REVL_SLA_MET, REVL_SLA_BREACHED, REVL_SLA_OPEN, REVL_SLA_OPEN_BREACHED };

typedef struct revl_sla_row {
  uint32_t row;
  int kind;
  int64_t start, stop;       /* stop REVL_NO_TIME while open */
  int32_t act_row;           /* the activity that stopped it, or -1 */
  int64_t secs;              /* business seconds start..stop (or ..now) */
  int status;                /* REVL_SLA_* */
  const char *owner, *team;  /* the record's owner and the owner's team,
                                NULL when unknown (borrowed: the store's) */
} revl_sla_row;

/* Measure rows (NULL: all) of s->base at instant `now`.  A record is
 * measured by the first kind whose criteria hold and that has a start
 * time.  out has room for n; *nout gets how many were measured.  0, or
 * REVL_ESCRIPT when a callback failed. */
int revl_sla_measure(revl_sla *s, const uint32_t *rows, size_t n, int64_t now,
                     revl_crit_ctx *ctx, revl_sla_row *out, size_t *nout);
/* The SLA's owner (base column oc, -1 none) and the owner's team (column
 * "team" of the table it references, when text). */
void revl_sla_owner(revl_sla *s, int oc);
/* The activities table acts (NULL when not loaded) stopping s's clocks:
 * the reference `via` (NULL: the first) to s->base, an "at" datetime
 * and a text "type".  A bad via is REVL_EUSAGE; activities without
 * what they need leave s->acts NULL. */
int revl_sla_activities(revl_sla *s, revl_table *acts, const char *via, revl_error *err);
/* Sort kd->types for binary search. */
void revl_sla_kind_sort(revl_sla_kind *kd);
/* "met", "breached", "open", "open_breached"; is a status a breach? */
const char *revl_sla_status_name(int status);
int revl_sla_is_breach(int status);
/* A time as minutes, the way the ledger shows it: whole minutes
 * (*whole, returns 1) or the figure rounded to the hundredth (*frac,
 * returns 0). */
int revl_minutes(int64_t secs, int64_t *whole, double *frac);

#endif
