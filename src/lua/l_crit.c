/*
 * l_crit.c -- Lua filter specs compiled into the core's criteria
 * (revl_crit, include/revl/criteria.h): {field = value}, {field = {op =
 * value}}, {"field", "op", value} triples, and/or/not lists and Lua
 * functions as leaves.  Only translation: Lua values become plain
 * revl_cval values (revl_lua_cval, revl_lua_scalar, also used by the
 * other bindings), leaves are built and named by the core
 * (revl_crit_leaf), evaluating a filter over rows is revl_crit_filter's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/parse.h"

typedef struct crit_ud {
  revl_crit *c;
} crit_ud;

static int crit_gc(lua_State *L) {
  crit_ud *cu = lua_touserdata(L, 1);
  revl_crit_free(cu->c);
  cu->c = NULL;
  return 0;
}
revl_crit **revl_crit_anchor(lua_State *L) {
  crit_ud *cu = lua_newuserdatauv(L, sizeof *cu, 0);
  cu->c = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, crit_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  return &cu->c;
}

static void set_name(lua_State *L, revl_crit *c, const char *name) {
  c->name = strdup(name);
  if (!c->name) luaL_error(L, "not enough memory");
}

int revl_lua_scalar(lua_State *L, int idx, revl_cval *v, int text) {
  idx = lua_absindex(L, idx);
  memset(v, 0, sizeof *v);
  int ty = lua_type(L, idx);
  v->type = lua_typename(L, ty);
  switch (ty) {
  case LUA_TNIL: v->kind = REVL_CV_NIL; break;
  case LUA_TSTRING: v->kind = REVL_CV_STR; v->s = lua_tolstring(L, idx, &v->n); break;
  case LUA_TBOOLEAN: v->kind = REVL_CV_BOOL; v->i = lua_toboolean(L, idx); break;
  case LUA_TNUMBER:
    v->d = lua_tonumber(L, idx);
    v->kind = lua_isinteger(L, idx) ? REVL_CV_INT : REVL_CV_NUM;
    if (v->kind == REVL_CV_INT) v->i = lua_tointeger(L, idx);
    break;
  case LUA_TTABLE: v->kind = REVL_CV_LIST; break;
  case LUA_TUSERDATA: {
    v->kind = REVL_CV_OTHER;
    int32_t *d = luaL_testudata(L, idx, REVL_DATE);
    int64_t *dt = d ? NULL : luaL_testudata(L, idx, REVL_DATETIME);
    revl_money_ud *m = d || dt ? NULL : revl_test_money(L, idx);
    if (d) v->kind = REVL_CV_DATE, v->i = *d;
    else if (dt) v->kind = REVL_CV_DATETIME, v->i = *dt;
    else if (m) v->kind = REVL_CV_MONEY, v->i = m->minor, memcpy(v->cur, m->cur, 4);
    break;
  }
  default: v->kind = REVL_CV_OTHER; break;
  }
  if (!text || (text == 2 && v->kind != REVL_CV_OTHER && v->kind != REVL_CV_LIST &&
                v->kind != REVL_CV_DATE && v->kind != REVL_CV_DATETIME))
    return 0;
  v->text = luaL_tolstring(L, idx, &v->textlen);
  return 1;
}

/* v from the value at idx; its text (texts, not for tables) kept in
 * the table at keep. */
static void cval_of(lua_State *L, int idx, revl_cval *v, int keep, int texts) {
  if (revl_lua_scalar(L, idx, v, texts && lua_type(L, idx) != LUA_TTABLE))
    lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1); /* the string stays */
}

void revl_lua_cval(lua_State *L, int idx, revl_cval *v, int texts) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  int keep = lua_gettop(L);
  cval_of(L, idx, v, keep, texts);
  if (v->kind != REVL_CV_LIST) return;
  size_t n = lua_rawlen(L, idx);
  revl_cval *items = lua_newuserdatauv(L, (n ? n : 1) * sizeof *items, 0);
  lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    cval_of(L, -1, &items[i], keep, texts && i < 9); /* names show at most 8 */
    if (items[i].kind == REVL_CV_STR) lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1);
    else lua_pop(L, 1);
  }
  v->items = items;
  v->nitems = n;
}

