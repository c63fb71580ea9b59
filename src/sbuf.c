/*
 * sbuf.c -- growable text buffers and number texts (revl/sbuf.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/sbuf.h"

int revl_sb_grow(revl_sbuf *b, size_t n) {
  if (b->cap > b->n && n < b->cap - b->n) return 0; /* no b->n + n + 1: it can wrap */
  if (n > SIZE_MAX / 2 - b->n) { /* the doubling below would overflow */
    b->oom = 1;
    return -1;
  }
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + n + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

void revl_sb_addf(revl_sbuf *b, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  revl_sb_add(b, buf, (size_t)k < sizeof buf ? (size_t)k : sizeof buf - 1);
}

void revl_sb_reset(revl_sbuf *b) {
  b->n = 0;
  b->oom = 0;
  if (b->p) b->p[0] = '\0';
}

const char *revl_sb_str(const revl_sbuf *b) { return b->p ? b->p : ""; }

void revl_sb_free(revl_sbuf *b) {
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
  b->oom = 0;
}

size_t revl_i64_text(int64_t v, char *buf) {
  char t[24];
  size_t n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do t[n++] = (char)('0' + u % 10);
  while ((u /= 10));
  size_t k = 0;
  if (v < 0) buf[k++] = '-';
  while (n) buf[k++] = t[--n];
  buf[k] = '\0';
  return k;
}

void revl_num_text(double d, char *buf, size_t n) {
  if (d == 0) d = 0; /* no "-0" */
  /* a whole number under 1e15 (scores, points, counts): what %.15g
   * prints is its digits, which read back exactly */
  if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d && n >= 24) {
    revl_i64_text((int64_t)d, buf);
    return;
  }
  snprintf(buf, n, "%.15g", d);
  if (strtod(buf, NULL) != d) snprintf(buf, n, "%.17g", d);
}

void revl_sb_num(revl_sbuf *b, double d) {
  char buf[40];
  revl_num_text(d, buf, sizeof buf);
  revl_sb_adds(b, buf);
}

void revl_sb_points(revl_sbuf *b, double p) {
  char buf[40];
  revl_num_text(p, buf, sizeof buf);
  if (p >= 0) revl_sb_adds(b, "+");
  revl_sb_adds(b, buf);
}

int revl_json_escape(const char *s, size_t n, revl_put_fn put, void *ud) {
  int rc = put(ud, "\"", 1);
  size_t start = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch != '"' && ch != '\\' && ch >= 0x20) continue;
    char esc[8];
    if (ch == '"') memcpy(esc, "\\\"", 3);
    else if (ch == '\\') memcpy(esc, "\\\\", 3);
    else if (ch == '\n') memcpy(esc, "\\n", 3);
    else if (ch == '\t') memcpy(esc, "\\t", 3);
    else if (ch == '\r') memcpy(esc, "\\r", 3);
    else snprintf(esc, sizeof esc, "\\u%04x", ch);
    if (!(rc = put(ud, s + start, i - start))) rc = put(ud, esc, strlen(esc));
    start = i + 1;
  }
  if (!rc) rc = put(ud, s + start, n - start);
  if (!rc) rc = put(ud, "\"", 1);
  return rc;
}

static int sb_put(void *ud, const char *p, size_t k) {
  revl_sb_add(ud, p, k);
  return 0;
}

void revl_sb_json(revl_sbuf *b, const char *s, size_t n) {
  revl_json_escape(s, n, sb_put, b);
}

int revl_sb_strip_positions(revl_sbuf *b, const char *msg) {
  const char *p = msg;
  int stripped = 0;
  while (*p) {
    if (strncmp(p, "lua/", 4) == 0) {
      const char *q = p + 4;
      while ((*q >= 'a' && *q <= 'z') || *q == '_') q++;
      if (strncmp(q, ".lua:", 5) == 0) {
        q += 5;
        const char *d = q;
        while (*q >= '0' && *q <= '9') q++;
        if (q > d && q[0] == ':' && q[1] == ' ') {
          p = q + 2;
          stripped = 1;
          continue;
        }
      }
    }
    revl_sb_add(b, p, 1);
    p++;
  }
  return stripped;
}

int revl_has_position(const char *s) {
  for (const char *p = strstr(s, ".lua:"); p; p = strstr(p + 1, ".lua:")) {
    const char *q = p + 5;
    if (*q >= '0' && *q <= '9') return 1;
  }
  return 0;
}
