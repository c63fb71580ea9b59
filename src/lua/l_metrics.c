/*
 * l_metrics.c -- revl.metrics: revenue metrics over views, for Lua.
 *
 * Every metric scans the rows of a view once in C, keys each row by the
 * `by` fields and the period of one of its dates (integer tuples, see
 * revl/metrics.h), accumulates money exactly in int64 minor units per
 * group, and returns a frame: one plain Lua table per group with the
 * key columns, `period`, and the figures.  Ratios whose denominator is
 * zero are nil, with the reason in `<column>_reason`.  Summing money of
 * different currencies is an error (there is no FX table).  Lua helpers
 * built on these live in lua/metrics.lua; docs/metrics.md is the
 * reference for every formula.
 *
 * Memory: every buffer a metric allocates is registered in a scratch
 * userdata anchored on the Lua stack, so luaL_error anywhere (mixed
 * currencies, a typo in an option) frees it through __gc.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmetrics.h"
#include "lrevl.h"
#include "revl/metrics.h"
#include "revl/route.h"
#include "revl/parse.h"

#define VROW(rows, i) ((rows) ? (size_t)(rows)[i] : (size_t)(i))
#define MAXBY 8

/* ---- scratch memory ------------------------------------------------- */

typedef struct scratch {
  void **p;
  size_t np, cap;
  revl_mgroup *g[16];
  int ng;
} scratch;

static int scratch_gc(lua_State *L) {
  scratch *s = lua_touserdata(L, 1);
  for (size_t i = 0; i < s->np; i++)
    free(s->p[i]);
  free(s->p);
  s->p = NULL;
  s->np = s->cap = 0;
  for (int i = 0; i < s->ng; i++) {
    revl_mgroup_free(s->g[i]);
    free(s->g[i]);
  }
  s->ng = 0;
  return 0;
}

/* A scratch area on the stack top; freed when the call returns or
 * raises. */
