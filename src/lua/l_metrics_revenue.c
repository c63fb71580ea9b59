/*
 * l_metrics_revenue.c -- Lua bindings of the revenue metrics ported to
 * the core (owned by the revenue family; empty until they land).
 */
#include "lmetrics.h"

void revl_open_metrics_revenue(lua_State *L) { (void)L; }
