/*
 * dedupe.c -- duplicate records by normalised domain and fuzzy name.
 *
 * Comparing every pair of 200k names is 2e10 similarity computations;
 * instead records are blocked: equal normalised domains meet in a hash
 * table, and names are compared only with their neighbours in sorted
 * order (sorted neighbourhood, a window of w names), once sorted as
 * written and once sorted by the reversed string so that names which
 * differ in their first letters still meet.  A pair is scored by
 * revl_nsim_score (namesim.c): words weighted by how rare they are in
 * the table, typos tolerated on rare words, a distinctive word that
 * differs on both sides fatal.  When both records have a domain and
 * the domains name different companies (acme.com, acmecorp.io), only
 * names equal after normalisation still link them.  Equal domains
 * merge at once; name pairs at or above the threshold merge best
 * first, and only when the two clusters' first members are that
 * similar too -- without that check a chain a~b~c~d of small
 * differences would glue unrelated companies
 * together.  Work is O(n log n + n w).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/metrics.h"
#include "revl/route.h"
#include "metrics/namesim.h"

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

/* The registrable name of a normalised domain, the label before the top
 * level or before a generic second level (co, com, org, ...): "acme"
 * of "acme.com", "acme.co.uk" and "shop.acme.com" alike. */
static void dom_stem(const char *d, size_t n, size_t *so, size_t *sl) {
  static const char *const SECOND[] = {"co", "com", "net", "org", "gov",
                                       "ac", "edu", "ltd", "plc", "or",
                                       "ne", "go", NULL};
  size_t e = n;
  while (e && d[e - 1] != '.')
    e--;
  if (!e) { /* no dot */
    *so = 0, *sl = n;
    return;
  }
  size_t end = e - 1, b = end;
  while (b && d[b - 1] != '.')
    b--;
  if (b) {
    for (int k = 0; SECOND[k]; k++)
      if (strlen(SECOND[k]) == end - b && memcmp(d + b, SECOND[k], end - b) == 0) {
        end = b - 1;
        b = end;
        while (b && d[b - 1] != '.')
          b--;
        break;
      }
  }
  *so = b, *sl = end - b;
}

/* Per record, the strongest evidence that linked it. */
enum { EV_NONE = 0, EV_DOMAIN, EV_NAME };

