/*
 * l_metrics_stages.c -- Lua bindings of the stage metrics (conversion,
 * time in stage, aging, slipped deals) and of the pipeline waterfall,
 * computed in the core (revl/metric_stages.h): check and parse the
 * options, call the core, push the frames.
 *
 * The options are parsed first without raising: the metrics check their
 * tables and columns between them, and a malformed option is raised (in
 * its own words) only when the core gets to it, as it always was.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_stages.h"
#include "revl/metrics.h"

/* ---- options ---------------------------------------------------------- */

/* Push opts[key] (nil without options); returns its type. */
static int opt_get(lua_State *L, int o, const char *key) {
  if (!lua_istable(L, o)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, o, key);
}

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

/* Parse steps, in the order a metric reads its options. */
enum { P_END, P_DAYS, P_STAGES, P_WINDOW, P_BY, P_CURRENT };

typedef struct parse_st {
  const char *fn;
  const int *steps;
  revl_window_opts *win;
  revl_by_opts *by;
  revl_stages_opts *so; /* P_STAGES, P_CURRENT */
  revl_aging_opts *ao;  /* P_DAYS */
  const char **names;   /* room for the stages */
  size_t *lens;
  int stage; /* REVL_STAGES_BAD_* being parsed */
} parse_st;

/* Parse the options at o into st's structs, raising on a malformed one
 * (today's texts). */
static void parse_opts(lua_State *L, int o, parse_st *st) {
  const char *fn = st->fn;
  for (const int *s = st->steps; *s != P_END; s++) {
    switch (*s) {
    case P_DAYS: {
      st->stage = REVL_STAGES_BAD_DAYS;
      int ty = opt_get(L, o, "days");
      if (ty == LUA_TNUMBER) {
        st->ao->has_days = 1;
        st->ao->days = lua_tonumber(L, -1);
      } else if (ty != LUA_TNIL) {
        luaL_error(L, "revl.metrics.%s: option '%s' must be a number", fn, "days");
      }
      lua_pop(L, 1);
      break;
    }
    case P_STAGES: {
      st->stage = REVL_STAGES_BAD_STAGES;
      if (opt_get(L, o, "stages") == LUA_TTABLE) {
        revl_stages_opts *so = st->so;
        int n = (int)lua_rawlen(L, -1);
        so->has_stages = 1;
        so->stages = st->names;
        so->stage_lens = st->lens;
        for (int i = 1; i <= n; i++) {
          lua_rawgeti(L, -1, i);
          if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "revl.metrics.%s: 'stages' is a list of stage names", fn);
          st->names[i - 1] = lua_tolstring(L, -1, &st->lens[i - 1]); /* alive in the list */
          so->nstages = i;
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
      break;
    }
    case P_WINDOW:
      st->stage = REVL_STAGES_BAD_WINDOW;
      window_parse(L, o, fn, st->win);
      break;
    case P_BY:
      st->stage = REVL_STAGES_BAD_BY;
      revl_mopts_by(L, o, fn, st->by);
      break;
    case P_CURRENT:
      st->so->no_current = opt_get(L, o, "current") != LUA_TNIL && !lua_toboolean(L, -1);
      lua_pop(L, 1);
      break;
    }
  }
  st->stage = REVL_STAGES_BAD_NONE;
}

static int parse_p(lua_State *L) {
  parse_opts(L, 1, lua_touserdata(L, 2));
  return 0;
}

/* Parse the options at o (an absolute index) without raising; returns
 * the REVL_STAGES_BAD_* of the first malformed one.  Room for the
 * stages is pushed on the stack (it must stay there for the call). */
static int parse_quiet(lua_State *L, int o, parse_st *st) {
  int n = 0;
  if (lua_istable(L, o)) {
    if (lua_getfield(L, o, "stages") == LUA_TTABLE) n = (int)lua_rawlen(L, -1);
    lua_pop(L, 1);
  }
  size_t sz = (size_t)(n > 0 ? n : 1);
  st->names = lua_newuserdatauv(L, sz * (sizeof *st->names + sizeof *st->lens), 0);
  st->lens = (size_t *)(void *)(st->names + sz);
  lua_pushcfunction(L, parse_p);
  lua_pushvalue(L, o);
  lua_pushlightuserdata(L, st);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    lua_pop(L, 1);
    return st->stage;
  }
  return REVL_STAGES_BAD_NONE;
}

