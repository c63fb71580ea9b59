/*
 * gen_int.h -- what the parts of the data generator share (src/gen/):
 * the seeded random streams, the generator state, the CSV field
 * formatters and the entities each part builds.  Internal to src/gen/;
 * the public interface is revl/gen.h.
 *
 * The random numbers and formatters are static inline: they run per
 * field of every row, in every part.
 */
#ifndef REVL_GEN_INT_H
#define REVL_GEN_INT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "revl/csvw.h"
#include "revl/gen.h"
#include "revl/parse.h"
#include "revl/rng.h"

#define DAY 86400
#define NCOUNTRY 30
#define NINDUSTRY 12
#define SUB_MAX 120 /* months of subscription history kept */
#define NO_DAY INT32_MAX

/* ---- random numbers ------------------------------------------------------ */

typedef revl_rng rng; /* the generator of revl.random (revl/rng.h) */

static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Streams: one per kind of entity. */
enum {
  S_REP = 1,
  S_ACCT,
  S_DEAL,
  S_LEAD,
  S_SUB,
  S_USAGE,
  S_ACT_DEAL,
  S_ACT_LEAD,
  S_NAMES
};

static inline void rng_init(rng *r, uint64_t seed, uint64_t stream, uint64_t idx) {
  uint64_t x = mix64(seed + 0x9E3779B97F4A7C15ULL) ^
               mix64((stream << 48) ^ idx ^ 0x243F6A8885A308D3ULL);
  for (int k = 0; k < 4; k++) {
    x += 0x9E3779B97F4A7C15ULL;
    r->s[k] = mix64(x);
  }
}

static inline uint64_t rnext(rng *r) { return revl_rng_next(r); }

/* Uniform in [0, n). */
static inline uint64_t below(rng *r, uint64_t n) {
  if (n == 0) return 0;
  if (n <= 0xFFFFFFFFULL) return ((rnext(r) >> 32) * n) >> 32;
  return rnext(r) % n;
}

/* Uniform in [lo, hi] (lo when hi < lo). */
static inline int64_t rrange(rng *r, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + (int64_t)below(r, (uint64_t)(hi - lo) + 1);
}

static inline int chance(rng *r, unsigned permille) { return below(r, 1000) < permille; }

