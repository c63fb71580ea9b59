/*
 * l_route.c -- Lua bindings of lead routing (src/rules/route.c,
 * route_trail.c, match.c): routers (pools, queues, territories, rules,
 * account matching, caps, fallback, reset, route), routing results,
 * company and domain keys, and the definition guard.  luaopen_revl_route
 * builds the private table revl._route, which lua/route.lua takes and
 * removes; calendars (l_calendar.c), funnels and SLAs (l_funnel.c) and
 * router state (l_route_state.c) add their functions to it.
 *
 * The C side compiles the pieces of a definition that touch the data
 * (fields, criteria, rep ids); the core routes and words the trail;
 * this file pushes the results.  Criteria may hold Lua functions (the
 * escape hatch): they are compiled by revl_obj_compile (lrevl.c) so that
 * the functions stay reachable, and run under the per-call time budget
 * through the callback of revl_lcb_init; an error in one names the
 * record, as in view:where.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/parse.h"
#include "revl/route.h"
#include "revl/sbuf.h"

#define ROUTER_MT "revl.router_ud"
#define ROUTING_MT "revl.routing"

/* ---- guard: definition errors name the playbook's line --------------- */

static int guard_call(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  int st = lua_pcall(L, n, LUA_MULTRET, 0);
  if (st == LUA_OK) return lua_gettop(L);
  if (st == LUA_ERRMEM || lua_type(L, -1) != LUA_TSTRING) return lua_error(L);
  revl_sbuf b = {0}; /* revl_sb_strip_positions: revl's own positions out */
  revl_sb_strip_positions(&b, lua_tostring(L, -1));
  if (b.oom) return revl_sb_free(&b), luaL_error(L, "not enough memory");
  lua_pushlstring(L, revl_sb_str(&b), b.n);
  revl_sb_free(&b);
  const char *msg = lua_tostring(L, -1);
  if (!revl_has_position(msg)) {
    luaL_where(L, 1);
    lua_pushstring(L, msg);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

/* guard(fn) -> a C function calling fn; an error from a definition gets
 * the position of the playbook line that called it. */
static int l_guard(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, guard_call, 1);
  return 1;
}

/* ---- routers ------------------------------------------------------------ */

typedef struct router_ud {
  revl_router *r;
} router_ud;

static router_ud *check_router(lua_State *L, int idx) {
  router_ud *u = luaL_checkudata(L, idx, ROUTER_MT);
  if (!u->r) luaL_error(L, "router was freed");
  return u;
}

static int router_gc(lua_State *L) {
  router_ud *u = luaL_checkudata(L, 1, ROUTER_MT);
  revl_router_free(u->r);
  u->r = NULL;
  return 0;
}

revl_router *revl_check_router(lua_State *L, int idx) {
  return check_router(L, idx)->r;
}

/* router_new(base_view, reps_view, time_field) */
static int l_router_new(lua_State *L) {
  revl_table *base = revl_view_table(L, 1, NULL, NULL);
  revl_table *reps = revl_view_table(L, 2, NULL, NULL);
  const char *tf = luaL_optstring(L, 3, NULL);
  if (reps->pk < 0) return luaL_error(L, "the reps table has no id column");
  router_ud *u = revl_obj_new(L, sizeof *u, ROUTER_MT, 1);
  revl_obj_keep(L, -1, "reps", 2);
  u->r = revl_router_new(base, reps);
  if (!u->r) return luaL_error(L, "not enough memory");
  if (tf) {
    int c = revl_table_col(base, tf);
    if (c < 0) return luaL_error(L, "%s has no column '%s'%s", base->name, tf, REVL_HINT(base, tf));
    if (base->cols[c]->type != REVL_T_DATETIME && base->cols[c]->type != REVL_T_DATE)
      return luaL_error(L, "time field '%s' is %s, not a datetime", tf,
                        revl_type_name(base->cols[c]->type));
    u->r->time_col = c;
  }
  return 1;
}

static int l_router_calendar(lua_State *L) {
  router_ud *u = check_router(L, 1);
  revl_calendar *c = revl_check_calendar(L, 2);
  revl_obj_keep(L, 1, "cal", 2);
  u->r->cal = c;
  return 0;
}

int32_t revl_find_rep(lua_State *L, revl_table *reps, int idx) {
  size_t n;
  const char *id = lua_tolstring(L, idx, &n);
  if (!id) luaL_error(L, "a rep id must be a string, got %s", luaL_typename(L, idx));
  int64_t r = revl_table_find(reps, id, n);
  if (r < 0) luaL_error(L, "unknown rep id '%s' (not in reps)", id);
  return (int32_t)r;
}

static int mode_of(lua_State *L, const char *m) {
  if (strcmp(m, "round_robin") == 0) return REVL_RR_ORDER;
  if (strcmp(m, "lowest") == 0) return REVL_RR_LOWEST;
  if (strcmp(m, "weighted") == 0) return REVL_RR_WEIGHTED;
  return luaL_error(L, "unknown mode '%s' (round_robin, lowest or weighted)", m);
}

/* router_pool(ud, key, label, mode, {ids}, {weights} | nil) -> index; an
 * empty list is a team with no reps (the rule then does not apply) */
static int l_router_pool(lua_State *L) {
  router_ud *u = check_router(L, 1);
  const char *key = luaL_checkstring(L, 2), *label = luaL_checkstring(L, 3);
  int mode = mode_of(L, luaL_checkstring(L, 4));
  luaL_checktype(L, 5, LUA_TTABLE);
  int have = revl_router_find_pool(u->r, key);
  if (have >= 0) return lua_pushinteger(L, have), 1;
  int n = (int)lua_rawlen(L, 5);
  int32_t *reps = lua_newuserdatauv(L, (size_t)n * sizeof *reps, 0);
  int64_t *w = lua_newuserdatauv(L, (size_t)n * sizeof *w, 0);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, 5, i + 1);
    reps[i] = revl_find_rep(L, u->r->reps, -1);
    lua_pop(L, 1);
    for (int k = 0; k < i; k++)
      if (reps[k] == reps[i])
        return luaL_error(L, "rep '%s' is twice in pool '%s'", revl_route_rep_id(u->r->reps, reps[i]), label);
    w[i] = 1000;
    if (lua_istable(L, 6)) {
      lua_rawgeti(L, 6, i + 1);
      double d = luaL_checknumber(L, -1);
      if (!(d >= 0) || d > 1e12)
        return luaL_error(L, "weight of '%s' must be a number >= 0, got %s",
                          revl_route_rep_id(u->r->reps, reps[i]), lua_tostring(L, -1));
      w[i] = llround(d * 1000);
      lua_pop(L, 1);
    }
  }
  int k = revl_router_add_pool(u->r, key, label, mode, reps, w, n);
  if (k < 0) return luaL_error(L, "not enough memory");
  lua_pushinteger(L, k);
  return 1;
}

