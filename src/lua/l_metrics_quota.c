/*
 * l_metrics_quota.c -- Lua bindings of the forecast, coverage and quota attainment, computed in the core
 * (revl/metric_quota.h): check and parse the options, call the core, push
 * the frame.  Ported so far: none.
 */
#include "lmetrics.h"

void revl_open_metrics_quota(lua_State *L) { (void)L; }
