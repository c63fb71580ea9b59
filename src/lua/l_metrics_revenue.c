/*
 * l_metrics_revenue.c -- Lua bindings of the revenue and data metrics
 * computed in the core (revl/metric_revenue.h): check and parse the
 * options, call the core, push the frames.  Ported: window, mrr, nrr,
 * attribution.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_revenue.h"
#include "revl/metrics.h"

/* revl.metrics.window({period, from, to, periods}) -> the periods */
static int lm_window(lua_State *L) {
  static const char *const allowed[] = {"period", "from", "to", "periods",
                                        NULL};
  const char *fn = "window";
  revl_mopts_check(L, 1, fn, allowed);
  revl_window_opts wo = {0};
  revl_mopts_window(L, 1, fn, &wo);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, NULL, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  if (revl_metric_window(&cx, &wo, &f, &err)) return revl_metric_raise(L, &err);
  revl_push_metric_frame(L, f);
  revl_frame_free(f);
  return 1;
}

static const char *const by_period_opts[] = {"by", "period",  "from",
                                             "to", "periods", NULL};

/* Push opts[key] (nil without options); returns its type. */
static int opt_get(lua_State *L, int o, const char *key) {
  if (!lua_istable(L, o)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, o, key);
}

#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)
#define MAXBY_TEXT TEXT(REVL_METRIC_MAXBY)

/* The `by` option at o into by, as revl_mopts_by does, except that a
 * malformed one is not raised here: its text is returned (NULL when
 * fine) for the core to raise in the order the metric checks things. */
static const char *opt_by_late(lua_State *L, int o, revl_by_opts *by) {
  memset(by, 0, sizeof *by);
  const char *bad = NULL;
  int ty = opt_get(L, o, "by");
  if (ty == LUA_TSTRING) {
    by->by[by->nby++] = lua_tostring(L, -1); /* alive in the options */
  } else if (ty == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    if (n > REVL_METRIC_MAXBY) bad = "at most " MAXBY_TEXT " 'by' fields";
    for (int i = 1; !bad && i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING)
        bad = "'by' takes field names";
      else
        by->by[by->nby++] = lua_tostring(L, -1); /* alive in the list */
      lua_pop(L, 1);
    }
  } else if (ty != LUA_TNIL) {
    bad = "'by' must be a field name or a list of them";
  }
  lua_pop(L, 1);
  return bad;
}

/* revl.metrics.mrr(subscriptions, {by, period, from, to, periods}) */
static int lm_mrr(lua_State *L) {
  const char *fn = "mrr";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, by_period_opts);
  revl_mrr_opts o;
  memset(&o, 0, sizeof o);
  revl_mopts_window(L, 2, fn, &o.win);
  o.by_error = opt_by_late(L, 2, &o.by);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  int rc = revl_metric_mrr(&cx, &v, &o, &f, &err);
  return revl_metric_finish(L, rc, f, &err);
}

/* revl.metrics.nrr(subscriptions, {by, period, from, to, periods}) */
static int lm_nrr(lua_State *L) {
  const char *fn = "nrr";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, by_period_opts);
  revl_nrr_opts o;
  memset(&o, 0, sizeof o);
  static const char *const keys[] = {"period", "from", "to", "periods"};
  for (int i = 0; i < 4; i++) {
    o.window_given |= opt_get(L, 2, keys[i]) != LUA_TNIL;
    lua_pop(L, 1);
  }
  revl_mopts_window(L, 2, fn, &o.win);
  o.by_error = opt_by_late(L, 2, &o.by);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *f = NULL;
  int rc = revl_metric_nrr(&cx, &v, &o, &f, &err);
  return revl_metric_finish(L, rc, f, &err);
}

/* ---- attribution ---------------------------------------------------- */

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

/* What at_parse fills, and how far it got. */
typedef struct at_parse_st {
  revl_attribution_opts *o;
  int stage;        /* REVL_ATTRIB_BAD_* being parsed */
  int models_given; /* models / model: names in the list */
} at_parse_st;

/* Parse the options at o into st->o, raising on a malformed one with
 * today's texts.  Model names and types go as strings into the lists at
 * mi and ti (where they stay alive); the caller points o at them. */