static int l_router_queue(lua_State *L) {
  router_ud *u = check_router(L, 1);
  int k = revl_router_add_queue(u->r, luaL_checkstring(L, 2));
  if (k < 0) return luaL_error(L, "not enough memory");
  lua_pushinteger(L, k);
  return 1;
}

/* router_terr(ud, field, {keys}, {children}, default | nil) -> node index
 * children: >= 0 a pool, < 0 a node (-child-1) */
static int l_router_terr(lua_State *L) {
  router_ud *u = check_router(L, 1);
  const char *field = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  luaL_checktype(L, 4, LUA_TTABLE);
  revl_terr t;
  memset(&t, 0, sizeof t);
  revl_error err;
  if (revl_router_text_field(u->r->base, field, "territory", &t.holder, &t.via, &t.col, &err))
    return luaL_error(L, "%s", err.msg);
  int n = (int)lua_rawlen(L, 3);
  t.keys = revl_xalloc(L, (size_t)n, sizeof *t.keys);
  t.child = malloc((size_t)(n ? n : 1) * sizeof *t.child);
  t.field = strdup(field);
  if (!t.child || !t.field) {
    free(t.keys), free(t.child), free(t.field);
    return luaL_error(L, "not enough memory");
  }
  t.n = n;
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, 3, i + 1);
    size_t kn;
    const char *ks = lua_tolstring(L, -1, &kn);
    t.keys[i] = ks ? revl_intern_add(&u->r->base->store->strings, ks, kn) : 0;
    lua_pop(L, 1);
    lua_rawgeti(L, 4, i + 1);
    t.child[i] = (int32_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  if (!lua_isnoneornil(L, 5)) {
    t.has_default = 1;
    t.dflt = (int32_t)luaL_checkinteger(L, 5);
  }
  int k = revl_router_add_terr(u->r, &t);
  if (k < 0) {
    free(t.keys), free(t.child), free(t.field);
    return luaL_error(L, "not enough memory");
  }
  lua_pushinteger(L, k);
  return 1;
}