static inline double unif01(rng *r) {
  return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double gauss(rng *r) {
  double u1 = (double)((rnext(r) >> 11) + 1) * (1.0 / 9007199254740992.0);
  double u2 = unif01(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static inline double lognorm(rng *r, double median, double sigma) {
  return median * exp(sigma * gauss(r));
}

static inline int wpick(rng *r, const unsigned short *w, int n) {
  unsigned tot = 0;
  for (int i = 0; i < n; i++) tot += w[i];
  unsigned x = (unsigned)below(r, tot);
  for (int i = 0; i < n; i++) {
    if (x < w[i]) return i;
    x -= w[i];
  }
  return n - 1;
}

#define WPICK(r, w) wpick((r), (w), (int)(sizeof(w) / sizeof((w)[0])))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* n strictly increasing values in [lo, hi] (hi >= lo + n - 1 assumed;
 * otherwise the tail may pass hi by a few units). */
static inline void spread(rng *r, int64_t lo, int64_t hi, int n, int64_t *out) {
  int64_t top = hi - (n - 1);
  if (top < lo) top = lo;
  for (int i = 0; i < n; i++) {
    int64_t v = rrange(r, lo, top);
    int j = i;
    while (j > 0 && out[j - 1] > v) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = v;
  }
  for (int i = 0; i < n; i++) out[i] += i;
}


/* ---- reference data (enums shared by the parts) -------------------------- */

enum { R_NA, R_EMEA, R_APAC };
enum { SEG_SMB, SEG_MID, SEG_ENT };
enum { IND_SOFTWARE = 0, IND_FINTECH = 1 };

/* Deal stages in funnel order. */
enum { ST_PROSPECT, ST_DISCOVERY, ST_DEMO, ST_PROPOSAL, ST_NEGOTIATION,
       ST_WON, ST_LOST };

/* Rep roles. */
enum { ROLE_AE, ROLE_SDR, ROLE_CSM, ROLE_MGR };

typedef struct country {
  const char *code, *name, *tld;
  unsigned char region;
  unsigned short weight;
  const char *sfx[4]; /* legal suffixes, most common first */
} country;

/* gen_names.c */
extern const country GEN_COUNTRY[NCOUNTRY];
extern const char *const GEN_FIRST[];
extern const char *const GEN_LAST[];
extern const size_t GEN_NFIRST, GEN_NLAST;

/* ---- generator state ----------------------------------------------------- */

typedef struct acct_info {
  int32_t emp, created, owner;
  uint8_t seg, country, region;
} acct_info;

typedef struct idlist {
  int32_t *v;
  int64_t n;
} idlist;

typedef struct gen {
  const revl_gen_opts *o;
  int format;
  uint64_t seed;
  int32_t as_of;
  int64_t now; /* as_of at 00:00:00 UTC */
  int64_t nacct, ndeal, nlead, nrep;
  int w_acct, w_deal, w_lead, w_rep, w_act;
  /* reps */
  uint8_t *rep_role, *rep_region;
  int32_t *rep_mgr;   /* an AE's manager, -1 for none and for other roles */
  int64_t *rep_quota; /* annual quota in cents (a manager's: its AEs'
                         roll-up), -1 for none */
  idlist ae[3], ae_all, sdr[3], sdr_all, mgr[3], mgr_all;
  /* accounts */
  acct_info *ai;
  uint64_t *alias_q, totw; /* Walker alias table over account weights */
  int32_t *alias_j;
  uint64_t name_c, name_p, name_off;
  /* filled by the deal pass */
  int32_t *won_day;
  int64_t *won_amt;
  /* formatted dates for [date_lo, date_lo + date_n) */
  int32_t date_lo, date_n;
  char *dates;
  int64_t act_id;
  /* output */
  revl_csvw *w_deals, *w_hist, *w_acts;
  char path[4400];
  char dir[4200]; /* the directory the tables go to: o->out or a snapshot's */
} gen;


/* ---- formatting ---------------------------------------------------------- */

/* Decimal digits of v, right-aligned and zero-padded to width (at most
 * 20 digits). */
static inline size_t fmt_pad(char *b, uint64_t v, int width) {
  static const char DIGITS2[] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536"
  "37383940414243444546474849505152535455565758596061626364656667686970717273"
  "7475767778798081828384858687888990919293949596979899";
  char t[24];
  char *e = t + sizeof t, *p = e;
  while (v >= 100) {
    unsigned k = (unsigned)(v % 100) * 2;
    v /= 100;
    *--p = DIGITS2[k + 1];
    *--p = DIGITS2[k];
  }
  if (v >= 10) {
    *--p = DIGITS2[v * 2 + 1];
    *--p = DIGITS2[v * 2];
  } else {
    *--p = (char)('0' + v);
  }
  while (e - p < width && p > t) *--p = '0';
  memcpy(b, p, (size_t)(e - p));
  return (size_t)(e - p);
}

static inline size_t fmt_u(char *b, uint64_t v) { return fmt_pad(b, v, 0); }

static inline int digits_of(uint64_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    d++;
  }
  return d;
}

static inline void put(revl_csvw *w, const char *s) { revl_csvw_field(w, s, strlen(s)); }
static inline void put_empty(revl_csvw *w) { revl_csvw_field(w, "", 0); }
static inline void put_bool(revl_csvw *w, int v) { put(w, v ? "true" : "false"); }

static inline void put_u(revl_csvw *w, uint64_t v) {
  char b[24];
  revl_csvw_field(w, b, fmt_u(b, v));
}

static inline void put_id(revl_csvw *w, char prefix, uint64_t n, int width) {
  char b[32];
  b[0] = prefix;
  revl_csvw_field(w, b, 1 + fmt_pad(b + 1, n, width));
}

/* An optional reference: the id of record i (0-based), empty when i < 0. */
static inline void put_ref(revl_csvw *w, char prefix, int64_t i, int width) {
  if (i >= 0)
    put_id(w, prefix, (uint64_t)i + 1, width);
  else
    put_empty(w);
}

static inline void put_money(revl_csvw *w, int64_t cents) {
  char b[32];
  size_t n = 0;
  uint64_t m = cents < 0 ? 0 - (uint64_t)cents : (uint64_t)cents;
  if (cents < 0) b[n++] = '-';
  n += fmt_u(b + n, m / 100);
  b[n++] = '.';
  b[n++] = (char)('0' + m / 10 % 10);
  b[n++] = (char)('0' + m % 10);
  revl_csvw_field(w, b, n);
}

static inline int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* "YYYY-MM-DD" into b (10 bytes, more only for years past 9999). */
static inline size_t fmt_date(const gen *g, char *b, int32_t day) {
  int64_t k = (int64_t)day - g->date_lo;
  if (k >= 0 && k < g->date_n) {
    memcpy(b, g->dates + k * 10, 10);
    return 10;
  }
  char t[32];
  int n = revl_format_date(day, t, sizeof t);
  if (n < 0) n = 0;
  if (n > 24) n = 24;
  memcpy(b, t, (size_t)n);
  return (size_t)n;
}

static inline void put_date(const gen *g, revl_csvw *w, int32_t day) {
  char b[32];
  revl_csvw_field(w, b, fmt_date(g, b, day));
}

static inline void two(char *b, int v) {
  b[0] = (char)('0' + v / 10);
  b[1] = (char)('0' + v % 10);
}

enum { DT_ISO, DT_SF, DT_HS };

/* A UTC datetime: DT_ISO "2024-01-05T10:00:00Z", DT_SF
 * "2024-01-05T10:00:00.000+0000", DT_HS "2024-01-05 10:00". */
static inline void put_dt(const gen *g, revl_csvw *w, int64_t secs, int style) {
  char b[48];
  int64_t day = floordiv(secs, DAY);
  int sod = (int)(secs - day * DAY);
  size_t n = fmt_date(g, b, (int32_t)day);
  b[n++] = style == DT_HS ? ' ' : 'T';
  two(b + n, sod / 3600);
  b[n + 2] = ':';
  two(b + n + 3, sod / 60 % 60);
  n += 5;
  if (style != DT_HS) {
    b[n++] = ':';
    two(b + n, sod % 60);
    n += 2;
  }
  if (style == DT_ISO) {
    b[n++] = 'Z';
  } else if (style == DT_SF) {
    memcpy(b + n, ".000+0000", 9);
    n += 9;
  }
  revl_csvw_field(w, b, n);
}

static inline void put_header(revl_csvw *w, const char *cols) {
  const char *p = cols;
  for (;;) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    revl_csvw_field(w, p, n);
    if (!c) break;
    p = c + 1;
  }
  revl_csvw_end(w);
}


