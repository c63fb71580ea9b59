/*
 * l_metrics_stages.c -- Lua bindings of the stage metrics (conversion, time in stage, aging, slipped deals) and the pipeline waterfall, computed in the core
 * (revl/metric_stages.h): check and parse the options, call the core, push
 * the frame.  Ported so far: none.
 */
#include "lmetrics.h"

void revl_open_metrics_stages(lua_State *L) { (void)L; }
