/*
 * text.c -- string similarity for data-quality metrics.
 *
 * Duplicate accounts rarely share a byte-identical name: "Acme, Inc.",
 * "ACME Inc" and "acme" are one company.  Names and domains are first
 * normalised by revl_norm_company / revl_norm_domain (src/rules/match.c,
 * shared with lead routing); what remains is compared exactly (domains)
 * or with Jaro-Winkler (names), on bytes.
 */
#include <string.h>

#include "revl/metrics.h"

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
