/*
 * l_fixture.c -- revl.fixture{TABLE = {record, ...}, ...}: a store built
 * from records written inline in a test, typed by the CSV ingest itself.
 *
 * The records are written as CSV files into a private temporary
 * directory and loaded with revl_load_dir in strict mode, so a fixture
 * gets exactly the types, nulls, stage classes and references an export
 * with the same values would get; then the directory is removed.  Load
 * errors are translated back from file:line:col to table, record and
 * field.  A well-known table (accounts, deals ...) gets every canonical
 * column, empty where a record has no value.  The new store replaces
 * the current one (revl.accounts ...).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/ingest.h"
#include "revl/parse.h"

#define MAXCOLS 256

typedef struct fixture_dir {
  char path[512];
  int made;
} fixture_dir;

static void dir_remove(fixture_dir *d) {
  if (!d->made) return;
  DIR *dp = opendir(d->path);
  if (dp) {
    struct dirent *e;
    char p[1024];
    while ((e = readdir(dp)) != NULL) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
      unlink(p);
    }
    closedir(dp);
  }
  rmdir(d->path);
  d->made = 0;
}

/* __gc of the directory holder: an error anywhere below removes it */
static int dir_gc(lua_State *L) {
  dir_remove(lua_touserdata(L, 1));
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The text of the value at idx as a CSV export would hold it; raises for
 * values an export cannot hold. */
static const char *cell(lua_State *L, int idx, const char *tname, int rec,
                        const char *field, char *buf, size_t n, size_t *len) {
  revl_money_ud *m;
  switch (lua_type(L, idx)) {
  case LUA_TBOOLEAN:
    *len = lua_toboolean(L, idx) ? 4 : 5;
    return lua_toboolean(L, idx) ? "true" : "false";
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx))
      snprintf(buf, n, "%lld", (long long)lua_tointeger(L, idx));
    else
      snprintf(buf, n, "%.17g", lua_tonumber(L, idx));
    *len = strlen(buf);
    return buf;
  case LUA_TSTRING: return lua_tolstring(L, idx, len);
  case LUA_TUSERDATA:
    if ((m = revl_test_money(L, idx))) {
      char a[64];
      revl_format_money(m->minor, revl_currency_decimals(m->cur), 0, a,
                        sizeof a);
      snprintf(buf, n, "%s %s", m->cur, a);
      *len = strlen(buf);
      return buf;
    }
    if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
      lua_pop(L, 1);
      const char *s = luaL_tolstring(L, idx, len); /* dates, datetimes */
      snprintf(buf, n, "%s", s);
      lua_pop(L, 1);
      *len = strlen(buf);
      return buf;
    }
    break;
  default: break;
  }
  luaL_error(L, "revl.fixture: %s record %d, field '%s': a %s is not a value "
                "a CSV export can hold",
             tname, rec, field, luaL_typename(L, idx));
  return NULL;
}

/* Write the records of the list at idx as dir/<tname>.csv; the column
 * names go to cols (id first, then the others sorted). */
static void write_table(lua_State *L, int idx, const char *tname,
                        const char *dir, const char **cols, int *ncols) {
  if (!lua_istable(L, idx))
    luaL_error(L, "revl.fixture: '%s' must be a list of records, not %s",
               tname, luaL_typename(L, idx));
  lua_Integer nrec = (lua_Integer)lua_rawlen(L, idx);
  int nc = 0;
  for (lua_Integer i = 1; i <= nrec; i++) {
    if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
      luaL_error(L, "revl.fixture: %s record %d must be a table "
                    "{field = value, ...}, not %s",
                 tname, (int)i, luaL_typename(L, -1));
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "revl.fixture: %s record %d: field names must be "
                      "strings, not %s",
                   tname, (int)i, luaL_typename(L, -1));
      const char *k = lua_tostring(L, -1);
      int seen = 0;
      for (int c = 0; c < nc && !seen; c++) seen = !strcmp(cols[c], k);
      if (!seen) {
        if (nc == MAXCOLS)
          luaL_error(L, "revl.fixture: %s has more than %d fields", tname,
                     MAXCOLS);
        cols[nc++] = k; /* kept alive by the record table */
      }
    }
    lua_pop(L, 1);
  }
  /* a well-known table gets every canonical field, as an export has its
   * columns even where a record leaves them empty */
  const revl_table_def *def = revl_table_def_find(tname);
  for (int f = 0; def && f < def->nfields; f++) {
    /* the ingest derives these from the stage when the file lacks them */
    if (!strcmp(tname, "deals") && (!strcmp(def->fields[f].name, "is_closed") ||
                                    !strcmp(def->fields[f].name, "is_won")))
      continue;
    int seen = 0;
    for (int c = 0; c < nc && !seen; c++) seen = !strcmp(cols[c], def->fields[f].name);
    if (!seen && nc < MAXCOLS) cols[nc++] = def->fields[f].name;
  }
  int first = 0;
  for (int c = 0; c < nc; c++)
    if (!strcmp(cols[c], "id")) {
      const char *t = cols[0];
      cols[0] = cols[c];
      cols[c] = t;
      first = 1;
    }
  qsort(cols + first, (size_t)(nc - first), sizeof *cols, cmp_str);
  *ncols = nc;
  if (nc == 0) luaL_error(L, "revl.fixture: '%s' has no fields", tname);

  char path[1024];
  snprintf(path, sizeof path, "%s/%s.csv", dir, tname);
  revl_error err = {0};
  /* the anchor before the writer (making it can raise): an error below
   * aborts the writer */
  revl_csvw **wp = lua_newuserdatauv(L, sizeof *wp, 0);
  *wp = NULL;
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.csvw_mt");
  lua_setmetatable(L, -2);
  revl_csvw *w = revl_csvw_open(path, &err);
  if (!w) revl_raise(L, &err);
  *wp = w;
  for (int c = 0; c < nc; c++) revl_csvw_str(w, cols[c]);
  revl_csvw_end(w);
  char buf[128];
  for (lua_Integer i = 1; i <= nrec; i++) {
    lua_rawgeti(L, idx, i);
    for (int c = 0; c < nc; c++) {
      size_t len = 0;
      const char *s = "";
      if (lua_getfield(L, -1, cols[c]) != LUA_TNIL)
        s = cell(L, lua_gettop(L), tname, (int)i, cols[c], buf, sizeof buf,
                 &len);
      revl_csvw_field(w, s, len);
      lua_pop(L, 1);
    }
    revl_csvw_end(w);
    lua_pop(L, 1);
  }
  *wp = NULL;
  if (revl_csvw_commit(w, &err)) revl_raise(L, &err);
  lua_pop(L, 1);
}

