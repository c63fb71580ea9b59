/*
 * l_frame.c -- result frames in Lua: one userdata ("revl.cframe", shown
 * as "revl.frame") around a C revl_frame, and read-only row proxies.
 *
 * Owns: revl_push_frame / revl_test_frame / revl_check_frame, the frame
 * methods (count, each, sort_by, where, limit, index, to_csv, to_jsonl,
 * group_by, join, column, totable) and the row proxy.  The operations
 * themselves are the core's (src/frame/); this file only converts
 * arguments and values.  User values of a frame: 1 the anchor (the store
 * whose strings borrowed columns use), 2 a cache of the Lua strings of
 * the frame's own string ids, 3 the same for the store's ids.
 */
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "lua/lrevl.h"
#include "revl/csvw.h"
#include "revl/frame.h"


#define REVL_CFRAME "revl.cframe"
#define REVL_FROW "revl.cframe.row"

typedef struct frame_ud {
  revl_frame *f;
} frame_ud;

typedef struct frow_ud {
  frame_ud *fu;
  size_t row;
} frow_ud;

/* ---- frames ---------------------------------------------------------- */

static int frame_gc(lua_State *L) {
  frame_ud *fu = luaL_checkudata(L, 1, REVL_CFRAME);
  revl_frame_free(fu->f);
  fu->f = NULL;
  return 0;
}

revl_frame *revl_test_frame(lua_State *L, int idx) {
  frame_ud *fu = luaL_testudata(L, idx, REVL_CFRAME);
  return fu ? fu->f : NULL;
}

static frame_ud *check_fud(lua_State *L, int idx) {
  frame_ud *fu = luaL_checkudata(L, idx, REVL_CFRAME);
  if (!fu->f) luaL_error(L, "this frame was freed");
  return fu;
}

revl_frame *revl_check_frame(lua_State *L, int idx) {
  return check_fud(L, idx)->f;
}

static void frame_mt(lua_State *L);

void revl_push_frame(lua_State *L, revl_frame *f, int anchor) {
  if (anchor) anchor = lua_absindex(L, anchor);
  frame_ud *fu = lua_newuserdatauv(L, sizeof *fu, 3);
  fu->f = NULL;
  frame_mt(L);
  lua_setmetatable(L, -2);
  fu->f = f; /* owned from here: freed by __gc even if what follows raises */
  if (anchor) lua_pushvalue(L, anchor);
  else lua_pushnil(L);
  lua_setiuservalue(L, -2, 1);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 2);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 3);
}

/* Push the Lua string of id in column ci, cached per frame and dict; fidx
 * is the frame userdata. */
static void push_sid(lua_State *L, int fidx, const revl_frame *f, int ci,
                     uint32_t id) {
  const revl_intern *d = f->cols[ci]->dict;
  int uv = d == &f->own ? 2 : (f->store && d == &f->store->strings) ? 3 : 0;
  if (!uv) {
    lua_pushlstring(L, revl_intern_str(d, id), revl_intern_len(d, id));
    return;
  }
  lua_getiuservalue(L, fidx, uv);
  if (lua_rawgeti(L, -1, id) == LUA_TSTRING) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  lua_pushlstring(L, revl_intern_str(d, id), revl_intern_len(d, id));
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, id);
  lua_remove(L, -2);
}

static void push_fcell(lua_State *L, int fidx, const revl_frame *f, int ci,
                       size_t row) {
  const revl_column *c = &f->cols[ci]->col;
  if (!revl_col_valid(c, row)) {
    lua_pushnil(L);
    return;
  }
  switch (c->type) {
  case REVL_T_STRING: push_sid(L, fidx, f, ci, c->v.str[row]); break;
  case REVL_T_INT: lua_pushinteger(L, (lua_Integer)c->v.i64[row]); break;
  case REVL_T_NUMBER: {
    double d = c->v.f64[row];
    if (f->cols[ci]->kind == REVL_DK_POINTS && d == floor(d) && fabs(d) < 9007199254740992.0)
      lua_pushinteger(L, (lua_Integer)d);
    else
      lua_pushnumber(L, d);
    break;
  }
  case REVL_T_MONEY:
    revl_push_money(L, c->v.i64[row], revl_intern_str(f->cols[ci]->dict, c->cur[row]));
    break;
  case REVL_T_BOOL: lua_pushboolean(L, c->v.b[row]); break;
  case REVL_T_DATE: revl_push_date(L, c->v.date[row]); break;
  case REVL_T_DATETIME: revl_push_datetime(L, c->v.i64[row]); break;
  default: lua_pushnil(L); break;
  }
}