/* After a failed core call: when it stopped at the malformed option the
 * caller found, raise that option's error; else the core's. */
static int raise_for(lua_State *L, int o, int bad, parse_st *st, const revl_error *err) {
  if (bad && !err->msg[0]) {
    revl_window_opts w;
    revl_by_opts by;
    revl_stages_opts so;
    revl_aging_opts ao;
    memset(&so, 0, sizeof so);
    memset(&ao, 0, sizeof ao);
    st->win = &w;
    st->by = &by;
    st->so = &so;
    st->ao = &ao;
    parse_opts(L, o, st); /* raises its error */
  }
  return revl_metric_raise(L, err);
}

/* ---- stage_conversion, time_in_stage ------------------------------------ */

typedef int (*stages_fn)(const revl_metric_ctx *, const revl_view *, const revl_stages_opts *,
                         revl_frame **, revl_error *);

static int stages_metric(lua_State *L, const char *fn, const int *steps, stages_fn f) {
  static const char *const allowed[] = {"by",     "period",  "from", "to", "periods",
                                        "stages", "current", NULL};
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  /* stage_conversion takes everything but `current` */
  const char *const *ok = allowed;
  static const char *const conv[] = {"by", "period", "from", "to", "periods", "stages", NULL};
  if (f == revl_metric_stage_conversion) ok = conv;
  revl_mopts_check(L, 2, fn, ok);
  lua_settop(L, 2);
  revl_stages_opts o;
  memset(&o, 0, sizeof o);
  parse_st st = {fn, steps, &o.win, &o.by, &o, NULL, NULL, NULL, REVL_STAGES_BAD_NONE};
  o.bad = parse_quiet(L, 2, &st);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *fr = NULL;
  int rc = f(&cx, &v, &o, &fr, &err);
  if (rc) return raise_for(L, 2, o.bad, &st, &err);
  return revl_metric_finish(L, rc, fr, &err);
}

/* revl.metrics.stage_conversion(deals, {stages, by, period, ...}) */
static int lm_stage_conversion(lua_State *L) {
  static const int steps[] = {P_STAGES, P_WINDOW, P_BY, P_END};
  return stages_metric(L, "stage_conversion", steps, revl_metric_stage_conversion);
}

/* revl.metrics.time_in_stage(deals, {stages, by, period, ..., current}) */
static int lm_time_in_stage(lua_State *L) {
  static const int steps[] = {P_STAGES, P_WINDOW, P_BY, P_CURRENT, P_END};
  return stages_metric(L, "time_in_stage", steps, revl_metric_time_in_stage);
}

/* Push f as revl_push_metric_frame does, except that strings of the
 * view's store (the view at vidx) come through the store's cache of Lua
 * strings, as the records have always been pushed, and no kinds. */
static void push_records(lua_State *L, const revl_frame *f, int vidx) {
  revl_push_frame_rows(L, f, vidx, 1);
  lua_createtable(L, f->ncols, 0);
  for (int ci = 0; ci < f->ncols; ci++) {
    lua_pushstring(L, f->cols[ci]->col.name);
    lua_rawseti(L, -2, ci + 1);
  }
  lua_setfield(L, -2, "columns");
}

/* Push a summary and its records as two frames. */
static int push_two(lua_State *L, revl_stages_out *out) {
  revl_push_metric_frame(L, out->summary);
  revl_frame_free(out->summary);
  push_records(L, out->records, 1);
  revl_frame_free(out->records);
  return 2;
}

