/*
 * l_metrics_quality.c -- Lua bindings of the data-quality checks
 * (completeness, duplicates, similarity, country, consistency,
 * timeliness) computed in the core (revl/metric_quality.h,
 * revl/metrics.h): check and parse the options, call the core, push the
 * frames.
 *
 * An option of the wrong type is not raised while parsing: its text goes
 * into the opts (revl_qbad) and the core raises it where it reads that
 * option, after the column checks that come before it, so a call with
 * several faults reports the same one as always.  Everything parsed
 * (lists, converted names, error texts) stays on the Lua stack until
 * the call returns.
 */
#include <string.h>

#include "lmetrics.h"
#include "revl/metric_quality.h"
#include "revl/metrics.h"

/* Push opts[key] (nil without options); returns its type. */
static int opt_get(lua_State *L, int o, const char *key) {
  if (!lua_istable(L, o)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, o, key);
}

/* Remember the first unreadable option (its text stays on the stack). */
static int set_bad(lua_State *L, revl_qbad *bad, int at, const char *fmt, const char *key) {
  bad->at = at;
  bad->msg = lua_pushfstring(L, fmt, key);
  return 1;
}

/* A string option into *s (NULL when absent); 1 when it is not one. */
static int opt_str(lua_State *L, int o, const char *key, const char **s, revl_qbad *bad, int at) {
  int ty = opt_get(L, o, key);
  if (ty == LUA_TSTRING) *s = lua_tostring(L, -1); /* alive in the options */
  lua_pop(L, 1);
  if (ty != LUA_TSTRING && ty != LUA_TNIL)
    return set_bad(L, bad, at, "option '%s' must be a string", key);
  return 0;
}

/* A number option into *v (*has set when given); 1 when it is not one. */
static int opt_num(lua_State *L, int o, const char *key, int *has, double *v, revl_qbad *bad,
                   int at) {
  int ty = opt_get(L, o, key);
  if (ty == LUA_TNUMBER) {
    *has = 1;
    *v = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  if (ty != LUA_TNUMBER && ty != LUA_TNIL)
    return set_bad(L, bad, at, "option '%s' must be a number", key);
  return 0;
}

/* A list of field names (numbers read as their text) into q: the list,
 * the names and an array of them stay on the stack.  1 at a bad entry
 * (q holds the names before it) or when it is not a list. */
static int opt_names(lua_State *L, int o, const char *key, revl_qnames *q, revl_qbad *bad,
                     int at) {
  memset(q, 0, sizeof *q);
  int ty = opt_get(L, o, key);
  if (ty == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  q->given = 1;
  if (ty != LUA_TTABLE) return set_bad(L, bad, at, "'%s' is a list of field names", key);
  int list = lua_gettop(L), n = (int)lua_rawlen(L, list);
  lua_createtable(L, n, 0);
  int names = lua_gettop(L);
  const char **a = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *a, 0);
  q->names = a;
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, list, i);
    const char *s = lua_tostring(L, -1);
    if (!s) return set_bad(L, bad, at, "'%s' is a list of field names", key);
    lua_rawseti(L, names, i); /* keeps s alive */
    a[q->n++] = s;
  }
  return 0;
}

#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

/* The `by` option into by as revl_mopts_by reads it; 1 when malformed
 * (by holds the names before the bad entry). */
static int opt_by(lua_State *L, int o, revl_by_opts *by, revl_qbad *bad, int at) {
  memset(by, 0, sizeof *by);
  int ty = opt_get(L, o, "by");
  if (ty == LUA_TSTRING) {
    by->by[by->nby++] = lua_tostring(L, -1); /* alive in the options */
  } else if (ty == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    if (n > REVL_METRIC_MAXBY)
      return set_bad(L, bad, at, "at most " TEXT(REVL_METRIC_MAXBY) " '%s' fields", "by");
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING) return set_bad(L, bad, at, "'%s' takes field names", "by");
      by->by[by->nby++] = lua_tostring(L, -1); /* alive in the list */
      lua_pop(L, 1);
    }
  } else if (ty != LUA_TNIL) {
    return set_bad(L, bad, at, "'%s' must be a field name or a list of them", "by");
  }
  return 0; /* the value stays on the stack */
}

/* The `columns` list of f: its column names, except that the key
 * columns (after `lead` leading ones) are the `by` fields as given, a
 * field given twice listed twice as it always was (the frame holds it
 * once); with a lead column (the id of a detail frame) a key named id
 * is that column. */
