/*
 * l_metrics_closed.c -- Lua bindings of the closed-deal metrics (win
 * rate, deal size, sales cycle, velocity, performance), computed in the
 * core (revl/metric_closed.h): check and parse the options, call the
 * core, push the frame.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_closed.h"

typedef int (*closed_fn)(const revl_metric_ctx *, const revl_view *, const revl_closed_opts *,
                         revl_frame **, revl_error *);

static int closed(lua_State *L, const char *fn, closed_fn f) {
  static const char *const allowed[] = {"by", "period", "from", "to", "periods", NULL};
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  revl_closed_opts o;
  memset(&o, 0, sizeof o);
  revl_mopts_window(L, 2, fn, &o.win);
  revl_mopts_by(L, 2, fn, &o.by);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *fr = NULL;
  int rc = f(&cx, &v, &o, &fr, &err);
  return revl_metric_finish(L, rc, fr, &err);
}

static int lm_win_rate(lua_State *L) { return closed(L, "win_rate", revl_metric_win_rate); }
static int lm_deal_size(lua_State *L) { return closed(L, "deal_size", revl_metric_deal_size); }
static int lm_sales_cycle(lua_State *L) {
  return closed(L, "sales_cycle", revl_metric_sales_cycle);
}
static int lm_velocity(lua_State *L) { return closed(L, "velocity", revl_metric_velocity); }
static int lm_performance(lua_State *L) {
  return closed(L, "performance", revl_metric_performance);
}

void revl_open_metrics_closed(lua_State *L) {
  static const luaL_Reg funcs[] = {{"win_rate", lm_win_rate},
                                   {"deal_size", lm_deal_size},
                                   {"sales_cycle", lm_sales_cycle},
                                   {"velocity", lm_velocity},
                                   {"performance", lm_performance},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
