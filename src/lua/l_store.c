/*
 * l_store.c -- tables and views for Lua (rows: l_row.c).
 *
 * A view is a table plus an optional vector of row numbers (NULL = every
 * row) and an optional column selection.  Filters, sorts and aggregates
 * run in C over the columns; Lua sees rows through a proxy whose
 * __index reads one cell.  `view:rows()` reuses one proxy for the whole
 * loop, and strings come from a per-store cache of Lua strings indexed
 * by intern id, so a loop over a million rows allocates nothing per row
 * except the money/date values it asks for.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/frame_view.h"
#include "revl/ingest.h"
#include "revl/metrics.h"
#include "revl/parse.h"

#include "lstore.h"

/* ---- store ---------------------------------------------------------- */

static int store_gc(lua_State *L) {
  store_ud *su = luaL_checkudata(L, 1, REVL_STORE);
  revl_store_free(su->s);
  su->s = NULL;
  if (su->cache_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, su->cache_ref);
  su->cache_ref = LUA_NOREF;
  return 0;
}

/* Wrap s (takes ownership) in a store userdata pushed on the stack. */
void revl_push_store(lua_State *L, revl_store *s);
static int new_store_ud(lua_State *L) {
  store_ud *su = lua_newuserdatauv(L, sizeof *su, 0);
  su->s = NULL;
  su->cache_ref = LUA_NOREF;
  luaL_setmetatable(L, REVL_STORE);
  return 1;
}

void revl_push_store(lua_State *L, revl_store *s) {
  /* the userdata first, protected: s is freed when even that fails, and
   * by store_gc from then on */
  lua_pushcfunction(L, new_store_ud);
  if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
    revl_store_free(s);
    lua_error(L);
  }
  store_ud *su = lua_touserdata(L, -1);
  su->s = s;
  lua_createtable(L, (int)(s->strings.n < 1u << 16 ? s->strings.n : 1u << 16), 0);
  su->cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static void push_str(lua_State *L, store_ud *su, uint32_t id) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, su->cache_ref);
  if (lua_rawgeti(L, -1, id) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushlstring(L, revl_intern_str(&su->s->strings, id),
                    revl_intern_len(&su->s->strings, id));
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, id);
  }
  lua_remove(L, -2);
}

void ls_push_cell(lua_State *L, store_ud *su, revl_table *t, int ci, size_t row) {
  revl_column *c = t->cols[ci];
  if (!revl_col_valid(c, row)) {
    lua_pushnil(L);
    return;
  }
  switch (c->type) {
  case REVL_T_STRING: push_str(L, su, c->v.str[row]); break;
  case REVL_T_INT: lua_pushinteger(L, c->v.i64[row]); break;
  case REVL_T_NUMBER: lua_pushnumber(L, c->v.f64[row]); break;
  case REVL_T_BOOL: lua_pushboolean(L, c->v.b[row]); break;
  case REVL_T_DATE: revl_push_date(L, c->v.date[row]); break;
  case REVL_T_DATETIME: revl_push_datetime(L, c->v.i64[row]); break;
  case REVL_T_MONEY:
    revl_push_money(L, c->v.i64[row], revl_intern_str(&su->s->strings, c->cur[row]));
    break;
  }
}

/* ---- views ---------------------------------------------------------- */

view_ud *ls_check_view(lua_State *L, int i) {
  view_ud *v = luaL_checkudata(L, i, REVL_VIEW);
  if (!v->su || !v->su->s) luaL_error(L, "this table's data was unloaded");
  return v;
}

static int view_gc(lua_State *L) {
  view_ud *v = luaL_checkudata(L, 1, REVL_VIEW);
  free(v->rows);
  free(v->cols);
  v->rows = NULL;
  v->cols = NULL;
  return 0;
}

/* New empty view of t; uservalue 1 keeps the store alive. */
view_ud *ls_new_view(lua_State *L, store_ud *su, int sidx, revl_table *t) {
  sidx = lua_absindex(L, sidx);
  view_ud *v = lua_newuserdatauv(L, sizeof *v, 1);
  memset(v, 0, sizeof *v);
  v->t = t;
  v->su = su;
  luaL_setmetatable(L, REVL_VIEW);
  lua_pushvalue(L, sidx);
  lua_setiuservalue(L, -2, 1);
  return v;
}

