/*
 * common.c -- error records and small allocation helpers.
 */
#define _DEFAULT_SOURCE /* madvise advice beyond POSIX */
#include "revl/common.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
