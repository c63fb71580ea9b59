/*
 * lrevl.c -- what every Lua binding shares and nothing else: the
 * runtime's per-state settings, the per-call budget counters, output
 * paths under --out, and the helpers the bindings of the rules engine,
 * part 2 (l_route.c, l_calendar.c, l_funnel.c) share: objects with a
 * keep table, criteria with Lua functions and their callback, small
 * pushers.
 *
 * Kept apart from runtime.c so that the bindings depend on this file
 * and runtime.c depends on the bindings it opens, never the other way
 * round (no circle between runtime.c and l_*.c).
 */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/route.h"

/* rules engine: a counter bumped per Lua call and a flag while inside
 * one; the runtime's watchdog (runtime.c) reads them */
volatile sig_atomic_t revl_call_seq, revl_in_call;

revl_rt_state *revl_rt_get(lua_State *L) {
  revl_rt_state *st = NULL;
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rt");
  st = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return st;
}

void revl_set_store(lua_State *L, revl_store *s) {
  revl_push_store(L, s);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.current");
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.tables");
}

int revl_raise(lua_State *L, const revl_error *err) {
  if (err->file[0] && err->line > 0) { /* a place in a file: that is the where */
    char buf[1400];
    revl_error_format(err, buf, sizeof buf);
    lua_pushstring(L, buf);
    return lua_error(L);
  }
  if (err->file[0]) return luaL_error(L, "%s: %s", err->file, err->msg);
  return luaL_error(L, "%s", err->msg);
}

revl_table *revl_need_table(lua_State *L, const revl_store *s, const char *name) {
  revl_error err;
  revl_table *t;
  if (revl_store_need(s, name, &t, &err)) revl_raise_load(L, &err);
  return t;
}

int revl_raise_load(lua_State *L, const revl_error *err) {
  char buf[1400];
  revl_error_format(err, buf, sizeof buf);
  lua_pushstring(L, buf);
  return lua_error(L);
}

/* The lexical checks of an output path (both modes). */
static void out_check(lua_State *L, const char *path, int allow_io) {
  if (allow_io) return;
  if (path[0] == '/')
    luaL_error(L, "output path '%s' must be relative to --out "
                  "(absolute paths need --allow-io)", path);
  for (const char *p = path; *p; p++)
    if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/') &&
        (p[2] == '/' || p[2] == '\0'))
      luaL_error(L, "output path '%s' may not leave --out (no '..')", path);
}

static const char *out_dir_of(revl_rt_state *st) {
  return st && st->out_dir ? st->out_dir : ".";
}

/* `--out -`: relative output paths go to standard output. */
static int to_stdout(revl_rt_state *st, const char *path) {
  return path[0] != '/' && strcmp(out_dir_of(st), "-") == 0;
}

int revl_out_path(lua_State *L, const char *path, char *buf, size_t n) {
  revl_rt_state *st = revl_rt_get(L);
  int allow_io = st && st->allow_io;
  out_check(L, path, allow_io);
  if (path[0] == '/') snprintf(buf, n, "%s", path);
  else snprintf(buf, n, "%s/%s", out_dir_of(st), path);
  if (!allow_io || to_stdout(st, path))
    return 0; /* revl_out_open creates what is missing */
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", buf);
  char *slash = strrchr(dir, '/');
  if (slash && slash != dir) {
    *slash = '\0';
    revl_error err;
    if (revl_mkdirs(dir, &err)) return luaL_error(L, "%s: %s", err.file, err.msg);
  }
  return 0;
}

/* A symlink refused under --out: a playbook may lift that with
 * --allow-io, so say so (the core's message ends in ")"). */
static void add_hint(revl_error *err) {
  size_t k = strlen(err->msg);
  if (strstr(err->msg, "symbolic link") && k > 0 &&
      k + 32 < sizeof err->msg && err->msg[k - 1] == ')')
    memcpy(err->msg + k - 1, "; --allow-io lifts this)", 25);
}

int revl_out_skip(lua_State *L, const char *path, char *full, size_t n) {
  revl_rt_state *st = revl_rt_get(L);
  if (!st || !st->discard) return 0;
  out_check(L, path, st->allow_io);
  if (path[0] == '/') snprintf(full, n, "%s", path);
  else snprintf(full, n, "%s/%s", out_dir_of(st), path);
  return 1;
}