void revl_push_table(lua_State *L, int sidx, revl_table *t) {
  store_ud *su = luaL_checkudata(L, sidx, REVL_STORE);
  view_ud *v = ls_new_view(L, su, sidx, t);
  v->n = t->nrows;
}

/* Derived view of v (at index 1) with room for n rows. */
static view_ud *derive(lua_State *L, view_ud *v, size_t n) {
  lua_getiuservalue(L, 1, 1);
  view_ud *d = ls_new_view(L, v->su, -1, v->t);
  lua_remove(L, -2);
  d->rows = malloc((n ? n : 1) * sizeof *d->rows);
  if (!d->rows) luaL_error(L, "not enough memory");
  if (v->ncols) {
    d->cols = malloc((size_t)v->ncols * sizeof *d->cols);
    if (!d->cols) luaL_error(L, "not enough memory");
    memcpy(d->cols, v->cols, (size_t)v->ncols * sizeof *d->cols);
    d->ncols = v->ncols;
  }
  return d;
}


/* "col" or "fk.col" on t: the core's revl_table_field, with a mutable
 * holder (views of it are made by the bindings). */
static int resolve_field(revl_table *t, const char *name, revl_table **holder,
                         int *via) {
  const revl_table *h;
  int ci = revl_table_field(t, name, &h, via);
  *holder = (revl_table *)h;
  return ci;
}

static int check_field(lua_State *L, revl_table *t, int arg, revl_table **h,
                       int *via) {
  const char *name = luaL_checkstring(L, arg);
  int ci = resolve_field(t, name, h, via);
  if (ci < 0) luaL_error(L, "%s has no column '%s'%s", t->name, name, REVL_HINT(t, name));
  return ci;
}

/* row of holder for base row r, or -1 */
static int64_t hold_row(revl_table *t, int via, size_t r) {
  if (via < 0) return (int64_t)r;
  return t->cols[via]->ref_row ? t->cols[via]->ref_row[r] : -1;
}

static int view_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ls_check_view(L, 1)->n);
  return 1;
}

static int view_count(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  if (lua_isnoneornil(L, 2)) {
    lua_pushinteger(L, (lua_Integer)v->n);
    return 1;
  }
  revl_table *h;
  int via, ci = check_field(L, v->t, 2, &h, &via);
  size_t k = 0;
  for (size_t i = 0; i < v->n; i++) {
    int64_t r = hold_row(v->t, via, VROW(v, i));
    if (r >= 0 && revl_col_valid(h->cols[ci], (size_t)r)) k++;
  }
  lua_pushinteger(L, (lua_Integer)k);
  return 1;
}

static int view_columns(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  int n = v->ncols ? v->ncols : v->t->ncols;
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, v->t->cols[v->ncols ? v->cols[i] : i]->name);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

static int view_schema(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  revl_table *t = v->t;
  lua_createtable(L, t->ncols, 0);
  for (int i = 0; i < t->ncols; i++) {
    revl_column *c = t->cols[i];
    lua_createtable(L, 0, 6);
    lua_pushstring(L, c->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, revl_type_name(c->type));
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer)c->nnull);
    lua_setfield(L, -2, "nulls");
    lua_pushboolean(L, !c->canonical);
    lua_setfield(L, -2, "custom");
    if (c->ref) {
      lua_pushfstring(L, "%s.%s", c->ref->name, c->ref->cols[c->ref_col]->name);
      lua_setfield(L, -2, "references");
    }
    if (i == t->pk) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "key");
    }
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

static int view_name(lua_State *L) {
  lua_pushstring(L, ls_check_view(L, 1)->t->name);
  return 1;
}

/* t:get(id) -> row or nil */
static int view_get(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  size_t n;
  const char *key = luaL_checklstring(L, 2, &n);
  if (v->t->pk < 0) return luaL_error(L, "%s has no key column", v->t->name);
  int64_t r = revl_table_find(v->t, key, n);
  if (r < 0) return lua_pushnil(L), 1;
  lua_getiuservalue(L, 1, 1);
  ls_push_row(L, v->su, -1, v->t, (size_t)r);
  return 1;
}

