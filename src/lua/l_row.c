/*
 * l_row.c -- a table's row for Lua: the read-only proxy that reads one
 * cell per field (row.amount), follows a link (row.account,
 * row:follow("owner"), row:get("account.industry")), goes back from a
 * parent (row:linked("deals")), and prints and compares itself.  Views
 * and stores are in l_store.c; both share lstore.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "lstore.h"
#include "revl/ingest.h"

/* ---- rows ----------------------------------------------------------- */

row_ud *ls_push_row(lua_State *L, store_ud *su, int sidx, revl_table *t, size_t row) {
  sidx = lua_absindex(L, sidx);
  row_ud *r = lua_newuserdatauv(L, sizeof *r, 1);
  memset(r, 0, sizeof *r);
  r->t = t;
  r->row = row;
  r->su = su;
  luaL_setmetatable(L, REVL_ROW);
  lua_pushvalue(L, sidx);
  lua_setiuservalue(L, -2, 1);
  return r;
}

static int row_method_get(lua_State *L);
static int row_method_follow(lua_State *L);
static int row_method_linked(lua_State *L);
static int row_method_totable(lua_State *L);

static int row_index(lua_State *L) {
  row_ud *r = luaL_checkudata(L, 1, REVL_ROW);
  if (!r->su->s) return luaL_error(L, "this row's data was unloaded");
  const char *k = luaL_checkstring(L, 2);
  unsigned slot = (unsigned)(((uintptr_t)k >> 4) & 3);
  int ci;
  if (r->ckey[slot] == k && strcmp(r->t->cols[r->ccol[slot]]->name, k) == 0) {
    ci = r->ccol[slot];
  } else {
    ci = revl_table_col(r->t, k);
    if (ci >= 0) {
      r->ckey[slot] = k;
      r->ccol[slot] = ci;
    }
  }
  if (ci >= 0) {
    ls_push_cell(L, r->su, r->t, ci, r->row);
    return 1;
  }
  /* deal.account follows account_id; deal.owner_rep is not needed:
   * follow("owner") does it */
  char fk[140];
  snprintf(fk, sizeof fk, "%s_id", k);
  int f = revl_table_col(r->t, fk);
  if (f >= 0 && r->t->cols[f]->ref) {
    int32_t tr = r->t->cols[f]->ref_row[r->row];
    if (tr < 0) lua_pushnil(L);
    else {
      lua_getiuservalue(L, 1, 1);
      ls_push_row(L, r->su, -1, r->t->cols[f]->ref, (size_t)tr);
    }
    return 1;
  }
  if (strcmp(k, "get") == 0) lua_pushcfunction(L, row_method_get);
  else if (strcmp(k, "follow") == 0) lua_pushcfunction(L, row_method_follow);
  else if (strcmp(k, "linked") == 0) lua_pushcfunction(L, row_method_linked);
  else if (strcmp(k, "totable") == 0) lua_pushcfunction(L, row_method_totable);
  else if (strcmp(k, "_table") == 0) lua_pushstring(L, r->t->name);
  else if (strcmp(k, "_row") == 0) lua_pushinteger(L, (lua_Integer)r->row + 1);
  else {
    const revl_table_def *d = revl_table_def_find(r->t->name);
    if (d)
      for (int i = 0; i < d->nfields; i++)
        if (strcmp(d->fields[i].name, k) == 0) {
          lua_pushnil(L); /* a canonical field this export lacks */
          return 1;
        }
    return luaL_error(L, "%s has no column '%s'%s", r->t->name, k, REVL_HINT(r->t, k));
  }
  return 1;
}

static int row_method_get(lua_State *L) {
  row_ud *r = luaL_checkudata(L, 1, REVL_ROW);
  const char *name = luaL_checkstring(L, 2);
  const revl_table *h;
  int via, ci = revl_table_field(r->t, name, &h, &via);
  if (ci < 0) return luaL_error(L, "%s has no column '%s'%s", r->t->name, name, REVL_HINT(r->t, name));
  int64_t hr = via >= 0 && !r->t->cols[via]->ref_row ? -1 : revl_field_row(r->t, via, r->row);
  if (hr < 0) lua_pushnil(L);
  else ls_push_cell(L, r->su, (revl_table *)h, ci, (size_t)hr);
  return 1;
}

static int row_method_follow(lua_State *L) {
  row_ud *r = luaL_checkudata(L, 1, REVL_ROW);
  const char *k = luaL_checkstring(L, 2);
  int f = revl_table_col(r->t, k);
  if (f < 0 || !r->t->cols[f]->ref)
    return luaL_error(L, "%s.%s is not a loaded reference", r->t->name, k);
  int32_t tr = r->t->cols[f]->ref_row[r->row];
  if (tr < 0) return lua_pushnil(L), 1;
  lua_getiuservalue(L, 1, 1);
  ls_push_row(L, r->su, -1, r->t->cols[f]->ref, (size_t)tr);
  return 1;
}