/* router_rule(ud, name, when|nil, kind, arg, overflow_next) -> index */
static int l_router_rule(lua_State *L) {
  router_ud *u = check_router(L, 1);
  revl_router *r = u->r;
  revl_rule ru;
  memset(&ru, 0, sizeof ru);
  ru.name = (char *)luaL_checkstring(L, 2);
  const char *kind = luaL_checkstring(L, 4);
  ru.overflow_next = lua_toboolean(L, 6);
  ru.col = ru.via = -1;
  ru.rep = -1;
  if (strcmp(kind, "owner_field") == 0) {
    const char *f = luaL_checkstring(L, 5);
    ru.kind = REVL_ST_OWNER_FIELD;
    revl_error err;
    if (revl_router_text_field(r->base, f, "owner", &ru.holder, &ru.via, &ru.col, &err))
      return luaL_error(L, "%s", err.msg);
  } else if (strcmp(kind, "account") == 0) {
    ru.kind = REVL_ST_ACCOUNT;
  } else if (strcmp(kind, "pool") == 0) {
    ru.kind = REVL_ST_POOL;
    ru.pool = (int)luaL_checkinteger(L, 5);
  } else if (strcmp(kind, "territory") == 0) {
    ru.kind = REVL_ST_TERRITORY;
    ru.terr = (int)luaL_checkinteger(L, 5);
  } else if (strcmp(kind, "queue") == 0) {
    ru.kind = REVL_ST_QUEUE;
    ru.queue = (int)luaL_checkinteger(L, 5);
  } else if (strcmp(kind, "rep") == 0) {
    ru.kind = REVL_ST_REP;
    ru.rep = revl_find_rep(L, r->reps, 5);
  } else {
    return luaL_error(L, "unknown strategy kind '%s'", kind);
  }
  if (!lua_isnoneornil(L, 3)) ru.crit = revl_obj_compile(L, 1, 3, r->base);
  int k = revl_router_add_rule(r, &ru);
  if (k < 0) {
    revl_crit_free(ru.crit);
    return luaL_error(L, "not enough memory");
  }
  lua_pushinteger(L, k);
  return 1;
}

/* router_account(ud, {email=, domain=, company=, account_domain=,
 * account_name=, owner_from=, freemail = {...}}) */
static int l_router_account(lua_State *L) {
  router_ud *u = check_router(L, 1);
  revl_router *r = u->r;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (r->acct) return 0;
  revl_table *a = revl_need_table(L, r->base->store, "accounts");
  if (!a) return luaL_error(L, "account matching needs the accounts table (not loaded)");
  revl_acct_spec sp;
  const char **given[6] = {&sp.email, &sp.domain, &sp.company, &sp.account_domain,
                           &sp.account_name, &sp.owner_from};
  static const char *const keys[6] = {"email", "domain", "company", "account_domain",
                                      "account_name", "owner_from"};
  for (int i = 0; i < 6; i++) {
    lua_getfield(L, 2, keys[i]);
    *given[i] = lua_tostring(L, -1); /* left on the stack */
  }
  int adc, anc;
  revl_error err;
  if (revl_router_account_cols(r, a, &sp, &adc, &anc, &err)) return luaL_error(L, "%s", err.msg);
  lua_getfield(L, 2, "freemail");
  size_t nf = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
  const char **extra = lua_newuserdatauv(L, (nf ? nf : 1) * sizeof *extra, 0);
  for (size_t i = 0; i < nf; i++) {
    lua_rawgeti(L, -2, (lua_Integer)i + 1);
    extra[i] = lua_tostring(L, -1);
    if (!extra[i]) return luaL_error(L, "freemail entries must be domains (text)");
    lua_pop(L, 1); /* the string stays reachable from the table */
  }
  r->acct = revl_acct_index_new(a, adc, anc, extra, nf);
  if (!r->acct) return luaL_error(L, "not enough memory");
  return 0;
}