/* v:row(i): the i-th row of the view (1-based) */
static int view_row(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || (size_t)i > v->n) return lua_pushnil(L), 1;
  lua_getiuservalue(L, 1, 1);
  ls_push_row(L, v->su, -1, v->t, VROW(v, i - 1));
  return 1;
}

/* What v:rows("a", "account.industry", "account") yields per name: a
 * cell of the view's table, a cell through a reference (as
 * row:get("account.industry")), or the referenced row (as row.account,
 * one proxy per name reused at each step, nil when the reference is null
 * or broken). */
typedef struct rows_col {
  int kind;                 /* 0 cell, 1 cell through via, 2 referenced row */
  int col, via;             /* col of holder; via: FK column of the view's table */
  const revl_table *holder;
} rows_col;

/* iterator state: upvalue 1 view, 2 proxy row, 3 position, 4 value
 * count, 5 the rows_col array, 6.. proxies of referenced rows */
static int rows_iter(lua_State *L) {
  view_ud *v = lua_touserdata(L, lua_upvalueindex(1));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
  if ((size_t)i >= v->n) return 0;
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(3));
  size_t row = VROW(v, i);
  int nv = (int)lua_tointeger(L, lua_upvalueindex(4));
  if (nv == 0) {
    row_ud *r = lua_touserdata(L, lua_upvalueindex(2));
    r->row = row;
    lua_pushvalue(L, lua_upvalueindex(2));
    return 1;
  }
  const rows_col *cols = lua_touserdata(L, lua_upvalueindex(5));
  luaL_checkstack(L, nv, "too many columns");
  for (int k = 0, np = 0; k < nv; k++) {
    const rows_col *c = &cols[k];
    if (c->kind == 0) {
      ls_push_cell(L, v->su, v->t, c->col, row);
      continue;
    }
    int64_t tr = revl_field_row(v->t, c->via, row);
    if (c->kind == 1) {
      if (tr < 0) lua_pushnil(L);
      else ls_push_cell(L, v->su, (revl_table *)c->holder, c->col, (size_t)tr);
      continue;
    }
    int up = lua_upvalueindex(6 + np++);
    if (tr < 0) {
      lua_pushnil(L);
    } else {
      row_ud *r = lua_touserdata(L, up);
      r->row = (size_t)tr;
      lua_pushvalue(L, up);
    }
  }
  return nv;
}

/* v:rows() -> for row in ...; v:rows("a", "b") -> for a, b in ... */
static int view_rows(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  int nv = lua_gettop(L) - 1, np = 0;
  if (nv > 200) return luaL_error(L, "rows: at most 200 columns");
  lua_pushvalue(L, 1);
  lua_getiuservalue(L, 1, 1);
  ls_push_row(L, v->su, -1, v->t, 0);
  lua_remove(L, -2);
  lua_pushinteger(L, 0);
  lua_pushinteger(L, nv);
  rows_col *cols = lua_newuserdatauv(L, (size_t)(nv ? nv : 1) * sizeof *cols, 0);
  for (int k = 0; k < nv; k++) {
    const char *name = luaL_checkstring(L, k + 2);
    rows_col *c = &cols[k];
    c->kind = 0;
    c->via = -1;
    c->holder = v->t;
    if ((c->col = revl_table_col(v->t, name)) >= 0) continue;
    if ((c->col = revl_table_field(v->t, name, &c->holder, &c->via)) >= 0) {
      c->kind = c->via < 0 ? 0 : 1;
      continue;
    }
    char fk[140]; /* "account": the row account_id refers to, as row.account */
    snprintf(fk, sizeof fk, "%s_id", name);
    int f = revl_table_col(v->t, fk);
    if (f < 0 || !v->t->cols[f]->ref)
      return luaL_error(L, "%s has no column '%s'%s", v->t->name, name, REVL_HINT(v->t, name));
    c->kind = 2;
    c->via = f;
    lua_getiuservalue(L, 1, 1);
    ls_push_row(L, v->su, -1, v->t->cols[f]->ref, 0);
    lua_remove(L, -2);
    np++;
  }
  lua_pushcclosure(L, rows_iter, 5 + np);
  return 1;
}

static int call_for_row(lua_State *L, revl_table *t, size_t row, int nres);

