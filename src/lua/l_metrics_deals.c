/*
 * l_metrics_deals.c -- Lua bindings of the deal metrics ported to the
 * core (owned by the deals family; empty until they land).
 */
#include "lmetrics.h"

void revl_open_metrics_deals(lua_State *L) { (void)L; }
