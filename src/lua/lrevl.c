/*
 * lrevl.c -- what every Lua binding shares and nothing else: the
 * runtime's per-state settings, the per-call budget counters and output
 * paths under --out.
 *
 * Kept apart from runtime.c so that the bindings depend on this file
 * and runtime.c depends on the bindings it opens, never the other way
 * round (no circle between runtime.c and l_*.c).
 */
#include <stdio.h>
#include <string.h>

#include "lrevl.h"
#include "revl/csvw.h"

/* rules engine: a counter bumped per Lua call and a flag while inside
 * one; the runtime's watchdog (runtime.c) reads them */
volatile sig_atomic_t revl_call_seq, revl_in_call;

revl_rt_state *revl_rt_get(lua_State *L) {
  revl_rt_state *st = NULL;
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rt");
  st = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return st;
}

int revl_out_path(lua_State *L, const char *path, char *buf, size_t n) {
  revl_rt_state *st = revl_rt_get(L);
  int allow_io = st && st->allow_io;
  const char *out_dir = st && st->out_dir ? st->out_dir : ".";
  if (!allow_io) {
    if (path[0] == '/')
      return luaL_error(L, "output path '%s' must be relative to --out "
                           "(absolute paths need --allow-io)", path);
    for (const char *p = path; *p; p++)
      if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/') &&
          (p[2] == '/' || p[2] == '\0'))
        return luaL_error(L, "output path '%s' may not leave --out (no '..')", path);
  }
  if (path[0] == '/') snprintf(buf, n, "%s", path);
  else snprintf(buf, n, "%s/%s", out_dir, path);
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", buf);
  char *slash = strrchr(dir, '/');
  if (slash && slash != dir) {
    *slash = '\0';
    revl_error err;
    if (revl_mkdirs(dir, &err)) return luaL_error(L, "%s: %s", err.file, err.msg);
  }
  return 0;
}
