/*
 * cache.c -- the snapshot cache: where it is, what a snapshot is keyed
 * by, and the load that uses it (parse once, restore after).
 *
 * A snapshot's name is the hash of its key: the file's bytes (XXH3-128),
 * and a context hash over the table name, the path, the mapping, the
 * strict flag, the run's as-of date when the table has an expand (its
 * rows depend on it; other tables hit across as-ofs), the store's
 * string table before the load (its bytes, slots and capacities: the
 * ids a parse hands out depend on them) and the revl executable's
 * bytes.  The header repeats the key and a
 * checksum of the payload, so a hit is only trusted when all of it
 * agrees.  Writes go to a temporary file renamed into place, so
 * concurrent runs see a whole snapshot or none, and a mapped snapshot
 * never changes under the store that restored from it (a file is only
 * ever replaced or removed, never written in place).  The directory is kept
 * under its size cap by removing the least recently used snapshots
 * (a hit touches its file's mtime).
 */
#include "revl/cache.h"
#include "revl/phash.h"

#include "snap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#if defined(__x86_64__) || defined(_M_X64)
/* Debian's libxxhash picks SSE2, AVX2 or AVX-512 at run time behind
 * these names (the same hashes, 2-3x the speed of the plain entries) */
#include <xxh_x86dispatch.h>
#endif

static char cache_dir[4096];
static int cache_on;
static int write_warned; /* one warning a run for a cache that cannot be written */
static uint64_t cache_cap = (uint64_t)2 << 30;

static uint64_t parse_size(const char *s) {
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s) return 0;
  switch (*end) {
  case 'k': case 'K': v <<= 10; end++; break;
  case 'm': case 'M': v <<= 20; end++; break;
  case 'g': case 'G': v <<= 30; end++; break;
  default: break;
  }
  return *end ? 0 : (uint64_t)v;
}

void revl_cache_setup(const char *dir, int off) {
  const char *env = getenv("REVL_CACHE");
  cache_on = 0;
  const char *max = getenv("REVL_CACHE_MAX");
  if (max && parse_size(max)) cache_cap = parse_size(max);
  if (off || (!dir && env && strcmp(env, "off") == 0)) return;
  const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  if (dir)
    snprintf(cache_dir, sizeof cache_dir, "%s", dir);
  else if (xdg && xdg[0] == '/')
    snprintf(cache_dir, sizeof cache_dir, "%s/revl", xdg);
  else if (home && home[0])
    snprintf(cache_dir, sizeof cache_dir, "%s/.cache/revl", home);
  else
    return;
  cache_on = 1;
}

const char *revl_cache_dir(void) { return cache_on ? cache_dir : NULL; }
uint64_t revl_cache_max(void) { return cache_cap; }

/* The content hash of a whole file (revl/phash.h: XXH3-128, block-parallel)
 * into out; 0 or -1. */
static int hash_file(const char *path, XXH128_hash_t *out, struct stat *st) {
  /* a FIFO or device would block the open: revl_load_file reports it */
  if (stat(path, st) != 0 || !S_ISREG(st->st_mode)) return -1;
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  if (fd < 0) return -1;
  int rc = -1;
  /* read with pread on every core: a file that shrinks meanwhile is a
   * read error here (no cache; the load then says what it finds) */
  if (fstat(fd, st) == 0 && S_ISREG(st->st_mode))
    rc = revl_phash128_fd(fd, 0, (uint64_t)st->st_size, revl_hash_threads(), out);

  close(fd);
  return rc;
}

/* The running executable's bytes: a snapshot is only read back by the
 * build that wrote it. */
static int build_id(XXH128_hash_t *out) {
  static int done = 0, ok = 0;
  static XXH128_hash_t id;
  if (!done) {
    struct stat st;
    done = 1;
    ok = hash_file("/proc/self/exe", &id, &st) == 0;
  }
  *out = id;
  return ok ? 0 : -1;
}

void revl_cache_mapkey(const char *map_file, unsigned char out[16]) {
  XXH3_state_t *st = XXH3_createState();
  memset(out, 0, 16);
  if (!st) return;
  XXH3_128bits_reset(st);
  if (map_file) {
    XXH3_128bits_update(st, map_file, strlen(map_file) + 1);
    FILE *f = fopen(map_file, "rb");
    char buf[8192];
    size_t n;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
      XXH3_128bits_update(st, buf, n);
    if (f) fclose(f);
  }
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
  memcpy(out, c.digest, 16);
  XXH3_freeState(st);
}

