/*
 * l_rules.c -- placeholder: the rules bindings register nothing yet.
 */
#include "lrevl.h"

int luaopen_revl_rules(lua_State *L) {
  (void)L;
  return 0;
}
