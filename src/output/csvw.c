/*
 * csvw.c -- atomic CSV writer (see revl/csvw.h).
 *
 * Output goes to "<path>.tmp.<pid>" through a large stdio buffer and is
 * renamed over the target on commit, both through a descriptor of the
 * target's directory.  Under --out the directory is reached one
 * component at a time with O_NOFOLLOW (revl_csvw_open_in), so a symlink
 * inside the output directory cannot send a file elsewhere, however it
 * is swapped in.  Temporary files are removed on SIGINT/SIGTERM/SIGHUP,
 * and stale ones of dead processes by the next writer in that directory.  A field is quoted with libcsv's
 * csv_fwrite only when it contains a delimiter, quote, line break or
 * surrounding space, so plain data stays readable and diffs stay small.
 */
#include "revl/csvw.h"
#include "revl/sbuf.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct revl_csvw {
  FILE *fp;
  int nfield;     /* fields written in the current row */
  int failed;     /* a write failed; reported at commit */
  int dfd;        /* the directory the file goes in */
  int slot;       /* its temporary file's slot, or -1 */
  char *path;     /* as errors name it */
  char *base;     /* final name in dfd */
  char *tmp;      /* temporary name in dfd */
  int stream;     /* writes to a stream it does not own (no dfd) */
  int arr;        /* stream as one JSON array of the lines written */
  int rowstart;   /* arr: the next byte begins a row */
  int null;       /* stream onto /dev/null, owned (revl_csvw_open_null) */
  long nrows;     /* arr: rows begun */
  char buf[1 << 16];
};

/* ---- temporary files removed on a fatal signal ----------------------------
 *
 * Every open writer's temporary file is in a slot the handler can read
 * without locks: the slot is filled before `used` is set and `used` is
 * cleared before the descriptor is closed. */

#define NSLOT 64
static struct tslot {
  volatile sig_atomic_t used;
  int dfd;
  char name[NAME_MAX + 1];
} slots[NSLOT];

static int slot_take(int dfd, const char *name) {
  for (int i = 0; i < NSLOT; i++) {
    if (slots[i].used) continue;
    slots[i].dfd = dfd;
    snprintf(slots[i].name, sizeof slots[i].name, "%s", name);
    slots[i].used = 1;
    return i;
  }
  return -1; /* more than NSLOT writers open: not removed on a signal */
}

void revl_csvw_remove_temps(void) {
  for (int i = 0; i < NSLOT; i++)
    if (slots[i].used) {
      unlinkat(slots[i].dfd, slots[i].name, 0);
      slots[i].used = 0;
    }
}

static void on_fatal(int sig) {
  revl_csvw_remove_temps();
  signal(sig, SIG_DFL);
  raise(sig); /* delivered when the handler returns: the usual death */
}

void revl_csvw_catch_signals(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sigemptyset(&sa.sa_mask);
    /* leave a signal ignored by the parent (nohup) ignored */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
      continue;
    sigaction(sigs[i], &sa, NULL);
  }
}

/* ---- stale temporary files ------------------------------------------------
 *
 * "NAME.tmp.PID" left by a revl process that died (kill -9, power cut)
 * are removed from each directory the first time this process writes
 * there.  A PID that is alive (another revl writing now) is left alone. */

static int stale_pid(const char *name, long *pid) {
  const char *t = strstr(name, ".tmp.");
  if (!t || t == name) return 0;
  const char *d = t + 5;
  while ((t = strstr(d, ".tmp.")) != NULL) d = t + 5; /* the last one */
  if (!*d) return 0;
  long v = 0;
  for (const char *q = d; *q; q++) {
    if (*q < '0' || *q > '9' || v > 100000000L) return 0;
    v = v * 10 + (*q - '0');
  }
  *pid = v;
  return v > 0;
}

static void sweep(int dfd) {
  static struct { dev_t dev; ino_t ino; } seen[32];
  static int nseen;
  struct stat st;
  if (fstat(dfd, &st) != 0) return;
  for (int i = 0; i < nseen; i++)
    if (seen[i].dev == st.st_dev && seen[i].ino == st.st_ino) return;
  if (nseen < 32) {
    seen[nseen].dev = st.st_dev;
    seen[nseen].ino = st.st_ino;
    nseen++;
  }
  int fd = dup(dfd);
  if (fd < 0) return;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return;
  }
  long me = (long)getpid();
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    long pid;
    if (!stale_pid(e->d_name, &pid) || pid == me) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    struct stat fs;
    if (fstatat(dfd, e->d_name, &fs, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(fs.st_mode))
      unlinkat(dfd, e->d_name, 0);
  }
  closedir(d);
}

