/*
 * l_metrics_closed.c -- Lua bindings of the closed-deal metrics (win
 * rate, deal size, sales cycle, velocity, performance) and of the lead
 * funnel, computed in the core (revl/metric_closed.h): check and parse
 * the options, call the core, push the frame.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_closed.h"
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

void revl_open_metrics_closed(lua_State *L) {
  static const luaL_Reg funcs[] = {{"win_rate", lm_win_rate},
                                   {"deal_size", lm_deal_size},
                                   {"sales_cycle", lm_sales_cycle},
                                   {"velocity", lm_velocity},
                                   {"performance", lm_performance},
                                   {"funnel", lm_funnel},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