static scratch *new_scratch(lua_State *L) {
  scratch *s = lua_newuserdatauv(L, sizeof *s, 0);
  memset(s, 0, sizeof *s);
  if (luaL_newmetatable(L, "revl.metrics.scratch")) {
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return s;
}

static void *sreg(lua_State *L, scratch *s, void *p) {
  if (!p) luaL_error(L, "not enough memory");
  if (s->np == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 32;
    void **np = realloc(s->p, nc * sizeof *np);
    if (!np) {
      free(p);
      luaL_error(L, "not enough memory");
    }
    s->p = np;
    s->cap = nc;
  }
  s->p[s->np++] = p;
  return p;
}

static void *salloc(lua_State *L, scratch *s, size_t n, size_t size) {
  return sreg(L, s, malloc((n ? n : 1) * size));
}

static void *scalloc(lua_State *L, scratch *s, size_t n, size_t size) {
  return sreg(L, s, calloc(n ? n : 1, size));
}

/* Grow a scratch buffer (keeps its registration). */
static void *sgrow(lua_State *L, scratch *s, void *old, size_t n, size_t size) {
  for (size_t i = 0; i < s->np; i++)
    if (s->p[i] == old) {
      void *np = realloc(old, (n ? n : 1) * size);
      if (!np) luaL_error(L, "not enough memory");
      s->p[i] = np;
      return np;
    }
  return salloc(L, s, n, size);
}

static revl_mgroup *sgroup(lua_State *L, scratch *s, int nk) {
  if (s->ng == 16) luaL_error(L, "too many groupings");
  revl_mgroup *g = malloc(sizeof *g);
  if (!g || revl_mgroup_init(g, nk)) {
    free(g);
    luaL_error(L, "not enough memory");
  }
  s->g[s->ng++] = g;
  return g;
}

static int64_t gget(lua_State *L, revl_mgroup *g, const int64_t *key,
                    uint32_t tag) {
  int64_t r = revl_mgroup_get(g, key, tag);
  if (r < 0) luaL_error(L, "not enough memory");
  return r;
}

/* ---- small helpers -------------------------------------------------- */

static int64_t floor_div64(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Day of a date or datetime cell (UTC date of a datetime); 0 if null. */
static inline int cell_day(const revl_column *c, size_t row, int32_t *d) {
  if (!c || !revl_col_valid(c, row)) return 0;
  if (c->type == REVL_T_DATE)
    *d = c->v.date[row];
  else
    *d = (int32_t)floor_div64(c->v.i64[row], 86400);
  return 1;
}

/* Seconds of a date (midnight UTC) or datetime cell; 0 if null. */
static inline int cell_secs(const revl_column *c, size_t row, int64_t *s) {
  if (!c || !revl_col_valid(c, row)) return 0;
  if (c->type == REVL_T_DATE)
    *s = (int64_t)c->v.date[row] * 86400;
  else
    *s = c->v.i64[row];
  return 1;
}

static inline int cell_true(const revl_column *c, size_t row) {
  return c && revl_col_valid(c, row) && c->v.b[row];
}

static int as_of(lua_State *L) {
  revl_rt_state *rt = revl_rt_get(L);
  return rt ? rt->as_of : 0;
}

static int fiscal_start(lua_State *L) {
  revl_rt_state *rt = revl_rt_get(L);
  return rt && rt->fiscal_start >= 1 && rt->fiscal_start <= 12
             ? rt->fiscal_start
             : 1;
}

/* Column `name` of t with one of the types in `types` (a string of
 * revl_type values + 1), or NULL when absent and !need. */
static revl_column *get_col(lua_State *L, const char *fn, revl_table *t,
                            const char *name, int need, const char *types) {
  int ci = revl_table_col(t, name);
  if (ci < 0) {
    if (need)
      luaL_error(L, "revl.metrics.%s: %s has no column '%s'%s", fn, t->name,
                 name, REVL_HINT(t, name));
    return NULL;
  }
  revl_column *c = t->cols[ci];
  if (types && !strchr(types, (char)(c->type + 1)))
    luaL_error(L,
               "revl.metrics.%s: %s.%s is %s, not the type this metric reads",
               fn, t->name, name, revl_type_name(c->type));
  return c;
}

static const char T_MONEY[] = {REVL_T_MONEY + 1, 0};
static const char T_DATES[] = {REVL_T_DATE + 1, REVL_T_DATETIME + 1, 0};
static const char T_BOOL[] = {REVL_T_BOOL + 1, 0};
static const char T_STR[] = {REVL_T_STRING + 1, 0};
static const char T_NUM[] = {REVL_T_NUMBER + 1, REVL_T_INT + 1, 0};

/* ---- options ---------------------------------------------------------- */

/* Options table at o (or none): every key must be one of allowed. */
static void check_opts(lua_State *L, int o, const char *fn,
                       const char *const *allowed) {
  if (lua_isnoneornil(L, o)) return;
  if (!lua_istable(L, o))
    luaL_error(L, "revl.metrics.%s: options must be a table, not %s", fn,
               luaL_typename(L, o));
  lua_pushnil(L);
  while (lua_next(L, o)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int ok = 0;
    for (int i = 0; k && allowed[i]; i++)
      if (strcmp(k, allowed[i]) == 0) ok = 1;
    if (!ok) {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (int i = 0; allowed[i]; i++) {
        if (i) luaL_addstring(&b, " ");
        luaL_addstring(&b, allowed[i]);
      }
      luaL_pushresult(&b);
      luaL_error(L, "revl.metrics.%s: unknown option '%s' (options: %s)", fn,
                 k ? k : luaL_typename(L, -2), lua_tostring(L, -1));
    }
  }
}

/* Push opts[key] (nil when there are no options); returns its type. */
static int opt_get(lua_State *L, int o, const char *key) {
  if (!lua_istable(L, o)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, o, key);
}

static double opt_number(lua_State *L, int o, const char *fn, const char *key,
                         double def) {
  int ty = opt_get(L, o, key);
  double v = def;
  if (ty == LUA_TNUMBER)
    v = lua_tonumber(L, -1);
  else if (ty != LUA_TNIL)
    luaL_error(L, "revl.metrics.%s: option '%s' must be a number", fn, key);
  lua_pop(L, 1);
  return v;
}

static int opt_bool(lua_State *L, int o, const char *key, int def) {
  int ty = opt_get(L, o, key);
  int v = ty == LUA_TNIL ? def : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

/* The required option days = N, a whole number of days. */
static double opt_days(lua_State *L, int o, const char *fn) {
  double nd = opt_number(L, o, fn, "days", -1);
  if (nd < 0 || nd != floor(nd))
    luaL_error(L, "revl.metrics.%s: needs days = N (a whole number of days)",
               fn);
  return nd;
}

/* A string option; the string stays alive in the options table. */
static const char *opt_string(lua_State *L, int o, const char *fn,
                              const char *key, const char *def) {
  int ty = opt_get(L, o, key);
  const char *v = def;
  if (ty == LUA_TSTRING)
    v = lua_tostring(L, -1);
  else if (ty != LUA_TNIL)
    luaL_error(L, "revl.metrics.%s: option '%s' must be a string", fn, key);
  lua_pop(L, 1);
  return v;
}

/* ---- windows and periods --------------------------------------------- */

/* Which rows a metric looks at, and whether it buckets them by period.
 * See docs/metrics.md "Periods" for the rules.  Only a limited window
 * has buckets (kind >= 0), and then result rows carry `period`. */
typedef struct mwin {
  int kind;         /* bucket kind, or REVL_PK_NONE: one bucket */
  int limited;      /* rows must fall in from..to; rows carry `period` */
  int32_t from, to; /* inclusive days (INT32_MIN / INT32_MAX when open) */
  int fs;
  char label[48]; /* the one bucket's label when kind is NONE */
} mwin;

/* No window: every row, one bucket, no `period` (snapshot metrics). */
static void win_none(mwin *w) {
  memset(w, 0, sizeof *w);
  w->kind = REVL_PK_NONE;
}

static void day_text(int32_t d, char *buf, size_t n) {
  if (d == INT32_MIN || d == INT32_MAX)
    buf[0] = '\0';
  else
    revl_format_date(d, buf, n);
}

/* The one bucket's label: "from..to" (an open end is empty). */
static void win_label(mwin *w) {
  char a[16], b[16];
  day_text(w->from, a, sizeof a);
  day_text(w->to, b, sizeof b);
  snprintf(w->label, sizeof w->label, "%s..%s", a, b);
}

/* Resolve period/from/to/periods.  def_current: without any of them the
 * window is the period (of def_kind) holding as_of; otherwise no window
 * at all (a snapshot metric). */
static void get_window(lua_State *L, int o, const char *fn, int def_current,
                       int def_kind, mwin *w) {
  memset(w, 0, sizeof *w);
  w->fs = fiscal_start(L);
  w->kind = REVL_PK_NONE;
  w->from = INT32_MIN;
  w->to = INT32_MAX;
  const char *p = opt_string(L, o, fn, "period", NULL);
  int all = p && strcmp(p, "all") == 0;
  int kind = REVL_PK_NONE;
  if (p && !all) {
    kind = revl_metrics_period_parse(p);
    if (kind < 0)
      luaL_error(L,
                 "revl.metrics.%s: unknown period '%s' (week month quarter "
                 "year fiscal_quarter fiscal_year all)",
                 fn, p);
  }
  int has_from = 0, has_to = 0;
  if (opt_get(L, o, "from") != LUA_TNIL)
    has_from = revl_check_date(L, -1, &w->from);
  lua_pop(L, 1);
  if (opt_get(L, o, "to") != LUA_TNIL) has_to = revl_check_date(L, -1, &w->to);
  lua_pop(L, 1);
  double periods = opt_number(L, o, fn, "periods", 0);
  if (periods < 0 || periods != floor(periods) || periods > 100000)
    luaL_error(L, "revl.metrics.%s: 'periods' must be a whole number >= 1", fn);
  if (has_from && has_to && w->from > w->to)
    luaL_error(L, "revl.metrics.%s: 'from' is after 'to'", fn);
  int32_t today = as_of(L);
  if (periods > 0) {
    if (has_from || has_to)
      luaL_error(L, "revl.metrics.%s: give 'periods' or 'from'/'to', not both",
                 fn);
    if (all)
      luaL_error(L, "revl.metrics.%s: 'periods' needs a period kind", fn);
    if (kind < 0) kind = def_kind;
    int64_t cur = revl_metrics_period_index(today, kind, w->fs);
    int32_t a, b;
    revl_metrics_period_bounds(cur - (int64_t)periods + 1, kind, w->fs,
                               &w->from, &a);
    revl_metrics_period_bounds(cur, kind, w->fs, &b, &w->to);
    w->kind = kind;
    w->limited = 1;
    return;
  }
  if (has_from || has_to) {
    w->limited = 1;
    w->kind = kind;
    if (kind < 0) win_label(w);
    return;
  }
  if (all || (kind < 0 && !def_current)) return; /* no window */
  if (kind < 0) kind = def_kind;
  int64_t cur = revl_metrics_period_index(today, kind, w->fs);
  revl_metrics_period_bounds(cur, kind, w->fs, &w->from, &w->to);
  w->kind = kind;
  w->limited = 1;
}

static inline int win_has(const mwin *w, int32_t d) {
  return !w->limited || (d >= w->from && d <= w->to);
}

static inline int64_t win_ord(const mwin *w, int32_t d) {
  return w->kind >= 0 ? revl_metrics_period_index(d, w->kind, w->fs) : 0;
}

/* First and last day of bucket ord. */
static void win_bounds(const mwin *w, int64_t ord, int32_t *a, int32_t *b) {
  if (w->kind >= 0) {
    revl_metrics_period_bounds(ord, w->kind, w->fs, a, b);
    if (w->limited && *a < w->from) *a = w->from;
    if (w->limited && *b > w->to) *b = w->to;
  } else {
    *a = w->from;
    *b = w->to;
  }
}

static void push_period_label(lua_State *L, const mwin *w, int64_t ord) {
  if (w->kind >= 0) {
    int32_t a, b;
    char buf[32];
    revl_metrics_period_bounds(ord, w->kind, w->fs, &a, &b);
    revl_period_key(a, revl_metrics_period_name(w->kind), w->fs, buf,
                    sizeof buf);
    lua_pushstring(L, buf);
  } else {
    lua_pushstring(L, w->label);
  }
}

/* The buckets of a limited window, for metrics that report every
 * period even without rows (quota attainment, coverage). */
static int64_t win_first_ord(const mwin *w) {
  return w->kind >= 0 ? revl_metrics_period_index(w->from, w->kind, w->fs) : 0;
}
static int64_t win_last_ord(const mwin *w) {
  return w->kind >= 0 ? revl_metrics_period_index(w->to, w->kind, w->fs) : 0;
}

/* The options of a metric grouped by fields and periods. */
static const char *const by_period_opts[] = {"by", "period",  "from",
                                             "to", "periods", NULL};

/* ---- by keys ----------------------------------------------------------- */

typedef struct mkey {
  revl_table *h;    /* table holding the field */
  revl_column *c;   /* the field */
  revl_column *via; /* FK column on the base table, or NULL */
  int ci;
  const char *label; /* as written: "owner", "owner.team" */
} mkey;

typedef struct mby {
  revl_table *t;
  int nk;
  mkey k[MAXBY];
} mby;

static int64_t cell_key(const revl_column *c, size_t r) {
  if (!revl_col_valid(c, r)) return INT64_MIN;
  switch (c->type) {
  case REVL_T_STRING:
    return c->v.str[r];
  case REVL_T_BOOL:
    return c->v.b[r];
  case REVL_T_DATE:
    return c->v.date[r];
  case REVL_T_NUMBER: {
    int64_t bits;
    double d = c->v.f64[r] == 0 ? 0.0 : c->v.f64[r]; /* -0 == 0 */
    memcpy(&bits, &d, sizeof bits);
    return bits;
  }
  default:
    return c->v.i64[r];
  }
}

/* Row of the key's holder table for base row `row`, or -1. */
static inline int64_t key_row(const mkey *k, size_t row) {
  if (!k->via) return (int64_t)row;
  if (!k->via->ref_row) return -1;
  return k->via->ref_row[row];
}

static inline int64_t by_part(const mkey *k, size_t row) {
  int64_t r = key_row(k, row);
  return r < 0 ? INT64_MIN : cell_key(k->c, (size_t)r);
}

static void resolve_key(lua_State *L, const char *fn, revl_table *t,
                        const char *name, mkey *k) {
  int via;
  k->ci = revl_resolve_field(t, name, &k->h, &via);
  if (k->ci < 0)
    luaL_error(L, "revl.metrics.%s: %s has no column '%s'%s", fn, t->name, name, REVL_HINT(t, name));
  k->c = k->h->cols[k->ci];
  k->via = via >= 0 ? t->cols[via] : NULL;
  k->label = name;
}

/* opts.by: a field name or a list of them (strings stay alive in the
 * options table). */
static void get_by(lua_State *L, int o, const char *fn, revl_table *t,
                   mby *by) {
  const char *key = "by";
  memset(by, 0, sizeof *by);
  by->t = t;
  int ty = opt_get(L, o, key);
  if (ty == LUA_TSTRING) {
    by->nk = 1;
    resolve_key(L, fn, t, lua_tostring(L, -1), &by->k[0]);
  } else if (ty == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    if (n > MAXBY)
      luaL_error(L, "revl.metrics.%s: at most %d '%s' fields", fn, MAXBY, key);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "revl.metrics.%s: '%s' takes field names", fn, key);
      resolve_key(L, fn, t, lua_tostring(L, -1), &by->k[by->nk++]);
      lua_pop(L, 1);
    }
  } else if (ty != LUA_TNIL) {
    luaL_error(L,
               "revl.metrics.%s: '%s' must be a field name or a list of them",
               fn, key);
  }
  lua_pop(L, 1);
}

/* ---- grouping ---------------------------------------------------------- */

/* Rows to groups: by parts plus the period ordinal.  One plain string
 * key without periods (by = "owner") goes through a dense intern-id
 * table instead of hashing: that is the hot path of 1M-row metrics. */
typedef struct mgrp {
  const mby *by;
  const mwin *w;
  revl_mgroup *g;
  uint32_t *dense;
  size_t ndense;
  int one; /* no keys, no periods: everything is group 0 */
} mgrp;

static void grp_init(lua_State *L, scratch *s, mgrp *G, const mby *by,
                     const mwin *w) {
  memset(G, 0, sizeof *G);
  G->by = by;
  G->w = w;
  G->g = sgroup(L, s, by->nk + 1);
  if (by->nk == 1 && !by->k[0].via && by->k[0].c->type == REVL_T_STRING &&
      w->kind < 0) {
    G->ndense = by->t->store->strings.n + 1;
    G->dense = scalloc(L, s, G->ndense, sizeof *G->dense);
  }
  G->one = by->nk == 0 && w->kind < 0;
}

/* The general path: hash the key tuple (and fill the dense table). */
static uint32_t grp_slow(lua_State *L, mgrp *G, size_t row, int64_t ord) {
  if (G->dense) {
    const revl_column *c = G->by->k[0].c;
    uint32_t id = revl_col_valid(c, row) ? c->v.str[row] : 0;
    int64_t key[2] = {id ? (int64_t)id : INT64_MIN, 0};
    int64_t g = gget(L, G->g, key, (uint32_t)row);
    if (id < G->ndense) G->dense[id] = (uint32_t)g + 1;
    return (uint32_t)g;
  }
  int64_t key[MAXBY + 1];
  int nk = G->by->nk;
  for (int k = 0; k < nk; k++)
    key[k] = by_part(&G->by->k[k], row);
  key[nk] = ord;
  if (G->one && G->g->n) return 0;
  return (uint32_t)gget(L, G->g, key, (uint32_t)row);
}

static inline uint32_t grp_of(lua_State *L, mgrp *G, size_t row, int64_t ord) {
  if (G->dense) {
    const revl_column *c = G->by->k[0].c;
    uint32_t id = revl_col_valid(c, row) ? c->v.str[row] : 0;
    uint32_t e = id < G->ndense ? G->dense[id] : 0;
    if (e) return e - 1;
  } else if (G->one && G->g->n) {
    return 0;
  }
  return grp_slow(L, G, row, ord);
}

static inline size_t grp_n(const mgrp *G) {
  return G->g->n;
}
/* The period ordinal of group i: the last part of its key. */
static inline int64_t grp_ord(const revl_mgroup *g, size_t i) {
  return g->keys[(i + 1) * (size_t)g->nk - 1];
}

/* Empty groups: every by key seen gets a row for every period of a
 * bucketed window (a rep without deals in May still shows May), and a
 * metric without `by` always has its rows, even over no data. */
static void grp_fill(lua_State *L, mgrp *G) {
  const mwin *w = G->w;
  revl_mgroup *g = G->g;
  int nk = G->by->nk;
  int64_t key[MAXBY + 1];
  if (w->kind < 0) { /* one bucket */
    if (nk == 0 && g->n == 0) {
      key[0] = 0;
      gget(L, g, key, 0);
    }
    return;
  }
  if (w->from == INT32_MIN || w->to == INT32_MAX) return;
  int64_t o0 = win_first_ord(w), o1 = win_last_ord(w);
  if (o1 - o0 > 1000) return;
  if (nk == 0) {
    for (int64_t o = o0; o <= o1; o++) {
      key[0] = o;
      gget(L, g, key, 0);
    }
    return;
  }
  size_t n = g->n;
  for (size_t q = 0; q < n; q++) {
    memcpy(key, g->keys + q * (size_t)g->nk, (size_t)nk * sizeof *key);
    for (int64_t o = o0; o <= o1; o++) {
      key[nk] = o;
      gget(L, g, key, g->first[q]);
    }
  }
}

/* by keys of base row `row` (of the view at vidx) into the table at
 * the top */
static void push_row_keys(lua_State *L, int vidx, const mby *by, size_t row) {
  for (int k = 0; k < by->nk; k++) {
    int64_t r = key_row(&by->k[k], row);
    if (r < 0)
      lua_pushnil(L);
    else
      revl_view_push_cell(L, vidx, by->k[k].h, by->k[k].ci, (size_t)r);
    lua_setfield(L, -2, by->k[k].label);
  }
}

/* row.period = the label of bucket ord (rows of a limited window) */
static void put_period(lua_State *L, const mwin *w, int64_t ord) {
  if (!w->limited) return;
  push_period_label(L, w, ord);
  lua_setfield(L, -2, "period");
}

/* Key columns of group g into the table at the stack top, from its
 * first row (of the view at vidx). */
static void push_keys(lua_State *L, int vidx, const mgrp *G, size_t g) {
  push_row_keys(L, vidx, G->by, G->g->first[g]);
  put_period(L, G->w, grp_ord(G->g, g));
}

/* ---- result frames ----------------------------------------------------- */

typedef struct mcols {
  const char *name[48];
  int n;
  char reason[24][48];
  int nreason;
} mcols;

static void col_add(mcols *mc, const char *name) {
  for (int i = 0; i < mc->n; i++)
    if (strcmp(mc->name[i], name) == 0) return;
  if (mc->n < 48) mc->name[mc->n++] = name;
}

static void cols_add(mcols *mc, const char *const *names) {
  for (int i = 0; names[i]; i++)
    col_add(mc, names[i]);
}

static void reason_add(mcols *mc, const char *col) {
  char buf[48];
  snprintf(buf, sizeof buf, "%s_reason", col);
  for (int i = 0; i < mc->nreason; i++)
    if (strcmp(mc->reason[i], buf) == 0) return;
  if (mc->nreason < 24) memcpy(mc->reason[mc->nreason++], buf, sizeof buf);
}

/* row[name] = num / den, or nil and row[name_reason] = why when den is
 * 0.  The row is at the stack top. */
static void put_ratio(lua_State *L, mcols *mc, const char *name, double num,
                      double den, const char *why) {
  if (den == 0) {
    char buf[48];
    snprintf(buf, sizeof buf, "%s_reason", name);
    lua_pushstring(L, why);
    lua_setfield(L, -2, buf);
    reason_add(mc, name);
    return;
  }
  lua_pushnumber(L, num / den);
  lua_setfield(L, -2, name);
}

static void put_nil(lua_State *L, mcols *mc, const char *name,
                    const char *why) {
  put_ratio(L, mc, name, 0, 0, why);
}

static void put_int(lua_State *L, const char *name, int64_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, name);
}

