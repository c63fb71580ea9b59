/*
 * fuzz_util.h -- what the libFuzzer harnesses share: the fuzz input as a
 * file the ingest code can open by path (a memfd, no disk I/O) and a
 * little byte reader for choosing options from the input.
 */
#ifndef REVL_FUZZ_UTIL_H
#define REVL_FUZZ_UTIL_H

/* memfd_create; this header comes before every other include */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Replace the contents of a process-wide memfd with data[0..n) and
 * return a path that opens it ("/proc/self/fd/N"). */
static inline const char *fuzz_file(const uint8_t *data, size_t n) {
  static int fd = -1;
  static char path[64];
  if (fd < 0) {
    fd = memfd_create("revl-fuzz", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0) != 0) abort();
  size_t off = 0;
  while (off < n) {
    ssize_t w = pwrite(fd, data + off, n - off, (off_t)off);
    if (w <= 0) abort();
    off += (size_t)w;
  }
  return path;
}

/* Take bytes from the front of the input; 0 once it is used up. */
typedef struct fuzz_in {
  const uint8_t *p;
  size_t n;
} fuzz_in;

static inline unsigned fuzz_byte(fuzz_in *in) {
  if (!in->n) return 0;
  in->n--;
  return *in->p++;
}

static inline unsigned fuzz_pick(fuzz_in *in, unsigned k) {
  return k ? fuzz_byte(in) % k : 0;
}

#endif
