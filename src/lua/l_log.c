/*
 * l_log.c -- revl.log (decision logs: a decision frame or a list of
 * rows written as CSV and JSON Lines, the run's metadata once in the
 * JSONL's first line and in NAME.run.json beside the CSV) and the
 * run metadata functions of revl._rules (input_files, sha256,
 * run_meta).  The metadata is computed by src/output/runmeta.c and rule
 * frames are written by src/rules/declog.c; Lua tables of rows are
 * converted here.
 */
#include "lrules.h"

/* ---- Lua values as JSON and CSV text ---------------------------------------------- */

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A Lua value as JSON text appended to w (tables: arrays, or objects with
 * sorted keys, to depth 8). */
static void json_lua(lua_State *L, int idx, sbuf *w, int depth) {
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TLIGHTUSERDATA: revl_sb_add(w, "null", 4); return;
  case LUA_TTABLE: {
    if (depth > 8) {
      revl_sb_add(w, "null", 4);
      return;
    }
    size_t n = lua_rawlen(L, idx);
    int has_keys = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) == LUA_TSTRING) {
        has_keys = 1;
        lua_pop(L, 1);
        break;
      }
    }
    if (n > 0 || !has_keys) {
      revl_sb_add(w, "[", 1);
      for (size_t i = 1; i <= n; i++) {
        if (i > 1) revl_sb_add(w, ",", 1);
        lua_rawgeti(L, idx, (lua_Integer)i);
        json_lua(L, -1, w, depth + 1);
        lua_pop(L, 1);
      }
      revl_sb_add(w, "]", 1);
      return;
    }
    /* an object, keys sorted */
    size_t nk = 0, cap = 16;
    const char **keys = malloc(cap * sizeof *keys);
    if (!keys) luaL_error(L, "not enough memory");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING) continue;
      if (nk == cap) {
        const char **k2 = realloc(keys, (cap *= 2) * sizeof *keys);
        if (!k2) {
          free(keys);
          luaL_error(L, "not enough memory");
        }
        keys = k2;
      }
      keys[nk++] = lua_tostring(L, -1); /* the key stays in the table */
    }
    qsort(keys, nk, sizeof *keys, cmp_cstr);
    revl_sb_add(w, "{", 1);
    for (size_t i = 0; i < nk; i++) {
      if (i) revl_sb_add(w, ",", 1);
      revl_sb_json(w, keys[i], strlen(keys[i]));
      revl_sb_add(w, ":", 1);
      lua_getfield(L, idx, keys[i]);
      json_lua(L, -1, w, depth + 1);
      lua_pop(L, 1);
    }
    revl_sb_add(w, "}", 1);
    free(keys);
    return;
  }
  default: { /* the core words scalars (revl_cval_json) */
    revl_cval v;
    int pushed = revl_lua_scalar(L, idx, &v, 2);
    revl_cval_json(&v, w);
    lua_pop(L, pushed);
    return;
  }
  }
}

/* text of a Lua value for a CSV cell (revl_cval_text) */
static void lua_text(lua_State *L, int idx, sbuf *b) {
  revl_cval v;
  int pushed = revl_lua_scalar(L, idx, &v, 2);
  revl_cval_text(&v, b);
  lua_pop(L, pushed);
}

/* reasons given as a list of {criterion =, value =, points =} */
static void reasons_list_text(lua_State *L, int idx, sbuf *b) {
  idx = lua_absindex(L, idx);
  size_t n = lua_rawlen(L, idx);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i);
    if (i > 1) revl_sb_adds(b, "; ");
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "criterion");
      lua_text(L, -1, b);
      lua_getfield(L, -2, "value");
      if (!lua_isnil(L, -1)) {
        revl_sb_adds(b, " [");
        lua_text(L, -1, b);
        revl_sb_adds(b, "]");
      }
      lua_getfield(L, -3, "points");
      if (lua_isnumber(L, -1)) {
        revl_sb_adds(b, " ");
        revl_sb_points(b, lua_tonumber(L, -1));
      }
      lua_pop(L, 3);
    } else {
      lua_text(L, -1, b);
    }
    lua_pop(L, 1);
  }
}

