/*
 * gen_names.c -- names and places for the data generator: the countries
 * (codes, TLDs, legal suffixes), company names and their domains, person
 * names, and email addresses and company names as leads type them.
 */
#include "gen/gen_int.h"

const country GEN_COUNTRY[NCOUNTRY] = {
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

const char *const GEN_FIRST[] = {
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

const char *const GEN_LAST[] = {
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

const size_t GEN_NFIRST = NELEM(GEN_FIRST), GEN_NLAST = NELEM(GEN_LAST);

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

void gen_str_case(char *s, int upper) {
  for (; *s; s++) {
    if (upper && *s >= 'a' && *s <= 'z') *s = (char)(*s - 'a' + 'A');
    if (!upper && *s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
  }
}

/* ---- company names ------------------------------------------------------- */

/* Build the name for a combination index (< g->name_c): words a and b
 * joined ("Northwind") or spaced ("Blue Harbor"), an optional descriptor,
 * and a legal suffix of the country (when r says so). */
void gen_cname_build(const gen *g, uint64_t combo, int ctry, rng *r,
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
    gen_str_case(low, 0);
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
    c->suffix = GEN_COUNTRY[ctry].sfx[k < 55 ? 0 : k < 80 ? 1 : k < 92 ? 2 : 3];
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
void gen_make_domain(const cname *c, int ctry, int ind, rng *r, char *out,
                     size_t size) {
  const char *tld = GEN_COUNTRY[ctry].tld;
  int k = (int)below(r, 100);
  if ((ind == IND_SOFTWARE || ind == IND_FINTECH) && k < 15)
    tld = "io";
  else if ((ind == IND_SOFTWARE || ind == IND_FINTECH) && k < 20)
    tld = "ai";
  else if (k >= 70)
    tld = "com";
  snprintf(out, size, "%s.%s", c->stem, tld);
}
uint64_t gen_name_combos(void) {
  return (uint64_t)NELEM(NAME_A) * NELEM(NAME_B) * 2 * (NELEM(NAME_D) + 1);
}

int gen_country_pick(rng *r) {
  unsigned short w[NCOUNTRY];
  for (int i = 0; i < NCOUNTRY; i++) w[i] = GEN_COUNTRY[i].weight;
  return wpick(r, w, NCOUNTRY);
}

void gen_email_local(rng *r, char *out, size_t size, int freemail) {
  char f[32], l[32];
  snprintf(f, sizeof f, "%s", GEN_FIRST[below(r, GEN_NFIRST)]);
  snprintf(l, sizeof l, "%s", GEN_LAST[below(r, GEN_NLAST)]);
  gen_str_case(f, 0);
  gen_str_case(l, 0);
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
void gen_company_variant(rng *r, const acct *a, char *out, size_t size) {
  static const unsigned short vw[] = {35, 15, 10, 15, 15, 10};
  const cname *c = &a->cn;
  switch (WPICK(r, vw)) {
  case 1:
    snprintf(out, size, "%s", c->name);
    gen_str_case(out, 1);
    break;
  case 2:
    snprintf(out, size, "%s", c->name);
    gen_str_case(out, 0);
    break;
  case 3:
    snprintf(out, size, "%s", c->base);
    break;
  case 4: {
    const country *ct = &GEN_COUNTRY[a->country];
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

