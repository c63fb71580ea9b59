/*
 * mcore.c -- the shared parts of the core metrics (see mcore.h): window
 * resolution, column lookup with the metrics' error texts, and the
 * mixed-currency error.  No Lua.
 */
#include "metrics/mcore.h"

#include "revl/parse.h"

#include <stdio.h>
#include <string.h>

const char REVL_MT_MONEY[] = {REVL_T_MONEY + 1, 0};
const char REVL_MT_DATES[] = {REVL_T_DATE + 1, REVL_T_DATETIME + 1, 0};
const char REVL_MT_BOOL[] = {REVL_T_BOOL + 1, 0};
const char REVL_MT_STR[] = {REVL_T_STRING + 1, 0};
const char REVL_MT_NUM[] = {REVL_T_NUMBER + 1, REVL_T_INT + 1, 0};

int64_t revl_floor_div64(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void revl_mwin_none(revl_mwin *w, int fs) {
  memset(w, 0, sizeof *w);
  w->kind = REVL_PK_NONE;
  w->fs = fs;
}

static void day_text(int32_t d, char *buf, size_t n) {
  if (d == INT32_MIN || d == INT32_MAX)
    buf[0] = '\0';
  else
    revl_format_date(d, buf, n);
}

static void win_label(revl_mwin *w) {
  char a[16], b[16];
  day_text(w->from, a, sizeof a);
  day_text(w->to, b, sizeof b);
  snprintf(w->label, sizeof w->label, "%s..%s", a, b);
}

int revl_mwin_resolve(const revl_metric_ctx *cx, const revl_window_opts *o,
                      const char *fn, int def_current, int def_kind,
                      revl_mwin *w, revl_error *err) {
  memset(w, 0, sizeof *w);
  w->fs = cx->fiscal_start >= 1 && cx->fiscal_start <= 12 ? cx->fiscal_start
                                                          : 1;
  w->kind = REVL_PK_NONE;
  w->from = o->has_from ? o->from : INT32_MIN;
  w->to = o->has_to ? o->to : INT32_MAX;
  const char *p = o->period;
  int all = p && strcmp(p, "all") == 0;
  int kind = REVL_PK_NONE;
  if (p && !all) {
    kind = revl_metrics_period_parse(p);
    if (kind < 0)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: unknown period '%s' (week month "
                            "quarter year fiscal_quarter fiscal_year all)",
                            fn, p);
  }
  if (o->periods < 0 || o->periods > 100000)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: 'periods' must be a whole number "
                          ">= 1",
                          fn);
  if (o->has_from && o->has_to && w->from > w->to)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: 'from' is after 'to'", fn);
  if (o->periods > 0) {
    if (o->has_from || o->has_to)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: give 'periods' or 'from'/'to', "
                            "not both",
                            fn);
    if (all)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: 'periods' needs a period kind",
                            fn);
    if (kind < 0) kind = def_kind;
    int64_t cur = revl_metrics_period_index(cx->as_of, kind, w->fs);
    int32_t a, b;
    revl_metrics_period_bounds(cur - (int64_t)o->periods + 1, kind, w->fs,
                               &w->from, &a);
    revl_metrics_period_bounds(cur, kind, w->fs, &b, &w->to);
    w->kind = kind;
    w->limited = 1;
    return 0;
  }
  if (o->has_from || o->has_to) {
    w->limited = 1;
    w->kind = kind;
    if (kind < 0) win_label(w);
    return 0;
  }
  if (all || (kind < 0 && !def_current)) return 0; /* no window */
  if (kind < 0) kind = def_kind;
  int64_t cur = revl_metrics_period_index(cx->as_of, kind, w->fs);
  revl_metrics_period_bounds(cur, kind, w->fs, &w->from, &w->to);
  w->kind = kind;
  w->limited = 1;
  w->defaulted = !p;
  return 0;
}