/* row:linked("deals" [, "column"]): the view of the rows of that table
 * whose reference points at this row (account:linked("deals"), a lead's
 * deals through deals.lead_id), in table order; the reference column
 * is named when the table has several pointing here. */
static int row_method_linked(lua_State *L) {
  row_ud *r = luaL_checkudata(L, 1, REVL_ROW);
  const char *name = luaL_checkstring(L, 2);
  const char *via = luaL_optstring(L, 3, NULL);
  revl_table *t = revl_need_table(L, r->su->s, name);
  if (!t) {
    revl_near nr;
    char hint[160];
    revl_near_init(&nr, name);
    for (int i = 0, n = revl_store_count(r->su->s); i < n; i++)
      revl_near_add(&nr, revl_store_name(r->su->s, i));
    revl_near_hint(&nr, hint, sizeof hint);
    return luaL_error(L, "linked: no table '%s'%s", name, hint);
  }
  int f = -1, nrefs = 0;
  for (int c = 0; c < t->ncols; c++) {
    if (t->cols[c]->ref != r->t || !t->cols[c]->rev_off) continue;
    nrefs++;
    if (!via ? f < 0 : strcmp(t->cols[c]->name, via) == 0) f = c;
  }
  if (f < 0 && via)
    return luaL_error(L, "linked: %s.%s does not refer to %s%s", name, via, r->t->name,
                      revl_table_col(t, via) < 0 ? REVL_HINT(t, via) : "");
  if (f < 0) return luaL_error(L, "linked: no column of %s refers to %s", name, r->t->name);
  if (nrefs > 1 && !via)
    return luaL_error(L, "linked: several columns of %s refer to %s: name one, "
                      "row:linked(\"%s\", \"column\")", name, r->t->name, name);
  const revl_column *c = t->cols[f];
  uint32_t a = c->rev_off[r->row], b = c->rev_off[r->row + 1];
  lua_getiuservalue(L, 1, 1);
  view_ud *d = ls_new_view(L, r->su, -1, t);
  lua_remove(L, -2);
  d->rows = malloc((b > a ? b - a : 1) * sizeof *d->rows);
  if (!d->rows) return luaL_error(L, "not enough memory");
  memcpy(d->rows, c->rev_rows + a, (size_t)(b - a) * sizeof *d->rows);
  d->n = b - a;
  return 1;
}

static int row_method_totable(lua_State *L) {
  row_ud *r = luaL_checkudata(L, 1, REVL_ROW);
  lua_createtable(L, 0, r->t->ncols);
  for (int i = 0; i < r->t->ncols; i++) {
    ls_push_cell(L, r->su, r->t, i, r->row);
    lua_setfield(L, -2, r->t->cols[i]->name);
  }
  return 1;
}

static int row_newindex(lua_State *L) {
  return luaL_error(L, "rows are read-only");
}

static int row_tostring(lua_State *L) {
  row_ud *r = luaL_checkudata(L, 1, REVL_ROW);
  if (r->t->pk >= 0 && revl_col_valid(r->t->cols[r->t->pk], r->row))
    lua_pushfstring(L, "%s[%s]", r->t->name,
                    revl_intern_str(&r->su->s->strings,
                                    r->t->cols[r->t->pk]->v.str[r->row]));
  else
    lua_pushfstring(L, "%s[row %d]", r->t->name, (int)r->row + 1);
  return 1;
}

static int row_eq(lua_State *L) {
  row_ud *a = luaL_testudata(L, 1, REVL_ROW), *b = luaL_testudata(L, 2, REVL_ROW);
  lua_pushboolean(L, a && b && a->t == b->t && a->row == b->row);
  return 1;
}

/* pairs(row): column name, value */
static int row_next(lua_State *L) {
  row_ud *r = luaL_checkudata(L, 1, REVL_ROW);
  int i = 0;
  if (!lua_isnil(L, 2)) {
    i = revl_table_col(r->t, luaL_checkstring(L, 2)) + 1;
    if (i <= 0) return 0;
  }
  if (i >= r->t->ncols) return 0;
  lua_pushstring(L, r->t->cols[i]->name);
  ls_push_cell(L, r->su, r->t, i, r->row);
  return 2;
}

static int row_pairs(lua_State *L) {
  lua_pushcfunction(L, row_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}



static const luaL_Reg row_meta[] = {
    {"__index", row_index}, {"__newindex", row_newindex},
    {"__tostring", row_tostring}, {"__eq", row_eq},
    {"__pairs", row_pairs}, {NULL, NULL}};

void ls_open_row(lua_State *L) {
  luaL_newmetatable(L, REVL_ROW);
  luaL_setfuncs(L, row_meta, 0);
  lua_pop(L, 1);
}
