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

static const char T_DATES[] = {REVL_T_DATE + 1, REVL_T_DATETIME + 1, 0};
static const char T_STR[] = {REVL_T_STRING + 1, 0};

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

static inline int win_has(const mwin *w, int32_t d) {
  return !w->limited || (d >= w->from && d <= w->to);
}

static inline int64_t win_ord(const mwin *w, int32_t d) {
  return w->kind >= 0 ? revl_metrics_period_index(d, w->kind, w->fs) : 0;
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

static inline size_t samples_count(const samples *S, size_t g) {
  return S->off[g + 1] - S->off[g];
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

/* row[name] = cell (ci, row) of t; nothing for a missing column */
static void put_cell(lua_State *L, int vidx, revl_table *t, int ci, size_t row,
                     const char *name) {
  if (ci < 0) return;
  revl_view_push_cell(L, vidx, t, ci, row);
  lua_setfield(L, -2, name);
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
/* ---- data quality -----------------------------------------------------------
 */

/* Does base row `row` have a value in the key's field? */
static inline int key_has(const mkey *k, size_t row) {
  int64_t r = key_row(k, row);
  return r >= 0 && revl_col_valid(k->c, (size_t)r);
}

/* A list option of field names (or every column of t when absent). */
static mkey *get_fields(lua_State *L, scratch *s, int o, const char *fn,
                        const char *key, revl_table *t, int all, int *nf) {
  int ty = opt_get(L, o, key);
  mkey *f;
  if (ty == LUA_TNIL) {
    lua_pop(L, 1);
    if (!all) {
      *nf = 0;
      return NULL;
    }
    f = salloc(L, s, (size_t)t->ncols, sizeof *f);
    for (int i = 0; i < t->ncols; i++) {
      f[i].h = t;
      f[i].c = t->cols[i];
      f[i].via = NULL;
      f[i].ci = i;
      f[i].label = t->cols[i]->name;
    }
    *nf = t->ncols;
    return f;
  }
  if (ty != LUA_TTABLE)
    luaL_error(L, "revl.metrics.%s: '%s' is a list of field names", fn, key);
  int n = (int)lua_rawlen(L, -1);
  f = salloc(L, s, (size_t)n, sizeof *f);
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    const char *name = lua_tostring(L, -1);
    if (!name)
      luaL_error(L, "revl.metrics.%s: '%s' is a list of field names", fn, key);
    resolve_key(L, fn, t, name, &f[i - 1]);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  *nf = n;
  return f;
}

/* revl.metrics.completeness(view, {fields, required, by}) -> per field,
 * per group */
static int m_completeness(lua_State *L) {
  static const char *const allowed[] = {"by", "fields", "required", NULL};
  const char *fn = "completeness";
  mview v;
  get_view(L, 1, fn, &v);
  check_opts(L, 2, fn, allowed);
  scratch *s = new_scratch(L);
  int nf, nr;
  mkey *rq = get_fields(L, s, 2, fn, "required", v.t, 0, &nr);
  /* fields: as given, else the required ones, else every column */
  int has_fields = opt_get(L, 2, "fields") != LUA_TNIL;
  lua_pop(L, 1);
  mkey *f =
      has_fields || !rq ? get_fields(L, s, 2, fn, "fields", v.t, 1, &nf) : rq;
  if (!has_fields && rq) nf = nr;
  if (!rq) {
    rq = f;
    nr = nf;
  }
  mwin w;
  win_none(&w);
  mby by;
  get_by(L, 2, fn, v.t, &by);
  mgrp G;
  grp_init(L, s, &G, &by, &w);
  size_t stride = (size_t)nf + 2; /* rows, complete, filled per field */
  int64_t *cnt = NULL;
  size_t cap = 0;
  for (size_t i = 0; i < v.n; i++) {
    size_t row = VROW(v.rows, i);
    uint32_t g = grp_of(L, &G, row, 0);
    int64_t *c = flat_at(L, s, &cnt, &cap, g, stride);
    c[0]++;
    int ok = 1;
    for (int k = 0; k < nr && ok; k++)
      ok = key_has(&rq[k], row);
    c[1] += ok;
    for (int k = 0; k < nf; k++)
      c[2 + k] += key_has(&f[k], row);
  }
  grp_fill(L, &G);
  size_t ng = grp_n(&G);
  if (ng) flat_at(L, s, &cnt, &cap, ng - 1, stride);
  int list = new_list(L, ng * (size_t)nf);
  mcols mc = {0};
  const char *cols[] = {"rows", "filled", "missing", "completeness", NULL};
  cols_add(&mc, cols);
  lua_Integer ri = 0;
  for (size_t g = 0; g < ng; g++)
    for (int k = 0; k < nf; k++) {
      int64_t *c = cnt + g * stride;
      lua_createtable(L, 0, 8);
      push_keys(L, v.idx, &G, g);
      lua_pushstring(L, f[k].label);
      lua_setfield(L, -2, "field");
      put_int(L, "position", k + 1);
      put_int(L, "rows", c[0]);
      put_int(L, "filled", c[2 + k]);
      put_int(L, "missing", c[0] - c[2 + k]);
      put_ratio(L, &mc, "completeness", (double)c[2 + k], (double)c[0],
                "no rows");
      lua_rawseti(L, list, ++ri);
    }
  static const char *const extra[] = {"position", "field", NULL};
  finish_frame(L, list, &by, 0, extra, &mc);
  /* per group: rows with every required field */
  int list2 = new_list(L, ng);
  mcols mc2 = {0};
  const char *cols2[] = {"rows", "complete", "completeness", NULL};
  cols_add(&mc2, cols2);
  for (size_t g = 0; g < ng; g++) {
    int64_t *c = cnt + g * stride;
    lua_createtable(L, 0, 6);
    push_keys(L, v.idx, &G, g);
    put_int(L, "rows", c[0]);
    put_int(L, "complete", c[1]);
    put_ratio(L, &mc2, "completeness", (double)c[1], (double)c[0], "no rows");
    lua_rawseti(L, list2, (lua_Integer)g + 1);
  }
  finish_frame(L, list2, &by, 0, NULL, &mc2);
  return 2;
}

/* revl.metrics.duplicates(accounts, {on, threshold, window, name, domain})
 * -> one row per record in a cluster, summary */
static int m_duplicates(lua_State *L) {
  static const char *const allowed[] = {"on",   "threshold", "window",
                                        "name", "domain",    NULL};
  const char *fn = "duplicates";
  mview v;
  get_view(L, 1, fn, &v);
  check_opts(L, 2, fn, allowed);
  scratch *s = new_scratch(L);
  const char *on = opt_string(L, 2, fn, "on", "both");
  revl_dedupe_opts o;
  o.use_domain = strcmp(on, "both") == 0 || strcmp(on, "domain") == 0;
  o.use_name = strcmp(on, "both") == 0 || strcmp(on, "name") == 0;
  if (!o.use_domain && !o.use_name)
    luaL_error(L, "revl.metrics.%s: 'on' is \"both\", \"name\" or \"domain\"",
               fn);
  o.threshold = opt_number(L, 2, fn, "threshold", 0.92);
  if (!(o.threshold > 0 && o.threshold <= 1))
    luaL_error(L, "revl.metrics.%s: threshold must be in (0, 1]", fn);
  double win = opt_number(L, 2, fn, "window", 8);
  if (win < 1 || win > 1000 || win != floor(win))
    luaL_error(L, "revl.metrics.%s: window must be a whole number 1-1000", fn);
  o.window = (int)win;
  const char *nname = opt_string(L, 2, fn, "name", "name");
  const char *dname = opt_string(L, 2, fn, "domain", "domain");
  revl_column *nc = o.use_name ? get_col(L, fn, v.t, nname, 1, T_STR) : NULL;
  revl_column *dc = o.use_domain ? get_col(L, fn, v.t, dname, 1, T_STR) : NULL;
  const revl_intern *in = &v.t->store->strings;
  size_t n = v.n;
  const char **names = salloc(L, s, n, sizeof *names);
  const char **doms = salloc(L, s, n, sizeof *doms);
  size_t *nl = salloc(L, s, n, sizeof *nl), *dl = salloc(L, s, n, sizeof *dl);
  for (size_t i = 0; i < n; i++) {
    size_t row = VROW(v.rows, i);
    names[i] = NULL;
    doms[i] = NULL;
    if (nc && revl_col_valid(nc, row)) {
      names[i] = revl_intern_str(in, nc->v.str[row]);
      nl[i] = revl_intern_len(in, nc->v.str[row]);
    }
    if (dc && revl_col_valid(dc, row)) {
      doms[i] = revl_intern_str(in, dc->v.str[row]);
      dl[i] = revl_intern_len(in, dc->v.str[row]);
    }
  }
  uint32_t *cl = salloc(L, s, n, sizeof *cl);
  uint8_t *why = salloc(L, s, n, 1);
  float *best = salloc(L, s, n, sizeof *best);
  long nclus = revl_metrics_dedupe(n, names, nl, doms, dl, &o, cl, why, best);
  if (nclus < 0) luaL_error(L, "revl.metrics.%s: not enough memory", fn);
  /* members, by cluster then view order: counting sort */
  uint32_t *off = scalloc(L, s, (size_t)nclus + 2, sizeof *off);
  size_t members = 0;
  for (size_t i = 0; i < n; i++)
    if (cl[i]) off[cl[i] + 1]++, members++;
  for (long c = 1; c <= nclus + 1; c++)
    off[c] += off[c - 1];
  uint32_t *ord = salloc(L, s, members, sizeof *ord);
  for (size_t i = 0; i < n; i++)
    if (cl[i]) ord[off[cl[i]]++] = (uint32_t)i;
  int list = new_list(L, members);
  int idcol = v.t->pk;
  for (size_t j = 0; j < members; j++) {
    size_t i = ord[j], row = VROW(v.rows, i);
    lua_createtable(L, 0, 6);
    put_int(L, "cluster", cl[i]);
    /* plain Lua strings: these are read once, so filling the store's
     * string cache with them would cost more than it saves */
    if (idcol >= 0 && revl_col_valid(v.t->cols[idcol], row)) {
      uint32_t id = v.t->cols[idcol]->v.str[row];
      lua_pushlstring(L, revl_intern_str(in, id), revl_intern_len(in, id));
      lua_setfield(L, -2, "id");
    }
    if (names[i]) {
      lua_pushlstring(L, names[i], nl[i]);
      lua_setfield(L, -2, "name");
    }
    if (doms[i]) {
      lua_pushlstring(L, doms[i], dl[i]);
      lua_setfield(L, -2, "domain");
    }
    lua_pushstring(L, why[i] == 3   ? "domain+name"
                      : why[i] == 1 ? "domain"
                                    : "name");
    lua_setfield(L, -2, "match");
    if (why[i] & 2) put_num(L, "similarity", best[i]);
    lua_rawseti(L, list, (lua_Integer)j + 1);
  }
  static const char *const cols[] = {"cluster", "id",         "name", "domain",
                                     "match",   "similarity", NULL};
  plain_frame(L, list, cols);
  lua_createtable(L, 0, 6);
  put_int(L, "records", (int64_t)n);
  put_int(L, "clusters", nclus);
  put_int(L, "clustered", (int64_t)members);
  put_int(L, "duplicates", (int64_t)members - nclus);
  if (n) {
    put_num(L, "duplicate_rate",
            (double)((int64_t)members - nclus) / (double)n);
    put_num(L, "uniqueness",
            1.0 - (double)((int64_t)members - nclus) / (double)n);
  } else {
    lua_pushliteral(L, "no records");
    lua_setfield(L, -2, "duplicate_rate_reason");
  }
  return 2;
}

static int m_similarity(lua_State *L) {
  size_t na, nb;
  const char *a = luaL_checklstring(L, 1, &na),
             *b = luaL_checklstring(L, 2, &nb);
  lua_pushnumber(L, revl_metrics_jaro_winkler(a, na, b, nb));
  return 1;
}

/* revl.metrics.country(text) -> "US" or nil */
static int m_country(lua_State *L) {
  size_t n;
  const char *t = luaL_checklstring(L, 1, &n);
  const char *c = revl_metrics_country(t, n);
  if (c)
    lua_pushstring(L, c);
  else
    lua_pushnil(L);
  return 1;
}

typedef struct cs_val {
  uint32_t id;
  int64_t n;
} cs_val;

static int cs_val_cmp(const void *pa, const void *pb) {
  const cs_val *a = pa, *b = pb;
  if (a->n != b->n) return a->n > b->n ? -1 : 1;
  return (a->id > b->id) - (a->id < b->id);
}

/* revl.metrics.consistency(view, field, {allowed, normalize, by}) ->
 * summary per group, the inconsistent values */
static int m_consistency(lua_State *L) {
  static const char *const allowed[] = {"by", "allowed", "normalize", NULL};
  const char *fn = "consistency";
  mview v;
  get_view(L, 1, fn, &v);
  const char *field = luaL_checkstring(L, 2);
  check_opts(L, 3, fn, allowed);
  scratch *s = new_scratch(L);
  mkey fk;
  resolve_key(L, fn, v.t, field, &fk);
  if (fk.c->type != REVL_T_STRING)
    luaL_error(L, "revl.metrics.%s: %s is %s; consistency checks text fields",
               fn, field, revl_type_name(fk.c->type));
  const char *norm = opt_string(L, 3, fn, "normalize", NULL);
  if (norm && strcmp(norm, "country") != 0)
    luaL_error(L, "revl.metrics.%s: normalize knows \"country\"", fn);
  int country = norm != NULL;
  /* the allowed set, as Lua strings in a table (stack) */
  lua_newtable(L);
  int set = lua_gettop(L);
  int has_set = 0;
  if (opt_get(L, 3, "allowed") == LUA_TTABLE) {
    has_set = 1;
    int n = (int)lua_rawlen(L, -1);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "revl.metrics.%s: 'allowed' is a list of strings", fn);
      lua_pushboolean(L, 1);
      lua_rawset(L, set);
    }
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "revl.metrics.%s: 'allowed' is a list of strings", fn);
  }
  lua_pop(L, 1);
  if (!has_set && !country)
    luaL_error(
        L, "revl.metrics.%s: give allowed = {...} or normalize = \"country\"",
        fn);
  mwin w;
  win_none(&w);
  mby by;
  get_by(L, 3, fn, v.t, &by);
  mgrp G;
  grp_init(L, s, &G, &by, &w);
  /* verdict per distinct value: 1 consistent, 2 not */
  idmap memo, bad;
  idmap_init(L, s, &memo, 64);
  idmap_init(L, s, &bad, 64);
  cs_val *vals = NULL;
  size_t vcap = 0, nv = 0;
  int64_t *cnt = NULL; /* rows, missing, consistent */
  size_t cap = 0;
  const revl_intern *in = &fk.h->store->strings;
  for (size_t i = 0; i < v.n; i++) {
    size_t row = VROW(v.rows, i);
    uint32_t g = grp_of(L, &G, row, 0);
    int64_t *c = flat_at(L, s, &cnt, &cap, g, 3);
    c[0]++;
    int64_t r = key_row(&fk, row);
    if (r < 0 || !revl_col_valid(fk.c, (size_t)r)) {
      c[1]++;
      continue;
    }
    uint32_t id = fk.c->v.str[r];
    int32_t verdict;
    if (!idmap_get(&memo, id, &verdict)) {
      const char *txt = revl_intern_str(in, id);
      size_t tl = revl_intern_len(in, id);
      int ok;
      if (country) {
        const char *code = revl_metrics_country(txt, tl);
        ok = code && tl == 2 && memcmp(code, txt, 2) == 0;
        if (ok && has_set) {
          lua_pushstring(L, code);
          ok = lua_rawget(L, set) != LUA_TNIL;
          lua_pop(L, 1);
        }
      } else {
        lua_pushlstring(L, txt, tl);
        ok = lua_rawget(L, set) != LUA_TNIL;
        lua_pop(L, 1);
      }
      verdict = ok ? 1 : 2;
      idmap_put(L, s, &memo, id, verdict);
    }
    if (verdict == 1) {
      c[2]++;
      continue;
    }
    int32_t vi;
    if (!idmap_get(&bad, id, &vi)) {
      vi = (int32_t)nv++;
      idmap_put(L, s, &bad, id, vi);
      cs_val *e = ACC(vals, vcap, (size_t)vi);
      e->id = id;
    }
    vals[vi].n++;
  }
  grp_fill(L, &G);
  size_t ng = grp_n(&G);
  if (ng) flat_at(L, s, &cnt, &cap, ng - 1, 3);
  int list = new_list(L, ng);
  mcols mc = {0};
  const char *cols[] = {"rows",    "checked",     "consistent", "inconsistent",
                        "missing", "consistency", NULL};
  cols_add(&mc, cols);
  for (size_t g = 0; g < ng; g++) {
    int64_t *c = cnt + g * 3;
    int64_t checked = c[0] - c[1];
    lua_createtable(L, 0, 8);
    push_keys(L, v.idx, &G, g);
    put_int(L, "rows", c[0]);
    put_int(L, "checked", checked);
    put_int(L, "consistent", c[2]);
    put_int(L, "inconsistent", checked - c[2]);
    put_int(L, "missing", c[1]);
    put_ratio(L, &mc, "consistency", (double)c[2], (double)checked,
              "no values");
    lua_rawseti(L, list, (lua_Integer)g + 1);
  }
  finish_frame(L, list, &by, 0, NULL, &mc);
  if (nv) qsort(vals, nv, sizeof *vals, cs_val_cmp);
  int det = new_list(L, nv);
  for (size_t i = 0; i < nv; i++) {
    lua_createtable(L, 0, 3);
    const char *txt = revl_intern_str(in, vals[i].id);
    size_t tl = revl_intern_len(in, vals[i].id);
    lua_pushlstring(L, txt, tl);
    lua_setfield(L, -2, "value");
    put_int(L, "rows", vals[i].n);
    if (country) {
      const char *code = revl_metrics_country(txt, tl);
      if (code) {
        lua_pushstring(L, code);
        lua_setfield(L, -2, "suggestion");
      }
    }
    lua_rawseti(L, det, (lua_Integer)i + 1);
  }
  static const char *const dcol[] = {"value", "rows", "suggestion", NULL};
  plain_frame(L, det, dcol);
  return 2;
}

