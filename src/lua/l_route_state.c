/*
 * l_route_state.c -- Lua bindings of router state (src/rules/route.c,
 * route_state.c): revl._route.router_state / router_set_state (the state
 * as a Lua table, for Router:state and set_state), router_save_state
 * and state_decode (the state file's text, written and read by the
 * core), and write_text / read_text for text files under --out.  Files
 * go through the output directory's safe writer and reader (lrevl.c).
 *
 * luaopen_revl_route (l_route.c) calls revl_route_open_state.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/parse.h"
#include "revl/route.h"

/* ---- router state ---------------------------------------------------------- */

static void push_day(lua_State *L, int32_t d) {
  char b[16];
  revl_format_date(d, b, sizeof b);
  lua_pushstring(L, b);
}

/* router_state(ud) -> {version, routed, last = {at, id}, pools = {key =
 * {next = id, weights = {id = n}}}, reps = {id = {count, day = {date, n},
 * week = ..., month = ...}}} */
static int l_router_state(lua_State *L) {
  revl_router *r = revl_check_router(L, 1);
  lua_createtable(L, 0, 5);
  int s = lua_gettop(L);
  revl_set_int(L, s, "version", 1);
  revl_set_int(L, s, "routed", r->routed);
  if (r->last_time != REVL_NO_TIME || r->last_id) {
    lua_createtable(L, 0, 2);
    if (r->last_time != REVL_NO_TIME) {
      char b[32];
      revl_format_datetime(r->last_time, b, sizeof b);
      revl_set_str(L, lua_gettop(L), "at", b);
    }
    if (r->last_id) revl_set_str(L, lua_gettop(L), "id", revl_intern_str(&r->base->store->strings, r->last_id));
    lua_setfield(L, s, "last");
  }
  lua_newtable(L);
  for (int i = 0; i < r->npools; i++) {
    revl_pool *p = &r->pools[i];
    lua_createtable(L, 0, 2);
    if (p->mode == REVL_RR_ORDER && p->n > 0) revl_set_str(L, lua_gettop(L), "next", revl_route_rep_id(r->reps, p->reps[p->next]));
    if (p->mode == REVL_RR_WEIGHTED) {
      lua_newtable(L);
      for (int k = 0; k < p->n; k++) {
        lua_pushinteger(L, p->cur[k]);
        lua_setfield(L, -2, revl_route_rep_id(r->reps, p->reps[k]));
      }
      lua_setfield(L, -2, "weights");
    }
    lua_setfield(L, -2, p->key);
  }
  lua_setfield(L, s, "pools");
  lua_newtable(L);
  static const char *pn[] = {"day", "week", "month"};
  for (size_t i = 0; i < r->reps->nrows; i++) {
    int any = r->count[i] != 0;
    for (int p = 0; p < REVL_NCAPS; p++) any |= r->bucket_n[p][i] != 0;
    if (!any) continue;
    lua_createtable(L, 0, 4);
    revl_set_int(L, lua_gettop(L), "count", r->count[i]);
    for (int p = 0; p < REVL_NCAPS; p++) {
      if (r->bucket[p][i] == INT32_MIN) continue;
      lua_createtable(L, 2, 0);
      push_day(L, revl_cap_bucket_start(p, r->bucket[p][i]));
      lua_rawseti(L, -2, 1);
      lua_pushinteger(L, r->bucket_n[p][i]);
      lua_rawseti(L, -2, 2);
      lua_setfield(L, -2, pn[p]);
    }
    lua_setfield(L, -2, revl_route_rep_id(r->reps, (int32_t)i));
  }
  lua_setfield(L, s, "reps");
  return 1;
}

static int64_t state_int(lua_State *L, int idx, const char *what) {
  if (!lua_isinteger(L, idx)) {
    if (lua_isnumber(L, idx) && lua_tonumber(L, idx) == floor(lua_tonumber(L, idx)))
      return (int64_t)lua_tonumber(L, idx);
    luaL_error(L, "state: %s must be a whole number", what);
  }
  return lua_tointeger(L, idx);
}

/* router_set_state(ud, state): the inverse of router_state.  Reps and
 * pools the state names but the router lacks are errors; state the
 * router has but the file lacks is reset. */
