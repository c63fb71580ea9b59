/*
 * l_write.c -- revl.write_csv / revl.write_jsonl for Lua: a C frame goes
 * to the core's writer (revl_write_frame); a list of Lua tables is
 * written here, one cell at a time through the atomic writer
 * (revl/csvw.h), whose temporary file an error removes (the "revl.csvw"
 * metatable's __gc).  Also the text of one Lua value as a CSV cell holds
 * it (revl_lua_cell_text), shared with `revl eval`.
 */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/parse.h"

/* revl.write_csv(path, rows, columns) / revl.write_jsonl(path, rows, columns):
 * rows a list of tables (or a frame); columns default to the frame's or
 * the sorted keys of the first row. */
static void push_columns(lua_State *L, int rows, int cols) {
  if (!lua_isnoneornil(L, cols)) {
    lua_pushvalue(L, cols);
    return;
  }
  lua_getfield(L, rows, "columns");
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.row_keys");
  lua_pushvalue(L, rows);
  lua_call(L, 1, 1);
}

int revl_lua_cell_text(lua_State *L, int idx, char *buf, size_t n,
                     const char **s, size_t *len, int *quote) {
  revl_money_ud *m;
  *quote = 0;
  switch (lua_type(L, idx)) {
  case LUA_TNIL: *s = ""; *len = 0; return 0;
  case LUA_TBOOLEAN:
    *s = lua_toboolean(L, idx) ? "true" : "false";
    *len = strlen(*s);
    return 0;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) snprintf(buf, n, "%lld", (long long)lua_tointeger(L, idx));
    else {
      double d = lua_tonumber(L, idx);
      snprintf(buf, n, "%.15g", d);
      if (strtod(buf, NULL) != d) snprintf(buf, n, "%.17g", d);
    }
    *s = buf;
    *len = strlen(buf);
    return 0;
  case LUA_TSTRING:
    *s = lua_tolstring(L, idx, len);
    *quote = 1;
    return 0;
  default:
    if ((m = revl_test_money(L, idx))) {
      revl_format_money(m->minor, revl_currency_decimals(m->cur), 0, buf, n);
      *s = buf;
      *len = strlen(buf);
      return 0;
    }
    *s = luaL_tolstring(L, idx, len); /* dates and anything else */
    *quote = 1;
    return 1;
  }
}


static int write_rows(lua_State *L, int json) {
  if (revl_test_frame(L, 2)) return revl_write_frame(L, json); /* by the core */
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 3);
  push_columns(L, 2, 3); /* 4 */
  int nc = (int)lua_rawlen(L, 4);
  char full[4096];
  revl_error err;
  if (revl_out_skip(L, path, full, sizeof full)) {
    lua_pushstring(L, full);
    return 1;
  }
  /* the anchor before w (its allocation can raise): if anything below
   * raises, the temp file is removed */
  revl_csvw **wp = lua_newuserdatauv(L, sizeof *wp, 0); /* 5 */
  *wp = NULL;
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.csvw_mt");
  lua_setmetatable(L, -2);
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return revl_raise(L, &err);
  *wp = w;
  char buf[128];
  if (!json) {
    for (int k = 1; k <= nc; k++) {
      lua_rawgeti(L, 4, k);
      revl_csvw_str(w, luaL_tolstring(L, -1, NULL));
      lua_pop(L, 2);
    }
    revl_csvw_end(w);
  }
  lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, i); /* 6 */
    if (json) revl_csvw_raw(w, "{", 1);
    for (int k = 1; k <= nc; k++) {
      lua_rawgeti(L, 4, k); /* 7 */
      lua_pushvalue(L, -1);
      lua_gettable(L, 6);   /* 8 */
      const char *s;
      size_t len;
      int quote;
      int extra = revl_lua_cell_text(L, 8, buf, sizeof buf, &s, &len, &quote);
      if (json) {
        size_t kl;
        const char *ks = luaL_tolstring(L, 7, &kl);
        if (k > 1) revl_csvw_raw(w, ",", 1);
        revl_csvw_json(w, ks, kl);
        lua_pop(L, 1);
        revl_csvw_raw(w, ":", 1);
        if (lua_isnil(L, 8)) revl_csvw_raw(w, "null", 4);
        else if (quote) revl_csvw_json(w, s, len);
        else revl_csvw_raw(w, s, len);
      } else {
        revl_csvw_field(w, s, len);
      }
      lua_pop(L, 2 + extra);
    }
    if (json) revl_csvw_raw(w, "}\n", 2);
    else revl_csvw_end(w);
    lua_pop(L, 1);
  }
  lua_pushstring(L, full); /* first: raising now still removes the temp file */
  *wp = NULL;
  if (revl_csvw_commit(w, &err)) return revl_raise(L, &err);
  return 1;
}

static int csvw_gc(lua_State *L) {
  revl_csvw **wp = lua_touserdata(L, 1);
  if (*wp) revl_csvw_abort(*wp);
  *wp = NULL;
  return 0;
}

int revl_l_write_csv(lua_State *L) { return write_rows(L, 0); }
int revl_l_write_jsonl(lua_State *L) { return write_rows(L, 1); }

void revl_open_write(lua_State *L) {
  luaL_newmetatable(L, "revl.csvw");
  lua_pushcfunction(L, csvw_gc);
  lua_setfield(L, -2, "__gc");
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.csvw_mt");
}