/* Index of the column named at idx; raises naming the nearest column. */
static int col_arg(lua_State *L, const revl_frame *f, int idx) {
  const char *name = luaL_checkstring(L, idx);
  int ci = revl_frame_col_index(f, name);
  if (ci >= 0) return ci;
  revl_near n;
  revl_near_init(&n, name);
  for (int i = 0; i < f->ncols; i++) revl_near_add(&n, f->cols[i]->col.name);
  char hint[160];
  return luaL_error(L, "frame has no column '%s'%s", name, revl_near_hint(&n, hint, sizeof hint));
}


static int core_fail(lua_State *L, const revl_error *err) {
  if (err->file[0]) return luaL_error(L, "%s: %s", err->file, err->msg);
  return luaL_error(L, "%s", err->msg);
}

/* Push a new frame made from the frame at fidx (same anchor). */
static void push_derived(lua_State *L, int fidx, revl_frame *nf) {
  lua_getiuservalue(L, fidx, 1);
  revl_push_frame(L, nf, lua_isnil(L, -1) ? 0 : -1);
  lua_remove(L, -2);
}

/* ---- rows ------------------------------------------------------------ */

static void push_frow(lua_State *L, int fidx, frame_ud *fu, size_t row) {
  fidx = lua_absindex(L, fidx);
  frow_ud *r = lua_newuserdatauv(L, sizeof *r, 1);
  r->fu = fu;
  r->row = row;
  luaL_setmetatable(L, REVL_FROW);
  lua_pushvalue(L, fidx);
  lua_setiuservalue(L, -2, 1);
}

static frow_ud *check_frow(lua_State *L, int idx) {
  frow_ud *r = luaL_checkudata(L, idx, REVL_FROW);
  if (!r->fu->f) luaL_error(L, "this row's frame was freed");
  return r;
}

/* A plain table of the row's non-null fields, at the top. */
static void frow_table(lua_State *L, int fidx, const revl_frame *f, size_t row) {
  lua_createtable(L, 0, f->ncols);
  for (int i = 0; i < f->ncols; i++) {
    if (!revl_frame_valid(f, i, row)) continue;
    push_fcell(L, fidx, f, i, row);
    lua_setfield(L, -2, f->cols[i]->col.name);
  }
}

static int frow_totable(lua_State *L) {
  frow_ud *r = check_frow(L, 1);
  lua_getiuservalue(L, 1, 1);
  frow_table(L, lua_gettop(L), r->fu->f, r->row);
  return 1;
}

static int frow_index(lua_State *L) {
  frow_ud *r = check_frow(L, 1);
  const revl_frame *f = r->fu->f;
  const char *k = lua_tostring(L, 2);
  if (!k || lua_type(L, 2) != LUA_TSTRING) return 0;
  int ci = revl_frame_col_index(f, k);
  if (ci < 0) {
    if (strcmp(k, "totable") == 0) {
      lua_pushcfunction(L, frow_totable);
      return 1;
    }
    return 0;
  }
  lua_getiuservalue(L, 1, 1);
  push_fcell(L, lua_gettop(L), f, ci, r->row);
  return 1;
}

static int frow_newindex(lua_State *L) {
  return luaL_error(L, "frame rows are read-only; use row:totable() for a table copy");
}