void revl_mwin_back(revl_mwin *w, const char *why) {
  if (w->kind < 0 || !w->limited) return;
  char cur[32];
  int64_t ord = revl_metrics_period_index(w->from, w->kind, w->fs);
  revl_mwin_label(w, ord, cur, sizeof cur);
  revl_metrics_period_bounds(ord - 1, w->kind, w->fs, &w->from, &w->to);
  const char *kn = revl_metrics_period_name(w->kind);
  const char *us = strchr(kn, '_'); /* fiscal_quarter -> fiscal quarter */
  snprintf(w->note, sizeof w->note, "%s %s: the last complete %.*s%s%s", cur, why,
           us ? (int)(us - kn) : (int)strlen(kn), kn, us ? " " : "", us ? us + 1 : "");
}

void revl_mwin_text(const revl_mwin *w, char *buf, size_t n) {
  if (!w->limited) {
    snprintf(buf, n, "all");
    return;
  }
  char a[16], b[16];
  day_text(w->from, a, sizeof a);
  day_text(w->to, b, sizeof b);
  snprintf(buf, n, "%s..%s", a, b);
}

int64_t revl_mwin_ord(const revl_mwin *w, int32_t d) {
  return w->kind >= 0 ? revl_metrics_period_index(d, w->kind, w->fs) : 0;
}

void revl_mwin_bounds(const revl_mwin *w, int64_t ord, int32_t *a,
                      int32_t *b) {
  if (w->kind >= 0) {
    revl_metrics_period_bounds(ord, w->kind, w->fs, a, b);
    if (w->limited && *a < w->from) *a = w->from;
    if (w->limited && *b > w->to) *b = w->to;
  } else {
    *a = w->from;
    *b = w->to;
  }
}

void revl_mwin_label(const revl_mwin *w, int64_t ord, char *buf, size_t n) {
  if (w->kind >= 0) {
    int32_t a, b;
    revl_metrics_period_bounds(ord, w->kind, w->fs, &a, &b);
    revl_period_key(a, revl_metrics_period_name(w->kind), w->fs, buf, n);
    if (w->limited && (a < w->from || b > w->to)) {
      /* a bucket the window cuts names the days it covers too, so it
       * never reads as the whole period: "2025-Q4 (2025-11-01..2025-11-30)" */
      char x[16], y[16];
      size_t k = strlen(buf);
      day_text(a < w->from ? w->from : a, x, sizeof x);
      day_text(b > w->to ? w->to : b, y, sizeof y);
      if (k < n) snprintf(buf + k, n - k, " (%s..%s)", x, y);
    }
  } else {
    snprintf(buf, n, "%s", w->label);
  }
}

int64_t revl_mwin_first_ord(const revl_mwin *w) {
  return w->kind >= 0 ? revl_metrics_period_index(w->from, w->kind, w->fs) : 0;
}
int64_t revl_mwin_last_ord(const revl_mwin *w) {
  return w->kind >= 0 ? revl_metrics_period_index(w->to, w->kind, w->fs) : 0;
}

int revl_mcol(const revl_table *t, const char *fn, const char *name, int need,
              const char *types, const revl_column **out, revl_error *err) {
  *out = NULL;
  int ci = revl_table_col(t, name);
  if (ci < 0) {
    if (need)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: %s has no column '%s'%s", fn,
                            t->name, name, REVL_HINT(t, name));
    return 0;
  }
  const revl_column *c = t->cols[ci];
  if (types && !strchr(types, (char)(c->type + 1)))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: %s.%s is %s, not the type this "
                          "metric reads",
                          fn, t->name, name, revl_type_name(c->type));
  *out = c;
  return 0;
}

int revl_macc_mixed(const char *fn, const char *what, uint32_t a, uint32_t b,
                    revl_error *err) {
  char ca[4], cb[4];
  revl_cur_unpack(a, ca);
  revl_cur_unpack(b, cb);
  return revl_error_set(err, REVL_EDATA, NULL, 0, 0,
                        "revl.metrics.%s: cannot add up %s: it mixes %s and "
                        "%s (there is no FX table; filter the rows to one "
                        "currency first)",
                        fn, what, ca, cb);
}

uint32_t revl_store_currency(const revl_table *t) {
  return revl_cur_pack(
      revl_intern_str(&t->store->strings, t->store->default_currency));
}
