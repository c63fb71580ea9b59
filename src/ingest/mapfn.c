/*
 * mapfn.c -- the mapping file's Lua state, and the derive functions it
 * keeps: `derive = { tier = { from = "Employees", fn = function(v) ...
 * end } }`.  The state is bare (no libraries in the chunk's environment)
 * with its memory capped; a mapping with functions keeps it after the
 * read, gives the functions a sandbox (string, math, table, utf8 and a
 * few base functions: no io, os, load, require, pcall or clock) and
 * calls them through the revl_derive_cb callback the ingest core knows,
 * each call under an instruction budget.  The core memoizes the results
 * (transform.c), so a function runs once per distinct source value.
 */
#include "mapint.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MEMORY (64u << 20)
#define FN_BUDGET 1000000 /* instructions per call */
#define CHUNK "mapping"   /* chunk name of the mapping file (mapping.c) */

struct revl_mapfn {
  size_t used;          /* bytes allocated by the state */
  int capped;           /* an allocation was refused for the cap */
  lua_State *L;
  char *path;           /* the mapping file, for messages */
  int nfn;              /* functions kept */
  pthread_mutex_t mu;   /* one call at a time */
};

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  revl_mapfn *h = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    h->used -= old;
    return NULL;
  }
  if (nsize > old && h->used + (nsize - old) > MAX_MEMORY) {
    h->capped = 1;
    return NULL;
  }
  void *p = realloc(ptr, nsize);
  if (p) h->used = h->used - old + nsize;
  return p;
}

revl_mapfn *revl_mapfn_new(const char *path) {
  revl_mapfn *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  if (!(h->path = strdup(path ? path : "mapping.lua")) ||
      !(h->L = lua_newstate(limited_alloc, h))) {
    free(h->path);
    free(h);
    return NULL;
  }
  pthread_mutex_init(&h->mu, NULL);
  return h;
}

lua_State *revl_mapfn_state(revl_mapfn *h) { return h->L; }

int revl_mapfn_capped(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ((revl_mapfn *)ud)->capped;
}

/* ---- calling -------------------------------------------------------- */

static void fn_hook(lua_State *L, lua_Debug *ar) {
  lua_getinfo(L, "l", ar);
  lua_pushfstring(L, CHUNK ":%d: the function runs too long (stopped after "
                     "%d instructions for one value)", ar->currentline,
                  FN_BUDGET);
  lua_error(L);
}

typedef struct call {
  int id;
  const char *s;
  size_t n;
  int *kind;
  char *out;
  size_t cap, *outn;
  char bad[64];     /* a result revl does not take: what it was */
} call;

/* The call itself, in protected mode: pushing allocates. */
static int call_p(lua_State *L) {
  call *c = lua_touserdata(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->id);
  if (c->s) lua_pushlstring(L, c->s, c->n);
  else lua_pushnil(L);
  lua_sethook(L, fn_hook, LUA_MASKCOUNT, FN_BUDGET);
  lua_call(L, 1, 1);
  lua_sethook(L, NULL, 0, 0);
  const char *r = NULL;
  char num[64];
  size_t rn = 0;
  switch (lua_type(L, -1)) {
  case LUA_TNIL: *c->kind = REVL_FN_NIL; break;
  case LUA_TBOOLEAN:
    *c->kind = REVL_FN_BOOL;
    r = lua_toboolean(L, -1) ? "true" : "false";
    rn = strlen(r);
    break;
  case LUA_TNUMBER:
    *c->kind = REVL_FN_NUMBER;
    if (lua_isinteger(L, -1)) {
      snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, -1));
    } else {
      double d = lua_tonumber(L, -1);
      if (!isfinite(d)) {
        snprintf(c->bad, sizeof c->bad, "a number that is not finite (%g)", d);
        return 0;
      }
      snprintf(num, sizeof num, "%.15g", d);
    }
    r = num;
    rn = strlen(num);
    break;
  case LUA_TSTRING:
    *c->kind = REVL_FN_TEXT;
    r = lua_tolstring(L, -1, &rn);
    break;
  default:
    snprintf(c->bad, sizeof c->bad, "a %s", luaL_typename(L, -1));
    return 0;
  }
  if (rn > c->cap) {
    snprintf(c->bad, sizeof c->bad, "a string longer than %zu bytes", c->cap);
    return 0;
  }
  if (rn) memcpy(c->out, r, rn);
  *c->outn = rn;
  return 0;
}

/* "mapping:5: msg" as "<mapping file>:5: msg". */
static void lua_message(const revl_mapfn *h, const char *m, char *why,
                        size_t whysize) {
  size_t k = strlen(CHUNK);
  if (m && strncmp(m, CHUNK ":", k + 1) == 0)
    snprintf(why, whysize, "%s:%s", h->path, m + k + 1);
  else
    snprintf(why, whysize, "%s (in its function in %s)",
             m ? m : "an error that is not a string", h->path);
}

