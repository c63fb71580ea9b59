/*
 * namesim.h -- company-name comparison weighted by how rare each word is
 * in the table (namesim.c), for duplicate detection (dedupe.c).
 */
#ifndef REVL_NAMESIM_H
#define REVL_NAMESIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct revl_nsim revl_nsim;

/* How two names compare (revl_nsim_score). */
enum {
  REVL_NS_NONE = 0,  /* different companies, or below any use */
  REVL_NS_EQUAL,     /* normalised names byte-equal */
  REVL_NS_WORDS,     /* the same words in another order */
  REVL_NS_TYPO,      /* every word matched, one or more by a typo */
  REVL_NS_SIMILAR    /* weighted overlap; some words unmatched */
};

typedef struct revl_nsim_why {
  int kind;           /* REVL_NS_* */
  uint32_t ta, tb;    /* for REVL_NS_TYPO: the first typo's tokens */
  int veto;           /* a distinctive word differs on both sides */
} revl_nsim_why;

/* Tokenise n normalised names (space-separated words, as written by
 * revl_norm_company) held at text + off[i], len[i] bytes (len 0 = no
 * name), and count in how many names each word occurs.  Returns NULL
 * when out of memory.  The caller keeps text alive while *s is used. */
revl_nsim *revl_nsim_new(size_t n, const char *text, const uint32_t *off,
                         const uint32_t *len);
void revl_nsim_free(revl_nsim *s);

/* Score in [0, 1] of records a and b: the IDF weight of the words the
 * two names share (typos count 0.9 or 0.8) over the weight of all their
 * words; 0 when a distinctive word differs on both sides.  why may be
 * NULL. */
double revl_nsim_score(const revl_nsim *s, uint32_t a, uint32_t b,
                       revl_nsim_why *why);

/* Token t as text (not NUL-terminated) and its length. */
const char *revl_nsim_token(const revl_nsim *s, uint32_t t, size_t *len);

/* Edit distance (insertions, deletions, substitutions, adjacent
 * transpositions) of a and b, or max + 1 when it exceeds max. */
int revl_nsim_distance(const char *a, size_t na, const char *b, size_t nb,
                       int max);

#endif
