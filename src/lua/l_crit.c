/*
 * l_crit.c -- Lua filter specs compiled into the core's criteria
 * (revl_crit, include/revl/criteria.h): {field = value}, {field = {op =
 * value}}, {"field", "op", value} triples, and/or/not lists and Lua
 * functions as leaves.  Only translation: evaluating a filter over rows
 * is revl_crit_filter's job in the core.
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

/* Convert the Lua value at idx to the column's units into *a (or *da). */
static void crit_operand(lua_State *L, int idx, revl_crit *c, revl_column *col,
                         int64_t *a, double *da, const char *field) {
  int ty = lua_type(L, idx);
  switch (col->type) {
  case REVL_T_STRING: {
    if (ty != LUA_TSTRING)
      luaL_error(L, "criterion on '%s': expected a string value, got %s", field,
                 lua_typename(L, ty));
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    /* a string never seen cannot be equal to any cell; intern it so
     * ordering comparisons still have its text */
    uint32_t id = revl_intern_find(&c->t->store->strings, s, n);
    if (!id) id = revl_intern_add(&c->t->store->strings, s, n);
    if (!id) luaL_error(L, "not enough memory");
    *a = id;
    return;
  }
  case REVL_T_INT:
  case REVL_T_NUMBER:
    if (ty != LUA_TNUMBER)
      luaL_error(L, "criterion on '%s': expected a number, got %s", field,
                 lua_typename(L, ty));
    *da = lua_tonumber(L, idx);
    if (lua_isinteger(L, idx))
      *a = lua_tointeger(L, idx);
    else if (isnan(*da))
      luaL_error(L, "criterion on '%s': NaN is not a value", field);
    else /* beyond the integers (1e300, math.huge): saturate */
      *a = *da >= 0x1p63 ? INT64_MAX : *da < -0x1p63 ? INT64_MIN : (int64_t)ceil(*da);
    if (col->type == REVL_T_INT && !lua_isinteger(L, idx)) c->use_double = 1;
    return;
  case REVL_T_BOOL:
    if (ty != LUA_TBOOLEAN)
      luaL_error(L, "criterion on '%s': expected true or false, got %s", field,
                 lua_typename(L, ty));
    *a = lua_toboolean(L, idx);
    return;
  case REVL_T_DATE:
  case REVL_T_DATETIME: {
    int32_t d;
    int64_t *dt = luaL_testudata(L, idx, REVL_DATETIME);
    if (col->type == REVL_T_DATETIME && dt) {
      *a = *dt;
      return;
    }
    if (!revl_opt_date(L, idx, &d))
      luaL_error(L, "criterion on '%s': expected a date, got %s", field,
                 lua_typename(L, ty));
    *a = col->type == REVL_T_DATE ? d : (int64_t)d * 86400;
    return;
  }
  case REVL_T_MONEY: {
    revl_money_ud *m = revl_test_money(L, idx);
    if (m) {
      *a = m->minor;
      *da = (double)m->minor;
      return;
    }
    if (ty != LUA_TNUMBER)
      luaL_error(L, "criterion on '%s': expected an amount, got %s", field,
                 lua_typename(L, ty));
    /* major units; money columns compare in the default currency's
     * minor units (a mixed-currency column needs an FX table) */
    const char *cur = revl_intern_str(&c->t->store->strings, c->t->store->default_currency);
    double scale = pow(10, revl_currency_decimals(cur));
    *da = lua_tonumber(L, idx) * scale;
    if (isnan(*da))
      luaL_error(L, "criterion on '%s': NaN is not an amount", field);
    /* 999.99 * 100 is 99998.99999999999 in binary floating point: a
     * value within a millionth of a minor unit is that minor unit */
    double r = floor(*da + 0.5);
    if (fabs(*da - r) < 1e-6 && fabs(r) < 9e15) {
      *a = (int64_t)r;
      *da = r;
    } else {
      c->use_double = 1;
    }
    return;
  }
  }
}

static revl_crit *compile_node(lua_State *L, int idx, revl_table *t, int fns);

static revl_crit *new_crit(lua_State *L, revl_op op) {
  revl_crit *c = revl_crit_new(op);
  if (!c) luaL_error(L, "not enough memory");
  return c;
}

