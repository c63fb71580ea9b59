/*
 * text.c -- normalisers and string similarity for data-quality metrics.
 *
 * Duplicate accounts rarely share a byte-identical name: "Acme, Inc.",
 * "ACME Inc" and "acme" are one company.  Names are reduced to lower
 * case words without punctuation or legal-form suffixes, domains to the
 * registrable host without scheme, www. or path, and what remains is
 * compared exactly (domains) or with Jaro-Winkler (names).  All of it
 * works on bytes: non-ASCII letters are kept as they are.
 */
#include <ctype.h>
#include <string.h>

#include "revl/metrics.h"

/* Legal-form words, after dots are dropped ("S.A." -> "sa"). */
static const char *const legal[] = {
    "inc",  "incorporated", "llc",  "llp",     "lp",   "ltd", "limited", "plc",
    "corp", "corporation",  "co",   "company", "gmbh", "ag",  "kg",      "ohg",
    "ug",   "mbh",          "sa",   "sas",     "sarl", "srl", "spa",     "sl",
    "bv",   "nv",           "ab",   "as",      "asa",  "oy",  "oyj",     "aps",
    "pty",  "pvt",          "pte",  "kk",      "sdn",  "bhd", "se",      "sp",
    "zoo",  "doo",          "kft",  "ltda",    "cia",  "sac", "eirl",    "lda",
    "ooo",  "zao",          "oao",  "pjsc",    "jsc",  "tbk", "fze",     "fzco",
    "nl",   "sprl",         "bvba", "cv",      "sca",  "scs", "sae",     "ke",
    NULL};

static int is_legal(const char *w, size_t n) {
  if (n > 12) return 0;
  for (int i = 0; legal[i]; i++)
    if (legal[i][0] == w[0] && strncmp(legal[i], w, n) == 0 &&
        legal[i][n] == '\0')
      return 1;
  return 0;
}

size_t revl_metrics_norm_name(const char *s, size_t n, char *out, size_t cap) {
  if (cap == 0) return 0;
  size_t k = 0;
  int space = 1; /* at a word start: no leading or double spaces */
  for (size_t i = 0; i < n && k + 5 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.' || c == '\'' || c == '/') continue; /* S.A., A/S */
    if (c == '&') {
      if (!space) out[k++] = ' ';
      memcpy(out + k, "and ", 4);
      k += 4;
      space = 1;
      continue;
    }
    if (c >= 0x80 || isalnum(c)) {
      out[k++] = (char)(c < 0x80 ? tolower(c) : c);
      space = 0;
    } else if (!space) {
      out[k++] = ' ';
      space = 1;
    }
  }
  while (k > 0 && out[k - 1] == ' ')
    k--;
  out[k] = '\0';
  /* drop legal-form words from the end while another word remains
   * ("and" too once a legal form went: "GmbH & Co. KG") */
  int dropped = 0;
  for (;;) {
    char *sp = NULL;
    for (size_t i = k; i > 0; i--)
      if (out[i - 1] == ' ') {
        sp = out + i - 1;
        break;
      }
    if (!sp) break;
    size_t wl = k - (size_t)(sp + 1 - out);
    if (!is_legal(sp + 1, wl) &&
        !(dropped && wl == 3 && memcmp(sp + 1, "and", 3) == 0))
      break;
    dropped = 1;
    k = (size_t)(sp - out);
    out[k] = '\0';
  }
  /* "and" or "the" left dangling at the end ("Smith &") goes too */
  if (k > 4 && memcmp(out + k - 4, " and", 4) == 0) k -= 4, out[k] = '\0';
  if (k > 4 && memcmp(out, "the ", 4) == 0) {
    memmove(out, out + 4, k - 4 + 1);
    k -= 4;
  }
  return k;
}

size_t revl_metrics_norm_domain(const char *s, size_t n, char *out,
                                size_t cap) {
  if (cap == 0) return 0;
  while (n && isspace((unsigned char)*s))
    s++, n--;
  while (n && isspace((unsigned char)s[n - 1]))
    n--;
  /* scheme */
  for (size_t i = 0; i + 2 < n && i < 16; i++)
    if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
      s += i + 3;
      n -= i + 3;
      break;
    }
  /* host ends at / ? # or : (port) */
  size_t end = 0;
  while (end < n && s[end] != '/' && s[end] != '?' && s[end] != '#' &&
         s[end] != ':')
    end++;
  n = end;
  /* user@host, and email addresses */
  const char *at = memchr(s, '@', n);
  if (at) {
    n -= (size_t)(at + 1 - s);
    s = at + 1;
  }
  while (n && s[n - 1] == '.')
    n--;
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < cap; i++)
    out[k++] = (char)tolower((unsigned char)s[i]);
  out[k] = '\0';
  if (k > 4 && memcmp(out, "www.", 4) == 0) {
    memmove(out, out + 4, k - 4 + 1);
    k -= 4;
  } else if (k > 5 && memcmp(out, "www", 3) == 0 &&
             isdigit((unsigned char)out[3]) && out[4] == '.') {
    memmove(out, out + 5, k - 5 + 1); /* www2. */
    k -= 5;
  }
  /* a host needs a dot */
  if (!memchr(out, '.', k)) {
    out[0] = '\0';
    return 0;
  }
  return k;
}