static int call_fn(void *ud, int id, const char *s, size_t n, int *kind,
                   char *out, size_t cap, size_t *outn, char *why,
                   size_t whysize) {
  revl_mapfn *h = ud;
  call c = {id, s, n, kind, out, cap, outn, ""};
  *outn = 0;
  pthread_mutex_lock(&h->mu);
  lua_State *L = h->L;
  lua_settop(L, 0);
  lua_pushcfunction(L, call_p);
  lua_pushlightuserdata(L, &c);
  int st = lua_pcall(L, 1, 0, 0), rc = 0;
  lua_sethook(L, NULL, 0, 0);
  if (st == LUA_ERRMEM) {
    snprintf(why, whysize, "its function uses too much memory (the mapping's "
             "Lua state may have %u MiB)", MAX_MEMORY >> 20);
    rc = -1;
  } else if (st != LUA_OK) {
    lua_message(h, lua_tostring(L, -1), why, whysize);
    rc = -1;
  } else if (c.bad[0]) {
    snprintf(why, whysize, "function returned %s (it must return a string, "
             "number, boolean or nil)", c.bad);
    rc = -1;
  }
  lua_settop(L, 0);
  pthread_mutex_unlock(&h->mu);
  return rc;
}

/* ---- keeping ------------------------------------------------------- */

int revl_mapfn_add(lua_State *L, int idx, revl_derive *d) {
  void *ud;
  lua_getallocf(L, &ud);
  revl_mapfn *h = ud;
  lua_pushvalue(L, idx);
  d->fn_id = luaL_ref(L, LUA_REGISTRYINDEX);
  if (d->fn_id == LUA_REFNIL || d->fn_id == LUA_NOREF) return REVL_ENOMEM;
  d->fn = call_fn;
  d->fn_ud = h;
  h->nfn++;
  return 0;
}

static void copy_fields(lua_State *L, int from, const char *const *names) {
  for (int i = 0; names[i]; i++) {
    lua_getfield(L, from, names[i]);
    lua_setfield(L, -2, names[i]);
  }
}

/* The functions' environment, in protected mode. */
static int sandbox_p(lua_State *L) {
  static const char *const base[] = {"assert", "error", "ipairs", "next",
      "pairs", "select", "tonumber", "tostring", "type", "rawequal",
      "rawget", "rawlen", NULL};
  static const char *const mathf[] = {"abs", "ceil", "floor", "fmod",
      "huge", "max", "maxinteger", "min", "mininteger", "modf", "pi",
      "sqrt", "tointeger", "type", "ult", "exp", "log", NULL};
  luaL_requiref(L, "_G", luaopen_base, 0);
  luaL_requiref(L, "string", luaopen_string, 0); /* strings' methods too */
  luaL_requiref(L, "math", luaopen_math, 0);
  luaL_requiref(L, "table", luaopen_table, 0);
  luaL_requiref(L, "utf8", luaopen_utf8, 0);
  int g = lua_gettop(L) - 4;
  lua_newtable(L); /* the environment */
  copy_fields(L, g, base);
  lua_newtable(L);
  copy_fields(L, g + 2, mathf); /* no random: it reads the clock */
  lua_setfield(L, -2, "math");
  /* string: the library table itself (strings' methods index it), with
   * dump removed */
  lua_pushnil(L);
  lua_setfield(L, g + 1, "dump");
  lua_pushvalue(L, g + 1);
  lua_setfield(L, -2, "string");
  lua_pushvalue(L, g + 3);
  lua_setfield(L, -2, "table");
  lua_pushvalue(L, g + 4);
  lua_setfield(L, -2, "utf8");
  /* the chunk's _ENV (its first upvalue, shared by every function it
   * made) becomes this environment */
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.chunk");
  lua_pushvalue(L, -2);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  return 0;
}

int revl_mapfn_finish(revl_mapfn **hp) {
  revl_mapfn *h = *hp;
  if (!h) return 0;
  lua_State *L = h->L;
  if (!h->nfn) {
    revl_mapfn_free(h);
    *hp = NULL;
    return 0;
  }
  lua_settop(L, 0);
  lua_pushcfunction(L, sandbox_p);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) return REVL_ENOMEM;
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.chunk");
  lua_settop(L, 0);
  lua_gc(L, LUA_GCCOLLECT);
  return 0;
}

void revl_mapfn_free(revl_mapfn *h) {
  if (!h) return;
  lua_close(h->L);
  pthread_mutex_destroy(&h->mu);
  free(h->path);
  free(h);
}
