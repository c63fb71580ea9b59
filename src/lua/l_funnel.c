/*
 * l_funnel.c -- Lua bindings of funnels and SLAs (src/rules/funnel.c,
 * sla.c): revl._route.funnel_new / funnel_stage / funnel_audit and
 * sla_new / sla_kind / sla_measure.  Definitions are compiled here into
 * the core's structs; audits, verdicts and the SLA clock are the core's,
 * and this file pushes their rows.
 *
 * lua/route.lua checks definitions and builds the objects playbooks
 * see; luaopen_revl_route (l_route.c) calls revl_route_open_funnel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/diagnose.h"
#include "revl/route.h"

#define FUNNEL_MT "revl.funnel_ud"
#define SLA_MT "revl.sla_ud"

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

/* Raise a definition error of the core (revl_def_col ...). */
static void check(lua_State *L, int rc, const revl_error *err) {
  if (rc) luaL_error(L, "%s", err->msg);
}

/* the column opts[key] names (or dflt): revl_def_col */
static int opt_col(lua_State *L, revl_table *t, int opts, const char *key,
                   const char *dflt, revl_type want, int required) {
  lua_getfield(L, opts, key);
  const char *name = lua_tostring(L, -1);
  lua_pop(L, 1);
  int c;
  revl_error err;
  check(L, revl_def_col(t, key, name, dflt, (int)want, required, &c, &err), &err);
  return c;
}

/* funnel_new(view, {stage_field, terminal, owner, forecast_field,
 * history, calendar}) */
