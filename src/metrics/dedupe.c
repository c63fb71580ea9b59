/*
 * dedupe.c -- duplicate records by normalised domain and fuzzy name.
 *
 * Comparing every pair of 200k names is 2e10 similarity computations;
 * instead records are blocked: equal normalised domains meet in a hash
 * table, and names are compared only with their neighbours in sorted
 * order (sorted neighbourhood, a window of w names), once sorted as
 * written and once sorted by the reversed string so that names which
 * differ in their first letters still meet.  Jaro-Winkler weighs the
 * prefix, so similar names sort close together; the reversed pass
 * catches the rest.  Equal domains merge at once; name pairs at or
 * above the threshold merge best first, and only when the two
 * clusters' first members are that similar too -- without that check a
 * chain a~b~c~d of small differences would glue unrelated companies
 * together.  Work is O(n log n + n w).
 */
#include <stdlib.h>
#include <string.h>

#include "revl/metrics.h"
#include "revl/route.h"

typedef struct skey {
  uint64_t prefix, prefix2; /* first 16 bytes, big-endian, for a fast compare */
  uint32_t idx;
  uint32_t off; /* the sort string in the arena */
} skey;

static const char *g_arena; /* qsort has no context argument in C11 */

static int skey_cmp(const void *pa, const void *pb) {
  const skey *a = pa, *b = pb;
  if (a->prefix != b->prefix) return a->prefix < b->prefix ? -1 : 1;
  if (a->prefix2 != b->prefix2) return a->prefix2 < b->prefix2 ? -1 : 1;
  int c = strcmp(g_arena + a->off, g_arena + b->off);
  if (c) return c;
  return (a->idx > b->idx) - (a->idx < b->idx);
}

/* bytes 8k..8k+7 of s as a big-endian number (0-padded after the end) */
/* Sort keys by their 16-byte prefixes with an LSD radix sort (16-bit
 * digits; a digit that is the same for every key costs one counting
 * pass and no moves), then put runs of equal prefixes in full string
 * order.  tmp has room for n keys. */
static void sort_keys(skey *k, skey *tmp, size_t n, const char *arena) {
  static uint32_t cnt[65536];
  for (int d = 0; d < 8; d++) {
    int word = d < 4 ? 1 : 0, shift = (d % 4) * 16;
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) {
      uint64_t w = word ? k[i].prefix2 : k[i].prefix;
      cnt[(w >> shift) & 0xffff]++;
    }
    uint32_t first =
        (uint32_t)(((word ? k[0].prefix2 : k[0].prefix) >> shift) & 0xffff);
    if (n == 0 || cnt[first] == n)
      continue; /* one digit value: nothing moves */
    uint32_t sum = 0;
    for (size_t b = 0; b < 65536; b++) {
      uint32_t c = cnt[b];
      cnt[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) {
      uint64_t w = word ? k[i].prefix2 : k[i].prefix;
      tmp[cnt[(w >> shift) & 0xffff]++] = k[i];
    }
    memcpy(k, tmp, n * sizeof *k);
  }
  g_arena = arena;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && k[j].prefix == k[i].prefix && k[j].prefix2 == k[i].prefix2)
      j++;
    if (j - i > 1) qsort(k + i, j - i, sizeof *k, skey_cmp);
    i = j;
  }
  g_arena = NULL;
}

static uint64_t prefix8(const char *s, size_t len, size_t k) {
  uint64_t p = 0;
  for (size_t i = 8 * k; i < 8 * k + 8; i++)
    p = (p << 8) | (i < len ? (unsigned char)s[i] : 0);
  return p;
}

/* An upper bound of Jaro-Winkler without computing it: Jaro's matches
 * cannot exceed the common characters of the two names (their letter
 * histograms, 32 buckets), transpositions are at best 0, and the
 * Winkler bonus is the real common prefix.  It rules out most sorted
 * neighbours at a fraction of the cost. */
enum { HB = 32 };

static double jw_bound(const uint8_t *ha, const uint8_t *hb, size_t na,
                       size_t nb, const char *a, const char *b) {
  unsigned m = 0;
  for (int k = 0; k < HB; k++)
    m += ha[k] < hb[k] ? ha[k] : hb[k];
  if (m == 0) return 0.0;
  double md = (double)m;
  double j = (md / (double)na + md / (double)nb + 1.0) / 3.0;
  if (j > 1.0) j = 1.0;
  size_t l = 0;
  while (l < 4 && l < na && l < nb && a[l] == b[l])
    l++;
  return j + (double)l * 0.1 * (1.0 - j);
}

typedef struct pair {
  float sim;
  uint32_t a, b;
} pair;

static int pair_cmp(const void *pa, const void *pb) {
  const pair *x = pa, *y = pb;
  if (x->sim != y->sim) return x->sim > y->sim ? -1 : 1;
  if (x->a != y->a) return x->a < y->a ? -1 : 1;
  return (x->b > y->b) - (x->b < y->b);
}