static int frow_next(lua_State *L) {
  frow_ud *r = check_frow(L, 1);
  const revl_frame *f = r->fu->f;
  int i = 0;
  if (!lua_isnil(L, 2)) {
    i = revl_frame_col_index(f, luaL_checkstring(L, 2));
    if (i < 0) return 0;
    i++;
  }
  for (; i < f->ncols; i++) {
    if (!revl_frame_valid(f, i, r->row)) continue;
    lua_pushstring(L, f->cols[i]->col.name);
    lua_getiuservalue(L, 1, 1);
    push_fcell(L, lua_gettop(L), f, i, r->row);
    lua_remove(L, -2);
    return 2;
  }
  return 0;
}

static int frow_pairs(lua_State *L) {
  check_frow(L, 1);
  lua_pushcfunction(L, frow_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static int frow_eq(lua_State *L) {
  frow_ud *a = luaL_testudata(L, 1, REVL_FROW), *b = luaL_testudata(L, 2, REVL_FROW);
  lua_pushboolean(L, a && b && a->fu == b->fu && a->row == b->row);
  return 1;
}

static int frow_tostring(lua_State *L) {
  frow_ud *r = check_frow(L, 1);
  const revl_frame *f = r->fu->f;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "{");
  int first = 1;
  char buf[128];
  for (int i = 0; i < f->ncols; i++) {
    if (!revl_frame_valid(f, i, r->row)) continue;
    size_t len;
    const char *s = revl_frame_cell_text(f, i, r->row, buf, sizeof buf, &len);
    if (!first) luaL_addstring(&b, ", ");
    first = 0;
    luaL_addstring(&b, f->cols[i]->col.name);
    luaL_addstring(&b, " = ");
    luaL_addlstring(&b, s, len);
  }
  luaL_addstring(&b, "}");
  luaL_pushresult(&b);
  return 1;
}

/* ---- frame methods --------------------------------------------------- */

static int frame_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_fud(L, 1)->f->nrows);
  return 1;
}

static void push_columns(lua_State *L, const revl_frame *f) {
  lua_createtable(L, f->ncols, 0);
  for (int i = 0; i < f->ncols; i++) {
    lua_pushstring(L, f->cols[i]->col.name);
    lua_rawseti(L, -2, i + 1);
  }
}

/* {column = "ratio", ...}: how the columns that have a display kind read */
void revl_push_kinds(lua_State *L, const revl_frame *f) {
  lua_createtable(L, 0, 4);
  for (int i = 0; i < f->ncols; i++) {
    const char *k = revl_display_name(f->cols[i]->kind);
    if (!k) continue;
    lua_pushstring(L, k);
    lua_setfield(L, -2, f->cols[i]->col.name);
  }
}

