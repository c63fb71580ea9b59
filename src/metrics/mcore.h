/*
 * mcore.h -- what the metrics of src/metrics/ share (no Lua here).
 *
 * Windows resolved from revl_window_opts (revl_mwin), columns looked up
 * with the metric's error texts, exact money accumulators that refuse to
 * mix currencies (revl_macc), and currency codes packed into a uint32_t
 * (three ASCII letters) so a per-row comparison is one integer compare.
 * Grouping rows by key tuples is revl_mgroup (revl/metrics.h).
 *
 * How to write a metric on this (H4/H5: one function per metric in
 * src/metrics/<family>.c, declared in include/revl/metric_<family>.h):
 *
 *   int revl_metric_won(const revl_metric_ctx *cx, const revl_view *v,
 *                       const revl_won_opts *o, revl_frame **out,
 *                       revl_error *err) {
 *     static const char fn[] = "won";
 *     revl_mwin w;
 *     revl_macc sum = {0, 0};
 *     revl_frame *f = NULL;
 *     int rc = revl_mwin_resolve(cx, &o->win, fn, 1, REVL_PK_QUARTER, &w, err);
 *     if (rc) return rc;
 *     const revl_column *amt, *closed;
 *     if ((rc = revl_mcol(v->t, fn, "amount", 1, REVL_MT_MONEY, &amt, err)) ||
 *         (rc = revl_mcol(v->t, fn, "closed_at", 1, REVL_MT_DATES, &closed,
 *                         err)))
 *       return rc;
 *     revl_curcache cc = REVL_CURCACHE_INIT(cx->store);
 *     for (size_t i = 0; i < v->n; i++) {
 *       size_t r = revl_view_row(v, i);
 *       int32_t d;
 *       if (!revl_mcell_day(closed, r, &d) || !revl_mwin_has(&w, d)) continue;
 *       if (!revl_col_valid(amt, r)) continue;
 *       if ((rc = revl_macc_add(fn, "amount", &sum, amt->v.i64[r],
 *                               revl_cur_code(&cc, amt, r), err)))
 *         goto out;
 *     }
 *     ... build f with revl_frame_new / revl_frame_add_col / push_* ...
 *     *out = f; f = NULL;
 *   out:
 *     revl_frame_free(f);
 *     return rc;
 *   }
 *
 * The Lua binding (src/lua/l_metrics_<family>.c) parses options with
 * revl_mopts_check / revl_mopts_window (src/lua/lmetrics.h), fills
 * revl_metric_ctx with revl_mctx_from_lua, calls the core, raises a
 * failure with revl_metric_raise and pushes the frame with
 * revl_push_metric_frame.
 */
#ifndef REVL_MCORE_H
#define REVL_MCORE_H

#include <stdint.h>

#include "revl/metric.h"
#include "revl/metrics.h"

/* ---- windows -------------------------------------------------------- */

/* Which rows a metric looks at and whether it buckets them by period.
 * Only a limited window has buckets (kind >= 0); then rows carry
 * `period`. */
typedef struct revl_mwin {
  int kind;         /* bucket kind, or REVL_PK_NONE: one bucket */
  int limited;      /* rows must fall in from..to; rows carry `period` */
  int32_t from, to; /* inclusive days (INT32_MIN / INT32_MAX when open) */
  int fs;           /* fiscal start month */
  char label[48];   /* the one bucket's label when kind is NONE */
  int defaulted;    /* no window option: the current period of as_of */
  char note[128];   /* why the window moved (revl_mwin_back), or "" */
} revl_mwin;

/* No window: every row, one bucket, no `period` (snapshot metrics). */
void revl_mwin_none(revl_mwin *w, int fs);
/* Resolve the window options.  def_current: without any option the
 * window is the period (of def_kind) holding cx->as_of; otherwise there
 * is no window.  Errors carry today's texts ("revl.metrics.<fn>: ..."). */
int revl_mwin_resolve(const revl_metric_ctx *cx, const revl_window_opts *o,
                      const char *fn, int def_current, int def_kind,
                      revl_mwin *w, revl_error *err);
