/*
 * csvw.c -- atomic CSV writer (see revl/csvw.h).
 *
 * Output goes to "<path>.tmp.<pid>" through a large stdio buffer and is
 * renamed over the target on commit.  A field is quoted with libcsv's
 * csv_fwrite only when it contains a delimiter, quote, line break or
 * surrounding space, so plain data stays readable and diffs stay small.
 */
#include "revl/csvw.h"

#include <csv.h>
#include <errno.h>
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
  char *path;
  char *tmp;
  char buf[1 << 16];
};

revl_csvw *revl_csvw_open(const char *path, revl_error *err) {
  revl_csvw *w = calloc(1, sizeof *w);
  size_t n = strlen(path);
  if (!w) goto nomem;
  w->path = malloc(n + 1);
  w->tmp = malloc(n + 32);
  if (!w->path || !w->tmp) goto nomem;
  memcpy(w->path, path, n + 1);
  snprintf(w->tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
  w->fp = fopen(w->tmp, "wb");
  if (!w->fp) {
    revl_error_set(err, REVL_EIO, path, 0, 0, "cannot write: %s",
                   strerror(errno));
    free(w->path);
    free(w->tmp);
    free(w);
    return NULL;
  }
  setvbuf(w->fp, w->buf, _IOFBF, sizeof w->buf);
  return w;
nomem:
  if (w) {
    free(w->path);
    free(w->tmp);
    free(w);
  }
  revl_error_set(err, REVL_ENOMEM, path, 0, 0, "out of memory");
  return NULL;
}

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

void revl_csvw_field(revl_csvw *w, const char *s, size_t n) {
  if (w->nfield++ > 0) putc(',', w->fp);
  if (needs_quote(s, n)) {
    if (csv_fwrite(w->fp, s, n) != 0) w->failed = 1;
  } else if (n && fwrite(s, 1, n, w->fp) != n) {
    w->failed = 1;
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
  if (n && fwrite(s, 1, n, w->fp) != n) w->failed = 1;
}

void revl_csvw_json(revl_csvw *w, const char *s, size_t n) {
  revl_csvw_raw(w, "\"", 1);
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch != '"' && ch != '\\' && ch >= 0x20) continue;
    revl_csvw_raw(w, s + start, i - start);
    char esc[8];
    if (ch == '"') memcpy(esc, "\\\"", 3);
    else if (ch == '\\') memcpy(esc, "\\\\", 3);
    else if (ch == '\n') memcpy(esc, "\\n", 3);
    else if (ch == '\t') memcpy(esc, "\\t", 3);
    else if (ch == '\r') memcpy(esc, "\\r", 3);
    else snprintf(esc, sizeof esc, "\\u%04x", ch);
    revl_csvw_raw(w, esc, strlen(esc));
    start = i + 1;
  }
  revl_csvw_raw(w, s + start, n - start);
  revl_csvw_raw(w, "\"", 1);
}

void revl_csvw_end(revl_csvw *w) {
  putc('\n', w->fp);
  w->nfield = 0;
}

static void csvw_free(revl_csvw *w) {
  free(w->path);
  free(w->tmp);
  free(w);
}

int revl_csvw_commit(revl_csvw *w, revl_error *err) {
  int rc = 0;
  if (fflush(w->fp) != 0 || ferror(w->fp)) w->failed = 1;
  if (fclose(w->fp) != 0) w->failed = 1;
  if (w->failed) {
    rc = revl_error_set(err, REVL_EIO, w->path, 0, 0, "write failed: %s",
                        strerror(errno));
    unlink(w->tmp);
  } else if (rename(w->tmp, w->path) != 0) {
    rc = revl_error_set(err, REVL_EIO, w->path, 0, 0, "cannot rename: %s",
                        strerror(errno));
    unlink(w->tmp);
  }
  csvw_free(w);
  return rc;
}

void revl_csvw_abort(revl_csvw *w) {
  if (!w) return;
  fclose(w->fp);
  unlink(w->tmp);
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
