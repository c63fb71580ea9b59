/*
 * l_route.c -- Lua bindings of the rules engine, part 2: calendars,
 * routers, funnels and SLAs (include/revl/route.h).
 *
 * The C side compiles the pieces of a definition that touch the data
 * (fields, criteria, rep ids) and runs the per-record work; lua/route.lua
 * checks the shape of definitions, gives them names and builds the
 * objects playbooks see.  Everything here is reached through the private
 * table revl._route, which route.lua takes and removes.
 *
 * Criteria may hold Lua functions (the escape hatch).  They are compiled
 * here, not by revl_compile_crit, so that the functions stay reachable:
 * all/any/none and lists are walked here and every declarative leaf is
 * handed to revl_compile_crit.  A function runs under the per-call time
 * budget and an error in it names the record, as in view:where.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/parse.h"
#include "revl/route.h"

#define CAL_MT "revl.calendar"
#define ROUTER_MT "revl.router_ud"
#define ROUTING_MT "revl.routing"
#define FUNNEL_MT "revl.funnel_ud"
#define SLA_MT "revl.sla_ud"

/* ---- small helpers --------------------------------------------------- */

static char *xstrdup(lua_State *L, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (!d) luaL_error(L, "not enough memory");
  memcpy(d, s, n);
  return d;
}

static void *xalloc(lua_State *L, size_t n, size_t size) {
  void *p = revl_realloc_array(NULL, n ? n : 1, size);
  if (!p) luaL_error(L, "not enough memory");
  return p;
}

static const char *str_of(revl_table *t, int col, size_t row) {
  if (col < 0) return NULL;
  revl_column *c = t->cols[col];
  if (c->type != REVL_T_STRING || !revl_col_valid(c, row)) return NULL;
  return revl_intern_str(&t->store->strings, c->v.str[row]);
}

static void set_str(lua_State *L, int tbl, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, tbl, k);
}

static void set_int(lua_State *L, int tbl, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, tbl, k);
}

static void set_bool(lua_State *L, int tbl, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, tbl, k);
}

/* A time as a number of minutes: an integer when whole, else rounded to
 * the hundredth (the exact figure is in seconds). */
static void push_minutes(lua_State *L, int64_t secs) {
  int64_t whole;
  double frac;
  if (revl_minutes(secs, &whole, &frac)) lua_pushinteger(L, whole);
  else lua_pushnumber(L, frac);
}

