/*
 * l_rframe.c -- decision frames for Lua: the userdata holding the
 * per-record numbers a model scored (revl_dframe, revl/reasons.h) that
 * behaves like a frame -- #f, f[i], f.columns, f:to_csv -- and builds
 * rows and reasons only when they are asked for, so scoring 200k
 * accounts allocates no Lua value per record.  Cells and reasons come
 * from src/rules/reasons.c, writing from src/rules/declog.c; this file
 * supplies the values the playbook's functions returned and converts
 * reasons to Lua tables.
 */
#include "lrules.h"
#include "revl/decdiff.h"

/* ---- rule frames ----------------------------------------------------------------- */


static int frame_gc(lua_State *L) {
  rframe *f = lua_touserdata(L, 1);
  free(f->rows);
  free(f->a);
  free(f->b);
  free(f->l1);
  free(f->l2);
  free(f->mask);
  free(f->v);
  free(f->raw);
  f->rows = NULL;
  f->a = f->b = f->v = f->raw = NULL;
  f->l1 = f->l2 = NULL;
  f->mask = NULL;
  f->n = 0;
  return 0;
}

rframe *lr_check_frame(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, RULES_FRAME);
}

static void add_col(lua_State *L, rframe *f, int cols, int type, int arg, const char *name) {
  if (f->ncols >= REVL_DFRAME_MAXCOLS) luaL_error(L, "too many columns");
  f->ctype[f->ncols] = type;
  f->carg[f->ncols] = arg;
  f->ncols++;
  lua_pushstring(L, name);
  lua_rawseti(L, cols, f->ncols);
}

/* New frame over the model at midx: uservalue 1 the model, 2 values
 * returned by the playbook's functions, 3 the column names. */
rframe *lr_new_frame(lua_State *L, int midx, model *md, const uint32_t *rows,
                         size_t n) {
  midx = lua_absindex(L, midx);
  rframe *f = lua_newuserdatauv(L, sizeof *f, 3);
  memset(f, 0, sizeof *f);
  luaL_setmetatable(L, RULES_FRAME);
  int fi = lua_gettop(L);
  f->md = md;
  f->t = md->t;
  f->n = n;
  f->as_of = revl_rt_get(L) ? revl_rt_get(L)->as_of : 0;
  lua_pushvalue(L, midx);
  lua_setiuservalue(L, fi, 1);
  lua_newtable(L);
  lua_setiuservalue(L, fi, 2);
  if (rows) {
    f->rows = malloc((n ? n : 1) * sizeof *f->rows);
    if (!f->rows) luaL_error(L, "not enough memory");
    memcpy(f->rows, rows, n * sizeof *rows);
  }
  lua_newtable(L);
  int cols = lua_gettop(L);
  add_col(L, f, cols, C_ID, 0, "id");
  if (md->kind == K_ICP) {
    add_col(L, f, cols, C_A, 0, "fit");
    if (md->icp->eng) add_col(L, f, cols, C_B, 0, "engagement");
    add_col(L, f, cols, C_TIER, 0, "tier");
    add_col(L, f, cols, C_LABEL, 0, "label");
    if (md->has_action) add_col(L, f, cols, C_ACTION, 0, "action");
  } else if (md->kind == K_HEALTH) {
    add_col(L, f, cols, C_A, 0, "score");
    add_col(L, f, cols, C_HBAND, 0, "band");
    for (int k = 0; k < md->ncomps && k < 70; k++)
      add_col(L, f, cols, C_COMP, k, md->comps[k].name);
  } else {
    add_col(L, f, cols, C_A, 0, "completeness");
    add_col(L, f, cols, C_COMPLETE, 0, "complete");
    add_col(L, f, cols, C_MISSING, 0, "missing");
  }
  add_col(L, f, cols, C_REASONS, 0, "reasons");
  lua_setiuservalue(L, fi, 3);
  return f;
}


/* ---- reasons ---------------------------------------------------------------------- */


static int rl_gc(lua_State *L) {
  rlist *r = lua_touserdata(L, 1);
  revl_reasons_free(&r->r);
  return 0;
}