static int frame_column(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  int ci = col_arg(L, fu->f, 2);
  size_t n = fu->f->nrows;
  lua_createtable(L, n > 1u << 24 ? 1 << 24 : (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    push_fcell(L, 1, fu->f, ci, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int frame_count(lua_State *L) { return frame_len(L); }

static int frame_each(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  for (size_t i = 0; i < fu->f->nrows; i++) {
    lua_pushvalue(L, 2);
    push_frow(L, 1, fu, i);
    lua_call(L, 1, 0);
  }
  return 0;
}

static int frame_sort_by(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  revl_sortkey k = {col_arg(L, fu->f, 2), lua_toboolean(L, 3)};
  revl_error err;
  if (revl_frame_sort(fu->f, &k, 1, &err)) return core_fail(L, &err);
  lua_settop(L, 1);
  return 1;
}

/* Rows kept by where(): a growing vector owned by a userdata on the
 * stack, so an error of the Lua predicate frees it with the userdata. */
typedef struct rowbuf {
  uint32_t *v;
  size_t n, cap;
} rowbuf;

static int rowbuf_gc(lua_State *L) {
  rowbuf *b = lua_touserdata(L, 1);
  free(b->v);
  b->v = NULL;
  return 0;
}

static rowbuf *push_rowbuf(lua_State *L) {
  rowbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  if (luaL_newmetatable(L, "revl.cframe.rowbuf")) {
    lua_pushcfunction(L, rowbuf_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

static int frame_where(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  rowbuf *b = push_rowbuf(L); /* 3 */
  for (size_t i = 0; i < fu->f->nrows; i++) {
    lua_pushvalue(L, 2);
    push_frow(L, 1, fu, i);
    lua_call(L, 1, 1);
    int keep = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!keep) continue;
    if (b->n == b->cap) {
      size_t cap = b->cap ? b->cap * 2 : 256;
      uint32_t *nv = realloc(b->v, cap * sizeof *nv);
      if (!nv) return luaL_error(L, "not enough memory");
      b->v = nv;
      b->cap = cap;
    }
    b->v[b->n++] = (uint32_t)i;
  }
  revl_frame *nf;
  revl_error err;
  if (revl_frame_take(fu->f, b->v, b->n, &nf, &err)) return core_fail(L, &err);
  push_derived(L, 1, nf);
  return 1;
}

static int frame_limit(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 0, 2, "limit must not be negative");
  revl_frame *nf;
  revl_error err;
  if (revl_frame_limit(fu->f, (size_t)n, &nf, &err)) return core_fail(L, &err);
  push_derived(L, 1, nf);
  return 1;
}

/* f:rename{old = "new", ...} -> a frame with those columns renamed
 * (revl_frame_rename); the names are checked in sorted order so the
 * first error is the same on every run. */
static int frame_rename(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "rename: expects {old_name = \"new_name\", ...}");
    lua_pop(L, 1);
    n++;
  }
  const char **from = lua_newuserdatauv(L, (size_t)(n ? n : 1) * 2 * sizeof *from, 0);
  const char **to = from + n;
  int k = 0;
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    int j = k++;
    const char *key = lua_tostring(L, -2);
    while (j > 0 && strcmp(from[j - 1], key) > 0) { /* insertion by name */
      from[j] = from[j - 1];
      to[j] = to[j - 1];
      j--;
    }
    from[j] = key; /* both strings are kept alive by the table at 2 */
    to[j] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  revl_frame *nf;
  revl_error err;
  if (revl_frame_rename(fu->f, from, to, n, &nf, &err)) return core_fail(L, &err);
  lua_pop(L, 1);
  push_derived(L, 1, nf);
  return 1;
}

/* f:index(col) -> {value = row}: the last row of each value wins, as the
 * Lua frame's index did (a table assignment per row). */
static int frame_index_m(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  int ci = col_arg(L, fu->f, 2);
  lua_newtable(L);
  for (size_t i = 0; i < fu->f->nrows; i++) {
    if (!revl_frame_valid(fu->f, ci, i)) continue;
    push_fcell(L, 1, fu->f, ci, i);
    /* a NaN cannot be a key either: left out like a null */
    if (lua_type(L, -1) == LUA_TNUMBER && !lua_isinteger(L, -1) &&
        lua_tonumber(L, -1) != lua_tonumber(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    push_frow(L, 1, fu, i);
    lua_settable(L, -3);
  }
  return 1;
}

static int frame_write(lua_State *L, int json) {
  frame_ud *fu = check_fud(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char full[4096];
  revl_error err;
  if (revl_out_skip(L, path, full, sizeof full)) {
    lua_pushstring(L, full);
    return 1;
  }
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return core_fail(L, &err);
  revl_frame_write_rows(fu->f, w, NULL, 0, json, &err); /* all columns: no error */
  return revl_out_commit(L, w, full);
}
static int frame_to_csv(lua_State *L) { return frame_write(L, 0); }
static int frame_to_jsonl(lua_State *L) { return frame_write(L, 1); }

/* revl.write_csv / write_jsonl with a C frame at 2; columns (a list of
 * names, optional) at 3.  Returns the full path. */
int revl_write_frame(lua_State *L, int json) {
  revl_frame *f = revl_check_frame(L, 2);
  const char *path = luaL_checkstring(L, 1);
  int nc = 0, *cols = NULL;
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3))
    return luaL_error(L, "columns must be a list of column names, not %s", luaL_typename(L, 3));
  if (lua_istable(L, 3)) {
    nc = (int)lua_rawlen(L, 3);
    cols = lua_newuserdatauv(L, (size_t)(nc ? nc : 1) * sizeof *cols, 0);
    for (int k = 0; k < nc; k++) {
      lua_rawgeti(L, 3, k + 1);
      cols[k] = col_arg(L, f, lua_gettop(L));
      lua_pop(L, 1);
    }
  }
  char full[4096];
  revl_error err;
  if (revl_out_skip(L, path, full, sizeof full)) {
    lua_pushstring(L, full);
    return 1;
  }
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return core_fail(L, &err);
  if (revl_frame_write_rows(f, w, cols, cols ? nc : 0, json, &err)) {
    revl_csvw_abort(w);
    return core_fail(L, &err);
  }
  return revl_out_commit(L, w, full);
}

/* Parse an aggregate spec table at idx into aggs (cap entries) against
 * frame f; names are borrowed from the Lua table (kept on the stack). */
static int parse_aggs(lua_State *L, int idx, const revl_frame *f, revl_agg *aggs,
                      int cap) {
  int na = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "aggregate names must be strings");
    if (na == cap) luaL_error(L, "too many aggregates (at most %d)", cap);
    revl_agg *a = &aggs[na++];
    a->name = lua_tostring(L, -2);
    a->p = 50;
    a->col = -1;
    if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "count") == 0) {
      a->kind = REVL_AGG_COUNT;
    } else if (lua_istable(L, -1)) {
      int t = lua_gettop(L);
      lua_rawgeti(L, t, 1);
      const char *kind = lua_tostring(L, -1);
      a->kind = kind ? revl_agg_parse(kind) : -1;
      if (a->kind < 0)
        luaL_error(L, "aggregate '%s': unknown kind '%s' (count sum avg min max median "
                      "percentile)", a->name, kind ? kind : "?");
      lua_rawgeti(L, t, 2);
      if (!lua_isstring(L, -1)) luaL_error(L, "aggregate '%s' needs {kind, column}", a->name);
      a->col = col_arg(L, f, lua_gettop(L));
      lua_rawgeti(L, t, 3);
      if (lua_isnumber(L, -1)) a->p = lua_tonumber(L, -1);
      lua_settop(L, t);
    } else {
      luaL_error(L, "aggregate '%s' must be \"count\" or {kind, column}", a->name);
    }
    lua_pop(L, 1);
  }
  return na;
}