/* columns of a plain frame: its own, else the sorted keys of its rows */
static void push_plain_columns(lua_State *L, int fidx) {
  lua_getfield(L, fidx, "columns");
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.row_keys");
  lua_pushvalue(L, fidx);
  lua_call(L, 1, 1);
}

/* Write the list of rows at fidx like lr_write_rframe: the holder of
 * the uncommitted file is left pushed. */
static revl_csvw **write_plain(lua_State *L, int fidx, const char *path, int json,
                               const revl_logmeta *meta,
                               char *full, size_t fulln) {
  fidx = lua_absindex(L, fidx);
  push_plain_columns(L, fidx);
  int cols = lua_gettop(L);
  int nc = (int)lua_rawlen(L, cols);
  revl_csvw **wp = lr_open_writer(L, path, full, fulln);
  revl_csvw *w = *wp;
  sbuf *b = lr_sb_new(L);
  if (!json)
    for (int c = 1; c <= nc; c++) {
      lua_rawgeti(L, cols, c);
      revl_csvw_str(w, luaL_tolstring(L, -1, NULL));
      lua_pop(L, 2);
    }
  revl_log_head_end(w, json, meta);
  lua_Integer n = (lua_Integer)lua_rawlen(L, fidx);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, fidx, i);
    int row = lua_gettop(L);
    if (json) revl_csvw_raw(w, "{", 1);
    for (int c = 1; c <= nc; c++) {
      lua_rawgeti(L, cols, c);
      const char *name = lua_tostring(L, -1);
      lua_pushvalue(L, -1);
      lua_gettable(L, row);
      int is_reasons = name && strcmp(name, "reasons") == 0;
      if (json) {
        revl_sb_reset(b);
        if (c > 1) revl_sb_add(b, ",", 1);
        json_lua(L, -2, b, 1);
        revl_sb_add(b, ":", 1);
        if (is_reasons) {
          lua_getfield(L, row, "_reasons");
          if (lua_istable(L, -1)) json_lua(L, -1, b, 1);
          else json_lua(L, -2, b, 1);
          lua_pop(L, 1);
        } else {
          json_lua(L, -1, b, 1);
        }
        if (b->oom) luaL_error(L, "not enough memory"); /* not a cut cell */
        revl_csvw_raw(w, revl_sb_str(b), b->n);
      } else {
        revl_sb_reset(b);
        if (is_reasons && lua_istable(L, -1)) reasons_list_text(L, -1, b);
        else lua_text(L, -1, b);
        if (b->oom) luaL_error(L, "not enough memory");
        revl_csvw_field(w, revl_sb_str(b), b->n);
      }
      lua_pop(L, 2);
    }
    revl_log_rec_end(w, json, meta);
    lua_settop(L, row - 1);
  }
  lua_pop(L, 1); /* b */
  lua_replace(L, cols); /* the holder where the columns were */
  return wp;
}

/* ---- decision logs ------------------------------------------------------------------------- */

/* sha256 of a file (src/output/runmeta.c), cached per path */
static void push_sha256(lua_State *L, const char *path) {
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.sha256");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "revl.rules.sha256");
  }
  if (lua_getfield(L, -1, path) == LUA_TSTRING) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  char hex[65];
  revl_sha256_file(path, hex);
  lua_pushstring(L, hex);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, path);
  lua_remove(L, -2);
}

/* the playbook: the outermost main chunk read from a file */
static void playbook_path(lua_State *L, char *buf, size_t n) {
  lua_Debug ar;
  snprintf(buf, n, "unknown");
  for (int lv = 0; lua_getstack(L, lv, &ar); lv++) {
    if (!lua_getinfo(L, "S", &ar)) continue;
    if (strcmp(ar.what, "main") == 0 && ar.source && ar.source[0] == '@')
      snprintf(buf, n, "%s", ar.source + 1);
  }
}

static revl_store *current_store(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  revl_store *s = lua_isuserdata(L, -1) ? *(revl_store **)lua_touserdata(L, -1) : NULL;
  lua_pop(L, 1);
  return s;
}

/* The i-th table of s in the directory's order when it has loaded and
 * came from a file, else NULL: a run's inputs are the files it read
 * (tables load on first use), listed in one order whatever the order
 * the playbook used them in. */