/* ---- opening --------------------------------------------------------------- */

static const char allow_hint[] = "outputs stay inside --out";

/* Writer for the file `base` in the open directory dfd (taken over);
 * `shown` is the path errors name. */
static revl_csvw *open_at(int dfd, const char *base, const char *shown,
                          int confined, const char *rel, revl_error *err) {
  revl_csvw *w = NULL;
  size_t bn = strlen(base), sn = strlen(shown);
  if (confined) {
    struct stat st;
    if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISLNK(st.st_mode)) {
        revl_error_set(err, REVL_EIO, NULL, 0, 0,
                       "output path '%s' is a symbolic link (%s)", rel,
                       allow_hint);
        goto fail;
      }
    }
  }
  if (bn + 24 > NAME_MAX) {
    revl_error_set(err, REVL_EIO, shown, 0, 0, "cannot write: %s",
                   strerror(ENAMETOOLONG));
    goto fail;
  }
  w = calloc(1, sizeof *w);
  if (!w) goto nomem;
  w->dfd = dfd;
  w->slot = -1;
  w->path = malloc(sn + 1);
  w->base = malloc(bn + 1);
  w->tmp = malloc(bn + 32);
  if (!w->path || !w->base || !w->tmp) goto nomem;
  memcpy(w->path, shown, sn + 1);
  memcpy(w->base, base, bn + 1);
  snprintf(w->tmp, bn + 32, "%s.tmp.%ld", base, (long)getpid());
  sweep(dfd);
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(dfd, w->tmp, flags, 0666);
  if (fd < 0 && errno == EEXIST) {
    /* ours: a writer of this process for the same file that was never
     * closed, or a dead process with our PID */
    unlinkat(dfd, w->tmp, 0);
    fd = openat(dfd, w->tmp, flags, 0666);
  }
  if (fd >= 0) w->fp = fdopen(fd, "wb");
  if (!w->fp) {
    revl_error_set(err, REVL_EIO, shown, 0, 0, "cannot write: %s",
                   strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlinkat(dfd, w->tmp, 0);
    }
    goto fail;
  }
  w->slot = slot_take(dfd, w->tmp);
  setvbuf(w->fp, w->buf, _IOFBF, sizeof w->buf);
  return w;
nomem:
  revl_error_set(err, REVL_ENOMEM, shown, 0, 0, "not enough memory");
fail:
  if (w) {
    free(w->path);
    free(w->base);
    free(w->tmp);
    free(w);
  }
  close(dfd);
  return NULL;
}

revl_csvw *revl_csvw_open(const char *path, revl_error *err) {
  char dir[4096];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (slash) {
    size_t n = (size_t)(slash - path);
    if (n == 0) n = 1; /* "/x" */
    if (n >= sizeof dir) {
      revl_error_set(err, REVL_EIO, path, 0, 0, "cannot write: %s",
                     strerror(ENAMETOOLONG));
      return NULL;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
  } else {
    dir[0] = '.';
    dir[1] = '\0';
  }
  if (!*base) {
    revl_error_set(err, REVL_EIO, path, 0, 0, "cannot write: is a directory");
    return NULL;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    revl_error_set(err, REVL_EIO, path, 0, 0, "cannot write: %s",
                   strerror(errno));
    return NULL;
  }
  return open_at(dfd, base, path, 0, path, err);
}

int revl_out_dir_open(const char *root, const char *rel, int *out_dfd,
                      const char **base, revl_error *err) {
  int rc = revl_mkdirs(root, err);
  if (rc) return rc;
  if (rel[0] == '/')
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "output path '%s' must be relative to --out", rel);
  for (const char *c = rel; *c; c++)
    if (c[0] == '.' && c[1] == '.' && (c == rel || c[-1] == '/') &&
        (c[2] == '/' || c[2] == '\0'))
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "output path '%s' may not leave --out (no '..')",
                            rel);
  int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return revl_error_set(err, REVL_EIO, root, 0, 0, "cannot open: %s",
                          strerror(errno));
  const char *p = rel;
  for (;;) {
    const char *e = strchr(p, '/');
    if (!e) break;
    size_t n = (size_t)(e - p);
    char comp[NAME_MAX + 1];
    const char *next = e + 1;
    if (n == 0 || (n == 1 && p[0] == '.')) {
      p = next;
      continue;
    }
    int plen = (int)(e - rel);
    if (n > NAME_MAX) {
      close(dfd);
      return revl_error_set(err, REVL_EIO, NULL, 0, 0,
                            "output path '%s': %s", rel,
                            strerror(ENAMETOOLONG));
    }
    memcpy(comp, p, n);
    comp[n] = '\0';
    int fl = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int nd = openat(dfd, comp, fl);
    if (nd < 0 && errno == ENOENT) {
      if (mkdirat(dfd, comp, 0777) != 0 && errno != EEXIST) {
        int e2 = errno;
        close(dfd);
        return revl_error_set(err, REVL_EIO, NULL, 0, 0,
                              "%s/%.*s: cannot create directory: %s",
                              root, plen, rel, strerror(e2));
      }
      nd = openat(dfd, comp, fl);
    }
    if (nd < 0) {
      int e2 = errno;
      struct stat st;
      int link = fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                 S_ISLNK(st.st_mode);
      close(dfd);
      if (link)
        return revl_error_set(err, REVL_EIO, NULL, 0, 0,
                              "output path '%s' goes through the symbolic "
                              "link '%.*s' (%s)",
                              rel, plen, rel, allow_hint);
      return revl_error_set(err, REVL_EIO, NULL, 0, 0,
                            "%s/%.*s: cannot open as a directory (%s)",
                            root, plen, rel, strerror(e2));
    }
    close(dfd);
    dfd = nd;
    p = next;
  }
  if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
    close(dfd);
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "output path '%s' names a directory, not a file",
                          rel);
  }
  *out_dfd = dfd;
  *base = p;
  return 0;
}