static revl_crit *compile_node(lua_State *L, int idx, revl_table *t, int fns);

static revl_crit *new_crit(lua_State *L, revl_op op) {
  revl_crit *c = revl_crit_new(op);
  if (!c) luaL_error(L, "not enough memory");
  return c;
}

/* {field, op, value}: the core's revl_crit_leaf */
static revl_crit *compile_triple(lua_State *L, revl_table *t, const char *field,
                                 const char *opname, int vidx) {
  revl_cval v;
  revl_lua_cval(L, vidx, &v, 1);
  revl_crit *c;
  revl_error err = {0};
  if (revl_crit_leaf(t, field, opname, &v, &c, &err)) luaL_error(L, "%s", err.msg);
  lua_pop(L, 1);
  return c;
}

static const char *opt_name(lua_State *L, int idx) {
  lua_getfield(L, idx, "name");
  const char *n = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1); /* the string stays reachable from the spec table */
  return n;
}

/* Wrap a node list under an owner userdata while compiling children. */
static revl_crit *compile_list(lua_State *L, int idx, revl_table *t, int fns,
                               revl_op op, int from_hash) {
  revl_crit **own = revl_crit_anchor(L);
  revl_crit *c = *own = new_crit(L, op);
  c->base = t;
  if (!from_hash) {
    size_t n = lua_rawlen(L, idx);
    for (size_t i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, (lua_Integer)i);
      revl_crit *k = compile_node(L, lua_gettop(L), t, fns);
      lua_pop(L, 1);
      if (revl_crit_add(c, k)) {
        revl_crit_free(k);
        luaL_error(L, "not enough memory");
      }
    }
  } else {
    /* {field = value, field2 = {op = value}} */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      if (lua_type(L, -2) != LUA_TSTRING) {
        lua_pop(L, 1);
        continue;
      }
      const char *field = lua_tostring(L, -2);
      if (strcmp(field, "name") == 0 || strcmp(field, "points") == 0 ||
          strcmp(field, "weight") == 0) {
        lua_pop(L, 1);
        continue;
      }
      int v = lua_gettop(L);
      revl_crit *k = NULL;
      if (lua_istable(L, v) && lua_rawlen(L, v) > 0) {
        k = compile_triple(L, t, field, "in", v);
      } else if (lua_istable(L, v) && !luaL_testudata(L, v, REVL_MONEY)) {
        /* {gt = 5, lte = 10} : each an operator */
        revl_crit **aown = revl_crit_anchor(L);
        revl_crit *all = *aown = new_crit(L, REVL_OP_ALL);
        all->base = t;
        lua_pushnil(L);
        while (lua_next(L, v)) {
          if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "criterion on '%s': expected {op = value}", field);
          revl_crit *kk = compile_triple(L, t, field, lua_tostring(L, -2), lua_gettop(L));
          if (revl_crit_add(all, kk)) {
            revl_crit_free(kk);
            luaL_error(L, "not enough memory");
          }
          lua_pop(L, 1);
        }
        if (all->nkids == 1) {
          k = all->kids[0];
          all->nkids = 0;
        } else {
          k = all;
          set_name(L, k, field);
          *aown = NULL;
        }
        lua_pop(L, 1);
      } else {
        k = compile_triple(L, t, field, "=", v);
      }
      lua_pop(L, 1);
      if (revl_crit_add(c, k)) {
        revl_crit_free(k);
        luaL_error(L, "not enough memory");
      }
    }
  }
  *own = NULL;
  lua_pop(L, 1);
  return c;
}