/* revl.metrics.stage_aging(deals, {days = N, by}) -> summary, deals */
static int lm_stage_aging(lua_State *L) {
  static const char *const allowed[] = {"by", "days", NULL};
  static const int steps[] = {P_DAYS, P_BY, P_END};
  const char *fn = "stage_aging";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2);
  revl_aging_opts o;
  memset(&o, 0, sizeof o);
  revl_window_opts w;
  parse_st st = {fn, steps, &w, &o.by, NULL, &o, NULL, NULL, REVL_STAGES_BAD_NONE};
  o.bad = parse_quiet(L, 2, &st);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_stages_out out;
  if (revl_metric_stage_aging(&cx, &v, &o, &out, &err)) return raise_for(L, 2, o.bad, &st, &err);
  return push_two(L, &out);
}

/* revl.metrics.slipped_deals(deals, {by, period, from, to, periods}) */
static int lm_slipped_deals(lua_State *L) {
  static const char *const allowed[] = {"by", "period", "from", "to", "periods", NULL};
  static const int steps[] = {P_WINDOW, P_BY, P_END};
  const char *fn = "slipped_deals";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2);
  revl_slipped_opts o;
  memset(&o, 0, sizeof o);
  parse_st st = {fn, steps, &o.win, &o.by, NULL, NULL, NULL, NULL, REVL_STAGES_BAD_NONE};
  o.bad = parse_quiet(L, 2, &st);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_stages_out out;
  if (revl_metric_slipped_deals(&cx, &v, &o, &out, &err))
    return raise_for(L, 2, o.bad, &st, &err);
  return push_two(L, &out);
}

/* ---- waterfall ------------------------------------------------------------ */

/* The buckets that list their deals, in the order of the ids tables. */
static const char *const wf_lists[] = {"created",     "pulled_in",    "increased", "decreased",
                                       "pushed",      "lost",         "won",       "transfer_in",
                                       "transfer_out", "removed",     NULL};

/* An empty ids table (one list per bucket) as t.ids, t at the top. */
static void push_ids(lua_State *L) {
  lua_createtable(L, 0, 10);
  for (int b = 0; wf_lists[b]; b++) {
    lua_newtable(L);
    lua_setfield(L, -2, wf_lists[b]);
  }
  lua_setfield(L, -2, "ids");
}

/* Cell (ci, r) of f, pushed as the key it copies. */
static void push_key(lua_State *L, const revl_frame *f, int ci, size_t r) {
  const revl_column *c = &f->cols[ci]->col;
  switch (c->type) {
  case REVL_T_STRING: lua_pushstring(L, revl_frame_str(f, ci, r)); break;
  case REVL_T_NUMBER: lua_pushnumber(L, c->v.f64[r]); break;
  case REVL_T_DATE: revl_push_date(L, c->v.date[r]); break;
  case REVL_T_BOOL: lua_pushboolean(L, c->v.b[r]); break;
  case REVL_T_DATETIME: revl_push_datetime(L, c->v.i64[r]); break;
  default: lua_pushinteger(L, (lua_Integer)c->v.i64[r]); break;
  }
}

/* The snapshot a date as `before` rebuilds, freed by the collector (the
 * call can raise while it is held). */
static int snapshot_gc(lua_State *L) {
  revl_deals_snapshot_done(lua_touserdata(L, 1));
  return 0;
}

/* revl.metrics.waterfall(before, after, {by, period, from, to, periods})
 * -> frame (each row with ids), totals row (with ids).  before may be a
 * date: the deals of after rebuilt from stage_history at the start of
 * that day (revl_deals_snapshot_at; after then keeps the deals that
 * have a history). */
