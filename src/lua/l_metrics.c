/*
 * l_metrics.c -- revl.metrics for Lua: the module table.  Every metric
 * is computed in the core (src/metrics/, one file per family) and bound
 * by its family's file (l_metrics_deals.c, l_metrics_quota.c,
 * l_metrics_closed.c, l_metrics_stages.c, l_metrics_revenue.c,
 * l_metrics_quality.c), which registers its functions here; the Lua
 * helpers built on them live in lua/metrics.lua, and docs/metrics.md is
 * the reference for every formula.
 */
#include "lmetrics.h"
#include "lrevl.h"

/* ---- registration
 * --------------------------------------------------------------- */

static const luaL_Reg metric_funcs[] = {
    {"name_key", revl_lua_company_key},
    {"domain_key", revl_lua_domain_key},
    {NULL, NULL}};

/* revl.metrics: the C metrics; lua/metrics.lua adds the Lua ones. */
int luaopen_revl_metrics(lua_State *L) {
  lua_newtable(L);
  luaL_setfuncs(L, metric_funcs, 0);
  /* metrics ported to the core, registered by their family files after
   * the entries above, so they replace them */
  revl_open_metrics_deals(L);
  revl_open_metrics_quota(L);
  revl_open_metrics_closed(L);
  revl_open_metrics_stages(L);
  revl_open_metrics_revenue(L);
  revl_open_metrics_quality(L);
  lua_setfield(L, -2, "metrics");
  return 0;
}