rlist *lr_rl_new(lua_State *L) {
  rlist *r = lua_newuserdatauv(L, sizeof *r, 0);
  memset(r, 0, sizeof *r);
  if (luaL_newmetatable(L, "revl.rlist")) {
    lua_pushcfunction(L, rl_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return r;
}

/* One reasons list reused for every row of a write (a new one per row
 * was most of the time of writing a 200k-row frame).  Pushed on the
 * stack; the caller clears busy and pops it.  A nested use (busy) gets a
 * fresh list. */
static rlist *rl_scratch(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rl_scratch");
  rlist *r = luaL_testudata(L, -1, "revl.rlist");
  if (!r || r->busy) {
    int have = r != NULL;
    lua_pop(L, 1);
    r = lr_rl_new(L);
    if (!have) {
      lua_pushvalue(L, -1);
      lua_setfield(L, LUA_REGISTRYINDEX, "revl.rl_scratch");
    }
  }
  revl_reasons_clear(&r->r);
  r->busy = 1;
  return r;
}

/* What a playbook's function returned for record i, slot `slot` (kept
 * in uservalue 2 of the frame), as text: the seen value of reasons. */
typedef struct seen_ctx {
  lua_State *L;
  int fidx;
  const rframe *f;
} seen_ctx;

static int seen_lua(void *ud, size_t i, int slot, revl_sbuf *out) {
  seen_ctx *sc = ud;
  lua_State *L = sc->L;
  int got = 0;
  lua_getiuservalue(L, sc->fidx, 2);
  if (lua_rawgeti(L, -1, (lua_Integer)(i * (size_t)sc->f->stride + (size_t)slot + 1)) !=
      LUA_TNIL) {
    size_t len;
    const char *str = luaL_tolstring(L, -1, &len);
    revl_sb_add(out, str, len);
    lua_pop(L, 1);
    got = 1;
  }
  lua_pop(L, 2);
  return got;
}

void lr_frame_items(lua_State *L, int fidx, rframe *f, size_t i, int all, rlist *r) {
  seen_ctx sc = {L, lua_absindex(L, fidx), f};
  revl_reasons_build(&r->r, f, i, all, seen_lua, &sc);
  if (revl_reasons_oom(&r->r)) luaL_error(L, "not enough memory"); /* not a shorter list */
}

void lr_push_items(lua_State *L, rlist *rl) {
  const revl_reasons *r = &rl->r;
  lua_createtable(L, r->n, 0);
  for (int k = 0; k < r->n; k++) {
    const revl_reason *x = &r->it[k];
    lua_createtable(L, 0, 7);
    lua_pushstring(L, x->kind);
    lua_setfield(L, -2, "kind");
    const char *s;
    if ((s = revl_reason_str(r, x->group))) {
      lua_pushstring(L, s);
      lua_setfield(L, -2, "group");
    }
    if ((s = revl_reason_str(r, x->crit))) {
      lua_pushstring(L, s);
      lua_setfield(L, -2, "criterion");
    }
    if ((s = revl_reason_str(r, x->value))) {
      lua_pushstring(L, s);
      lua_setfield(L, -2, "value");
    }
    if (x->has_points) {
      lr_push_num(L, x->points);
      lua_setfield(L, -2, strcmp(x->kind, "component") == 0 ? "score" : "points");
    }
    if (x->has_weight) {
      lr_push_num(L, x->weight);
      lua_setfield(L, -2, "weight");
    }
    lua_pushboolean(L, x->met);
    lua_setfield(L, -2, "met");
    lua_rawseti(L, -2, k + 1);
  }
}

/* ---- cells of a frame ---------------------------------------------------------------- */


/* Append cell (i, c) as text to out (revl_dframe_cell); returns its
 * kind.  Reasons need the frame at fidx. */
static int frame_cell(lua_State *L, int fidx, rframe *f, size_t i, int c, sbuf *out,
                      double *num) {
  int k;
  if (f->ctype[c] != C_REASONS) {
    k = revl_dframe_cell(f, i, c, out, num, NULL, NULL, NULL);
  } else {
    seen_ctx sc = {L, lua_absindex(L, fidx), f};
    rlist *r = rl_scratch(L);
    k = revl_dframe_cell(f, i, c, out, num, &r->r, seen_lua, &sc);
    r->busy = 0;
    lua_pop(L, 1);
  }
  if (out->oom) luaL_error(L, "not enough memory"); /* not a cut cell */
  return k;
}

static void push_frame_cell(lua_State *L, int fidx, rframe *f, size_t i, int c, sbuf *b) {
  revl_sb_reset(b);
  double num = 0;
  int k = frame_cell(L, fidx, f, i, c, b, &num);
  switch (k) {
  case V_NIL: lua_pushnil(L); break;
  case V_NUM: lr_push_num(L, num); break;
  case V_BOOL: lua_pushboolean(L, num != 0); break;
  default: lua_pushlstring(L, revl_sb_str(b), b->n); break;
  }
}

/* C.rules_cframe(rf [, {columns}]) -> the rules frame (or those of its
 * columns) as a C frame (revl.frame): the same cells, typed (numbers,
 * booleans, text; ids borrowed from the store), so sort, group by and
 * join run in the core.  Leaving out `reasons` saves building its text. */
static int l_rules_cframe(lua_State *L) {
  rframe *rf = lr_check_frame(L, 1);
  int pick[80], np = 0;
  lua_getiuservalue(L, 1, 3); /* the column names */
  int names = lua_gettop(L);
  if (lua_istable(L, 2)) {
    int n = (int)lua_rawlen(L, 2);
    for (int k = 1; k <= n && np < 80; k++) {
      lua_rawgeti(L, 2, k);
      const char *want = luaL_checkstring(L, -1);
      int found = -1;
      revl_near nr;
      revl_near_init(&nr, want);
      for (int c = 0; c < rf->ncols && found < 0; c++) {
        lua_rawgeti(L, names, c + 1);
        const char *nm = lua_tostring(L, -1);
        if (nm && strcmp(nm, want) == 0) found = c;
        revl_near_add(&nr, nm);
        lua_pop(L, 1);
      }
      if (found < 0) {
        char hint[160];
        return luaL_error(L, "this frame has no column '%s'%s", want,
                          revl_near_hint(&nr, hint, sizeof hint));
      }
      pick[np++] = found;
      lua_pop(L, 1);
    }
  } else {
    luaL_argcheck(L, lua_isnoneornil(L, 2), 2, "a list of column names expected");
    for (int c = 0; c < rf->ncols; c++) pick[np++] = c;
  }
  const char *cn[REVL_DFRAME_MAXCOLS];
  for (int c = 0; c < rf->ncols; c++) {
    lua_rawgeti(L, names, c + 1);
    cn[c] = lua_tostring(L, -1); /* stays in the names table */
    lua_pop(L, 1);
  }
  revl_frame *f = revl_frame_new(rf->t->store);
  if (!f) return luaL_error(L, "not enough memory");
  revl_push_frame(L, f, 1); /* owns f from here; keeps the rules frame alive */
  int fi = lua_gettop(L);
  sbuf *b = lr_sb_new(L);
  rlist *r = rl_scratch(L);
  seen_ctx sc = {L, 1, rf};
  revl_error err;
  int rc = revl_dframe_to_frame(rf, cn, pick, np, f, &r->r, b, seen_lua, &sc, &err);
  r->busy = 0;
  if (rc) return luaL_error(L, "%s", err.msg);
  lua_settop(L, fi);
  return 1;
}

void lr_push_frame_row(lua_State *L, int fidx, rframe *f, size_t i) {
  fidx = lua_absindex(L, fidx);
  sbuf *b = lr_sb_new(L);
  lua_createtable(L, 0, f->ncols);
  lua_getiuservalue(L, fidx, 3);
  for (int c = 0; c < f->ncols; c++) {
    lua_rawgeti(L, -1, c + 1);
    push_frame_cell(L, fidx, f, i, c, b);
    lua_settable(L, -4);
  }
  lua_pop(L, 1);
  lua_remove(L, -2);
}

/* ---- frame methods ---------------------------------------------------------------------- */

static size_t frame_pos(lua_State *L, rframe *f, int idx) {
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx);
    if (i < 1 || (size_t)i > f->n) return SIZE_MAX;
    return (size_t)i - 1;
  }
  int64_t row = lr_record_row(L, idx, f->t);
  if (row < 0) return SIZE_MAX;
  if (!f->rows) return (size_t)row < f->n ? (size_t)row : SIZE_MAX;
  for (size_t i = 0; i < f->n; i++)
    if (f->rows[i] == (uint32_t)row) return i;
  return SIZE_MAX;
}