static void add_str(XXH3_state_t *st, const char *s) {
  XXH3_128bits_update(st, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* The key: content hash, then the context hash. */
static int make_key(const revl_store *s, const char *name, const char *path,
                    const revl_table_map *map, int strict,
                    const int32_t *as_of, const unsigned char mapkey[16],
                    XXH128_hash_t content, unsigned char key[32]) {
  XXH128_hash_t build;
  if (build_id(&build)) return -1;
  XXH3_state_t *st = XXH3_createState();
  if (!st) return -1;
  XXH3_128bits_reset(st);
  add_str(st, "revl snapshot " REVL_VERSION);
  XXH3_128bits_update(st, &build, sizeof build);
  add_str(st, name);
  add_str(st, path);
  add_str(st, map ? map->name : "(none)");
  XXH3_128bits_update(st, mapkey, 16);
  XXH3_128bits_update(st, &strict, sizeof strict);
  /* an expansion's rows depend on the as-of (open subscriptions run
   * through its month); other tables keep their snapshot across as-ofs */
  if (map && map->exp_start) {
    int32_t a[2] = {as_of ? 1 : 0, as_of ? *as_of : 0};
    XXH3_128bits_update(st, a, sizeof a);
  }
  /* the string table's contents, not its capacities: a restored table
   * has none to spare and hands out the same ids and slots as a parsed
   * one, so the next file's key is the same after either */
  const revl_intern *in = &s->strings;
  uint64_t shape[4] = {in->n, in->nbytes,
                       in->slots ? (uint64_t)in->mask + 1 : 0,
                       s->default_currency};
  XXH3_128bits_update(st, shape, sizeof shape);
  if (in->nbytes) XXH3_128bits_update(st, in->bytes, in->nbytes);
  if (in->n) XXH3_128bits_update(st, in->off, (size_t)in->n * 4);
  if (in->slots)
    XXH3_128bits_update(st, in->slots, ((size_t)in->mask + 1) * 8);
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, content);
  memcpy(key, c.digest, 16);
  XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
  memcpy(key + 16, c.digest, 16);
  XXH3_freeState(st);
  return 0;
}

static void warn(int quiet, const char *fmt, const char *a, const char *b) {
  if (quiet) return;
  fprintf(stderr, "revl: cache: ");
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
}

/* Remove the least recently used snapshots until the directory fits
 * the cap (keep: the one just written). */
static void evict(const char *keep) {
  revl_cache_entry *e = NULL;
  int n = revl_cache_list(cache_dir, &e);
  uint64_t total = 0;
  for (int i = 0; i < n; i++) total += e[i].bytes;
  for (int i = 0; i < n && total > cache_cap; i++) {
    if (strcmp(e[i].file, keep) == 0) continue;
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", cache_dir, e[i].file);
    if (unlink(p) == 0) total -= e[i].bytes;
  }
  free(e);
}

static int mkdirs(const char *dir) {
  char p[4096];
  snprintf(p, sizeof p, "%s", dir);
  for (char *q = p + 1; *q; q++)
    if (*q == '/') {
      *q = '\0';
      if (mkdir(p, 0755) != 0 && errno != EEXIST) return -1;
      *q = '/';
    }
  return mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static void write_snapshot(const revl_store *s, const revl_table *t,
                           uint32_t n0, size_t b0, const unsigned char key[32],
                           const char *file, int quiet) {
  char tmp[4200], dst[4200];
  if (mkdirs(cache_dir) != 0) goto fail;
  snprintf(tmp, sizeof tmp, "%s/.tmp.%ld.%s", cache_dir, (long)getpid(), file);
  snprintf(dst, sizeof dst, "%s/%s", cache_dir, file);
  FILE *f = fopen(tmp, "wb");
  if (!f) goto fail;
  int rc = revl_snap_write(f, s, t, n0, b0, key);
  int e = errno;
  if (fclose(f) != 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  if (rc == 0 && rename(tmp, dst) != 0) {
    rc = -1;
    e = errno;
  }
  if (rc) unlink(tmp);
  if (rc < 0) {
    errno = e;
    goto fail;
  }
  if (rc == 0) evict(file);
  return;
fail:
  if (!write_warned++)
    warn(quiet, "cannot write a snapshot in %s: %s (the run reads the CSV files)",
         cache_dir, strerror(errno));
}

int revl_cache_load(revl_store *s, const char *name, const char *path,
                    const revl_table_map *map, int strict,
                    const int32_t *as_of, const unsigned char mapkey[16],
                    int quiet, revl_error *err) {
  struct stat st, st2;
  XXH128_hash_t content;
  unsigned char key[32];
  if (!cache_on || strcmp(path, "-") == 0 || revl_store_loaded(s, name) ||
      hash_file(path, &content, &st) != 0 ||
      make_key(s, name, path, map, strict, as_of, mapkey, content, key) != 0)
    return revl_load_file_at(s, name, path, map, strict, as_of, err);
  char file[64], snap[4200];
  for (int i = 0; i < 16; i++)
    snprintf(file + 2 * i, 3, "%02x", key[i < 8 ? i : i + 8]);
  snprintf(file + 32, 6, ".snap");
  snprintf(snap, sizeof snap, "%s/%s", cache_dir, file);
  int fd = open(snap, O_RDONLY);
  if (fd >= 0) {
    struct stat ss;
    const char *why = "unreadable";
    int rc = 1;
    if (fstat(fd, &ss) == 0 && ss.st_size > 0) {
      /* the store keeps the mapping: the restored columns and string
       * table point into it (read-only, copied on a change) */
      size_t len = (size_t)ss.st_size;
      void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED && revl_store_keep_map(s, p, len) != 0) {
        munmap(p, len);
        rc = REVL_ENOMEM;
      } else if (p != MAP_FAILED) {
        rc = revl_snap_read(p, len, fd, key, s, name, path, &why);
        if (rc == 1) revl_store_drop_map(s, p);
      }
    } else {
      why = "truncated";
    }
    if (rc == 0) futimens(fd, NULL); /* most recently used */
    close(fd);
    if (rc == 0) return 0;
    if (rc == REVL_ENOMEM)
      return revl_error_set(err, rc, path, 0, 0, "not enough memory");
    warn(quiet, "%s: snapshot ignored (%s); parsing again", snap, why);
    unlink(snap);
  }
  uint32_t n0 = s->strings.n;
  size_t b0 = s->strings.nbytes;
  int rc = revl_load_file_at(s, name, path, map, strict, as_of, err);
  if (rc) return rc;
  /* a file that changed while it was read is not snapshotted */
  if (stat(path, &st2) != 0 || st2.st_size != st.st_size ||
      st2.st_mtim.tv_sec != st.st_mtim.tv_sec ||
      st2.st_mtim.tv_nsec != st.st_mtim.tv_nsec || st2.st_ino != st.st_ino)
    return 0;
  revl_table *t = revl_store_loaded(s, name);
  if (t) write_snapshot(s, t, n0, b0, key, file, quiet);
  return 0;
}

/* ---- listing ------------------------------------------------------- */

static int by_used(const void *a, const void *b) {
  const revl_cache_entry *x = a, *y = b;
  if (x->used != y->used) return x->used < y->used ? -1 : 1;
  return strcmp(x->file, y->file);
}

int revl_cache_list(const char *dir, revl_cache_entry **out) {
  *out = NULL;
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len != 37 || strcmp(de->d_name + 32, ".snap") != 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      revl_cache_entry *nx = realloc(*out, (size_t)cap * sizeof *nx);
      if (!nx) break;
      *out = nx;
    }
    revl_cache_entry *e = &(*out)[n];
    memset(e, 0, sizeof *e);
    memcpy(e->file, de->d_name, len + 1); /* 37 bytes: fits file[64] */
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    struct stat st;
    int fd = open(p, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
      if (fd >= 0) close(fd);
      continue;
    }
    e->bytes = (uint64_t)st.st_size;
    e->used = (int64_t)st.st_mtim.tv_sec;
    char head[8192];
    ssize_t got = pread(fd, head, sizeof head, 0);
    close(fd);
    e->valid = got > 0 && revl_snap_info(head, (size_t)got, e->table,
                                         sizeof e->table, e->source,
                                         sizeof e->source) == 0;
    n++;
  }
  closedir(d);
  if (n > 1) qsort(*out, (size_t)n, sizeof **out, by_used);
  return n;
}

int revl_cache_clear(const char *dir, uint64_t *bytes) {
  *bytes = 0;
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT ? 0 : -1;
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    int snap = len == 37 && strcmp(de->d_name + 32, ".snap") == 0;
    int tmp = strncmp(de->d_name, ".tmp.", 5) == 0 && len > 5 &&
              strcmp(de->d_name + len - 5, ".snap") == 0;
    if (!snap && !tmp) continue;
    char p[4200];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    if (stat(p, &st) == 0 && unlink(p) == 0) {
      *bytes += (uint64_t)st.st_size;
      n += snap;
    }
  }
  closedir(d);
  return n;
}
