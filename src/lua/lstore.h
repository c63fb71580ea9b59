/*
 * lstore.h -- what l_store.c (tables, views) and l_row.c (rows) share:
 * the userdata of a store, a view and a row, and the helpers that push
 * cells, views and rows.  Internal to those two files.
 */
#ifndef REVL_LSTORE_H
#define REVL_LSTORE_H

#include <lua.h>

#include "revl/store.h"

typedef struct store_ud {
  revl_store *s;
  int cache_ref; /* registry ref of the intern id -> Lua string table */
} store_ud;

typedef struct view_ud {
  revl_table *t;
  uint32_t *rows; /* NULL: all rows of t */
  size_t n;
  int *cols;      /* selected columns or NULL */
  int ncols;
  store_ud *su;
} view_ud;

typedef struct row_ud {
  revl_table *t;
  size_t row;
  store_ud *su;
  /* field name -> column, by the key string's address (Lua interns short
   * strings, so a loop's field names hit); a hit is confirmed by name */
  const char *ckey[4];
  int ccol[4];
} row_ud;

#define VROW(v, i) ((v)->rows ? (size_t)(v)->rows[i] : (size_t)(i))

/* Push the cell (nil when null; strings through the store's cache). */
void ls_push_cell(lua_State *L, store_ud *su, revl_table *t, int ci, size_t row);
/* The view at i, or an error ("this table's data was unloaded"). */
view_ud *ls_check_view(lua_State *L, int i);
/* New empty view of t; uservalue 1 keeps the store at sidx alive. */
view_ud *ls_new_view(lua_State *L, store_ud *su, int sidx, revl_table *t);
/* A row proxy of t (uservalue 1: the store at sidx). */
row_ud *ls_push_row(lua_State *L, store_ud *su, int sidx, revl_table *t, size_t row);
/* The row metatable (REVL_ROW). */
void ls_open_row(lua_State *L);

#endif
