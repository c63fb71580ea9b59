/*
 * sbuf.h -- a growable NUL-ended text buffer and the number texts the
 * rules engine writes ("12.5", "+20"), shared by the reasons, decision
 * frames and decision logs (src/sbuf.c).  An allocation failure
 * truncates the text and sets `oom` (until the next reset): whoever
 * writes or returns the text checks it, so a truncated cell is never
 * taken for the real one.
 */
#ifndef REVL_SBUF_H
#define REVL_SBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct revl_sbuf {
  char *p;
  size_t n, cap;
  int oom; /* an append was cut short for want of memory */
} revl_sbuf;

/* Room for n more bytes and the NUL; 0, or -1 (and oom set) when out of
 * memory. */
int revl_sb_grow(revl_sbuf *b, size_t n);

/* Inline: reasons and cells append many short texts per record. */
static inline void revl_sb_add(revl_sbuf *b, const char *s, size_t n) {
  if (n >= b->cap - b->n && revl_sb_grow(b, n)) return; /* truncated; b->n < b->cap or both 0 */
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
static inline void revl_sb_adds(revl_sbuf *b, const char *s) {
  revl_sb_add(b, s, strlen(s));
}
void revl_sb_addf(revl_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void revl_sb_reset(revl_sbuf *b);           /* empty, oom cleared */
const char *revl_sb_str(const revl_sbuf *b); /* "" when empty */
void revl_sb_free(revl_sbuf *b);             /* and empty again */

/* v in decimal, as "%lld" writes it, into buf (>= 21 bytes); its length. */
size_t revl_i64_text(int64_t v, char *buf);
/* Shortest text that reads back as the same double (no "-0"). */
void revl_num_text(double d, char *buf, size_t n);
void revl_sb_num(revl_sbuf *b, double d);
/* Points with their sign: "+20", "-5", "+2.5". */
void revl_sb_points(revl_sbuf *b, double p);
/* s[0..n) as a JSON string: quoted, `"` and `\\` escaped, \n \t \r by
 * name, other bytes below 0x20 as \u00XX, everything else as it is
 * (UTF-8 passes through).  The one escaper of every JSON writer: it
 * hands the pieces to put(ud, p, k) and returns put's first nonzero
 * result, or 0. */
typedef int (*revl_put_fn)(void *ud, const char *p, size_t k);
int revl_json_escape(const char *s, size_t n, revl_put_fn put, void *ud);
/* A JSON string of s[0..n) appended to b (revl_json_escape). */
void revl_sb_json(revl_sbuf *b, const char *s, size_t n);

/* msg without the positions of revl's own Lua parts ("lua/route.lua:12: ")
 * appended to b; 1 when one was removed. */
int revl_sb_strip_positions(revl_sbuf *b, const char *msg);
/* Does s name a position in a Lua file ("x.lua:12")? */
int revl_has_position(const char *s);

#endif
