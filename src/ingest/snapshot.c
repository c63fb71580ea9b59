/*
 * snapshot.c -- one loaded table as a file: write it after a parse,
 * restore it instead of the next parse.
 *
 * The payload is a flat run of 8-byte aligned fields (integers, strings
 * with their NUL, raw arrays) behind a fixed 64-byte header whose
 * XXH3-64 of the payload catches a truncated or damaged file.  The file
 * is mapped at a page boundary, so every array in it is aligned for its
 * type and a restore points the table's columns (values, null bitmaps,
 * currencies) and the store's string table (bytes, offsets, slots) at
 * the mapping instead of copying them (revl_column.mapped,
 * revl_intern.mapped: copied to the heap on the first change).  The
 * string table is held whole, the part that was there before the load
 * included, and that part must equal the store's byte for byte.
 *
 * Reading walks the payload twice: once checking every length and every
 * string id against the file and the store (nothing changes), then
 * restoring, so a bad snapshot never leaves a half-built table behind.
 * What is restored is what the parse built: the same string bytes, ids
 * and slots, the same column values, so every later step (another
 * file's parse and key, memory figures, outputs) is the same too.
 */
#include "snap.h"
#include "revl/ingest.h"
#include "revl/phash.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#if defined(__x86_64__) || defined(_M_X64)
/* Debian's libxxhash picks SSE2, AVX2 or AVX-512 at run time behind
 * these names (the same hashes, 2-3x the speed of the plain entries) */
#include <xxh_x86dispatch.h>
#endif

/* ---- writing ------------------------------------------------------- */

typedef struct wr {
  FILE *f;
  revl_phash st;
  uint64_t len;
  int err;
} wr;

static void put_raw(wr *w, const void *p, size_t n) {
  static const unsigned char zero[8];
  if (w->err || !n) return;
  if (fwrite(p, 1, n, w->f) != n) w->err = 1;
  revl_phash_update(&w->st, p, n);
  w->len += n;
  size_t pad = (8 - n % 8) % 8;
  if (pad) {
    if (fwrite(zero, 1, pad, w->f) != pad) w->err = 1;
    revl_phash_update(&w->st, zero, pad);
    w->len += pad;
  }
}

static void put_u64(wr *w, uint64_t v) { put_raw(w, &v, 8); }

static void put_blob(wr *w, const void *p, size_t n) {
  put_u64(w, n);
  put_raw(w, p, n);
}

/* A string with its NUL; NULL as length UINT64_MAX. */
static void put_str(wr *w, const char *s) {
  if (!s) {
    put_u64(w, UINT64_MAX);
    return;
  }
  size_t n = strlen(s);
  put_u64(w, n);
  put_raw(w, s, n + 1);
}

int revl_snap_write(FILE *f, const revl_store *s, const revl_table *t,
                    uint32_t n_before, size_t nbytes_before,
                    const unsigned char key[32]) {
  if (t->nuidx) return 1;
  for (int i = 0; i < t->ncols; i++) {
    const revl_column *c = t->cols[i];
    if (c->ref || c->ref_row || c->rev_off || c->n != t->nrows) return 1;
  }
  const revl_intern *in = &s->strings;
  if (in->n < n_before || in->nbytes < nbytes_before) return 1;
  snap_hdr h;
  memset(&h, 0, sizeof h);
  if (fwrite(&h, 1, SNAP_HDR, f) != SNAP_HDR) return -1;
  wr w;
  w.f = f;
  w.len = 0;
  w.err = 0;
  if (revl_phash_init(&w.st) != 0) {
    errno = ENOMEM;
    return -1;
  }

  put_str(&w, t->name);
  put_str(&w, t->file);
  /* the string table after the load, whole (mapped by a restore), and
   * how much of it was there before */
  put_u64(&w, n_before);
  put_u64(&w, in->n);
  put_u64(&w, nbytes_before);
  put_u64(&w, in->nbytes);
  put_u64(&w, in->slots ? (uint64_t)in->mask + 1 : 0);
  put_blob(&w, in->bytes, in->nbytes);
  put_blob(&w, in->off, (size_t)in->n * 4);
  if (in->slots)
    put_blob(&w, in->slots, ((size_t)in->mask + 1) * 8);

  put_u64(&w, t->nrows);
  put_u64(&w, (uint64_t)t->ncols);
  put_u64(&w, (uint64_t)(int64_t)t->pk);
  put_u64(&w, t->nrejected);
  put_u64(&w, t->nduplicate);
  put_u64(&w, t->ndup_differ);
  put_u64(&w, t->ndup_same);
  for (int i = 0; i < t->ncols; i++) {
    const revl_column *c = t->cols[i];
    put_str(&w, c->name);
    put_str(&w, c->label);
    put_u64(&w, (uint64_t)c->type);
    put_u64(&w, (uint64_t)c->canonical);
    put_u64(&w, (uint64_t)c->required);
    put_u64(&w, c->n);
    put_u64(&w, c->nnull);
    put_u64(&w, c->nbad);
    put_u64(&w, c->broken_example);
    put_blob(&w, c->valid, (c->n + 63) / 64 * 8);
    put_blob(&w, c->v.any, c->n * revl_type_size(c->type));
    if (c->type == REVL_T_MONEY) put_blob(&w, c->cur, c->n * 4);
  }
  put_u64(&w, t->nrejects_kept);
  for (size_t i = 0; i < t->nrejects_kept; i++) {
    const revl_reject *r = &t->rejects[i];
    put_u64(&w, (uint64_t)(int64_t)r->line);
    put_u64(&w, (uint64_t)(int64_t)r->col);
    put_str(&w, r->reason);
    put_str(&w, r->record);
  }
  put_u64(&w, (uint64_t)t->nwarnings);
  for (int i = 0; i < t->nwarnings; i++) put_str(&w, t->warnings[i]);
  put_u64(&w, (uint64_t)t->nalerts);
  for (int i = 0; i < t->nalerts; i++) put_u64(&w, (uint64_t)t->alerts[i]);

  memcpy(h.magic, SNAP_MAGIC, 8);
  h.version = SNAP_VERSION;
  h.hdrsize = SNAP_HDR;
  h.paylen = w.len;
  if (revl_phash_digest64(&w.st, &h.check) != 0 && !w.err) {
    w.err = 1;
    errno = ENOMEM;
  }
  memcpy(h.key, key, 32);
  revl_phash_free(&w.st);
  if (w.err || fseek(f, 0, SEEK_SET) != 0 ||
      fwrite(&h, 1, SNAP_HDR, f) != SNAP_HDR)
    return -1;
  return 0;
}