static revl_table *input_at(const revl_store *s, int i) {
  revl_table *t = revl_store_loaded(s, revl_store_name(s, i));
  return t && t->file && t->file[0] ? t : NULL;
}

/* push {{table =, file =, rows =}, ...} of the store's files */
static void push_inputs(lua_State *L, revl_store *s) {
  lua_newtable(L);
  if (!s) return;
  int k = 0;
  for (int i = 0, n = revl_store_count(s); i < n; i++) {
    revl_table *t = input_at(s, i);
    if (!t) continue;
    lua_createtable(L, 0, 4);
    lua_pushstring(L, t->name);
    lua_setfield(L, -2, "table");
    lua_pushstring(L, t->file);
    lua_setfield(L, -2, "file");
    lua_pushinteger(L, (lua_Integer)t->nrows);
    lua_setfield(L, -2, "rows");
    lua_rawseti(L, -2, ++k);
  }
}

/* C.input_files() -> {{table =, file =, rows =}} of the loaded data */
static int l_input_files(lua_State *L) {
  push_inputs(L, current_store(L));
  return 1;
}

/* C.sha256(path) -> hex digest or "unknown" */
static int l_sha256(lua_State *L) {
  push_sha256(L, luaL_checkstring(L, 1));
  return 1;
}

static void push_seed(lua_State *L, int opts) {
  if (lua_istable(L, opts)) {
    lua_getfield(L, opts, "seed");
    if (!lua_isnil(L, -1)) return;
    lua_pop(L, 1);
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.seeds");
  if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return;
  }
  if (lua_rawlen(L, -1) == 1) {
    lua_rawgeti(L, -1, 1);
    lua_remove(L, -2);
  }
}

/* Say once per run, on stderr, why the logs record commit "unknown"
 * (the log itself only holds the word). */
static void git_note(lua_State *L, const char *playbook, const char *why) {
  if (!why) return; /* nothing pushed: popping here took the caller's JSON buffer */
  if (lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.gitnote") != LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  lua_pushboolean(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.rules.gitnote");
  fflush(stdout);
  fprintf(stderr, "revl: %s: %s: decision logs record commit unknown\n", playbook, why);
}

