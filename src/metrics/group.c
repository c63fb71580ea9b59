/*
 * group.c -- grouping by int64 key tuples, and union-find.
 *
 * Metrics key rows by a few int64 parts (intern ids, values, a period
 * ordinal); an open-addressing table maps each distinct tuple to a
 * dense group number so per-group accumulators are plain arrays.  The
 * table grows with the groups, not the rows.
 */
#include <stdlib.h>
#include <string.h>

#include "revl/metrics.h"

static uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

static uint64_t hash_key(const int64_t *k, int nk) {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < nk; i++)
    h = mix(h ^ (uint64_t)k[i]) + (uint64_t)i;
  return h;
}

/* Keys of one to three parts (the usual group_by) compare inline: a
 * memcmp call per probe cost more than the probe. */
static inline int same_key(const int64_t *a, const int64_t *b, size_t nk) {
  switch (nk) {
  case 1: return a[0] == b[0];
  case 2: return a[0] == b[0] && a[1] == b[1];
  case 3: return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
  default: return memcmp(a, b, nk * sizeof *a) == 0;
  }
}

int revl_mgroup_init(revl_mgroup *g, int nk) {
  memset(g, 0, sizeof *g);
  g->nk = nk;
  g->cap = 16;
  g->mask = 63;
  g->keys = malloc(g->cap * (size_t)(nk ? nk : 1) * sizeof *g->keys);
  g->first = malloc(g->cap * sizeof *g->first);
  g->slots = calloc(g->mask + 1, sizeof *g->slots);
  if (!g->keys || !g->first || !g->slots) {
    revl_mgroup_free(g);
    return REVL_ENOMEM;
  }
  return 0;
}

void revl_mgroup_free(revl_mgroup *g) {
  free(g->keys);
  free(g->first);
  free(g->slots);
  g->keys = NULL;
  g->first = g->slots = NULL;
  g->n = g->cap = 0;
}

static int rehash(revl_mgroup *g) {
  size_t ncap = (g->mask + 1) * 2;
  uint32_t *ns = calloc(ncap, sizeof *ns);
  if (!ns) return REVL_ENOMEM;
  for (size_t q = 0; q < g->n; q++) {
    size_t j = hash_key(g->keys + q * (size_t)g->nk, g->nk) & (ncap - 1);
    while (ns[j])
      j = (j + 1) & (ncap - 1);
    ns[j] = (uint32_t)q + 1;
  }
  free(g->slots);
  g->slots = ns;
  g->mask = ncap - 1;
  return 0;
}

int64_t revl_mgroup_find(const revl_mgroup *g, const int64_t *key) {
  size_t nk = (size_t)g->nk;
  size_t s = hash_key(key, g->nk) & g->mask;
  for (;;) {
    uint32_t e = g->slots[s];
    if (!e) return -1;
    if (same_key(g->keys + (size_t)(e - 1) * nk, key, nk)) return e - 1;
    s = (s + 1) & g->mask;
  }
}

int64_t revl_mgroup_get(revl_mgroup *g, const int64_t *key, uint32_t tag) {
  size_t nk = (size_t)g->nk;
  size_t s = hash_key(key, g->nk) & g->mask;
  for (;;) {
    uint32_t e = g->slots[s];
    if (!e) break;
    if (same_key(g->keys + (size_t)(e - 1) * nk, key, nk)) return e - 1;
    s = (s + 1) & g->mask;
  }
  if (g->n == g->cap) {
    size_t nc = g->cap * 2;
    int64_t *nkeys = realloc(g->keys, nc * (nk ? nk : 1) * sizeof *nkeys);
    if (!nkeys) return REVL_ENOMEM;
    g->keys = nkeys;
    uint32_t *nf = realloc(g->first, nc * sizeof *nf);
    if (!nf) return REVL_ENOMEM;
    g->first = nf;
    g->cap = nc;
  }
  size_t grp = g->n++;
  memcpy(g->keys + grp * nk, key, nk * sizeof *key);
  g->first[grp] = tag;
  g->slots[s] = (uint32_t)grp + 1;
  if (g->n * 2 > g->mask + 1 && rehash(g)) return REVL_ENOMEM;
  return (int64_t)grp;
}

void revl_uf_init(uint32_t *parent, size_t n) {
  for (size_t i = 0; i < n; i++)
    parent[i] = (uint32_t)i;
}

uint32_t revl_uf_find(uint32_t *parent, uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]]; /* path halving */
    x = parent[x];
  }
  return x;
}

/* The smaller root wins, so a cluster's root is its first record. */
void revl_uf_union(uint32_t *parent, uint32_t a, uint32_t b) {
  a = revl_uf_find(parent, a);
  b = revl_uf_find(parent, b);
  if (a == b) return;
  if (a < b)
    parent[b] = a;
  else
    parent[a] = b;
}
