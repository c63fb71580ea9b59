/*
 * l_rng.c -- revl.random(seed): a seeded generator (xoshiro256**) whose
 * seeds are recorded for decision logs, with next, int, pick, shuffle.
 */
#include "lrules.h"

/* ---- a seeded random generator ------------------------------------------------------------------ */

typedef struct rng {
  uint64_t s[4];
  lua_Integer seed;
} rng;

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* uniform in [0, n) without modulo bias */
static uint64_t rng_below(rng *r, uint64_t n) {
  uint64_t lim = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = rng_next(r);
  while (x >= lim);
  return x % n;
}

/* revl.random(seed) -> generator; the seed is recorded for decision logs */
int lr_random(lua_State *L) {
  if (!lua_isinteger(L, 1))
    return luaL_error(L, "revl.random needs an integer seed (runs must be reproducible)");
  lua_Integer seed = lua_tointeger(L, 1);
  rng *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->seed = seed;
  uint64_t x = (uint64_t)seed;
  for (int i = 0; i < 4; i++) r->s[i] = splitmix(&x);
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
  lua_pushnumber(L, (double)(rng_next(r) >> 11) * 0x1.0p-53);
  return 1;
}

/* g:int(lo, hi) -> an integer in [lo, hi] */
static int l_rng_int(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_checkinteger(L, 3);
  if (hi < lo) return luaL_error(L, "int(lo, hi) needs lo <= hi");
  uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
  uint64_t x = span == 0 ? rng_next(r) : rng_below(r, span);
  lua_pushinteger(L, (lua_Integer)((uint64_t)lo + x));
  return 1;
}

/* g:pick(list) -> one element */
static int l_rng_pick(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = lua_rawlen(L, 2);
  if (!n) return 0;
  lua_rawgeti(L, 2, (lua_Integer)rng_below(r, n) + 1);
  return 1;
}

/* g:shuffle(list) -> the list, shuffled in place (Fisher-Yates) */
static int l_rng_shuffle(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = lua_rawlen(L, 2);
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)rng_below(r, i) + 1;
    lua_rawgeti(L, 2, (lua_Integer)i);
    lua_rawgeti(L, 2, (lua_Integer)j);
    lua_rawseti(L, 2, (lua_Integer)i);
    lua_rawseti(L, 2, (lua_Integer)j);
  }
  lua_settop(L, 2);
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
