/*
 * intern.c -- one copy of every distinct string in a store.
 *
 * Strings live back to back in one growable arena as records
 * [id:u32][len:u32][bytes][NUL], 4-byte aligned; off[id] points at the
 * bytes.  The lookup table is open addressing whose 64-bit slots hold
 * (hash << 32 | record offset / 4): a probe rejects other strings by
 * hash without touching memory, and a hit finds the length, the bytes
 * and the id on one cache line.  On a million distinct keys that is two
 * cache misses per lookup instead of four, which is most of the cost of
 * loading an id column.
 *
 * A table restored from a snapshot (src/ingest/snapshot.c) points its
 * three arrays into the store's read-only mapping of that snapshot
 * (`mapped`, capacities equal to what is used); the first change copies
 * them to the heap (revl_intern_own), so lookups never pay for a copy.
 */
#include "revl/store.h"

#include <stdlib.h>
#include <string.h>

#define SLOT(h, rec) (((uint64_t)(h) << 32) | (uint32_t)((rec) >> 2))
#define SLOT_REC(s) ((size_t)(uint32_t)(s) << 2)
#define SLOT_HASH(s) ((uint32_t)((s) >> 32))
#define HDR 8

/* A word-at-a-time multiplicative hash: fast on the short keys CRM data
 * is made of (ids, stages, owners), good spread for a power-of-two
 * table. */
uint32_t revl_intern_hash(const char *s, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    s += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94d049bb133111ebull;
  }
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  /* 0 marks an empty slot together with offset 0; keep hashes nonzero */
  return (uint32_t)h | 1u;
}

void revl_intern_init(revl_intern *in) { memset(in, 0, sizeof *in); }

void revl_intern_done(revl_intern *in) {
  if (!in->mapped) { /* mapped arrays go with the store's mappings */
    free(in->bytes);
    free(in->off);
    free(in->slots);
  }
  memset(in, 0, sizeof *in);
}

int revl_intern_own(revl_intern *in) {
  if (!in->mapped) return 0;
  /* room as a parse leaves it: the next strings do not copy again */
  size_t capbytes = in->nbytes < (1 << 15) ? 1 << 16 : in->nbytes * 2;
  if (capbytes > UINT32_MAX) capbytes = in->nbytes; /* offsets are 32-bit */
  uint32_t cap = in->n < 512 ? 1024 : in->n < UINT32_MAX / 2 ? in->n * 2 : UINT32_MAX;
  size_t nslots = (size_t)in->mask + 1;
  char *bytes = malloc(capbytes);
  uint32_t *off = malloc((size_t)cap * sizeof *off);
  uint64_t *slots = malloc(nslots * sizeof *slots);
  if (!bytes || !off || !slots) {
    free(bytes);
    free(off);
    free(slots);
    return REVL_ENOMEM;
  }
  revl_advise_huge(bytes, capbytes);
  revl_advise_huge(off, (size_t)cap * sizeof *off);
  revl_advise_huge(slots, nslots * sizeof *slots);
  memcpy(bytes, in->bytes, in->nbytes);
  memcpy(off, in->off, (size_t)in->n * sizeof *off);
  memcpy(slots, in->slots, nslots * sizeof *slots);
  in->bytes = bytes;
  in->off = off;
  in->slots = slots;
  in->capbytes = capbytes;
  in->cap = cap;
  in->mapped = 0;
  return 0;
}

static uint32_t rec_u32(const revl_intern *in, size_t rec, int field) {
  uint32_t v;
  memcpy(&v, in->bytes + rec + 4 * field, 4);
  return v;
}

uint32_t revl_intern_len(const revl_intern *in, uint32_t id) {
  return rec_u32(in, in->off[id] - HDR, 1);
}

static int first_use(revl_intern *in);

static int rehash(revl_intern *in, uint32_t size) {
  uint64_t *slots = calloc(size, sizeof *slots);
  if (!slots) return -1;
  revl_advise_huge(slots, (size_t)size * sizeof *slots);
  uint32_t mask = size - 1;
  for (uint32_t id = 1; id < in->n; id++) {
    size_t rec = in->off[id] - HDR;
    uint32_t h = revl_intern_hash(in->bytes + in->off[id], rec_u32(in, rec, 1));
    uint32_t i = h & mask;
    while (slots[i]) i = (i + 1) & mask;
    slots[i] = SLOT(h, rec);
  }
  free(in->slots);
  in->slots = slots;
  in->mask = mask;
  return 0;
}

static int grow_slots(revl_intern *in) {
  return rehash(in, in->mask ? (in->mask + 1) * 2 : 1024);
}

int revl_intern_reserve(revl_intern *in, size_t more) {
  if (revl_intern_own(in)) return REVL_ENOMEM;
  if (!in->slots && first_use(in) != 0) return REVL_ENOMEM;
  size_t want = ((size_t)in->n + more) * 4 / 3 + 1;
  if (want > (size_t)1 << 31) want = (size_t)1 << 31;
  uint32_t size = in->mask + 1;
  while (size < want) size *= 2;
  if (size > in->mask + 1 && rehash(in, size) != 0) return REVL_ENOMEM;
  if (in->n + more > in->cap && more < UINT32_MAX / 2) {
    uint32_t cap = (uint32_t)(in->n + more);
    uint32_t *off = realloc(in->off, cap * sizeof *off);
    if (!off) return REVL_ENOMEM;
    revl_advise_huge(off, cap * sizeof *off);
    in->off = off;
    in->cap = cap;
  }
  /* and room for that many strings as long as the ones so far, plus a
   * half: what is never written costs address space, not memory */
  size_t bytes = in->nbytes + in->nbytes / in->n * more * 3 / 2;
  if (bytes > in->capbytes && bytes <= UINT32_MAX) {
    char *b = realloc(in->bytes, bytes);
    if (!b) return REVL_ENOMEM;
    revl_advise_huge(b, bytes);
    in->bytes = b;
    in->capbytes = bytes;
  }
  return 0;
}