/* revl.fixture{accounts = {{id = "A1", ...}, ...}, deals = {...}} */
static int l_fixture(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  /* the table names, sorted: files and errors in a stable order */
  const char *names[64];
  int nt = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "revl.fixture: table names must be strings, not %s",
                        luaL_typename(L, -1));
    if (nt == 64) return luaL_error(L, "revl.fixture: more than 64 tables");
    names[nt++] = lua_tostring(L, -1);
  }
  if (nt == 0) return luaL_error(L, "revl.fixture: no tables given");
  qsort(names, (size_t)nt, sizeof *names, cmp_str);
  for (int i = 0; i < nt; i++) {
    const char *n = names[i];
    if (!*n || strchr(n, '/') || n[0] == '.')
      return luaL_error(L, "revl.fixture: '%s' is not a table name", n);
  }

  fixture_dir *d = lua_newuserdatauv(L, sizeof *d, 0); /* 2 */
  memset(d, 0, sizeof *d);
  lua_newtable(L);
  lua_pushcfunction(L, dir_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  const char *tmp = getenv("TMPDIR");
  snprintf(d->path, sizeof d->path, "%s/revl-fixture-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(d->path))
    return luaL_error(L, "revl.fixture: cannot create a temporary directory "
                         "in %s", tmp && *tmp ? tmp : "/tmp");
  d->made = 1;

  static const char *cols[64][MAXCOLS];
  static int ncols[64];
  for (int i = 0; i < nt; i++) {
    lua_getfield(L, 1, names[i]);
    write_table(L, lua_gettop(L), names[i], d->path, cols[i], &ncols[i]);
    lua_pop(L, 1);
  }

  revl_store *s = revl_store_new();
  if (!s) return luaL_error(L, "not enough memory");
  /* a fixture lives in a fresh temporary directory: no snapshot of it
   * would ever be used again */
  revl_load_opts lo = {.data_dir = d->path, .strict = 1, .quiet = 1,
                       .no_cache = 1};
  revl_rt_state *rst = revl_rt_get(L); /* the run's as-of, for expand */
  if (rst) {
    lo.has_as_of = 1;
    lo.as_of = rst->as_of;
  }
  revl_error err = {0};
  int rc = revl_load_dir(s, &lo, &err);
  if (rc) {
    revl_store_free(s);
    /* FILE:LINE:COL of a temporary file -> table, record, field */
    const char *base = strrchr(err.file, '/');
    base = base ? base + 1 : err.file;
    char tname[512];
    snprintf(tname, sizeof tname, "%s", base);
    char *dot = strstr(tname, ".csv");
    if (dot) *dot = '\0';
    int ti = -1;
    for (int i = 0; i < nt; i++)
      if (!strcmp(names[i], tname)) ti = i;
    char where[512] = "";
    if (ti >= 0 && err.line > 1) {
      int n = snprintf(where, sizeof where, "%s record %ld", tname,
                       err.line - 1);
      if (err.col >= 1 && err.col <= ncols[ti] && n > 0)
        snprintf(where + n, sizeof where - (size_t)n, ", field '%s'",
                 cols[ti][err.col - 1]);
    } else if (ti >= 0) {
      snprintf(where, sizeof where, "%s", tname);
    }
    /* the message may repeat the temporary path: drop it */
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", err.msg);
    char *p;
    while ((p = strstr(msg, d->path)) != NULL) {
      size_t k = strlen(d->path) + 1;
      memmove(p, p + k, strlen(p + k) + 1);
    }
    dir_remove(d);
    if (*where)
      return luaL_error(L, "revl.fixture: %s: %s", where, msg);
    return luaL_error(L, "revl.fixture: %s", msg);
  }
  dir_remove(d);
  revl_set_store(L, s);
  lua_pushboolean(L, 1);
  return 1;
}

void revl_open_fixture(lua_State *L) {
  lua_pushcfunction(L, l_fixture);
  lua_setfield(L, -2, "fixture");
}
