/*
 * l_route.c -- placeholder: the route bindings register nothing yet.
 */
#include "lrevl.h"

int luaopen_revl_route(lua_State *L) {
  (void)L;
  return 0;
}