static revl_crit *compile_node(lua_State *L, int idx, revl_table *t, int fns) {
  idx = lua_absindex(L, idx);
  luaL_checkstack(L, 8, "criteria nested too deeply");
  /* the node's anchor first (making it can raise): whatever raises
   * below (registering a function, a name, a child) frees the node
   * compiled so far; a child is handed over (*own = c) with nothing
   * that can raise in between */
  revl_crit **own = revl_crit_anchor(L);
  int anchor = lua_gettop(L);
  if (lua_isfunction(L, idx)) {
    revl_crit *c = *own = new_crit(L, REVL_OP_FUNC);
    c->base = t;
    lua_pushvalue(L, idx);
    c->ref = (int)lua_rawlen(L, fns) + 1;
    lua_rawseti(L, fns, c->ref);
    lua_Debug ar;
    lua_pushvalue(L, idx);
    lua_getinfo(L, ">S", &ar);
    char name[300];
    snprintf(name, sizeof name, "function %s:%d", ar.short_src, ar.linedefined);
    set_name(L, c, name);
    *own = NULL;
    lua_settop(L, anchor - 1);
    return c;
  }
  if (!lua_istable(L, idx))
    luaL_error(L, "a criterion is a table or a function, not %s",
               luaL_typename(L, idx));
  const char *given = opt_name(L, idx);
  revl_crit *c = NULL;
  static const char *combos[] = {"all", "any", "none"};
  for (int k = 0; k < 3 && !c; k++) {
    lua_getfield(L, idx, combos[k]);
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1)) luaL_error(L, "'%s' takes a list of criteria", combos[k]);
      c = *own = compile_list(L, lua_gettop(L), t, fns,
                              (revl_op)(REVL_OP_ALL + k), 0);
      if (!given) set_name(L, c, combos[k]);
    }
    lua_pop(L, 1);
  }
  if (!c) {
    lua_rawgeti(L, idx, 1);
    lua_rawgeti(L, idx, 2);
    int triple = lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING;
    int list = lua_istable(L, -2) || lua_isfunction(L, -2);
    if (triple) {
      const char *field = lua_tostring(L, -2), *op = lua_tostring(L, -1);
      lua_rawgeti(L, idx, 3);
      c = *own = compile_triple(L, t, field, op, lua_gettop(L));
      lua_pop(L, 1);
    } else if (list) {
      /* {{...}, {...}, field = value} would drop the field: say so */
      lua_pushnil(L);
      while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "name") != 0)
          luaL_error(L, "criteria mix a list with '%s = ...': write it as {\"%s\", op, value} "
                        "in the list", lua_tostring(L, -1), lua_tostring(L, -1));
      }
      c = *own = compile_list(L, idx, t, fns, REVL_OP_ALL, 0);
      if (!given) set_name(L, c, "all");
    } else {
      lua_getfield(L, idx, "field");
      if (lua_type(L, -1) == LUA_TSTRING) {
        const char *field = lua_tostring(L, -1);
        lua_getfield(L, idx, "op");
        const char *op = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "=";
        lua_getfield(L, idx, "value");
        c = *own = compile_triple(L, t, field, op, lua_gettop(L));
        lua_pop(L, 2);
      } else {
        c = *own = compile_list(L, idx, t, fns, REVL_OP_ALL, 1);
        if (c->nkids == 1 && !given) {
          revl_crit *k = c->kids[0];
          c->nkids = 0;
          revl_crit_free(c);
          c = *own = k;
        } else if (!given) {
          set_name(L, c, "all");
        }
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }
  if (given) {
    free(c->name);
    c->name = NULL;
    set_name(L, c, given);
  }
  *own = NULL; /* ownership passes to the caller */
  lua_settop(L, anchor - 1);
  return c;
}

revl_crit *revl_compile_crit(lua_State *L, int idx, revl_table *t) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  int fns = lua_gettop(L);
  revl_crit *c = compile_node(L, idx, t, fns);
  lua_pop(L, 1);
  return c;
}

revl_crit *revl_compile_crit_fns(lua_State *L, int idx, revl_table *t, int fns) {
  return compile_node(L, idx, t, lua_absindex(L, fns));
}