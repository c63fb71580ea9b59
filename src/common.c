/*
 * common.c -- error records and small allocation helpers.
 */
#define _DEFAULT_SOURCE /* madvise advice beyond POSIX */
#include "revl/common.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int revl_error_set(revl_error *err, int code, const char *file, long line,
                   long col, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  err->line = line;
  err->col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return code;
}

void revl_error_format(const revl_error *err, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  if (err->file[0]) {
    n += (size_t)snprintf(buf + n, size - n, "%s:", err->file);
    if (n < size && err->line > 0)
      n += (size_t)snprintf(buf + n, size - n, "%ld:", err->line);
    if (n < size && err->line > 0 && err->col > 0)
      n += (size_t)snprintf(buf + n, size - n, "%ld:", err->col);
    if (n < size) n += (size_t)snprintf(buf + n, size - n, " ");
  }
  if (n < size) snprintf(buf + n, size - n, "%s", err->msg);
}

void revl_error_print(const revl_error *err) {
  char buf[2048];
  revl_error_format(err, buf, sizeof buf);
  fprintf(stderr, "revl: %s\n", buf);
}

int revl_exit_code(int code) {
  switch (code) {
  case REVL_OK: return REVL_EXIT_OK;
  case REVL_ESCRIPT: return REVL_EXIT_SCRIPT;
  default: return REVL_EXIT_DATA;
  }
}

void *revl_realloc_array(void *p, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  return realloc(p, (n && size) ? n * size : 1);
}

void revl_advise_huge(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  if (!p || n < 2 * huge) return;
  uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t e = ((uintptr_t)p + n) & ~(huge - 1);
  if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

void revl_advise_drop(const void *p, size_t n) {
#ifdef MADV_DONTNEED
  long ps = sysconf(_SC_PAGESIZE);
  const uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
  uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
  uintptr_t e = ((uintptr_t)p + n) & ~(page - 1);
  if (e > a) madvise((void *)a, e - a, MADV_DONTNEED);
#else
  (void)p;
  (void)n;
#endif
}

/* Edit distance of a and b, ignoring case, where swapping two adjacent
 * letters counts as one edit ("tabel" -> "table": optimal string
 * alignment); (size_t)-1 for names too long to be typos of each other. */
static size_t near_dist(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), rows[3][64];
  if (la > 63 || lb > 63) return (size_t)-1;
  size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    int ai = tolower((unsigned char)a[i - 1]);
    for (size_t j = 1; j <= lb; j++) {
      int bj = tolower((unsigned char)b[j - 1]);
      size_t s = prev[j - 1] + (size_t)(ai != bj), d = prev[j] + 1, n = cur[j - 1] + 1;
      size_t m = s < d ? (s < n ? s : n) : (d < n ? d : n);
      if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
          tolower((unsigned char)a[i - 2]) == bj && pp[j - 2] + 1 < m)
        m = pp[j - 2] + 1;
      cur[j] = m;
    }
    size_t *t = pp;
    pp = prev, prev = cur, cur = t;
  }
  return prev[lb];
}

void revl_near_init(revl_near *n, const char *name) {
  n->name = name ? name : "";
  n->best = NULL;
  n->dist = (size_t)-1;
}

void revl_near_add(revl_near *n, const char *candidate) {
  if (!candidate || !*candidate) return;
  /* the lengths differ by at least the distance: a candidate farther
   * than revl_near_hint ever suggests is not measured (every unknown
   * name is compared with every column) */
  size_t la = strlen(n->name), lb = strlen(candidate);
  size_t most = la / 3 ? la / 3 : 1;
  if ((la > lb ? la - lb : lb - la) > most) return;
  size_t d = near_dist(n->name, candidate);
  if (d < n->dist) n->dist = d, n->best = candidate;
}

const char *revl_near_hint(const revl_near *n, char *buf, size_t size) {
  if (size) buf[0] = '\0';
  /* at most one edit per three letters, at least one: "amout" ->
   * "amount", "peroid" -> "period", never "type" -> "stage" */
  size_t len = strlen(n->name), most = len / 3 ? len / 3 : 1;
  if (n->best && n->dist > 0 && n->dist <= most && n->dist < strlen(n->best))
    snprintf(buf, size, " (did you mean '%s'?)", n->best);
  return buf;
}
