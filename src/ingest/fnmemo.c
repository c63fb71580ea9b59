/*
 * fnmemo.c -- the results of a derive function by source value.  A
 * mapping's `fn = function(v) ... end` is called through its callback
 * (mapfn.c holds the Lua side) once per distinct value of its source
 * column; every later row with that value reads the kept result, so a
 * million rows with 30 distinct values make 30 calls and the load
 * allocates only per distinct value, never per row.
 */
#include "mapint.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One distinct source value and what the function made of it: the key's
 * bytes, then the result's.  Entries never move, so a result's text
 * stays valid for the mapping's lifetime. */
typedef struct memo_ent {
  uint32_t h;
  int kind;            /* REVL_DV_NULL, TEXT or DEC */
  size_t kn, vn;
  int64_t m;           /* DEC */
  int e;
  char bytes[];
} memo_ent;

struct revl_memo {
  pthread_mutex_t mu;  /* loads of two files may share a mapping */
  memo_ent **slot;     /* open addressing, mask + 1 slots */
  uint32_t mask, n;
  memo_ent *null_ent;  /* the result for a null */
  char *scratch;       /* the function's result as text */
  unsigned long calls;
};

#define MEMO_TEXT (64u << 10) /* the longest text a function may return */

struct revl_memo *revl_memo_new(void) {
  struct revl_memo *mo = calloc(1, sizeof *mo);
  if (!mo) return NULL;
  mo->mask = 63;
  mo->slot = calloc((size_t)mo->mask + 1, sizeof *mo->slot);
  mo->scratch = malloc(MEMO_TEXT);
  if (!mo->slot || !mo->scratch) {
    free(mo->slot);
    free(mo->scratch);
    free(mo);
    return NULL;
  }
  pthread_mutex_init(&mo->mu, NULL);
  return mo;
}

void revl_memo_free(struct revl_memo *mo) {
  if (!mo) return;
  for (uint32_t i = 0; i <= mo->mask; i++) free(mo->slot[i]);
  free(mo->slot);
  free(mo->null_ent);
  free(mo->scratch);
  pthread_mutex_destroy(&mo->mu);
  free(mo);
}

unsigned long revl_derive_fn_calls(const revl_derive *d) {
  if (!d->memo) return 0;
  pthread_mutex_lock(&d->memo->mu);
  unsigned long n = d->memo->calls;
  pthread_mutex_unlock(&d->memo->mu);
  return n;
}

static int memo_grow(struct revl_memo *mo) {
  uint32_t mask = mo->mask * 2 + 1;
  memo_ent **sl = calloc((size_t)mask + 1, sizeof *sl);
  if (!sl) return -1;
  for (uint32_t i = 0; i <= mo->mask; i++) {
    memo_ent *e = mo->slot[i];
    if (!e) continue;
    uint32_t j = e->h & mask;
    while (sl[j]) j = (j + 1) & mask;
    sl[j] = e;
  }
  free(mo->slot);
  mo->slot = sl;
  mo->mask = mask;
  return 0;
}

/* The result of d's function for value s (NULL: a null), from the memo
 * or by one call; 0 with *out, or -1 with why. */
int revl_fn_apply(const revl_derive *d, const char *s, size_t n,
                    revl_dval *out, char *why, size_t whysize) {
  struct revl_memo *mo = d->memo;
  uint32_t h = s ? revl_intern_hash(s, n) : 0;
  pthread_mutex_lock(&mo->mu);
  memo_ent *e = NULL;
  uint32_t j = h & mo->mask;
  if (!s) {
    e = mo->null_ent;
  } else {
    for (; mo->slot[j]; j = (j + 1) & mo->mask)
      if (mo->slot[j]->h == h && mo->slot[j]->kn == n &&
          memcmp(mo->slot[j]->bytes, s, n) == 0) {
        e = mo->slot[j];
        break;
      }
  }
  if (!e) {
    int kind;
    size_t rn;
    char msg[400];
    mo->calls++;
    if (d->fn(d->fn_ud, d->fn_id, s, n, &kind, mo->scratch, MEMO_TEXT, &rn,
              msg, sizeof msg)) {
      pthread_mutex_unlock(&mo->mu);
      snprintf(why, whysize, "derive %s: %s", d->name, msg);
      return -1;
    }
    int64_t m = 0;
    int ex = 0;
    if (kind == REVL_FN_NUMBER && revl_dec_parse(mo->scratch, rn, NULL, &m, &ex)) {
      pthread_mutex_unlock(&mo->mu);
      snprintf(why, whysize, "derive %s: function returned %.*s, a number "
               "revl cannot hold exactly (return a string)", d->name,
               (int)(rn < 60 ? rn : 60), mo->scratch);
      return -1;
    }
    if (kind == REVL_FN_NIL) rn = 0;
    if (kind == REVL_FN_NUMBER) rn = 0; /* kept as the decimal */
    if (!(e = malloc(sizeof *e + (s ? n : 0) + rn + 1))) {
      pthread_mutex_unlock(&mo->mu);
      snprintf(why, whysize, "derive %s: not enough memory", d->name);
      return -1;
    }
    e->h = h;
    e->kind = kind == REVL_FN_NIL ? REVL_DV_NULL
              : kind == REVL_FN_NUMBER ? REVL_DV_DEC : REVL_DV_TEXT;
    e->kn = s ? n : 0;
    e->vn = rn;
    e->m = m;
    e->e = ex;
    if (e->kn) memcpy(e->bytes, s, n);
    if (rn) memcpy(e->bytes + e->kn, mo->scratch, rn);
    e->bytes[e->kn + rn] = '\0';
    if (!s) {
      mo->null_ent = e;
    } else {
      /* at most half full; a failed growth only makes it fuller */
      if ((mo->n + 1) * 2 > mo->mask && memo_grow(mo) && mo->n + 1 >= mo->mask) {
        free(e);
        pthread_mutex_unlock(&mo->mu);
        snprintf(why, whysize, "derive %s: not enough memory", d->name);
        return -1;
      }
      for (j = h & mo->mask; mo->slot[j]; j = (j + 1) & mo->mask) {}
      mo->slot[j] = e;
      mo->n++;
    }
  }
  memset(out, 0, sizeof *out);
  out->kind = e->kind;
  out->s = e->bytes + e->kn;
  out->n = e->vn;
  out->m = e->m;
  out->e = e->e;
  pthread_mutex_unlock(&mo->mu);
  return 0;
}
