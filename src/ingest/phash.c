/*
 * phash.c -- XXH3 hashes of large files and buffers on several threads
 * (see revl/phash.h).  The content hash of a CSV file and the checksum
 * of a snapshot are most of a warm load; cut into fixed blocks, both
 * spread over the cores the way the chunked load does, and give the
 * same value on any number of them.
 */
#include "revl/phash.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(_M_X64)
#include <xxh_x86dispatch.h> /* libxxhash's run-time SIMD choice */
#endif

#define MAX_THREADS 64
#define STACK_BLOCKS 256         /* block lists up to 1 GiB stay on the stack */
#define READ_PIECE ((size_t)1 << 20) /* pread size: the buffer stays in cache */

typedef struct job {
  const unsigned char *p; /* the bytes, or NULL: read from fd */
  int fd;
  uint64_t from, n, nblk;
  XXH128_canonical_t *out;
  atomic_size_t next;
  atomic_int err;         /* an errno of a worker, or 0 */
} job;

/* v as 8 bytes, little-endian: the length after a block list */
static void le64(unsigned char *b, uint64_t v) {
  for (int k = 0; k < 8; k++) b[k] = (unsigned char)(v >> (8 * k));
}

/* n bytes of fd at off into a streaming state: 0, or an errno. */
static int read_into(int fd, uint64_t off, uint64_t n, unsigned char *buf,
                     XXH3_state_t *st) {
  while (n) {
    size_t want = n < READ_PIECE ? (size_t)n : READ_PIECE;
    ssize_t k = pread(fd, buf, want, (off_t)off);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return errno ? errno : EIO;
    if (k == 0) return EIO; /* shorter than it was: it changed */
    XXH3_64bits_update(st, buf, (size_t)k); /* the 128-bit update is the same */
    off += (uint64_t)k;
    n -= (uint64_t)k;
  }
  return 0;
}

static void *worker(void *arg) {
  job *j = arg;
  unsigned char *buf = NULL;
  XXH3_state_t *st = NULL;
  if (!j->p && (!(buf = malloc(READ_PIECE)) || !(st = XXH3_createState()))) {
    atomic_store(&j->err, ENOMEM);
    goto out;
  }
  size_t i;
  while (!atomic_load(&j->err) && (i = atomic_fetch_add(&j->next, 1)) < j->nblk) {
    uint64_t off = (uint64_t)i * REVL_PHASH_BLOCK;
    uint64_t k = j->n - off < REVL_PHASH_BLOCK ? j->n - off : REVL_PHASH_BLOCK;
    XXH128_hash_t h;
    if (j->p) {
      h = XXH3_128bits(j->p + off, (size_t)k);
    } else {
      XXH3_128bits_reset(st);
      int e = read_into(j->fd, j->from + off, k, buf, st);
      if (e) {
        atomic_store(&j->err, e);
        break;
      }
      h = XXH3_128bits_digest(st);
    }
    XXH128_canonicalFromHash(&j->out[i], h);
  }
out:
  free(buf);
  XXH3_freeState(st);
  return NULL;
}

/* The list of the blocks' hashes followed by the length, into *list (the
 * caller's stack buffer, or a new one when it is too small); its length,
 * or 0 with errno set. */
static size_t block_list(const void *p, int fd, uint64_t from, uint64_t n,
                         int threads, unsigned char *stack, unsigned char **list) {
  uint64_t nblk = (n + REVL_PHASH_BLOCK - 1) / REVL_PHASH_BLOCK;
  *list = nblk <= STACK_BLOCKS ? stack : malloc((size_t)nblk * 16 + 8);
  if (!*list) {
    errno = ENOMEM;
    return 0;
  }
  job j;
  j.p = p;
  j.fd = fd;
  j.from = from;
  j.n = n;
  j.nblk = nblk;
  j.out = (XXH128_canonical_t *)(void *)*list;
  atomic_init(&j.next, 0);
  atomic_init(&j.err, 0);
  pthread_t tid[MAX_THREADS];
  int nt = 0;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if ((uint64_t)threads > nblk) threads = (int)nblk;
  /* a thread that cannot start leaves its share to the others */
  while (nt + 1 < threads && pthread_create(&tid[nt], NULL, worker, &j) == 0) nt++;
  worker(&j);
  for (int i = 0; i < nt; i++) pthread_join(tid[i], NULL);
  int e = atomic_load(&j.err);
  if (e) {
    if (*list != stack) free(*list);
    errno = e;
    return 0;
  }
  le64(*list + nblk * 16, n);
  return (size_t)nblk * 16 + 8;
}

