/*
 * l_mopts.c -- the Lua side the revl.metrics bindings share (see
 * lmetrics.h): common options into the core's structs, core errors into
 * Lua errors with the same text, core frames into today's Lua frames.
 */
#include <math.h>
#include <string.h>

#include "lmetrics.h"

void revl_mopts_check(lua_State *L, int o, const char *fn,
                      const char *const *allowed) {
  if (lua_isnoneornil(L, o)) return;
  if (!lua_istable(L, o))
    luaL_error(L, "revl.metrics.%s: options must be a table, not %s", fn,
               luaL_typename(L, o));
  o = lua_absindex(L, o);
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
      revl_near n;
      revl_near_init(&n, k ? k : "");
      for (int i = 0; allowed[i]; i++) {
        if (i) luaL_addstring(&b, " ");
        luaL_addstring(&b, allowed[i]);
        revl_near_add(&n, allowed[i]);
      }
      luaL_pushresult(&b);
      char hint[256];
      revl_near_hint(&n, hint, sizeof hint);
      luaL_error(L, "revl.metrics.%s: unknown option '%s'%s (options: %s)", fn,
                 k ? k : luaL_typename(L, -2), k ? hint : "", lua_tostring(L, -1));
    }
  }
}

static int opt_get(lua_State *L, int o, const char *key) {
  if (!lua_istable(L, o)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, o, key);
}

void revl_mopts_window(lua_State *L, int o, const char *fn,
                       revl_window_opts *w) {
  memset(w, 0, sizeof *w);
  o = lua_absindex(L, o);
  int ty = opt_get(L, o, "period");
  if (ty == LUA_TSTRING)
    w->period = lua_tostring(L, -1); /* alive in the options table */
  else if (ty != LUA_TNIL)
    luaL_error(L, "revl.metrics.%s: option '%s' must be a string", fn,
               "period");
  lua_pop(L, 1);
  if (opt_get(L, o, "from") != LUA_TNIL)
    w->has_from = revl_check_date(L, -1, &w->from);
  lua_pop(L, 1);
  if (opt_get(L, o, "to") != LUA_TNIL)
    w->has_to = revl_check_date(L, -1, &w->to);
  lua_pop(L, 1);
  ty = opt_get(L, o, "periods");
  double p = 0;
  if (ty == LUA_TNUMBER)
    p = lua_tonumber(L, -1);
  else if (ty != LUA_TNIL)
    luaL_error(L, "revl.metrics.%s: option '%s' must be a number", fn,
               "periods");
  lua_pop(L, 1);
  if (p < 0 || p != floor(p) || p > 100000)
    luaL_error(L, "revl.metrics.%s: 'periods' must be a whole number >= 1", fn);
  w->periods = (int)p;
}

void revl_mopts_by(lua_State *L, int o, const char *fn, revl_by_opts *by) {
  memset(by, 0, sizeof *by);
  int ty = opt_get(L, o, "by");
  if (ty == LUA_TSTRING) {
    by->by[by->nby++] = lua_tostring(L, -1); /* alive in the options */
  } else if (ty == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    if (n > REVL_METRIC_MAXBY)
      luaL_error(L, "revl.metrics.%s: at most %d '%s' fields", fn,
                 REVL_METRIC_MAXBY, "by");
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "revl.metrics.%s: '%s' takes field names", fn, "by");
      by->by[by->nby++] = lua_tostring(L, -1); /* alive in the list */
      lua_pop(L, 1);
    }
  } else if (ty != LUA_TNIL) {
    luaL_error(L, "revl.metrics.%s: '%s' must be a field name or a list of them",
               fn, "by");
  }
  lua_pop(L, 1);
}

void revl_mopts_view(lua_State *L, int idx, const char *fn, revl_view *v) {
  if (lua_isnoneornil(L, idx))
    luaL_error(L, "revl.metrics.%s: argument %d is nil (is that table loaded?)",
               fn, idx);
  if (!luaL_testudata(L, idx, REVL_VIEW))
    luaL_error(L,
               "revl.metrics.%s: argument %d must be a table or view "
               "(e.g. revl.deals), not %s",
               fn, idx, luaL_typename(L, idx));
  revl_table *t;
  revl_view_rows(L, idx, &t, &v->rows, &v->n);
  v->t = t;
}