typedef struct tl_rec {
  uint32_t row;
  int64_t last; /* INT64_MIN: never */
} tl_rec;

/* revl.metrics.timeliness(view, {days = N, by, via}) -> summary, stale */
static int m_timeliness(lua_State *L) {
  static const char *const allowed[] = {"by", "days", "via", NULL};
  const char *fn = "timeliness";
  mview v;
  get_view(L, 1, fn, &v);
  check_opts(L, 2, fn, allowed);
  scratch *s = new_scratch(L);
  double nd = opt_days(L, 2, fn);
  revl_table *act = store_table(L, v.idx, fn, "activities", 1);
  revl_column *aat = get_col(L, fn, act, "at", 1, T_DATES);
  const char *via = opt_string(L, 2, fn, "via", NULL);
  revl_column *fkc = NULL;
  if (via) {
    fkc = get_col(L, fn, act, via, 1, T_STR);
    if (fkc->ref != v.t)
      luaL_error(L, "revl.metrics.%s: activities.%s does not reference %s", fn,
                 via, v.t->name);
  } else {
    for (int i = 0; i < act->ncols && !fkc; i++)
      if (act->cols[i]->ref == v.t && act->cols[i]->rev_off) fkc = act->cols[i];
    if (!fkc)
      luaL_error(L, "revl.metrics.%s: no activities column references %s", fn,
                 v.t->name);
  }
  if (!fkc->rev_off)
    luaL_error(L, "revl.metrics.%s: activities are not linked", fn);
  mwin w;
  win_none(&w);
  mby by;
  get_by(L, 2, fn, v.t, &by);
  mgrp G;
  grp_init(L, s, &G, &by, &w);
  int32_t today = as_of(L);
  int64_t end =
      ((int64_t)today + 1) * 86400; /* activities up to the end of as_of */
  int32_t cutoff = today - (int32_t)nd;
  int64_t *cnt = NULL;
  size_t cap = 0, ns = 0, scap = 0;
  tl_rec *stale = NULL;
  for (size_t i = 0; i < v.n; i++) {
    size_t row = VROW(v.rows, i);
    uint32_t g = grp_of(L, &G, row, 0);
    int64_t *c = flat_at(L, s, &cnt, &cap, g, 2);
    c[0]++;
    int64_t last = INT64_MIN;
    for (uint32_t q = fkc->rev_off[row]; q < fkc->rev_off[row + 1]; q++) {
      int64_t at;
      if (cell_secs(aat, fkc->rev_rows[q], &at) && at < end && at > last)
        last = at;
    }
    if (last != INT64_MIN && floor_div64(last, 86400) >= cutoff) {
      c[1]++;
      continue;
    }
    tl_rec *e = ACC(stale, scap, ns);
    e->row = (uint32_t)row;
    e->last = last;
    ns++;
  }
  grp_fill(L, &G);
  size_t ng = grp_n(&G);
  if (ng) flat_at(L, s, &cnt, &cap, ng - 1, 2);
  int list = new_list(L, ng);
  mcols mc = {0};
  const char *cols[] = {"records", "fresh", "stale", "timeliness", NULL};
  cols_add(&mc, cols);
  for (size_t g = 0; g < ng; g++) {
    int64_t *c = cnt + g * 2;
    lua_createtable(L, 0, 6);
    push_keys(L, v.idx, &G, g);
    put_int(L, "records", c[0]);
    put_int(L, "fresh", c[1]);
    put_int(L, "stale", c[0] - c[1]);
    put_ratio(L, &mc, "timeliness", (double)c[1], (double)c[0], "no records");
    lua_rawseti(L, list, (lua_Integer)g + 1);
  }
  finish_frame(L, list, &by, 0, NULL, &mc);
  int det = new_list(L, ns);
  for (size_t i = 0; i < ns; i++) {
    lua_createtable(L, 0, 4);
    put_cell(L, v.idx, v.t, v.t->pk, stale[i].row, "id");
    push_row_keys(L, v.idx, &by, stale[i].row);
    if (stale[i].last != INT64_MIN) {
      revl_push_datetime(L, stale[i].last);
      lua_setfield(L, -2, "last_activity");
      put_int(L, "days_since", today - floor_div64(stale[i].last, 86400));
    }
    lua_rawseti(L, det, (lua_Integer)i + 1);
  }
  static const char *const dcol[] = {"id", "last_activity", "days_since", NULL};
  plain_frame(L, det, detail_cols(L, s, &by, dcol, 0));
  return 2;
}

/* ---- registration
 * --------------------------------------------------------------- */

static const luaL_Reg metric_funcs[] = {
    {"completeness", m_completeness},
    {"duplicates", m_duplicates},
    {"consistency", m_consistency},
    {"country", m_country},
    {"name_key", revl_lua_company_key},
    {"domain_key", revl_lua_domain_key},
    {"similarity", m_similarity},
    {"timeliness", m_timeliness},
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
