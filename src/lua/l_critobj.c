/*
 * l_critobj.c -- criteria as Lua objects (revl.criterion: test, explain,
 * where), the usage conditions of triggers (utilisation, growth,
 * renewal; computed by src/rules/triggers.c), and the record helpers of
 * revl._rules (fn_rows, crit_rows, owner, subview, record_id, row_of,
 * is_*, column_info, column_hint).
 */
#include "lrules.h"

/* ---- criteria as objects ---------------------------------------------------------------------- */

typedef struct critobj {
  revl_crit *c;
  revl_table *t;
} critobj;

static int critobj_gc(lua_State *L) {
  critobj *o = lua_touserdata(L, 1);
  revl_crit_free(o->c);
  o->c = NULL;
  return 0;
}

static critobj *check_critobj(lua_State *L, int idx) {
  critobj *o = luaL_checkudata(L, idx, RULES_CRIT);
  if (!o->c) luaL_error(L, "this criterion was freed");
  return o;
}

/* C.criterion_new{view =, spec =} -- uservalue 1 functions, 2 view */
static int l_crit_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "view"); /* 2 */
  lua_getfield(L, 1, "spec"); /* 3 */
  revl_table *t = lr_view_table(L, 2);
  critobj *o = lua_newuserdatauv(L, sizeof *o, 2); /* 4 */
  o->c = NULL;
  o->t = t;
  luaL_setmetatable(L, RULES_CRIT);
  lua_newtable(L); /* 5: the functions of compiled criteria */
  lua_pushvalue(L, 5);
  lua_setiuservalue(L, 4, 1);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, 4, 2);
  o->c = lr_compile_or_die(L, 3, t, 5, "criterion");
  lua_settop(L, 4);
  return 1;
}

typedef struct crit_job {
  revl_crit *c;
  const uint32_t *rows;
  size_t n;
  uint32_t *out;
  size_t k;
  int32_t as_of;
} crit_job;

/* revl_criteria_eval (src/rules/eval.c) with per-row lua_pcall
 * callbacks; a Lua error stays on the stack and is raised here. */
static int crit_run(lua_State *L, rctx *x) {
  crit_job *j = x->job;
  revl_eval_opts o = {j->as_of, NULL, lr_rc_pcall, lr_rc_match, x};
  revl_error err;
  int rc = revl_criteria_eval(j->c, x->t, j->rows, j->n, &o, j->out, &j->k, &err);
  if (rc == 0) return 0;
  if (rc == REVL_ESCRIPT) return lua_error(L); /* the Lua error object */
  return luaL_error(L, "%s", err.msg);
}

/* filter rows[0..n) of the criterion at oidx; pushes nothing */
static size_t crit_filter_rows(lua_State *L, int oidx, critobj *o, const uint32_t *rows,
                               size_t n, uint32_t *out) {
  oidx = lua_absindex(L, oidx);
  lua_getiuservalue(L, oidx, 1); /* fns */
  lua_getiuservalue(L, oidx, 2); /* view */
  if (!revl_crit_is_declarative(o->c)) lr_push_proxy(L, -1, o->t);
  else lua_pushnil(L);
  crit_job j = {o->c, rows, n, out, 0, revl_rt_get(L) ? revl_rt_get(L)->as_of : 0};
  rctx x;
  memset(&x, 0, sizeof x);
  x.t = o->t;
  x.job = &j;
  x.fn = crit_run;
  lr_run_job(L, &x, -3, -1, -1);
  lua_pop(L, 3);
  return j.k;
}

/* c:test(record) -> true/false, value seen */
static int l_crit_test(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  int64_t row = lr_record_row(L, 2, o->t);
  if (row < 0) return luaL_error(L, "%s has no record %s", o->t->name, luaL_tolstring(L, 2, NULL));
  uint32_t r = (uint32_t)row, out;
  size_t k = crit_filter_rows(L, 1, o, &r, 1, &out);
  lua_pushboolean(L, k == 1);
  sbuf *b = lr_sb_new(L);
  revl_crit_seen(b, o->c, (size_t)row);
  lua_pushstring(L, lr_sb_text(L, b));
  lua_remove(L, -2);
  return 2;
}

/* c:explain(record) -> {criterion =, value =, met =} */
static int l_crit_explain(lua_State *L) {
  l_crit_test(L);
  critobj *o = check_critobj(L, 1);
  lua_createtable(L, 0, 3);
  lua_pushstring(L, o->c->name);
  lua_setfield(L, -2, "criterion");
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "value");
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "met");
  return 1;
}