/* ---- reading ------------------------------------------------------- */

typedef struct rd {
  const unsigned char *p;
  size_t n, at;
  int bad;
} rd;

static const void *get_raw(rd *r, size_t n) {
  size_t padded = n + (8 - n % 8) % 8;
  if (r->bad || padded < n || padded > r->n - r->at) {
    r->bad = 1;
    return NULL;
  }
  const void *p = r->p + r->at;
  r->at += padded;
  return p;
}

static uint64_t get_u64(rd *r) {
  const void *p = get_raw(r, 8);
  uint64_t v = 0;
  if (p) memcpy(&v, p, 8);
  return v;
}

/* A blob that must be `want` bytes long. */
static const void *get_blob(rd *r, uint64_t want) {
  uint64_t n = get_u64(r);
  if (n != want || n > SIZE_MAX) {
    r->bad = 1;
    return NULL;
  }
  return n ? get_raw(r, (size_t)n) : r->p;
}

static const char *get_str(rd *r, int *isnull) {
  uint64_t n = get_u64(r);
  *isnull = 0;
  if (n == UINT64_MAX) {
    *isnull = 1;
    return NULL;
  }
  if (n >= SIZE_MAX - 8) {
    r->bad = 1;
    return NULL;
  }
  const char *s = get_raw(r, (size_t)n + 1);
  if (s && (s[n] || memchr(s, 0, (size_t)n))) r->bad = 1;
  return r->bad ? NULL : s;
}

int revl_snap_hash(int fd, uint64_t from, uint64_t to, uint64_t *out) {
  return revl_phash64_fd(fd, from, to - from, revl_hash_threads(), out);
}

static int check_hdr(const void *p, size_t n, int fd, const unsigned char *key,
                     const char **why) {
  snap_hdr h;
  if (n < SNAP_HDR) {
    *why = "truncated";
    return 1;
  }
  memcpy(&h, p, sizeof h);
  if (memcmp(h.magic, SNAP_MAGIC, 8) != 0 || h.hdrsize != SNAP_HDR) {
    *why = "not a revl snapshot";
    return 1;
  }
  if (h.version != SNAP_VERSION) {
    *why = "another snapshot version";
    return 1;
  }
  if (h.paylen != n - SNAP_HDR) {
    *why = "truncated";
    return 1;
  }
  if (key && memcmp(h.key, key, 32) != 0) {
    *why = "key does not match";
    return 1;
  }
  uint64_t sum;
  if (revl_snap_hash(fd, SNAP_HDR, n, &sum) != 0) {
    *why = errno == ENOMEM ? "not enough memory to check it" : "unreadable";
    return 1;
  }
  if (sum != h.check) {
    *why = "checksum does not match";
    return 1;
  }
  return 0;
}

