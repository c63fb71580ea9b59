/*
 * phash.h -- XXH3 hashes of large files and buffers, computed on several
 * threads.
 *
 * Bytes of at most REVL_PHASH_BLOCK hash as plain XXH3.  More hash as
 * the XXH3 of the list of their blocks' XXH3-128 (REVL_PHASH_BLOCK bytes
 * each, the last one shorter, as canonical bytes) followed by their
 * length (8 bytes, little-endian).  The blocks are independent, so up to
 * `threads` threads hash them at once, and the value depends only on
 * the bytes: never on the thread count, on whether they came from a
 * buffer, a file or a stream, or on how a stream was cut into updates.
 */
#ifndef REVL_PHASH_H
#define REVL_PHASH_H

#include <stddef.h>
#include <stdint.h>
#include <xxhash.h>

#define REVL_PHASH_BLOCK ((size_t)4 << 20)

/* The hash of p[0..n) into *out, on up to threads threads (< 1: one);
 * 0, or -1 when out of memory. */
int revl_phash128(const void *p, size_t n, int threads, XXH128_hash_t *out);
int revl_phash64(const void *p, size_t n, int threads, uint64_t *out);

/* The same of the n bytes of fd at offset from, read with pread (a
 * mapping would cost a page fault per few pages, twice the time on a
 * virtual machine); 0, or -1 with errno on a read error, a file shorter
 * than from + n (EIO) or no memory. */
int revl_phash128_fd(int fd, uint64_t from, uint64_t n, int threads, XXH128_hash_t *out);
int revl_phash64_fd(int fd, uint64_t from, uint64_t n, int threads, uint64_t *out);

/* The same hashes of a stream of updates, on the calling thread. */
typedef struct revl_phash {
  XXH3_state_t *cur;    /* the block being hashed */
  size_t inblk;         /* its bytes so far */
  uint64_t total;       /* bytes so far */
  XXH128_hash_t *blk;   /* the hashes of the blocks done */
  size_t nblk, cap;
  int oom;              /* an allocation failed */
} revl_phash;

int revl_phash_init(revl_phash *h); /* 0, or -1 when out of memory */
void revl_phash_update(revl_phash *h, const void *p, size_t n);
/* 0, or -1 when an allocation failed on the way */
int revl_phash_digest64(revl_phash *h, uint64_t *out);
void revl_phash_free(revl_phash *h);

#endif