/* v:each(fn): fn(row) for every row (one reused proxy) */
static int view_each(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_getiuservalue(L, 1, 1);
  row_ud *r = ls_push_row(L, v->su, -1, v->t, 0);
  for (size_t i = 0; i < v->n; i++) {
    r->row = VROW(v, i);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    call_for_row(L, v->t, r->row, 0);
  }
  return 0;
}

/* ---- where ------------------------------------------------------------ */


/* Lua callbacks of a filter: functions and patterns live in a table at
 * a known stack index while the filter runs. */
typedef struct cb_ctx {
  lua_State *L;
  int fns;        /* stack index of the table of functions/patterns */
  int row;        /* stack index of the reused row proxy */
  row_ud *proxy;
} cb_ctx;

/* Raise the error at the stack top again, naming the record it came
 * from: "deals[D1]: file.lua:3: attempt to ..." */
static int rethrow_for_row(lua_State *L, revl_table *t, size_t row) {
  const char *msg = lua_tostring(L, -1);
  if (t->pk >= 0 && revl_col_valid(t->cols[t->pk], row))
    lua_pushfstring(L, "%s[%s]: %s", t->name,
                    revl_intern_str(&t->store->strings, t->cols[t->pk]->v.str[row]),
                    msg ? msg : "(error object)");
  else
    lua_pushfstring(L, "%s[row %d]: %s", t->name, (int)row + 1,
                    msg ? msg : "(error object)");
  return lua_error(L);
}

/* Call the function at the stack top with one argument under the
 * per-call budget; errors name the record. */
static int call_for_row(lua_State *L, revl_table *t, size_t row, int nres) {
  revl_call_seq++;
  revl_in_call = 1;
  int st = lua_pcall(L, 1, nres, 0);
  revl_in_call = 0;
  if (st != LUA_OK) {
    if (st == LUA_ERRMEM) return lua_error(L);
    return rethrow_for_row(L, t, row);
  }
  return 0;
}

static int cb_call(void *ud, const revl_crit *c, size_t row) {
  cb_ctx *x = ud;
  lua_State *L = x->L;
  x->proxy->row = row;
  lua_rawgeti(L, x->fns, c->ref);
  lua_pushvalue(L, x->row);
  call_for_row(L, x->proxy->t, row, 1);
  int r = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return r;
}

int revl_crit_match(lua_State *L, const revl_crit *c, const char *s,
                    size_t n) {
  /* string.find as it was at start-up: a playbook that replaces
   * string.find does not change how its rules match */
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.string_find");
  lua_pushlstring(L, s, n);
  lua_pushlstring(L, c->text, c->textlen);
  lua_call(L, 2, 1);
  int r = !lua_isnil(L, -1);
  lua_pop(L, 1);
  return r;
}

static int cb_match(void *ud, const revl_crit *c, const char *s, size_t n) {
  return revl_crit_match(((cb_ctx *)ud)->L, c, s, n);
}


/* v:where(spec) -> view */
static int view_where(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  luaL_argcheck(L, lua_istable(L, 2) || lua_isfunction(L, 2), 2,
                "a filter table or function");
  lua_settop(L, 2);
  lua_newtable(L); /* 3: callbacks */
  revl_crit **owner = revl_crit_anchor(L); /* 4 */
  *owner = revl_compile_crit_fns(L, 2, v->t, 3);
  view_ud *d = derive(L, v, v->n); /* 5 */
  lua_getiuservalue(L, 1, 1);
  row_ud *proxy = ls_push_row(L, v->su, -1, v->t, 0); /* 7 */
  cb_ctx x = {L, 3, 7, proxy};
  revl_rt_state *rt = revl_rt_get(L);
  revl_crit_ctx ctx = {rt ? rt->as_of : 0, cb_call, cb_match, &x, 0};
  d->n = revl_crit_filter(*owner, v->rows, v->n, d->rows, &ctx);
  lua_settop(L, 5);
  return 1;
}

/* ---- sort, limit, select ------------------------------------------- */