revl_csvw *revl_out_open(lua_State *L, const char *path, char *full, size_t n,
                         revl_error *err) {
  revl_rt_state *st = revl_rt_get(L);
  if (st && st->discard) { /* a writer that writes nowhere */
    revl_out_skip(L, path, full, n);
    return revl_csvw_open_null(full, err);
  }
  revl_out_path(L, path, full, n);
  if (st && to_stdout(st, path)) {
    if (st->nstdout++ > 0) {
      revl_error_set(err, REVL_EIO, NULL, 0, 0,
                     "a second output '%s': with --out - the one output "
                     "goes to standard output (give --out DIR for more)",
                     path);
      return NULL;
    }
    return revl_csvw_open_stream(stdout, "<stdout>", st->stdout_json, err);
  }
  if (st && st->allow_io) return revl_csvw_open(full, err);
  revl_csvw *w = revl_csvw_open_in(out_dir_of(st), path, err);
  if (!w) add_hint(err);
  return w;
}

static int push_path(lua_State *L) {
  lua_pushstring(L, lua_touserdata(L, 1));
  return 1;
}

int revl_out_commit(lua_State *L, revl_csvw *w, const char *full) {
  /* a light C function and a light userdata allocate nothing; the
   * protected call catches the string's allocation */
  lua_pushcfunction(L, push_path);
  lua_pushlightuserdata(L, (void *)full);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    revl_csvw_abort(w);
    return lua_error(L);
  }
  revl_error err;
  if (revl_csvw_commit(w, &err)) return revl_raise(L, &err);
  return 1;
}

FILE *revl_out_read(lua_State *L, const char *path, char *full, size_t n) {
  revl_rt_state *st = revl_rt_get(L);
  revl_out_path(L, path, full, n);
  if (st && to_stdout(st, path))
    luaL_error(L, "cannot read '%s': there is no output directory "
                  "(--out - sends outputs to standard output)", path);
  if (st && st->allow_io) return fopen(full, "rb");
  revl_error err = {0};
  int dfd;
  const char *base;
  if (revl_out_dir_open(out_dir_of(st), path, &dfd, &base, &err)) {
    add_hint(&err);
    revl_raise(L, &err);
  }
  int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  int e = errno;
  close(dfd);
  if (fd < 0 && e == ELOOP)
    luaL_error(L, "output path '%s' is a symbolic link (outputs stay inside "
                  "--out; --allow-io lifts this)", path);
  FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
  if (fd >= 0 && !f) close(fd);
  return f;
}

/* ---- what the bindings of the rules engine, part 2 share (l_route.c,
 * l_calendar.c, l_funnel.c) ----------------------------------------- */

char *revl_xstrdup(lua_State *L, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (!d) luaL_error(L, "not enough memory");
  memcpy(d, s, n);
  return d;
}

void *revl_xalloc(lua_State *L, size_t n, size_t size) {
  void *p = revl_realloc_array(NULL, n ? n : 1, size);
  if (!p) luaL_error(L, "not enough memory");
  return p;
}

const char *revl_str_of(revl_table *t, int col, size_t row) {
  if (col < 0) return NULL;
  revl_column *c = t->cols[col];
  if (c->type != REVL_T_STRING || !revl_col_valid(c, row)) return NULL;
  return revl_intern_str(&t->store->strings, c->v.str[row]);
}

void revl_set_str(lua_State *L, int tbl, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, tbl, k);
}

void revl_set_int(lua_State *L, int tbl, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, tbl, k);
}

void revl_set_bool(lua_State *L, int tbl, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, tbl, k);
}

/* A time as a number of minutes: an integer when whole, else rounded to
 * the hundredth (the exact figure is in seconds). */
void revl_push_minutes(lua_State *L, int64_t secs) {
  int64_t whole;
  double frac;
  if (revl_minutes(secs, &whole, &frac)) lua_pushinteger(L, whole);
  else lua_pushnumber(L, frac);
}

/* The view's table, or an error naming what was expected. */
revl_table *revl_view_table(lua_State *L, int idx, const uint32_t **rows,
                              size_t *n) {
  revl_table *t;
  const uint32_t *r;
  size_t k;
  if (!luaL_testudata(L, idx, REVL_VIEW))
    luaL_error(L, "expected a table or view of records, got %s", luaL_typename(L, idx));
  revl_view_rows(L, idx, &t, &r, &k);
  if (rows) *rows = r;
  if (n) *n = k;
  return t;
}

/* ---- criteria with Lua functions ------------------------------------- */

/* Criteria share the store's compiler; functions land in our fns table. */
static revl_crit *compile(lua_State *L, int idx, revl_table *t, int fns) {
  luaL_checkstack(L, 8, "criteria nest too deeply");
  return revl_compile_crit_fns(L, idx, t, fns);
}