static int first_use(revl_intern *in) {
  in->cap = 1024;
  in->off = malloc(in->cap * sizeof *in->off);
  in->capbytes = 1 << 16;
  in->bytes = malloc(in->capbytes);
  if (!in->off || !in->bytes) {
    revl_intern_done(in);
    return -1;
  }
  /* id 0: an empty record that no lookup finds */
  memset(in->bytes, 0, 12);
  in->nbytes = 12;
  in->off[0] = HDR;
  in->n = 1;
  if (grow_slots(in) != 0) {
    revl_intern_done(in); /* the next add starts over */
    return -1;
  }
  return 0;
}

static uint32_t probe(const revl_intern *in, const char *s, size_t n,
                      uint32_t h, uint32_t *slot) {
  uint32_t i = h & in->mask;
  for (;;) {
    uint64_t e = in->slots[i];
    if (!e) break;
    if (SLOT_HASH(e) == h) {
      size_t rec = SLOT_REC(e);
      if (rec_u32(in, rec, 1) == n &&
          memcmp(in->bytes + rec + HDR, s, n) == 0)
        return rec_u32(in, rec, 0);
    }
    i = (i + 1) & in->mask;
  }
  *slot = i;
  return 0;
}

uint32_t revl_intern_find(const revl_intern *in, const char *s, size_t n) {
  if (!in->slots) return 0;
  uint32_t slot;
  return probe(in, s, n, revl_intern_hash(s, n), &slot);
}

uint32_t revl_intern_add(revl_intern *in, const char *s, size_t n) {
  return revl_intern_add_h(in, s, n, revl_intern_hash(s, n));
}

void revl_intern_prefetch(const revl_intern *in, uint32_t h) {
  if (in->slots) __builtin_prefetch(&in->slots[h & in->mask]);
}

void revl_intern_prefetch_rec(const revl_intern *in, uint32_t h) {
  if (!in->slots) return;
  uint64_t e = in->slots[h & in->mask];
  if (e && SLOT_HASH(e) == h) __builtin_prefetch(in->bytes + SLOT_REC(e));
}

uint32_t revl_intern_add_h(revl_intern *in, const char *s, size_t n,
                           uint32_t h) {
  if (!in->slots && first_use(in) != 0) return 0;
  if (n > UINT32_MAX / 2) return 0;
  uint32_t i;
  uint32_t id = probe(in, s, n, h, &i);
  if (id) return id;
  if (revl_intern_own(in)) return 0; /* a new string: the heap's */
  if (in->n == in->cap) {
    uint32_t cap = in->cap * 2;
    uint32_t *off = realloc(in->off, cap * sizeof *off);
    if (!off) return 0;
    in->off = off;
    in->cap = cap;
  }
  size_t need = (HDR + n + 1 + 3) & ~(size_t)3;
  if (in->nbytes + need > in->capbytes) {
    size_t cap = in->capbytes * 2;
    while (cap < in->nbytes + need) cap *= 2;
    if (cap > UINT32_MAX) return 0; /* offsets are 32-bit: 4 GiB of text */
    char *b = realloc(in->bytes, cap);
    if (!b) return 0;
    revl_advise_huge(b, cap);
    in->bytes = b;
    in->capbytes = cap;
  }
  id = in->n++;
  size_t rec = in->nbytes;
  uint32_t hdr[2] = {id, (uint32_t)n};
  memcpy(in->bytes + rec, hdr, HDR);
  memcpy(in->bytes + rec + HDR, s, n);
  memset(in->bytes + rec + HDR + n, 0, need - HDR - n);
  in->nbytes += need;
  in->off[id] = (uint32_t)(rec + HDR);
  in->slots[i] = SLOT(h, rec);
  /* keep the load factor under 3/4: slots are 8 bytes, and on a million
   * keys the table is the biggest thing after the columns; probes stay
   * short (hashes are compared in the slot) */
  if ((uint64_t)in->n * 4 > ((uint64_t)in->mask + 1) * 3 && grow_slots(in) != 0) {
    /* the table could not grow: the string is in place and findable, the
     * next insert retries the growth */
  }
  return id;
}

size_t revl_intern_memory(const revl_intern *in) {
  return in->nbytes + (size_t)in->n * 4 +
         (in->slots ? ((size_t)in->mask + 1) * 8 : 0);
}

int revl_intern_copy(revl_intern *dst, const revl_intern *src) {
  revl_intern_init(dst);
  if (!src->n) return 0;
  dst->bytes = malloc(src->capbytes ? src->capbytes : 1);
  dst->off = malloc((src->cap ? src->cap : 1) * sizeof *dst->off);
  dst->slots = src->slots ? malloc(((size_t)src->mask + 1) * sizeof *dst->slots) : NULL;
  if (!dst->bytes || !dst->off || (src->slots && !dst->slots)) {
    revl_intern_done(dst);
    return REVL_ENOMEM;
  }
  memcpy(dst->bytes, src->bytes, src->nbytes);
  memcpy(dst->off, src->off, src->n * sizeof *dst->off);
  if (src->slots)
    memcpy(dst->slots, src->slots, ((size_t)src->mask + 1) * sizeof *dst->slots);
  dst->nbytes = src->nbytes;
  dst->capbytes = src->capbytes;
  dst->n = src->n;
  dst->cap = src->cap;
  dst->mask = src->mask;
  return 0;
}