/* ---- entities ------------------------------------------------------------ */

typedef struct cname {
  char base[96]; /* name without legal suffix */
  char stem[80]; /* lowercase letters for the domain */
  char name[128];
  const char *suffix; /* NULL when none */
} cname;

typedef struct rep {
  int role, region, active, east;
  int64_t first, last; /* name indexes */
  int32_t out_until;   /* NO_DAY when none */
  int capacity;
  int64_t quota; /* cents */
  const char *tz;
} rep;

typedef struct acct {
  cname cn;
  char domain[96]; /* "" when unknown */
  int industry, country, seg;
  int32_t emp, created;
  int64_t created_sec, revenue; /* revenue -1 when unknown */
  int64_t parent;               /* -1 when none */
  int32_t owner;
} acct;

typedef struct deal {
  int32_t acct, owner;
  int stage, last_open, n, newbiz;
  int32_t created, close;
  int64_t amount, created_sec, close_sec;
  /* stage history */
  int64_t t[8], amt[8];
  int32_t cd[8];
  uint8_t st[8];
} deal;

typedef struct lead {
  char company[160], email[200], domain[96];
  int country, source, status;
  int32_t owner;                   /* -1 unassigned */
  int64_t created, mql, sql, conv; /* -1 none */
  int64_t conv_acct, conv_deal;    /* -1 none */
} lead;

/* ---- the parts ------------------------------------------------------------ */

/* gen_names.c: names, domains and emails. */
void gen_cname_build(const gen *g, uint64_t combo, int ctry, rng *r, cname *c);
void gen_make_domain(const cname *c, int ctry, int ind, rng *r, char *out,
                     size_t size);
int gen_country_pick(rng *r);
void gen_email_local(rng *r, char *out, size_t size, int freemail);
void gen_company_variant(rng *r, const acct *a, char *out, size_t size);
void gen_str_case(char *s, int upper);
/* How many company names there are (see gen_cname_build). */
uint64_t gen_name_combos(void);

/* gen_sales.c: reps, accounts, deals and stage history. */
void gen_rep_make(const gen *g, int64_t i, rep *p);
void gen_acct_make(const gen *g, int64_t i, acct *a);
/* With head_only, only acct, owner, created and created_sec are set. */
void gen_deal_make(const gen *g, int64_t i, deal *d, int head_only);
int32_t gen_pick_sdr(const gen *g, rng *r, int region);
int32_t gen_pick_ae(const gen *g, rng *r, int region);
void gen_deal_headers(const gen *g, revl_csvw *deals, revl_csvw *hist);
void gen_write_deal_row(const gen *g, revl_csvw *w, int64_t i, const deal *d);
int64_t gen_write_history_rows(const gen *g, revl_csvw *w, int64_t i,
                               const deal *d);
int gen_write_reps(gen *g, revl_error *err);
int gen_write_accounts(gen *g, revl_error *err);
int gen_write_deals(gen *g, revl_error *err);

/* gen_leads.c: leads and activities. */
void gen_write_deal_activities(gen *g, int64_t i, const deal *d);
int gen_write_leads(gen *g, revl_error *err);

/* gen_cs.c: subscriptions and usage. */
int gen_write_subscriptions(gen *g, revl_error *err);

/* gen_snap.c: deals and stage history as they stood on other dates. */
int gen_write_snapshots(gen *g, revl_error *err);

/* gen.c: a table under g->dir, written atomically. */
revl_csvw *gen_open_table(gen *g, const char *name, revl_error *err);
int gen_commit_table(gen *g, revl_csvw **w, const char *name, int64_t rows,
                     revl_error *err);

#endif
