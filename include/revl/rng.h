/*
 * rng.h -- the seeded generator playbooks draw from (revl.random):
 * xoshiro256** seeded through splitmix64, uniform integers without
 * modulo bias, floats in [0, 1) and in-place index shuffles.  Same seed,
 * same sequence, on every machine.
 */
#ifndef REVL_RNG_H
#define REVL_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct revl_rng {
  uint64_t s[4];
} revl_rng;

void revl_rng_seed(revl_rng *r, uint64_t seed);
/* the next 64 bits (xoshiro256**; inline: `revl gen` draws millions) */
static inline uint64_t revl_rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t revl_rng_next(revl_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = revl_rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = revl_rng_rotl(s[3], 45);
  return result;
}
/* uniform in [0, n), n > 0 */
uint64_t revl_rng_below(revl_rng *r, uint64_t n);
/* a float in [0, 1) */
double revl_rng_unit(revl_rng *r);
/* uniform in [lo, hi] (lo <= hi; the whole range when it spans 2^64) */
int64_t revl_rng_range(revl_rng *r, int64_t lo, int64_t hi);
/* The positions (from 1) a Fisher-Yates shuffle of n elements swaps,
 * from the last: calls swap(ud, i, j) for i = n .. 2. */
void revl_rng_shuffle(revl_rng *r, size_t n, void (*swap)(void *ud, size_t i, size_t j),
                      void *ud);

#endif
