/*
 * namesim.c -- how alike two company names are, weighed by how rare
 * each of their words is in the table.
 *
 * A character similarity over whole names (Jaro-Winkler) scores "key
 * bird capital" and "lake bird capital" at 0.94: the shared words
 * outweigh the one that tells the companies apart.  Here a name is a
 * set of words, each weighted by its inverse document frequency in the
 * table, w = ln(1 + N / df) (N names, df of them contain the word), so
 * "capital" or "media", which many names carry, count little and "key"
 * or "lake" decide.  The score of a pair is the weight of the words
 * both names have (a word matched through a typo counts 0.9, two typos
 * 0.8) over the weight of all their words.  A word one name has and the
 * other lacks lowers the score; a distinctive word on each side that
 * matches nothing on the other (a substitution) is evidence of two
 * companies, and the score is 0.
 *
 * A typo match needs words of at least 4 letters with one of them at
 * least 5 (one edit; two from 10 letters up), no digits, and the rarer
 * word no more common than sqrt(N) names: "wind" and "wing" are two
 * real words when the table has hundreds of each.
 */
#include "metrics/namesim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAXT = 32 }; /* words per name that take part */

struct revl_nsim {
  size_t n;
  const char *text;
  uint32_t *roff; /* record -> first token in toks */
  uint8_t *rn;    /* record -> number of tokens */
  uint32_t *toks;
  uint32_t ntok;
  uint32_t *toff, *tlen, *df, *last; /* per distinct word */
  float *w;
  double rare_df; /* a typo's rarer word occurs in at most this many names */
};

static uint64_t fnv(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

void revl_nsim_free(revl_nsim *s) {
  if (!s) return;
  free(s->roff);
  free(s->rn);
  free(s->toks);
  free(s->toff);
  free(s->tlen);
  free(s->df);
  free(s->last);
  free(s->w);
  free(s);
}

revl_nsim *revl_nsim_new(size_t n, const char *text, const uint32_t *off,
                         const uint32_t *len) {
  revl_nsim *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->n = n;
  s->text = text;
  size_t total = 0, named = 0;
  for (size_t i = 0; i < n; i++) {
    if (!len[i]) continue;
    named++;
    size_t k = 1;
    for (uint32_t j = 0; j < len[i]; j++)
      k += text[off[i] + j] == ' ';
    total += k < MAXT ? k : MAXT;
  }
  size_t cap = 16;
  while (cap < total * 2)
    cap *= 2;
  uint32_t *slot = calloc(cap, sizeof *slot); /* token id + 1 */
  s->roff = malloc((n ? n : 1) * sizeof *s->roff);
  s->rn = calloc(n ? n : 1, 1);
  s->toks = malloc((total ? total : 1) * sizeof *s->toks);
  s->toff = malloc((total ? total : 1) * sizeof *s->toff);
  s->tlen = malloc((total ? total : 1) * sizeof *s->tlen);
  s->df = calloc(total ? total : 1, sizeof *s->df);
  s->last = malloc((total ? total : 1) * sizeof *s->last);
  if (!slot || !s->roff || !s->rn || !s->toks || !s->toff || !s->tlen ||
      !s->df || !s->last) {
    free(slot);
    revl_nsim_free(s);
    return NULL;
  }
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    s->roff[i] = (uint32_t)at;
    uint32_t j = 0;
    while (j < len[i] && s->rn[i] < MAXT) {
      uint32_t st = j;
      while (j < len[i] && text[off[i] + j] != ' ')
        j++;
      const char *wd = text + off[i] + st;
      uint32_t wl = j - st;
      j++;
      if (!wl) continue;
      uint64_t h = fnv(wd, wl);
      size_t q = h & (cap - 1);
      uint32_t id;
      for (;;) {
        if (!slot[q]) {
          id = s->ntok++;
          slot[q] = id + 1;
          s->toff[id] = off[i] + st;
          s->tlen[id] = wl;
          s->last[id] = UINT32_MAX;
          break;
        }
        id = slot[q] - 1;
        if (s->tlen[id] == wl && memcmp(text + s->toff[id], wd, wl) == 0) break;
        q = (q + 1) & (cap - 1);
      }
      if (s->last[id] != (uint32_t)i) { /* once per name */
        s->last[id] = (uint32_t)i;
        s->df[id]++;
      }
      s->toks[at++] = id;
      s->rn[i]++;
    }
  }
  free(slot);
  s->w = malloc((s->ntok ? s->ntok : 1) * sizeof *s->w);
  if (!s->w) {
    revl_nsim_free(s);
    return NULL;
  }
  double N = (double)named;
  for (uint32_t t = 0; t < s->ntok; t++)
    s->w[t] = (float)log(1.0 + N / (double)s->df[t]);
  s->rare_df = sqrt(N) > 2 ? sqrt(N) : 2;
  return s;
}

const char *revl_nsim_token(const revl_nsim *s, uint32_t t, size_t *len) {
  *len = s->tlen[t];
  return s->text + s->toff[t];
}

