/*
 * l_metrics_revenue.c -- Lua bindings of the revenue and data metrics
 * ported to the core (revl/metric_revenue.h): parse options, call the
 * core, push the frame.  Ported so far: window.
 */
#include "lmetrics.h"
#include "revl/metric_revenue.h"

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

void revl_open_metrics_revenue(lua_State *L) {
  static const luaL_Reg funcs[] = {{"window", lm_window}, {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
