/*
 * match.c -- lead-to-account matching by domain and company name.
 *
 * Both sides are normalised the same way and looked up in two private
 * intern tables (normalised text -> id -> account row).  A domain or a
 * name that several accounts share is ambiguous and never matches: a
 * wrong owner is worse than the fallback.
 */
#include "revl/route.h"

#include <stdlib.h>
#include <string.h>

/* ---- company names ----------------------------------------------------- */

static const char *const SUFFIX[] = {
    "inc", "incorporated", "llc", "llp", "lp", "pllc", "ltd", "limited",
    "corp", "corporation", "co", "company", "plc", "gmbh", "mbh", "ges",
    "gesmbh", "ag", "se", "kg", "kgaa", "ohg", "ug", "sas", "sa", "sarl",
    "bv", "nv", "sl", "srl", "spa", "ab", "publ", "as", "asa", "aps", "oy",
    "oyj", "dac", "lda", "ltda", "pty", "pte", "pvt", "private", "kk",
    "fze", "fz", "cv", "rl", "sapi", "zoo", "sp", "sro", "doo", "bhd",
    "sdn", "pc", NULL};
/* words that only belong to a suffix next to one: "S.A. de C.V." */
static const char *const CONNECT[] = {"de", "z", "y", "s", "and", NULL};

static int in_list(const char *const *list, const char *s, size_t n) {
  for (int i = 0; list[i]; i++)
    if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0) return 1;
  return 0;
}

size_t revl_norm_company(const char *s, size_t n, char *out, size_t cap) {
  if (cap == 0) return 0;
  /* tokens as [start, end) offsets into a scratch buffer */
  enum { MAXTOK = 64 };
  char buf[512];
  size_t ts[MAXTOK], te[MAXTOK];
  int nt = 0;
  size_t bl = 0;
  size_t i = 0;
  while (i < n && nt < MAXTOK) {
    unsigned char ch = (unsigned char)s[i];
    int word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9') || ch >= 0x80;
    if (!word) {
      if (ch == '&' && bl + 3 <= sizeof buf) { /* "Smith & Wesson" */
        memcpy(buf + bl, "and", 3);
        ts[nt] = bl;
        te[nt] = bl + 3;
        bl += 3;
        nt++;
      }
      i++;
      continue;
    }
    size_t start = bl;
    while (i < n) {
      ch = (unsigned char)s[i];
      if (ch == '\'' && i + 1 < n) { /* O'Brien -> obrien */
        i++;
        continue;
      }
      word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
             (ch >= '0' && ch <= '9') || ch >= 0x80;
      if (!word) break;
      if (bl < sizeof buf) buf[bl++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
      i++;
    }
    if (bl == start) continue;
    ts[nt] = start;
    te[nt] = bl;
    nt++;
  }
  /* runs of one-letter words join: "S.A." -> "sa", "A/S" -> "as"
   * (the words are contiguous in buf) */
  int m = 0, prev_single = 0;
  for (int k = 0; k < nt; k++) {
    int single = te[k] - ts[k] == 1;
    if (single && prev_single && m > 0) {
      te[m - 1] = te[k];
    } else {
      ts[m] = ts[k];
      te[m] = te[k];
      m++;
    }
    prev_single = single;
  }
  nt = m;
  /* strip legal suffixes from the end, keeping the first word */
  int stripped = 0;
  while (nt > 1) {
    const char *w = buf + ts[nt - 1];
    size_t wl = te[nt - 1] - ts[nt - 1];
    if (in_list(SUFFIX, w, wl)) stripped = 1;
    else if (!(stripped && in_list(CONNECT, w, wl))) break;
    nt--;
  }
  /* a leading "the" and a dangling "and" say nothing about the company */
  int first = 0;
  if (nt > 1 && te[0] - ts[0] == 3 && memcmp(buf + ts[0], "the", 3) == 0) first = 1;
  if (nt - first > 1 && te[nt - 1] - ts[nt - 1] == 3 &&
      memcmp(buf + ts[nt - 1], "and", 3) == 0)
    nt--;
  size_t o = 0;
  for (int k = first; k < nt; k++) {
    size_t wl = te[k] - ts[k];
    if (o + wl + (k > first ? 1 : 0) + 1 > cap) break;
    if (k > first) out[o++] = ' ';
    memcpy(out + o, buf + ts[k], wl);
    o += wl;
  }
  out[o] = '\0';
  return o;
}

/* ---- domains ------------------------------------------------------------- */

size_t revl_norm_domain(const char *s, size_t n, char *out, size_t cap) {
  if (cap == 0) return 0;
  out[0] = '\0';
  while (n && (*s == ' ' || *s == '\t' || *s == '<')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '>')) n--;
  /* scheme */
  for (size_t i = 0; i + 2 < n; i++) {
    if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
      s += i + 3;
      n -= i + 3;
      break;
    }
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) break;
  }
  if (n >= 7 && strncmp(s, "mailto:", 7) == 0) s += 7, n -= 7;
  /* path, query, fragment */
  for (size_t i = 0; i < n; i++)
    if (s[i] == '/' || s[i] == '?' || s[i] == '#') {
      n = i;
      break;
    }
  /* user (email addresses, URL user info) */
  for (size_t i = n; i > 0; i--)
    if (s[i - 1] == '@') {
      s += i;
      n -= i;
      break;
    }
  /* port */
  for (size_t i = 0; i < n; i++)
    if (s[i] == ':') {
      n = i;
      break;
    }
  while (n && s[n - 1] == '.') n--;
  while (n && s[0] == '.') s++, n--;
  if (n >= 4 && (s[0] == 'w' || s[0] == 'W') && (s[1] == 'w' || s[1] == 'W') &&
      (s[2] == 'w' || s[2] == 'W')) {
    if (s[3] == '.') s += 4, n -= 4;                       /* www. */
    else if (n >= 5 && s[3] >= '0' && s[3] <= '9' && s[4] == '.')
      s += 5, n -= 5;                                      /* www2. */
  }
  if (n == 0 || n + 1 > cap) return 0;
  int dots = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
             ch == '-' || ch == '_' || ch >= 0x80 || ch == '.';
    if (!ok) return (out[0] = '\0', 0);
    if (ch == '.') {
      if (i == 0 || s[i - 1] == '.') return (out[0] = '\0', 0);
      dots++;
    }
    out[i] = (char)ch;
  }
  out[n] = '\0';
  if (!dots) return (out[0] = '\0', 0);
  return n;
}