long revl_metrics_dedupe(size_t n, const char *const *names,
                         const size_t *name_len, const char *const *domains,
                         const size_t *domain_len, const revl_dedupe_opts *o,
                         revl_dedupe_out *res) {
  long rc = REVL_ENOMEM;
  arena A = {0}, T = {0};
  size_t n1 = n ? n : 1;
  uint32_t *parent = malloc(n1 * sizeof *parent);
  uint32_t *noff = malloc(n1 * sizeof *noff);
  uint32_t *nlen = calloc(n1, sizeof *nlen);
  uint32_t *doff = malloc(n1 * sizeof *doff);
  uint32_t *dlen = calloc(n1, sizeof *dlen);
  uint8_t *ev = calloc(n1, 1);
  uint8_t *evk = calloc(n1, 1);
  uint32_t *eva = malloc(n1 * sizeof *eva), *evb = malloc(n1 * sizeof *evb);
  skey *keys = NULL, *tmpk = NULL;
  uint64_t *slots = NULL;
  uint32_t *size = NULL, *roff = NULL;
  pair *pairs = NULL;
  revl_nsim *ns = NULL;
  uint32_t *cluster = res->cluster;
  res->text = NULL;
  if (!parent || !noff || !nlen || !doff || !dlen || !ev || !evk || !eva || !evb)
    goto done;
  if (n > UINT32_MAX / 2) {
    rc = REVL_EUSAGE;
    goto done;
  }
  revl_uf_init(parent, n);
  memset(res->why, 0, n);
  for (size_t i = 0; i < n; i++) {
    res->best[i] = 0;
    res->mate[i] = UINT32_MAX;
    res->reason[i] = UINT32_MAX;
  }
  char buf[1024];

  /* normalised domains stay in the arena: the name pass compares them */
  if (domains) {
    for (size_t i = 0; i < n; i++) {
      if (!domains[i]) continue;
      size_t k = revl_norm_domain(domains[i], domain_len[i], buf, sizeof buf);
      if (k == 0 || revl_is_freemail(buf, k)) continue;
      if (arena_put(&A, buf, k, &doff[i])) goto done;
      dlen[i] = (uint32_t)k;
    }
  }
  if (o->use_domain && domains) {
    size_t cap = 16;
    while (cap < n * 2)
      cap *= 2;
    slots = calloc(cap, sizeof *slots); /* hash << 32 | record + 1 */
    if (!slots) goto done;
    for (size_t i = 0; i < n; i++) {
      if (!dlen[i]) continue;
      const char *d = A.b + doff[i];
      size_t k = dlen[i];
      uint64_t h = fnv(d, k);
      size_t s = h & (cap - 1);
      uint64_t tag = h >> 32 << 32;
      for (;;) {
        uint64_t se = slots[s];
        if (!se) {
          slots[s] = tag | ((uint64_t)i + 1);
          break;
        }
        uint32_t e = (uint32_t)se - 1;
        if ((se >> 32 << 32) == tag && dlen[e] == k &&
            memcmp(A.b + doff[e], d, k) == 0) {
          revl_uf_union(parent, e, (uint32_t)i);
          res->why[e] |= 1;
          res->why[i] |= 1;
          if (ev[e] != EV_DOMAIN) ev[e] = EV_DOMAIN, res->mate[e] = (uint32_t)i;
          ev[i] = EV_DOMAIN;
          res->mate[i] = e;
          break;
        }
        s = (s + 1) & (cap - 1);
      }
    }
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
    roff = malloc(n1 * sizeof *roff);
    if (!keys || !tmpk || !roff) goto done;
    /* the reversed strings follow the forward ones in the arena */
    for (size_t i = 0; i < n; i++) {
      if (!nlen[i]) continue;
      size_t k = nlen[i];
      for (size_t j = 0; j < k; j++)
        buf[j] = A.b[noff[i] + k - 1 - j];
      if (arena_put(&A, buf, k, &roff[i])) goto done;
    }
    ns = revl_nsim_new(n, A.b, noff, nlen);
    if (!ns) goto done;
    int w = o->window > 0 ? o->window : 8;
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
      for (size_t a = 0; a < q; a++) {
        for (size_t b = a + 1; b < q && b <= a + (size_t)w; b++) {
          uint32_t ia = keys[a].idx, ib = keys[b].idx;
          revl_nsim_why nw;
          double sim = revl_nsim_score(ns, ia, ib, &nw);
          if (sim < o->threshold) continue;
          /* two domains that name different companies: only names
           * equal after normalisation still link the records */
          if (dlen[ia] && dlen[ib] && nw.kind != REVL_NS_EQUAL) {
            size_t sa, la, sb, lb;
            dom_stem(A.b + doff[ia], dlen[ia], &sa, &la);
            dom_stem(A.b + doff[ib], dlen[ib], &sb, &lb);
            if (la != lb || memcmp(A.b + doff[ia] + sa, A.b + doff[ib] + sb, la))
              continue;
          }
          if (np == pcap) {
            size_t nc = pcap ? pcap * 2 : 1024;
            pair *npairs = realloc(pairs, nc * sizeof *npairs);
            if (!npairs) goto done;
            pairs = npairs;
            pcap = nc;
          }
          pairs[np].sim = (float)sim;
          pairs[np].a = ia < ib ? ia : ib;
          pairs[np].b = ia < ib ? ib : ia;
          np++;
        }
      }
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
            revl_nsim_score(ns, ra, rb, NULL) < o->threshold)
          continue;
        revl_uf_union(parent, ia, ib);
      }
      res->why[ia] |= 2;
      res->why[ib] |= 2;
      revl_nsim_why nw;
      revl_nsim_score(ns, ia, ib, &nw);
      uint32_t ends[2] = {ia, ib};
      for (int e = 0; e < 2; e++) {
        uint32_t me = ends[e], other = ends[1 - e];
        if (pairs[k].sim > res->best[me]) res->best[me] = pairs[k].sim;
        if (ev[me] != EV_NONE) continue; /* a better link came first */
        ev[me] = EV_NAME;
        evk[me] = (uint8_t)nw.kind;
        res->mate[me] = other;
        eva[me] = e ? nw.tb : nw.ta;
        evb[me] = e ? nw.ta : nw.tb;
      }
    }
  }

  /* clusters: roots with two or more members, numbered by first member
   * (a root is its cluster's smallest record) */
  size = calloc(n1, sizeof *size);
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
  /* why each member is in its cluster, in words */
  for (size_t i = 0; i < n; i++) {
    if (!cluster[i] || ev[i] == EV_NONE) continue;
    uint32_t mt = res->mate[i];
    int len = 0;
    if (ev[i] == EV_DOMAIN) {
      len = snprintf(buf, sizeof buf, "same domain %.*s", (int)dlen[i], A.b + doff[i]);
    } else if (evk[i] == REVL_NS_EQUAL) {
      len = snprintf(buf, sizeof buf, "names equal after normalisation ('%.*s')",
                     (int)nlen[i], A.b + noff[i]);
    } else if (evk[i] == REVL_NS_WORDS) {
      len = snprintf(buf, sizeof buf, "same words in another order: '%.*s' ~ '%.*s'",
                     (int)nlen[i], A.b + noff[i], (int)nlen[mt], A.b + noff[mt]);
    } else if (evk[i] == REVL_NS_TYPO) {
      size_t la, lb;
      const char *ta = revl_nsim_token(ns, eva[i], &la), *tb = revl_nsim_token(ns, evb[i], &lb);
      len = snprintf(buf, sizeof buf, "typo: '%.*s' ~ '%.*s'", (int)la, ta, (int)lb, tb);
    } else {
      len = snprintf(buf, sizeof buf, "similar names: '%.*s' ~ '%.*s' (score %.2f)",
                     (int)nlen[i], A.b + noff[i], (int)nlen[mt], A.b + noff[mt],
                     (double)res->best[i]);
    }
    if (len < 0) len = 0;
    if ((size_t)len >= sizeof buf) len = (int)sizeof buf - 1;
    if (arena_put(&T, buf, (size_t)len, &res->reason[i])) goto done;
  }
  res->text = T.b;
  T.b = NULL;
  if (!res->text) res->text = calloc(1, 1);
  if (!res->text) goto done;
  rc = nc;
done:
  free(A.b);
  free(T.b);
  free(parent);
  free(noff);
  free(nlen);
  free(doff);
  free(dlen);
  free(ev);
  free(evk);
  free(eva);
  free(evb);
  free(keys);
  free(tmpk);
  free(slots);
  free(size);
  free(roff);
  free(pairs);
  revl_nsim_free(ns);
  return rc;
}