static void push_columns(lua_State *L, const revl_frame *f, const revl_by_opts *by, int lead) {
  lua_createtable(L, f->ncols, 0);
  int n = 0, ci = 0;
  if (by && by->nby) {
    for (; ci < lead && ci < f->ncols; ci++) {
      lua_pushstring(L, f->cols[ci]->col.name);
      lua_rawseti(L, -2, ++n);
    }
    for (int i = 0; i < by->nby; i++) {
      if (lead && strcmp(by->by[i], "id") == 0) continue;
      lua_pushstring(L, by->by[i]);
      lua_rawseti(L, -2, ++n);
      int seen = 0;
      for (int j = 0; j < i; j++) seen |= strcmp(by->by[j], by->by[i]) == 0;
      ci += !seen;
    }
  }
  for (; ci < f->ncols; ci++) {
    lua_pushstring(L, f->cols[ci]->col.name);
    lua_rawseti(L, -2, ++n);
  }
}

/* Push f as the Lua frame revl_push_metric_frame makes (rows of plain
 * tables, null cells absent, `columns`, the frame metatable); by and
 * lead as push_columns reads them. */
static void push_frame(lua_State *L, const revl_frame *f, int vidx, int cache,
                       const revl_by_opts *by, int lead) {
  revl_push_frame_rows(L, f, vidx, cache);
  push_columns(L, f, by, lead);
  lua_setfield(L, -2, "columns");
}

/* Raise the core's error, or push both frames: the first keyed by `by`,
 * the second too when by2 (lead2: its leading id column); frees them
 * either way. */
static int push2(lua_State *L, int rc, revl_frame *out[2], const revl_error *err,
                 const revl_by_opts *by, int by2, int lead2) {
  if (rc) {
    revl_frame_free(out[0]);
    revl_frame_free(out[1]);
    return revl_metric_raise(L, err);
  }
  for (int i = 0; i < 2; i++) {
    push_frame(L, out[i], 1, i == 0, i == 0 || by2 ? by : NULL, i ? lead2 : 0);
    revl_frame_free(out[i]);
  }
  return 2;
}

/* revl.metrics.completeness(view, {fields, required, by}) -> per field,
 * per group */
static int lm_completeness(lua_State *L) {
  static const char *const allowed[] = {"by", "fields", "required", NULL};
  const char *fn = "completeness";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2);
  revl_completeness_opts o;
  memset(&o, 0, sizeof o);
  if (!opt_names(L, 2, "required", &o.required, &o.bad, REVL_QC_REQUIRED) &&
      !opt_names(L, 2, "fields", &o.fields, &o.bad, REVL_QC_FIELDS))
    opt_by(L, 2, &o.by, &o.bad, REVL_QC_BY);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *out[2] = {NULL, NULL};
  int rc = revl_metric_completeness(&cx, &v, &o, out, &err);
  return push2(L, rc, out, &err, &o.by, 1, 0);
}

/* revl.metrics.duplicates(accounts, {on, threshold, window, name, domain})
 * -> one row per record in a cluster, summary (a plain table) */
static int lm_duplicates(lua_State *L) {
  static const char *const allowed[] = {"on", "threshold", "window", "name", "domain", NULL};
  const char *fn = "duplicates";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2);
  revl_duplicates_opts o;
  memset(&o, 0, sizeof o);
  if (!opt_str(L, 2, "on", &o.on, &o.bad, REVL_QD_ON) &&
      !opt_num(L, 2, "threshold", &o.has_threshold, &o.threshold, &o.bad, REVL_QD_THRESHOLD) &&
      !opt_num(L, 2, "window", &o.has_window, &o.window, &o.bad, REVL_QD_WINDOW) &&
      !opt_str(L, 2, "name", &o.name, &o.bad, REVL_QD_NAME))
    opt_str(L, 2, "domain", &o.domain, &o.bad, REVL_QD_DOMAIN);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *out[2] = {NULL, NULL};
  int rc = revl_metric_duplicates(&cx, &v, &o, out, &err);
  if (rc) return push2(L, rc, out, &err, NULL, 0, 0);
  /* members: names and domains read once, as plain strings */
  push_frame(L, out[0], 1, 0, NULL, 0);
  revl_frame_free(out[0]);
  push_frame(L, out[1], 1, 0, NULL, 0);
  revl_frame_free(out[1]);
  lua_rawgeti(L, -1, 1); /* the summary's one row, as a plain table */
  lua_remove(L, -2);
  return 2;
}