/* revl.log(decisions, name [, {seed =}]) -> csv path, jsonl path, run.json path */
int lr_log(lua_State *L) {
  rframe *f = luaL_testudata(L, 1, RULES_FRAME);
  if (!f) luaL_checktype(L, 1, LUA_TTABLE);
  const char *name = luaL_checkstring(L, 2);
  if (!name[0] || strchr(name, '/') || strstr(name, ".."))
    return luaL_error(L, "revl.log: the log name '%s' must be a plain file name", name);
  lua_settop(L, 3);
  {
    char q1[4096], q2[4096], q3[4096], fa[4096], fb[4096], fc[4096];
    snprintf(q1, sizeof q1, "%s.csv", name);
    snprintf(q2, sizeof q2, "%s.jsonl", name);
    snprintf(q3, sizeof q3, "%s.run.json", name);
    if (revl_out_skip(L, q1, fa, sizeof fa) && revl_out_skip(L, q2, fb, sizeof fb) &&
        revl_out_skip(L, q3, fc, sizeof fc)) {
      lua_pushstring(L, fa); /* outputs discarded: no hashing, no rows, no git note */
      lua_pushstring(L, fb);
      lua_pushstring(L, fc);
      return 3;
    }
  }
  char playbook[4096], commit[64];
  const char *dirty, *why;
  playbook_path(L, playbook, sizeof playbook);
  if (revl_git_info(playbook, commit, sizeof commit, &dirty, &why))
    return luaL_error(L, "not enough memory"); /* not "no repository" */
  char as_of[16];
  revl_rt_state *rt = revl_rt_get(L);
  revl_format_date(rt ? rt->as_of : 0, as_of, sizeof as_of);
  revl_store *s = f ? f->t->store : current_store(L);
  /* the input files (4: their sha256 strings, 5: the array) */
  int ni = 0;
  int nall = s ? revl_store_count(s) : 0;
  for (int i = 0; i < nall; i++) ni += input_at(s, i) != NULL;
  lua_createtable(L, ni, 0);
  revl_run_input *in = lua_newuserdatauv(L, (size_t)(ni ? ni : 1) * sizeof *in, 0);
  ni = 0;
  for (int i = 0; i < nall; i++) {
    revl_table *t = input_at(s, i);
    if (!t) continue;
    push_sha256(L, t->file);
    in[ni].table = t->name;
    in[ni].file = t->file;
    in[ni].rows = t->nrows;
    in[ni].sha256 = lua_tostring(L, -1);
    lua_rawseti(L, 4, ++ni);
  }
  /* the seed (6) as JSON (7) */
  push_seed(L, 3);
  sbuf *sj = lr_sb_new(L);
  if (!lua_isnil(L, 6)) json_lua(L, 6, sj, 1);
  /* the run record (9): its id, then the JSON with the id */
  revl_run_record rec = {name, as_of, playbook, commit, dirty, REVL_VERSION,
                         lua_isnil(L, 6) ? NULL : lr_sb_text(L, sj), NULL, in, ni};
  char run_id[REVL_RUN_ID_LEN + 1];
  if (revl_run_id(&rec, run_id)) return luaL_error(L, "not enough memory");
  rec.run_id = run_id;
  sbuf *rj = lr_sb_new(L);
  revl_run_json(rj, &rec);
  git_note(L, playbook, why);
  /* the metadata once: the JSONL's first line and NAME.run.json; each
   * CSV row carries only the run_id that joins it to the sidecar */
  revl_logmeta meta;
  memset(&meta, 0, sizeof meta);
  meta.ncols = 1;
  meta.names[0] = "run_id";
  meta.vals[0] = run_id;
  meta.run_json = lr_sb_text(L, rj);
  char p1[4096], p2[4096], p3[4096], full1[4096], full2[4096], full3[4096];
  snprintf(p1, sizeof p1, "%s.csv", name);
  snprintf(p2, sizeof p2, "%s.jsonl", name);
  snprintf(p3, sizeof p3, "%s.run.json", name);
  /* the three files are written whole and flushed, and the paths
   * returned pushed, before any of them is renamed into place: an error
   * (not enough memory, a full disk) leaves none of them, not a log
   * without its sidecar */
  revl_csvw **w1, **w2, **w3;
  if (f) {
    w1 = lr_write_rframe(L, 1, f, p1, 0, &meta, full1, sizeof full1);
    w2 = lr_write_rframe(L, 1, f, p2, 1, &meta, full2, sizeof full2);
  } else {
    w1 = write_plain(L, 1, p1, 0, &meta, full1, sizeof full1);
    w2 = write_plain(L, 1, p2, 1, &meta, full2, sizeof full2);
  }
  w3 = lr_open_writer(L, p3, full3, sizeof full3);
  revl_csvw_raw(*w3, meta.run_json, strlen(meta.run_json));
  revl_csvw_raw(*w3, "\n", 1);
  revl_error err;
  if (revl_csvw_flush(*w1, &err) || revl_csvw_flush(*w2, &err) ||
      revl_csvw_flush(*w3, &err))
    return revl_raise(L, &err); /* the holders remove all three */
  lua_pushstring(L, full1);
  lua_pushstring(L, full2);
  lua_pushstring(L, full3);
  /* a rename that fails raises; the holders of the ones not renamed
   * yet still remove their temporary files */
  lr_commit_writer(L, w1);
  lr_commit_writer(L, w2);
  lr_commit_writer(L, w3);
  return 3;
}

/* C.run_meta() -> the run record a log would carry (for tests/docs) */
static int l_run_meta(lua_State *L) {
  char playbook[4096], commit[64];
  const char *dirty;
  playbook_path(L, playbook, sizeof playbook);
  if (revl_git_info(playbook, commit, sizeof commit, &dirty, NULL))
    return luaL_error(L, "not enough memory");
  lua_createtable(L, 0, 4);
  lua_pushstring(L, playbook);
  lua_setfield(L, -2, "playbook");
  lua_pushstring(L, commit);
  lua_setfield(L, -2, "commit");
  lua_pushstring(L, dirty);
  lua_setfield(L, -2, "dirty");
  return 1;
}

const luaL_Reg lr_log_funcs[] = {
    {"input_files", l_input_files}, {"sha256", l_sha256},
    {"run_meta", l_run_meta},       {NULL, NULL}};