static const char *const FREEMAIL[] = {
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "rocketmail.com",
    "outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "aim.com", "proton.me",
    "protonmail.com", "protonmail.ch", "pm.me", "gmx.com", "gmx.net",
    "gmx.de", "gmx.at", "gmx.ch", "web.de", "mail.com", "email.com",
    "mail.ru", "inbox.ru", "list.ru", "bk.ru", "yandex.ru", "yandex.com",
    "ya.ru", "zoho.com", "zohomail.com", "qq.com", "163.com", "126.com",
    "yeah.net", "sina.com", "fastmail.com", "fastmail.fm", "tutanota.com",
    "tuta.io", "hey.com", "hushmail.com", "rediffmail.com", "naver.com",
    "daum.net", "hanmail.net", "seznam.cz", "wp.pl", "o2.pl", "onet.pl",
    "interia.pl", "libero.it", "virgilio.it", "alice.it", "tiscali.it",
    "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr",
    "t-online.de", "freenet.de", "btinternet.com", "sky.com", "virginmedia.com",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net",
    "cox.net", "charter.net", "earthlink.net", "shaw.ca", "rogers.com",
    "sympatico.ca", "bigpond.com", "optusnet.com.au", "xtra.co.nz",
    "telus.net", "uol.com.br", "bol.com.br", "terra.com.br", NULL};
/* providers with a domain per country: yahoo.co.uk, hotmail.fr, gmx.es */
static const char *const FAMILY[] = {"gmail", "googlemail", "yahoo", "ymail",
                                     "hotmail", "outlook", "live", "msn",
                                     "icloud", "aol", "proton", "protonmail",
                                     "gmx", "yandex", "zoho", "qq", NULL};

int revl_is_freemail(const char *dom, size_t n) {
  if (in_list(FREEMAIL, dom, n)) return 1;
  const char *dot = memchr(dom, '.', n);
  if (!dot) return 0;
  size_t first = (size_t)(dot - dom);
  if (!in_list(FAMILY, dom, first)) return 0;
  /* the rest is a TLD or co.XX / com.XX */
  const char *rest = dot + 1;
  size_t rn = n - first - 1;
  const char *d2 = memchr(rest, '.', rn);
  if (!d2) return rn >= 2 && rn <= 6;
  size_t a = (size_t)(d2 - rest);
  if (memchr(d2 + 1, '.', rn - a - 1)) return 0;
  return (a == 2 && memcmp(rest, "co", 2) == 0) ||
         (a == 3 && memcmp(rest, "com", 3) == 0) ||
         (a == 2 && memcmp(rest, "ne", 2) == 0);
}

const char *revl_match_method_name(int method) {
  switch (method) {
  case REVL_MATCH_DOMAIN: return "domain";
  case REVL_MATCH_EMAIL: return "email domain";
  case REVL_MATCH_COMPANY: return "company name";
  default: return "none";
  }
}

/* ---- the index ------------------------------------------------------------ */

struct revl_acct_index {
  revl_intern dom, name;
  int32_t *dom_row, *name_row; /* intern id -> account row, -2 ambiguous */
  size_t dom_cap, name_cap;
  revl_intern extra;           /* more free-mail domains */
};