/* v:sort_by(field [, desc | "desc"]): revl_view_sort's order */
static int view_sort_by(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  const char *field = luaL_checkstring(L, 2);
  int desc = lua_toboolean(L, 3);
  if (lua_type(L, 3) == LUA_TSTRING) desc = strcmp(lua_tostring(L, 3), "desc") == 0;
  lua_settop(L, 1);
  view_ud *d = derive(L, v, v->n);
  revl_view cv = {v->t, v->rows, v->n};
  revl_error err;
  if (revl_view_sort(&cv, field, desc, d->rows, &err)) return luaL_error(L, "%s", err.msg);
  d->n = v->n;
  return 1;
}

static int view_limit(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_Integer off = luaL_optinteger(L, 3, 0);
  luaL_argcheck(L, n >= 0, 2, "must be >= 0");
  luaL_argcheck(L, off >= 0, 3, "must be >= 0");
  size_t start = (size_t)off < v->n ? (size_t)off : v->n;
  size_t k = v->n - start < (size_t)n ? v->n - start : (size_t)n;
  view_ud *d = derive(L, v, k);
  for (size_t i = 0; i < k; i++) d->rows[i] = (uint32_t)VROW(v, start + i);
  d->n = k;
  return 1;
}

static int view_select(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  int n;
  if (lua_istable(L, 2)) {
    n = (int)lua_rawlen(L, 2);
    for (int i = 1; i <= n; i++) lua_rawgeti(L, 2, i);
    lua_remove(L, 2);
  } else {
    n = lua_gettop(L) - 1;
  }
  int *cols = malloc((size_t)(n ? n : 1) * sizeof *cols);
  if (!cols) return luaL_error(L, "not enough memory");
  for (int i = 0; i < n; i++) {
    const char *name = lua_tostring(L, i + 2);
    cols[i] = name ? revl_table_col(v->t, name) : -1;
    if (cols[i] < 0) {
      free(cols);
      return luaL_error(L, "%s has no column '%s'%s", v->t->name, name ? name : "?", REVL_HINT(v->t, name ? name : "?"));
    }
  }
  lua_settop(L, 1);
  view_ud *d;
  /* derive allocates; keep cols safe by attaching after */
  lua_getiuservalue(L, 1, 1);
  d = ls_new_view(L, v->su, -1, v->t);
  lua_remove(L, -2);
  d->cols = cols;
  d->ncols = n;
  d->n = v->n;
  if (v->rows) {
    d->rows = malloc((v->n ? v->n : 1) * sizeof *d->rows);
    if (!d->rows) return luaL_error(L, "not enough memory");
    memcpy(d->rows, v->rows, v->n * sizeof *d->rows);
  }
  return 1;
}

/* ---- aggregates ------------------------------------------------------ */

/* v:sum(field) / avg / min / max / median / percentile(field, p), computed
 * by revl_view_aggregate; nil, "no values" when there are none. */
static int view_agg(lua_State *L, const char *kind) {
  view_ud *v = ls_check_view(L, 1);
  const char *field = luaL_checkstring(L, 2);
  double p = 0;
  if (strcmp(kind, "percentile") == 0) {
    p = luaL_checknumber(L, 3);
    luaL_argcheck(L, p >= 0 && p <= 100, 3, "percentile must be 0-100");
  }
  revl_view cv = {v->t, v->rows, v->n};
  revl_vresult r;
  revl_error err;
  if (revl_view_aggregate(&cv, field, kind, p, &r, &err)) return luaL_error(L, "%s", err.msg);
  if (!r.has) {
    lua_pushnil(L);
    lua_pushstring(L, "no values");
    return 2;
  }
  const revl_intern *in = &v->su->s->strings;
  switch (r.type) {
  case REVL_T_STRING: push_str(L, v->su, r.str); break;
  case REVL_T_NUMBER: lua_pushnumber(L, r.d); break;
  case REVL_T_MONEY: revl_push_money(L, r.i, revl_intern_str(in, r.cur)); break;
  case REVL_T_DATE: revl_push_date(L, r.date); break;
  case REVL_T_DATETIME: revl_push_datetime(L, r.i); break;
  default: lua_pushinteger(L, (lua_Integer)r.i); break;
  }
  return 1;
}
static int view_sum(lua_State *L) { return view_agg(L, "sum"); }
static int view_avg(lua_State *L) { return view_agg(L, "avg"); }
static int view_min(lua_State *L) { return view_agg(L, "min"); }
static int view_max(lua_State *L) { return view_agg(L, "max"); }
static int view_median(lua_State *L) { return view_agg(L, "median"); }
static int view_percentile(lua_State *L) { return view_agg(L, "percentile"); }