/* router_caps(ud, period, number | reps column | {id = n, default = n}) */
static int l_router_caps(lua_State *L) {
  router_ud *u = check_router(L, 1);
  revl_router *r = u->r;
  static const char *pn[] = {"day", "week", "month", NULL};
  int p = luaL_checkoption(L, 2, NULL, pn);
  lua_Integer v = lua_isinteger(L, 3) ? lua_tointeger(L, 3) : -1; /* every rep's */
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "default");
    if (lua_isinteger(L, -1)) v = lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  int64_t *cap = revl_router_cap_new(r, p, v < 0 ? -1 : v);
  if (!cap) return luaL_error(L, "not enough memory");
  if (lua_isinteger(L, 3)) {
    if (v < 0) return luaL_error(L, "%s cap must be >= 0", pn[p]);
  } else if (lua_type(L, 3) == LUA_TSTRING) {
    revl_error err;
    if (revl_router_cap_col(r, p, pn[p], lua_tostring(L, 3), &err))
      return luaL_error(L, "%s", err.msg);
  } else if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "default");
    if (!lua_isnil(L, -1) && (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0))
      return luaL_error(L, "%s cap default must be a whole number >= 0", pn[p]);
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "default") != 0) {
        int32_t rep = revl_find_rep(L, r->reps, -2);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
          return luaL_error(L, "%s cap of '%s' must be a whole number >= 0", pn[p],
                            lua_tostring(L, -2));
        cap[rep] = lua_tointeger(L, -1);
      } else if (lua_type(L, -2) != LUA_TSTRING) {
        return luaL_error(L, "%s caps are keyed by rep id", pn[p]);
      }
      lua_pop(L, 1);
    }
  } else {
    return luaL_error(L, "%s cap must be a whole number, a reps column or {rep = n}", pn[p]);
  }
  return 0;
}

static int l_router_fallback(lua_State *L) {
  router_ud *u = check_router(L, 1);
  size_t n;
  const char *name = luaL_checklstring(L, 2, &n);
  int64_t rep = revl_table_find(u->r->reps, name, n);
  if (rep >= 0) {
    u->r->fallback_rep = (int32_t)rep;
    u->r->fallback_queue = -1;
  } else {
    int q = revl_router_add_queue(u->r, name);
    if (q < 0) return luaL_error(L, "not enough memory");
    u->r->fallback_queue = q;
    u->r->fallback_rep = -1;
  }
  return 0;
}

static int l_router_reset(lua_State *L) {
  revl_router_reset(check_router(L, 1)->r);
  return 0;
}

/* ---- routing results ---------------------------------------------------- */

typedef struct routing_ud {
  revl_route_result res;
  revl_router *r;     /* kept alive by the uservalue */
  int nreps_name;     /* reps column "name" or -1 */
  revl_text text;     /* scratch for skipped / explain texts */
} routing_ud;

static routing_ud *check_routing(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, ROUTING_MT);
}

static int routing_gc(lua_State *L) {
  routing_ud *u = luaL_checkudata(L, 1, ROUTING_MT);
  revl_route_result_free(&u->res);
  revl_text_free(&u->text);
  return 0;
}

/* router_route(ud, view) -> routing */
static int l_router_route(lua_State *L) {
  router_ud *u = check_router(L, 1);
  const uint32_t *rows;
  size_t n;
  revl_table *t = revl_view_table(L, 2, &rows, &n);
  if (t != u->r->base)
    return strcmp(t->name, u->r->base->name) == 0
               ? luaL_error(L, "the data was reloaded after this router was defined: define it again")
               : luaL_error(L, "this router routes %s, not %s", u->r->base->name, t->name);
  lua_settop(L, 2);
  routing_ud *res = lua_newuserdatauv(L, sizeof *res, 1); /* 3 */
  memset(res, 0, sizeof *res);
  luaL_setmetatable(L, ROUTING_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, 3, 1);
  res->r = u->r;
  res->nreps_name = revl_table_col(u->r->reps, "name");
  lua_getiuservalue(L, 1, 1); /* 4 */
  revl_lcb x;
  revl_crit_ctx cc;
  revl_lcb_init(L, 4, &x, &cc);
  revl_lcb_check(L, revl_route(u->r, rows, n, &cc, &res->res));
  lua_settop(L, 3);
  return 1;
}

static int routing_tostring(lua_State *L) {
  routing_ud *u = check_routing(L, 1);
  lua_pushfstring(L, "routing of %d %s", (int)u->res.n, u->r ? u->r->base->name : "records");
  return 1;
}

static int routing_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_routing(L, 1)->res.n);
  return 1;
}

static size_t check_pos(lua_State *L, routing_ud *u, int idx) {
  lua_Integer i = luaL_checkinteger(L, idx);
  if (i < 1 || (size_t)i > u->res.n)
    luaL_error(L, "assignment %d out of range (1..%d)", (int)i, (int)u->res.n);
  return (size_t)i - 1;
}