/* {field, op, value} */
static revl_crit *compile_triple(lua_State *L, int idx, revl_table *t,
                                 int fns, const char *field, const char *opname,
                                 int vidx) {
  (void)idx; /* the spec table: kept for error context by callers */
  (void)fns; /* patterns are matched from c->text, nothing to register */
  int op = revl_op_from_name(opname);
  if (op < 0 || op >= REVL_OP_ALL)
    luaL_error(L, "unknown operator '%s' (use = ~= < <= > >= in not_in between "
                  "contains prefix suffix matches exists missing within_days "
                  "older_than_days)", opname);
  revl_table *h;
  int via;
  int ci = revl_resolve_field(t, field, &h, &via);
  if (ci < 0) luaL_error(L, "%s has no column '%s'%s", t->name, field, REVL_HINT(t, field));
  /* the anchor first (making it can raise), so an error below frees c */
  revl_crit **own = revl_crit_anchor(L);
  revl_crit *c = *own = new_crit(L, (revl_op)op);
  c->base = t;
  c->t = h;
  c->col = ci;
  c->via = via;
  revl_column *col = h->cols[ci];
  c->type = col->type;
  int vt = lua_type(L, vidx);
  char name[256];
  switch (op) {
  case REVL_OP_EXISTS:
  case REVL_OP_MISSING:
    snprintf(name, sizeof name, "%s %s", field, opname);
    break;
  case REVL_OP_WITHIN_DAYS:
  case REVL_OP_OLDER_THAN_DAYS:
    if (col->type != REVL_T_DATE && col->type != REVL_T_DATETIME)
      luaL_error(L, "'%s' needs a date column; %s is %s", opname, field,
                 revl_type_name(col->type));
    if (!lua_isinteger(L, vidx) || lua_tointeger(L, vidx) < 0)
      luaL_error(L, "'%s' on '%s' needs a whole number of days", opname, field);
    c->a = lua_tointeger(L, vidx);
    snprintf(name, sizeof name, "%s %s %lld", field, opname, (long long)c->a);
    break;
  case REVL_OP_IN:
  case REVL_OP_NOT_IN: {
    if (vt != LUA_TTABLE)
      luaL_error(L, "'%s' on '%s' needs a list of values", opname, field);
    size_t n = lua_rawlen(L, vidx);
    c->set = malloc((n ? n : 1) * sizeof *c->set);
    if (!c->set) luaL_error(L, "not enough memory");
    for (size_t i = 1; i <= n; i++) {
      lua_rawgeti(L, vidx, (lua_Integer)i);
      double d = 0;
      crit_operand(L, -1, c, col, &c->set[c->nset], &d, field);
      if (col->type == REVL_T_NUMBER) {
        if (d != floor(d))
          luaL_error(L, "'%s' on number column '%s' takes whole numbers", opname, field);
        if (!(d > -0x1p63 && d < 0x1p63))
          luaL_error(L, "'%s' on number column '%s': %g is out of range", opname,
                     field, d);
        c->set[c->nset] = (int64_t)d;
      }
      c->nset++;
      lua_pop(L, 1);
    }
    revl_crit_finish_set(c);
    snprintf(name, sizeof name, "%s %s {%zu values}", field, opname, n);
    break;
  }
  case REVL_OP_BETWEEN:
    if (vt != LUA_TTABLE || lua_rawlen(L, vidx) != 2)
      luaL_error(L, "'between' on '%s' needs {low, high}", field);
    lua_rawgeti(L, vidx, 1);
    crit_operand(L, -1, c, col, &c->a, &c->da, field);
    lua_rawgeti(L, vidx, 2);
    crit_operand(L, -1, c, col, &c->b, &c->db, field);
    {
      /* evaluate in order: argument order of a call is unspecified */
      const char *lo = luaL_tolstring(L, -2, NULL); /* low bound */
      const char *hi = luaL_tolstring(L, -2, NULL); /* high bound */
      snprintf(name, sizeof name, "%s between %s and %s", field, lo, hi);
    }
    lua_pop(L, 4); /* da/db hold both bounds whatever use_double says */
    break;
  case REVL_OP_CONTAINS:
  case REVL_OP_PREFIX:
  case REVL_OP_SUFFIX:
  case REVL_OP_MATCHES: {
    if (col->type != REVL_T_STRING)
      luaL_error(L, "'%s' needs a text column; %s is %s", opname, field,
                 revl_type_name(col->type));
    if (vt != LUA_TSTRING)
      luaL_error(L, "'%s' on '%s' needs a string", opname, field);
    size_t n;
    const char *s = lua_tolstring(L, vidx, &n);
    c->text = malloc(n + 1);
    if (!c->text) luaL_error(L, "not enough memory");
    memcpy(c->text, s, n + 1);
    c->textlen = n;
    snprintf(name, sizeof name, "%s %s \"%.100s\"", field, opname, s);
    break;
  }
  default:
    if (vt == LUA_TNIL)
      luaL_error(L, "criterion '%s %s' has no value (use exists/missing for nulls)",
                 field, opname);
    crit_operand(L, vidx, c, col, &c->a, &c->da, field);
    if (col->type == REVL_T_NUMBER) c->use_double = 1;
    snprintf(name, sizeof name, "%s %s %s", field, opname,
             luaL_tolstring(L, vidx, NULL));
    lua_pop(L, 1);
    break;
  }
  set_name(L, c, name);
  *own = NULL; /* ownership passes to the caller */
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
        k = compile_triple(L, v, t, fns, field, "in", v);
      } else if (lua_istable(L, v) && !luaL_testudata(L, v, REVL_MONEY)) {
        /* {gt = 5, lte = 10} : each an operator */
        revl_crit **aown = revl_crit_anchor(L);
        revl_crit *all = *aown = new_crit(L, REVL_OP_ALL);
        all->base = t;
        lua_pushnil(L);
        while (lua_next(L, v)) {
          if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "criterion on '%s': expected {op = value}", field);
          revl_crit *kk = compile_triple(L, v, t, fns, field, lua_tostring(L, -2),
                                         lua_gettop(L));
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
        k = compile_triple(L, v, t, fns, field, "=", v);
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
      c = *own = compile_triple(L, idx, t, fns, field, op, lua_gettop(L));
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
        c = *own = compile_triple(L, idx, t, fns, field, op, lua_gettop(L));
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