/*
 * l_metrics_revenue.c -- Lua bindings of the revenue and data metrics
 * computed in the core (revl/metric_revenue.h): check and parse the
 * options, call the core, push the frames.  Ported: window, mrr, nrr.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_revenue.h"
#include "revl/metrics.h"

/* revl.metrics.window({period, from, to, periods}) -> the periods */
static int lm_window(lua_State *L) {
  static const char *const allowed[] = {"period", "from", "to", "periods",
                                        NULL};
  const char *fn = "window";
  revl_mopts_check(L, 1, fn, allowed);
  revl_window_opts wo = {0};
  revl_mopts_window(L, 1, fn, &wo);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, NULL, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  if (revl_metric_window(&cx, &wo, &f, &err)) return revl_metric_raise(L, &err);
  revl_push_metric_frame(L, f);
  revl_frame_free(f);
  return 1;
}

static const char *const by_period_opts[] = {"by", "period",  "from",
                                             "to", "periods", NULL};

/* Push opts[key] (nil without options); returns its type. */
static int opt_get(lua_State *L, int o, const char *key) {
  if (!lua_istable(L, o)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, o, key);
}

#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)
#define MAXBY_TEXT TEXT(REVL_METRIC_MAXBY)

/* The `by` option at o into by, as revl_mopts_by does, except that a
 * malformed one is not raised here: its text is returned (NULL when
 * fine) for the core to raise in the order the metric checks things. */
static const char *opt_by_late(lua_State *L, int o, revl_by_opts *by) {
  memset(by, 0, sizeof *by);
  const char *bad = NULL;
  int ty = opt_get(L, o, "by");
  if (ty == LUA_TSTRING) {
    by->by[by->nby++] = lua_tostring(L, -1); /* alive in the options */
  } else if (ty == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    if (n > REVL_METRIC_MAXBY) bad = "at most " MAXBY_TEXT " 'by' fields";
    for (int i = 1; !bad && i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING)
        bad = "'by' takes field names";
      else
        by->by[by->nby++] = lua_tostring(L, -1); /* alive in the list */
      lua_pop(L, 1);
    }
  } else if (ty != LUA_TNIL) {
    bad = "'by' must be a field name or a list of them";
  }
  lua_pop(L, 1);
  return bad;
}

/* revl.metrics.mrr(subscriptions, {by, period, from, to, periods}) */
static int lm_mrr(lua_State *L) {
  const char *fn = "mrr";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, by_period_opts);
  revl_mrr_opts o;
  memset(&o, 0, sizeof o);
  revl_mopts_window(L, 2, fn, &o.win);
  o.by_error = opt_by_late(L, 2, &o.by);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  int rc = revl_metric_mrr(&cx, &v, &o, &f, &err);
  return revl_metric_finish(L, rc, f, &err);
}

/* revl.metrics.nrr(subscriptions, {by, period, from, to, periods}) */
static int lm_nrr(lua_State *L) {
  const char *fn = "nrr";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, by_period_opts);
  revl_nrr_opts o;
  memset(&o, 0, sizeof o);
  static const char *const keys[] = {"period", "from", "to", "periods"};
  for (int i = 0; i < 4; i++) {
    o.window_given |= opt_get(L, 2, keys[i]) != LUA_TNIL;
    lua_pop(L, 1);
  }
  revl_mopts_window(L, 2, fn, &o.win);
  o.by_error = opt_by_late(L, 2, &o.by);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  int rc = revl_metric_nrr(&cx, &v, &o, &f, &err);
  return revl_metric_finish(L, rc, f, &err);
}

void revl_open_metrics_revenue(lua_State *L) {
  static const luaL_Reg funcs[] = {{"window", lm_window},
                                   {"mrr", lm_mrr},
                                   {"nrr", lm_nrr},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
