/*
 * gen.c -- the deterministic CRM data generator (see revl/gen.h and
 * docs/gen.md for the columns and distributions).
 *
 * Every entity is a pure function of (seed, table, index): each account,
 * deal, lead, subscription and activity list seeds its own xoshiro256**
 * state from splitmix64, so any row can be rebuilt anywhere (a lead that
 * converted rebuilds its deal; a deal's row, its stage history and its
 * activities come from one build) and nothing depends on the order the
 * tables are written in.  Only a few per-account and per-rep arrays are
 * allocated, once; rows go straight to the CSV writers.
 */
#include "revl/gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/csvw.h"
#include "revl/parse.h"

#define DAY 86400
#define NCOUNTRY 30
#define NINDUSTRY 12
#define SUB_MAX 120 /* months of subscription history kept */
#define NO_DAY INT32_MAX

/* ---- random numbers ------------------------------------------------------ */

typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t mix64(uint64_t z) {
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

static void rng_init(rng *r, uint64_t seed, uint64_t stream, uint64_t idx) {
  uint64_t x = mix64(seed + 0x9E3779B97F4A7C15ULL) ^
               mix64((stream << 48) ^ idx ^ 0x243F6A8885A308D3ULL);
  for (int k = 0; k < 4; k++) {
    x += 0x9E3779B97F4A7C15ULL;
    r->s[k] = mix64(x);
  }
}

static uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnext(rng *r) {
  uint64_t *s = r->s;
  uint64_t res = rotl64(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl64(s[3], 45);
  return res;
}

/* Uniform in [0, n). */
static uint64_t below(rng *r, uint64_t n) {
  if (n == 0) return 0;
  if (n <= 0xFFFFFFFFULL) return ((rnext(r) >> 32) * n) >> 32;
  return rnext(r) % n;
}

/* Uniform in [lo, hi] (lo when hi < lo). */
static int64_t rrange(rng *r, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + (int64_t)below(r, (uint64_t)(hi - lo) + 1);
}

static int chance(rng *r, unsigned permille) { return below(r, 1000) < permille; }

static double unif01(rng *r) {
  return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double gauss(rng *r) {
  double u1 = (double)((rnext(r) >> 11) + 1) * (1.0 / 9007199254740992.0);
  double u2 = unif01(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double lognorm(rng *r, double median, double sigma) {
  return median * exp(sigma * gauss(r));
}

static int wpick(rng *r, const unsigned short *w, int n) {
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
static void spread(rng *r, int64_t lo, int64_t hi, int n, int64_t *out) {
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

/* ---- reference data ------------------------------------------------------ */

enum { R_NA, R_EMEA, R_APAC };
static const char *const REGION[] = {"NA", "EMEA", "APAC"};

typedef struct country {
  const char *code, *name, *tld;
  unsigned char region;
  unsigned short weight;
  const char *sfx[4]; /* legal suffixes, most common first */
} country;

static const country COUNTRY[NCOUNTRY] = {
    {"US", "United States", "com", R_NA, 380, {"Inc", "LLC", "Corp", "Inc."}},
    {"CA", "Canada", "ca", R_NA, 50, {"Inc", "Ltd", "Corp", "Inc."}},
    {"GB", "United Kingdom", "co.uk", R_EMEA, 80, {"Ltd", "Limited", "PLC", "Ltd."}},
    {"DE", "Germany", "de", R_EMEA, 60, {"GmbH", "AG", "SE", "GmbH & Co. KG"}},
    {"FR", "France", "fr", R_EMEA, 40, {"SAS", "SA", "SARL", "S.A.S."}},
    {"NL", "Netherlands", "nl", R_EMEA, 30, {"BV", "B.V.", "NV", "N.V."}},
    {"ES", "Spain", "es", R_EMEA, 20, {"SL", "SA", "S.L.", "S.A."}},
    {"IT", "Italy", "it", R_EMEA, 20, {"SRL", "SpA", "S.r.l.", "S.p.A."}},
    {"SE", "Sweden", "se", R_EMEA, 20, {"AB", "AB (publ)", "AB", "AB"}},
    {"NO", "Norway", "no", R_EMEA, 10, {"AS", "ASA", "AS", "A/S"}},
    {"DK", "Denmark", "dk", R_EMEA, 10, {"ApS", "A/S", "ApS", "A/S"}},
    {"FI", "Finland", "fi", R_EMEA, 10, {"Oy", "Oyj", "Oy", "Ab Oy"}},
    {"IE", "Ireland", "ie", R_EMEA, 20, {"Ltd", "Limited", "DAC", "Ltd."}},
    {"CH", "Switzerland", "ch", R_EMEA, 20, {"AG", "GmbH", "SA", "SARL"}},
    {"AT", "Austria", "at", R_EMEA, 10, {"GmbH", "AG", "GmbH", "Ges.m.b.H."}},
    {"BE", "Belgium", "be", R_EMEA, 10, {"NV", "BV", "SA", "SRL"}},
    {"PL", "Poland", "pl", R_EMEA, 10, {"Sp. z o.o.", "SA", "S.A.", "sp. z o.o."}},
    {"PT", "Portugal", "pt", R_EMEA, 10, {"Lda", "SA", "Lda.", "S.A."}},
    {"BR", "Brazil", "com.br", R_NA, 30, {"Ltda", "S.A.", "Ltda.", "SA"}},
    {"MX", "Mexico", "com.mx", R_NA, 20, {"S.A. de C.V.", "SA de CV", "S. de R.L.", "S.A.P.I. de C.V."}},
    {"AR", "Argentina", "com.ar", R_NA, 10, {"S.A.", "SRL", "SA", "S.R.L."}},
    {"AU", "Australia", "com.au", R_APAC, 40, {"Pty Ltd", "Pty. Ltd.", "Ltd", "Limited"}},
    {"NZ", "New Zealand", "co.nz", R_APAC, 10, {"Ltd", "Limited", "Ltd.", "Ltd"}},
    {"JP", "Japan", "jp", R_APAC, 30, {"KK", "Co. Ltd.", "K.K.", "Inc."}},
    {"SG", "Singapore", "sg", R_APAC, 20, {"Pte Ltd", "Pte. Ltd.", "Ltd", "Pte Ltd"}},
    {"IN", "India", "in", R_APAC, 30, {"Pvt Ltd", "Private Limited", "Ltd", "Pvt. Ltd."}},
    {"KR", "South Korea", "co.kr", R_APAC, 10, {"Co. Ltd.", "Inc.", "Corp", "Co. Ltd"}},
    {"ZA", "South Africa", "co.za", R_EMEA, 10, {"(Pty) Ltd", "Pty Ltd", "Ltd", "(Pty) Ltd."}},
    {"AE", "United Arab Emirates", "ae", R_EMEA, 10, {"LLC", "FZE", "FZ-LLC", "L.L.C."}},
    {"IL", "Israel", "co.il", R_EMEA, 10, {"Ltd", "Ltd.", "Inc", "Ltd"}},
};

static const char *const INDUSTRY[NINDUSTRY] = {
    "Software",  "Fintech",   "Healthcare", "Manufacturing",
    "Retail",    "Education", "Media",      "Logistics",
    "Energy",    "Telecom",   "Insurance",  "Government"};
static const unsigned short INDUSTRY_W[NINDUSTRY] = {180, 80, 100, 120, 100, 60,
                                                     60,  70, 50,  50,  60,  50};
enum { IND_SOFTWARE = 0, IND_FINTECH = 1 };

enum { SEG_SMB, SEG_MID, SEG_ENT };
static const char *const SEGMENT[] = {"SMB", "Mid-Market", "Enterprise"};

static const char *const NAME_A[] = {
    "North",  "South",   "East",    "West",    "Blue",     "Red",     "Green",
    "Silver", "Gold",    "Iron",    "Stone",   "Bright",   "Clear",   "Swift",
    "Rapid",  "Summit",  "Apex",    "Peak",    "Pine",     "Oak",     "Cedar",
    "Maple",  "River",   "Lake",    "Ocean",   "Harbor",   "Bay",     "Cloud",
    "Sky",    "Star",    "Sun",     "Moon",    "Nova",     "Terra",   "Aqua",
    "Quantum", "Vector", "Pixel",   "Data",    "Signal",   "Bold",    "True",
    "Prime",  "First",   "Next",    "Open",    "Smart",    "Deep",    "High",
    "Grand",  "Silent",  "Wild",    "Urban",   "Metro",    "Global",  "Atlas",
    "Orbit",  "Polar",   "Crystal", "Granite", "Copper",   "Cobalt",  "Amber",
    "Falcon", "Eagle",   "Hawk",    "Fox",     "Wolf",     "Bear",    "Lion",
    "Tiger",  "Raven",   "Birch",   "Willow",  "Aspen",    "Elm",     "Delta",
    "Echo",   "Zen",     "Lumen",   "Sol",     "Vista",    "Crest",   "Arc",
    "Flux",   "Helix",   "Ion",     "Neo",     "Omni",     "Pro",     "Key",
    "Frontier", "Beacon", "Horizon", "Cypress", "Ember"};

static const char *const NAME_B[] = {
    "Wind",   "Harbor", "Stone",  "Field",  "Bridge", "Gate",   "Point",
    "Line",   "Works",  "Path",   "Ridge",  "Brook",  "Wood",   "Light",
    "Forge",  "Wave",   "Spark",  "View",   "Crest",  "Peak",   "Port",
    "Shore",  "Land",   "Hill",   "Vale",   "Mark",   "Way",    "Star",
    "Rock",   "Leaf",   "Bloom",  "Fire",   "Flow",   "Grid",   "Hub",
    "Loop",   "Mind",   "Nest",   "Pulse",  "Root",   "Scape",  "Shift",
    "Side",   "Sphere", "Stream", "Tide",   "Tree",   "Trail",  "Vault",
    "Wing",   "Bell",   "Bird",   "Craft",  "Dale",   "Dock",   "Edge",
    "Fall",   "Fort",   "Glen",   "Haven",  "Lane",   "Mill",   "Moor",
    "Run",    "Sail",   "Ship",   "Song",   "Span",   "Stack",  "Stead",
    "Ton",    "Tower",  "Ville",  "Ware",   "Water",  "Well",   "Wick",
    "Yard",   "Cliff",  "Cove",   "Creek",  "Dune",   "Ford",   "Grove",
    "Heath",  "Isle",   "Meadow", "Mount",  "Park",   "Pond",   "Reef",
    "Spring", "Bay",    "Gear",   "Beam",   "Frame"};

static const char *const NAME_D[] = {
    "Labs",      "Systems",  "Solutions", "Technologies", "Analytics",
    "Health",    "Logistics", "Energy",   "Media",        "Capital",
    "Networks",  "Software", "Group",     "Partners",     "Industries",
    "Dynamics",  "Digital",  "Security",  "Robotics",     "Foods",
    "Motors",    "Consulting", "Studios", "Bio"};

static const char *const FIRST[] = {
    "James",   "Mary",    "John",    "Patricia", "Robert",  "Jennifer",
    "Michael", "Linda",   "William", "Elizabeth", "David",  "Barbara",
    "Richard", "Susan",   "Joseph",  "Jessica",  "Thomas",  "Sarah",
    "Charles", "Karen",   "Daniel",  "Nancy",    "Matthew", "Lisa",
    "Anthony", "Betty",   "Mark",    "Sandra",   "Paul",    "Ashley",
    "Steven",  "Emily",   "Andrew",  "Donna",    "Joshua",  "Michelle",
    "Kevin",   "Carol",   "Brian",   "Amanda",   "Lukas",   "Sophie",
    "Jonas",   "Lena",    "Mateo",   "Lucia",    "Hiroshi", "Yuki",
    "Wei",     "Mei",     "Arjun",   "Priya",    "Omar",    "Fatima",
    "Noah",    "Olivia",  "Liam",    "Emma",     "Ethan",   "Ava",
    "Lars",    "Ingrid",  "Pierre",  "Camille"};

static const char *const LAST[] = {
    "Smith",    "Johnson",  "Williams", "Brown",     "Jones",    "Garcia",
    "Miller",   "Davis",    "Rodriguez", "Martinez", "Hernandez", "Lopez",
    "Gonzalez", "Wilson",   "Anderson", "Thomas",    "Taylor",   "Moore",
    "Jackson",  "Martin",   "Lee",      "Perez",     "Thompson", "White",
    "Harris",   "Sanchez",  "Clark",    "Ramirez",   "Lewis",    "Robinson",
    "Walker",   "Young",    "Allen",    "King",      "Wright",   "Scott",
    "Torres",   "Nguyen",   "Hill",     "Flores",    "Green",    "Adams",
    "Nelson",   "Baker",    "Hall",     "Rivera",    "Campbell", "Mitchell",
    "Carter",   "Roberts",  "Mueller",  "Schmidt",   "Schneider", "Fischer",
    "Weber",    "Dubois",   "Moreau",   "Rossi",     "Tanaka",   "Suzuki",
    "Kim",      "Park",     "Patel",    "Sharma",    "Cohen",    "Larsen"};

static const char *const FREEMAIL[] = {"gmail.com",   "yahoo.com",
                                       "outlook.com", "hotmail.com",
                                       "icloud.com",  "aol.com"};
static const unsigned short FREEMAIL_W[] = {50, 15, 15, 10, 7, 3};

/* Deal stages in funnel order. */
enum { ST_PROSPECT, ST_DISCOVERY, ST_DEMO, ST_PROPOSAL, ST_NEGOTIATION,
       ST_WON, ST_LOST };
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

/* Rep roles. */
enum { ROLE_AE, ROLE_SDR, ROLE_CSM, ROLE_MGR };
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

/* Subscriptions. */
static const char *const PLAN[] = {"Starter", "Growth", "Enterprise"};
static const int64_t PLAN_PRICE[] = {2500, 4500, 8000}; /* cents/seat/month */

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
  idlist ae[3], ae_all, sdr[3], sdr_all;
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
  char path[4200];
} gen;

/* ---- formatting ---------------------------------------------------------- */

static const char DIGITS2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536"
    "37383940414243444546474849505152535455565758596061626364656667686970717273"
    "7475767778798081828384858687888990919293949596979899";

/* Decimal digits of v, right-aligned and zero-padded to width (at most
 * 20 digits). */
static size_t fmt_pad(char *b, uint64_t v, int width) {
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

static size_t fmt_u(char *b, uint64_t v) { return fmt_pad(b, v, 0); }

static int digits_of(uint64_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    d++;
  }
  return d;
}

static void put(revl_csvw *w, const char *s) { revl_csvw_field(w, s, strlen(s)); }
static void put_empty(revl_csvw *w) { revl_csvw_field(w, "", 0); }
static void put_bool(revl_csvw *w, int v) { put(w, v ? "true" : "false"); }

static void put_u(revl_csvw *w, uint64_t v) {
  char b[24];
  revl_csvw_field(w, b, fmt_u(b, v));
}

static void put_id(revl_csvw *w, char prefix, uint64_t n, int width) {
  char b[32];
  b[0] = prefix;
  revl_csvw_field(w, b, 1 + fmt_pad(b + 1, n, width));
}

/* An optional reference: the id of record i (0-based), empty when i < 0. */
static void put_ref(revl_csvw *w, char prefix, int64_t i, int width) {
  if (i >= 0)
    put_id(w, prefix, (uint64_t)i + 1, width);
  else
    put_empty(w);
}

static void put_money(revl_csvw *w, int64_t cents) {
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

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* "YYYY-MM-DD" into b (10 bytes, more only for years past 9999). */
static size_t fmt_date(const gen *g, char *b, int32_t day) {
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

static void put_date(const gen *g, revl_csvw *w, int32_t day) {
  char b[32];
  revl_csvw_field(w, b, fmt_date(g, b, day));
}

static void two(char *b, int v) {
  b[0] = (char)('0' + v / 10);
  b[1] = (char)('0' + v % 10);
}

enum { DT_ISO, DT_SF, DT_HS };

/* A UTC datetime: DT_ISO "2024-01-05T10:00:00Z", DT_SF
 * "2024-01-05T10:00:00.000+0000", DT_HS "2024-01-05 10:00". */
static void put_dt(const gen *g, revl_csvw *w, int64_t secs, int style) {
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

static void put_header(revl_csvw *w, const char *cols) {
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

/* ---- small string builder ------------------------------------------------ */

typedef struct sbuf {
  char *b;
  size_t n, cap;
} sbuf;

static void sb_add(sbuf *s, const char *t) {
  size_t k = strlen(t);
  if (s->n + k >= s->cap) k = s->cap - 1 - s->n;
  memcpy(s->b + s->n, t, k);
  s->n += k;
  s->b[s->n] = '\0';
}

/* Lowercase ASCII letters and digits of t only. */
static void sb_add_stem(sbuf *s, const char *t) {
  for (; *t && s->n + 1 < s->cap; t++) {
    char c = *t;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) s->b[s->n++] = c;
  }
  s->b[s->n] = '\0';
}

static void str_case(char *s, int upper) {
  for (; *s; s++) {
    if (upper && *s >= 'a' && *s <= 'z') *s = (char)(*s - 'a' + 'A');
    if (!upper && *s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
  }
}

/* ---- company names ------------------------------------------------------- */

typedef struct cname {
  char base[96]; /* name without legal suffix */
  char stem[80]; /* lowercase letters for the domain */
  char name[128];
  const char *suffix; /* NULL when none */
} cname;

/* Build the name for a combination index (< g->name_c): words a and b
 * joined ("Northwind") or spaced ("Blue Harbor"), an optional descriptor,
 * and a legal suffix of the country (when r says so). */
static void cname_build(const gen *g, uint64_t combo, int ctry, rng *r,
                        cname *c) {
  uint64_t na = NELEM(NAME_A), nb = NELEM(NAME_B), nd = NELEM(NAME_D) + 1;
  size_t a = (size_t)(combo % na);
  combo /= na;
  size_t b = (size_t)(combo % nb);
  combo /= nb;
  int spaced = (int)(combo % 2);
  combo /= 2;
  size_t d = (size_t)(combo % nd);
  (void)g;
  sbuf s = {c->base, 0, sizeof c->base};
  c->base[0] = '\0';
  sb_add(&s, NAME_A[a]);
  if (spaced) {
    sb_add(&s, " ");
    sb_add(&s, NAME_B[b]);
  } else {
    char low[32];
    snprintf(low, sizeof low, "%s", NAME_B[b]);
    str_case(low, 0);
    sb_add(&s, low);
  }
  if (d > 0) {
    sb_add(&s, " ");
    sb_add(&s, NAME_D[d - 1]);
  }
  sbuf st = {c->stem, 0, sizeof c->stem};
  c->stem[0] = '\0';
  sb_add_stem(&st, c->base);
  c->suffix = NULL;
  if (chance(r, 600)) {
    int k = (int)below(r, 100);
    c->suffix = COUNTRY[ctry].sfx[k < 55 ? 0 : k < 80 ? 1 : k < 92 ? 2 : 3];
  }
  sbuf nm = {c->name, 0, sizeof c->name};
  c->name[0] = '\0';
  sb_add(&nm, c->base);
  if (c->suffix) {
    sb_add(&nm, " ");
    sb_add(&nm, c->suffix);
  }
}

/* "stem.tld" into out. */
static void make_domain(const cname *c, int ctry, int ind, rng *r, char *out,
                        size_t size) {
  const char *tld = COUNTRY[ctry].tld;
  int k = (int)below(r, 100);
  if ((ind == IND_SOFTWARE || ind == IND_FINTECH) && k < 15)
    tld = "io";
  else if ((ind == IND_SOFTWARE || ind == IND_FINTECH) && k < 20)
    tld = "ai";
  else if (k >= 70)
    tld = "com";
  snprintf(out, size, "%s.%s", c->stem, tld);
}

/* ---- reps ---------------------------------------------------------------- */

typedef struct rep {
  int role, region, active, east;
  int64_t first, last; /* name indexes */
  int32_t out_until;   /* NO_DAY when none */
  int capacity;
  int64_t quota; /* cents */
  const char *tz;
} rep;

static void rep_make(const gen *g, int64_t i, rep *p) {
  rng r;
  rng_init(&r, g->seed, S_REP, (uint64_t)i);
  p->role = i < 4 ? (int)i : WPICK(&r, ROLE_W);
  p->region = WPICK(&r, REGION_W);
  if (i < 3) p->region = R_NA; /* the first AE, SDR and CSM cover NA */
  p->east = chance(&r, 550);
  /* Distinct names for the first NF*NL reps: a permutation of pairs. */
  uint64_t nf = NELEM(FIRST), nl = NELEM(LAST), np = nf * nl;
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

static int32_t pick_ae(const gen *g, rng *r, int region) {
  return pick_from(r, &g->ae[region], &g->ae_all, g->nrep);
}

static int32_t pick_sdr(const gen *g, rng *r, int region) {
  return pick_from(r, &g->sdr[region], &g->sdr_all, g->nrep);
}

/* ---- accounts ------------------------------------------------------------ */

typedef struct acct {
  cname cn;
  char domain[96]; /* "" when unknown */
  int industry, country, seg;
  int32_t emp, created;
  int64_t created_sec, revenue; /* revenue -1 when unknown */
  int64_t parent;               /* -1 when none */
  int32_t owner;
} acct;

static int seg_of(int32_t emp) {
  return emp < 200 ? SEG_SMB : emp < 1000 ? SEG_MID : SEG_ENT;
}

static int country_pick(rng *r) {
  unsigned short w[NCOUNTRY];
  for (int i = 0; i < NCOUNTRY; i++) w[i] = COUNTRY[i].weight;
  return wpick(r, w, NCOUNTRY);
}

static void acct_make(const gen *g, int64_t i, acct *a) {
  rng r;
  rng_init(&r, g->seed, S_ACCT, (uint64_t)i);
  uint64_t combo = chance(&r, 10)
                       ? below(&r, g->name_c)
                       : ((uint64_t)i * g->name_p + g->name_off) % g->name_c;
  a->country = country_pick(&r);
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
  a->owner = pick_ae(g, &r, COUNTRY[a->country].region);
  cname_build(g, combo, a->country, &r, &a->cn);
  if (chance(&r, 930))
    make_domain(&a->cn, a->country, a->industry, &r, a->domain, sizeof a->domain);
  else
    a->domain[0] = '\0';
}

/* ---- deals --------------------------------------------------------------- */

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
static void deal_make(const gen *g, int64_t i, deal *d, int head_only) {
  static const double seg_median[] = {9000.0, 25000.0, 60000.0};
  rng r;
  rng_init(&r, g->seed, S_DEAL, (uint64_t)i);
  d->acct = pick_account(g, &r);
  const acct_info *ai = &g->ai[d->acct];
  d->owner = chance(&r, 850) ? ai->owner : pick_ae(g, &r, ai->region);
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
}

/* ---- leads --------------------------------------------------------------- */

typedef struct lead {
  char company[160], email[200], domain[96];
  int country, source, status;
  int32_t owner;                   /* -1 unassigned */
  int64_t created, mql, sql, conv; /* -1 none */
  int64_t conv_acct, conv_deal;    /* -1 none */
} lead;

static void email_local(rng *r, char *out, size_t size, int freemail) {
  char f[32], l[32];
  snprintf(f, sizeof f, "%s", FIRST[below(r, NELEM(FIRST))]);
  snprintf(l, sizeof l, "%s", LAST[below(r, NELEM(LAST))]);
  str_case(f, 0);
  str_case(l, 0);
  int k = (int)below(r, 100);
  if (freemail) {
    if (k < 60)
      snprintf(out, size, "%s.%s%d", f, l, (int)rrange(r, 1, 99));
    else
      snprintf(out, size, "%s%s%d", f, l, (int)rrange(r, 1, 999));
  } else if (k < 50) {
    snprintf(out, size, "%s.%s", f, l);
  } else if (k < 70) {
    snprintf(out, size, "%c%s", f[0], l);
  } else if (k < 80) {
    snprintf(out, size, "%s", f);
  } else if (k < 90) {
    snprintf(out, size, "%s_%s", f, l);
  } else {
    snprintf(out, size, "%s%c", f, l[0]);
  }
}

/* The company as a lead would type it: exact, other case, other or no
 * legal suffix, a doubled space. */
static void company_variant(rng *r, const acct *a, char *out, size_t size) {
  static const unsigned short vw[] = {35, 15, 10, 15, 15, 10};
  const cname *c = &a->cn;
  switch (WPICK(r, vw)) {
  case 1:
    snprintf(out, size, "%s", c->name);
    str_case(out, 1);
    break;
  case 2:
    snprintf(out, size, "%s", c->name);
    str_case(out, 0);
    break;
  case 3:
    snprintf(out, size, "%s", c->base);
    break;
  case 4: {
    const country *ct = &COUNTRY[a->country];
    const char *alt = ct->sfx[below(r, 4)];
    if (c->suffix && strcmp(alt, c->suffix) == 0) {
      size_t k = strlen(alt);
      if (k && alt[k - 1] != '.')
        snprintf(out, size, "%s %s.", c->base, alt);
      else
        snprintf(out, size, "%s", c->base);
    } else {
      snprintf(out, size, "%s %s", c->base, alt);
    }
    break;
  }
  case 5: {
    const char *sp = strchr(c->name, ' ');
    if (sp)
      snprintf(out, size, "%.*s  %s", (int)(sp - c->name), c->name, sp + 1);
    else
      snprintf(out, size, "%s", c->name);
    break;
  }
  default:
    snprintf(out, size, "%s", c->name);
    break;
  }
}

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
      deal_make(g, j, &d, 1);
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
    acct_make(g, matched, &a);
    company_variant(&r, &a, l->company, sizeof l->company);
    l->country = chance(&r, 900) ? a.country : country_pick(&r);
    if (a.domain[0])
      snprintf(cdomain, sizeof cdomain, "%s", a.domain);
    else
      snprintf(cdomain, sizeof cdomain, "%s.com", a.cn.stem);
  } else {
    cname c;
    l->country = country_pick(&r);
    cname_build(g, below(&r, g->name_c), l->country, &r, &c);
    snprintf(l->company, sizeof l->company, "%s", c.name);
    make_domain(&c, l->country, (int)below(&r, NINDUSTRY), &r, cdomain,
                sizeof cdomain);
  }
  char local[96];
  int freemail = chance(&r, 180);
  email_local(&r, local, sizeof local, freemail);
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
    l->owner = pick_sdr(g, &r, COUNTRY[l->country].region);
  /* Funnel timestamps. */
  l->mql = l->sql = -1;
  int want = 0;
  if (l->status == LS_MQL) want = 1;
  if (l->status == LS_SQL || l->status == LS_CONVERTED) want = 2;
  if (l->status == LS_DQ && chance(&r, 300)) want = 1;
  if (want) {
    int64_t t[2];
    int64_t end = l->conv >= 0 ? l->conv : g->now - 60;
    spread(&r, l->created + 60, end, want, t);
    l->mql = t[0];
    if (want == 2) l->sql = t[1];
  }
}

/* ---- subscriptions and usage --------------------------------------------- */

typedef struct sub {
  int n, churned;
  int32_t m0; /* month index (year*12 + month-1) of the first row */
  int64_t mrr[SUB_MAX];
  int32_t seats[SUB_MAX];
  uint8_t plan[SUB_MAX];
} sub;

static int32_t month_of(int32_t day) {
  int y;
  unsigned m, d;
  revl_civil_from_days(day, &y, &m, &d);
  return (int32_t)(y * 12 + (int)m - 1);
}

static int32_t month_day(int32_t mi) {
  int32_t y = (int32_t)floordiv(mi, 12);
  return revl_days_from_civil((int)y, (unsigned)(mi - y * 12 + 1), 1);
}

/* 0 when account k is not a customer. */
static int sub_make(const gen *g, int64_t k, sub *s) {
  static const unsigned short plan_w[3][3] = {{70, 30, 0}, {15, 65, 20}, {0, 30, 70}};
  static const double legacy_acv[] = {8000.0, 30000.0, 120000.0};
  rng r;
  rng_init(&r, g->seed, S_SUB, (uint64_t)k);
  const acct_info *ai = &g->ai[k];
  int legacy = chance(&r, 60);
  int32_t start;
  int64_t acv;
  if (g->won_day[k] != NO_DAY) {
    start = g->won_day[k];
    acv = g->won_amt[k];
  } else if (legacy) {
    start = ai->created + (int32_t)below(&r, (uint64_t)(g->as_of - ai->created));
    acv = llround(lognorm(&r, legacy_acv[ai->seg], 0.8) * 100.0);
  } else {
    return 0;
  }
  int32_t m_end = month_of(g->as_of), m0 = month_of(start);
  if (m_end - m0 + 1 > SUB_MAX) m0 = m_end - SUB_MAX + 1;
  int span = (int)(m_end - m0 + 1);
  int plan = wpick(&r, plan_w[ai->seg], 3);
  int64_t disc = rrange(&r, 70, 100);
  int64_t unit = PLAN_PRICE[plan] * disc / 100;
  int64_t seats = acv / 12 / unit;
  if (seats < 1) seats = 1;
  if (seats > 100000) seats = 100000;
  s->m0 = m0;
  s->churned = span >= 4 && chance(&r, 120);
  s->n = s->churned ? 4 + (int)below(&r, (uint64_t)(span - 3)) : span;
  if (s->n > span) s->n = span;
  for (int j = 0; j < s->n; j++) {
    if (j > 0) {
      if (chance(&r, 50)) {
        int64_t add = seats * rrange(&r, 10, 50) / 100;
        seats += add < 1 ? 1 : add;
      }
      if (chance(&r, 20)) {
        int64_t cut = seats * rrange(&r, 5, 20) / 100;
        seats -= cut < 1 ? 1 : cut;
        if (seats < 1) seats = 1;
      }
      if (seats > 1000000) seats = 1000000;
      if (plan < 2 && chance(&r, 8)) {
        plan++;
        unit = PLAN_PRICE[plan] * disc / 100;
      }
    }
    s->plan[j] = (uint8_t)plan;
    if (s->churned && j == s->n - 1) {
      s->seats[j] = 0;
      s->mrr[j] = 0;
    } else {
      s->seats[j] = (int32_t)seats;
      s->mrr[j] = seats * unit;
    }
  }
  return 1;
}

/* ---- table writers ------------------------------------------------------- */

static revl_csvw *open_table(gen *g, const char *name, revl_error *err) {
  size_t n = strlen(g->o->out);
  const char *sep = (n && g->o->out[n - 1] == '/') ? "" : "/";
  snprintf(g->path, sizeof g->path, "%s%s%s", g->o->out, sep, name);
  return revl_csvw_open(g->path, err);
}

static int commit_table(gen *g, revl_csvw **w, const char *name, int64_t rows,
                        revl_error *err) {
  size_t n = strlen(g->o->out);
  const char *sep = (n && g->o->out[n - 1] == '/') ? "" : "/";
  int rc = revl_csvw_commit(*w, err);
  *w = NULL;
  if (rc) return rc;
  printf("wrote %s%s%s (%lld rows)\n", g->o->out, sep, name, (long long)rows);
  return 0;
}

static int write_reps(gen *g, revl_error *err) {
  revl_csvw *w = open_table(g, "reps.csv", err);
  if (!w) return err ? err->code : REVL_EIO;
  put_header(w, "id,name,email,team,role,region,capacity,active,out_until,"
                "timezone,quota");
  /* Email collisions past NF*NL reps get a number. */
  for (int64_t i = 0; i < g->nrep; i++) {
    rep p;
    char b[160], f[32], l[32];
    rep_make(g, i, &p);
    put_id(w, 'R', (uint64_t)i + 1, g->w_rep);
    snprintf(b, sizeof b, "%s %s", FIRST[p.first], LAST[p.last]);
    put(w, b);
    snprintf(f, sizeof f, "%s", FIRST[p.first]);
    snprintf(l, sizeof l, "%s", LAST[p.last]);
    str_case(f, 0);
    str_case(l, 0);
    int64_t lap = i / (int64_t)(NELEM(FIRST) * NELEM(LAST));
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
    put_money(w, p.quota);
    revl_csvw_end(w);
  }
  return commit_table(g, &w, "reps.csv", g->nrep, err);
}

static int write_accounts(gen *g, revl_error *err) {
  revl_csvw *w = open_table(g, "accounts.csv", err);
  if (!w) return err ? err->code : REVL_EIO;
  if (g->format == REVL_GEN_SALESFORCE)
    put_header(w, "Id,Name,Website,Industry,NumberOfEmployees,AnnualRevenue,"
                  "BillingCountryCode,ParentId,CreatedDate");
  else if (g->format == REVL_GEN_HUBSPOT)
    put_header(w, "Record ID,Company name,Company Domain Name,Industry,"
                  "Number of Employees,Annual Revenue,Country/Region,Create Date");
  else
    put_header(w, "account_id,name,domain,industry,employees,annual_revenue,"
                  "country,segment,created_date");
  for (int64_t i = 0; i < g->nacct; i++) {
    acct a;
    acct_make(g, i, &a);
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
      put(w, COUNTRY[a.country].name);
    else
      put(w, COUNTRY[a.country].code);
    if (g->format == REVL_GEN_SALESFORCE) {
      put_ref(w, 'A', a.parent, g->w_acct);
      put_dt(g, w, a.created_sec, DT_SF);
    } else if (g->format == REVL_GEN_HUBSPOT) {
      put_dt(g, w, a.created_sec, DT_HS);
    } else {
      put(w, SEGMENT[a.seg]);
      put_date(g, w, a.created);
    }
    revl_csvw_end(w);
  }
  return commit_table(g, &w, "accounts.csv", g->nacct, err);
}

static void deal_name(const gen *g, const deal *d, char *out, size_t size) {
  acct a;
  acct_make(g, d->acct, &a);
  snprintf(out, size, "%s - %s", a.cn.base,
           d->newbiz ? "New Business" : "Expansion");
}

static void write_deal_row(gen *g, int64_t i, const deal *d) {
  revl_csvw *w = g->w_deals;
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

static int64_t write_history_rows(gen *g, int64_t i, const deal *d) {
  revl_csvw *w = g->w_hist;
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

static void write_deal_activities(gen *g, int64_t i, const deal *d) {
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

static int write_deals(gen *g, revl_error *err) {
  int64_t nhist = 0;
  g->w_deals = open_table(g, "deals.csv", err);
  if (!g->w_deals) return err ? err->code : REVL_EIO;
  g->w_hist = open_table(g, "stage_history.csv", err);
  if (!g->w_hist) return err ? err->code : REVL_EIO;
  g->w_acts = open_table(g, "activities.csv", err);
  if (!g->w_acts) return err ? err->code : REVL_EIO;
  if (g->format == REVL_GEN_SALESFORCE) {
    put_header(g->w_deals, "Id,AccountId,Name,StageName,Amount,CurrencyIsoCode,"
                           "CloseDate,Probability,ForecastCategoryName,OwnerId,"
                           "IsClosed,IsWon,CreatedDate,Type");
    put_header(g->w_hist, "OpportunityId,StageName,CreatedDate,Amount,CloseDate,"
                          "ForecastCategoryName");
  } else if (g->format == REVL_GEN_HUBSPOT) {
    put_header(g->w_deals, "Record ID,Deal Name,Deal Stage,Amount,Close Date,"
                           "Create Date,Pipeline,Deal owner,Deal probability");
    put_header(g->w_hist, "deal_id,stage,entered_at,amount,close_date,"
                          "forecast_category");
  } else {
    put_header(g->w_deals, "deal_id,account_id,owner,stage,amount,created_date,"
                           "close_date,forecast_category");
    put_header(g->w_hist, "deal_id,stage,entered_at,amount,close_date,"
                          "forecast_category");
  }
  put_header(g->w_acts, "id,lead_id,account_id,deal_id,type,campaign,at,owner");
  for (int64_t i = 0; i < g->ndeal; i++) {
    deal d;
    deal_make(g, i, &d, 0);
    write_deal_row(g, i, &d);
    nhist += write_history_rows(g, i, &d);
    write_deal_activities(g, i, &d);
    if (d.stage == ST_WON && d.close < g->won_day[d.acct]) {
      g->won_day[d.acct] = d.close;
      g->won_amt[d.acct] = d.amount;
    }
  }
  int rc = commit_table(g, &g->w_deals, "deals.csv", g->ndeal, err);
  if (!rc) rc = commit_table(g, &g->w_hist, "stage_history.csv", nhist, err);
  return rc;
}

static int write_leads(gen *g, revl_error *err) {
  int sf = g->format == REVL_GEN_SALESFORCE;
  revl_csvw *w = open_table(g, "leads.csv", err);
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
      put(w, COUNTRY[l.country].name);
    } else {
      put(w, l.email);
      put(w, l.company);
      put(w, l.domain);
      put(w, COUNTRY[l.country].code);
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
  int rc = commit_table(g, &w, "leads.csv", g->nlead, err);
  if (!rc) rc = commit_table(g, &g->w_acts, "activities.csv", g->act_id, err);
  return rc;
}

static int write_subscriptions(gen *g, revl_error *err) {
  int64_t nsub = 0, nuse = 0;
  revl_csvw *ws = open_table(g, "subscriptions.csv", err), *wu = NULL;
  if (!ws) return err ? err->code : REVL_EIO;
  wu = open_table(g, "usage.csv", err);
  if (!wu) {
    revl_csvw_abort(ws);
    return err ? err->code : REVL_EIO;
  }
  put_header(ws, "account_id,period,mrr,seats,plan");
  put_header(wu, "account_id,date,metric,value");
  sub *s = malloc(sizeof *s);
  if (!s) {
    revl_csvw_abort(ws);
    revl_csvw_abort(wu);
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "out of memory");
  }
  for (int64_t k = 0; k < g->nacct; k++) {
    if (!sub_make(g, k, s)) continue;
    for (int j = 0; j < s->n; j++) {
      put_id(ws, 'A', (uint64_t)k + 1, g->w_acct);
      put_date(g, ws, month_day(s->m0 + j));
      put_money(ws, s->mrr[j]);
      put_u(ws, (uint64_t)s->seats[j]);
      put(ws, PLAN[s->plan[j]]);
      revl_csvw_end(ws);
      nsub++;
    }
    rng r;
    rng_init(&r, g->seed, S_USAGE, (uint64_t)k);
    int hot = chance(&r, 250);
    int64_t util = hot ? rrange(&r, 85, 100) : rrange(&r, 25, 80);
    double rate = lognorm(&r, 250.0, 0.8);
    for (int wk = 26; wk >= 1; wk--) {
      int32_t day = g->as_of - 7 * wk;
      int j = (int)(month_of(day) - s->m0);
      if (j < 0 || j >= s->n || s->seats[j] == 0) continue;
      int64_t seats = s->seats[j];
      int64_t u = util + rrange(&r, -5, 5);
      if (u > 100) u = 100;
      int64_t active = (seats * u + 50) / 100;
      if (hot && active * 10 < seats * 8) active = (seats * 8 + 9) / 10;
      if (active > seats) active = seats;
      int64_t calls = llround((double)active * rate * (0.8 + 0.4 * unif01(&r)));
      put_id(wu, 'A', (uint64_t)k + 1, g->w_acct);
      put_date(g, wu, day);
      put(wu, "active_seats");
      put_u(wu, (uint64_t)active);
      revl_csvw_end(wu);
      put_id(wu, 'A', (uint64_t)k + 1, g->w_acct);
      put_date(g, wu, day);
      put(wu, "api_calls");
      put_u(wu, (uint64_t)calls);
      revl_csvw_end(wu);
      nuse += 2;
    }
  }
  free(s);
  int rc = commit_table(g, &ws, "subscriptions.csv", nsub, err);
  if (rc) {
    revl_csvw_abort(wu);
    return rc;
  }
  return commit_table(g, &wu, "usage.csv", nuse, err);
}

/* ---- setup --------------------------------------------------------------- */

static int idlist_alloc(idlist *l, int64_t n) {
  l->n = 0;
  l->v = malloc((size_t)(n ? n : 1) * sizeof *l->v);
  return l->v ? 0 : -1;
}

static void gen_free(gen *g) {
  for (int k = 0; k < 3; k++) {
    free(g->ae[k].v);
    free(g->sdr[k].v);
  }
  free(g->ae_all.v);
  free(g->sdr_all.v);
  free(g->rep_role);
  free(g->rep_region);
  free(g->ai);
  free(g->alias_q);
  free(g->alias_j);
  free(g->won_day);
  free(g->won_amt);
  free(g->dates);
  revl_csvw_abort(g->w_deals);
  revl_csvw_abort(g->w_hist);
  revl_csvw_abort(g->w_acts);
}

static uint64_t gcd64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Turn the weights in alias_q into Vose's alias table, in exact integer
 * arithmetic: column c is c itself when a draw in [0, totw) falls below
 * alias_q[c], else alias_j[c]. */
static int alias_build(gen *g) {
  int64_t n = g->nacct, ns = 0, nl = 0;
  uint64_t W = g->totw;
  int32_t *stack = malloc((size_t)n * sizeof *stack); /* small up, large down */
  if (!stack) return -1;
  for (int64_t i = 0; i < n; i++) {
    g->alias_q[i] *= (uint64_t)n; /* scaled so that the mean is W */
    g->alias_j[i] = (int32_t)i;
    if (g->alias_q[i] < W)
      stack[ns++] = (int32_t)i;
    else
      stack[n - 1 - nl++] = (int32_t)i;
  }
  while (ns > 0 && nl > 0) {
    int32_t s = stack[--ns], l = stack[n - nl];
    g->alias_j[s] = l;
    g->alias_q[l] -= W - g->alias_q[s];
    if (g->alias_q[l] < W) {
      nl--;
      stack[ns++] = l;
    }
  }
  for (int64_t k = 0; k < ns; k++) g->alias_q[stack[k]] = W;
  for (int64_t k = 0; k < nl; k++) g->alias_q[stack[n - 1 - k]] = W;
  free(stack);
  return 0;
}

static int gen_setup(gen *g, revl_error *err) {
  const revl_gen_opts *o = g->o;
  g->nacct = o->accounts;
  g->ndeal = o->deals;
  g->nlead = o->leads;
  g->nrep = o->reps;
  g->seed = o->seed;
  g->as_of = o->as_of;
  g->now = (int64_t)o->as_of * DAY;
  g->format = o->format;
  g->w_acct = digits_of((uint64_t)g->nacct) > 6 ? digits_of((uint64_t)g->nacct) : 6;
  g->w_deal = digits_of((uint64_t)g->ndeal) > 7 ? digits_of((uint64_t)g->ndeal) : 7;
  g->w_lead = digits_of((uint64_t)g->nlead) > 7 ? digits_of((uint64_t)g->nlead) : 7;
  g->w_rep = digits_of((uint64_t)g->nrep) > 4 ? digits_of((uint64_t)g->nrep) : 4;
  uint64_t max_act = (uint64_t)g->ndeal * 6 + (uint64_t)g->nlead * 4;
  g->w_act = digits_of(max_act) > 8 ? digits_of(max_act) : 8;

  /* Company-name combinations, walked by a seeded permutation so the
   * first name_c accounts get distinct names. */
  g->name_c = (uint64_t)NELEM(NAME_A) * NELEM(NAME_B) * 2 * (NELEM(NAME_D) + 1);
  {
    rng r;
    rng_init(&r, g->seed, S_NAMES, 0);
    g->name_off = below(&r, g->name_c);
    g->name_p = 1000003 + 2 * below(&r, 1000);
    while (gcd64(g->name_p, g->name_c) != 1) g->name_p += 2;
  }

  /* Date strings around as_of. */
  g->date_lo = g->as_of - 4000;
  g->date_n = 4800;
  g->dates = malloc((size_t)g->date_n * 10);
  if (!g->dates) goto nomem;
  for (int32_t k = 0; k < g->date_n; k++) {
    char b[32];
    int n = revl_format_date(g->date_lo + k, b, sizeof b);
    if (n != 10) {
      g->date_n = k; /* years past 9999: fall back to revl_format_date */
      break;
    }
    memcpy(g->dates + (size_t)k * 10, b, 10);
  }

  /* Reps by role and region. */
  size_t nr = (size_t)(g->nrep ? g->nrep : 1);
  g->rep_role = malloc(nr);
  g->rep_region = malloc(nr);
  if (!g->rep_role || !g->rep_region) goto nomem;
  for (int k = 0; k < 3; k++)
    if (idlist_alloc(&g->ae[k], g->nrep) || idlist_alloc(&g->sdr[k], g->nrep))
      goto nomem;
  if (idlist_alloc(&g->ae_all, g->nrep) || idlist_alloc(&g->sdr_all, g->nrep))
    goto nomem;
  for (int64_t i = 0; i < g->nrep; i++) {
    rep p;
    rep_make(g, i, &p);
    g->rep_role[i] = (uint8_t)p.role;
    g->rep_region[i] = (uint8_t)p.region;
    if (p.role == ROLE_AE) {
      g->ae[p.region].v[g->ae[p.region].n++] = (int32_t)i;
      g->ae_all.v[g->ae_all.n++] = (int32_t)i;
    } else if (p.role == ROLE_SDR) {
      g->sdr[p.region].v[g->sdr[p.region].n++] = (int32_t)i;
      g->sdr_all.v[g->sdr_all.n++] = (int32_t)i;
    }
  }

  /* Accounts: what deals and subscriptions need, and deal weights. */
  size_t na = (size_t)(g->nacct ? g->nacct : 1);
  g->ai = malloc(na * sizeof *g->ai);
  g->alias_q = malloc(na * sizeof *g->alias_q);
  g->alias_j = malloc(na * sizeof *g->alias_j);
  g->won_day = malloc(na * sizeof *g->won_day);
  g->won_amt = malloc(na * sizeof *g->won_amt);
  if (!g->ai || !g->alias_q || !g->alias_j || !g->won_day || !g->won_amt) goto nomem;
  g->totw = 0;
  for (int64_t i = 0; i < g->nacct; i++) {
    acct a;
    acct_make(g, i, &a);
    acct_info *ai = &g->ai[i];
    ai->emp = a.emp;
    ai->created = a.created;
    ai->owner = a.owner;
    ai->seg = (uint8_t)a.seg;
    ai->country = (uint8_t)a.country;
    ai->region = COUNTRY[a.country].region;
    g->alias_q[i] = 4 + (uint64_t)sqrt((double)a.emp); /* weight for now */
    g->totw += g->alias_q[i];
    g->won_day[i] = NO_DAY;
    g->won_amt[i] = 0;
  }
  if (g->nacct > 0 && alias_build(g)) goto nomem;
  return 0;
nomem:
  return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "out of memory");
}

int revl_gen(const revl_gen_opts *o, revl_error *err) {
  if (!o || !o->out || !o->out[0])
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: no output directory");
  if (o->accounts < 0 || o->deals < 0 || o->leads < 0 || o->reps < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: counts must not be negative");
  if (o->accounts > 100000000 || o->reps > 1000000 ||
      o->deals > 2000000000LL || o->leads > 2000000000LL)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: too many rows asked for (at most 100000000 "
                          "accounts, 1000000 reps, 2000000000 deals or leads)");
  if (o->deals > 0 && (o->accounts == 0 || o->reps == 0))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: deals need at least one account and one rep");
  if (o->format != REVL_GEN_CANONICAL && o->format != REVL_GEN_SALESFORCE &&
      o->format != REVL_GEN_HUBSPOT)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "gen: unknown format");
  if (o->as_of < revl_days_from_civil(1900, 1, 1) ||
      o->as_of > revl_days_from_civil(9000, 1, 1))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: as-of date out of range");

  int rc = revl_mkdirs(o->out, err);
  if (rc) return rc;
  gen g;
  memset(&g, 0, sizeof g);
  g.o = o;
  rc = gen_setup(&g, err);
  if (!rc) rc = write_reps(&g, err);
  if (!rc) rc = write_accounts(&g, err);
  if (!rc) rc = write_deals(&g, err);
  if (!rc) rc = write_leads(&g, err);
  if (!rc) rc = write_subscriptions(&g, err);
  if (!rc) fflush(stdout);
  gen_free(&g);
  return rc;
}