/* revl.metrics.similarity(a, b) -> Jaro-Winkler of the two strings */
static int lm_similarity(lua_State *L) {
  size_t na, nb;
  const char *a = luaL_checklstring(L, 1, &na), *b = luaL_checklstring(L, 2, &nb);
  lua_pushnumber(L, revl_metrics_jaro_winkler(a, na, b, nb));
  return 1;
}

/* revl.metrics.country(text) -> "US" or nil */
static int lm_country(lua_State *L) {
  size_t n;
  const char *t = luaL_checklstring(L, 1, &n);
  const char *c = revl_metrics_country(t, n);
  if (c)
    lua_pushstring(L, c);
  else
    lua_pushnil(L);
  return 1;
}

/* revl.metrics.consistency(view, field, {allowed, normalize, by}) ->
 * summary per group, the inconsistent values */
static int lm_consistency(lua_State *L) {
  static const char *const allowed[] = {"by", "allowed", "normalize", NULL};
  const char *fn = "consistency";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_consistency_opts o;
  memset(&o, 0, sizeof o);
  o.field = luaL_checkstring(L, 2);
  revl_mopts_check(L, 3, fn, allowed);
  lua_settop(L, 3);
  if (opt_str(L, 3, "normalize", &o.normalize, &o.bad, REVL_QS_NORMALIZE)) goto call;
  int ty = opt_get(L, 3, "allowed"); /* stays on the stack */
  if (ty == LUA_TTABLE) {
    int list = lua_gettop(L), n = (int)lua_rawlen(L, list);
    size_t sz = (size_t)(n ? n : 1);
    const char **a = lua_newuserdatauv(L, sz * (sizeof *a + sizeof(size_t)), 0);
    size_t *len = (size_t *)(void *)(a + sz);
    o.allowed = a;
    o.allowed_len = len;
    o.has_allowed = 1;
    for (int i = 1; i <= n; i++) {
      if (lua_rawgeti(L, list, i) != LUA_TSTRING) {
        set_bad(L, &o.bad, REVL_QS_ALLOWED, "'%s' is a list of strings", "allowed");
        goto call;
      }
      a[o.nallowed] = lua_tolstring(L, -1, &len[o.nallowed]); /* alive in the list */
      o.nallowed++;
      lua_pop(L, 1);
    }
  } else if (ty != LUA_TNIL) {
    set_bad(L, &o.bad, REVL_QS_ALLOWED, "'%s' is a list of strings", "allowed");
    goto call;
  }
  opt_by(L, 3, &o.by, &o.bad, REVL_QS_BY);
call:;
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *out[2] = {NULL, NULL};
  int rc = revl_metric_consistency(&cx, &v, &o, out, &err);
  return push2(L, rc, out, &err, &o.by, 0, 0);
}

/* revl.metrics.timeliness(view, {days = N, by, via}) -> summary, stale */
static int lm_timeliness(lua_State *L) {
  static const char *const allowed[] = {"by", "days", "via", NULL};
  const char *fn = "timeliness";
  revl_view v;
  revl_mopts_view(L, 1, fn, &v);
  revl_mopts_check(L, 2, fn, allowed);
  lua_settop(L, 2);
  revl_timeliness_opts o;
  memset(&o, 0, sizeof o);
  if (!opt_num(L, 2, "days", &o.has_days, &o.days, &o.bad, REVL_QT_DAYS) &&
      !opt_str(L, 2, "via", &o.via, &o.bad, REVL_QT_VIA))
    opt_by(L, 2, &o.by, &o.bad, REVL_QT_BY);
  revl_metric_ctx cx;
  revl_mctx_from_lua(L, v.t, &cx);
  revl_error err = {0};
  revl_frame *out[2] = {NULL, NULL};
  int rc = revl_metric_timeliness(&cx, &v, &o, out, &err);
  return push2(L, rc, out, &err, &o.by, 1, 1);
}

void revl_open_metrics_quality(lua_State *L) {
  static const luaL_Reg funcs[] = {{"completeness", lm_completeness},
                                   {"duplicates", lm_duplicates},
                                   {"similarity", lm_similarity},
                                   {"country", lm_country},
                                   {"consistency", lm_consistency},
                                   {"timeliness", lm_timeliness},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