static void put_num(lua_State *L, const char *name, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

/* Sort the list at `list` by the key columns and make it a frame whose
 * columns are: by labels, period, extra keys, then mc's columns and the
 * reason columns in use.  Leaves the frame at `list`. */
static void finish_frame(lua_State *L, int list, const mby *by, int period,
                         const char *const *extra, const mcols *mc) {
  list = lua_absindex(L, list);
  lua_newtable(L); /* sort keys */
  int keys = lua_gettop(L), nkeys = 0;
  lua_newtable(L); /* columns */
  int cols = keys + 1, ncols = 0;
  for (int k = 0; by && k < by->nk; k++) {
    lua_pushstring(L, by->k[k].label);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++nkeys);
    lua_rawseti(L, cols, ++ncols);
  }
  if (period) {
    lua_pushliteral(L, "period");
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++nkeys);
    lua_rawseti(L, cols, ++ncols);
  }
  for (int i = 0; extra && extra[i]; i++) {
    lua_pushstring(L, extra[i]);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++nkeys);
    lua_rawseti(L, cols, ++ncols);
  }
  for (int i = 0; mc && i < mc->n; i++) {
    lua_pushstring(L, mc->name[i]);
    lua_rawseti(L, cols, ++ncols);
  }
  for (int i = 0; mc && i < mc->nreason; i++) {
    lua_pushstring(L, mc->reason[i]);
    lua_rawseti(L, cols, ++ncols);
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.frame_sort");
  if (!lua_isfunction(L, -1))
    luaL_error(L, "revl.metrics: frames are not available");
  lua_pushvalue(L, list);
  lua_pushvalue(L, keys);
  lua_call(L, 2, 1);
  lua_pushvalue(L, cols);
  lua_setfield(L, -2, "columns");
  lua_replace(L, list);
  lua_settop(L, keys - 1);
}

/* ---- money --------------------------------------------------------------- */

/* Money per group: a sum and its currency (a packed 3-letter code,
 * 0 until the first value). */
typedef struct macc {
  int64_t v;
  uint32_t cur;
} macc;

typedef struct curcache {
  const revl_intern *in;
  uint32_t id, code;
} curcache;