/* c:where([view]) -> view of the records that satisfy it */
static int l_crit_where(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  const uint32_t *rows;
  size_t n;
  revl_table *t = lr_view_arg(L, 2, &rows, &n);
  if (t != o->t) return luaL_error(L, "this criterion is about %s, not %s", o->t->name, t->name);
  uint32_t *out = malloc((n ? n : 1) * sizeof *out);
  if (!out) return luaL_error(L, "not enough memory");
  /* anchor out while Lua functions may raise */
  uint32_t **holder = lua_newuserdatauv(L, sizeof *holder, 0);
  *holder = out;
  lua_newtable(L);
  lua_pushcfunction(L, lr_sbuf_gc); /* frees the first pointer field */
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  size_t k = crit_filter_rows(L, 1, o, rows, n, out);
  *holder = NULL;
  revl_view_push_derived(L, 2, out, k);
  return 1;
}

static int l_crit_index(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (lua_getfield(L, lua_upvalueindex(1), k) != LUA_TNIL) return 1;
  if (strcmp(k, "name") == 0) lua_pushstring(L, o->c->name);
  else if (strcmp(k, "table") == 0) lua_pushstring(L, o->t->name);
  else if (strcmp(k, "declarative") == 0) lua_pushboolean(L, revl_crit_is_declarative(o->c));
  else lua_pushnil(L);
  return 1;
}

static int l_crit_tostring(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  lua_pushfstring(L, "criterion %s", o->c->name);
  return 1;
}

/* ---- trigger conditions --------------------------------------------------------------------- */

/* A hit {row =, ...} for the caller to fill, then appended to list. */
static void hit_begin(lua_State *L, size_t row) {
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, (lua_Integer)row + 1);
  lua_setfield(L, -2, "row");
}

static void hit_end(lua_State *L, int list) {
  lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
}

/* hit_end with the text of b as the hit's reason */
static void hit_end_reason(lua_State *L, int list, sbuf *b) {
  lua_pushstring(L, lr_sb_text(L, b));
  lua_setfield(L, -2, "reason");
  hit_end(L, list);
}

/* The hits of a core condition (a frame: row, values, reason) as the
 * list of {row = N (1-based), value fields..., reason =} tables the
 * trigger code reads; frees f. */
static int push_hits(lua_State *L, revl_frame *f) {
  revl_push_frame(L, f, 0); /* freed by its __gc, even if what follows raises */
  int fi = lua_gettop(L);
  lua_createtable(L, (int)(f->nrows < 1u << 20 ? f->nrows : 1u << 20), 0);
  for (size_t r = 0; r < f->nrows; r++) {
    lua_createtable(L, 0, f->ncols);
    for (int ci = 0; ci < f->ncols; ci++) {
      const revl_column *c = &f->cols[ci]->col;
      if (!revl_col_valid(c, r)) continue;
      switch (c->type) {
      case REVL_T_INT:
        lua_pushinteger(L, (lua_Integer)c->v.i64[r] + (ci == 0)); /* row: 1-based */
        break;
      case REVL_T_NUMBER: lua_pushnumber(L, c->v.f64[r]); break;
      case REVL_T_DATE: revl_push_date(L, c->v.date[r]); break;
      case REVL_T_MONEY: revl_push_money(L, c->v.i64[r], revl_frame_currency(f, ci, r)); break;
      default: lua_pushstring(L, revl_frame_str(f, ci, r)); break;
      }
      lua_setfield(L, -2, c->name);
    }
    lua_rawseti(L, -2, (lua_Integer)r + 1);
  }
  lua_remove(L, fi);
  return 1;
}

/* C.cond_utilisation(view, {usage =, subscriptions =, metric =, min =, days =}) */
static int l_cond_util(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TTABLE);
  revl_usage_src src;
  lr_read_src(L, 2, t, &src, 1, 1);
  const char *metric = lr_opt_str(L, 2, "metric");
  uint32_t mid = lr_intern_of(L, t, metric ? metric : "active_seats");
  double min = lr_opt_num(L, 2, "min", 0.8, NULL);
  int32_t days = (int32_t)lr_opt_num(L, 2, "days", 14, NULL);
  revl_view v = {t, rows, n};
  revl_frame *f = NULL;
  revl_error err;
  if (revl_trigger_util(&src, &v, metric ? metric : "active_seats", mid, min, days,
                        revl_rt_get(L)->as_of, &f, &err))
    return luaL_error(L, "%s", err.msg);
  return push_hits(L, f);
}