int revl_snap_info(const void *p, size_t n, char *table, size_t tsize,
                   char *source, size_t ssize) {
  snap_hdr h;
  if (n < SNAP_HDR) return -1;
  memcpy(&h, p, sizeof h);
  if (memcmp(h.magic, SNAP_MAGIC, 8) != 0 || h.version != SNAP_VERSION)
    return -1;
  rd r = {(const unsigned char *)p + SNAP_HDR, n - SNAP_HDR, 0, 0};
  int nul;
  const char *t = get_str(&r, &nul), *src = get_str(&r, &nul);
  if (r.bad || !t || !src) return -1;
  snprintf(table, tsize, "%s", t);
  snprintf(source, ssize, "%s", src);
  return 0;
}

/* Point the string table at the snapshot's (apply), or check that it
 * fits s: its first part is the store's table as it is now. */
static int walk_intern(rd *r, revl_intern *in, int apply) {
  uint64_t n0 = get_u64(r), n1 = get_u64(r), b0 = get_u64(r), b1 = get_u64(r);
  uint64_t nslots = get_u64(r);
  if (r->bad || n1 < n0 || b1 < b0 || n1 == 0 || b1 > UINT32_MAX ||
      n1 > UINT32_MAX || n0 != in->n || b0 != in->nbytes ||
      (nslots & (nslots - 1)) || nslots > ((uint64_t)1 << 32) || nslots <= n1) {
    r->bad = 1;
    return 0;
  }
  const char *bytes = get_blob(r, b1);
  const uint32_t *off = get_blob(r, n1 * 4);
  const uint64_t *slots = get_blob(r, nslots * 8);
  if (r->bad) return 0;
  if (!apply) {
    if ((b0 && memcmp(bytes, in->bytes, (size_t)b0) != 0) ||
        (n0 && memcmp(off, in->off, (size_t)n0 * 4) != 0))
      r->bad = 1;
    return 0;
  }
  revl_intern_done(in);
  /* read-only: revl_intern_own copies them before a change */
  in->bytes = (char *)(uintptr_t)bytes;
  in->off = (uint32_t *)(uintptr_t)off;
  in->slots = (uint64_t *)(uintptr_t)slots;
  in->mask = (uint32_t)(nslots - 1);
  in->n = in->cap = (uint32_t)n1;
  in->nbytes = in->capbytes = (size_t)b1;
  in->mapped = 1;
  return 0;
}