static uint32_t pack_code(const char *s) {
  return (uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[1] << 8 |
         (uint32_t)(unsigned char)s[2] << 16;
}

static void unpack_code(uint32_t code, char out[4]) {
  out[0] = (char)(code & 0xff);
  out[1] = (char)((code >> 8) & 0xff);
  out[2] = (char)((code >> 16) & 0xff);
  out[3] = '\0';
}

static inline uint32_t cur_code(curcache *cc, const revl_column *c,
                                size_t row) {
  uint32_t id = c->cur ? c->cur[row] : 0;
  if (id != cc->id || !cc->code) {
    cc->id = id;
    cc->code = id ? pack_code(revl_intern_str(cc->in, id)) : pack_code("USD");
  }
  return cc->code;
}

static void mixed_error(lua_State *L, const char *fn, const char *what,
                        uint32_t a, uint32_t b) {
  char ca[4], cb[4];
  unpack_code(a, ca);
  unpack_code(b, cb);
  luaL_error(L,
             "revl.metrics.%s: cannot add up %s: it mixes %s and %s (there "
             "is no FX table; filter the rows to one currency first)",
             fn, what, ca, cb);
}

static inline void macc_add(lua_State *L, const char *fn, const char *what,
                            macc *a, int64_t v, uint32_t code) {
  if (!a->cur)
    a->cur = code;
  else if (a->cur != code)
    mixed_error(L, fn, what, a->cur, code);
  if (__builtin_add_overflow(a->v, v, &a->v))
    luaL_error(L, "revl.metrics.%s: the sum of %s overflows", fn, what);
}

/* Add b into a (same currency rules). */
static void macc_merge(lua_State *L, const char *fn, const char *what, macc *a,
                       const macc *b) {
  if (b->cur) macc_add(L, fn, what, a, b->v, b->cur);
}

static uint32_t store_currency(const revl_table *t) {
  return pack_code(
      revl_intern_str(&t->store->strings, t->store->default_currency));
}

/* row[name] = v minor units of `code` */
static void put_money_code(lua_State *L, const char *name, int64_t v,
                           uint32_t code) {
  char c[4];
  unpack_code(code, c);
  revl_push_money(L, v, c);
  lua_setfield(L, -2, name);
}

/* row[name] = the money (the default currency when nothing was added) */
static void put_money(lua_State *L, const char *name, const macc *a,
                      uint32_t defcode) {
  put_money_code(L, name, a->v, a->cur ? a->cur : defcode);
}

/* ---- a tiny id -> int map (stages, categories) ----------------------------
 */

typedef struct idmap {
  uint32_t *k;
  int32_t *v;
  size_t mask, n;
} idmap;

static void idmap_init(lua_State *L, scratch *s, idmap *m, size_t cap) {
  size_t c = 16;
  while (c < cap * 2)
    c *= 2;
  m->k = scalloc(L, s, c, sizeof *m->k);
  m->v = salloc(L, s, c, sizeof *m->v);
  m->mask = c - 1;
  m->n = 0;
}

/* Slot of id (k == 0 when new). */
static inline size_t idmap_slot(const idmap *m, uint32_t id) {
  size_t s = (id * 0x9e3779b1u) & m->mask;
  while (m->k[s] && m->k[s] != id)
    s = (s + 1) & m->mask;
  return s;
}

static inline int idmap_get(const idmap *m, uint32_t id, int32_t *v) {
  size_t s = idmap_slot(m, id);
  if (!m->k[s]) return 0;
  *v = m->v[s];
  return 1;
}

static void idmap_put(lua_State *L, scratch *s, idmap *m, uint32_t id,
                      int32_t v) {
  size_t sl = idmap_slot(m, id);
  if (!m->k[sl]) {
    if ((m->n + 1) * 2 > m->mask + 1) {
      idmap old = *m;
      idmap_init(L, s, m, (old.mask + 1));
      for (size_t i = 0; i <= old.mask; i++)
        if (old.k[i]) {
          size_t t = idmap_slot(m, old.k[i]);
          m->k[t] = old.k[i];
          m->v[t] = old.v[i];
          m->n++;
        }
      sl = idmap_slot(m, id);
    }
    m->k[sl] = id;
    m->n++;
  }
  m->v[sl] = v;
}

/* ---- order statistics per group ------------------------------------------ */

/* Samples (group, value) collected in one pass, then laid out per group
 * (counting sort) for medians and percentiles. */
typedef struct samples {
  uint32_t *g;
  double *v;
  size_t n, cap;
  uint32_t *off; /* after samples_sort: group k is sorted[off[k]..off[k+1]) */
  double *sorted;
} samples;

static void samples_add(lua_State *L, scratch *s, samples *S, uint32_t g,
                        double v) {
  if (S->n == S->cap) {
    size_t nc = S->cap ? S->cap * 2 : 1024;
    S->g = sgrow(L, s, S->g, nc, sizeof *S->g);
    S->v = sgrow(L, s, S->v, nc, sizeof *S->v);
    S->cap = nc;
  }
  S->g[S->n] = g;
  S->v[S->n++] = v;
}

/* samples_add when keep, without a branch on keep: the slot past the
 * end is written anyway and kept or not (closed_stats' hot loop). */
static inline void samples_put(lua_State *L, scratch *s, samples *S, uint32_t g,
                               double v, int keep) {
  if (S->n == S->cap) samples_add(L, s, S, g, 0), S->n--;
  S->g[S->n] = g;
  S->v[S->n] = v;
  S->n += (size_t)keep;
}

static void samples_sort(lua_State *L, scratch *s, samples *S, size_t ngroups) {
  S->off = scalloc(L, s, ngroups + 1, sizeof *S->off);
  S->sorted = salloc(L, s, S->n, sizeof *S->sorted);
  for (size_t i = 0; i < S->n; i++)
    S->off[S->g[i] + 1]++;
  for (size_t k = 1; k <= ngroups; k++)
    S->off[k] += S->off[k - 1];
  uint32_t *pos = salloc(L, s, ngroups + 1, sizeof *pos);
  memcpy(pos, S->off, (ngroups + 1) * sizeof *pos);
  for (size_t i = 0; i < S->n; i++)
    S->sorted[pos[S->g[i]]++] = S->v[i];
}

static inline size_t samples_count(const samples *S, size_t g) {
  return S->off[g + 1] - S->off[g];
}

/* Percentile p of group g (which must have samples). */
static double samples_pct(const samples *S, size_t g, double p) {
  return revl_metrics_percentile(S->sorted + S->off[g], samples_count(S, g), p);
}

/* Mean of group g (which must have samples), summed in sorted order. */
static double samples_mean(const samples *S, size_t g) {
  double sum = 0;
  for (size_t j = S->off[g]; j < S->off[g + 1]; j++)
    sum += S->sorted[j];
  return sum / (double)samples_count(S, g);
}

/* Frame creation helpers: a list of rows at the stack top. */
static int new_list(lua_State *L, size_t n) {
  lua_createtable(L, (int)(n < 1u << 24 ? n : 1u << 24), 0);
  return lua_gettop(L);
}

/* the store's table `name`, pushed as a view (stack top), or error */
static revl_table *store_table(lua_State *L, int vidx, const char *fn,
                               const char *name, int need) {
  if (!revl_push_store_table(L, vidx, name)) {
    if (need)
      luaL_error(L, "revl.metrics.%s: needs the %s table, which is not loaded",
                 fn, name);
    lua_pushnil(L);
    return NULL;
  }
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, -1, &t, &rows, &n);
  return t;
}

/* ---- views and deal columns --------------------------------------------- */

typedef struct mview {
  int idx;
  revl_table *t;
  const uint32_t *rows;
  size_t n;
} mview;

static void get_view(lua_State *L, int idx, const char *fn, mview *v) {
  if (lua_isnoneornil(L, idx))
    luaL_error(L, "revl.metrics.%s: argument %d is nil (is that table loaded?)",
               fn, idx);
  if (!luaL_testudata(L, idx, REVL_VIEW))
    luaL_error(L,
               "revl.metrics.%s: argument %d must be a table or view "
               "(e.g. revl.deals), not %s",
               fn, idx, luaL_typename(L, idx));
  v->idx = lua_absindex(L, idx);
  revl_view_rows(L, idx, &v->t, &v->rows, &v->n);
}

typedef struct dcols {
  revl_column *id, *amount, *close, *created, *closed, *won, *stage, *prob,
      *fcat, *owner;
} dcols;

static void deal_cols(lua_State *L, const char *fn, revl_table *t, dcols *d) {
  d->id = t->pk >= 0 ? t->cols[t->pk] : get_col(L, fn, t, "id", 0, NULL);
  d->amount = get_col(L, fn, t, "amount", 0, T_MONEY);
  d->close = get_col(L, fn, t, "close_date", 0, T_DATES);
  d->created = get_col(L, fn, t, "created_at", 0, T_DATES);
  d->closed = get_col(L, fn, t, "is_closed", 0, T_BOOL);
  d->won = get_col(L, fn, t, "is_won", 0, T_BOOL);
  d->stage = get_col(L, fn, t, "stage", 0, T_STR);
  d->prob = get_col(L, fn, t, "probability", 0, T_NUM);
  d->fcat = get_col(L, fn, t, "forecast_category", 0, T_STR);
  d->owner = get_col(L, fn, t, "owner", 0, T_STR);
}

static void need(lua_State *L, const char *fn, revl_table *t,
                 const revl_column *c, const char *name) {
  if (!c)
    luaL_error(L, "revl.metrics.%s: %s has no column '%s'%s", fn, t->name, name, REVL_HINT(t, name));
}

/* Growable per-group accumulators (zeroed as they grow). */
static void *acc_grow(lua_State *L, scratch *s, void *arr, size_t *cap,
                      size_t g, size_t size) {
  size_t nc = *cap ? *cap * 2 : 64;
  while (nc <= g)
    nc *= 2;
  char *p = sgrow(L, s, arr, nc, size);
  memset(p + *cap * size, 0, (nc - *cap) * size);
  *cap = nc;
  return p;
}
#define ACC(arr, cap, g)                                                       \
  ((g) < (cap) ? &(arr)[g]                                                     \
               : ((arr) = acc_grow(L, s, (arr), &(cap), (g), sizeof *(arr)),   \
                  &(arr)[g]))
/* make sure every group has an accumulator */
#define ACC_ALL(arr, cap, n)                                                   \
  do {                                                                         \
    if ((n) > (cap))                                                           \
      (arr) = acc_grow(L, s, (arr), &(cap), (n)-1, sizeof *(arr));             \
  } while (0)

/* ---- plain frames (rows in the order built) ---------------------------------
 */

/* Give the list at `list` the frame metatable and these columns, without
 * sorting (frame_sort of an empty list hands over the metatable). */