static int l_router_set_state(lua_State *L) {
  revl_router *r = revl_check_router(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_getfield(L, 2, "version");
  if (state_int(L, -1, "version") != 1) return luaL_error(L, "state: unknown version");
  lua_pop(L, 1);
  revl_router_reset(r);
  lua_getfield(L, 2, "routed");
  if (!lua_isnil(L, -1)) r->routed = state_int(L, -1, "routed");
  lua_pop(L, 1);
  lua_getfield(L, 2, "last");
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "at");
    if (lua_isstring(L, -1)) {
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      revl_parse_opts o;
      memset(&o, 0, sizeof o);
      if (revl_parse_datetime(s, n, &o, &r->last_time))
        return luaL_error(L, "state: last.at is not a datetime");
    }
    lua_getfield(L, -2, "id");
    if (lua_isstring(L, -1)) {
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      r->last_id = revl_intern_value(L, r->base, s, n);
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "pools");
  if (lua_istable(L, -1)) {
    int pt = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, pt)) {
      const char *key = lua_tostring(L, -2);
      int pi = key ? revl_router_find_pool(r, key) : -1;
      if (pi < 0)
        return luaL_error(L, "state: pool '%s' is not in this router", key ? key : "?");
      revl_pool *p = &r->pools[pi];
      if (!lua_istable(L, -1)) return luaL_error(L, "state: pool '%s' must be a table", key);
      lua_getfield(L, -1, "next");
      if (lua_isstring(L, -1)) {
        int32_t rep = revl_find_rep(L, r->reps, -1);
        p->next = 0;
        for (int k = 0; k < p->n; k++)
          if (p->reps[k] == rep) p->next = k;
      }
      lua_pop(L, 1);
      lua_getfield(L, -1, "weights");
      if (lua_istable(L, -1) && p->cur) {
        for (int k = 0; k < p->n; k++) {
          lua_getfield(L, -1, revl_route_rep_id(r->reps, p->reps[k]));
          if (!lua_isnil(L, -1)) p->cur[k] = state_int(L, -1, "weight");
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 2);
    }
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "reps");
  if (lua_istable(L, -1)) {
    int rt = lua_gettop(L);
    static const char *pn[] = {"day", "week", "month"};
    lua_pushnil(L);
    while (lua_next(L, rt)) {
      if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "state: reps are keyed by id");
      int32_t rep = revl_find_rep(L, r->reps, -2);
      if (!lua_istable(L, -1)) return luaL_error(L, "state: rep entries must be tables");
      lua_getfield(L, -1, "count");
      if (!lua_isnil(L, -1)) r->count[rep] = state_int(L, -1, "count");
      lua_pop(L, 1);
      for (int p = 0; p < REVL_NCAPS; p++) {
        lua_getfield(L, -1, pn[p]);
        if (lua_istable(L, -1)) {
          lua_rawgeti(L, -1, 1);
          int32_t d;
          if (lua_type(L, -1) != LUA_TSTRING || !revl_opt_date(L, -1, &d))
            return luaL_error(L, "state: %s bucket of %s needs a date", pn[p], revl_route_rep_id(r->reps, rep));
          r->bucket[p][rep] = revl_cap_bucket(p, d);
          lua_rawgeti(L, -2, 2);
          r->bucket_n[p][rep] = state_int(L, -1, "bucket count");
          lua_pop(L, 2);
        }
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  return 0;
}

/* router_save_state(ud, path, name): the state file under --out, written
 * by the core (revl_router_state_json) through the output directory's
 * safe writer (temporary file, rename). */
static int l_router_save_state(lua_State *L) {
  revl_router *r = revl_check_router(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char num[64];
  const char *raw = NULL;
  int quote = 0;
  switch (lua_type(L, 3)) {
  case LUA_TNIL: break;
  case LUA_TSTRING: quote = 1; break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, 3)) snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, 3));
    else snprintf(num, sizeof num, "%.17g", (double)lua_tonumber(L, 3));
    raw = num;
    break;
  case LUA_TBOOLEAN: raw = lua_toboolean(L, 3) ? "true" : "false"; break;
  case LUA_TTABLE: return luaL_argerror(L, 3, "a router name, not a table");
  default: raw = "null"; break;
  }
  char full[4096];
  revl_error err;
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return revl_raise(L, &err);
  revl_text name = {0}, text = {0};
  int rc = 0;
  if (quote) {
    size_t n;
    const char *s = lua_tolstring(L, 3, &n);
    rc = revl_json_quote(&name, s, n);
    raw = name.s;
  }
  if (!rc) rc = revl_router_state_json(r, raw, &text);
  if (!rc) revl_csvw_raw(w, text.s, text.n);
  revl_text_free(&name);
  revl_text_free(&text);
  if (rc) {
    revl_csvw_abort(w);
    return luaL_error(L, "not enough memory");
  }
  return revl_out_commit(L, w, full);
}

