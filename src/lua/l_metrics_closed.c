/*
 * l_metrics_closed.c -- Lua bindings of the closed-deal stats (win rate, deal size, sales cycle, velocity, performance) and the lead funnel, computed in the core
 * (revl/metric_closed.h): check and parse the options, call the core, push
 * the frame.  Ported so far: none.
 */
#include "lmetrics.h"

void revl_open_metrics_closed(lua_State *L) { (void)L; }