/* ---- group_by -------------------------------------------------------- */

/* v:group_by(key, ..., {aggregates}) -> a frame (revl.frame userdata)
 * key: "col", "fk.col", "col:month" (quarter, year, week, fiscal_quarter,
 * fiscal_year, day); aggregates: {name = "count" | {"sum", "col"} |
 * {"percentile", "col", 90}}; default {n = "count"}.  The per-row work
 * is revl_view_group_by's (src/frame/frame_view.c). */
static int view_group_by(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  int top = lua_gettop(L);
  int aggidx = 0;
  if (top >= 2 && lua_istable(L, top)) aggidx = top, top--;
  int nk = top - 1;
  if (nk < 1) return luaL_error(L, "group_by needs at least one key column");
  if (nk > 8) return luaL_error(L, "group_by takes at most 8 keys");
  revl_gkey keys[8];
  revl_rt_state *rt = revl_rt_get(L);
  int fs = rt ? rt->fiscal_start : 1;
  revl_error err;
  for (int i = 0; i < nk; i++) {
    size_t len;
    const char *spec = luaL_checklstring(L, i + 2, &len);
    char *buf = lua_newuserdatauv(L, 2 * len + 32, 0); /* kept on the stack */
    if (revl_gkey_parse(v->t, spec, &keys[i], buf, 2 * len + 32, &err))
      return luaL_error(L, "%s", err.msg);
  }
  revl_vagg aggs[64];
  int na = 0;
  if (!aggidx) {
    aggs[na++] = (revl_vagg){REVL_AGG_COUNT, NULL, "n", 0};
  } else {
    lua_pushnil(L);
    while (lua_next(L, aggidx)) {
      if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "aggregate names must be strings");
      if (na == 64) return luaL_error(L, "group_by takes at most 64 aggregates");
      const char *name = lua_tostring(L, -2);
      int vi = lua_gettop(L);
      revl_vagg *a = &aggs[na++];
      a->name = name; /* a key of the aggregate table: stays alive */
      a->field = NULL;
      a->p = 50;
      if (lua_type(L, vi) == LUA_TSTRING && strcmp(lua_tostring(L, vi), "count") == 0) {
        a->kind = REVL_AGG_COUNT;
      } else if (lua_istable(L, vi)) {
        lua_rawgeti(L, vi, 1);
        lua_rawgeti(L, vi, 2);
        lua_rawgeti(L, vi, 3);
        const char *kind = luaL_checkstring(L, -3);
        if (revl_vagg_parse(v->t, a, kind, lua_tostring(L, -2), &err))
          return luaL_error(L, "%s", err.msg);
        if (a->kind == REVL_AGG_PERCENTILE && lua_isnumber(L, -1)) a->p = lua_tonumber(L, -1);
      } else {
        return luaL_error(L, "aggregate '%s' must be \"count\" or {kind, column}", name);
      }
      lua_settop(L, vi - 1);
    }
  }
  revl_view cv = {v->t, v->rows, v->n};
  revl_frame *f;
  if (revl_view_group_by(&cv, keys, nk, aggs, na, fs, &f, &err))
    return luaL_error(L, "%s", err.msg);
  lua_getiuservalue(L, 1, 1); /* the store */
  revl_push_frame(L, f, -1);
  return 1;
}

/* ---- output ----------------------------------------------------------- */