/* The row table of assignment i (0-based) at the stack top. */
static void push_assignment(lua_State *L, routing_ud *u, size_t i, int with_trail) {
  revl_router *r = u->r;
  revl_route_result *o = &u->res;
  size_t row = o->row[i];
  lua_createtable(L, 0, 16);
  int t = lua_gettop(L);
  char kb[64];
  revl_set_str(L, t, "id", revl_row_key(r->base, row, kb, sizeof kb));
  const char *kind;
  const char *owner = revl_route_owner(r, o, i, &kind);
  revl_set_str(L, t, "owner", owner);
  if (o->rep[i] >= 0) revl_set_str(L, t, "owner_name", revl_str_of(r->reps, u->nreps_name, (size_t)o->rep[i]));
  revl_set_str(L, t, "kind", kind);
  revl_set_str(L, t, "rule", revl_route_rule_name(r, o->rule[i]));
  if (o->rule[i] >= 0) revl_set_int(L, t, "rule_index", o->rule[i] + 1);
  revl_set_str(L, t, "strategy", revl_route_strategy(r, o->rule[i]));
  if (o->pool[i] >= 0) revl_set_str(L, t, "team", r->pools[o->pool[i]].label);
  if (o->account[i] >= 0) {
    revl_table *a = revl_store_table(r->base->store, "accounts");
    if (a) revl_set_str(L, t, "account_id", revl_row_key(a, (size_t)o->account[i], kb, sizeof kb));
    revl_set_str(L, t, "match", revl_match_method_name(o->method[i]));
  }
  int64_t at = revl_route_at(r, row);
  if (at != REVL_NO_TIME) {
    revl_push_datetime(L, at);
    lua_setfield(L, t, "at");
  }
  int64_t considered, skipped;
  revl_route_tally(o, i, &considered, &skipped);
  if (revl_route_skipped(r, o, i, &u->text)) luaL_error(L, "not enough memory");
  lua_pushlstring(L, u->text.s, u->text.n);
  lua_setfield(L, t, "skipped");
  revl_set_int(L, t, "n_skipped", skipped);
  revl_set_int(L, t, "considered", considered);
  if (with_trail) {
    uint32_t a = o->ev_off[i], z = o->ev_off[i + 1];
    lua_createtable(L, (int)(z - a), 0);
    for (uint32_t k = a; k < z; k++) {
      const revl_route_ev *e = &o->ev[k];
      lua_createtable(L, 0, 6);
      int et = lua_gettop(L);
      revl_set_str(L, et, "rule", revl_route_rule_name(r, e->rule));
      revl_set_str(L, et, "event", revl_route_event_code(e->kind));
      if (e->rep >= 0) revl_set_str(L, et, "rep", revl_route_rep_id(r->reps, e->rep));
      revl_set_str(L, et, "reason", revl_route_reason_code(e));
      char buf[256];
      revl_route_ev_text(r, e, buf, sizeof buf);
      revl_set_str(L, et, "text", buf);
      lua_rawseti(L, -2, (lua_Integer)(k - a) + 1);
    }
    lua_setfield(L, t, "trail");
  }
}

/* res:get(i) -> the i-th assignment with its trail */
static int routing_at(lua_State *L) {
  routing_ud *u = check_routing(L, 1);
  push_assignment(L, u, check_pos(L, u, 2), 1);
  return 1;
}

/* res:position(id) -> i or nil */
static int routing_position(lua_State *L) {
  routing_ud *u = check_routing(L, 1);
  size_t n;
  const char *id = luaL_checklstring(L, 2, &n);
  revl_table *t = u->r->base;
  int64_t row = t->pk >= 0 ? revl_table_find(t, id, n) : -1;
  if (row >= 0)
    for (size_t i = 0; i < u->res.n; i++)
      if (u->res.row[i] == (uint32_t)row) {
        lua_pushinteger(L, (lua_Integer)i + 1);
        return 1;
      }
  lua_pushnil(L);
  return 1;
}