static const char *const freemail[] = {"gmail.com",
                                       "googlemail.com",
                                       "yahoo.com",
                                       "yahoo.co.uk",
                                       "ymail.com",
                                       "hotmail.com",
                                       "hotmail.co.uk",
                                       "outlook.com",
                                       "live.com",
                                       "msn.com",
                                       "aol.com",
                                       "icloud.com",
                                       "me.com",
                                       "mac.com",
                                       "proton.me",
                                       "protonmail.com",
                                       "gmx.com",
                                       "gmx.de",
                                       "gmx.net",
                                       "web.de",
                                       "mail.com",
                                       "yandex.ru",
                                       "yandex.com",
                                       "mail.ru",
                                       "qq.com",
                                       "163.com",
                                       "126.com",
                                       "zoho.com",
                                       "fastmail.com",
                                       "orange.fr",
                                       "free.fr",
                                       "laposte.net",
                                       "libero.it",
                                       "t-online.de",
                                       NULL};

int revl_metrics_freemail(const char *d, size_t n) {
  for (int i = 0; freemail[i]; i++)
    if (strlen(freemail[i]) == n && memcmp(freemail[i], d, n) == 0) return 1;
  return 0;
}

/* Jaro for strings of at most 64 bytes, bit-parallel: the positions of
 * each byte of b are a 64-bit mask, so finding a's match in its window
 * is a mask operation instead of a scan.  Same result as the scan (the
 * first unmatched equal byte of b in the window). */
static double jaro64(const unsigned char *a, size_t na, const unsigned char *b,
                     size_t nb, size_t range) {
  uint64_t mask[256];
  uint64_t present[4] = {0, 0, 0, 0};
  for (size_t j = 0; j < nb; j++) {
    unsigned c = b[j];
    if (!(present[c >> 6] >> (c & 63) & 1)) {
      present[c >> 6] |= 1ull << (c & 63);
      mask[c] = 0;
    }
    mask[c] |= 1ull << j;
  }
  uint64_t used = 0, amatch = 0;
  size_t m = 0;
  for (size_t i = 0; i < na; i++) {
    unsigned c = a[i];
    if (!(present[c >> 6] >> (c & 63) & 1)) continue;
    size_t lo = i > range ? i - range : 0;
    size_t hi = i + range + 1 < nb ? i + range + 1 : nb;
    if (lo >= hi) continue;
    uint64_t win =
        (hi >= 64 ? ~0ull : ((1ull << hi) - 1)) & ~((1ull << lo) - 1);
    uint64_t cand = mask[c] & win & ~used;
    if (!cand) continue;
    used |= cand & (~cand + 1); /* lowest bit */
    amatch |= 1ull << i;
    m++;
  }
  if (m == 0) return 0.0;
  size_t t = 0;
  uint64_t x = amatch, y = used;
  while (x) {
    int i = __builtin_ctzll(x), j = __builtin_ctzll(y);
    if (a[i] != b[j]) t++;
    x &= x - 1;
    y &= y - 1;
  }
  double md = (double)m;
  return (md / (double)na + md / (double)nb + (md - (double)t / 2.0) / md) /
         3.0;
}

double revl_metrics_jaro_winkler(const char *a, size_t na, const char *b,
                                 size_t nb) {
  if (na > 256) na = 256;
  if (nb > 256) nb = 256;
  if (na == 0 && nb == 0) return 1.0;
  if (na == 0 || nb == 0) return 0.0;
  if (na == nb && memcmp(a, b, na) == 0) return 1.0;
  size_t range = (na > nb ? na : nb) / 2;
  range = range > 0 ? range - 1 : 0;
  double jaro;
  if (na <= 64 && nb <= 64) {
    jaro = jaro64((const unsigned char *)a, na, (const unsigned char *)b, nb,
                  range);
  } else {
    unsigned char ma[256], mb[256];
    memset(ma, 0, na);
    memset(mb, 0, nb);
    size_t m = 0;
    for (size_t i = 0; i < na; i++) {
      size_t lo = i > range ? i - range : 0;
      size_t hi = i + range + 1 < nb ? i + range + 1 : nb;
      for (size_t j = lo; j < hi; j++) {
        if (mb[j] || a[i] != b[j]) continue;
        ma[i] = mb[j] = 1;
        m++;
        break;
      }
    }
    if (m == 0) return 0.0;
    size_t t = 0, j = 0;
    for (size_t i = 0; i < na; i++) {
      if (!ma[i]) continue;
      while (!mb[j])
        j++;
      if (a[i] != b[j]) t++;
      j++;
    }
    double md = (double)m;
    jaro =
        (md / (double)na + md / (double)nb + (md - (double)t / 2.0) / md) / 3.0;
  }
  if (jaro == 0.0) return 0.0;
  size_t l = 0;
  while (l < 4 && l < na && l < nb && a[l] == b[l])
    l++;
  return jaro + (double)l * 0.1 * (1.0 - jaro);
}
