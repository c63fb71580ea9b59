/*
 * l_metrics_closed.c -- Lua bindings of the closed-deal metrics (win
 * rate, deal size, sales cycle, velocity, performance), of the lead
 * funnel and of the funnel across tables (path), computed in the core
 * (revl/metric_closed.h, revl/metric_path.h): check and parse the
 * options, call the core, push the frame.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_closed.h"
#include "revl/metric_path.h"
#include "revl/metrics.h"

typedef int (*closed_fn)(const revl_metric_ctx *, const revl_view *, const revl_closed_opts *,
                         revl_frame **, revl_error *);

/* cycle_from / cycle_to = "column": a date or datetime column name */
static const char *cycle_col(lua_State *L, const char *fn, const char *key) {
  if (!lua_istable(L, 2)) return NULL;
  int ty = lua_getfield(L, 2, key);
  const char *s = ty == LUA_TSTRING ? lua_tostring(L, -1) : NULL; /* alive in the options */
  lua_pop(L, 1);
  if (ty != LUA_TNIL && !s)
    luaL_error(L, "revl.metrics.%s: %s must be a column name, not a %s", fn, key,
               lua_typename(L, ty));
  return s;
}

static int closed(lua_State *L, const char *fn, closed_fn f) {
  static const char *const allowed[] = {"by", "period", "from", "to", "periods", NULL};
  static const char *const cycled[] = {"by",      "period",     "from",     "to",
                                       "periods", "cycle_from", "cycle_to", NULL};
  int cyc = f != revl_metric_win_rate && f != revl_metric_deal_size;
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, cyc ? cycled : allowed);
  revl_closed_opts o;
  memset(&o, 0, sizeof o);
  revl_mopts_window(L, 2, fn, &o.win);
  revl_mopts_by(L, 2, fn, &o.by);
  if (cyc) {
    o.cycle_from = cycle_col(L, fn, "cycle_from");
    o.cycle_to = cycle_col(L, fn, "cycle_to");
  }
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *fr = NULL;
  int rc = f(&cx, &v, &o, &fr, &err);
  return revl_metric_finish(L, rc, fr, &err);
}

static int lm_win_rate(lua_State *L) { return closed(L, "win_rate", revl_metric_win_rate); }
static int lm_deal_size(lua_State *L) { return closed(L, "deal_size", revl_metric_deal_size); }
static int lm_sales_cycle(lua_State *L) {
  return closed(L, "sales_cycle", revl_metric_sales_cycle);
}
static int lm_velocity(lua_State *L) { return closed(L, "velocity", revl_metric_velocity); }
static int lm_performance(lua_State *L) {
  return closed(L, "performance", revl_metric_performance);
}

/* ---- funnel -------------------------------------------------------- */

/* The window options at o into w as revl_mopts_window, except that an
 * unknown period name stops there (the rest left unset): the metric
 * reports it before any malformed from/to/periods, as it always has. */
static void window_parse(lua_State *L, int o, const char *fn, revl_window_opts *w) {
  memset(w, 0, sizeof *w);
  if (lua_istable(L, o) && lua_getfield(L, o, "period") == LUA_TSTRING) {
    const char *p = lua_tostring(L, -1); /* alive in the options */
    lua_pop(L, 1);
    if (strcmp(p, "all") != 0 && revl_metrics_period_parse(p) < 0) {
      w->period = p;
      return;
    }
  } else if (lua_istable(L, o)) {
    lua_pop(L, 1);
  }
  revl_mopts_window(L, o, fn, w);
}

/* What funnel_parse fills, and how far it got. */
typedef struct funnel_parse_st {
  revl_funnel_opts *o;
  int stage; /* REVL_FUNNEL_BAD_* being parsed */
} funnel_parse_st;

/* Parse the window and by options at o into st->o, raising on a
 * malformed one (today's texts). */
static void funnel_parse_opts(lua_State *L, int o, funnel_parse_st *st) {
  st->stage = REVL_FUNNEL_BAD_WINDOW;
  window_parse(L, o, "funnel", &st->o->win);
  st->stage = REVL_FUNNEL_BAD_BY;
  revl_mopts_by(L, o, "funnel", &st->o->by);
  st->stage = REVL_FUNNEL_BAD_NONE;
}

static int funnel_parse_p(lua_State *L) {
  funnel_parse_opts(L, 1, lua_touserdata(L, 2));
  return 0;
}

/* revl.metrics.funnel(leads, {by, period, from, to, periods}): leads
 * created in the window and how far they got.  The options are parsed
 * first without raising: the metric checks its columns before it reads
 * them, and a malformed option is raised (in its own words) only when
 * the core gets to it. */