revl_csvw *revl_csvw_open_in(const char *root, const char *rel,
                             revl_error *err) {
  int dfd;
  const char *base;
  if (revl_out_dir_open(root, rel, &dfd, &base, err)) return NULL;
  char shown[4096];
  snprintf(shown, sizeof shown, "%s/%s", root, rel);
  return open_at(dfd, base, shown, 1, rel, err);
}

revl_csvw *revl_csvw_open_stream(FILE *fp, const char *shown, int json_array,
                                 revl_error *err) {
  revl_csvw *w = calloc(1, sizeof *w);
  size_t sn = strlen(shown);
  if (w) w->path = malloc(sn + 1);
  if (!w || !w->path) {
    free(w);
    revl_error_set(err, REVL_ENOMEM, shown, 0, 0, "not enough memory");
    return NULL;
  }
  memcpy(w->path, shown, sn + 1);
  w->fp = fp;
  w->dfd = -1;
  w->slot = -1;
  w->stream = 1;
  w->arr = json_array;
  w->rowstart = 1;
  return w;
}

revl_csvw *revl_csvw_open_null(const char *shown, revl_error *err) {
  FILE *fp = fopen("/dev/null", "wb");
  if (!fp) {
    revl_error_set(err, REVL_EIO, shown, 0, 0, "cannot open /dev/null: %s",
                   strerror(errno));
    return NULL;
  }
  revl_csvw *w = revl_csvw_open_stream(fp, shown, 0, err);
  if (!w) {
    fclose(fp);
    return NULL;
  }
  setvbuf(fp, w->buf, _IOFBF, sizeof w->buf);
  w->null = 1;
  return w;
}

int revl_csvw_discards(const revl_csvw *w) { return w && w->null; }

static int needs_quote(const char *s, size_t n) {
  if (n == 0) return 0;
  if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
    return 1;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return 1;
  }
  return 0;
}

/* Array mode: bytes of JSON lines become the elements of one array
 * (JSON text holds no raw newline, so each '\n' ends an element). */
static void arr_put(revl_csvw *w, const char *s, size_t n) {
  while (n) {
    const char *nl = memchr(s, '\n', n);
    size_t k = nl ? (size_t)(nl - s) : n;
    if (k && w->rowstart) {
      fputs(w->nrows++ ? ",\n" : "[\n", w->fp);
      w->rowstart = 0;
    }
    if (k && fwrite(s, 1, k, w->fp) != k) w->failed = 1;
    if (nl) {
      w->rowstart = 1;
      k++;
    }
    s += k;
    n -= k;
  }
}

/* n bytes onto fp: short ones through putc_unlocked (one thread owns a
 * writer, and the lock of each putc and fwrite call was a tenth of
 * writing a frame of short cells), longer ones with fwrite. */
static void put_bytes(revl_csvw *w, const char *s, size_t n) {
  if (n > 32) {
    if (fwrite(s, 1, n, w->fp) != n) w->failed = 1;
    return;
  }
  for (size_t i = 0; i < n; i++)
    if (putc_unlocked(s[i], w->fp) == EOF) {
      w->failed = 1;
      return;
    }
}