typedef struct arena {
  char *b;
  size_t n, cap;
} arena;

static int arena_put(arena *a, const char *s, size_t n, uint32_t *off) {
  if (a->n + n + 1 > a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 1 << 16;
    while (nc < a->n + n + 1)
      nc *= 2;
    char *nb = realloc(a->b, nc);
    if (!nb) return REVL_ENOMEM;
    a->b = nb;
    a->cap = nc;
  }
  memcpy(a->b + a->n, s, n);
  a->b[a->n + n] = '\0';
  *off = (uint32_t)a->n;
  a->n += n + 1;
  return 0;
}

static uint64_t fnv(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

long revl_metrics_dedupe(size_t n, const char *const *names,
                         const size_t *name_len, const char *const *domains,
                         const size_t *domain_len, const revl_dedupe_opts *o,
                         uint32_t *cluster, uint8_t *why, float *best) {
  long rc = REVL_ENOMEM;
  arena A = {0};
  uint32_t *parent = malloc((n ? n : 1) * sizeof *parent);
  uint32_t *noff = malloc((n ? n : 1) * sizeof *noff);
  uint32_t *nlen = calloc(n ? n : 1, sizeof *nlen);
  skey *keys = NULL, *tmpk = NULL;
  uint64_t *slots = NULL;
  uint32_t *size = NULL;
  uint8_t *hist = NULL;
  if (!parent || !noff || !nlen) goto done;
  if (n > UINT32_MAX / 2) {
    rc = REVL_EUSAGE;
    goto done;
  }
  revl_uf_init(parent, n);
  memset(why, 0, n);
  for (size_t i = 0; i < n; i++)
    best[i] = 0;
  char buf[1024];

  if (o->use_domain && domains) {
    size_t cap = 16;
    while (cap < n * 2)
      cap *= 2;
    slots = calloc(cap, sizeof *slots); /* hash << 32 | record + 1 */
    uint32_t *doff = malloc((n ? n : 1) * sizeof *doff);
    uint32_t *dlen = calloc(n ? n : 1, sizeof *dlen);
    if (!slots || !doff || !dlen) {
      free(doff), free(dlen);
      goto done;
    }
    for (size_t i = 0; i < n; i++) {
      if (!domains[i]) continue;
      size_t k =
          revl_norm_domain(domains[i], domain_len[i], buf, sizeof buf);
      if (k == 0 || revl_is_freemail(buf, k)) continue;
      if (arena_put(&A, buf, k, &doff[i])) {
        free(doff), free(dlen);
        goto done;
      }
      dlen[i] = (uint32_t)k;
      uint64_t h = fnv(buf, k);
      size_t s = h & (cap - 1);
      uint64_t tag = h >> 32 << 32;
      for (;;) {
        uint64_t se = slots[s];
        if (!se) {
          slots[s] = tag | ((uint64_t)i + 1);
          break;
        }
        uint32_t e = (uint32_t)se;
        if ((se >> 32 << 32) == tag && dlen[e - 1] == k &&
            memcmp(A.b + doff[e - 1], buf, k) == 0) {
          revl_uf_union(parent, e - 1, (uint32_t)i);
          why[e - 1] |= 1;
          why[i] |= 1;
          break;
        }
        s = (s + 1) & (cap - 1);
      }
    }
    free(doff);
    free(dlen);
    A.n = 0; /* domain strings are no longer needed */
  }

  if (o->use_name && names) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
      if (!names[i]) continue;
      size_t k = revl_norm_company(names[i], name_len[i], buf, sizeof buf);
      if (k == 0) continue;
      if (arena_put(&A, buf, k, &noff[i])) goto done;
      nlen[i] = (uint32_t)k;
      m++;
    }
    keys = malloc((m ? m : 1) * sizeof *keys);
    tmpk = malloc((m ? m : 1) * sizeof *tmpk);
    hist = calloc(n ? n : 1, HB);
    if (!keys || !tmpk || !hist) goto done;
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < nlen[i]; j++) {
        uint8_t *h =
            &hist[i * HB + ((unsigned char)A.b[noff[i] + j] & (HB - 1))];
        if (*h < 255) (*h)++;
      }
    size_t fwd_end = A.n;
    /* the reversed strings follow the forward ones in the arena */
    uint32_t *roff = malloc((n ? n : 1) * sizeof *roff);
    if (!roff) goto done;
    for (size_t i = 0; i < n; i++) {
      if (!nlen[i]) continue;
      size_t k = nlen[i];
      for (size_t j = 0; j < k; j++)
        buf[j] = A.b[noff[i] + k - 1 - j];
      if (arena_put(&A, buf, k, &roff[i])) {
        free(roff);
        goto done;
      }
    }
    (void)fwd_end;
    int w = o->window > 0 ? o->window : 8;
    pair *pairs = NULL;
    size_t np = 0, pcap = 0;
    for (int pass = 0; pass < 2; pass++) {
      size_t q = 0;
      for (size_t i = 0; i < n; i++) {
        if (!nlen[i]) continue;
        keys[q].idx = (uint32_t)i;
        keys[q].off = pass ? roff[i] : noff[i];
        keys[q].prefix = prefix8(A.b + keys[q].off, nlen[i], 0);
        keys[q].prefix2 = prefix8(A.b + keys[q].off, nlen[i], 1);
        q++;
      }
      sort_keys(keys, tmpk, q, A.b);
      /* the neighbours' names and histograms in sorted order, so the
       * window below reads contiguous memory */
      size_t need = 0;
      for (size_t a = 0; a < q; a++)
        need += nlen[keys[a].idx] + 1;
      char *sn = malloc(need ? need : 1);
      uint32_t *so = malloc((q ? q : 1) * sizeof *so);
      uint32_t *sl = malloc((q ? q : 1) * sizeof *sl);
      uint8_t *sh = malloc((q ? q : 1) * HB);
      if (!sn || !so || !sl || !sh) {
        free(sn), free(so), free(sl), free(sh), free(pairs), free(roff);
        goto done;
      }
      size_t at = 0;
      for (size_t a = 0; a < q; a++) {
        uint32_t ia = keys[a].idx;
        memcpy(sn + at, A.b + noff[ia], nlen[ia] + 1);
        so[a] = (uint32_t)at;
        sl[a] = nlen[ia];
        at += nlen[ia] + 1;
        memcpy(sh + a * HB, hist + (size_t)ia * HB, HB);
      }
      for (size_t a = 0; a < q; a++) {
        for (size_t b = a + 1; b < q && b <= a + (size_t)w; b++) {
          if (jw_bound(sh + a * HB, sh + b * HB, sl[a], sl[b], sn + so[a],
                       sn + so[b]) < o->threshold)
            continue;
          double sim =
              revl_metrics_jaro_winkler(sn + so[a], sl[a], sn + so[b], sl[b]);
          if (sim < o->threshold) continue;
          uint32_t ia = keys[a].idx, ib = keys[b].idx;
          if (np == pcap) {
            size_t nc = pcap ? pcap * 2 : 1024;
            pair *npairs = realloc(pairs, nc * sizeof *npairs);
            if (!npairs) {
              free(sn), free(so), free(sl), free(sh), free(pairs), free(roff);
              goto done;
            }
            pairs = npairs;
            pcap = nc;
          }
          pairs[np].sim = (float)sim;
          pairs[np].a = ia < ib ? ia : ib;
          pairs[np].b = ia < ib ? ib : ia;
          np++;
        }
      }
      free(sn);
      free(so);
      free(sl);
      free(sh);
    }
    if (np) qsort(pairs, np, sizeof *pairs, pair_cmp);
    for (size_t k = 0; k < np; k++) {
      uint32_t ia = pairs[k].a, ib = pairs[k].b;
      uint32_t ra = revl_uf_find(parent, ia), rb = revl_uf_find(parent, ib);
      if (ra != rb) {
        /* representative linkage: the clusters' first members must be
         * similar as well (a root without a name, from a domain match,
         * does not object) */
        if ((ra != ia || rb != ib) && nlen[ra] && nlen[rb] &&
            revl_metrics_jaro_winkler(A.b + noff[ra], nlen[ra], A.b + noff[rb],
                                      nlen[rb]) < o->threshold)
          continue;
        revl_uf_union(parent, ia, ib);
      }
      why[ia] |= 2;
      why[ib] |= 2;
      if (pairs[k].sim > best[ia]) best[ia] = pairs[k].sim;
      if (pairs[k].sim > best[ib]) best[ib] = pairs[k].sim;
    }
    free(pairs);
    free(roff);
  }

  /* clusters: roots with two or more members, numbered by first member
   * (a root is its cluster's smallest record) */
  size = calloc(n ? n : 1, sizeof *size);
  if (!size) goto done;
  for (size_t i = 0; i < n; i++)
    size[revl_uf_find(parent, (uint32_t)i)]++;
  long nc = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t r = revl_uf_find(parent, (uint32_t)i);
    if (size[r] < 2) {
      cluster[i] = 0;
      continue;
    }
    if (r == i)
      cluster[i] = (uint32_t)++nc;
    else
      cluster[i] = cluster[r];
  }
  rc = nc;
done:
  free(A.b);
  free(parent);
  free(noff);
  free(nlen);
  free(keys);
  free(tmpk);
  free(slots);
  free(size);
  free(hist);
  return rc;
}