static int walk_table(rd *r, revl_table *t, uint32_t nstrings, int apply) {
  int nul;
  uint64_t nrows = get_u64(r), ncols = get_u64(r);
  int64_t pk = (int64_t)get_u64(r);
  uint64_t nrejected = get_u64(r), nduplicate = get_u64(r);
  uint64_t ndup_differ = get_u64(r), ndup_same = get_u64(r);
  if (r->bad || ncols > 1u << 20 || pk < -1 || pk >= (int64_t)ncols) {
    r->bad = 1;
    return 0;
  }
  if (apply) {
    t->nrows = (size_t)nrows;
    t->pk = (int)pk;
    t->nrejected = (size_t)nrejected;
    t->nduplicate = (size_t)nduplicate;
    t->ndup_differ = (size_t)ndup_differ;
    t->ndup_same = (size_t)ndup_same;
  }
  for (uint64_t i = 0; i < ncols && !r->bad; i++) {
    const char *name = get_str(r, &nul);
    if (nul) r->bad = 1;
    const char *label = get_str(r, &nul);
    uint64_t type = get_u64(r), canonical = get_u64(r), required = get_u64(r);
    uint64_t n = get_u64(r), nnull = get_u64(r);
    uint64_t nbad = get_u64(r), broken = get_u64(r);
    if (r->bad || type > REVL_T_DATETIME || n != nrows || nnull > n ||
        broken >= nstrings || n > ((uint64_t)1 << 40)) {
      r->bad = 1;
      return 0;
    }
    size_t sz = revl_type_size((revl_type)type);
    const void *valid = get_blob(r, (n + 63) / 64 * 8);
    const void *vals = get_blob(r, n * sz);
    const void *cur = type == REVL_T_MONEY ? get_blob(r, n * 4) : NULL;
    if (r->bad) return 0;
    if (!apply && (type == REVL_T_STRING || type == REVL_T_MONEY)) {
      /* every id must name a string of the table (checked once) */
      const uint32_t *ids = type == REVL_T_STRING ? vals : cur;
      for (uint64_t k = 0; k < n; k++) {
        uint32_t id;
        memcpy(&id, (const char *)ids + k * 4, 4);
        if (id >= nstrings) {
          r->bad = 1;
          return 0;
        }
      }
    }
    if (!apply) continue;
    int ci = revl_table_add_col(t, name, (revl_type)type);
    if (ci < 0) return ci == REVL_EUSAGE ? (r->bad = 1, 0) : REVL_ENOMEM;
    revl_column *c = t->cols[ci];
    c->canonical = (int)canonical;
    c->required = (int)required;
    if (label && revl_table_set_label(t, ci, label)) return REVL_ENOMEM;
    if (n) { /* read-only: revl_col_own copies them before a change */
      c->valid = (uint64_t *)(uintptr_t)valid;
      c->v.any = (void *)(uintptr_t)vals;
      c->cur = (uint32_t *)(uintptr_t)cur;
      c->cap = (size_t)n;
      c->mapped = 1;
    } else if (revl_col_reserve(c, 1)) {
      return REVL_ENOMEM;
    }
    c->n = (size_t)n;
    c->nnull = (size_t)nnull;
    c->nbad = (size_t)nbad;
    c->broken_example = (uint32_t)broken;
  }
  uint64_t nrej = get_u64(r);
  if (r->bad || nrej > REVL_REJECTS_KEPT) {
    r->bad = 1;
    return 0;
  }
  for (uint64_t i = 0; i < nrej && !r->bad; i++) {
    long line = (long)(int64_t)get_u64(r), col = (long)(int64_t)get_u64(r);
    const char *reason = get_str(r, &nul);
    if (nul) r->bad = 1;
    const char *record = get_str(r, &nul);
    if (r->bad || !apply) continue;
    size_t kept = t->nrejects_kept;
    revl_table_add_reject(t, line, col, reason, record ? record : "",
                          record ? strlen(record) : 0);
    if (t->nrejects_kept != kept + 1) return REVL_ENOMEM;
    if (!record) {
      free(t->rejects[kept].record);
      t->rejects[kept].record = NULL;
    }
  }
  uint64_t nw = get_u64(r);
  if (r->bad || nw > 1u << 20) {
    r->bad = 1;
    return 0;
  }
  for (uint64_t i = 0; i < nw && !r->bad; i++) {
    const char *wtext = get_str(r, &nul);
    if (nul) r->bad = 1;
    if (r->bad || !apply) continue;
    int before = t->nwarnings;
    revl_table_add_warning(t, "%s", wtext);
    if (t->nwarnings != before + 1) return REVL_ENOMEM;
  }
  uint64_t na = get_u64(r);
  if (r->bad || na > nw) {
    r->bad = 1;
    return 0;
  }
  if (apply && na && !(t->alerts = malloc((size_t)na * sizeof *t->alerts)))
    return REVL_ENOMEM;
  for (uint64_t i = 0; i < na && !r->bad; i++) {
    uint64_t a = get_u64(r);
    if (a >= nw) r->bad = 1;
    if (apply && !r->bad) t->alerts[t->nalerts++] = (int)a;
  }
  if (!r->bad && apply) t->nrejected = (size_t)nrejected; /* add_reject counted */
  return 0;
}

static int walk(rd *r, revl_store *s, revl_table *t, int apply) {
  int nul;
  get_str(r, &nul);
  get_str(r, &nul);
  size_t at = r->at;
  /* the ids a column may hold: the string table after the restore */
  uint32_t nstrings;
  {
    rd peek = {r->p, r->n, at, 0};
    get_u64(&peek);
    nstrings = (uint32_t)get_u64(&peek);
  }
  int rc = walk_intern(r, &s->strings, apply);
  if (rc || r->bad) return rc;
  rc = walk_table(r, t, nstrings, apply);
  if (!rc && !r->bad && r->at != r->n) r->bad = 1;
  return rc;
}

int revl_snap_read(const void *p, size_t n, int fd, const unsigned char key[32],
                   revl_store *s, const char *name, const char *path,
                   const char **why) {
  if (check_hdr(p, n, fd, key, why)) return 1;
  if ((uintptr_t)p % 8) { /* a mapping is page-aligned; arrays need 8 */
    *why = "not aligned";
    return 1;
  }
  rd r = {(const unsigned char *)p + SNAP_HDR, n - SNAP_HDR, 0, 0};
  revl_table scratch;
  memset(&scratch, 0, sizeof scratch);
  walk(&r, s, &scratch, 0);
  if (r.bad) {
    *why = "does not fit this load";
    return 1;
  }
  revl_table *t = revl_store_add_table(s, name, path);
  if (!t) return REVL_ENOMEM;
  rd r2 = {(const unsigned char *)p + SNAP_HDR, n - SNAP_HDR, 0, 0};
  int rc = walk(&r2, s, t, 1);
  if (!rc && r2.bad) rc = REVL_ENOMEM; /* checked above: cannot happen */
  return rc;
}
