/*
 * test_phash.c -- the block-parallel hashes (src/ingest/phash.c): plain
 * XXH3 up to one block, the same value on any number of threads and for
 * any way a stream is cut, and a changed byte in any block changes it.
 */
#include "test.h"

#include "revl/phash.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define B REVL_PHASH_BLOCK

static int eq128(XXH128_hash_t a, XXH128_hash_t b) {
  return a.low64 == b.low64 && a.high64 == b.high64;
}

/* The stream's checksum of p[0..n), cut into pieces of 1 to cut bytes
 * (a simple LCG picks them). */
static uint64_t streamed(const unsigned char *p, size_t n, size_t cut) {
  revl_phash h;
  uint64_t out = 0, r = 12345;
  if (revl_phash_init(&h) != 0) return 0;
  for (size_t at = 0; at < n;) {
    r = r * 6364136223846793005u + 1442695040888963407u;
    size_t k = 1 + (size_t)(r >> 33) % cut;
    if (k > n - at) k = n - at;
    revl_phash_update(&h, p + at, k);
    at += k;
  }
  if (revl_phash_digest64(&h, &out) != 0) out = 0;
  revl_phash_free(&h);
  return out;
}

int main(void) {
  size_t max = 3 * B + 12345;
  unsigned char *buf = malloc(max);
  if (!buf) return 1;
  for (size_t i = 0; i < max; i++) buf[i] = (unsigned char)(i * 2654435761u >> 13);

  /* up to one block: plain XXH3, and a stream gives the same */
  size_t small[] = {0, 1, 100, B - 1, B};
  for (size_t k = 0; k < sizeof small / sizeof *small; k++) {
    size_t n = small[k];
    XXH128_hash_t h;
    uint64_t c = 0;
    CHECK_INT(revl_phash128(buf, n, 2, &h), 0);
    CHECK(eq128(h, XXH3_128bits(buf, n)));
    CHECK_INT(revl_phash64(buf, n, 2, &c), 0);
    CHECK(c == XXH3_64bits(buf, n));
    CHECK(streamed(buf, n, 1000) == c);
    CHECK(streamed(buf, n, B) == c);
  }

  /* longer: not plain XXH3, the same on 1 to 9 threads and streamed */
  size_t big[] = {B + 1, 2 * B, 2 * B + 1, 3 * B + 12345};
  for (size_t k = 0; k < sizeof big / sizeof *big; k++) {
    size_t n = big[k];
    XXH128_hash_t h1, h;
    uint64_t c1 = 0, c = 0;
    CHECK_INT(revl_phash128(buf, n, 1, &h1), 0);
    CHECK_INT(revl_phash64(buf, n, 1, &c1), 0);
    CHECK(!eq128(h1, XXH3_128bits(buf, n)));
    CHECK(c1 != XXH3_64bits(buf, n));
    for (int t = 2; t <= 9; t++) {
      CHECK_INT(revl_phash128(buf, n, t, &h), 0);
      CHECK(eq128(h, h1));
      CHECK_INT(revl_phash64(buf, n, t, &c), 0);
      CHECK(c == c1);
    }
    CHECK(streamed(buf, n, 1 << 16) == c1);
    CHECK(streamed(buf, n, 3 * B) == c1);
    /* a byte changed in the first, a middle and the last block */
    size_t at[] = {0, B + (n - B) / 2, n - 1};
    for (int a = 0; a < 3; a++) {
      buf[at[a]] ^= 1;
      CHECK_INT(revl_phash128(buf, n, 2, &h), 0);
      CHECK(!eq128(h, h1));
      CHECK_INT(revl_phash64(buf, n, 2, &c), 0);
      CHECK(c != c1);
      buf[at[a]] ^= 1;
    }
  }
  /* the length is part of it: one more zero byte is another hash */
  buf[2 * B] = 0;
  uint64_t a = 0, b = 0;
  revl_phash64(buf, 2 * B, 2, &a);
  revl_phash64(buf, 2 * B + 1, 2, &b);
  CHECK(a != b);

  /* from a file: the same values, at any offset and on any threads; a
   * file shorter than asked is an error, not a hash of what is there */
  char path[] = "/tmp/revl-phash.XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd >= 0) {
    CHECK(write(fd, buf, max) == (ssize_t)max);
    size_t sizes[] = {0, 1, B, B + 1, 2 * B + 1, max - 100};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
      size_t n = sizes[k];
      for (size_t from = 0; from <= 100; from += 100) {
        XXH128_hash_t want, got;
        uint64_t w64 = 0, g64 = 1;
        revl_phash128(buf + from, n, 1, &want);
        revl_phash64(buf + from, n, 1, &w64);
        for (int t = 1; t <= 3; t++) {
          CHECK_INT(revl_phash128_fd(fd, from, n, t, &got), 0);
          CHECK(eq128(got, want));
          CHECK_INT(revl_phash64_fd(fd, from, n, t, &g64), 0);
          CHECK(g64 == w64);
        }
      }
    }
    XXH128_hash_t h;
    uint64_t c;
    errno = 0;
    CHECK_INT(revl_phash128_fd(fd, 0, max + 1, 2, &h), -1);
    CHECK_INT(errno, EIO);
    errno = 0;
    CHECK_INT(revl_phash64_fd(fd, B, max, 2, &c), -1);
    CHECK_INT(errno, EIO);
    CHECK_INT(revl_phash64_fd(fd, 0, 10, 1, &c), 0);
    close(fd);
    unlink(path);
    CHECK_INT(revl_phash64_fd(fd, 0, 10, 1, &c), -1); /* closed: EBADF */
    CHECK_INT(revl_phash64_fd(fd, 0, 3 * B, 2, &c), -1);
  }
  free(buf);
  TEST_END();
}