static int64_t floor_div64(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* The view's table, or an error naming what was expected. */
static revl_table *view_table(lua_State *L, int idx, const uint32_t **rows,
                              size_t *n) {
  revl_table *t;
  const uint32_t *r;
  size_t k;
  if (!luaL_testudata(L, idx, REVL_VIEW))
    luaL_error(L, "expected a table or view of records, got %s", luaL_typename(L, idx));
  revl_view_rows(L, idx, &t, &r, &k);
  if (rows) *rows = r;
  if (n) *n = k;
  return t;
}

/* ---- criteria with Lua functions ------------------------------------- */

/* Criteria share the store's compiler; functions land in our fns table. */
static revl_crit *compile(lua_State *L, int idx, revl_table *t, int fns) {
  luaL_checkstack(L, 8, "criteria nest too deeply");
  return revl_compile_crit_fns(L, idx, t, fns);
}

/* Callbacks of a compiled criterion: fns and a view of the base table at
 * known stack indexes while it runs.  A failed call leaves its error
 * (naming the record) on the stack top and returns -1, so the core
 * evaluator returns REVL_ESCRIPT and the binding raises it: no longjmp
 * crosses the core. */
typedef struct lcb {
  lua_State *L;
  int fns, view;
  int failed;
} lcb;

static int cb_func(void *ud, const revl_crit *c, size_t row) {
  lcb *x = ud;
  lua_State *L = x->L;
  if (x->failed) return -1;
  lua_rawgeti(L, x->fns, c->ref);
  revl_view_push_row(L, x->view, row);
  revl_call_seq++;
  revl_in_call = 1;
  int st = lua_pcall(L, 1, 1, 0);
  revl_in_call = 0;
  if (st != LUA_OK) {
    x->failed = 1;
    if (st == LUA_ERRMEM) return -1;
    const char *msg = lua_tostring(L, -1);
    char buf[64];
    lua_pushfstring(L, "%s[%s]: %s", c->base->name, revl_row_key(c->base, row, buf, sizeof buf),
                    msg ? msg : "(error object)");
    return -1;
  }
  int r = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return r;
}

static int cb_match(void *ud, const revl_crit *c, const char *s, size_t n) {
  return revl_crit_match(((lcb *)ud)->L, c, s, n);
}

/* Set up a crit context for objects whose uservalue table (at `keep`)
 * holds fns and base (a view of the base table). */
static void ctx_init(lua_State *L, int keep, lcb *x, revl_crit_ctx *cc) {
  lua_getfield(L, keep, "fns");
  x->fns = lua_gettop(L);
  lua_getfield(L, keep, "base");
  x->view = lua_gettop(L);
  x->L = L;
  revl_rt_state *rt = revl_rt_get(L);
  cc->as_of = rt ? rt->as_of : 0;
  cc->call = cb_func;
  cc->match = cb_match;
  cc->ud = x;
  cc->failed = 0;
  x->failed = 0;
}

/* After a core evaluator returned rc: raise the callback's error, or
 * the core's. */
static void ctx_check(lua_State *L, int rc) {
  if (rc == REVL_ESCRIPT) lua_error(L); /* the error object is on top */
  if (rc == REVL_ENOMEM) luaL_error(L, "not enough memory");
}

/* New userdata with a keep table {fns = {}, base = view} as uservalue. */
static void *new_obj(lua_State *L, size_t size, const char *mt, int view) {
  view = lua_absindex(L, view);
  void *p = lua_newuserdatauv(L, size, 1);
  memset(p, 0, size);
  luaL_setmetatable(L, mt);
  lua_createtable(L, 0, 4);
  lua_newtable(L);
  lua_setfield(L, -2, "fns");
  lua_pushvalue(L, view);
  lua_setfield(L, -2, "base");
  lua_setiuservalue(L, -2, 1);
  return p;
}

/* Compile spec at idx for an object at obj (its keep table's fns). */
static revl_crit *obj_compile(lua_State *L, int obj, int idx, revl_table *t) {
  obj = lua_absindex(L, obj);
  idx = lua_absindex(L, idx);
  lua_getiuservalue(L, obj, 1);
  lua_getfield(L, -1, "fns");
  revl_crit *c = compile(L, idx, t, lua_gettop(L));
  lua_pop(L, 2);
  return c;
}

static void keep_set(lua_State *L, int obj, const char *k, int v) {
  obj = lua_absindex(L, obj);
  v = lua_absindex(L, v);
  lua_getiuservalue(L, obj, 1);
  lua_pushvalue(L, v);
  lua_setfield(L, -2, k);
  lua_pop(L, 1);
}

/* ---- guard: definition errors name the playbook's line --------------- */

/* Remove the positions of revl's own Lua parts ("lua/route.lua:12: "). */
static const char *strip_internal(lua_State *L, const char *msg, int *stripped) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  const char *p = msg;
  *stripped = 0;
  while (*p) {
    if (strncmp(p, "lua/", 4) == 0) {
      const char *q = p + 4;
      while ((*q >= 'a' && *q <= 'z') || *q == '_') q++;
      if (strncmp(q, ".lua:", 5) == 0) {
        q += 5;
        const char *d = q;
        while (*q >= '0' && *q <= '9') q++;
        if (q > d && q[0] == ':' && q[1] == ' ') {
          p = q + 2;
          *stripped = 1;
          continue;
        }
      }
    }
    luaL_addchar(&b, *p);
    p++;
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

static int has_position(const char *s) {
  for (const char *p = strstr(s, ".lua:"); p; p = strstr(p + 1, ".lua:")) {
    const char *q = p + 5;
    if (*q >= '0' && *q <= '9') return 1;
  }
  return 0;
}

static int guard_call(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  int st = lua_pcall(L, n, LUA_MULTRET, 0);
  if (st == LUA_OK) return lua_gettop(L);
  if (st == LUA_ERRMEM || lua_type(L, -1) != LUA_TSTRING) return lua_error(L);
  int stripped;
  const char *msg = strip_internal(L, lua_tostring(L, -1), &stripped);
  if (!has_position(msg)) {
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

/* ---- times ------------------------------------------------------------ */

/* An instant from a datetime, a date (its local midnight) or text
 * ("2025-03-07T16:00:00Z"; without an offset: local time of cal). */
static int64_t check_time(lua_State *L, int idx, revl_calendar *cal) {
  int64_t *dt = luaL_testudata(L, idx, REVL_DATETIME);
  if (dt) return *dt;
  int32_t *d = luaL_testudata(L, idx, REVL_DATE);
  if (d) return cal ? revl_cal_day_start(cal, *d) : (int64_t)*d * 86400;
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    revl_parse_opts o;
    memset(&o, 0, sizeof o);
    int64_t v;
    if (revl_parse_datetime(s, n, &o, &v) == 0) {
      int zone = 0;
      while (n && (s[n - 1] == ' ')) n--;
      for (size_t i = 11; i < n; i++)
        if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || (s[i] == '-' && i > 12)) zone = 1;
      if (zone || !cal) return v;
      int64_t day = floor_div64(v, 86400);
      return revl_cal_local(cal, (int32_t)day, (int)(v - day * 86400));
    }
    luaL_error(L, "not a date or datetime: '%s'", s);
  }
  luaL_error(L, "expected a datetime, a date or an ISO text, got %s", luaL_typename(L, idx));
  return 0;
}

/* ---- calendars --------------------------------------------------------- */

typedef struct cal_ud {
  revl_calendar *c;
  int open_min, close_min;
  unsigned days;
} cal_ud;

static cal_ud *check_cal(lua_State *L, int idx) {
  cal_ud *u = luaL_checkudata(L, idx, CAL_MT);
  if (!u->c) luaL_error(L, "calendar was freed");
  return u;
}

static int cal_gc(lua_State *L) {
  cal_ud *u = luaL_checkudata(L, 1, CAL_MT);
  revl_calendar_free(u->c);
  u->c = NULL;
  return 0;
}

/* cal_new{tz=, open=, close=, days=, holidays={days...}} */
static int l_cal_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  revl_cal_spec s;
  memset(&s, 0, sizeof s);
  lua_getfield(L, 1, "tz");
  s.tz = lua_tostring(L, -1);
  lua_getfield(L, 1, "open");
  s.open_min = (int)luaL_checkinteger(L, -1);
  lua_getfield(L, 1, "close");
  s.close_min = (int)luaL_checkinteger(L, -1);
  lua_getfield(L, 1, "days");
  s.days = (unsigned)luaL_checkinteger(L, -1);
  lua_getfield(L, 1, "holidays");
  size_t nh = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
  int32_t *hol = lua_newuserdatauv(L, (nh ? nh : 1) * sizeof *hol, 0);
  for (size_t i = 0; i < nh; i++) {
    lua_rawgeti(L, -2, (lua_Integer)i + 1);
    hol[i] = (int32_t)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
  }
  s.holidays = hol;
  s.nholidays = nh;
  cal_ud *u = lua_newuserdatauv(L, sizeof *u, 1);
  u->c = NULL;
  luaL_setmetatable(L, CAL_MT);
  revl_error err;
  u->c = revl_calendar_new(&s, &err);
  if (!u->c) return luaL_error(L, "%s", err.msg);
  u->open_min = s.open_min;
  u->close_min = s.close_min;
  u->days = s.days;
  return 1;
}

static int cal_business_minutes(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int64_t a = check_time(L, 2, u->c), b = check_time(L, 3, u->c);
  push_minutes(L, revl_cal_business_seconds(u->c, a, b));
  return 1;
}

static int cal_business_seconds(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int64_t a = check_time(L, 2, u->c), b = check_time(L, 3, u->c);
  lua_pushinteger(L, revl_cal_business_seconds(u->c, a, b));
  return 1;
}

static int cal_add(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int64_t a = check_time(L, 2, u->c);
  double m = luaL_checknumber(L, 3);
  revl_push_datetime(L, revl_cal_add(u->c, a, (int64_t)llround(m * 60)));
  return 1;
}

static int cal_is_open(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  lua_pushboolean(L, revl_cal_is_open(u->c, check_time(L, 2, u->c)));
  return 1;
}

static int cal_is_business_day(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int32_t d;
  revl_check_date(L, 2, &d);
  lua_pushboolean(L, revl_cal_is_business_day(u->c, d));
  return 1;
}

static int cal_business_days(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int32_t a, b;
  revl_check_date(L, 2, &a);
  revl_check_date(L, 3, &b);
  lua_pushinteger(L, revl_cal_business_days(u->c, a, b));
  return 1;
}

static int cal_local_date(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  revl_push_date(L, revl_cal_day(u->c, check_time(L, 2, u->c)));
  return 1;
}

static void fmt_local(revl_calendar *c, int64_t t, char *buf, size_t n) {
  int off = revl_cal_utc_offset(c, t);
  int64_t lt = t + off;
  int64_t day = floor_div64(lt, 86400), sod = lt - day * 86400;
  int y;
  unsigned m, d;
  revl_civil_from_days((int32_t)day, &y, &m, &d);
  int ao = off < 0 ? -off : off;
  snprintf(buf, n, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
           (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), off < 0 ? '-' : '+',
           ao / 3600, ao / 60 % 60);
}

static int cal_local_time(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  char buf[64];
  fmt_local(u->c, check_time(L, 2, u->c), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int cal_instant(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  revl_push_datetime(L, check_time(L, 2, u->c));
  return 1;
}

static int cal_timezone(lua_State *L) {
  lua_pushstring(L, revl_cal_tz(check_cal(L, 1)->c));
  return 1;
}

static int cal_tostring(lua_State *L) {
  cal_ud *u = luaL_checkudata(L, 1, CAL_MT);
  if (!u->c) return lua_pushliteral(L, "calendar (freed)"), 1;
  static const char *dn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  char days[64] = "";
  for (int i = 0; i < 7; i++)
    if (u->days >> i & 1) {
      if (days[0]) strcat(days, ",");
      strcat(days, dn[i]);
    }
  char buf[256];
  snprintf(buf, sizeof buf, "calendar %s %02d:%02d-%02d:%02d %s", revl_cal_tz(u->c),
           u->open_min / 60, u->open_min % 60, u->close_min / 60, u->close_min % 60, days);
  lua_pushstring(L, buf);
  return 1;
}

static const luaL_Reg cal_methods[] = {
    {"business_minutes", cal_business_minutes},
    {"business_seconds", cal_business_seconds},
    {"add", cal_add},
    {"is_open", cal_is_open},
    {"is_business_day", cal_is_business_day},
    {"business_days", cal_business_days},
    {"local_date", cal_local_date},
    {"local_time", cal_local_time},
    {"instant", cal_instant},
    {"timezone", cal_timezone},
    {NULL, NULL}};

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

/* router_new(base_view, reps_view, time_field) */
static int l_router_new(lua_State *L) {
  revl_table *base = view_table(L, 1, NULL, NULL);
  revl_table *reps = view_table(L, 2, NULL, NULL);
  const char *tf = luaL_optstring(L, 3, NULL);
  if (reps->pk < 0) return luaL_error(L, "the reps table has no id column");
  router_ud *u = new_obj(L, sizeof *u, ROUTER_MT, 1);
  keep_set(L, -1, "reps", 2);
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
  cal_ud *c = check_cal(L, 2);
  keep_set(L, 1, "cal", 2);
  u->r->cal = c->c;
  return 0;
}

static int32_t find_rep(lua_State *L, revl_table *reps, int idx) {
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

/* router_pool(ud, key, label, mode, {ids}, {weights} | nil) -> index */
static int l_router_pool(lua_State *L) {
  router_ud *u = check_router(L, 1);
  const char *key = luaL_checkstring(L, 2), *label = luaL_checkstring(L, 3);
  int mode = mode_of(L, luaL_checkstring(L, 4));
  luaL_checktype(L, 5, LUA_TTABLE);
  int have = revl_router_find_pool(u->r, key);
  if (have >= 0) return lua_pushinteger(L, have), 1;
  int n = (int)lua_rawlen(L, 5);
  if (n == 0) return luaL_error(L, "pool '%s' has no reps", label);
  int32_t *reps = lua_newuserdatauv(L, (size_t)n * sizeof *reps, 0);
  int64_t *w = lua_newuserdatauv(L, (size_t)n * sizeof *w, 0);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, 5, i + 1);
    reps[i] = find_rep(L, u->r->reps, -1);
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

static uint32_t intern_value(lua_State *L, revl_table *t, const char *s, size_t n) {
  uint32_t id = revl_intern_find(&t->store->strings, s, n);
  if (!id) id = revl_intern_add(&t->store->strings, s, n);
  if (!id) luaL_error(L, "not enough memory");
  return id;
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
  t.col = revl_resolve_field(u->r->base, field, &t.holder, &t.via);
  if (t.col < 0) return luaL_error(L, "%s has no column '%s'%s", u->r->base->name, field, REVL_HINT(u->r->base, field));
  if (t.holder->cols[t.col]->type != REVL_T_STRING)
    return luaL_error(L, "territory field '%s' must be text, it is %s", field,
                      revl_type_name(t.holder->cols[t.col]->type));
  int n = (int)lua_rawlen(L, 3);
  t.keys = xalloc(L, (size_t)n, sizeof *t.keys);
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
    ru.col = revl_resolve_field(r->base, f, &ru.holder, &ru.via);
    if (ru.col < 0) return luaL_error(L, "%s has no column '%s'%s", r->base->name, f, REVL_HINT(r->base, f));
    if (ru.holder->cols[ru.col]->type != REVL_T_STRING)
      return luaL_error(L, "owner field '%s' must be text (rep ids), it is %s", f,
                        revl_type_name(ru.holder->cols[ru.col]->type));
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
    ru.rep = find_rep(L, r->reps, 5);
  } else {
    return luaL_error(L, "unknown strategy kind '%s'", kind);
  }
  if (!lua_isnoneornil(L, 3)) ru.crit = obj_compile(L, 1, 3, r->base);
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
  revl_table *a = revl_store_table(r->base->store, "accounts");
  if (!a) return luaL_error(L, "account matching needs the accounts table (not loaded)");
  const char *lf[3] = {"email", "domain", "company"};
  int *lc[3] = {&r->lead_email, &r->lead_domain, &r->lead_company};
  int any = 0;
  for (int i = 0; i < 3; i++) {
    lua_getfield(L, 2, lf[i]);
    const char *f = lua_tostring(L, -1);
    int explicit_ = f != NULL;
    if (!f) f = lf[i];
    int c = revl_table_col(r->base, f);
    if (c < 0 && explicit_) return luaL_error(L, "%s has no column '%s'%s", r->base->name, f, REVL_HINT(r->base, f));
    if (c >= 0 && r->base->cols[c]->type != REVL_T_STRING) {
      if (explicit_) return luaL_error(L, "'%s' must be a text column", f);
      c = -1;
    }
    *lc[i] = c;
    any |= c >= 0;
    lua_pop(L, 1);
  }
  if (!any)
    return luaL_error(L, "account matching needs an email, domain or company column on %s",
                      r->base->name);
  lua_getfield(L, 2, "account_domain");
  const char *ad = lua_tostring(L, -1);
  int adc = revl_table_col(a, ad ? ad : "domain");
  if (adc < 0 && !ad) adc = revl_table_col(a, "website");
  if (ad && adc < 0) return luaL_error(L, "accounts has no column '%s'", ad);
  lua_getfield(L, 2, "account_name");
  const char *an = lua_tostring(L, -1);
  int anc = revl_table_col(a, an ? an : "name");
  if (an && anc < 0) return luaL_error(L, "accounts has no column '%s'", an);
  lua_getfield(L, 2, "owner_from");
  const char *of = lua_tostring(L, -1);
  int oc = revl_table_col(a, "owner");
  if (of && strcmp(of, "deals") == 0) {
    r->owner_from_deals = 1;
  } else if (of && strcmp(of, "owner") != 0) {
    oc = revl_table_col(a, of);
    if (oc < 0) return luaL_error(L, "accounts has no column '%s'", of);
  } else if (of && oc < 0) {
    return luaL_error(L, "accounts has no column 'owner' (use owner_from = \"deals\")");
  }
  if (!r->owner_from_deals) {
    if (oc < 0) r->owner_from_deals = 1;
    else r->acct_owner_col = oc;
  }
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
  size_t nr = r->reps->nrows;
  int64_t *cap = malloc((nr ? nr : 1) * sizeof *cap);
  if (!cap) return luaL_error(L, "not enough memory");
  free(r->cap[p]);
  r->cap[p] = cap;
  for (size_t i = 0; i < nr; i++) cap[i] = -1;
  if (lua_isinteger(L, 3)) {
    lua_Integer v = lua_tointeger(L, 3);
    if (v < 0) return luaL_error(L, "%s cap must be >= 0", pn[p]);
    for (size_t i = 0; i < nr; i++) cap[i] = v;
  } else if (lua_type(L, 3) == LUA_TSTRING) {
    const char *f = lua_tostring(L, 3);
    int c = revl_table_col(r->reps, f);
    if (c < 0) return luaL_error(L, "%s cap: reps has no column '%s'", pn[p], f);
    revl_column *col = r->reps->cols[c];
    if (col->type != REVL_T_INT && col->type != REVL_T_NUMBER)
      return luaL_error(L, "%s cap: reps.%s is %s, not a number", pn[p], f,
                        revl_type_name(col->type));
    for (size_t i = 0; i < nr; i++)
      if (revl_col_valid(col, i))
        cap[i] = col->type == REVL_T_INT ? col->v.i64[i] : (int64_t)floor(col->v.f64[i]);
  } else if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "default");
    if (!lua_isnil(L, -1)) {
      if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
        return luaL_error(L, "%s cap default must be a whole number >= 0", pn[p]);
      for (size_t i = 0; i < nr; i++) cap[i] = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "default") != 0) {
        int32_t rep = find_rep(L, r->reps, -2);
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
  revl_table *t = view_table(L, 2, &rows, &n);
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
  lcb x;
  revl_crit_ctx cc;
  ctx_init(L, 4, &x, &cc);
  ctx_check(L, revl_route(u->r, rows, n, &cc, &res->res));
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
  set_str(L, t, "id", revl_row_key(r->base, row, kb, sizeof kb));
  const char *kind;
  const char *owner = revl_route_owner(r, o, i, &kind);
  set_str(L, t, "owner", owner);
  if (o->rep[i] >= 0) set_str(L, t, "owner_name", str_of(r->reps, u->nreps_name, (size_t)o->rep[i]));
  set_str(L, t, "kind", kind);
  set_str(L, t, "rule", revl_route_rule_name(r, o->rule[i]));
  if (o->rule[i] >= 0) set_int(L, t, "rule_index", o->rule[i] + 1);
  set_str(L, t, "strategy", revl_route_strategy(r, o->rule[i]));
  if (o->pool[i] >= 0) set_str(L, t, "team", r->pools[o->pool[i]].label);
  if (o->account[i] >= 0) {
    revl_table *a = revl_store_table(r->base->store, "accounts");
    if (a) set_str(L, t, "account_id", revl_row_key(a, (size_t)o->account[i], kb, sizeof kb));
    set_str(L, t, "match", revl_match_method_name(o->method[i]));
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
  set_int(L, t, "n_skipped", skipped);
  set_int(L, t, "considered", considered);
  if (with_trail) {
    uint32_t a = o->ev_off[i], z = o->ev_off[i + 1];
    lua_createtable(L, (int)(z - a), 0);
    for (uint32_t k = a; k < z; k++) {
      const revl_route_ev *e = &o->ev[k];
      lua_createtable(L, 0, 6);
      int et = lua_gettop(L);
      set_str(L, et, "rule", revl_route_rule_name(r, e->rule));
      set_str(L, et, "event", revl_route_event_code(e->kind));
      if (e->rep >= 0) set_str(L, et, "rep", revl_route_rep_id(r->reps, e->rep));
      set_str(L, et, "reason", revl_route_reason_code(e));
      char buf[256];
      revl_route_ev_text(r, e, buf, sizeof buf);
      set_str(L, et, "text", buf);
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
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return revl_raise(L, &err);
  if (revl_route_write_csv(u->r, &u->res, w)) {
    revl_csvw_abort(w);
    return luaL_error(L, "not enough memory");
  }
  if (revl_csvw_commit(w, &err)) return revl_raise(L, &err);
  lua_pushstring(L, full);
  return 1;
}

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
  revl_router *r = check_router(L, 1)->r;
  lua_createtable(L, 0, 5);
  int s = lua_gettop(L);
  set_int(L, s, "version", 1);
  set_int(L, s, "routed", r->routed);
  if (r->last_time != REVL_NO_TIME || r->last_id) {
    lua_createtable(L, 0, 2);
    if (r->last_time != REVL_NO_TIME) {
      char b[32];
      revl_format_datetime(r->last_time, b, sizeof b);
      set_str(L, lua_gettop(L), "at", b);
    }
    if (r->last_id) set_str(L, lua_gettop(L), "id", revl_intern_str(&r->base->store->strings, r->last_id));
    lua_setfield(L, s, "last");
  }
  lua_newtable(L);
  for (int i = 0; i < r->npools; i++) {
    revl_pool *p = &r->pools[i];
    lua_createtable(L, 0, 2);
    if (p->mode == REVL_RR_ORDER) set_str(L, lua_gettop(L), "next", revl_route_rep_id(r->reps, p->reps[p->next]));
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
    set_int(L, lua_gettop(L), "count", r->count[i]);
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
  revl_router *r = check_router(L, 1)->r;
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
      r->last_id = intern_value(L, r->base, s, n);
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
        int32_t rep = find_rep(L, r->reps, -1);
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
      int32_t rep = find_rep(L, r->reps, -2);
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
  if (revl_csvw_commit(w, &err)) return revl_raise(L, &err);
  lua_pushstring(L, full);
  return 1;
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

/* ---- funnels -------------------------------------------------------------- */

typedef struct funnel_ud {
  revl_funnel f;
} funnel_ud;

static funnel_ud *check_funnel(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, FUNNEL_MT);
}

static int funnel_gc(lua_State *L) {
  funnel_ud *u = luaL_checkudata(L, 1, FUNNEL_MT);
  revl_funnel *f = &u->f;
  for (int i = 0; i < f->nstages; i++) {
    revl_fstage *s = &f->stages[i];
    free(s->name);
    revl_crit_free(s->entry);
    revl_crit_free(s->exit);
    free(s->values);
    free(s->req_col);
    free(s->req_via);
    free(s->req_holder);
    for (int k = 0; k < s->nreq; k++) free(s->req_name[k]);
    free(s->req_name);
  }
  free(f->stages);
  free(f->terminal);
  memset(f, 0, sizeof *f);
  return 0;
}

static int opt_col(lua_State *L, revl_table *t, int opts, const char *key,
                   const char *dflt, revl_type want, int required) {
  lua_getfield(L, opts, key);
  const char *name = lua_tostring(L, -1);
  lua_pop(L, 1);
  int explicit_ = name != NULL;
  if (!name) name = dflt;
  if (!name) return -1;
  int c = revl_table_col(t, name);
  if (c < 0) {
    if (explicit_ || required) luaL_error(L, "%s has no column '%s'%s", t->name, name, REVL_HINT(t, name));
    return -1;
  }
  if ((int)want >= 0 && t->cols[c]->type != want) {
    if (explicit_ || required)
      luaL_error(L, "%s '%s' is %s, not %s", key, name, revl_type_name(t->cols[c]->type),
                 revl_type_name(want));
    return -1;
  }
  return c;
}

/* funnel_new(view, {stage_field, terminal, owner, forecast_field,
 * history, calendar}) */
static int l_funnel_new(lua_State *L) {
  revl_table *t = view_table(L, 1, NULL, NULL);
  luaL_checktype(L, 2, LUA_TTABLE);
  funnel_ud *u = new_obj(L, sizeof *u, FUNNEL_MT, 1); /* 3 */
  revl_funnel *f = &u->f;
  f->base = t;
  f->stage_col = opt_col(L, t, 2, "stage_field", NULL, REVL_T_STRING, 1);
  f->owner_col = -1;
  f->owner_role_col = -1;
  f->forecast_col = -1;
  f->hist_fk = f->hist_at = f->hist_stage = -1;
  lua_getfield(L, 2, "terminal");
  if (lua_istable(L, -1)) {
    int n = (int)lua_rawlen(L, -1);
    f->terminal = xalloc(L, (size_t)n, sizeof *f->terminal);
    for (int i = 0; i < n; i++) {
      lua_rawgeti(L, -1, i + 1);
      size_t kn;
      const char *s = lua_tolstring(L, -1, &kn);
      if (!s) return luaL_error(L, "terminal values must be text");
      f->terminal[f->nterminal++] = intern_value(L, t, s, kn);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  /* the owner, for owner roles: a reference to reps */
  lua_getfield(L, 2, "owner");
  int explicit_owner = lua_isstring(L, -1);
  lua_pop(L, 1);
  int oc = opt_col(L, t, 2, "owner", "owner", REVL_T_STRING, 0);
  if (oc >= 0 && t->cols[oc]->ref && revl_table_col(t->cols[oc]->ref, "role") >= 0) {
    f->owner_col = oc;
    f->owner_role_col = revl_table_col(t->cols[oc]->ref, "role");
    if (t->cols[oc]->ref->cols[f->owner_role_col]->type != REVL_T_STRING) f->owner_role_col = -1;
  } else if (explicit_owner) {
    return luaL_error(L, "owner field '%s' does not reference reps (with a role column)",
                      oc >= 0 ? t->cols[oc]->name : "?");
  }
  f->forecast_col = opt_col(L, t, 2, "forecast_field", NULL, REVL_T_STRING, 1);
  /* stage history: a table with a reference to the base and an
   * entered_at datetime */
  lua_getfield(L, 2, "history");
  int hist = lua_isnil(L, -1) ? -1 : lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (hist != 0) {
    revl_table *h = revl_store_table(t->store, "stage_history");
    int fk = -1, at = -1;
    if (h) {
      for (int i = 0; i < h->ncols; i++)
        if (h->cols[i]->ref == t && h->cols[i]->rev_off) {
          fk = i;
          break;
        }
      at = revl_table_col(h, "entered_at");
      if (at >= 0 && h->cols[at]->type != REVL_T_DATETIME && h->cols[at]->type != REVL_T_DATE)
        at = -1;
    }
    if (h && fk >= 0 && at >= 0) {
      f->hist = h;
      f->hist_fk = fk;
      f->hist_at = at;
      f->hist_stage = revl_table_col(h, "stage");
    } else if (hist == 1) {
      return luaL_error(L, "history: no stage_history table referencing %s is loaded", t->name);
    }
  }
  lua_getfield(L, 2, "calendar");
  if (!lua_isnil(L, -1)) {
    f->cal = check_cal(L, -1)->c;
    keep_set(L, 3, "cal", -1);
  }
  lua_pop(L, 1);
  lua_settop(L, 3);
  return 1;
}

/* funnel_stage(ud, {name, entry, exit, values, required, entered,
 * sla_days, role, forecast}) */
static int l_funnel_stage(lua_State *L) {
  funnel_ud *u = check_funnel(L, 1);
  revl_funnel *f = &u->f;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (f->nstages >= 64) return luaL_error(L, "a funnel has at most 64 stages");
  revl_fstage *st = revl_realloc_array(f->stages, (size_t)f->nstages + 1, sizeof *st);
  if (!st) return luaL_error(L, "not enough memory");
  f->stages = st;
  revl_fstage *s = &st[f->nstages];
  memset(s, 0, sizeof *s);
  s->entered_col = -1;
  s->sla_days = -1;
  f->nstages++; /* from here on the gc frees what is filled */
  lua_getfield(L, 2, "name");
  s->name = xstrdup(L, luaL_checkstring(L, -1));
  lua_pop(L, 1);
  lua_getfield(L, 2, "entry");
  if (!lua_isnil(L, -1)) s->entry = obj_compile(L, 1, -1, f->base);
  lua_pop(L, 1);
  lua_getfield(L, 2, "exit");
  if (!lua_isnil(L, -1)) s->exit = obj_compile(L, 1, -1, f->base);
  lua_pop(L, 1);
  lua_getfield(L, 2, "values");
  int nv = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
  s->values = xalloc(L, (size_t)nv, sizeof *s->values);
  for (int i = 0; i < nv; i++) {
    lua_rawgeti(L, -1, i + 1);
    size_t kn;
    const char *v = lua_tolstring(L, -1, &kn);
    if (!v) return luaL_error(L, "stage values must be text");
    s->values[s->nvalues++] = intern_value(L, f->base, v, kn);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "required");
  int nr = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
  if (nr > 64) return luaL_error(L, "a stage has at most 64 required fields");
  s->req_col = xalloc(L, (size_t)nr, sizeof *s->req_col);
  s->req_via = xalloc(L, (size_t)nr, sizeof *s->req_via);
  s->req_holder = xalloc(L, (size_t)nr, sizeof *s->req_holder);
  s->req_name = xalloc(L, (size_t)nr, sizeof *s->req_name);
  for (int i = 0; i < nr; i++) {
    lua_rawgeti(L, -1, i + 1);
    const char *fld = lua_tostring(L, -1);
    if (!fld) return luaL_error(L, "required fields are names (text)");
    int c = revl_resolve_field(f->base, fld, &s->req_holder[i], &s->req_via[i]);
    if (c < 0) return luaL_error(L, "required field: %s has no column '%s'%s", f->base->name, fld, REVL_HINT(f->base, fld));
    s->req_col[i] = c;
    s->req_name[i] = xstrdup(L, fld);
    s->nreq = i + 1;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "entered");
  if (!lua_isnil(L, -1)) {
    const char *fld = luaL_checkstring(L, -1);
    int c = revl_table_col(f->base, fld);
    if (c < 0) return luaL_error(L, "entered: %s has no column '%s'%s", f->base->name, fld, REVL_HINT(f->base, fld));
    if (f->base->cols[c]->type != REVL_T_DATETIME && f->base->cols[c]->type != REVL_T_DATE)
      return luaL_error(L, "entered: '%s' is %s, not a date or datetime", fld,
                        revl_type_name(f->base->cols[c]->type));
    s->entered_col = c;
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "sla_days");
  if (!lua_isnil(L, -1)) s->sla_days = (int)luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, 2, "role");
  if (lua_isstring(L, -1)) {
    size_t kn;
    const char *v = lua_tolstring(L, -1, &kn);
    s->role = intern_value(L, f->base, v, kn);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "forecast");
  if (lua_isstring(L, -1)) {
    size_t kn;
    const char *v = lua_tolstring(L, -1, &kn);
    s->forecast = intern_value(L, f->base, v, kn);
  }
  lua_pop(L, 1);
  return 0;
}

/* The verdict of the row being pushed; freed by the collector if a push
 * raises. */
static int fverdict_gc(lua_State *L) {
  revl_fverdict_done(lua_touserdata(L, 1));
  return 0;
}

/* funnel_audit(ud, view) -> list of rows */
static int l_funnel_audit(lua_State *L) {
  funnel_ud *u = check_funnel(L, 1);
  revl_funnel *f = &u->f;
  const uint32_t *rows;
  size_t n;
  revl_table *t = view_table(L, 2, &rows, &n);
  if (t != f->base) return luaL_error(L, "this funnel audits %s, not %s", f->base->name, t->name);
  if (f->nstages == 0) return luaL_error(L, "the funnel has no stages");
  lua_settop(L, 2);
  revl_faudit *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0); /* 3 */
  lua_getiuservalue(L, 1, 1); /* 4 */
  lcb x;
  revl_crit_ctx cc;
  ctx_init(L, 4, &x, &cc); /* 5 fns, 6 view */
  revl_rt_state *rt = revl_rt_get(L);
  int32_t as_of = rt ? rt->as_of : 0;
  ctx_check(L, revl_funnel_audit(f, rows, n, as_of, &cc, out));
  revl_fverdict *v = lua_newuserdatauv(L, sizeof *v, 0); /* 7 */
  memset(v, 0, sizeof *v);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, fverdict_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_createtable(L, (int)n, 0); /* 8 */
  int res = lua_gettop(L);
  for (size_t i = 0; i < n; i++) {
    revl_faudit *a = &out[i];
    size_t row = a->row;
    ctx_check(L, revl_funnel_verdict(f, a, &cc, v));
    lua_createtable(L, 0, 20);
    int r = lua_gettop(L);
    char kb[64];
    set_str(L, r, "id", revl_row_key(t, row, kb, sizeof kb));
    const char *rec = str_of(t, f->stage_col, row);
    set_str(L, r, "recorded", rec);
    if (a->recorded >= 0) {
      revl_fstage *s = &f->stages[a->recorded];
      set_str(L, r, "stage", s->name);
      set_int(L, r, "stage_index", a->recorded + 1);
      set_str(L, r, "status", revl_funnel_status(a));
      set_bool(L, r, "entry_met", a->entry_met);
      set_bool(L, r, "ready", a->exit_met);
      if (v->nmissing) set_str(L, r, "missing", v->missing.s);
      set_int(L, r, "n_missing", v->nmissing);
      if (a->entered != REVL_NO_TIME) {
        revl_push_datetime(L, a->entered);
        lua_setfield(L, r, "entered_at");
      }
      if (a->days >= 0) set_int(L, r, "days_in_stage", a->days);
      if (s->sla_days >= 0) set_int(L, r, "sla_days", s->sla_days);
      set_bool(L, r, "sla_breached", a->sla_breached);
    } else {
      set_str(L, r, "stage", rec ? rec : "(none)");
      set_str(L, r, "status", revl_funnel_status(a));
      set_bool(L, r, "sla_breached", 0);
      set_int(L, r, "n_missing", 0);
    }
    if (a->furthest >= 0) {
      set_str(L, r, "furthest", f->stages[a->furthest].name);
      set_int(L, r, "furthest_index", a->furthest + 1);
    }
    if (f->owner_col >= 0) set_str(L, r, "owner", str_of(t, f->owner_col, row));
    /* violations: a count, a text and the list {code, reason} */
    set_int(L, r, "n_violations", v->n);
    luaL_Buffer vb;
    luaL_buffinit(L, &vb);
    for (int k = 0; k < v->n; k++) {
      if (k) luaL_addstring(&vb, "; ");
      luaL_addstring(&vb, v->v[k].reason);
    }
    luaL_pushresult(&vb);
    lua_setfield(L, r, "violations");
    lua_createtable(L, v->n, 0);
    for (int k = 0; k < v->n; k++) {
      lua_createtable(L, 0, 2);
      set_str(L, lua_gettop(L), "code", v->v[k].code);
      set_str(L, lua_gettop(L), "reason", v->v[k].reason);
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, r, "details");
    lua_rawseti(L, res, (lua_Integer)i + 1);
  }
  revl_fverdict_done(v);
  return 1;
}

/* ---- SLAs ------------------------------------------------------------------ */

typedef struct sla_ud {
  revl_sla s;
} sla_ud;

static sla_ud *check_sla(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, SLA_MT);
}

static int sla_gc(lua_State *L) {
  sla_ud *u = luaL_checkudata(L, 1, SLA_MT);
  for (int i = 0; i < u->s.nkinds; i++) {
    free(u->s.kinds[i].name);
    revl_crit_free(u->s.kinds[i].when);
    free(u->s.kinds[i].types);
  }
  free(u->s.kinds);
  memset(&u->s, 0, sizeof u->s);
  return 0;
}

/* sla_new(view, {owner, via, calendar}) */
static int l_sla_new(lua_State *L) {
  revl_table *t = view_table(L, 1, NULL, NULL);
  luaL_checktype(L, 2, LUA_TTABLE);
  sla_ud *u = new_obj(L, sizeof *u, SLA_MT, 1); /* 3 */
  u->s.base = t;
  u->s.act_fk = u->s.act_at = u->s.act_type = -1;
  u->s.owner_col = opt_col(L, t, 2, "owner", "owner", REVL_T_STRING, 0);
  u->s.team_col = -1;
  if (u->s.owner_col >= 0 && t->cols[u->s.owner_col]->ref) {
    revl_table *reps = t->cols[u->s.owner_col]->ref;
    u->s.team_col = revl_table_col(reps, "team");
    if (u->s.team_col >= 0 && reps->cols[u->s.team_col]->type != REVL_T_STRING) u->s.team_col = -1;
  }
  revl_table *acts = revl_store_table(t->store, "activities");
  if (acts) {
    lua_getfield(L, 2, "via");
    const char *via = lua_tostring(L, -1);
    lua_pop(L, 1);
    int fk = -1;
    if (via) {
      fk = revl_table_col(acts, via);
      if (fk < 0) return luaL_error(L, "activities has no column '%s'", via);
      if (acts->cols[fk]->ref != t || !acts->cols[fk]->rev_off)
        return luaL_error(L, "activities.%s does not reference %s", via, t->name);
    } else {
      for (int i = 0; i < acts->ncols; i++)
        if (acts->cols[i]->ref == t && acts->cols[i]->rev_off) {
          fk = i;
          break;
        }
    }
    int at = revl_table_col(acts, "at");
    if (fk >= 0 && at >= 0 && acts->cols[at]->type == REVL_T_DATETIME) {
      u->s.acts = acts;
      u->s.act_fk = fk;
      u->s.act_at = at;
      u->s.act_type = revl_table_col(acts, "type");
      if (u->s.act_type >= 0 && acts->cols[u->s.act_type]->type != REVL_T_STRING)
        u->s.act_type = -1;
    }
  }
  lua_getfield(L, 2, "calendar");
  if (!lua_isnil(L, -1)) {
    u->s.cal = check_cal(L, -1)->c;
    keep_set(L, 3, "cal", -1);
  }
  lua_settop(L, 3);
  return 1;
}

/* sla_kind(ud, {name, when, start, stop, activity = {types} | true,
 * target = seconds}) */
static int l_sla_kind(lua_State *L) {
  sla_ud *u = check_sla(L, 1);
  revl_sla *s = &u->s;
  revl_table *t = s->base;
  luaL_checktype(L, 2, LUA_TTABLE);
  revl_sla_kind *k = revl_realloc_array(s->kinds, (size_t)s->nkinds + 1, sizeof *k);
  if (!k) return luaL_error(L, "not enough memory");
  s->kinds = k;
  revl_sla_kind *kd = &k[s->nkinds];
  memset(kd, 0, sizeof *kd);
  kd->stop_col = -1;
  kd->start_col = -1;
  s->nkinds++;
  lua_getfield(L, 2, "name");
  kd->name = xstrdup(L, luaL_checkstring(L, -1));
  lua_pop(L, 1);
  lua_getfield(L, 2, "start");
  const char *sf = luaL_checkstring(L, -1);
  kd->start_col = revl_table_col(t, sf);
  if (kd->start_col < 0) return luaL_error(L, "start: %s has no column '%s'%s", t->name, sf, REVL_HINT(t, sf));
  if (t->cols[kd->start_col]->type != REVL_T_DATETIME && t->cols[kd->start_col]->type != REVL_T_DATE)
    return luaL_error(L, "start: '%s' is %s, not a datetime", sf,
                      revl_type_name(t->cols[kd->start_col]->type));
  lua_pop(L, 1);
  lua_getfield(L, 2, "stop");
  if (!lua_isnil(L, -1)) {
    const char *sf2 = luaL_checkstring(L, -1);
    kd->stop_col = revl_table_col(t, sf2);
    if (kd->stop_col < 0) return luaL_error(L, "stop: %s has no column '%s'%s", t->name, sf2, REVL_HINT(t, sf2));
    if (t->cols[kd->stop_col]->type != REVL_T_DATETIME && t->cols[kd->stop_col]->type != REVL_T_DATE)
      return luaL_error(L, "stop: '%s' is %s, not a datetime", sf2,
                        revl_type_name(t->cols[kd->stop_col]->type));
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "activity");
  if (!lua_isnil(L, -1)) {
    if (!s->acts)
      return luaL_error(L, "stop at an activity needs an activities table referencing %s "
                           "(with an 'at' datetime)", t->name);
    kd->use_acts = 1;
    if (lua_istable(L, -1)) {
      size_t n = lua_rawlen(L, -1);
      kd->types = xalloc(L, n, sizeof *kd->types);
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        size_t kn;
        const char *v = lua_tolstring(L, -1, &kn);
        if (!v) return luaL_error(L, "activity types must be text");
        kd->types[kd->ntypes++] = intern_value(L, t, v, kn);
        lua_pop(L, 1);
      }
      /* sort for binary search */
      for (size_t i = 1; i < kd->ntypes; i++)
        for (size_t j = i; j > 0 && kd->types[j - 1] > kd->types[j]; j--) {
          uint32_t x = kd->types[j];
          kd->types[j] = kd->types[j - 1];
          kd->types[j - 1] = x;
        }
      if (kd->ntypes && s->act_type < 0)
        return luaL_error(L, "activities has no text 'type' column");
    }
  }
  lua_pop(L, 1);
  if (kd->stop_col < 0 && !kd->use_acts)
    return luaL_error(L, "an SLA needs a stop: a field or activity types");
  lua_getfield(L, 2, "target");
  kd->target = luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, 2, "when");
  if (!lua_isnil(L, -1)) kd->when = obj_compile(L, 1, -1, t);
  lua_pop(L, 1);
  return 0;
}

/* sla_measure(ud, view, now) -> list of ledger rows */
static int l_sla_measure(lua_State *L) {
  sla_ud *u = check_sla(L, 1);
  revl_sla *s = &u->s;
  const uint32_t *rows;
  size_t n;
  revl_table *t = view_table(L, 2, &rows, &n);
  if (t != s->base) return luaL_error(L, "this SLA measures %s, not %s", s->base->name, t->name);
  if (s->nkinds == 0) return luaL_error(L, "the SLA has no targets");
  int64_t now = check_time(L, 3, NULL);
  lua_settop(L, 3);
  revl_sla_row *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0); /* 4 */
  lua_getiuservalue(L, 1, 1); /* 5 */
  lcb x;
  revl_crit_ctx cc;
  ctx_init(L, 5, &x, &cc);
  size_t k = 0;
  ctx_check(L, revl_sla_measure(s, rows, n, now, &cc, out, &k));
  lua_createtable(L, (int)k, 0);
  int res = lua_gettop(L);
  for (size_t i = 0; i < k; i++) {
    revl_sla_row *o = &out[i];
    revl_sla_kind *kd = &s->kinds[o->kind];
    lua_createtable(L, 0, 12);
    int r = lua_gettop(L);
    char kb[64];
    set_str(L, r, "record", revl_row_key(t, o->row, kb, sizeof kb));
    set_str(L, r, "kind", kd->name);
    set_str(L, r, "owner", o->owner);
    set_str(L, r, "team", o->team);
    revl_push_datetime(L, o->start);
    lua_setfield(L, r, "start");
    if (o->stop != REVL_NO_TIME) {
      revl_push_datetime(L, o->stop);
      lua_setfield(L, r, "stop");
    }
    if (o->act_row >= 0)
      set_str(L, r, "activity", revl_row_key(s->acts, (size_t)o->act_row, kb, sizeof kb));
    push_minutes(L, kd->target);
    lua_setfield(L, r, "target_minutes");
    push_minutes(L, o->secs);
    lua_setfield(L, r, "minutes");
    set_int(L, r, "seconds", o->secs);
    set_bool(L, r, "breached", revl_sla_is_breach(o->status));
    set_str(L, r, "status", revl_sla_status_name(o->status));
    lua_rawseti(L, res, (lua_Integer)i + 1);
  }
  return 1;
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
    {"cal_new", l_cal_new},
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
    {"router_state", l_router_state},
    {"router_set_state", l_router_set_state},
    {"funnel_new", l_funnel_new},
    {"funnel_stage", l_funnel_stage},
    {"funnel_audit", l_funnel_audit},
    {"sla_new", l_sla_new},
    {"sla_kind", l_sla_kind},
    {"sla_measure", l_sla_measure},
    {"company_key", revl_lua_company_key},
    {"domain_key", revl_lua_domain_key},
    {"is_freemail", l_is_freemail},
    {"write_text", l_write_text},
    {"read_text", l_read_text},
    {NULL, NULL}};

/* Called with the revl module table at the top: leaves revl._route for
 * lua/route.lua, which takes it away. */
int luaopen_revl_route(lua_State *L) {
  int m = lua_gettop(L);
  luaL_newmetatable(L, CAL_MT);
  lua_pushcfunction(L, cal_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, cal_tostring);
  lua_setfield(L, -2, "__tostring");
  luaL_newlib(L, cal_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
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
  luaL_newmetatable(L, FUNNEL_MT);
  lua_pushcfunction(L, funnel_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  luaL_newmetatable(L, SLA_MT);
  lua_pushcfunction(L, sla_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  /* metatables route.lua extends with Lua methods */
  lua_createtable(L, 0, 2);
  luaL_getmetatable(L, ROUTING_MT);
  lua_setfield(L, -2, "routing");
  luaL_getmetatable(L, CAL_MT);
  lua_setfield(L, -2, "calendar");
  lua_setfield(L, -2, "meta");
  lua_setfield(L, m, "_route");
  lua_settop(L, m);
  return 0;
}