void revl_mctx_from_lua(lua_State *L, const revl_table *t,
                        revl_metric_ctx *cx) {
  revl_rt_state *rt = revl_rt_get(L);
  cx->store = t ? t->store : NULL;
  cx->as_of = rt ? rt->as_of : 0;
  cx->fiscal_start = rt && rt->fiscal_start >= 1 && rt->fiscal_start <= 12
                         ? rt->fiscal_start
                         : 1;
}

int revl_metric_raise(lua_State *L, const revl_error *err) {
  luaL_where(L, 1); /* where the playbook called the metric, as luaL_error */
  lua_pushstring(L, err && err->msg[0] ? err->msg : "not enough memory");
  lua_concat(L, 2);
  return lua_error(L);
}

/* A cell of f; text of the store's strings through the view's string
 * cache (at vidx) when cache is set -- keys and ids the playbook reads
 * again -- else as plain Lua strings (values read once). */
static void push_cell(lua_State *L, const revl_frame *f, int ci, size_t r, int vidx, int cache) {
  const revl_fcol *fc = f->cols[ci];
  const revl_column *c = &fc->col;
  switch (c->type) {
  case REVL_T_STRING: {
    const revl_intern *in = fc->dict ? fc->dict : &f->own;
    if (cache && f->store && in == &f->store->strings)
      revl_push_string_id(L, vidx, c->v.str[r]);
    else
      lua_pushlstring(L, revl_intern_str(in, c->v.str[r]), revl_intern_len(in, c->v.str[r]));
    break;
  }
  case REVL_T_INT: lua_pushinteger(L, (lua_Integer)c->v.i64[r]); break;
  case REVL_T_NUMBER: lua_pushnumber(L, c->v.f64[r]); break;
  case REVL_T_MONEY: revl_push_money(L, c->v.i64[r], revl_frame_currency(f, ci, r)); break;
  case REVL_T_BOOL: lua_pushboolean(L, c->v.b[r]); break;
  case REVL_T_DATE: revl_push_date(L, c->v.date[r]); break;
  default: revl_push_datetime(L, c->v.i64[r]); break;
  }
}

void revl_push_frame_rows(lua_State *L, const revl_frame *f, int vidx, int cache) {
  if (cache) vidx = lua_absindex(L, vidx);
  lua_createtable(L, (int)(f->nrows < 1u << 24 ? f->nrows : 1u << 24), 1);
  int list = lua_gettop(L);
  for (size_t r = 0; r < f->nrows; r++) {
    lua_createtable(L, 0, f->ncols);
    for (int ci = 0; ci < f->ncols; ci++) {
      if (!revl_frame_valid(f, ci, r)) continue;
      push_cell(L, f, ci, r, vidx, cache);
      lua_setfield(L, -2, f->cols[ci]->col.name);
    }
    lua_rawseti(L, list, (lua_Integer)r + 1);
  }
  /* the frame metatable: frame_sort of an empty list hands it over */
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.frame_sort");
  lua_newtable(L);
  lua_newtable(L);
  lua_call(L, 2, 1);
  lua_getmetatable(L, -1);
  lua_setmetatable(L, list);
  lua_pop(L, 1);
}

void revl_push_metric_frame(lua_State *L, const revl_frame *f) {
  revl_push_frame_rows(L, f, 0, 0);
  int list = lua_gettop(L);
  lua_createtable(L, f->ncols, 0);
  for (int ci = 0; ci < f->ncols; ci++) {
    lua_pushstring(L, f->cols[ci]->col.name);
    lua_rawseti(L, -2, ci + 1);
  }
  lua_setfield(L, list, "columns");
  revl_push_kinds(L, f); /* how its columns read (lua/pretty.lua) */
  lua_setfield(L, list, "kinds");
  /* the window the metric measured, and why when a default moved */
  if (f->window) {
    lua_pushstring(L, f->window);
    lua_setfield(L, list, "window");
  }
  if (f->window_note) {
    lua_pushstring(L, f->window_note);
    lua_setfield(L, list, "window_note");
  }
}

static int push_frame_p(lua_State *L) {
  revl_push_metric_frame(L, lua_touserdata(L, 1));
  return 1;
}

int revl_metric_finish(lua_State *L, int rc, revl_frame *f,
                       const revl_error *err) {
  if (rc) {
    revl_frame_free(f);
    return revl_metric_raise(L, err);
  }
  /* pushed in a protected call: a Lua error (memory) must not leak f */
  lua_pushcfunction(L, push_frame_p);
  lua_pushlightuserdata(L, f);
  int st = lua_pcall(L, 1, 1, 0);
  revl_frame_free(f);
  if (st != LUA_OK) return lua_error(L);
  return 1;
}
