/*
 * intern.c -- one copy of every distinct string in a store.
 *
 * Strings live back to back in one growable byte buffer; an id is an
 * index into the offset/length arrays.  Lookup is open addressing over
 * ids with the full hash kept per id, so a probe compares hashes before
 * bytes and growing the table never rehashes a string.
 */
#include "revl/store.h"

#include <stdlib.h>
#include <string.h>

/* A word-at-a-time multiplicative hash: fast on the short keys CRM data
 * is made of (ids, stages, owners), good enough spread for a power-of-two
 * table. */
static uint32_t hash_bytes(const char *s, size_t n) {
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
  return (uint32_t)h;
}

void revl_intern_init(revl_intern *in) {
  memset(in, 0, sizeof *in);
}

void revl_intern_done(revl_intern *in) {
  free(in->bytes);
  free(in->off);
  free(in->len);
  free(in->slots);
  free(in->hashes);
  memset(in, 0, sizeof *in);
}

static int grow_slots(revl_intern *in) {
  uint32_t size = in->mask ? (in->mask + 1) * 2 : 1024;
  uint32_t *slots = calloc(size, sizeof *slots);
  if (!slots) return -1;
  uint32_t mask = size - 1;
  for (uint32_t id = 1; id < in->n; id++) {
    uint32_t i = in->hashes[id] & mask;
    while (slots[i]) i = (i + 1) & mask;
    slots[i] = id;
  }
  free(in->slots);
  in->slots = slots;
  in->mask = mask;
  return 0;
}

static int first_use(revl_intern *in) {
  in->cap = 1024;
  in->off = malloc(in->cap * sizeof *in->off);
  in->len = malloc(in->cap * sizeof *in->len);
  in->hashes = malloc(in->cap * sizeof *in->hashes);
  in->capbytes = 1 << 16;
  in->bytes = malloc(in->capbytes);
  if (!in->off || !in->len || !in->hashes || !in->bytes) return -1;
  /* id 0: the empty string slot that is never found by lookups */
  in->bytes[0] = '\0';
  in->nbytes = 1;
  in->off[0] = 0;
  in->len[0] = 0;
  in->hashes[0] = 0;
  in->n = 1;
  return grow_slots(in);
}

uint32_t revl_intern_find(const revl_intern *in, const char *s, size_t n) {
  if (!in->slots) return 0;
  uint32_t h = hash_bytes(s, n);
  uint32_t i = h & in->mask;
  for (;;) {
    uint32_t id = in->slots[i];
    if (!id) return 0;
    if (in->hashes[id] == h && in->len[id] == n &&
        memcmp(in->bytes + in->off[id], s, n) == 0)
      return id;
    i = (i + 1) & in->mask;
  }
}

uint32_t revl_intern_add(revl_intern *in, const char *s, size_t n) {
  if (!in->slots && first_use(in) != 0) return 0;
  if (n > UINT32_MAX - 1) return 0;
  uint32_t h = hash_bytes(s, n);
  uint32_t i = h & in->mask;
  for (;;) {
    uint32_t id = in->slots[i];
    if (!id) break;
    if (in->hashes[id] == h && in->len[id] == n &&
        memcmp(in->bytes + in->off[id], s, n) == 0)
      return id;
    i = (i + 1) & in->mask;
  }
  if (in->n == in->cap) {
    uint32_t cap = in->cap * 2;
    uint32_t *off = realloc(in->off, cap * sizeof *off);
    if (!off) return 0;
    in->off = off;
    uint32_t *len = realloc(in->len, cap * sizeof *len);
    if (!len) return 0;
    in->len = len;
    uint32_t *hs = realloc(in->hashes, cap * sizeof *hs);
    if (!hs) return 0;
    in->hashes = hs;
    in->cap = cap;
  }
  if (in->nbytes + n + 1 > in->capbytes) {
    size_t cap = in->capbytes * 2;
    while (cap < in->nbytes + n + 1) cap *= 2;
    if (cap > UINT32_MAX) return 0; /* offsets are 32-bit: 4 GiB of text */
    char *b = realloc(in->bytes, cap);
    if (!b) return 0;
    in->bytes = b;
    in->capbytes = cap;
  }
  uint32_t id = in->n++;
  in->off[id] = (uint32_t)in->nbytes;
  in->len[id] = (uint32_t)n;
  in->hashes[id] = h;
  memcpy(in->bytes + in->nbytes, s, n);
  in->bytes[in->nbytes + n] = '\0';
  in->nbytes += n + 1;
  in->slots[i] = id;
  /* keep the load factor under 1/2 */
  if ((uint64_t)in->n * 2 > (uint64_t)in->mask + 1 && grow_slots(in) != 0) {
    in->n--; /* table could not grow: undo so the slot stays consistent */
    in->slots[i] = 0;
    in->nbytes -= n + 1;
    return 0;
  }
  return id;
}

size_t revl_intern_memory(const revl_intern *in) {
  return in->capbytes + (size_t)in->cap * 12 +
         (in->slots ? ((size_t)in->mask + 1) * 4 : 0);
}
