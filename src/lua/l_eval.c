/*
 * l_eval.c -- printing a Lua value on standard output in a chosen
 * format, for `revl eval`: a table (revl.pretty, as the REPL shows it),
 * CSV, JSON Lines or JSON.  Records (frames, views, rules frames, lists
 * of rows) are written by their own writers with the output directory
 * set to "-" (the stdout writer of src/output/csvw.c); lua/eval.lua
 * decides which writer a value takes.  Plain values print one per line:
 * as a CSV cell holds them, or as JSON values.
 */
#include <math.h>
#include <string.h>

#include "lrevl.h"
#include "revl/runtime.h"
#include "revl/sbuf.h"

/* One plain value at idx, as a CSV cell or a JSON value. */
static void put_value(lua_State *L, int idx, int json) {
  char buf[128];
  const char *s;
  size_t len;
  int quote;
  if (json && lua_isnil(L, idx)) {
    fputs("null", stdout);
    return;
  }
  if (json && lua_type(L, idx) == LUA_TNUMBER && !lua_isinteger(L, idx) &&
      !isfinite(lua_tonumber(L, idx))) {
    fputs("null", stdout);
    return;
  }
  int extra = revl_lua_cell_text(L, idx, buf, sizeof buf, &s, &len, &quote);
  if (!json || !quote) {
    fwrite(s, 1, len, stdout);
  } else { /* quoted as the core's JSON writers quote (revl_sb_json) */
    revl_sbuf b = {0};
    revl_sb_json(&b, s, len);
    if (b.oom) fputs("null", stdout);
    else fwrite(revl_sb_str(&b), 1, b.n, stdout);
    revl_sb_free(&b);
  }
  lua_pop(L, extra);
}

/* print_p(value, fmt): runs protected, so a writer's error reaches the
 * caller as a Lua error with its message. */
static int print_p(lua_State *L) {
  int fmt = (int)lua_tointeger(L, 2);
  lua_settop(L, 1);
  if (fmt == REVL_FMT_TABLE) {
    lua_getglobal(L, "revl");
    if (lua_istable(L, -1) && lua_getfield(L, -1, "pretty") == LUA_TFUNCTION) {
      lua_pushvalue(L, 1);
      lua_call(L, 1, 1);
    } else {
      lua_settop(L, 1);
      luaL_tolstring(L, 1, NULL);
    }
    size_t n;
    const char *s = luaL_tolstring(L, -1, &n);
    fwrite(s, 1, n, stdout);
    putchar('\n');
    return 0;
  }
  int json = fmt != REVL_FMT_CSV;
  if (!lua_istable(L, 1) && !lua_isuserdata(L, 1)) { /* nil too */
    put_value(L, 1, json);
    putchar('\n');
    return 0;
  }
  static const char *const names[] = {"table", "csv", "jsonl", "json"};
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.eval_emit");
  lua_pushvalue(L, 1);
  lua_pushstring(L, names[fmt]);
  revl_rt_state *st = revl_rt_get(L);
  const char *dir = st->out_dir;
  int nstdout = st->nstdout; /* a playbook's own --out - output stays counted */
  st->out_dir = "-";
  st->nstdout = 0;
  st->stdout_json = fmt == REVL_FMT_JSON;
  fflush(stdout);
  int rc = lua_pcall(L, 2, 2, 0);
  st->out_dir = dir;
  st->nstdout = nstdout;
  st->stdout_json = 0;
  if (rc != LUA_OK) return lua_error(L);
  if (!lua_istable(L, -2)) return 0; /* written */
  int list = lua_gettop(L) - 1, array = lua_toboolean(L, -1);
  lua_Integer n = (lua_Integer)lua_rawlen(L, list);
  if (array && fmt == REVL_FMT_JSON) putchar('[');
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, list, i);
    if (array && fmt == REVL_FMT_JSON && i > 1) putchar(',');
    put_value(L, lua_gettop(L), json);
    lua_pop(L, 1);
    if (!(array && fmt == REVL_FMT_JSON)) putchar('\n');
  }
  if (array && fmt == REVL_FMT_JSON) fputs("]\n", stdout);
  return 0;
}

/* revl.print(...): each value in the run's --format (a table on a
 * terminal, CSV in a pipe), as revl eval prints it. */
static int l_print(lua_State *L) {
  revl_rt_state *st = revl_rt_get(L);
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    lua_pushcfunction(L, print_p);
    lua_pushvalue(L, i);
    lua_pushinteger(L, st ? st->format : REVL_FMT_TABLE);
    lua_call(L, 2, 0);
  }
  fflush(stdout);
  return 0;
}

void revl_open_print(lua_State *L) {
  lua_pushcfunction(L, l_print);
  lua_setfield(L, -2, "print");
}

int revl_rt_print_value(revl_rt *rt, int idx, int fmt) {
  lua_State *L = revl_rt_lua(rt);
  idx = lua_absindex(L, idx);
  lua_pushcfunction(L, print_p);
  lua_pushvalue(L, idx);
  lua_pushinteger(L, fmt);
  int st = lua_pcall(L, 2, 0, 0);
  fflush(stdout);
  return st;
}