/* C.cond_growth(view, {usage =, metric =, days =, min =, agg =}) */
static int l_cond_growth(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TTABLE);
  revl_usage_src src;
  lr_read_src(L, 2, t, &src, 1, 0);
  const char *metric = lr_opt_str(L, 2, "metric");
  uint32_t mid = lr_intern_of(L, t, metric ? metric : "");
  double min = lr_opt_num(L, 2, "min", 0.2, NULL);
  int32_t days = (int32_t)lr_opt_num(L, 2, "days", 28, NULL);
  int agg = revl_usage_agg_of(lr_opt_str(L, 2, "agg"));
  revl_view v = {t, rows, n};
  revl_frame *f = NULL;
  revl_error err;
  if (revl_trigger_growth(&src, &v, metric, mid, min, days, agg, revl_usage_agg_name(agg),
                          revl_rt_get(L)->as_of, &f, &err))
    return luaL_error(L, "%s", err.msg);
  return push_hits(L, f);
}

/* C.cond_renewal(view, {subscriptions =, days =, term =, field =}) */
static int l_cond_renewal(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TTABLE);
  int32_t days = (int32_t)lr_opt_num(L, 2, "days", 90, NULL);
  int term = (int)lr_opt_num(L, 2, "term", 12, NULL);
  const char *field = lr_opt_str(L, 2, "field");
  int32_t as_of = revl_rt_get(L)->as_of;
  revl_usage_src src;
  revl_table *ft = NULL;
  int fcol = -1, fvia = -1;
  if (field) {
    memset(&src, 0, sizeof src);
    fcol = revl_resolve_field(t, field, &ft, &fvia);
    if (fcol < 0 || (ft->cols[fcol]->type != REVL_T_DATE && ft->cols[fcol]->type != REVL_T_DATETIME))
      return luaL_error(L, "%s has no date column '%s'", t->name, field);
  } else {
    lr_read_src(L, 2, t, &src, 0, 1);
  }
  revl_view v = {t, rows, n};
  revl_frame *f = NULL;
  revl_error err;
  if (revl_trigger_renewal(&src, &v, field, ft, fcol, fvia, days, term, as_of, &f, &err))
    return luaL_error(L, "%s", err.msg);
  return push_hits(L, f);
}

typedef struct fnrows_job {
  const uint32_t *rows;
  size_t n;
  int list;
} fnrows_job;

static int fnrows_run(lua_State *L, rctx *x) {
  fnrows_job *j = x->job;
  lua_newtable(L);
  int list = lua_gettop(L);
  for (size_t i = 0; i < j->n; i++) {
    size_t row = j->rows ? j->rows[i] : i;
    lua_pushvalue(L, x->extra);
    lr_call_row(x, row, 2);
    if (lua_toboolean(L, -2)) {
      hit_begin(L, row);
      if (!lua_isboolean(L, -3)) {
        lua_pushvalue(L, -3);
        lua_setfield(L, -2, "value");
      }
      if (!lua_isnil(L, -2)) {
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, "reason");
      }
      hit_end(L, list);
    }
    lua_pop(L, 2);
  }
  /* hand the list back through the functions table */
  lua_pushvalue(L, list);
  lua_rawseti(L, x->fns, 1);
  return 0;
}

/* C.fn_rows(view, fn) -> hits {row =, value =, reason =} where fn(row) is truthy */
static int l_fn_rows(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  lua_newtable(L); /* 3: result slot */
  lr_push_proxy(L, 1, t); /* 4 */
  fnrows_job j = {rows, n, 0};
  rctx x;
  memset(&x, 0, sizeof x);
  x.t = t;
  x.job = &j;
  x.fn = fnrows_run;
  lr_run_job(L, &x, 3, 4, 2);
  lua_rawgeti(L, 3, 1);
  return 1;
}

/* C.crit_rows(criterion, view) -> hits {row =, reason = "name [seen]"} */
static int l_crit_rows(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 2, &t, &rows, &n);
  if (t != o->t) return luaL_error(L, "this criterion is about %s, not %s", o->t->name, t->name);
  uint32_t *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);
  size_t k = crit_filter_rows(L, 1, o, rows, n, out);
  lua_createtable(L, (int)k, 0);
  int list = lua_gettop(L);
  sbuf *b = lr_sb_new(L);
  for (size_t i = 0; i < k; i++) {
    hit_begin(L, out[i]);
    revl_sb_reset(b);
    revl_sb_adds(b, o->c->name);
    if (o->c->col >= 0 || revl_crit_is_combo(o->c)) {
      revl_sb_adds(b, " [");
      revl_crit_seen(b, o->c, out[i]);
      revl_sb_adds(b, "]");
    }
    hit_end_reason(L, list, b);
  }
  lua_settop(L, list);
  return 1;
}