/* f:group_by(key, ..., {aggregates}) */
static int frame_group_by(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  int top = lua_gettop(L), aggidx = 0;
  if (top >= 2 && lua_istable(L, top)) aggidx = top--;
  int nk = top - 1;
  if (nk < 1) return luaL_error(L, "group_by needs at least one key column");
  if (nk > 8) return luaL_error(L, "group_by takes at most 8 keys");
  int keys[8];
  for (int i = 0; i < nk; i++) keys[i] = col_arg(L, fu->f, i + 2);
  revl_agg aggs[32];
  int na;
  if (aggidx) {
    na = parse_aggs(L, aggidx, fu->f, aggs, 32);
  } else {
    aggs[0] = (revl_agg){REVL_AGG_COUNT, -1, "n", 0};
    na = 1;
  }
  revl_frame *nf;
  revl_error err;
  if (revl_frame_group_by(fu->f, keys, nk, aggs, na, 1, &nf, &err)) return core_fail(L, &err);
  push_derived(L, 1, nf);
  return 1;
}

/* f:join(other, key [, other_key] [, {left = bool}]) */
static int frame_join(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  frame_ud *ou = check_fud(L, 2);
  int lk = col_arg(L, fu->f, 3);
  int ri = lua_isstring(L, 4) ? 4 : 3;
  int rk = col_arg(L, ou->f, ri);
  int oi = lua_istable(L, 4) ? 4 : 5;
  int left = 0;
  if (lua_istable(L, oi)) {
    lua_getfield(L, oi, "left");
    left = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  revl_frame *nf;
  revl_error err;
  if (revl_frame_join(fu->f, lk, ou->f, rk, left, &nf, &err)) return core_fail(L, &err);
  push_derived(L, 1, nf);
  return 1;
}

/* A list of plain row tables of the frame at fidx. */
static void push_rows(lua_State *L, int fidx, const revl_frame *f) {
  size_t n = f->nrows;
  lua_createtable(L, n > 1u << 24 ? 1 << 24 : (int)n, 1);
  for (size_t i = 0; i < n; i++) {
    frow_table(L, fidx, f, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* f:totable() -> a Lua frame (revl.frame) of plain row tables */
static int frame_totable(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  lua_getglobal(L, "revl");
  lua_getfield(L, -1, "frame");
  push_rows(L, 1, fu->f);
  push_columns(L, fu->f);
  if (!lua_isfunction(L, -3)) {
    lua_setfield(L, -2, "columns");
    return 1;
  }
  lua_call(L, 2, 1);
  return 1;
}

static int frame_tostring(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  lua_pushfstring(L, "frame (%d row%s)", (int)fu->f->nrows, fu->f->nrows == 1 ? "" : "s");
  return 1;
}

static const luaL_Reg frame_methods[] = {
    {"count", frame_count},   {"each", frame_each},       {"sort_by", frame_sort_by},
    {"where", frame_where},   {"limit", frame_limit},     {"index", frame_index_m},
    {"to_csv", frame_to_csv}, {"to_jsonl", frame_to_jsonl}, {"group_by", frame_group_by},
    {"join", frame_join},     {"totable", frame_totable}, {"column", frame_column},
    {"rename", frame_rename},
    {NULL, NULL}};

static int frame_index(lua_State *L) {
  frame_ud *fu = check_fud(L, 1);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lua_Integer i = lua_tointeger(L, 2);
    if (i < 1 || (size_t)i > fu->f->nrows) return 0;
    push_frow(L, 1, fu, (size_t)i - 1);
    return 1;
  }
  const char *k = lua_tostring(L, 2);
  if (!k) return 0;
  if (strcmp(k, "columns") == 0) {
    push_columns(L, fu->f);
    return 1;
  }
  if (strcmp(k, "kinds") == 0) {
    revl_push_kinds(L, fu->f);
    return 1;
  }
  if (strcmp(k, "name") == 0 || strcmp(k, "window") == 0 || strcmp(k, "window_note") == 0) {
    const char *s = k[0] == 'n' ? fu->f->name : k[6] ? fu->f->window_note : fu->f->window;
    if (s) lua_pushstring(L, s);
    else lua_pushnil(L);
    return 1;
  }
  luaL_getmetatable(L, REVL_CFRAME);
  lua_getfield(L, -1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int frame_newindex(lua_State *L) {
  return luaL_error(L, "frames are read-only; use f:totable() for a Lua frame of tables");
}

static void frame_mt(lua_State *L) {
  if (luaL_newmetatable(L, REVL_CFRAME)) {
    lua_pushstring(L, "revl.frame");
    lua_setfield(L, -2, "__name");
    lua_pushcfunction(L, frame_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, frame_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, frame_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, frame_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, frame_tostring);
    lua_setfield(L, -2, "__tostring");
    luaL_newlib(L, frame_methods);
    lua_setfield(L, -2, "methods");
  }
  if (luaL_newmetatable(L, REVL_FROW)) {
    lua_pushstring(L, "revl.frame.row");
    lua_setfield(L, -2, "__name");
    lua_pushcfunction(L, frow_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, frow_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, frow_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, frow_eq);
    lua_setfield(L, -2, "__eq");
    lua_pushcfunction(L, frow_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
}

/* Register the metatables (called once per state by the runtime). */
int luaopen_revl_frame(lua_State *L) {
  frame_mt(L);
  lua_pop(L, 1);
  return 0;
}