static int l_frame_index(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  if (lua_isinteger(L, 2)) {
    lua_Integer i = lua_tointeger(L, 2);
    if (i < 1 || (size_t)i > f->n) return 0;
    lr_push_frame_row(L, 1, f, (size_t)i - 1);
    return 1;
  }
  const char *k = lua_tostring(L, 2);
  if (!k) return 0;
  if (strcmp(k, "columns") == 0) {
    lua_getiuservalue(L, 1, 3);
    return 1;
  }
  if (strcmp(k, "model") == 0) {
    lua_getiuservalue(L, 1, 1);
    return 1;
  }
  lua_getfield(L, lua_upvalueindex(1), k);
  return 1;
}

static int l_frame_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lr_check_frame(L, 1)->n);
  return 1;
}

static int l_frame_tostring(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  lua_pushfstring(L, "%s frame of %s (%d rows)", lr_kind_name(f->md->kind), f->t->name, (int)f->n);
  return 1;
}

/* f:get(id) -> the row of that record, or nil */
static int l_frame_get(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  size_t i = frame_pos(L, f, 2);
  if (i == SIZE_MAX) return 0;
  lr_push_frame_row(L, 1, f, i);
  return 1;
}

/* f:explain(i or id) -> reasons, every rule met or not */
static int l_frame_explain(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  size_t i = frame_pos(L, f, 2);
  if (i == SIZE_MAX) return luaL_error(L, "no record %s in this frame", luaL_tolstring(L, 2, NULL));
  rlist *r = lr_rl_new(L);
  lr_frame_items(L, 1, f, i, 1, r);
  lr_push_items(L, r);
  return 1;
}