static int lm_funnel(lua_State *L) {
  static const char *const allowed[] = {"by", "period", "from", "to", "periods", NULL};
  const char *fn = "funnel";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2); /* the options (or nil) stay at 2 */
  revl_funnel_opts o;
  memset(&o, 0, sizeof o);
  funnel_parse_st st = {&o, REVL_FUNNEL_BAD_NONE};
  lua_pushcfunction(L, funnel_parse_p);
  lua_pushvalue(L, 2);
  lua_pushlightuserdata(L, &st);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    lua_pop(L, 1);
    o.bad = st.stage;
  }
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *fr = NULL;
  int rc = revl_metric_funnel(&cx, &v, &o, &fr, &err);
  if (rc && o.bad && !err.msg[0]) { /* stopped at the malformed option */
    memset(&o, 0, sizeof o);
    funnel_parse_opts(L, 2, &st); /* raises its error */
  }
  return revl_metric_finish(L, rc, fr, &err);
}

/* ---- path: a funnel across tables --------------------------------- */

/* revl.metrics.path({{"lead", revl.leads, at = "created_at"},
 *                    {"mql", revl.mql, at = "qualified_on", link = "lead_id"}, ...},
 *                   {by, period, from, to, periods}) */
static int lm_path(lua_State *L) {
  static const char *const allowed[] = {"by", "period", "from", "to", "periods", NULL};
  static const char *const step_keys[] = {"name", "rows", "at", "link", NULL};
  const char *fn = "path";
  luaL_checktype(L, 1, LUA_TTABLE);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2);
  revl_path_opts o;
  memset(&o, 0, sizeof o);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  if (n < 2 || n > REVL_PATH_MAXSTEPS)
    return luaL_error(L, "revl.metrics.path: needs a list of 2 to %d steps, not %d",
                      REVL_PATH_MAXSTEPS, (int)n);
  o.nsteps = (int)n;
  for (lua_Integer i = 1; i <= n; i++) {
    revl_path_step *s = &o.steps[i - 1];
    if (lua_rawgeti(L, 1, i) != LUA_TTABLE)
      return luaL_error(L, "revl.metrics.path: step %d must be a table {name, rows, at = ...}",
                        (int)i);
    int st = lua_gettop(L);
    /* unknown keys of the step, with the nearest */
    lua_pushnil(L);
    while (lua_next(L, st)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING) continue;
      const char *k = lua_tostring(L, -1);
      int ok = 0;
      for (int j = 0; step_keys[j]; j++) ok |= strcmp(k, step_keys[j]) == 0;
      if (!ok) {
        revl_near nr;
        char hint[160];
        revl_near_init(&nr, k);
        for (int j = 0; step_keys[j]; j++) revl_near_add(&nr, step_keys[j]);
        return luaL_error(L, "revl.metrics.path: step %d: unknown option '%s'%s", (int)i, k,
                          revl_near_hint(&nr, hint, sizeof hint));
      }
    }
    if (lua_rawgeti(L, st, 1) == LUA_TNIL) lua_getfield(L, st, "name");
    s->name = lua_tostring(L, -1); /* alive in the step table */
    if (!s->name || lua_type(L, -1) != LUA_TSTRING || !*s->name)
      return luaL_error(L, "revl.metrics.path: step %d needs a name (its first entry)", (int)i);
    if (lua_rawgeti(L, st, 2) == LUA_TNIL) lua_getfield(L, st, "rows");
    if (lua_isnil(L, -1))
      return luaL_error(L, "revl.metrics.path: step '%s' needs its rows (a table such as "
                        "revl.leads, or a view)", s->name);
    char what[96];
    snprintf(what, sizeof what, "path (step '%.40s')", s->name);
    revl_mopts_view(L, lua_gettop(L), what, &s->view);
    if (lua_getfield(L, st, "at") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "revl.metrics.path: step '%s': at must be a column name", s->name);
    s->at = lua_tostring(L, -1);
    if (lua_getfield(L, st, "link") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "revl.metrics.path: step '%s': link must be a column name",
                        s->name);
    s->link = lua_tostring(L, -1);
    /* everything stays referenced by argument 1 */
    lua_settop(L, 2);
  }
  revl_mopts_window(L, 2, fn, &o.win);
  revl_mopts_by(L, 2, fn, &o.by);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, o.steps[0].view.t, &cx);
  revl_error err = {0};
  revl_frame *fr = NULL;
  int rc = revl_metric_path(&cx, &o, &fr, &err);
  return revl_metric_finish(L, rc, fr, &err);
}

void revl_open_metrics_closed(lua_State *L) {
  static const luaL_Reg funcs[] = {{"win_rate", lm_win_rate},
                                   {"deal_size", lm_deal_size},
                                   {"sales_cycle", lm_sales_cycle},
                                   {"velocity", lm_velocity},
                                   {"performance", lm_performance},
                                   {"funnel", lm_funnel},
                                   {"path", lm_path},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