static int lm_waterfall(lua_State *L) {
  static const char *const allowed[] = {"by", "period", "from", "to", "periods", NULL};
  static const int steps[] = {P_BY, P_WINDOW, P_END};
  const char *fn = "waterfall";
  revl_view b, a;
  int32_t day = 0;
  int from_history = !luaL_testudata(L, 1, REVL_VIEW) &&
                     (lua_type(L, 1) == LUA_TSTRING || luaL_testudata(L, 1, REVL_DATE));
  if (from_history)
    revl_check_date(L, 1, &day);
  else
    revl_mopts_view(L, 1, fn, &b);
  revl_mopts_view(L, 2, fn, &a);
  revl_mopts_check(L, 3, fn, allowed);
  lua_settop(L, 3);
  revl_waterfall_opts o;
  memset(&o, 0, sizeof o);
  parse_st st = {fn, steps, &o.win, &o.by, NULL, NULL, NULL, NULL, REVL_STAGES_BAD_NONE};
  o.bad = parse_quiet(L, 3, &st);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, a.t, &cx);
  revl_error err = {0};
  if (from_history) {
    revl_deals_snapshot *sn = lua_newuserdatauv(L, sizeof *sn, 0);
    memset(sn, 0, sizeof *sn);
    if (luaL_newmetatable(L, "revl.deals_snapshot")) {
      lua_pushcfunction(L, snapshot_gc);
      lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    if (revl_deals_snapshot_at(&a, day, sn, &err)) return revl_metric_raise(L, &err);
    b = sn->before;
    a = sn->after;
  }
  revl_waterfall_out out;
  if (revl_metric_waterfall(&cx, &b, &a, &o, &out, &err)) return raise_for(L, 3, o.bad, &st, &err);
  revl_push_metric_frame(L, out.frame);
  int list = lua_gettop(L);
  for (size_t r = 1; r <= out.frame->nrows; r++) {
    lua_rawgeti(L, list, (lua_Integer)r);
    push_ids(L);
    lua_pop(L, 1);
  }
  revl_push_metric_frame(L, out.totals);
  lua_rawgeti(L, -1, 1); /* the totals' one row, as a plain table */
  lua_remove(L, -2);
  int tot = lua_gettop(L);
  push_ids(L);
  /* the deals behind each bucket, grouped by row, then bucket */
  const revl_frame *ids = out.ids;
  int64_t cur_row = -1;
  const char *cur_b = NULL;
  lua_Integer len = 0;
  for (size_t i = 0; i < ids->nrows; i++) {
    int64_t r = ids->cols[0]->col.v.i64[i];
    const char *bk = revl_frame_str(ids, 1, i);
    if (r != cur_row || !cur_b || strcmp(bk, cur_b) != 0) {
      if (cur_b) lua_pop(L, 1);
      if (r == 0)
        lua_getfield(L, tot, "ids");
      else {
        lua_rawgeti(L, list, (lua_Integer)r);
        lua_getfield(L, -1, "ids");
        lua_remove(L, -2);
      }
      lua_getfield(L, -1, bk);
      lua_remove(L, -2);
      cur_row = r;
      cur_b = bk;
      len = (lua_Integer)lua_rawlen(L, -1);
    }
    if (!revl_frame_valid(ids, 2, i)) continue;
    push_key(L, ids, 2, i);
    lua_rawseti(L, -2, ++len);
  }
  if (cur_b) lua_pop(L, 1);
  revl_frame_free(out.frame);
  revl_frame_free(out.totals);
  revl_frame_free(out.ids);
  lua_pushvalue(L, list);
  lua_pushvalue(L, tot);
  return 2;
}

void revl_open_metrics_stages(lua_State *L) {
  static const luaL_Reg funcs[] = {{"stage_conversion", lm_stage_conversion},
                                   {"time_in_stage", lm_time_in_stage},
                                   {"stage_aging", lm_stage_aging},
                                   {"slipped_deals", lm_slipped_deals},
                                   {"waterfall", lm_waterfall},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