static inline int revl_mwin_has(const revl_mwin *w, int32_t d) {
  return !w->limited || (d >= w->from && d <= w->to);
}
int64_t revl_mwin_ord(const revl_mwin *w, int32_t d);
/* First and last day of bucket ord (clipped to the window). */
void revl_mwin_bounds(const revl_mwin *w, int64_t ord, int32_t *a, int32_t *b);
/* The `period` label of bucket ord into buf. */
void revl_mwin_label(const revl_mwin *w, int64_t ord, char *buf, size_t n);
/* A defaulted window moved back one period (the last complete one,
 * when the current has nothing to measure), with w->note saying so:
 * "2025-Q4 has no closed deals yet: the last complete quarter". */
void revl_mwin_back(revl_mwin *w, const char *why);
/* The window as text: "2025-10-01..2025-12-31", "..2025-12-31", "all". */
void revl_mwin_text(const revl_mwin *w, char *buf, size_t n);
int64_t revl_mwin_first_ord(const revl_mwin *w);
int64_t revl_mwin_last_ord(const revl_mwin *w);

/* ---- cells and columns ---------------------------------------------- */

/* Type sets for revl_mcol (strings of revl_type + 1). */
extern const char REVL_MT_MONEY[], REVL_MT_DATES[], REVL_MT_BOOL[],
    REVL_MT_STR[], REVL_MT_NUM[];

/* Column `name` of t of one of `types` (NULL: any) into *out; *out =
 * NULL when absent and !need.  Errors: "t has no column 'x'", "t.x is
 * TYPE, not the type this metric reads". */
int revl_mcol(const revl_table *t, const char *fn, const char *name, int need,
              const char *types, const revl_column **out, revl_error *err);

int64_t revl_floor_div64(int64_t a, int64_t b);
/* Day of a date or datetime cell (UTC day of a datetime); 0 if null. */
static inline int revl_mcell_day(const revl_column *c, size_t row,
                                 int32_t *d) {
  if (!c || !revl_col_valid(c, row)) return 0;
  if (c->type == REVL_T_DATE)
    *d = c->v.date[row];
  else
    *d = (int32_t)revl_floor_div64(c->v.i64[row], 86400);
  return 1;
}

/* Seconds of a date (midnight UTC) or datetime cell; 0 if null. */
static inline int revl_mcell_secs(const revl_column *c, size_t row, int64_t *s) {
  if (!c || !revl_col_valid(c, row)) return 0;
  *s = c->type == REVL_T_DATE ? (int64_t)c->v.date[row] * 86400 : c->v.i64[row];
  return 1;
}

/* ---- money ------------------------------------------------------------ */

static inline uint32_t revl_cur_pack(const char *s) {
  return (uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[1] << 8 |
         (uint32_t)(unsigned char)s[2] << 16;
}
static inline void revl_cur_unpack(uint32_t code, char out[4]) {
  out[0] = (char)(code & 0xff);
  out[1] = (char)((code >> 8) & 0xff);
  out[2] = (char)((code >> 16) & 0xff);
  out[3] = '\0';
}

/* The packed currency of money cells, remembered for the last id. */
typedef struct revl_curcache {
  const revl_intern *in;
  uint32_t id, code;
} revl_curcache;
#define REVL_CURCACHE_INIT(store) {&(store)->strings, 0, 0}
static inline uint32_t revl_cur_code(revl_curcache *cc, const revl_column *c,
                                     size_t row) {
  uint32_t id = c->cur ? c->cur[row] : 0;
  if (id != cc->id || !cc->code) {
    cc->id = id;
    cc->code = id ? revl_cur_pack(revl_intern_str(cc->in, id))
                  : revl_cur_pack("USD");
  }
  return cc->code;
}

/* An exact sum of money in one currency (cur == 0: nothing added). */
typedef struct revl_macc {
  int64_t v;
  uint32_t cur;
} revl_macc;

/* The mixed-currency error: "revl.metrics.<fn>: cannot add up <what>: it
 * mixes A and B (there is no FX table; ...)". */
int revl_macc_mixed(const char *fn, const char *what, uint32_t a, uint32_t b,
                    revl_error *err);
static inline int revl_macc_add(const char *fn, const char *what, revl_macc *a,
                                int64_t v, uint32_t code, revl_error *err) {
  if (!a->cur)
    a->cur = code;
  else if (a->cur != code)
    return revl_macc_mixed(fn, what, a->cur, code, err);
  if (__builtin_add_overflow(a->v, v, &a->v))
    return revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                          "revl.metrics.%s: the sum of %s overflows", fn, what);
  return 0;
}
/* The packed default currency of t's store. */
uint32_t revl_store_currency(const revl_table *t);

#endif
