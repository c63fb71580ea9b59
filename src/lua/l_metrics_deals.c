/*
 * l_metrics_deals.c -- Lua bindings of the deal metrics computed in the
 * core (revl/metric_deals.h): check and parse the options, call the
 * core, push the frame: weighted_pipeline and forecast.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_deals.h"

/* revl.metrics.weighted_pipeline(deals, {by, period, from, to, periods,
 * probabilities = {Stage = p}}) */
static int lm_weighted_pipeline(lua_State *L) {
  static const char *const allowed[] = {
      "by", "period", "from", "to", "periods", "probabilities", NULL};
  const char *fn = "weighted_pipeline";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  revl_weighted_pipeline_opts o;
  memset(&o, 0, sizeof o);
  revl_mopts_window(L, 2, fn, &o.win);
  revl_mopts_by(L, 2, fn, &o.by);
  int ty = lua_istable(L, 2) ? lua_getfield(L, 2, "probabilities") : LUA_TNIL;
  if (!lua_istable(L, 2)) lua_pushnil(L);
  if (ty == LUA_TTABLE) {
    int pt = lua_gettop(L), n = 0;
    lua_pushnil(L);
    while (lua_next(L, pt)) {
      lua_pop(L, 1);
      n++;
    }
    revl_stage_prob *pr = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *pr, 0);
    lua_pushnil(L);
    while (lua_next(L, pt)) {
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TNUMBER)
        luaL_error(L, "revl.metrics.%s: probabilities maps stage names to numbers",
                   fn);
      pr[o.nprobs].stage = lua_tostring(L, -2); /* alive in the table */
      pr[o.nprobs++].p = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    o.probs = pr;
  } else if (ty != LUA_TNIL) {
    luaL_error(L, "revl.metrics.%s: probabilities must be a table {Stage = p}", fn);
  }
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  int rc = revl_metric_weighted_pipeline(&cx, &v, &o, &f, &err);
  return revl_metric_finish(L, rc, f, &err);
}

/* revl.metrics.forecast(deals, {by, period, from, to, periods}) */
static int lm_forecast(lua_State *L) {
  static const char *const allowed[] = {"by", "period", "from", "to", "periods", NULL};
  const char *fn = "forecast";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  revl_forecast_opts o;
  memset(&o, 0, sizeof o);
  revl_mopts_window(L, 2, fn, &o.win);
  revl_mopts_by(L, 2, fn, &o.by);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  int rc = revl_metric_forecast(&cx, &v, &o, &f, &err);
  return revl_metric_finish(L, rc, f, &err);
}

void revl_open_metrics_deals(lua_State *L) {
  static const luaL_Reg funcs[] = {{"weighted_pipeline", lm_weighted_pipeline},
                                   {"forecast", lm_forecast},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