/* column c named name, else -1 */
static int col_find(lua_State *L, int fidx, rframe *f, const char *name) {
  lua_getiuservalue(L, fidx, 3);
  int found = -1;
  for (int c = 0; c < f->ncols && found < 0; c++) {
    lua_rawgeti(L, -1, c + 1);
    if (strcmp(lua_tostring(L, -1), name) == 0) found = c;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return found;
}

static int col_index(lua_State *L, int fidx, rframe *f, const char *name) {
  int c = col_find(L, fidx, f, name);
  return c >= 0 ? c : luaL_error(L, "this frame has no column '%s'", name);
}

/* f:column(name) -> list of values (nil holes for null) */
static int l_frame_column(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  int c = col_index(L, 1, f, luaL_checkstring(L, 2));
  sbuf *b = lr_sb_new(L);
  lua_createtable(L, (int)f->n, 0);
  for (size_t i = 0; i < f->n; i++) {
    push_frame_cell(L, 1, f, i, c, b);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* f:counts(name) -> {value = count} */
static int l_frame_counts(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  int c = col_index(L, 1, f, luaL_checkstring(L, 2));
  sbuf *b = lr_sb_new(L);
  lua_newtable(L);
  int t = lua_gettop(L);
  for (size_t i = 0; i < f->n; i++) {
    push_frame_cell(L, 1, f, i, c, b);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    lua_pushvalue(L, -1);
    lua_Integer k = lua_rawget(L, t) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    lua_pushinteger(L, k + 1);
    lua_rawset(L, t);
  }
  return 1;
}

/* f:rows_list() -> a list of row tables (lua/rules.lua makes frames) */
static int l_frame_rows_list(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  lua_createtable(L, (int)f->n, 0);
  for (size_t i = 0; i < f->n; i++) {
    lr_push_frame_row(L, 1, f, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* f:each(fn) */
static int l_frame_each(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  for (size_t i = 0; i < f->n; i++) {
    lua_pushvalue(L, 2);
    lr_push_frame_row(L, 1, f, i);
    lua_call(L, 1, 0);
  }
  return 0;
}

/* f:view() -> a view of the scored records, in frame order */
static int l_frame_view(lua_State *L) {
  rframe *f = lr_check_frame(L, 1);
  uint32_t *rows = malloc((f->n ? f->n : 1) * sizeof *rows);
  if (!rows) return luaL_error(L, "not enough memory");
  for (size_t i = 0; i < f->n; i++) rows[i] = (uint32_t)FROW(f, i);
  lua_getiuservalue(L, 1, 1);
  lua_getiuservalue(L, -1, 3);
  revl_view_push_derived(L, -1, rows, f->n);
  return 1;
}

/* ---- writing ----------------------------------------------------------------------------- */


/* anchor a writer: aborted when an error unwinds past it */
static int csvw_holder_gc(lua_State *L) {
  revl_csvw **wp = lua_touserdata(L, 1);
  if (*wp) revl_csvw_abort(*wp);
  *wp = NULL;
  return 0;
}

revl_csvw **lr_open_writer(lua_State *L, const char *path, char *full, size_t n) {
  /* the holder before the writer (making it can raise, which would
   * leave the temporary file of an open writer behind) */
  revl_csvw **wp = lua_newuserdatauv(L, sizeof *wp, 0);
  *wp = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, csvw_holder_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  revl_error err;
  revl_csvw *w = revl_out_open(L, path, full, n, &err);
  if (!w) revl_raise(L, &err);
  *wp = w;
  return wp;
}

void lr_commit_writer(lua_State *L, revl_csvw **wp) {
  revl_csvw *w = *wp;
  *wp = NULL;
  revl_error err;
  if (revl_csvw_commit(w, &err)) revl_raise(L, &err);
}

/* Write the rule frame at fidx as CSV (json = 0) or JSON lines
 * (revl_dframe_write) to path under --out; the writer is left open in
 * the holder pushed on the stack (lr_commit_writer commits it), so a
 * caller can do what can still fail before the file appears. */
revl_csvw **lr_write_rframe(lua_State *L, int fidx, rframe *f, const char *path, int json,
                            const revl_logmeta *meta, char *full, size_t fulln) {
  fidx = lua_absindex(L, fidx);
  revl_csvw **wp = lr_open_writer(L, path, full, fulln);
  sbuf *b = lr_sb_new(L);
  rlist *r = rl_scratch(L);
  lua_getiuservalue(L, fidx, 3); /* the column names stay in this table */
  const char *names[REVL_DFRAME_MAXCOLS];
  for (int c = 0; c < f->ncols; c++) {
    lua_rawgeti(L, -1, c + 1);
    names[c] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  seen_ctx sc = {L, fidx, f};
  int rc = revl_dframe_write(*wp, f, names, json, meta, &r->r, b, seen_lua, &sc);
  r->busy = 0;
  if (rc) luaL_error(L, "not enough memory"); /* the holder removes the file */
  lua_pop(L, 3);
  return wp;
}

static int frame_write(lua_State *L, int json) {
  rframe *f = lr_check_frame(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char full[4096];
  if (revl_out_skip(L, path, full, sizeof full)) { /* outputs discarded */
    lua_pushstring(L, full);
    return 1;
  }
  revl_csvw **wp = lr_write_rframe(L, 1, f, path, json, NULL, full, sizeof full);
  lua_pushstring(L, full); /* before the commit: once the file is there, nothing fails */
  lua_insert(L, -2);
  lr_commit_writer(L, wp);
  lua_pop(L, 1);
  return 1;
}
static int l_frame_to_csv(lua_State *L) { return frame_write(L, 0); }
static int l_frame_to_jsonl(lua_State *L) { return frame_write(L, 1); }

/* C.frame_methods(tbl): lua/rules.lua adds Lua methods to rule frames */
static int l_frame_methods(lua_State *L) {
  luaL_getmetatable(L, RULES_FRAME);
  lua_getfield(L, -1, "__index");
  lua_getupvalue(L, -1, 1);
  return 1;
}

/* ---- revl diff ------------------------------------------------------------------ */

static void diff_cols(lua_State *L, int fidx, rframe *f, int c[3]) {
  c[0] = col_find(L, fidx, f, "tier");
  c[1] = col_find(L, fidx, f, "label");
  c[2] = col_find(L, fidx, f, "fit");
  if (c[2] < 0) c[2] = col_find(L, fidx, f, "score");
}

static void push_ints(lua_State *L, const uint32_t *v, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t k = 0; k < n; k++) {
    lua_pushinteger(L, (lua_Integer)v[k] + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
}

/* C.rules_diff(fa, fb) -> {n, only_a, only_b, ia = {...}, ib = {...},
 * what = {"tier,score", ...}, migration = {{from, to, n}...}, buckets =
 * {{name, n}...}} (revl_ddiff_compare: positions from 1), or nil when
 * the frames are over different tables. */
static int l_rules_diff(lua_State *L) {
  rframe *a = lr_check_frame(L, 1), *b = lr_check_frame(L, 2);
  int ca[3], cb[3];
  diff_cols(L, 1, a, ca);
  diff_cols(L, 2, b, cb);
  revl_ddiff *d = lua_newuserdatauv(L, sizeof *d, 0); /* freed below */
  int rc = revl_ddiff_compare(a, ca, b, cb, d);
  if (rc == REVL_EUSAGE) {
    revl_ddiff_free(d);
    lua_pushnil(L);
    return 1;
  }
  if (rc) {
    revl_ddiff_free(d);
    return luaL_error(L, "not enough memory");
  }
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, (lua_Integer)d->n);
  lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)d->only_a);
  lua_setfield(L, -2, "only_a");
  lua_pushinteger(L, (lua_Integer)d->only_b);
  lua_setfield(L, -2, "only_b");
  push_ints(L, d->ia, d->nchanged);
  lua_setfield(L, -2, "ia");
  push_ints(L, d->ib, d->nchanged);
  lua_setfield(L, -2, "ib");
  lua_createtable(L, (int)d->nchanged, 0);
  for (size_t k = 0; k < d->nchanged; k++) {
    lua_createtable(L, 3, 0);
    int m = 0;
    if (d->what[k] & REVL_DD_TIER) { lua_pushliteral(L, "tier"); lua_rawseti(L, -2, ++m); }
    if (d->what[k] & REVL_DD_LABEL) { lua_pushliteral(L, "label"); lua_rawseti(L, -2, ++m); }
    if (d->what[k] & REVL_DD_SCORE) { lua_pushliteral(L, "score"); lua_rawseti(L, -2, ++m); }
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "what");
  lua_createtable(L, (int)d->nmig, 0);
  for (size_t k = 0; k < d->nmig; k++) {
    lua_createtable(L, 3, 0);
    lua_pushstring(L, d->mig[k].from);
    lua_rawseti(L, -2, 1);
    lua_pushstring(L, d->mig[k].to);
    lua_rawseti(L, -2, 2);
    lua_pushinteger(L, (lua_Integer)d->mig[k].n);
    lua_rawseti(L, -2, 3);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "migration");
  lua_createtable(L, REVL_DD_NBUCKETS, 0);
  int nb = 0;
  for (int k = 0; k < REVL_DD_NBUCKETS; k++) {
    if (!d->buckets[k]) continue;
    lua_createtable(L, 2, 0);
    lua_pushstring(L, revl_ddiff_bucket_name(k));
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)d->buckets[k]);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, ++nb);
  }
  lua_setfield(L, -2, "buckets");
  revl_ddiff_free(d);
  return 1;
}

static const luaL_Reg frame_methods[] = {
    {"get", l_frame_get},         {"explain", l_frame_explain},
    {"column", l_frame_column},   {"counts", l_frame_counts},
    {"rows_list", l_frame_rows_list}, {"each", l_frame_each},
    {"view", l_frame_view},       {"to_csv", l_frame_to_csv},
    {"to_jsonl", l_frame_to_jsonl}, {NULL, NULL}};

const luaL_Reg lr_rframe_funcs[] = {
    {"frame_methods", l_frame_methods}, {"rules_cframe", l_rules_cframe},
    {"rules_diff", l_rules_diff}, {NULL, NULL}};

void lr_open_rframe(lua_State *L) {
  lr_new_meta(L, RULES_FRAME, frame_methods, l_frame_index, frame_gc, l_frame_tostring);
  luaL_getmetatable(L, RULES_FRAME);
  lua_pushcfunction(L, l_frame_len);
  lua_setfield(L, -2, "__len");
  lua_pop(L, 1);
}
