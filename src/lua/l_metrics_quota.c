/*
 * l_metrics_quota.c -- Lua bindings of coverage and quota attainment,
 * computed in the core (revl/metric_quota.h): check and parse the
 * options, call the core, push the frame.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_quota.h"

/* A quota value at idx (money, a number, or anything else). */
static void quota_value(lua_State *L, int idx, revl_quota_value *q) {
  memset(q, 0, sizeof *q);
  revl_money_ud *m = revl_test_money(L, idx);
  if (m) {
    q->kind = 1;
    q->minor = m->minor;
    q->cur = m->cur; /* alive while the options are */
  } else if (lua_type(L, idx) == LUA_TNUMBER) {
    q->kind = 2;
    q->num = lua_tonumber(L, idx);
  } else if (!lua_isnil(L, idx)) {
    q->kind = 3;
  }
}

static int quota(lua_State *L, const char *fn, int coverage) {
  static const char *const allowed[] = {"by",    "period",  "from",  "to", "periods",
                                        "quota", "prorate", "roles", NULL};
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  revl_quota_opts o;
  memset(&o, 0, sizeof o);
  revl_mopts_window(L, 2, fn, &o.win);
  revl_mopts_by(L, 2, fn, &o.by);
  o.prorate = 1;
  if (lua_istable(L, 2)) {
    if (lua_getfield(L, 2, "prorate") != LUA_TNIL) o.prorate = lua_toboolean(L, -1);
    lua_pop(L, 1);
    int rt = lua_getfield(L, 2, "roles"); /* stays on the stack: the names live there */
    if (rt == LUA_TSTRING && strcmp(lua_tostring(L, -1), "all") == 0) {
      o.all_roles = 1;
    } else if (rt == LUA_TTABLE) {
      int ri = lua_gettop(L), n = (int)lua_rawlen(L, ri);
      const char **names = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *names, 0);
      for (int k = 0; k < n; k++) {
        if (lua_rawgeti(L, ri, k + 1) != LUA_TSTRING)
          return luaL_error(L, "revl.metrics.%s: roles must be a list of role names or \"all\"",
                            fn);
        names[k] = lua_tostring(L, -1);
        lua_pop(L, 1); /* still referenced by the roles table */
      }
      if (n == 0) return luaL_error(L, "revl.metrics.%s: roles = {} names no role", fn);
      o.roles = names;
      o.nroles = n;
    } else if (rt != LUA_TNIL) {
      return luaL_error(L, "revl.metrics.%s: roles must be a list of role names or \"all\", not %s",
                        fn, rt == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    int ty = lua_getfield(L, 2, "quota"); /* stays on the stack */
    int qi = lua_gettop(L);
    if (ty == LUA_TTABLE && !revl_test_money(L, qi)) {
      o.mode = 2;
      int n = 0;
      lua_pushnil(L);
      while (lua_next(L, qi)) {
        lua_pop(L, 1);
        n++;
      }
      revl_quota_entry *e = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *e, 0);
      lua_pushnil(L);
      while (lua_next(L, qi)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
          e[o.ntable].key = lua_tostring(L, -2);
          quota_value(L, -1, &e[o.ntable].v);
          o.ntable++;
        }
        lua_pop(L, 1);
      }
      o.table = e;
    } else if (ty != LUA_TNIL) {
      o.mode = 1;
      quota_value(L, qi, &o.amount);
    }
  }
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  int rc = coverage ? revl_metric_coverage(&cx, &v, &o, &f, &err)
                    : revl_metric_quota_attainment(&cx, &v, &o, &f, &err);
  return revl_metric_finish(L, rc, f, &err);
}

static int lm_coverage(lua_State *L) { return quota(L, "coverage", 1); }
static int lm_quota_attainment(lua_State *L) { return quota(L, "quota_attainment", 0); }

void revl_open_metrics_quota(lua_State *L) {
  static const luaL_Reg funcs[] = {{"coverage", lm_coverage},
                                   {"quota_attainment", lm_quota_attainment},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
