/*
 * l_metrics_quality.c -- Lua bindings of the data-quality checks
 * (completeness, duplicates, similarity, country, consistency,
 * timeliness) computed in the core (revl/metric_quality.h): check and
 * parse the options, call the core, push the frame.  Ported so far: none.
 */
#include "lmetrics.h"

void revl_open_metrics_quality(lua_State *L) { (void)L; }
