/*
 * l_metrics.c -- placeholder: the metrics bindings register nothing yet.
 */
#include "lrevl.h"

int luaopen_revl_metrics(lua_State *L) {
  (void)L;
  return 0;
}
