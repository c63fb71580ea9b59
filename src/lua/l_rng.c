/*
 * l_rng.c -- revl.random(seed): the core's seeded generator (revl/rng.h)
 * as a Lua object whose seeds are recorded for decision logs, with
 * next, int, pick, shuffle.
 */
#include "lrules.h"
#include "revl/rng.h"

/* ---- a seeded random generator ------------------------------------------------------------------ */

typedef struct rng {
  revl_rng g; /* the core's (src/rules/rng.c) */
  lua_Integer seed;
} rng;

/* revl.random(seed) -> generator; the seed is recorded for decision logs */
int lr_random(lua_State *L) {
  if (!lua_isinteger(L, 1))
    return luaL_error(L, "revl.random needs an integer seed (runs must be reproducible)");
  lua_Integer seed = lua_tointeger(L, 1);
  rng *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->seed = seed;
  revl_rng_seed(&r->g, (uint64_t)seed);
  luaL_setmetatable(L, RULES_RANDOM);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.seeds");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "revl.rules.seeds");
  }
  int known = 0;
  size_t k = lua_rawlen(L, -1);
  for (size_t i = 1; i <= k && !known; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i);
    known = lua_tointeger(L, -1) == seed;
    lua_pop(L, 1);
  }
  if (!known) {
    lua_pushinteger(L, seed);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_pop(L, 1);
  return 1;
}

/* g:next() -> a float in [0, 1) */
static int l_rng_next(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  lua_pushnumber(L, revl_rng_unit(&r->g));
  return 1;
}

/* g:int(lo, hi) -> an integer in [lo, hi] */
static int l_rng_int(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_checkinteger(L, 3);
  if (hi < lo) return luaL_error(L, "int(lo, hi) needs lo <= hi");
  lua_pushinteger(L, (lua_Integer)revl_rng_range(&r->g, lo, hi));
  return 1;
}

/* g:pick(list) -> one element */
static int l_rng_pick(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = lua_rawlen(L, 2);
  if (!n) return 0;
  lua_rawgeti(L, 2, (lua_Integer)revl_rng_below(&r->g, n) + 1);
  return 1;
}

static void swap_items(void *ud, size_t i, size_t j) {
  lua_State *L = ud;
  lua_rawgeti(L, 2, (lua_Integer)i);
  lua_rawgeti(L, 2, (lua_Integer)j);
  lua_rawseti(L, 2, (lua_Integer)i);
  lua_rawseti(L, 2, (lua_Integer)j);
}

/* g:shuffle(list) -> the list, shuffled in place (revl_rng_shuffle) */
static int l_rng_shuffle(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  revl_rng_shuffle(&r->g, lua_rawlen(L, 2), swap_items, L);
  return 1;
}

static int l_rng_index(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "seed") == 0) {
    lua_pushinteger(L, r->seed);
    return 1;
  }
  lua_getfield(L, lua_upvalueindex(1), k);
  return 1;
}

static const luaL_Reg rng_methods[] = {
    {"next", l_rng_next}, {"int", l_rng_int}, {"pick", l_rng_pick},
    {"shuffle", l_rng_shuffle}, {NULL, NULL}};

void lr_open_rng(lua_State *L) { lr_new_meta(L, RULES_RANDOM, rng_methods, l_rng_index, NULL, NULL); }