static void plain_frame(lua_State *L, int list, const char *const *cols) {
  list = lua_absindex(L, list);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.frame_sort");
  lua_newtable(L);
  lua_newtable(L);
  lua_call(L, 2, 1);
  lua_getmetatable(L, -1);
  lua_setmetatable(L, list);
  lua_pop(L, 1);
  lua_newtable(L);
  for (int i = 0; cols[i]; i++) {
    lua_pushstring(L, cols[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, list, "columns");
}

/* Column names for a detail frame: the by labels, then fixed ones. */
static const char **detail_cols(lua_State *L, scratch *s, const mby *by,
                                const char *const *fixed, int period) {
  int nf = 0;
  while (fixed[nf])
    nf++;
  const char **c = salloc(L, s, (size_t)(by->nk + nf + 2), sizeof *c);
  int k = 0;
  for (int i = 0; i < nf; i++) {
    int dup = 0; /* a fixed column that is also a key is listed once */
    for (int j = 0; j < by->nk; j++)
      dup |= strcmp(fixed[i], by->k[j].label) == 0;
    if (!dup || i == 0) c[k++] = fixed[i];
    if (i == 0) { /* keys right after the id */
      for (int j = 0; j < by->nk; j++)
        if (strcmp(by->k[j].label, fixed[0]) != 0) c[k++] = by->k[j].label;
      if (period) c[k++] = "period";
    }
  }
  c[k] = NULL;
  return c;
}

/* Index of column c of t, -1 for none: looked up once, not per row */
static int col_ci(const revl_table *t, const revl_column *c) {
  return c ? revl_table_col(t, c->name) : -1;
}

/* row[name] = cell (ci, row) of t; nothing for a missing column */
static void put_cell(lua_State *L, int vidx, revl_table *t, int ci, size_t row,
                     const char *name) {
  if (ci < 0) return;
  revl_view_push_cell(L, vidx, t, ci, row);
  lua_setfield(L, -2, name);
}

/* ---- stage history
 * ------------------------------------------------------------ */

typedef struct shist {
  revl_table *t;
  revl_column *deal, *stage, *at, *close;
  uint32_t *buf;
  size_t cap;
} shist;

static void sh_open(lua_State *L, scratch *s, const char *fn, mview *v,
                    shist *h) {
  memset(h, 0, sizeof *h);
  h->t =
      store_table(L, v->idx, fn, "stage_history", 1); /* stays on the stack */
  h->deal = get_col(L, fn, h->t, "deal_id", 1, T_STR);
  h->stage = get_col(L, fn, h->t, "stage", 1, T_STR);
  h->at = get_col(L, fn, h->t, "entered_at", 1, T_DATES);
  h->close = get_col(L, fn, h->t, "close_date", 0, T_DATES);
  if (h->deal->ref != v->t || !h->deal->rev_off)
    luaL_error(L,
               "revl.metrics.%s: stage_history.deal_id does not reference %s",
               fn, v->t->name);
  h->cap = 64;
  h->buf = salloc(L, s, h->cap, sizeof *h->buf);
}

/* The history rows of deal row d, sorted by entered_at (then file
 * order), into h->buf; returns how many. */
static size_t sh_rows(lua_State *L, scratch *s, shist *h, size_t d) {
  uint32_t a = h->deal->rev_off[d], b = h->deal->rev_off[d + 1];
  size_t n = b - a;
  if (n > h->cap) {
    h->buf = sgrow(L, s, h->buf, n, sizeof *h->buf);
    h->cap = n;
  }
  const revl_column *at = h->at;
  for (size_t i = 0; i < n; i++) {
    uint32_t r = h->deal->rev_rows[a + i];
    int64_t sr = 0;
    cell_secs(at, r, &sr);
    size_t j = i;
    while (j > 0) {
      int64_t sp = 0;
      cell_secs(at, h->buf[j - 1], &sp);
      if (sp < sr || (sp == sr && h->buf[j - 1] < r)) break;
      h->buf[j] = h->buf[j - 1];
      j--;
    }
    h->buf[j] = r;
  }
  return n;
}

/* An ordered list of stages: given, or inferred from the histories. */
typedef struct stages {
  idmap map; /* intern id -> index */
  int n;
  const char **name;
} stages;

typedef struct stage_stat {
  uint32_t id;
  double relpos;
  int64_t n, won_end, lost_end;
} stage_stat;

static const stage_stat *g_stats; /* qsort context */

static int stage_class(const stage_stat *a) {
  int64_t term = a->won_end + a->lost_end;
  if (2 * term <= a->n) return 0;           /* an open stage */
  return a->won_end >= a->lost_end ? 1 : 2; /* won, then lost stages */
}

static int stage_cmp(const void *pa, const void *pb) {
  const stage_stat *a = &g_stats[*(const int *)pa],
                   *b = &g_stats[*(const int *)pb];
  int ca = stage_class(a), cb = stage_class(b);
  if (ca != cb) return ca - cb;
  double ra = a->relpos / (double)a->n, rb = b->relpos / (double)b->n;
  if (ra != rb) return ra < rb ? -1 : 1;
  return (a->id > b->id) - (a->id < b->id);
}

static void get_stages(lua_State *L, scratch *s, int o, const char *fn,
                       mview *v, shist *h, const dcols *d, stages *S) {
  idmap_init(L, s, &S->map, 64);
  const revl_intern *in = &v->t->store->strings;
  if (opt_get(L, o, "stages") == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    if (n == 0) luaL_error(L, "revl.metrics.%s: 'stages' is empty", fn);
    S->n = n;
    S->name = salloc(L, s, (size_t)n, sizeof *S->name);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "revl.metrics.%s: 'stages' is a list of stage names", fn);
      size_t kl;
      const char *k = lua_tolstring(L, -1, &kl);
      S->name[i - 1] = k; /* alive in the options table */
      uint32_t id = revl_intern_find(in, k, kl);
      int32_t prev;
      if (id && idmap_get(&S->map, id, &prev))
        luaL_error(L, "revl.metrics.%s: stage '%s' is listed twice", fn, k);
      if (id) idmap_put(L, s, &S->map, id, i - 1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  /* infer: mean relative position in each history; stages that mostly
   * end closed deals go last (won ones first) */
  idmap tmp;
  idmap_init(L, s, &tmp, 64);
  stage_stat *st = NULL;
  size_t cap = 0, ns = 0;
  for (size_t i = 0; i < v->n; i++) {
    size_t row = VROW(v->rows, i);
    size_t n = sh_rows(L, s, h, row);
    int closed = cell_true(d->closed, row), won = cell_true(d->won, row);
    for (size_t p = 0; p < n; p++) {
      uint32_t r = h->buf[p];
      if (!revl_col_valid(h->stage, r)) continue;
      uint32_t id = h->stage->v.str[r];
      int32_t k;
      if (!idmap_get(&tmp, id, &k)) {
        k = (int32_t)ns++;
        idmap_put(L, s, &tmp, id, k);
        stage_stat *e = ACC(st, cap, (size_t)k);
        e->id = id;
      }
      stage_stat *e = &st[k];
      e->n++;
      e->relpos += n > 1 ? (double)p / (double)(n - 1) : 0.0;
      if (p == n - 1 && closed) {
        if (won)
          e->won_end++;
        else
          e->lost_end++;
      }
    }
  }
  int *order = salloc(L, s, ns, sizeof *order);
  for (size_t k = 0; k < ns; k++)
    order[k] = (int)k;
  g_stats = st;
  qsort(order, ns, sizeof *order, stage_cmp);
  g_stats = NULL;
  S->n = (int)ns;
  S->name = salloc(L, s, ns, sizeof *S->name);
  for (size_t k = 0; k < ns; k++) {
    S->name[k] = revl_intern_str(in, st[order[k]].id);
    idmap_put(L, s, &S->map, st[order[k]].id, (int32_t)k);
  }
}

static inline int stage_index(const stages *S, const shist *h, uint32_t r) {
  int32_t k;
  if (!revl_col_valid(h->stage, r) ||
      !idmap_get(&S->map, h->stage->v.str[r], &k))
    return -1;
  return k;
}

/* A flat per-group block of `stride` int64s, grown with the groups
 * (stride is 0 when there are no stages: still a real allocation). */
static int64_t *flat_at(lua_State *L, scratch *s, int64_t **arr, size_t *cap,
                        size_t g, size_t stride) {
  if (g >= *cap)
    *arr = acc_grow(L, s, *arr, cap, g, (stride ? stride : 1) * sizeof **arr);
  return *arr + g * stride;
}

/* revl.metrics.stage_conversion(deals, {stages, by, period, ...}) */
static int m_stage_conversion(lua_State *L) {
  static const char *const allowed[] = {"by",      "period", "from", "to",
                                        "periods", "stages", NULL};
  const char *fn = "stage_conversion";
  mview v;
  get_view(L, 1, fn, &v);
  check_opts(L, 2, fn, allowed);
  scratch *s = new_scratch(L);
  dcols d;
  deal_cols(L, fn, v.t, &d);
  shist h;
  sh_open(L, s, fn, &v, &h);
  stages S;
  get_stages(L, s, 2, fn, &v, &h, &d, &S);
  mwin w;
  get_window(L, 2, fn, 0, REVL_PK_QUARTER, &w);
  mby by;
  get_by(L, 2, fn, v.t, &by);
  mgrp G;
  grp_init(L, s, &G, &by, &w);
  size_t K = (size_t)S.n, stride = 4 * K;
  int64_t *cnt = NULL;
  size_t cap = 0;
  int *idx = NULL;
  size_t icap = 0;
  for (size_t i = 0; i < v.n; i++) {
    size_t row = VROW(v.rows, i);
    size_t n = sh_rows(L, s, &h, row);
    if (!n) continue;
    if (n > icap) {
      idx = sgrow(L, s, idx, n, sizeof *idx);
      icap = n;
    }
    for (size_t p = 0; p < n; p++)
      idx[p] = stage_index(&S, &h, h.buf[p]);
    int won = cell_true(d.won, row);
    for (size_t k = 0; k < K; k++) {
      size_t pos = n;
      for (size_t p = 0; p < n; p++)
        if (idx[p] == (int)k) {
          pos = p;
          break;
        }
      if (pos == n) continue;
      int32_t day = 0;
      cell_day(h.at, h.buf[pos], &day);
      if (!win_has(&w, day)) continue;
      uint32_t g = grp_of(L, &G, row, win_ord(&w, day));
      int64_t *c = flat_at(L, s, &cnt, &cap, g, stride) + 4 * k;
      int nxt = 0, later = 0;
      for (size_t q = pos + 1; q < n; q++) {
        if (idx[q] == (int)k + 1) nxt = 1;
        if (idx[q] > (int)k) later = 1;
      }
      c[0]++;
      c[1] += nxt;
      c[2] += later;
      c[3] += won;
    }
  }
  grp_fill(L, &G);
  size_t ng = grp_n(&G);
  if (ng) flat_at(L, s, &cnt, &cap, ng - 1, stride);
  int list = new_list(L, ng * K);
  mcols mc = {0};
  const char *cols[] = {
      "entered",         "to_next",          "to_later", "won",
      "conversion_next", "conversion_later", "win_rate", NULL};
  cols_add(&mc, cols);
  lua_Integer out = 0;
  for (size_t g = 0; g < ng; g++)
    for (size_t k = 0; k < K; k++) {
      int64_t *c = cnt + g * stride + 4 * k;
      lua_createtable(L, 0, 12);
      push_keys(L, v.idx, &G, g);
      lua_pushstring(L, S.name[k]);
      lua_setfield(L, -2, "stage");
      put_int(L, "position", (int64_t)k + 1);
      put_int(L, "entered", c[0]);
      put_int(L, "to_next", c[1]);
      put_int(L, "to_later", c[2]);
      put_int(L, "won", c[3]);
      if (k + 1 == K) {
        put_nil(L, &mc, "conversion_next", "last stage");
        put_nil(L, &mc, "conversion_later", "last stage");
      } else {
        put_ratio(L, &mc, "conversion_next", (double)c[1], (double)c[0],
                  "no deals entered");
        put_ratio(L, &mc, "conversion_later", (double)c[2], (double)c[0],
                  "no deals entered");
      }
      put_ratio(L, &mc, "win_rate", (double)c[3], (double)c[0],
                "no deals entered");
      lua_rawseti(L, list, ++out);
    }
  static const char *const extra[] = {"position", "stage", NULL};
  finish_frame(L, list, &by, w.limited, extra, &mc);
  return 1;
}

/* revl.metrics.time_in_stage(deals, {stages, by, period, ..., current}) */
static int m_time_in_stage(lua_State *L) {
  static const char *const allowed[] = {"by",      "period", "from",    "to",
                                        "periods", "stages", "current", NULL};
  const char *fn = "time_in_stage";
  mview v;
  get_view(L, 1, fn, &v);
  check_opts(L, 2, fn, allowed);
  scratch *s = new_scratch(L);
  dcols d;
  deal_cols(L, fn, v.t, &d);
  need(L, fn, v.t, d.closed, "is_closed");
  shist h;
  sh_open(L, s, fn, &v, &h);
  stages S;
  get_stages(L, s, 2, fn, &v, &h, &d, &S);
  mwin w;
  get_window(L, 2, fn, 0, REVL_PK_QUARTER, &w);
  mby by;
  get_by(L, 2, fn, v.t, &by);
  int current = opt_bool(L, 2, "current", 1);
  int64_t now = (int64_t)as_of(L) * 86400;
  mgrp G;
  grp_init(L, s, &G, &by, &w);
  size_t K = (size_t)S.n;
  int64_t *secs = salloc(L, s, K, sizeof *secs);
  int32_t *first = salloc(L, s, K, sizeof *first);
  uint8_t *seen = scalloc(L, s, K, 1);
  samples sm = {0};
  for (size_t i = 0; i < v.n; i++) {
    size_t row = VROW(v.rows, i);
    size_t n = sh_rows(L, s, &h, row);
    if (!n) continue;
    int open = !cell_true(d.closed, row);
    for (size_t p = 0; p < n; p++) {
      int k = stage_index(&S, &h, h.buf[p]);
      if (k < 0) continue;
      int64_t a = 0, b = 0;
      cell_secs(h.at, h.buf[p], &a);
      if (p + 1 < n)
        cell_secs(h.at, h.buf[p + 1], &b);
      else if (open && current)
        b = now > a ? now : a;
      else
        continue; /* the final stage of a closed deal has no length */
      if (!seen[k]) {
        seen[k] = 1;
        secs[k] = 0;
        first[k] = (int32_t)floor_div64(a, 86400);
      }
      secs[k] += b - a;
    }
    for (size_t k = 0; k < K; k++) {
      if (!seen[k]) continue;
      seen[k] = 0;
      if (!win_has(&w, first[k])) continue;
      uint32_t g = grp_of(L, &G, row, win_ord(&w, first[k]));
      samples_add(L, s, &sm, (uint32_t)(g * K + k), (double)secs[k] / 86400.0);
    }
  }
  grp_fill(L, &G);
  size_t ng = grp_n(&G);
  samples_sort(L, s, &sm, ng * K);
  int list = new_list(L, ng * K);
  mcols mc = {0};
  const char *cols[] = {"deals", "mean_days", "median_days", "p90_days", NULL};
  cols_add(&mc, cols);
  lua_Integer out = 0;
  for (size_t g = 0; g < ng; g++)
    for (size_t k = 0; k < K; k++) {
      size_t gk = g * K + k, nsm = samples_count(&sm, gk);
      lua_createtable(L, 0, 10);
      push_keys(L, v.idx, &G, g);
      lua_pushstring(L, S.name[k]);
      lua_setfield(L, -2, "stage");
      put_int(L, "position", (int64_t)k + 1);
      put_int(L, "deals", (int64_t)nsm);
      if (nsm) {
        put_num(L, "mean_days", samples_mean(&sm, gk));
        put_num(L, "median_days", samples_pct(&sm, gk, 50));
        put_num(L, "p90_days", samples_pct(&sm, gk, 90));
      } else {
        put_nil(L, &mc, "mean_days", "no deals in this stage");
        put_nil(L, &mc, "median_days", "no deals in this stage");
        put_nil(L, &mc, "p90_days", "no deals in this stage");
      }
      lua_rawseti(L, list, ++out);
    }
  static const char *const extra[] = {"position", "stage", NULL};
  finish_frame(L, list, &by, w.limited, extra, &mc);
  return 1;
}

typedef struct aged {
  uint32_t row;
  int32_t days;
  int64_t entered;
} aged;

static int aged_cmp(const void *pa, const void *pb) {
  const aged *a = pa, *b = pb;
  if (a->days != b->days) return a->days > b->days ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

typedef struct ag_acc {
  int64_t open, aged, max_days, unknown;
  macc amount;
} ag_acc;

/* revl.metrics.stage_aging(deals, {days = N, by}) -> summary, deals */
static int m_stage_aging(lua_State *L) {
  static const char *const allowed[] = {"by", "days", NULL};
  const char *fn = "stage_aging";
  mview v;
  get_view(L, 1, fn, &v);
  check_opts(L, 2, fn, allowed);
  scratch *s = new_scratch(L);
  dcols d;
  deal_cols(L, fn, v.t, &d);
  need(L, fn, v.t, d.closed, "is_closed");
  need(L, fn, v.t, d.stage, "stage");
  double nd = opt_days(L, 2, fn);
  shist h;
  sh_open(L, s, fn, &v, &h);
  mwin w;
  win_none(&w);
  mby by;
  get_by(L, 2, fn, v.t, &by);
  mgrp G;
  grp_init(L, s, &G, &by, &w);
  int32_t today = as_of(L);
  ag_acc *acc = NULL;
  size_t cap = 0, na = 0, acap = 0;
  aged *list_a = NULL;
  curcache cc = {&v.t->store->strings, 0, 0};
  for (size_t i = 0; i < v.n; i++) {
    size_t row = VROW(v.rows, i);
    if (cell_true(d.closed, row)) continue;
    uint32_t g = grp_of(L, &G, row, 0);
    ag_acc *a = ACC(acc, cap, g);
    a->open++;
    size_t n = sh_rows(L, s, &h, row);
    int64_t entered = 0;
    int have = 0;
    uint32_t cur = revl_col_valid(d.stage, row) ? d.stage->v.str[row] : 0;
    for (size_t p = n; p-- > 0;)
      if (revl_col_valid(h.stage, h.buf[p]) &&
          h.stage->v.str[h.buf[p]] == cur) {
        have = cell_secs(h.at, h.buf[p], &entered);
        break;
      }
    if (!have) have = cell_secs(d.created, row, &entered);
    if (!have) { /* no history for its stage and no created_at */
      a->unknown++;
      continue;
    }
    int32_t days = today - (int32_t)floor_div64(entered, 86400);
    if (days > a->max_days) a->max_days = days;
    if (days <= (int32_t)nd) continue;
    a->aged++;
    if (d.amount && revl_col_valid(d.amount, row))
      macc_add(L, fn, "'amount'", &a->amount, d.amount->v.i64[row],
               cur_code(&cc, d.amount, row));
    aged *e = ACC(list_a, acap, na);
    e->row = (uint32_t)row;
    e->days = days;
    e->entered = entered;
    na++;
  }
  grp_fill(L, &G);
  size_t ng = grp_n(&G);
  ACC_ALL(acc, cap, ng);
  uint32_t defc = store_currency(v.t);
  int list = new_list(L, ng);
  mcols mc = {0};
  const char *cols[] = {"open_deals", "aged",     "aged_amount",
                        "aged_share", "max_days", "unknown_age",
                        NULL};
  cols_add(&mc, cols);
  for (size_t g = 0; g < ng; g++) {
    lua_createtable(L, 0, 8);
    push_keys(L, v.idx, &G, g);
    put_int(L, "open_deals", acc[g].open);
    put_int(L, "aged", acc[g].aged);
    put_money(L, "aged_amount", &acc[g].amount, defc);
    put_ratio(L, &mc, "aged_share", (double)acc[g].aged, (double)acc[g].open,
              "no open deals");
    put_int(L, "max_days", acc[g].max_days);
    put_int(L, "unknown_age", acc[g].unknown);
    lua_rawseti(L, list, (lua_Integer)g + 1);
  }
  finish_frame(L, list, &by, 0, NULL, &mc);
  /* the aged deals, longest first */
  if (na) qsort(list_a, na, sizeof *list_a, aged_cmp);
  int det = new_list(L, na);
  int ci_id = col_ci(v.t, d.id), ci_stage = col_ci(v.t, d.stage),
      ci_owner = col_ci(v.t, d.owner), ci_amount = col_ci(v.t, d.amount);
  for (size_t i = 0; i < na; i++) {
    size_t row = list_a[i].row;
    lua_createtable(L, 0, 8);
    put_cell(L, v.idx, v.t, ci_id, row, "id");
    push_row_keys(L, v.idx, &by, row);
    put_cell(L, v.idx, v.t, ci_stage, row, "stage");
    put_cell(L, v.idx, v.t, ci_owner, row, "owner");
    put_cell(L, v.idx, v.t, ci_amount, row, "amount");
    revl_push_datetime(L, list_a[i].entered);
    lua_setfield(L, -2, "entered_at");
    put_int(L, "days_in_stage", list_a[i].days);
    lua_rawseti(L, det, (lua_Integer)i + 1);
  }
  static const char *const dcol[] = {
      "id", "stage", "owner", "amount", "entered_at", "days_in_stage", NULL};
  plain_frame(L, det, detail_cols(L, s, &by, dcol, 0));
  return 2;
}

typedef struct slip {
  uint32_t row;
  int32_t from, to;
  int64_t ord;
} slip;

typedef struct sl_acc {
  int64_t n, days;
  macc amount;
} sl_acc;

/* revl.metrics.slipped_deals(deals, {by, period, from, to, periods}) */
static int m_slipped_deals(lua_State *L) {
  const char *fn = "slipped_deals";
  mview v;
  get_view(L, 1, fn, &v);
  check_opts(L, 2, fn, by_period_opts);
  scratch *s = new_scratch(L);
  dcols d;
  deal_cols(L, fn, v.t, &d);
  shist h;
  sh_open(L, s, fn, &v, &h);
  if (!h.close)
    luaL_error(L, "revl.metrics.%s: stage_history has no close_date column",
               fn);
  mwin w;
  get_window(L, 2, fn, 1, REVL_PK_QUARTER, &w);
  if (!w.limited)
    luaL_error(L, "revl.metrics.%s: needs a period (not period = \"all\")", fn);
  mby by;
  get_by(L, 2, fn, v.t, &by);
  mgrp G;
  grp_init(L, s, &G, &by, &w);
  sl_acc *acc = NULL;
  size_t cap = 0, ns = 0, scap = 0;
  slip *sl = NULL;
  curcache cc = {&v.t->store->strings, 0, 0};
  enum { MAXB = 64 };
  int64_t bord[MAXB];
  int32_t blast[MAXB];
  for (size_t i = 0; i < v.n; i++) {
    size_t row = VROW(v.rows, i);
    size_t n = sh_rows(L, s, &h, row);
    if (!n) continue;
    int32_t now;
    if (!cell_day(d.close, row, &now)) {
      int found = 0;
      for (size_t p = n; p-- > 0 && !found;)
        found = cell_day(h.close, h.buf[p], &now);
      if (!found) continue;
    }
    int nb = 0;
    for (size_t p = 0; p < n; p++) {
      int32_t c;
      if (!cell_day(h.close, h.buf[p], &c) || !win_has(&w, c)) continue;
      int64_t ord = win_ord(&w, c);
      int k = 0;
      while (k < nb && bord[k] != ord)
        k++;
      if (k == nb) {
        if (nb == MAXB) continue;
        bord[nb++] = ord;
      }
      blast[k] = c;
    }
    for (int k = 0; k < nb; k++) {
      int32_t a, b;
      win_bounds(&w, bord[k], &a, &b);
      if (now <= b) continue;
      uint32_t g = grp_of(L, &G, row, bord[k]);
      sl_acc *ac = ACC(acc, cap, g);
      ac->n++;
      ac->days += now - blast[k];
      if (d.amount && revl_col_valid(d.amount, row))
        macc_add(L, fn, "'amount'", &ac->amount, d.amount->v.i64[row],
                 cur_code(&cc, d.amount, row));
      slip *e = ACC(sl, scap, ns);
      e->row = (uint32_t)row;
      e->from = blast[k];
      e->to = now;
      e->ord = bord[k];
      ns++;
    }
  }
  grp_fill(L, &G);
  size_t ng = grp_n(&G);
  ACC_ALL(acc, cap, ng);
  uint32_t defc = store_currency(v.t);
  int list = new_list(L, ng);
  mcols mc = {0};
  const char *cols[] = {"slipped", "slipped_amount", "days_pushed_mean", NULL};
  cols_add(&mc, cols);
  for (size_t g = 0; g < ng; g++) {
    lua_createtable(L, 0, 8);
    push_keys(L, v.idx, &G, g);
    put_int(L, "slipped", acc[g].n);
    put_money(L, "slipped_amount", &acc[g].amount, defc);
    put_ratio(L, &mc, "days_pushed_mean", (double)acc[g].days, (double)acc[g].n,
              "no slipped deals");
    lua_rawseti(L, list, (lua_Integer)g + 1);
  }
  finish_frame(L, list, &by, w.limited, NULL, &mc);
  int det = new_list(L, ns);
  int ci_id = col_ci(v.t, d.id), ci_stage = col_ci(v.t, d.stage),
      ci_owner = col_ci(v.t, d.owner), ci_amount = col_ci(v.t, d.amount);
  for (size_t i = 0; i < ns; i++) {
    size_t row = sl[i].row;
    lua_createtable(L, 0, 10);
    put_cell(L, v.idx, v.t, ci_id, row, "id");
    push_row_keys(L, v.idx, &by, row);
    put_period(L, &w, sl[i].ord);
    put_cell(L, v.idx, v.t, ci_owner, row, "owner");
    put_cell(L, v.idx, v.t, ci_stage, row, "stage");
    put_cell(L, v.idx, v.t, ci_amount, row, "amount");
    revl_push_date(L, sl[i].from);
    lua_setfield(L, -2, "from_date");
    revl_push_date(L, sl[i].to);
    lua_setfield(L, -2, "to_date");
    put_int(L, "days_pushed", sl[i].to - sl[i].from);
    lua_rawseti(L, det, (lua_Integer)i + 1);
  }
  static const char *const dcol[] = {"id",          "owner",     "stage",
                                     "amount",      "from_date", "to_date",
                                     "days_pushed", NULL};
  plain_frame(L, det, detail_cols(L, s, &by, dcol, 1));
  return 2;
}

/* ---- pipeline waterfall ----------------------------------------------------
 */

enum {
  WF_START,
  WF_CREATED,
  WF_PULLED,
  WF_INC,
  WF_DEC,
  WF_PUSHED,
  WF_LOST,
  WF_WON,
  WF_TIN,
  WF_TOUT,
  WF_END,
  WF_REMOVED,
  WF_N
};
static const char *const wf_names[WF_N] = {
    "start", "created", "pulled_in",   "increased",    "decreased", "pushed",
    "lost",  "won",     "transfer_in", "transfer_out", "end",       "removed"};

typedef struct wf_rec {
  uint32_t g, row;
  uint8_t bucket, side; /* side 0 before, 1 after */
} wf_rec;

typedef struct wf_side {
  mview v;
  dcols d;
  mby by;
  idmap tr; /* before-store intern id -> after-store id (strings) */
  int translate;
  curcache cc;
} wf_side;

/* The by key of one side's row, in the after store's terms. */
static void wf_key(lua_State *L, scratch *s, wf_side *sd,
                   const revl_intern *ain, size_t row, int64_t *key) {
  for (int k = 0; k < sd->by.nk; k++) {
    int64_t p = by_part(&sd->by.k[k], row);
    if (sd->translate && p != INT64_MIN &&
        sd->by.k[k].c->type == REVL_T_STRING) {
      int32_t t;
      if (!idmap_get(&sd->tr, (uint32_t)p, &t)) {
        const revl_intern *bin = &sd->by.k[k].h->store->strings;
        uint32_t id = revl_intern_find(ain, revl_intern_str(bin, (uint32_t)p),
                                       revl_intern_len(bin, (uint32_t)p));
        t = id ? (int32_t)id : -(int32_t)p - 1;
        idmap_put(L, s, &sd->tr, (uint32_t)p, t);
      }
      p = t;
    }
    key[k] = p;
  }
}

/* Is the deal in scope (open, closing in the window)?  Its bucket ord. */
static int wf_scope(const wf_side *sd, const mwin *w, size_t row,
                    int64_t *ord) {
  if (cell_true(sd->d.closed, row)) return 0;
  *ord = 0;
  if (w->limited) {
    int32_t day;
    if (!cell_day(sd->d.close, row, &day) || !win_has(w, day)) return 0;
    *ord = win_ord(w, day);
  }
  return 1;
}

static int64_t wf_amount(wf_side *sd, size_t row, uint32_t *code) {
  const revl_column *am = sd->d.amount;
  *code = 0;
  if (!revl_col_valid(am, row)) return 0;
  *code = cur_code(&sd->cc, am, row);
  return am->v.i64[row];
}

typedef struct wf_state {
  lua_State *L;
  scratch *s;
  const char *fn;
  revl_mgroup *g;
  macc *acc; /* WF_N per group */
  size_t cap;
  wf_rec *rec;
  size_t nrec, rcap;
  int nk;
} wf_state;

static void wf_add(wf_state *st, uint32_t g, int bucket, int64_t v,
                   uint32_t code, int side, size_t row, int record) {
  lua_State *L = st->L;
  scratch *s = st->s;
  if (g >= st->cap)
    st->acc = acc_grow(L, s, st->acc, &st->cap, g, WF_N * sizeof *st->acc);
  if (code)
    macc_add(L, st->fn, "'amount'", &st->acc[g * WF_N + (size_t)bucket], v,
             code);
  if (record) {
    wf_rec *r = ACC(st->rec, st->rcap, st->nrec);
    r->g = g;
    r->row = (uint32_t)row;
    r->bucket = (uint8_t)bucket;
    r->side = (uint8_t)side;
    st->nrec++;
  }
}

static int wf_rec_cmp(const void *pa, const void *pb) {
  const wf_rec *a = pa, *b = pb;
  if (a->g != b->g) return a->g < b->g ? -1 : 1;
  if (a->bucket != b->bucket) return a->bucket < b->bucket ? -1 : 1;
  if (a->side != b->side) return a->side < b->side ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

#define WF_SIDE_B 0x80000000u

/* revl.metrics.waterfall(before, after, {by, period, from, to, periods}) */
static int m_waterfall(lua_State *L) {
  const char *fn = "waterfall";
  wf_side B, A;
  memset(&B, 0, sizeof B);
  memset(&A, 0, sizeof A);
  get_view(L, 1, fn, &B.v);
  get_view(L, 2, fn, &A.v);
  check_opts(L, 3, fn, by_period_opts);
  scratch *s = new_scratch(L);
  wf_side *sides[2] = {&B, &A};
  for (int i = 0; i < 2; i++) {
    wf_side *sd = sides[i];
    deal_cols(L, fn, sd->v.t, &sd->d);
    if (sd->v.t->pk < 0)
      luaL_error(L, "revl.metrics.%s: %s has no key column", fn, sd->v.t->name);
    need(L, fn, sd->v.t, sd->d.amount, "amount");
    need(L, fn, sd->v.t, sd->d.closed, "is_closed");
    need(L, fn, sd->v.t, sd->d.won, "is_won");
    get_by(L, 3, fn, sd->v.t, &sd->by);
    sd->cc.in = &sd->v.t->store->strings;
  }
  for (int k = 0; k < A.by.nk; k++)
    if (A.by.k[k].c->type != B.by.k[k].c->type)
      luaL_error(
          L, "revl.metrics.%s: '%s' has different types in the two snapshots",
          fn, A.by.k[k].label);
  mwin w;
  get_window(L, 3, fn, 0, REVL_PK_QUARTER, &w);
  if (w.limited) {
    need(L, fn, B.v.t, B.d.close, "close_date");
    need(L, fn, A.v.t, A.d.close, "close_date");
  }
  B.translate = B.v.t->store != A.v.t->store;
  idmap_init(L, s, &B.tr, 64);
  const revl_intern *ain = &A.v.t->store->strings;
  wf_state st;
  memset(&st, 0, sizeof st);
  st.L = L;
  st.s = s;
  st.fn = fn;
  st.nk = A.by.nk;
  st.g = sgroup(L, s, A.by.nk + 1);
  revl_table *bt = B.v.t, *at = A.v.t;
  uint8_t *inb = scalloc(L, s, bt->nrows, 1);
  uint8_t *matched = scalloc(L, s, bt->nrows, 1);
  for (size_t i = 0; i < B.v.n; i++)
    inb[VROW(B.v.rows, i)] = 1;
  const revl_column *apk = at->cols[at->pk];
  int64_t kb[MAXBY + 1], ka[MAXBY + 1];
  /* every deal of the after view, with its before row when it has one,
   * then the before deals that are gone */
  for (int pass = 0; pass < 2; pass++) {
    size_t n = pass == 0 ? A.v.n : B.v.n;
    for (size_t i = 0; i < n; i++) {
      int64_t ra = -1, rb = -1;
      if (pass == 0) {
        ra = (int64_t)VROW(A.v.rows, i);
        if (revl_col_valid(apk, (size_t)ra)) {
          if (bt == at)
            rb = ra;
          else {
            uint32_t id = apk->v.str[ra];
            rb = revl_table_find(bt, revl_intern_str(ain, id),
                                 revl_intern_len(ain, id));
          }
        }
        if (rb >= 0 && !inb[rb]) rb = -1;
        if (rb >= 0) matched[rb] = 1;
      } else {
        rb = (int64_t)VROW(B.v.rows, i);
        if (matched[rb]) continue;
      }
      int64_t ob = 0, oa = 0;
      int sb = rb >= 0 && wf_scope(&B, &w, (size_t)rb, &ob);
      int sa = ra >= 0 && wf_scope(&A, &w, (size_t)ra, &oa);
      if (!sb && !sa) continue;
      uint32_t cb = 0, ca = 0;
      int64_t amb = sb ? wf_amount(&B, (size_t)rb, &cb) : 0;
      int64_t ama = sa ? wf_amount(&A, (size_t)ra, &ca) : 0;
      uint32_t gb = 0, ga = 0;
      if (sb) {
        wf_key(L, s, &B, ain, (size_t)rb, kb);
        kb[st.nk] = ob;
        gb = (uint32_t)gget(L, st.g, kb, (uint32_t)rb | WF_SIDE_B);
        wf_add(&st, gb, WF_START, amb, cb, 0, (size_t)rb, 0);
      }
      if (sa) {
        wf_key(L, s, &A, ain, (size_t)ra, ka);
        ka[st.nk] = oa;
        ga = (uint32_t)gget(L, st.g, ka, (uint32_t)ra);
        wf_add(&st, ga, WF_END, ama, ca, 1, (size_t)ra, 0);
      }
      if (sb && sa && cb && ca && cb != ca)
        mixed_error(L, fn, "a deal's amount in the two snapshots", cb, ca);
      if (sb && sa && ob == oa) {
        if (gb != ga) { /* same period, another owner or segment */
          wf_add(&st, gb, WF_TOUT, amb, cb, 0, (size_t)rb, 1);
          wf_add(&st, ga, WF_TIN, amb, cb, 1, (size_t)ra, 1);
        }
        if (ama > amb)
          wf_add(&st, ga, WF_INC, ama - amb, ca ? ca : cb, 1, (size_t)ra, 1);
        else if (ama < amb)
          wf_add(&st, ga, WF_DEC, amb - ama, ca ? ca : cb, 1, (size_t)ra, 1);
        continue;
      }
      if (sb) { /* leaves gb's scope */
        int bucket;
        if (ra < 0)
          bucket = WF_LOST;
        else if (cell_true(A.d.won, (size_t)ra))
          bucket = WF_WON;
        else if (cell_true(A.d.closed, (size_t)ra))
          bucket = WF_LOST;
        else
          bucket = WF_PUSHED;
        wf_add(&st, gb, bucket, amb, cb, 0, (size_t)rb, 1);
        if (ra < 0) wf_add(&st, gb, WF_REMOVED, amb, cb, 0, (size_t)rb, 1);
      }
      if (sa) /* enters ga's scope */
        wf_add(&st, ga, rb < 0 ? WF_CREATED : WF_PULLED, ama, ca, 1, (size_t)ra,
               1);
    }
  }
  size_t ng = st.g->n;
  if (ng) wf_add(&st, (uint32_t)ng - 1, WF_START, 0, 0, 0, 0, 0);
  if (st.nrec) qsort(st.rec, st.nrec, sizeof *st.rec, wf_rec_cmp);
  uint32_t defc = store_currency(at);
  /* rows */
  int list = new_list(L, ng);
  mcols mc = {0};
  for (int b = 0; b < WF_N; b++) {
    if (b == WF_END) continue;
    col_add(&mc, wf_names[b]);
  }
  col_add(&mc, "end");
  size_t ri = 0;
  macc tot[WF_N];
  memset(tot, 0, sizeof tot);
  for (int pass = 0; pass <= (int)ng; pass++) {
    /* pass < ng: group rows; pass == ng: the totals */
    int is_tot = pass == (int)ng;
    size_t g = (size_t)pass;
    lua_createtable(L, 0, WF_N + 4);
    if (!is_tot) {
      uint32_t tag = st.g->first[g];
      if (tag & WF_SIDE_B)
        push_row_keys(L, B.v.idx, &B.by, tag & ~WF_SIDE_B);
      else
        push_row_keys(L, A.v.idx, &A.by, tag);
      put_period(L, &w, grp_ord(st.g, g));
    }
    for (int b = 0; b < WF_N; b++) {
      if (is_tot)
        put_money(L, wf_names[b], &tot[b], defc);
      else {
        macc *m = &st.acc[g * WF_N + (size_t)b];
        put_money(L, wf_names[b], m, defc);
        macc_merge(L, fn, "'amount'", &tot[b], m);
      }
    }
    /* ids behind each bucket */
    lua_createtable(L, 0, WF_N);
    for (int b = WF_CREATED; b < WF_N; b++) {
      if (b == WF_END) continue;
      lua_newtable(L);
      lua_setfield(L, -2, wf_names[b]);
    }
    size_t j0 = is_tot ? 0 : ri, j1 = j0;
    while (j1 < st.nrec && (is_tot || st.rec[j1].g == g))
      j1++;
    if (!is_tot) ri = j1;
    for (size_t j = j0; j < j1; j++) {
      wf_rec *r = &st.rec[j];
      wf_side *sd = r->side ? &A : &B;
      lua_getfield(L, -1, wf_names[r->bucket]);
      revl_view_push_cell(L, sd->v.idx, sd->v.t, sd->v.t->pk, r->row);
      lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
      lua_pop(L, 1);
    }
    if (is_tot) { /* totals list each deal once per bucket, sorted */
      lua_getglobal(L, "table");
      lua_getfield(L, -1, "sort");
      lua_remove(L, -2);
      for (int b = WF_CREATED; b < WF_N; b++) {
        if (b == WF_END) continue;
        lua_pushvalue(L, -1);
        lua_getfield(L, -3, wf_names[b]);
        lua_call(L, 1, 0);
      }
      lua_pop(L, 1);
    }
    lua_setfield(L, -2, "ids");
    if (is_tot) break;
    lua_rawseti(L, list, (lua_Integer)g + 1);
  }
  int totals = lua_gettop(L);
  finish_frame(L, list, &A.by, w.limited, NULL, &mc);
  lua_pushvalue(L, list);
  lua_pushvalue(L, totals);
  return 2;
}

/* ---- registration
 * --------------------------------------------------------------- */

static const luaL_Reg metric_funcs[] = {
    {"stage_conversion", m_stage_conversion},
    {"time_in_stage", m_time_in_stage},
    {"stage_aging", m_stage_aging},
    {"slipped_deals", m_slipped_deals},
    {"waterfall", m_waterfall},
    {"name_key", revl_lua_company_key},
    {"domain_key", revl_lua_domain_key},
    {NULL, NULL}};

/* revl.metrics: the C metrics; lua/metrics.lua adds the Lua ones. */
int luaopen_revl_metrics(lua_State *L) {
  lua_newtable(L);
  luaL_setfuncs(L, metric_funcs, 0);
  /* metrics ported to the core, registered by their family files after
   * the entries above, so they replace them */
  revl_open_metrics_deals(L);
  revl_open_metrics_quota(L);
  revl_open_metrics_closed(L);
  revl_open_metrics_stages(L);
  revl_open_metrics_revenue(L);
  revl_open_metrics_quality(L);
  lua_setfield(L, -2, "metrics");
  return 0;
}