/* C.owner(view, row) -> the record's owner: its own owner column, else
 * the owner of its most recently created deal */
static int l_owner(lua_State *L) {
  revl_table *t = lr_view_table(L, 1);
  lua_Integer r1 = luaL_checkinteger(L, 2);
  if (r1 < 1 || (size_t)r1 > t->nrows) return 0;
  size_t row = (size_t)r1 - 1;
  const char *o = revl_own_owner(t, row); /* the deals load only when needed */
  if (!o) o = revl_deal_owner(t, row, revl_need_table(L, t->store, "deals"));
  if (!o) return 0;
  lua_pushstring(L, o);
  return 1;
}

/* C.subview(view, rows) -> a view of those rows (1-based row numbers) */
static int l_subview(lua_State *L) {
  revl_table *t = lr_view_table(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t k = lua_rawlen(L, 2);
  uint32_t *out = malloc((k ? k : 1) * sizeof *out);
  if (!out) return luaL_error(L, "not enough memory");
  size_t m = 0;
  for (size_t i = 1; i <= k; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i);
    lua_Integer r = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (r >= 1 && (size_t)r <= t->nrows) out[m++] = (uint32_t)(r - 1);
  }
  revl_view_push_derived(L, 1, out, m);
  return 1;
}

/* C.record_id(view, row) -> the record's id */
static int l_record_id(lua_State *L) {
  revl_table *t = lr_view_table(L, 1);
  lua_Integer r = luaL_checkinteger(L, 2);
  if (r < 1 || (size_t)r > t->nrows) return 0;
  lr_push_id(L, t, (size_t)r - 1);
  return 1;
}

/* C.row_of(view, record) -> 1-based row or nil */
static int l_row_of(lua_State *L) {
  revl_table *t = lr_view_table(L, 1);
  int64_t r = lr_record_row(L, 2, t);
  if (r < 0) return 0;
  lua_pushinteger(L, (lua_Integer)r + 1);
  return 1;
}

/* C.is_frame(x) -> true for rule frames */
static int l_is_frame(lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, RULES_FRAME) != NULL);
  return 1;
}

/* C.is_model(x) -> kind or nil */
static int l_is_model(lua_State *L) {
  model *m = luaL_testudata(L, 1, RULES_MODEL);
  if (!m || !m->kind) return 0;
  lua_pushstring(L, lr_kind_name(m->kind));
  return 1;
}

/* C.is_criterion(x) */
static int l_is_crit(lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, RULES_CRIT) != NULL);
  return 1;
}

/* C.is_view(x) */
static int l_is_view(lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, REVL_VIEW) != NULL);
  return 1;
}

/* C.column_info(view, field) -> type name or nil (for definitions) */
static int l_column_info(lua_State *L) {
  revl_table *t = lr_view_table(L, 1);
  revl_table *h;
  int via;
  int c = revl_resolve_field(t, luaL_checkstring(L, 2), &h, &via);
  if (c < 0) return 0;
  lua_pushstring(L, revl_type_name(h->cols[c]->type));
  lua_pushboolean(L, h->cols[c]->ref != NULL);
  return 2;
}

/* C.column_hint(view, name): " (did you mean 'x'?)" or "" */
static int l_column_hint(lua_State *L) {
  revl_table *t = lr_view_table(L, 1);
  char buf[160];
  lua_pushstring(L, revl_table_hint(t, luaL_checkstring(L, 2), buf, sizeof buf));
  return 1;
}

static const luaL_Reg crit_methods[] = {
    {"test", l_crit_test}, {"explain", l_crit_explain}, {"where", l_crit_where},
    {NULL, NULL}};

const luaL_Reg lr_critobj_funcs[] = {
    {"criterion_new", l_crit_new},
    {"cond_utilisation", l_cond_util}, {"cond_growth", l_cond_growth},
    {"cond_renewal", l_cond_renewal}, {"fn_rows", l_fn_rows},
    {"crit_rows", l_crit_rows},     {"owner", l_owner},
    {"subview", l_subview},         {"record_id", l_record_id},
    {"row_of", l_row_of},           {"is_frame", l_is_frame},
    {"is_model", l_is_model},       {"is_criterion", l_is_crit},
    {"is_view", l_is_view},         {"column_info", l_column_info},
    {"column_hint", l_column_hint}, {NULL, NULL}};

void lr_open_critobj(lua_State *L) {
  lr_new_meta(L, RULES_CRIT, crit_methods, l_crit_index, critobj_gc, l_crit_tostring);
}