void revl_csvw_field(revl_csvw *w, const char *s, size_t n) {
  if (w->arr) {
    if (w->nfield++ > 0) arr_put(w, ",", 1);
    arr_put(w, s, n);
    return;
  }
  if (w->nfield++ > 0) putc_unlocked(',', w->fp);
  if (needs_quote(s, n)) {
    if (csv_fwrite(w->fp, s, n) != 0) w->failed = 1;
  } else {
    put_bytes(w, s, n);
  }
}

void revl_csvw_str(revl_csvw *w, const char *s) {
  revl_csvw_field(w, s ? s : "", s ? strlen(s) : 0);
}

void revl_csvw_int(revl_csvw *w, int64_t v) {
  char b[24];
  int n = snprintf(b, sizeof b, "%lld", (long long)v);
  revl_csvw_field(w, b, (size_t)n);
}

void revl_csvw_fmt(revl_csvw *w, const char *fmt, ...) {
  char b[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b, sizeof b, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if ((size_t)n >= sizeof b) n = sizeof b - 1;
  revl_csvw_field(w, b, (size_t)n);
}

void revl_csvw_raw(revl_csvw *w, const char *s, size_t n) {
  if (w->arr) {
    arr_put(w, s, n);
    return;
  }
  if (n && fwrite(s, 1, n, w->fp) != n) w->failed = 1;
}

static int csvw_put(void *ud, const char *p, size_t k) {
  revl_csvw_raw(ud, p, k);
  return 0;
}

void revl_csvw_json(revl_csvw *w, const char *s, size_t n) {
  revl_json_escape(s, n, csvw_put, w);
}

void revl_csvw_end(revl_csvw *w) {
  if (w->arr) arr_put(w, "\n", 1);
  else putc_unlocked('\n', w->fp);
  w->nfield = 0;
}

static void csvw_free(revl_csvw *w) {
  if (w->slot >= 0) slots[w->slot].used = 0;
  if (w->null) fclose(w->fp);
  if (!w->stream) close(w->dfd);
  free(w->path);
  free(w->base);
  free(w->tmp);
  free(w);
}

/* The end of a stream writer: close the array, flush, leave the
 * stream open. */
static int stream_end(revl_csvw *w, revl_error *err) {
  if (w->arr) fputs(w->nrows ? "\n]\n" : "[]\n", w->fp);
  int rc = 0;
  if (fflush(w->fp) != 0 || ferror(w->fp) || w->failed)
    rc = revl_error_set(err, REVL_EIO, w->path, 0, 0, "write failed: %s",
                        strerror(errno));
  csvw_free(w);
  return rc;
}

int revl_csvw_flush(revl_csvw *w, revl_error *err) {
  if (fflush(w->fp) != 0 || ferror(w->fp)) w->failed = 1;
  if (!w->failed) return 0;
  return revl_error_set(err, REVL_EIO, w->path, 0, 0, "write failed: %s",
                        strerror(errno));
}

int revl_csvw_commit(revl_csvw *w, revl_error *err) {
  if (w->stream) return stream_end(w, err);
  int rc = 0;
  if (fflush(w->fp) != 0 || ferror(w->fp)) w->failed = 1;
  if (fclose(w->fp) != 0) w->failed = 1;
  if (w->failed) {
    rc = revl_error_set(err, REVL_EIO, w->path, 0, 0, "write failed: %s",
                        strerror(errno));
    unlinkat(w->dfd, w->tmp, 0);
  } else if (renameat(w->dfd, w->tmp, w->dfd, w->base) != 0) {
    rc = revl_error_set(err, REVL_EIO, w->path, 0, 0, "cannot rename: %s",
                        strerror(errno));
    unlinkat(w->dfd, w->tmp, 0);
  }
  csvw_free(w);
  return rc;
}

void revl_csvw_abort(revl_csvw *w) {
  if (!w) return;
  if (w->stream) { /* what was written is out already */
    fflush(w->fp);
    csvw_free(w);
    return;
  }
  fclose(w->fp);
  unlinkat(w->dfd, w->tmp, 0);
  csvw_free(w);
}

int revl_mkdirs(const char *dir, revl_error *err) {
  char p[4096];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof p)
    return revl_error_set(err, REVL_EIO, dir, 0, 0, "bad directory name");
  memcpy(p, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (p[i] == '/' || p[i] == '\0') {
      char c = p[i];
      p[i] = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST)
        return revl_error_set(err, REVL_EIO, p, 0, 0,
                              "cannot create directory: %s", strerror(errno));
      p[i] = c;
    }
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return revl_error_set(err, REVL_EIO, dir, 0, 0, "not a directory");
  return 0;
}
