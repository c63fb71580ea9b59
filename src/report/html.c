/*
 * html.c -- the report's text buffer and HTML escaping.
 *
 * Everything from the data (labels, owner names, error texts) goes
 * through revl_sbuf_esc, so a value like "<script>" reads as text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/report.h"

/* The buffer is revl/sbuf.h's; once an allocation failed nothing more
 * is written, so an incomplete page has no holes, only an end, and the
 * caller sees oom. */
static int grow(revl_sbuf *b, size_t more) {
  return !b->oom && revl_sb_grow(b, more) == 0;
}

void revl_sbuf_free(revl_sbuf *b) {
  revl_sb_free(b);
  b->oom = 0;
}

void revl_sbuf_put(revl_sbuf *b, const char *s, size_t n) {
  if (!grow(b, n)) return;
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

void revl_sbuf_puts(revl_sbuf *b, const char *s) {
  if (s) revl_sbuf_put(b, s, strlen(s));
}

void revl_sbuf_printf(revl_sbuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  if ((size_t)k < sizeof tmp) {
    revl_sbuf_put(b, tmp, (size_t)k);
    return;
  }
  if (!grow(b, (size_t)k)) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)k;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t k;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) k = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) k = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) k = 4, min = 0x10000;
  else return 0;
  if (k > n) return 0;
  unsigned cp = c & (0xFF >> (k + 1));
  for (size_t i = 1; i < k; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return k;
}

void revl_sbuf_esc(revl_sbuf *b, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, run = 0;
  while (i < n) {
    const char *rep = NULL;
    size_t k = 1;
    switch (u[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default:
      if (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n') rep = " ";
      else if (u[i] >= 0x80) {
        k = utf8_len(u + i, n - i);
        if (!k) rep = "\xEF\xBF\xBD", k = 1;
      }
    }
    if (rep) {
      if (run) revl_sbuf_put(b, s + i - run, run);
      run = 0;
      revl_sbuf_puts(b, rep);
      i += k;
    } else {
      run += k;
      i += k;
    }
  }
  if (run) revl_sbuf_put(b, s + n - run, run);
}

void revl_sbuf_escs(revl_sbuf *b, const char *s) {
  if (s) revl_sbuf_esc(b, s, strlen(s));
}