static void at_parse(lua_State *L, int o, int mi, int ti, at_parse_st *st) {
  const char *fn = "attribution";
  revl_attribution_opts *ao = st->o;
  st->stage = REVL_ATTRIB_BAD_WINDOW;
  window_parse(L, o, fn, &ao->win);
  st->stage = REVL_ATTRIB_BAD_BY;
  ao->no_lead_touches = opt_get(L, o, "lead_touches") != LUA_TNIL && !lua_toboolean(L, -1);
  lua_pop(L, 1);
  revl_mopts_by(L, o, fn, &ao->by);
  ao->by_none = opt_get(L, o, "by") == LUA_TTABLE && ao->by.nby == 0;
  lua_pop(L, 1);
  st->stage = REVL_ATTRIB_BAD_MODELS;
  int ty = opt_get(L, o, "models");
  if (ty == LUA_TNIL) {
    lua_pop(L, 1);
    ty = opt_get(L, o, "model");
  }
  if (ty == LUA_TSTRING || ty == LUA_TTABLE) {
    int n = ty == LUA_TSTRING ? 1 : (int)lua_rawlen(L, -1);
    for (int i = 1; i <= n; i++) {
      if (ty == LUA_TTABLE)
        lua_rawgeti(L, -1, i);
      else
        lua_pushvalue(L, -1);
      if (!lua_tostring(L, -1)) { /* no name: reported as '?' */
        lua_pop(L, 1);
        lua_pushliteral(L, "?");
      }
      lua_rawseti(L, mi, i);
    }
    st->models_given = 1;
    ao->nmodels = n;
  } else if (ty != LUA_TNIL) {
    luaL_error(L, "revl.metrics.%s: 'models' is a list of model names", fn);
  }
  lua_pop(L, 1);
  st->stage = REVL_ATTRIB_BAD_HALF_LIFE;
  ty = opt_get(L, o, "half_life");
  if (ty == LUA_TNUMBER) {
    ao->has_half_life = 1;
    ao->half_life = lua_tonumber(L, -1);
  } else if (ty != LUA_TNIL) {
    luaL_error(L, "revl.metrics.%s: option '%s' must be a number", fn, "half_life");
  }
  lua_pop(L, 1);
  st->stage = REVL_ATTRIB_BAD_TYPES;
  if (opt_get(L, o, "types") == LUA_TTABLE) {
    ao->use_types = 1;
    int n = (int)lua_rawlen(L, -1);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (!lua_tolstring(L, -1, NULL))
        luaL_error(L, "revl.metrics.%s: 'types' is a list of activity types", fn);
      lua_rawseti(L, ti, i);
    }
    ao->ntypes = n;
  }
  lua_pop(L, 1);
  st->stage = REVL_ATTRIB_BAD_NONE;
}

static int at_parse_p(lua_State *L) {
  at_parse(L, 1, 2, 3, lua_touserdata(L, 4));
  return 0;
}

/* The n strings of the list at idx as a C array (and their lengths, when
 * lens): userdata pushed on the stack, the strings alive in the list. */
static const char **str_array(lua_State *L, int idx, int n, const size_t **lens) {
  size_t sz = (size_t)(n ? n : 1);
  const char **a = lua_newuserdatauv(L, sz * (sizeof *a + sizeof(size_t)), 0);
  size_t *l = (size_t *)(void *)(a + sz);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, idx, i + 1);
    a[i] = lua_tolstring(L, -1, &l[i]); /* alive in the list */
    lua_pop(L, 1);
  }
  if (lens) *lens = l;
  return a;
}

/* revl.metrics.attribution(deals, {by = "campaign", models, half_life,
 * types, lead_touches, period, from, to, periods}) -> frame, summary.
 * The options are parsed first without raising: the metric checks its
 * tables and columns between them, and a malformed option is raised (in
 * its own words) only when the core gets to it. */
static int lm_attribution(lua_State *L) {
  static const char *const allowed[] = {"by",     "period",    "from",  "to",
                                        "periods", "model",    "models", "half_life",
                                        "types",   "lead_touches", NULL};
  const char *fn = "attribution";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2);
  lua_newtable(L); /* 3: model names */
  lua_newtable(L); /* 4: types */
  revl_attribution_opts o;
  memset(&o, 0, sizeof o);
  at_parse_st st = {&o, REVL_ATTRIB_BAD_NONE, 0};
  lua_pushcfunction(L, at_parse_p);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 4);
  lua_pushlightuserdata(L, &st);
  if (lua_pcall(L, 4, 0, 0) != LUA_OK) {
    lua_pop(L, 1);
    o.bad = st.stage;
  }
  if (st.models_given) o.models = str_array(L, 3, o.nmodels, NULL);
  if (o.use_types) o.types = str_array(L, 4, o.ntypes, &o.type_lens);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_attribution_out out;
  int rc = revl_metric_attribution(&cx, &v, &o, &out, &err);
  if (rc) {
    if (o.bad && !err.msg[0]) { /* stopped at the malformed option */
      memset(&o, 0, sizeof o);
      lua_newtable(L);
      lua_newtable(L);
      at_parse(L, 2, lua_gettop(L) - 1, lua_gettop(L), &st); /* raises its error */
    }
    return revl_metric_raise(L, &err);
  }
  revl_push_metric_frame(L, out.credits);
  revl_frame_free(out.credits);
  revl_push_metric_frame(L, out.summary);
  revl_frame_free(out.summary);
  lua_rawgeti(L, -1, 1); /* the summary's one row, as a plain table */
  lua_remove(L, -2);
  return 2;
}

void revl_open_metrics_revenue(lua_State *L) {
  static const luaL_Reg funcs[] = {{"window", lm_window},
                                   {"mrr", lm_mrr},
                                   {"nrr", lm_nrr},
                                   {"attribution", lm_attribution},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
