/*
 * rng.c -- the seeded generator of revl.random (revl/rng.h).
 */
#include "revl/rng.h"

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void revl_rng_seed(revl_rng *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) r->s[i] = splitmix(&x);
}

uint64_t revl_rng_below(revl_rng *r, uint64_t n) {
  uint64_t lim = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = revl_rng_next(r);
  while (x >= lim);
  return x % n;
}

double revl_rng_unit(revl_rng *r) { return (double)(revl_rng_next(r) >> 11) * 0x1.0p-53; }

int64_t revl_rng_range(revl_rng *r, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
  uint64_t x = span == 0 ? revl_rng_next(r) : revl_rng_below(r, span);
  return (int64_t)((uint64_t)lo + x);
}

void revl_rng_shuffle(revl_rng *r, size_t n, void (*swap)(void *ud, size_t i, size_t j),
                      void *ud) {
  for (size_t i = n; i > 1; i--) swap(ud, i, (size_t)revl_rng_below(r, i) + 1);
}