/* res:rows() -> list of assignment tables (no trails) */
static int routing_rows(lua_State *L) {
  routing_ud *u = check_routing(L, 1);
  lua_createtable(L, (int)u->res.n, 0);
  for (size_t i = 0; i < u->res.n; i++) {
    push_assignment(L, u, i, 0);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* res:explain(i) -> text, one line per event */
static int routing_explain(lua_State *L) {
  routing_ud *u = check_routing(L, 1);
  size_t i = check_pos(L, u, 2);
  char kb[64];
  const char *key = revl_row_key(u->r->base, u->res.row[i], kb, sizeof kb);
  if (revl_route_trail(u->r, &u->res, i, "\n  ", 1, &u->text))
    return luaL_error(L, "not enough memory");
  lua_pushstring(L, key);
  lua_pushliteral(L, ":");
  lua_pushlstring(L, u->text.s, u->text.n);
  lua_concat(L, 3);
  return 1;
}

/* res:counts() -> {owner = n} */
static int routing_counts(lua_State *L) {
  routing_ud *u = check_routing(L, 1);
  lua_newtable(L);
  for (size_t i = 0; i < u->res.n; i++) {
    const char *o = revl_route_owner(u->r, &u->res, i, NULL);
    if (!o) o = "(none)";
    lua_getfield(L, -1, o);
    lua_Integer c = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, c + 1);
    lua_setfield(L, -2, o);
  }
  return 1;
}

/* res:to_csv(path): the assignments CSV of revl_route_write_csv */
static int routing_to_csv(lua_State *L) {
  routing_ud *u = check_routing(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char full[4096];
  revl_error err;
  if (revl_out_skip(L, path, full, sizeof full)) {
    lua_pushstring(L, full);
    return 1;
  }
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return revl_raise(L, &err);
  if (revl_route_write_csv(u->r, &u->res, w)) {
    revl_csvw_abort(w);
    return luaL_error(L, "not enough memory");
  }
  return revl_out_commit(L, w, full);
}

/* ---- matching keys ---------------------------------------------------------- */

/* revl.company_key / revl.domain_key, also revl.metrics.name_key and
 * domain_key (duplicate detection and routing share the normalisers):
 * the normalised form, nil when nothing is left */
static int push_norm(lua_State *L,
                     size_t (*norm)(const char *, size_t, char *, size_t)) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  char buf[1024];
  size_t k = norm(s, n, buf, sizeof buf);
  if (k) lua_pushlstring(L, buf, k);
  else lua_pushnil(L);
  return 1;
}

int revl_lua_company_key(lua_State *L) {
  return push_norm(L, revl_norm_company);
}

int revl_lua_domain_key(lua_State *L) {
  return push_norm(L, revl_norm_domain);
}

static int l_is_freemail(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  char buf[512];
  size_t k = revl_norm_domain(s, n, buf, sizeof buf);
  lua_pushboolean(L, k && revl_is_freemail(buf, k));
  return 1;
}

/* ---- module ------------------------------------------------------------------ */

static const luaL_Reg routing_methods[] = {
    {"at", routing_at},       {"position", routing_position},
    {"rows", routing_rows},   {"explain", routing_explain},
    {"counts", routing_counts}, {"to_csv", routing_to_csv},
    {NULL, NULL}};

static const luaL_Reg funcs[] = {
    {"guard", l_guard},
    {"router_new", l_router_new},
    {"router_calendar", l_router_calendar},
    {"router_pool", l_router_pool},
    {"router_queue", l_router_queue},
    {"router_terr", l_router_terr},
    {"router_rule", l_router_rule},
    {"router_account", l_router_account},
    {"router_caps", l_router_caps},
    {"router_fallback", l_router_fallback},
    {"router_reset", l_router_reset},
    {"router_route", l_router_route},
    {"company_key", revl_lua_company_key},
    {"domain_key", revl_lua_domain_key},
    {"is_freemail", l_is_freemail},
    {NULL, NULL}};

/* Called with the revl module table at the top: leaves revl._route for
 * lua/route.lua, which takes it away. */
int luaopen_revl_route(lua_State *L) {
  int m = lua_gettop(L);
  luaL_newmetatable(L, ROUTER_MT);
  lua_pushcfunction(L, router_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  luaL_newmetatable(L, ROUTING_MT);
  lua_pushcfunction(L, routing_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, routing_len);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, routing_tostring);
  lua_setfield(L, -2, "__tostring");
  luaL_newlib(L, routing_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  revl_route_open_calendar(L);
  revl_route_open_funnel(L);
  revl_route_open_state(L);
  /* metatables route.lua extends with Lua methods */
  lua_createtable(L, 0, 2);
  luaL_getmetatable(L, ROUTING_MT);
  lua_setfield(L, -2, "routing");
  luaL_getmetatable(L, REVL_CALENDAR);
  lua_setfield(L, -2, "calendar");
  lua_setfield(L, -2, "meta");
  lua_setfield(L, m, "_route");
  lua_settop(L, m);
  return 0;
}