static void push_jnode(lua_State *L, const revl_jnode *v) {
  luaL_checkstack(L, 4, "state file nested too deeply");
  switch (v->type) {
  case REVL_J_TRUE: lua_pushboolean(L, 1); break;
  case REVL_J_FALSE: lua_pushboolean(L, 0); break;
  case REVL_J_STRING: lua_pushlstring(L, v->str, v->len); break;
  case REVL_J_NUMBER:
    /* tonumber, then math.tointeger when the value is a whole number */
    if (lua_stringtonumber(L, v->str) == 0) {
      lua_pushnil(L);
    } else if (!lua_isinteger(L, -1)) {
      int ok;
      lua_Integer i = lua_tointegerx(L, -1, &ok);
      if (ok) {
        lua_pop(L, 1);
        lua_pushinteger(L, i);
      }
    }
    break;
  case REVL_J_ARRAY: {
    lua_createtable(L, (int)v->nkids, 0);
    lua_Integer n = 0;
    for (size_t i = 0; i < v->nkids; i++) {
      push_jnode(L, &v->kids[i]);
      if (lua_isnil(L, -1)) lua_pop(L, 1);
      else lua_rawseti(L, -2, ++n);
    }
    break;
  }
  case REVL_J_OBJECT:
    lua_createtable(L, 0, (int)v->nkids);
    for (size_t i = 0; i < v->nkids; i++) {
      lua_pushlstring(L, v->kids[i].key, v->kids[i].keylen);
      push_jnode(L, &v->kids[i]);
      lua_rawset(L, -3);
    }
    break;
  default: lua_pushnil(L); break;
  }
}

static int jnode_gc(lua_State *L) {
  revl_jnode_free(lua_touserdata(L, 1));
  return 0;
}

/* state_decode(text) -> value, or nil, message, byte: a state file's text
 * read by the core (revl_state_parse) and pushed as Lua values. */
static int l_state_decode(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  revl_jnode *root = lua_newuserdatauv(L, sizeof *root, 0); /* freed if a push raises */
  memset(root, 0, sizeof *root);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, jnode_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  const char *msg = NULL;
  size_t pos = 0;
  int rc = revl_state_parse(s, n, root, &msg, &pos);
  if (rc == REVL_ENOMEM) {
    revl_jnode_free(root);
    return luaL_error(L, "not enough memory");
  }
  if (rc) {
    revl_jnode_free(root);
    lua_pushnil(L);
    lua_pushstring(L, msg);
    lua_pushinteger(L, (lua_Integer)pos);
    return 3;
  }
  push_jnode(L, root);
  revl_jnode_free(root);
  return 1;
}

/* ---- text files under --out ----------------------------------------------- */

static int l_write_text(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  char full[4096];
  revl_error err;
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return revl_raise(L, &err);
  revl_csvw_raw(w, s, n);
  return revl_out_commit(L, w, full);
}

static int l_read_text(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char full[4096];
  FILE *f = revl_out_read(L, path, full, sizeof full);
  if (!f) return luaL_error(L, "cannot read %s", full);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char buf[4096];
  size_t k, total = 0;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
    total += k;
    if (total > (64u << 20)) {
      fclose(f);
      return luaL_error(L, "%s is too large for a state file", full);
    }
    luaL_addlstring(&b, buf, k);
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) return luaL_error(L, "cannot read %s", full);
  luaL_pushresult(&b);
  lua_pushstring(L, full);
  return 2;
}

static const luaL_Reg state_funcs[] = {
    {"router_state", l_router_state},
    {"router_set_state", l_router_set_state},
    {"router_save_state", l_router_save_state},
    {"state_decode", l_state_decode},
    {"write_text", l_write_text},
    {"read_text", l_read_text},
    {NULL, NULL}};

void revl_route_open_state(lua_State *L) {
  luaL_setfuncs(L, state_funcs, 0);
}