static int put(revl_intern *in, int32_t **rows, size_t *cap, const char *s,
               size_t n, int32_t row) {
  uint32_t id = revl_intern_add(in, s, n);
  if (!id) return REVL_ENOMEM;
  if (id >= *cap) {
    size_t nc = *cap ? *cap * 2 : 1024;
    while (nc <= id) nc *= 2;
    int32_t *r = realloc(*rows, nc * sizeof *r);
    if (!r) return REVL_ENOMEM;
    for (size_t i = *cap; i < nc; i++) r[i] = -1;
    *rows = r;
    *cap = nc;
  }
  if ((*rows)[id] == -1) (*rows)[id] = row;
  else if ((*rows)[id] != row) (*rows)[id] = -2;
  return 0;
}

int revl_acct_index_is_free(const revl_acct_index *x, const char *dom, size_t n) {
  if (revl_is_freemail(dom, n)) return 1;
  return x && x->extra.n > 1 && revl_intern_find(&x->extra, dom, n) != 0;
}

revl_acct_index *revl_acct_index_new(revl_table *a, int domain_col, int name_col,
                                     const char *const *extra_free, size_t nextra) {
  revl_acct_index *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  revl_intern_init(&x->dom);
  revl_intern_init(&x->name);
  revl_intern_init(&x->extra);
  for (size_t i = 0; i < nextra; i++) {
    char d[256];
    size_t dn = revl_norm_domain(extra_free[i], strlen(extra_free[i]), d, sizeof d);
    if (dn && !revl_intern_add(&x->extra, d, dn)) goto fail;
  }
  const revl_intern *in = &a->store->strings;
  for (size_t r = 0; r < a->nrows; r++) {
    char buf[512];
    if (domain_col >= 0) {
      revl_column *c = a->cols[domain_col];
      if (c->type == REVL_T_STRING && revl_col_valid(c, r)) {
        const char *s = revl_intern_str(in, c->v.str[r]);
        size_t n = revl_norm_domain(s, revl_intern_len(in, c->v.str[r]), buf, sizeof buf);
        if (n && !revl_acct_index_is_free(x, buf, n) &&
            put(&x->dom, &x->dom_row, &x->dom_cap, buf, n, (int32_t)r))
          goto fail;
      }
    }
    if (name_col >= 0) {
      revl_column *c = a->cols[name_col];
      if (c->type == REVL_T_STRING && revl_col_valid(c, r)) {
        const char *s = revl_intern_str(in, c->v.str[r]);
        size_t n = revl_norm_company(s, revl_intern_len(in, c->v.str[r]), buf, sizeof buf);
        if (n && put(&x->name, &x->name_row, &x->name_cap, buf, n, (int32_t)r))
          goto fail;
      }
    }
  }
  return x;
fail:
  revl_acct_index_free(x);
  return NULL;
}

void revl_acct_index_free(revl_acct_index *x) {
  if (!x) return;
  revl_intern_done(&x->dom);
  revl_intern_done(&x->name);
  revl_intern_done(&x->extra);
  free(x->dom_row);
  free(x->name_row);
  free(x);
}

/* Look a normalised domain up, then its parent domains. */
static int32_t find_domain(revl_acct_index *x, const char *d, size_t n, int *amb) {
  while (n) {
    uint32_t id = revl_intern_find(&x->dom, d, n);
    if (id && id < x->dom_cap && x->dom_row[id] != -1) {
      if (x->dom_row[id] == -2) {
        *amb = 1;
        return -1;
      }
      return x->dom_row[id];
    }
    const char *dot = memchr(d, '.', n);
    if (!dot) break;
    size_t k = (size_t)(dot - d) + 1;
    if (!memchr(d + k, '.', n - k)) break; /* keep two labels at least */
    d += k;
    n -= k;
  }
  return -1;
}

int32_t revl_acct_index_find(revl_acct_index *x, const char *domain, size_t dn,
                             const char *email, size_t en, const char *company,
                             size_t cn, int *method, int *why) {
  char buf[512];
  int amb = 0, freem = 0;
  *method = REVL_MATCH_NONE;
  *why = REVL_NOMATCH_NOTHING;
  const char *src[2] = {domain, email};
  size_t len[2] = {dn, en};
  for (int k = 0; k < 2; k++) {
    if (!src[k] || !len[k]) continue;
    size_t n = revl_norm_domain(src[k], len[k], buf, sizeof buf);
    if (!n) continue;
    if (revl_acct_index_is_free(x, buf, n)) {
      freem = 1;
      continue;
    }
    int32_t r = find_domain(x, buf, n, &amb);
    if (r >= 0) {
      *method = k == 0 ? REVL_MATCH_DOMAIN : REVL_MATCH_EMAIL;
      return r;
    }
  }
  if (company && cn) {
    size_t n = revl_norm_company(company, cn, buf, sizeof buf);
    if (n) {
      uint32_t id = revl_intern_find(&x->name, buf, n);
      if (id && id < x->name_cap && x->name_row[id] >= 0) {
        *method = REVL_MATCH_COMPANY;
        return x->name_row[id];
      }
      if (id && id < x->name_cap && x->name_row[id] == -2) amb = 1;
    }
  }
  *why = amb ? REVL_NOMATCH_AMBIGUOUS : freem ? REVL_NOMATCH_FREEMAIL
                                              : REVL_NOMATCH_NOTHING;
  return -1;
}