static int cb_func(void *ud, const revl_crit *c, size_t row) {
  revl_lcb *x = ud;
  lua_State *L = x->L;
  if (x->failed) return -1;
  lua_rawgeti(L, x->fns, c->ref);
  revl_view_push_row(L, x->view, row);
  revl_call_seq++;
  revl_in_call = 1;
  int st = lua_pcall(L, 1, 1, 0);
  revl_in_call = 0;
  if (st != LUA_OK) {
    x->failed = 1;
    if (st == LUA_ERRMEM) return -1;
    const char *msg = lua_tostring(L, -1);
    char buf[64];
    lua_pushfstring(L, "%s[%s]: %s", c->base->name, revl_row_key(c->base, row, buf, sizeof buf),
                    msg ? msg : "(error object)");
    return -1;
  }
  int r = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return r;
}

static int cb_match(void *ud, const revl_crit *c, const char *s, size_t n) {
  return revl_crit_match(((revl_lcb *)ud)->L, c, s, n);
}

/* Set up a crit context for objects whose uservalue table (at `keep`)
 * holds fns and base (a view of the base table). */
void revl_lcb_init(lua_State *L, int keep, revl_lcb *x, revl_crit_ctx *cc) {
  lua_getfield(L, keep, "fns");
  x->fns = lua_gettop(L);
  lua_getfield(L, keep, "base");
  x->view = lua_gettop(L);
  x->L = L;
  revl_rt_state *rt = revl_rt_get(L);
  cc->as_of = rt ? rt->as_of : 0;
  cc->call = cb_func;
  cc->match = cb_match;
  cc->ud = x;
  cc->failed = 0;
  x->failed = 0;
}

/* After a core evaluator returned rc: raise the callback's error, or
 * the core's. */
void revl_lcb_check(lua_State *L, int rc) {
  if (rc == REVL_ESCRIPT) lua_error(L); /* the error object is on top */
  if (rc == REVL_ENOMEM) luaL_error(L, "not enough memory");
}

/* New userdata with a keep table {fns = {}, base = view} as uservalue. */
void *revl_obj_new(lua_State *L, size_t size, const char *mt, int view) {
  view = lua_absindex(L, view);
  void *p = lua_newuserdatauv(L, size, 1);
  memset(p, 0, size);
  luaL_setmetatable(L, mt);
  lua_createtable(L, 0, 4);
  lua_newtable(L);
  lua_setfield(L, -2, "fns");
  lua_pushvalue(L, view);
  lua_setfield(L, -2, "base");
  lua_setiuservalue(L, -2, 1);
  return p;
}

/* Compile spec at idx for an object at obj (its keep table's fns). */
revl_crit *revl_obj_compile(lua_State *L, int obj, int idx, revl_table *t) {
  obj = lua_absindex(L, obj);
  idx = lua_absindex(L, idx);
  lua_getiuservalue(L, obj, 1);
  lua_getfield(L, -1, "fns");
  revl_crit *c = compile(L, idx, t, lua_gettop(L));
  lua_pop(L, 2);
  return c;
}

void revl_obj_keep(lua_State *L, int obj, const char *k, int v) {
  obj = lua_absindex(L, obj);
  v = lua_absindex(L, v);
  lua_getiuservalue(L, obj, 1);
  lua_pushvalue(L, v);
  lua_setfield(L, -2, k);
  lua_pop(L, 1);
}

uint32_t revl_intern_value(lua_State *L, revl_table *t, const char *s, size_t n) {
  uint32_t id = revl_intern_find(&t->store->strings, s, n);
  if (!id) id = revl_intern_add(&t->store->strings, s, n);
  if (!id) luaL_error(L, "not enough memory");
  return id;
}

int revl_l_warn(lua_State *L) {
  const char *msg = luaL_checkstring(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.warned");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "revl.warned");
  }
  if (lua_getfield(L, -1, msg) == LUA_TNIL) {
    fprintf(stderr, "revl: %s\n", msg);
    lua_pushboolean(L, 1);
    lua_setfield(L, -3, msg);
  }
  return 0;
}

int revl_l_caller_at(lua_State *L) {
  const char *skip = luaL_optstring(L, 1, "lua/");
  size_t k = strlen(skip);
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) continue; /* C */
    if (strncmp(ar.short_src, skip, k) == 0) continue;
    lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
    return 1;
  }
  lua_pushliteral(L, "?");
  return 1;
}