static int l_funnel_new(lua_State *L) {
  revl_table *t = revl_view_table(L, 1, NULL, NULL);
  luaL_checktype(L, 2, LUA_TTABLE);
  funnel_ud *u = revl_obj_new(L, sizeof *u, FUNNEL_MT, 1); /* 3 */
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
    f->terminal = revl_xalloc(L, (size_t)n, sizeof *f->terminal);
    for (int i = 0; i < n; i++) {
      lua_rawgeti(L, -1, i + 1);
      size_t kn;
      const char *s = lua_tolstring(L, -1, &kn);
      if (!s) return luaL_error(L, "terminal values must be text");
      f->terminal[f->nterminal++] = revl_intern_value(L, t, s, kn);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  /* the owner, for owner roles: a reference to reps */
  lua_getfield(L, 2, "owner");
  int explicit_owner = lua_isstring(L, -1);
  lua_pop(L, 1);
  int oc = opt_col(L, t, 2, "owner", "owner", REVL_T_STRING, 0);
  revl_error err;
  check(L, revl_funnel_owner(f, oc, explicit_owner, &err), &err);
  f->forecast_col = opt_col(L, t, 2, "forecast_field", NULL, REVL_T_STRING, 1);
  /* stage history: a table with a reference to the base and an
   * entered_at datetime */
  lua_getfield(L, 2, "history");
  int hist = lua_isnil(L, -1) ? -1 : lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (hist != 0)
    check(L, revl_funnel_history(f, revl_need_table(L, t->store, "stage_history"), hist, &err),
          &err);
  lua_getfield(L, 2, "calendar");
  if (!lua_isnil(L, -1)) {
    f->cal = revl_check_calendar(L, -1);
    revl_obj_keep(L, 3, "cal", -1);
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
  s->name = revl_xstrdup(L, luaL_checkstring(L, -1));
  lua_pop(L, 1);
  lua_getfield(L, 2, "entry");
  if (!lua_isnil(L, -1)) s->entry = revl_obj_compile(L, 1, -1, f->base);
  lua_pop(L, 1);
  lua_getfield(L, 2, "exit");
  if (!lua_isnil(L, -1)) s->exit = revl_obj_compile(L, 1, -1, f->base);
  lua_pop(L, 1);
  lua_getfield(L, 2, "values");
  int nv = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
  s->values = revl_xalloc(L, (size_t)nv, sizeof *s->values);
  for (int i = 0; i < nv; i++) {
    lua_rawgeti(L, -1, i + 1);
    size_t kn;
    const char *v = lua_tolstring(L, -1, &kn);
    if (!v) return luaL_error(L, "stage values must be text");
    s->values[s->nvalues++] = revl_intern_value(L, f->base, v, kn);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "required");
  int nr = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
  if (nr > 64) return luaL_error(L, "a stage has at most 64 required fields");
  s->req_col = revl_xalloc(L, (size_t)nr, sizeof *s->req_col);
  s->req_via = revl_xalloc(L, (size_t)nr, sizeof *s->req_via);
  s->req_holder = revl_xalloc(L, (size_t)nr, sizeof *s->req_holder);
  s->req_name = revl_xalloc(L, (size_t)nr, sizeof *s->req_name);
  for (int i = 0; i < nr; i++) {
    lua_rawgeti(L, -1, i + 1);
    const char *fld = lua_tostring(L, -1);
    if (!fld) return luaL_error(L, "required fields are names (text)");
    int c = revl_resolve_field(f->base, fld, &s->req_holder[i], &s->req_via[i]);
    if (c < 0) return luaL_error(L, "required field: %s has no column '%s'%s", f->base->name, fld, REVL_HINT(f->base, fld));
    s->req_col[i] = c;
    s->req_name[i] = revl_xstrdup(L, fld);
    s->nreq = i + 1;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "entered");
  revl_error err;
  if (!lua_isnil(L, -1))
    check(L, revl_def_time_col(f->base, "entered", luaL_checkstring(L, -1), "a date or datetime",
                               &s->entered_col, &err), &err);
  lua_pop(L, 1);
  lua_getfield(L, 2, "sla_days");
  if (!lua_isnil(L, -1)) s->sla_days = (int)luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, 2, "role");
  if (lua_isstring(L, -1)) {
    size_t kn;
    const char *v = lua_tolstring(L, -1, &kn);
    s->role = revl_intern_value(L, f->base, v, kn);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "forecast");
  if (lua_isstring(L, -1)) {
    size_t kn;
    const char *v = lua_tolstring(L, -1, &kn);
    s->forecast = revl_intern_value(L, f->base, v, kn);
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
  revl_table *t = revl_view_table(L, 2, &rows, &n);
  if (t != f->base) return luaL_error(L, "this funnel audits %s, not %s", f->base->name, t->name);
  if (f->nstages == 0) return luaL_error(L, "the funnel has no stages");
  lua_settop(L, 2);
  revl_faudit *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0); /* 3 */
  lua_getiuservalue(L, 1, 1); /* 4 */
  revl_lcb x;
  revl_crit_ctx cc;
  revl_lcb_init(L, 4, &x, &cc); /* 5 fns, 6 view */
  revl_rt_state *rt = revl_rt_get(L);
  int32_t as_of = rt ? rt->as_of : 0;
  revl_lcb_check(L, revl_funnel_audit(f, rows, n, as_of, &cc, out));
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
    revl_lcb_check(L, revl_funnel_verdict(f, a, &cc, v));
    lua_createtable(L, 0, 20);
    int r = lua_gettop(L);
    char kb[64];
    revl_set_str(L, r, "id", revl_row_key(t, row, kb, sizeof kb));
    const char *rec = revl_str_of(t, f->stage_col, row);
    revl_set_str(L, r, "recorded", rec);
    if (a->recorded >= 0) {
      revl_fstage *s = &f->stages[a->recorded];
      revl_set_str(L, r, "stage", s->name);
      revl_set_int(L, r, "stage_index", a->recorded + 1);
      revl_set_str(L, r, "status", revl_funnel_status(a));
      revl_set_bool(L, r, "entry_met", a->entry_met);
      revl_set_bool(L, r, "ready", a->exit_met);
      if (v->nmissing) revl_set_str(L, r, "missing", v->missing.s);
      revl_set_int(L, r, "n_missing", v->nmissing);
      if (a->entered != REVL_NO_TIME) {
        revl_push_datetime(L, a->entered);
        lua_setfield(L, r, "entered_at");
      }
      if (a->days >= 0) revl_set_int(L, r, "days_in_stage", a->days);
      if (s->sla_days >= 0) revl_set_int(L, r, "sla_days", s->sla_days);
      revl_set_bool(L, r, "sla_breached", a->sla_breached);
    } else {
      revl_set_str(L, r, "stage", rec ? rec : "(none)");
      revl_set_str(L, r, "status", revl_funnel_status(a));
      revl_set_bool(L, r, "sla_breached", 0);
      revl_set_int(L, r, "n_missing", 0);
    }
    if (a->furthest >= 0) {
      revl_set_str(L, r, "furthest", f->stages[a->furthest].name);
      revl_set_int(L, r, "furthest_index", a->furthest + 1);
    }
    if (f->owner_col >= 0) revl_set_str(L, r, "owner", revl_str_of(t, f->owner_col, row));
    /* violations: a count, a text and the list {code, reason} */
    revl_set_int(L, r, "n_violations", v->n);
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
      revl_set_str(L, lua_gettop(L), "code", v->v[k].code);
      revl_set_str(L, lua_gettop(L), "reason", v->v[k].reason);
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
  revl_table *t = revl_view_table(L, 1, NULL, NULL);
  luaL_checktype(L, 2, LUA_TTABLE);
  sla_ud *u = revl_obj_new(L, sizeof *u, SLA_MT, 1); /* 3 */
  u->s.base = t;
  u->s.act_fk = u->s.act_at = u->s.act_type = -1;
  revl_sla_owner(&u->s, opt_col(L, t, 2, "owner", "owner", REVL_T_STRING, 0));
  revl_table *acts = revl_need_table(L, t->store, "activities");
  lua_getfield(L, 2, "via");
  revl_error err;
  check(L, revl_sla_activities(&u->s, acts, acts ? lua_tostring(L, -1) : NULL, &err), &err);
  lua_pop(L, 1);
  lua_getfield(L, 2, "calendar");
  if (!lua_isnil(L, -1)) {
    u->s.cal = revl_check_calendar(L, -1);
    revl_obj_keep(L, 3, "cal", -1);
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
  kd->name = revl_xstrdup(L, luaL_checkstring(L, -1));
  lua_pop(L, 1);
  revl_error err;
  lua_getfield(L, 2, "start");
  check(L, revl_def_time_col(t, "start", luaL_checkstring(L, -1), "a datetime", &kd->start_col,
                             &err), &err);
  lua_pop(L, 1);
  lua_getfield(L, 2, "stop");
  if (!lua_isnil(L, -1))
    check(L, revl_def_time_col(t, "stop", luaL_checkstring(L, -1), "a datetime", &kd->stop_col,
                               &err), &err);
  lua_pop(L, 1);
  lua_getfield(L, 2, "activity");
  if (!lua_isnil(L, -1)) {
    if (!s->acts)
      return luaL_error(L, "stop at an activity needs an activities table referencing %s "
                           "(with an 'at' datetime)", t->name);
    kd->use_acts = 1;
    if (lua_istable(L, -1)) {
      size_t n = lua_rawlen(L, -1);
      kd->types = revl_xalloc(L, n, sizeof *kd->types);
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        size_t kn;
        const char *v = lua_tolstring(L, -1, &kn);
        if (!v) return luaL_error(L, "activity types must be text");
        kd->types[kd->ntypes++] = revl_intern_value(L, t, v, kn);
        lua_pop(L, 1);
      }
      revl_sla_kind_sort(kd);
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
  if (!lua_isnil(L, -1)) kd->when = revl_obj_compile(L, 1, -1, t);
  lua_pop(L, 1);
  return 0;
}

/* sla_measure(ud, view, now) -> list of ledger rows */
static int l_sla_measure(lua_State *L) {
  sla_ud *u = check_sla(L, 1);
  revl_sla *s = &u->s;
  const uint32_t *rows;
  size_t n;
  revl_table *t = revl_view_table(L, 2, &rows, &n);
  if (t != s->base) return luaL_error(L, "this SLA measures %s, not %s", s->base->name, t->name);
  if (s->nkinds == 0) return luaL_error(L, "the SLA has no targets");
  int64_t now = revl_check_time(L, 3, NULL);
  lua_settop(L, 3);
  revl_sla_row *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0); /* 4 */
  lua_getiuservalue(L, 1, 1); /* 5 */
  revl_lcb x;
  revl_crit_ctx cc;
  revl_lcb_init(L, 5, &x, &cc);
  size_t k = 0;
  revl_lcb_check(L, revl_sla_measure(s, rows, n, now, &cc, out, &k));
  lua_createtable(L, (int)k, 0);
  int res = lua_gettop(L);
  for (size_t i = 0; i < k; i++) {
    revl_sla_row *o = &out[i];
    revl_sla_kind *kd = &s->kinds[o->kind];
    lua_createtable(L, 0, 12);
    int r = lua_gettop(L);
    char kb[64];
    revl_set_str(L, r, "record", revl_row_key(t, o->row, kb, sizeof kb));
    revl_set_str(L, r, "kind", kd->name);
    revl_set_str(L, r, "owner", o->owner);
    revl_set_str(L, r, "team", o->team);
    revl_push_datetime(L, o->start);
    lua_setfield(L, r, "start");
    if (o->stop != REVL_NO_TIME) {
      revl_push_datetime(L, o->stop);
      lua_setfield(L, r, "stop");
    }
    if (o->act_row >= 0)
      revl_set_str(L, r, "activity", revl_row_key(s->acts, (size_t)o->act_row, kb, sizeof kb));
    revl_push_minutes(L, kd->target);
    lua_setfield(L, r, "target_minutes");
    revl_push_minutes(L, o->secs);
    lua_setfield(L, r, "minutes");
    revl_set_int(L, r, "seconds", o->secs);
    revl_set_bool(L, r, "breached", revl_sla_is_breach(o->status));
    revl_set_str(L, r, "status", revl_sla_status_name(o->status));
    lua_rawseti(L, res, (lua_Integer)i + 1);
  }
  return 1;
}

void revl_lr_sla_rows(lua_State *L, int idx, int64_t now, revl_dx_sla *out) {
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, "_ud");
  int ui = lua_gettop(L);
  sla_ud *u = check_sla(L, ui);
  revl_sla *s = &u->s;
  if (s->nkinds == 0) luaL_error(L, "the SLA has no targets");
  size_t n = s->base->nrows, m = n ? n : 1;
  /* the per-row answers, in one userdata left on the stack */
  char *mem = lua_newuserdatauv(L, m * (2 * sizeof(int64_t) + 1), 0);
  int mi = lua_gettop(L);
  int64_t *secs = (int64_t *)mem, *target = secs + m;
  int8_t *status = (int8_t *)(target + m);
  memset(status, -1, m);
  revl_sla_row *rows = lua_newuserdatauv(L, m * sizeof *rows, 0);
  lua_getiuservalue(L, ui, 1);
  revl_lcb x;
  revl_crit_ctx cc;
  revl_lcb_init(L, lua_gettop(L), &x, &cc);
  size_t k = 0;
  revl_lcb_check(L, revl_sla_measure(s, NULL, n, now, &cc, rows, &k));
  for (size_t i = 0; i < k; i++) {
    const revl_sla_row *o = &rows[i];
    status[o->row] = (int8_t)o->status;
    secs[o->row] = o->secs;
    target[o->row] = s->kinds[o->kind].target;
  }
  out->table = s->base;
  out->status = status;
  out->secs = secs;
  out->target = target;
  lua_pushvalue(L, mi);
  lua_replace(L, ui);
  lua_settop(L, ui);
}

/* funnel_order(ud, name): the funnel's stages become the store's order of
 * its stage field (revl_funnel_declare_order) */
static int l_funnel_order(lua_State *L) {
  funnel_ud *u = check_funnel(L, 1);
  const char *name = luaL_checkstring(L, 2);
  if (revl_funnel_declare_order(&u->f, name)) return luaL_error(L, "not enough memory");
  return 0;
}

static const luaL_Reg funnel_funcs[] = {
    {"funnel_new", l_funnel_new},
    {"funnel_stage", l_funnel_stage},
    {"funnel_order", l_funnel_order},
    {"funnel_audit", l_funnel_audit},
    {"sla_new", l_sla_new},
    {"sla_kind", l_sla_kind},
    {"sla_measure", l_sla_measure},
    {NULL, NULL}};

void revl_route_open_funnel(lua_State *L) {
  luaL_setfuncs(L, funnel_funcs, 0);
  luaL_newmetatable(L, FUNNEL_MT);
  lua_pushcfunction(L, funnel_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  luaL_newmetatable(L, SLA_MT);
  lua_pushcfunction(L, sla_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
}