int revl_nsim_distance(const char *a, size_t na, const char *b, size_t nb,
                       int max) {
  enum { L = 64 };
  if (na > L || nb > L) return max + 1;
  size_t diff = na > nb ? na - nb : nb - na;
  if (diff > (size_t)max) return max + 1;
  /* optimal string alignment: three rows of the table */
  int r0[L + 1], r1[L + 1], r2[L + 1];
  int *pp = r0, *p = r1, *c = r2;
  for (size_t j = 0; j <= nb; j++)
    p[j] = (int)j;
  for (size_t i = 1; i <= na; i++) {
    c[0] = (int)i;
    int lo = c[0];
    for (size_t j = 1; j <= nb; j++) {
      int cost = a[i - 1] != b[j - 1];
      int v = p[j - 1] + cost;
      if (p[j] + 1 < v) v = p[j] + 1;
      if (c[j - 1] + 1 < v) v = c[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          pp[j - 2] + 1 < v)
        v = pp[j - 2] + 1;
      c[j] = v;
      if (v < lo) lo = v;
    }
    if (lo > max) return max + 1;
    int *t = pp;
    pp = p;
    p = c;
    c = t;
  }
  return p[nb] <= max ? p[nb] : max + 1;
}

static int has_digit(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] >= '0' && s[i] <= '9') return 1;
  return 0;
}

/* The edits a typo between words x and y may have, 0 when none. */
static int typo_budget(const revl_nsim *s, uint32_t x, uint32_t y) {
  size_t lx = s->tlen[x], ly = s->tlen[y];
  size_t lo = lx < ly ? lx : ly, hi = lx < ly ? ly : lx;
  if (lo < 4 || hi < 5) return 0;
  double rare = s->df[x] < s->df[y] ? s->df[x] : s->df[y];
  if (rare > s->rare_df) return 0;
  if (has_digit(s->text + s->toff[x], lx) || has_digit(s->text + s->toff[y], ly))
    return 0;
  return lo >= 10 ? 2 : 1;
}

double revl_nsim_score(const revl_nsim *s, uint32_t a, uint32_t b,
                       revl_nsim_why *why) {
  revl_nsim_why dummy;
  if (!why) why = &dummy;
  memset(why, 0, sizeof *why);
  size_t na = s->rn[a], nb = s->rn[b];
  if (!na || !nb) return 0.0;
  const uint32_t *A = s->toks + s->roff[a], *B = s->toks + s->roff[b];
  uint32_t ma = 0, mb = 0; /* matched words, bit per position */
  double got = 0, total = 0, maxa = 0, maxb = 0;
  for (size_t i = 0; i < na; i++) {
    total += s->w[A[i]];
    if (s->w[A[i]] > maxa) maxa = s->w[A[i]];
  }
  for (size_t j = 0; j < nb; j++) {
    total += s->w[B[j]];
    if (s->w[B[j]] > maxb) maxb = s->w[B[j]];
  }
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      if (!(mb >> j & 1) && A[i] == B[j]) {
        ma |= 1u << i;
        mb |= 1u << j;
        got += 2.0 * s->w[A[i]];
        break;
      }
  int typos = 0;
  for (size_t i = 0; i < na; i++) {
    if (ma >> i & 1) continue;
    int bestd = 3;
    size_t bj = 0;
    for (size_t j = 0; j < nb; j++) {
      if (mb >> j & 1) continue;
      int budget = typo_budget(s, A[i], B[j]);
      if (!budget) continue;
      int d = revl_nsim_distance(s->text + s->toff[A[i]], s->tlen[A[i]],
                                 s->text + s->toff[B[j]], s->tlen[B[j]], budget);
      if (d <= budget && d < bestd) bestd = d, bj = j;
    }
    if (bestd > 2) continue;
    ma |= 1u << i;
    mb |= 1u << bj;
    got += (s->w[A[i]] + s->w[B[bj]]) * (1.0 - 0.1 * bestd);
    if (!typos++) {
      why->ta = A[i];
      why->tb = B[bj];
    }
  }
  /* the heaviest unmatched word on each side */
  double ua = -1, ub = -1;
  for (size_t i = 0; i < na; i++)
    if (!(ma >> i & 1) && s->w[A[i]] > ua) ua = s->w[A[i]];
  for (size_t j = 0; j < nb; j++)
    if (!(mb >> j & 1) && s->w[B[j]] > ub) ub = s->w[B[j]];
  if (ua >= 0 && ub >= 0 && ua >= 0.5 * maxa && ub >= 0.5 * maxb) {
    why->veto = 1;
    return 0.0;
  }
  if (!typos) why->ta = why->tb = UINT32_MAX;
  if (ua >= 0 || ub >= 0)
    why->kind = REVL_NS_SIMILAR;
  else if (typos)
    why->kind = REVL_NS_TYPO;
  else { /* every word matched exactly: in the same order, or another */
    size_t i = 0;
    while (i < na && na == nb && A[i] == B[i])
      i++;
    why->kind = na == nb && i == na ? REVL_NS_EQUAL : REVL_NS_WORDS;
  }
  double sc = total > 0 ? got / total : 0.0;
  return sc > 1.0 ? 1.0 : sc;
}
