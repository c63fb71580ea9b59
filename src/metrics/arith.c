/*
 * arith.c -- exact money arithmetic and order statistics for metrics.
 *
 * Money is int64 minor units.  Products such as amount x probability or
 * total x weight can exceed 64 bits, so they are formed in 128 bits and
 * divided once, rounding half away from zero (the rule revl uses for
 * money everywhere).  Probabilities are read to 9 decimals (parts per
 * billion) so that 0.3 means exactly 3/10 and the cent a deal is worth
 * does not depend on binary floating point.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "revl/metrics.h"

typedef __int128 i128;

/* n / d rounded half away from zero; d > 0. */
static i128 div_round(i128 n, i128 d) {
  i128 q = n / d, r = n % d;
  if (r < 0) r = -r;
  if (2 * r >= d) q += n < 0 ? -1 : 1;
  return q;
}

static int fits64(i128 v) {
  return v >= INT64_MIN && v <= INT64_MAX;
}

int revl_metrics_muldiv(int64_t a, int64_t m, int64_t b, int64_t *out) {
  if (b == 0) return REVL_EUSAGE;
  i128 n = (i128)a * m, d = b;
  if (d < 0) n = -n, d = -d;
  i128 q = div_round(n, d);
  if (!fits64(q)) return REVL_EDATA;
  *out = (int64_t)q;
  return 0;
}

/* Multiply non-negative factors, reporting when 128 bits overflow. */
static int mul_ok(i128 a, i128 b, i128 *out) {
  return !__builtin_mul_overflow(a, b, out);
}

int revl_metrics_ratio3(int64_t n1, int64_t n2, int64_t n3, int64_t d1,
                        int64_t d2, int64_t d3, int64_t *out) {
  i128 n, d;
  if (!mul_ok(n1, n2, &n) || !mul_ok(n, n3, &n)) return REVL_EDATA;
  if (!mul_ok(d1, d2, &d) || !mul_ok(d, d3, &d)) return REVL_EDATA;
  if (d == 0) return REVL_EUSAGE;
  if (d < 0) n = -n, d = -d;
  i128 q = div_round(n, d);
  if (!fits64(q)) return REVL_EDATA;
  *out = (int64_t)q;
  return 0;
}

int revl_metrics_ppb(double p, int64_t *ppb) {
  if (!isfinite(p) || p < 0 || p > 1) return REVL_EDATA;
  *ppb = (int64_t)llround(p * 1e9);
  return 0;
}

int revl_metrics_weigh(int64_t minor, int64_t ppb, int64_t *out) {
  int64_t x;
  if (!__builtin_mul_overflow(minor, ppb, &x)) {
    /* the common case: 64-bit, division by a constant */
    int64_t q = x / 1000000000, r = x % 1000000000;
    if (r < 0) r = -r;
    if (r >= 500000000) q += x < 0 ? -1 : 1;
    *out = q;
    return 0;
  }
  return revl_metrics_muldiv(minor, ppb, 1000000000, out);
}

/* ---- apportionment -------------------------------------------------- */

int revl_metrics_apportion(int64_t total, const int64_t *w, size_t n,
                           int64_t *out, uint32_t *scratch) {
  i128 W = 0;
  for (size_t i = 0; i < n; i++) {
    if (w[i] < 0) return REVL_EUSAGE;
    W += w[i];
  }
  if (n == 0 || W == 0) return REVL_EUSAGE;
  int neg = total < 0;
  i128 T = neg ? -(i128)total : (i128)total;
  i128 given = 0;
  /* remainders kept as 128-bit values in out's place is not possible;
   * compare them on the fly: remainder(i) = T * w[i] mod W */
  for (size_t i = 0; i < n; i++) {
    i128 p = T * w[i];
    out[i] = (int64_t)(p / W);
    given += out[i];
    scratch[i] = (uint32_t)i;
  }
  int64_t left = (int64_t)(T - given); /* < n */
  if (left > 0) {
    /* partial selection sort: the `left` largest remainders, ties to
     * the lower index (scratch stays in index order otherwise) */
    for (int64_t k = 0; k < left; k++) {
      size_t best = (size_t)k;
      i128 rb = (T * w[scratch[best]]) % W;
      for (size_t j = (size_t)k + 1; j < n; j++) {
        i128 rj = (T * w[scratch[j]]) % W;
        if (rj > rb || (rj == rb && scratch[j] < scratch[best])) {
          best = j;
          rb = rj;
        }
      }
      uint32_t tmp = scratch[k];
      scratch[k] = scratch[best];
      scratch[best] = tmp;
      out[scratch[k]] += 1;
    }
  }
  if (neg)
    for (size_t i = 0; i < n; i++)
      out[i] = -out[i];
  return 0;
}

/* ---- order statistics ----------------------------------------------- */

/* Quickselect: afterwards v[k] is the k-th smallest, smaller ones left. */
static void select_k(double *v, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (hi > lo) {
    /* median of three as the pivot */
    size_t mid = lo + (hi - lo) / 2;
    double a = v[lo], b = v[mid], c = v[hi];
    double piv =
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    size_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < piv)
        i++;
      while (v[j] > piv)
        j--;
      if (i <= j) {
        double t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return;
  }
}

double revl_metrics_percentile(double *v, size_t n, double p) {
  if (n == 1) return v[0];
  double pos = p / 100.0 * (double)(n - 1);
  size_t lo = (size_t)floor(pos);
  if (lo >= n - 1) lo = n - 1;
  double frac = pos - (double)lo;
  select_k(v, n, lo);
  double a = v[lo];
  if (frac == 0 || lo + 1 >= n) return a;
  double b = v[lo + 1];
  for (size_t i = lo + 2; i < n; i++)
    if (v[i] < b) b = v[i];
  return a + (b - a) * frac;
}