/* The hash of the bytes (p, else fd's from + n) in 128 or 64 bits. */
static int phash(const void *p, int fd, uint64_t from, uint64_t n, int threads,
                 int wide, XXH128_hash_t *h128, uint64_t *h64) {
  if (n <= REVL_PHASH_BLOCK) {
    if (p) {
      if (wide) *h128 = XXH3_128bits(p, (size_t)n);
      else *h64 = XXH3_64bits(p, (size_t)n);
      return 0;
    }
    unsigned char *buf = malloc(READ_PIECE);
    XXH3_state_t *st = buf ? XXH3_createState() : NULL;
    int e = st ? (XXH3_64bits_reset(st), read_into(fd, from, n, buf, st)) : ENOMEM;
    if (!e) {
      if (wide) *h128 = XXH3_128bits_digest(st);
      else *h64 = XXH3_64bits_digest(st);
    }
    XXH3_freeState(st);
    free(buf);
    if (e) errno = e;
    return e ? -1 : 0;
  }
  unsigned char stack[STACK_BLOCKS * 16 + 8], *list;
  size_t len = block_list(p, fd, from, n, threads, stack, &list);
  if (!len) return -1;
  if (wide) *h128 = XXH3_128bits(list, len);
  else *h64 = XXH3_64bits(list, len);
  if (list != stack) free(list);
  return 0;
}

int revl_phash128(const void *p, size_t n, int threads, XXH128_hash_t *out) {
  return phash(p ? p : "", -1, 0, n, threads, 1, out, NULL);
}

int revl_phash64(const void *p, size_t n, int threads, uint64_t *out) {
  return phash(p ? p : "", -1, 0, n, threads, 0, NULL, out);
}

int revl_phash128_fd(int fd, uint64_t from, uint64_t n, int threads, XXH128_hash_t *out) {
  return phash(NULL, fd, from, n, threads, 1, out, NULL);
}

int revl_phash64_fd(int fd, uint64_t from, uint64_t n, int threads, uint64_t *out) {
  return phash(NULL, fd, from, n, threads, 0, NULL, out);
}

/* ---- streaming ------------------------------------------------------ */

int revl_phash_init(revl_phash *h) {
  memset(h, 0, sizeof *h);
  if (!(h->cur = XXH3_createState())) return -1;
  XXH3_64bits_reset(h->cur); /* the 128-bit reset is the same */
  return 0;
}

/* The block in cur is whole and more bytes follow: keep its hash. */
static void end_block(revl_phash *h) {
  if (h->nblk == h->cap) {
    size_t nc = h->cap ? h->cap * 2 : 64;
    XXH128_hash_t *nb = realloc(h->blk, nc * sizeof *nb);
    if (!nb) {
      h->oom = 1;
    } else {
      h->blk = nb;
      h->cap = nc;
    }
  }
  if (!h->oom) h->blk[h->nblk++] = XXH3_128bits_digest(h->cur);
  XXH3_64bits_reset(h->cur);
  h->inblk = 0;
}

void revl_phash_update(revl_phash *h, const void *p, size_t n) {
  const unsigned char *q = p;
  while (n) {
    /* a block ends only when a byte after it arrives: a stream of
     * exactly one block hashes as plain XXH3, as the buffer does */
    if (h->inblk == REVL_PHASH_BLOCK) end_block(h);
    size_t k = REVL_PHASH_BLOCK - h->inblk;
    if (k > n) k = n;
    XXH3_64bits_update(h->cur, q, k);
    h->inblk += k;
    h->total += k;
    q += k;
    n -= k;
  }
}

int revl_phash_digest64(revl_phash *h, uint64_t *out) {
  if (h->total <= REVL_PHASH_BLOCK) {
    *out = XXH3_64bits_digest(h->cur);
    return h->oom ? -1 : 0;
  }
  end_block(h); /* the last one, shorter or whole */
  if (h->oom) return -1;
  XXH3_state_t *st = XXH3_createState();
  if (!st) return -1;
  XXH3_64bits_reset(st);
  for (size_t i = 0; i < h->nblk; i++) {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h->blk[i]);
    XXH3_64bits_update(st, &c, sizeof c);
  }
  unsigned char len[8];
  le64(len, h->total);
  XXH3_64bits_update(st, len, sizeof len);
  *out = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return 0;
}

void revl_phash_free(revl_phash *h) {
  XXH3_freeState(h->cur);
  free(h->blk);
  memset(h, 0, sizeof *h);
}