/* v:to_csv(path) / v:to_jsonl(path): written by the core (revl_view_write_to) */
static int view_write(lua_State *L, int json) {
  view_ud *v = ls_check_view(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char full[4096];
  revl_error err;
  if (revl_out_skip(L, path, full, sizeof full)) {
    lua_pushstring(L, full);
    return 1;
  }
  revl_csvw *w = revl_out_open(L, path, full, sizeof full, &err);
  if (!w) return revl_raise(L, &err);
  revl_view cv = {v->t, v->rows, v->n};
  if (revl_view_write_to(&cv, w, v->ncols ? v->cols : NULL, v->ncols, json, &err)) {
    revl_csvw_abort(w);
    return revl_raise(L, &err);
  }
  return revl_out_commit(L, w, full);
}
static int view_to_csv(lua_State *L) { return view_write(L, 0); }
static int view_to_jsonl(lua_State *L) { return view_write(L, 1); }

static int view_tostring(lua_State *L) {
  view_ud *v = luaL_checkudata(L, 1, REVL_VIEW);
  lua_pushfstring(L, "%s (%d rows)", v->t->name, (int)v->n);
  return 1;
}

/* v:ids() -> list of row numbers (1-based) in the table */
static int view_ids(lua_State *L) {
  view_ud *v = ls_check_view(L, 1);
  lua_createtable(L, (int)v->n, 0);
  for (size_t i = 0; i < v->n; i++) {
    lua_pushinteger(L, (lua_Integer)VROW(v, i) + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* the C pointer of a view, for other bindings (rules, metrics) */
int revl_view_rows(lua_State *L, int idx, revl_table **t, const uint32_t **rows,
                   size_t *n);
int revl_view_rows(lua_State *L, int idx, revl_table **t, const uint32_t **rows,
                   size_t *n) {
  view_ud *v = ls_check_view(L, idx);
  *t = v->t;
  *rows = v->rows;
  *n = v->n;
  return 0;
}

void revl_view_push_row(lua_State *L, int vidx, size_t row) {
  view_ud *v = ls_check_view(L, vidx);
  lua_getiuservalue(L, vidx, 1);
  ls_push_row(L, v->su, -1, v->t, row);
  lua_remove(L, -2);
}

void revl_view_push_derived(lua_State *L, int vidx, uint32_t *rows, size_t n) {
  vidx = lua_absindex(L, vidx);
  view_ud *v = ls_check_view(L, vidx);
  lua_getiuservalue(L, vidx, 1);
  view_ud *d = ls_new_view(L, v->su, -1, v->t);
  lua_remove(L, -2);
  d->rows = rows;
  d->n = n;
}

int revl_push_store_table(lua_State *L, int vidx, const char *name) {
  view_ud *v = ls_check_view(L, vidx);
  revl_table *t = revl_need_table(L, v->su->s, name);
  if (!t) return 0;
  lua_getiuservalue(L, vidx, 1);
  revl_push_table(L, -1, t);
  lua_remove(L, -2);
  return 1;
}

void revl_push_string_id(lua_State *L, int vidx, uint32_t id) {
  view_ud *v = ls_check_view(L, vidx);
  push_str(L, v->su, id);
}

void revl_view_push_cell(lua_State *L, int vidx, revl_table *t, int col,
                         size_t row) {
  view_ud *v = ls_check_view(L, vidx);
  ls_push_cell(L, v->su, t, col, row);
}

int revl_resolve_field(revl_table *t, const char *name, revl_table **holder,
                       int *via) {
  return resolve_field(t, name, holder, via);
}

static const luaL_Reg view_methods[] = {
    {"count", view_count},     {"columns", view_columns},
    {"schema", view_schema},   {"name", view_name},
    {"get", view_get},         {"row", view_row},
    {"rows", view_rows},       {"each", view_each},
    {"where", view_where},     {"sort_by", view_sort_by},
    {"limit", view_limit},     {"select", view_select},
    {"sum", view_sum},         {"avg", view_avg},
    {"min", view_min},         {"max", view_max},
    {"median", view_median},   {"percentile", view_percentile},
    {"group_by", view_group_by}, {"to_csv", view_to_csv},
    {"to_jsonl", view_to_jsonl}, {"ids", view_ids},
    {NULL, NULL}};

static const luaL_Reg view_meta[] = {
    {"__len", view_len}, {"__gc", view_gc}, {"__close", view_gc},
    {"__tostring", view_tostring}, {NULL, NULL}};

int luaopen_revl_store(lua_State *L) {
  luaL_newmetatable(L, REVL_STORE);
  lua_pushcfunction(L, store_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  luaL_newmetatable(L, REVL_VIEW);
  luaL_setfuncs(L, view_meta, 0);
  luaL_newlib(L, view_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  ls_open_row(L);
  return 0;
}
