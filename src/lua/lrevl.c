/*
 * lrevl.c -- what every Lua binding shares and nothing else: the
 * runtime's per-state settings, the per-call budget counters and output
 * paths under --out.
 *
 * Kept apart from runtime.c so that the bindings depend on this file
 * and runtime.c depends on the bindings it opens, never the other way
 * round (no circle between runtime.c and l_*.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lrevl.h"
#include "revl/csvw.h"

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
  if (err->file[0]) return luaL_error(L, "%s: %s", err->file, err->msg);
  return luaL_error(L, "%s", err->msg);
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

revl_csvw *revl_out_open(lua_State *L, const char *path, char *full, size_t n,
                         revl_error *err) {
  revl_rt_state *st = revl_rt_get(L);
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
