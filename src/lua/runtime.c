/*
 * runtime.c -- the sandboxed Lua state behind `revl run` and `revl repl`.
 *
 * Limits follow lua.c and Redis: no hook runs while a playbook is within
 * its budget.  A 10 ms interval timer (SIGALRM) counts ticks; when the
 * run's deadline passes, or one Lua rule call has not returned within
 * its budget, the signal handler installs a count hook that raises
 * "time limit exceeded" at the next instruction and keeps raising it, so
 * a pcall in the playbook cannot swallow it.  Memory is capped by a
 * counting allocator.
 */
#include "revl/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <limits.h>
#include <pthread.h>
#include <lua.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/ingest.h"
#include "revl/parse.h"

typedef struct { const char *name; const char *data; size_t len; } revl_embedded;
extern const revl_embedded revl_embedded_files[];

struct revl_rt {
  lua_State *L;
  revl_rt_opts o;
  revl_rt_state st;       /* also reachable from Lua (registry) */
  size_t mem_used, mem_limit;
  int mem_hit;
  int gc_mem;             /* a __gc finalizer ran out of memory */
  int status;             /* exit status asked for by failed checks */
  char out_dir[4096];
  char playbook_dir[4096];
  char rules_dirs[2][4096];
};

/* ---- limits ------------------------------------------------------------ */

static volatile sig_atomic_t tick_count, kill_reason;
static volatile sig_atomic_t deadline_ticks; /* 0 = none */
static volatile sig_atomic_t budget_ticks;
static lua_State *volatile watched;
/* revl_call_seq, revl_in_call: the rules engine's call counters (lrevl.c) */
static sig_atomic_t last_seq, stuck;
/* The per-call budget counts the CPU time of the thread that runs Lua
 * (a busy machine does not stop a call that is well inside it); the
 * ticks of the wall-clock timer only when that clock is unavailable. */
static clockid_t call_clock;
static volatile sig_atomic_t have_call_clock;
static int64_t call_t0, budget_ns;

static int64_t call_cpu_ns(void) {
  struct timespec ts;
  if (clock_gettime(call_clock, &ts) != 0) return 0;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

enum { KILL_NONE, KILL_TIMEOUT, KILL_BUDGET, KILL_INTERRUPT };

static void limit_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  const char *why = kill_reason == KILL_INTERRUPT ? "interrupted"
                                                  : "time limit exceeded";
  lua_Debug d;
  /* raise only in Lua code: a C function (the message handler, a C
   * method) finishes, and the next Lua instruction raises */
  if (!lua_getstack(L, 0, &d) || !lua_getinfo(L, "Sl", &d) ||
      d.currentline <= 0)
    return;
  if (kill_reason == KILL_INTERRUPT) {
    /* the REPL survives an interrupt: raise once */
    lua_sethook(L, NULL, 0, 0);
    kill_reason = KILL_NONE;
  }
  luaL_error(L, "%s:%d: %s", d.short_src, d.currentline, why);
}

static volatile sig_atomic_t kill_tick; /* tick_count when a limit hit */

static void on_alarm(int sig) {
  (void)sig;
  tick_count++;
  lua_State *L = watched;
  if (!L) return;
  if (kill_reason == KILL_TIMEOUT || kill_reason == KILL_BUDGET) {
    /* the hook raises at the next Lua instruction; code that runs no
     * hook (a C loop) still ends 2 s later */
    if (tick_count - kill_tick > 200) {
      static const char m[] = "revl: time limit exceeded (still running 2 s later)\n";
      ssize_t w = write(2, m, sizeof m - 1);
      (void)w;
      _exit(REVL_EXIT_SCRIPT);
    }
    return;
  }
  if (kill_reason) return;
  if (deadline_ticks && tick_count >= deadline_ticks) kill_reason = KILL_TIMEOUT;
  if (revl_in_call) {
    if (revl_call_seq == last_seq) {
      if (have_call_clock ? call_cpu_ns() - call_t0 >= budget_ns
                          : ++stuck >= budget_ticks)
        kill_reason = KILL_BUDGET;
    } else {
      last_seq = revl_call_seq;
      stuck = 0;
      if (have_call_clock) call_t0 = call_cpu_ns();
    }
  }
  if (kill_reason) {
    kill_tick = tick_count;
    lua_sethook(L, limit_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
  }
}

static void start_watchdog(revl_rt *rt) {
  watched = rt->L;
  tick_count = 0;
  kill_reason = KILL_NONE;
  deadline_ticks = rt->o.timeout > 0 ? (sig_atomic_t)(rt->o.timeout * 100 + 0.5) : 0;
  if (rt->o.timeout > 0 && deadline_ticks < 1) deadline_ticks = 1;
  double b = rt->o.call_budget > 0 ? rt->o.call_budget : 1.0;
  budget_ticks = (sig_atomic_t)(b * 100 + 0.5);
  if (budget_ticks < 1) budget_ticks = 1;
  budget_ns = (int64_t)(b * 1e9);
  have_call_clock = pthread_getcpuclockid(pthread_self(), &call_clock) == 0;
  if (have_call_clock) call_t0 = call_cpu_ns();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static void stop_watchdog(void) {
  struct itimerval it = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &it, NULL);
  watched = NULL;
}

void revl_rt_interrupt(revl_rt *rt) {
  if (!rt || !rt->L) return;
  kill_reason = KILL_INTERRUPT;
  lua_State *L = watched;
  lua_sethook(L ? L : rt->L, limit_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* ---- every thread under the limits --------------------------------------
 *
 * A hook belongs to one lua_State, and the signal handler arms the thread
 * in `watched`.  So every way a playbook runs code on another thread goes
 * through here: coroutine.resume and coroutine.wrap make the resumed
 * thread the watched one while it runs, and __gc finalizers (which Lua
 * runs with hooks disabled on the collecting thread) run on a thread of
 * their own. */

static revl_rt *rt_of(lua_State *L);

static void arm(lua_State *L) {
  if (kill_reason)
    lua_sethook(L, limit_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Call the function below the `nargs` arguments on L's stack while thread
 * `co` is the watched one; re-arm L afterwards if a limit hit meanwhile. */
static int call_watching(lua_State *L, lua_State *co, int nargs) {
  lua_State *prev = watched;
  if (prev) {
    watched = co;
    arm(co);
  }
  int st = lua_pcall(L, nargs, LUA_MULTRET, 0);
  if (prev) watched = prev;
  arm(L);
  return st;
}

/* coroutine.resume: upvalue 1 is Lua's */
static int co_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  if (call_watching(L, co ? co : L, n) != LUA_OK) return lua_error(L);
  return lua_gettop(L);
}

/* the function coroutine.wrap returns: upvalues Lua's wrapper, its thread */
static int co_wrapped(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(2));
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  if (call_watching(L, co ? co : L, n) != LUA_OK) return lua_error(L);
  return lua_gettop(L);
}

/* coroutine.wrap: upvalue 1 is Lua's */
static int co_wrap(lua_State *L) {
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  /* Lua's wrapper keeps its thread as its only upvalue */
  if (!lua_getupvalue(L, 1, 1) || !lua_isthread(L, -1)) {
    lua_settop(L, 1);
    return 1;
  }
  lua_pushcclosure(L, co_wrapped, 2);
  return 1;
}

/* a finalizer: upvalue 1 is the playbook's __gc function */
static int gc_guard(lua_State *L) {
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 2);
  lua_State *prev = watched;
  if (prev) watched = co;
  arm(co);
  /* each finalizer is one call under the per-call budget */
  sig_atomic_t in_call = revl_in_call;
  revl_call_seq++;
  revl_in_call = 1;
  int nres = 0;
  int st = lua_resume(co, L, 1, &nres);
  revl_in_call = in_call;
  revl_call_seq++;
  if (prev) watched = prev;
  arm(L);
  if (st != LUA_OK && st != LUA_YIELD) {
    /* Lua turns a finalizer's error into a warning; the run still fails
     * when it was the memory limit */
    if (st == LUA_ERRMEM) rt_of(L)->gc_mem = 1;
    lua_xmove(co, L, 1);
    return lua_error(L);
  }
  return 0;
}

/* setmetatable: upvalue 1 is Lua's; a __gc function runs under gc_guard */
static int safe_setmetatable(lua_State *L) {
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "__gc");
    if (lua_isfunction(L, -1) && lua_tocfunction(L, -1) != gc_guard) {
      lua_pushcclosure(L, gc_guard, 1);
      lua_setfield(L, 2, "__gc");
    } else {
      lua_pop(L, 1);
    }
  }
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

static void guard_threads(lua_State *L) {
  lua_getglobal(L, "coroutine");
  lua_getfield(L, -1, "resume");
  lua_pushcclosure(L, co_resume, 1);
  lua_setfield(L, -2, "resume");
  lua_getfield(L, -1, "wrap");
  lua_pushcclosure(L, co_wrap, 1);
  lua_setfield(L, -2, "wrap");
  lua_pop(L, 1);
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, safe_setmetatable, 1);
  lua_setglobal(L, "setmetatable");
}

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  revl_rt *rt = ud;
  if (!ptr) osize = 0;
  if (nsize == 0) {
    free(ptr);
    rt->mem_used -= osize;
    return NULL;
  }
  if (rt->mem_limit && nsize > osize &&
      rt->mem_used + (nsize - osize) > rt->mem_limit) {
    rt->mem_hit = 1;
    return NULL;
  }
  void *p = realloc(ptr, nsize);
  if (p) rt->mem_used = rt->mem_used - osize + nsize;
  return p;
}

/* " (--max-memory N MB)" when the cap refused an allocation, else "": the
 * system ran out. */
static const char *mem_cap(revl_rt *rt) {
  static char b[48];
  if (!rt->mem_limit || !rt->mem_hit) return "";
  snprintf(b, sizeof b, " (--max-memory %zu MB)", rt->mem_limit / (1024 * 1024));
  return b;
}

/* ---- registry helpers ------------------------------------------------- */

static revl_rt *rt_of(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

/* ---- the revl module ----------------------------------------------------- */

/* revl.<table>: a view of the current store's table, cached per load */
static int revl_module_index(lua_State *L) {
  const char *k = lua_tostring(L, 2);
  if (!k) return 0;
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.tables");
  if (lua_getfield(L, -1, k) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  if (lua_isnil(L, -1)) return 0;
  revl_store *s = *(revl_store **)lua_touserdata(L, -1);
  revl_table *t = revl_need_table(L, s, k);
  if (!t) return 0;
  revl_push_table(L, lua_gettop(L), t);
  lua_pushvalue(L, -1);
  lua_setfield(L, -4, k);
  return 1;
}


static int set_store_p(lua_State *L) {
  revl_set_store(L, lua_touserdata(L, 1));
  return 0;
}

/* Load dir (may be NULL) and the --table files as the current store. */
static int load_store(lua_State *L, const char *dir, const char *map,
                      int strict, const revl_rt_opts *o, revl_error *err) {
  revl_store *s = revl_store_new();
  if (!s) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  /* opened, not parsed: each table loads when the playbook first uses
   * it (--strict checks the whole directory up front); the run's as-of:
   * an expand = {...} runs open subscriptions through its month */
  revl_load_opts lo = {.data_dir = dir, .map_file = map, .strict = strict,
                       .out_dir = o ? o->out_dir : NULL, .tables = o ? o->tables : NULL,
                       .ntables = o ? o->ntables : 0, .lazy = !strict, .has_as_of = 1,
                       .as_of = rt_of(L)->st.as_of};
  int rc = revl_load_dir(s, &lo, err);
  if (rc) {
    revl_store_free(s);
    return rc;
  }
  /* protected: revl_rt_new calls this outside any Lua call */
  lua_pushcfunction(L, set_store_p);
  lua_pushlightuserdata(L, s);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) { /* s is freed */
    lua_pop(L, 1);
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  }
  return 0;
}

/* revl.load{data = DIR, map = FILE, strict = bool} or revl.load(DIR) */
static int l_load(lua_State *L) {
  const char *dir, *map = NULL;
  int strict = 0;
  if (lua_istable(L, 1)) {
    lua_getfield(L, 1, "data");
    dir = luaL_checkstring(L, -1);
    lua_getfield(L, 1, "map");
    map = luaL_optstring(L, -1, NULL);
    lua_getfield(L, 1, "strict");
    strict = lua_toboolean(L, -1);
  } else {
    dir = luaL_checkstring(L, 1);
  }
  revl_error err;
  if (load_store(L, dir, map, strict, NULL, &err)) {
    char buf[2048];
    revl_error_format(&err, buf, sizeof buf);
    lua_pushnil(L);
    lua_pushstring(L, buf);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static int l_tables(lua_State *L) {
  lua_newtable(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  if (lua_isnil(L, -1)) return lua_pop(L, 1), 1;
  revl_store **sp = lua_touserdata(L, -1);
  /* every table of the directory, whether it has loaded yet or not */
  for (int i = 0, n = revl_store_count(*sp); i < n; i++) {
    lua_pushstring(L, revl_store_name(*sp, i));
    lua_rawseti(L, -3, i + 1);
  }
  lua_pop(L, 1);
  return 1;
}

/* internals.loaded(name) -> rows, columns of the current store's table
 * when it has loaded; nil, file when it has not (it loads on first use);
 * nothing for a name the store does not have.  Never loads. */
static int l_loaded(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  revl_store **sp = lua_isuserdata(L, -1) ? lua_touserdata(L, -1) : NULL;
  if (!sp || !*sp) return 0;
  revl_table *t = revl_store_loaded(*sp, name);
  if (t) {
    lua_pushinteger(L, (lua_Integer)t->nrows);
    lua_pushinteger(L, t->ncols);
    return 2;
  }
  for (int i = 0, n = revl_store_count(*sp); i < n; i++)
    if (strcmp(revl_store_name(*sp, i), name) == 0) {
      lua_pushnil(L);
      lua_pushboolean(L, 1);
      return 2;
    }
  return 0;
}

/* internals.near_hint(name, list): " (did you mean 'x'?)" when one of
 * the strings of list is a likely typo of name, else "" (revl_near). */
static int l_near_hint(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  revl_near n;
  revl_near_init(&n, name);
  lua_Integer len = (lua_Integer)lua_rawlen(L, 2);
  for (lua_Integer i = 1; i <= len; i++) {
    lua_rawgeti(L, 2, i);
    if (lua_type(L, -1) == LUA_TSTRING) revl_near_add(&n, lua_tostring(L, -1));
    lua_pop(L, 1); /* the strings stay alive in list */
  }
  char buf[256];
  lua_pushstring(L, revl_near_hint(&n, buf, sizeof buf));
  return 1;
}

/* revl._fail(): a check failed; the run exits 1 */
static int l_fail(lua_State *L) {
  rt_of(L)->status = REVL_EXIT_FAIL;
  return 0;
}

static int l_out_dir(lua_State *L) {
  lua_pushstring(L, rt_of(L)->out_dir);
  return 1;
}

static const luaL_Reg revl_funcs[] = {
    {"load", l_load},           {"tables", l_tables},
    {"write_csv", revl_l_write_csv}, {"write_jsonl", revl_l_write_jsonl},
    {"_fail", l_fail},          {"out_dir", l_out_dir},
    {NULL, NULL}};

/* ---- sandbox ------------------------------------------------------------ */

/* load(chunk [, name [, mode [, env]]]) restricted to text chunks */
static int safe_load(lua_State *L) {
  int envidx = lua_isnone(L, 4) ? 0 : 4;
  const char *mode = luaL_optstring(L, 3, "t");
  if (strchr(mode, 'b')) return luaL_error(L, "binary chunks are not allowed");
  int st;
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    if (n && s[0] == LUA_SIGNATURE[0]) {
      lua_pushnil(L);
      lua_pushliteral(L, "binary chunks are not allowed");
      return 2;
    }
    st = luaL_loadbufferx(L, s, n, luaL_optstring(L, 2, s), "t");
  } else {
    return luaL_error(L, "load takes a string in revl playbooks");
  }
  if (st != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (envidx) {
    lua_pushvalue(L, envidx);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

static int searcher_text(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  revl_rt *rt = rt_of(L);
  char rel[1024];
  snprintf(rel, sizeof rel, "%s", name);
  for (char *p = rel; *p; p++)
    if (*p == '.') *p = '/';
  const char *dirs[8];
  int nd = 0;
  if (rt->playbook_dir[0]) dirs[nd++] = rt->playbook_dir;
  for (int i = 0; i < 2; i++)
    if (rt->rules_dirs[i][0]) dirs[nd++] = rt->rules_dirs[i];
  luaL_Buffer tried;
  luaL_buffinit(L, &tried);
  char path[4200];
  const char *env = getenv("REVL_PATH");
  char envcopy[4096] = "";
  if (env) snprintf(envcopy, sizeof envcopy, "%s", env);
  char *save = NULL;
  for (char *tok = strtok_r(envcopy, ":", &save); tok && nd < 8; tok = strtok_r(NULL, ":", &save))
    dirs[nd++] = tok;
  for (int i = 0; i < nd; i++) {
    for (int form = 0; form < 2; form++) {
      snprintf(path, sizeof path, form ? "%s/%s/init.lua" : "%s/%s.lua", dirs[i], rel);
      FILE *f = fopen(path, "r");
      if (!f) {
        luaL_addstring(&tried, "\n\tno file '");
        luaL_addstring(&tried, path);
        luaL_addstring(&tried, "'");
        continue;
      }
      fclose(f);
      if (luaL_loadfilex(L, path, "t") != LUA_OK)
        return luaL_error(L, "error loading module '%s' from '%s':\n\t%s", name,
                          path, lua_tostring(L, -1));
      lua_pushstring(L, path);
      return 2;
    }
  }
  luaL_pushresult(&tried);
  return 1;
}

static void remove_field(lua_State *L, const char *lib, const char *field) {
  if (lua_getglobal(L, lib) == LUA_TTABLE) {
    lua_pushnil(L);
    lua_setfield(L, -2, field);
  }
  lua_pop(L, 1);
}

static void sandbox(lua_State *L, int allow_io) {
  lua_pushnil(L);
  lua_setglobal(L, "dofile");
  lua_pushnil(L);
  lua_setglobal(L, "loadfile");
  lua_pushcfunction(L, safe_load);
  lua_setglobal(L, "load");
  remove_field(L, "string", "dump");
  guard_threads(L);
  /* the string metatable is shared by every string: lock it */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  /* require: preloaded and text modules only */
  lua_getglobal(L, "package");
  lua_createtable(L, 2, 0);
  lua_getfield(L, -2, "searchers");
  lua_rawgeti(L, -1, 1); /* the preload searcher */
  lua_rawseti(L, -3, 1);
  lua_pop(L, 1);
  lua_pushcfunction(L, searcher_text);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, -2, "searchers");
  if (!allow_io) {
    lua_pushnil(L);
    lua_setfield(L, -2, "loadlib");
    lua_pushnil(L);
    lua_setfield(L, -2, "searchpath");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
  }
  lua_pop(L, 1);
  if (!allow_io) {
    /* os: time/date/clock only -- and os.time() needs an argument:
     * nothing reads the clock implicitly */
    lua_getglobal(L, "os");
    lua_createtable(L, 0, 3);
    const char *keep[] = {"time", "date", "clock", "difftime"};
    for (int i = 0; i < 4; i++) {
      lua_getfield(L, -2, keep[i]);
      lua_setfield(L, -2, keep[i]);
    }
    lua_setglobal(L, "os");
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_setglobal(L, "io");
    lua_pushnil(L);
    lua_setglobal(L, "debug");
  }
}

/* ---- state ---------------------------------------------------------------- */

/* msg carries the error of a table that failed to load on first use
 * (raised by whichever binding asked for it, under its own prefix): a
 * data error, pushed as the load reports it, FILE:LINE:COL and no
 * traceback.  1 when pushed. */
static int is_load_error(lua_State *L, const char *msg) {
  revl_error e;
  char buf[1400];
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  revl_store **sp = lua_isuserdata(L, -1) ? lua_touserdata(L, -1) : NULL;
  lua_pop(L, 1);
  if (!sp || !*sp || !revl_store_failed(*sp, &e) || !strstr(msg, e.msg)) return 0;
  revl_error_format(&e, buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int msgh(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  if (strstr(msg, "stack traceback:") || is_load_error(L, msg)) return 1;
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static void exe_dir(char *buf, size_t n) {
  ssize_t k = readlink("/proc/self/exe", buf, n - 1);
  if (k <= 0) {
    buf[0] = '\0';
    return;
  }
  buf[k] = '\0';
  char *s = strrchr(buf, '/');
  if (s) *s = '\0';
}

static int open_runtime(lua_State *L) {
  revl_rt *rt = lua_touserdata(L, 1);
  luaL_openlibs(L);
  /* the rules engines match patterns with this string.find, whatever a
   * playbook later does to the string table */
  lua_getglobal(L, "string");
  lua_getfield(L, -1, "find");
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.string_find");
  lua_pop(L, 1);
  sandbox(L, rt->o.allow_io);
  lua_pushlightuserdata(L, &rt->st);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.rt");
  revl_open_write(L);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.tables");
  /* the module */
  lua_newtable(L);
  int m = lua_gettop(L);
  luaL_setfuncs(L, revl_funcs, 0);
  revl_open_fixture(L);
  luaopen_revl_value(L);
  luaopen_revl_store(L);
  luaopen_revl_frame(L);
  luaopen_revl_rules(L);
  luaopen_revl_route(L);
  luaopen_revl_metrics(L);
  revl_open_print(L);
  revl_open_report(L);
  revl_push_date(L, rt->st.as_of);
  lua_setfield(L, m, "as_of");
  lua_pushstring(L, REVL_VERSION);
  lua_setfield(L, m, "version");
  lua_pushinteger(L, rt->st.fiscal_start);
  lua_setfield(L, m, "fiscal_start");
  lua_newtable(L);
  for (int i = 0; i < rt->o.nparams; i++) {
    const char *kv = rt->o.params[i];
    const char *eq = strchr(kv, '=');
    lua_pushlstring(L, kv, (size_t)(eq - kv));
    lua_pushstring(L, eq + 1);
    lua_settable(L, -3);
  }
  lua_setfield(L, m, "params");
  lua_newtable(L);
  lua_pushcfunction(L, revl_module_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, m);
  lua_pushvalue(L, m);
  lua_setglobal(L, "revl");
  /* package.loaded.revl so require("revl") works */
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "loaded");
  lua_pushvalue(L, m);
  lua_setfield(L, -2, "revl");
  lua_pop(L, 2);
  /* the Lua parts, in file order; each gets (revl, internals) */
  lua_newtable(L);
  int internals = lua_gettop(L);
  lua_pushcfunction(L, l_near_hint);
  lua_setfield(L, internals, "near_hint");
  lua_pushcfunction(L, revl_l_warn);
  lua_setfield(L, internals, "warn");
  lua_pushcfunction(L, revl_l_caller_at);
  lua_setfield(L, internals, "caller_at");
  lua_pushcfunction(L, l_loaded);
  lua_setfield(L, internals, "loaded");
  for (const revl_embedded *e = revl_embedded_files; e->name; e++) {
    char chunk[256];
    snprintf(chunk, sizeof chunk, "@%s", e->name);
    if (luaL_loadbufferx(L, e->data, e->len, chunk, "t") != LUA_OK) return lua_error(L);
    lua_pushvalue(L, m);
    lua_pushvalue(L, internals);
    lua_call(L, 2, 0);
  }
  lua_getfield(L, internals, "frame_sort");
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.frame_sort");
  lua_getfield(L, internals, "frame_finish");
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.frame_finish");
  lua_getfield(L, internals, "row_keys");
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.row_keys");
  lua_getfield(L, internals, "eval_emit");
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.eval_emit");
  lua_getfield(L, internals, "defined");
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.defined");
  return 0;
}

/* require() looks next to the playbook first */
static void set_playbook_dir(revl_rt *rt, const char *playbook) {
  snprintf(rt->playbook_dir, sizeof rt->playbook_dir, "%s", playbook);
  char *s = strrchr(rt->playbook_dir, '/');
  if (s) *s = '\0';
  else snprintf(rt->playbook_dir, sizeof rt->playbook_dir, ".");
}

revl_rt *revl_rt_new(const revl_rt_opts *o, revl_error *err) {
  revl_rt *rt = calloc(1, sizeof *rt);
  if (!rt) {
    revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
    return NULL;
  }
  rt->o = *o;
  rt->st.as_of = o->as_of;
  rt->st.fiscal_start = o->fiscal_start ? o->fiscal_start : 1;
  rt->st.allow_io = o->allow_io;
  rt->st.format = o->format;
  snprintf(rt->out_dir, sizeof rt->out_dir, "%s", o->out_dir ? o->out_dir : "out");
  rt->st.out_dir = rt->out_dir;
  rt->mem_limit = o->max_memory;
  if (o->playbook) set_playbook_dir(rt, o->playbook);
  char ed[4096];
  exe_dir(ed, sizeof ed);
  if (ed[0]) {
    snprintf(rt->rules_dirs[0], sizeof rt->rules_dirs[0], "%.4000s/../rules", ed);
    snprintf(rt->rules_dirs[1], sizeof rt->rules_dirs[1], "%.4000s/../share/revl/rules", ed);
  }
  rt->L = lua_newstate(counting_alloc, rt);
  if (!rt->L) {
    free(rt);
    revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
    return NULL;
  }
  lua_gc(rt->L, LUA_GCGEN, 0, 0);
  lua_pushcfunction(rt->L, open_runtime);
  lua_pushlightuserdata(rt->L, rt);
  if (lua_pcall(rt->L, 1, 0, 0) != LUA_OK) {
    revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0, "%s", lua_tostring(rt->L, -1));
    revl_rt_free(rt);
    return NULL;
  }
  if (o->data_dir || o->ntables) {
    int rc = load_store(rt->L, o->data_dir, o->map_file, o->strict, o, err);
    if (rc) {
      revl_rt_free(rt);
      return NULL;
    }
  }
  return rt;
}

int revl_rt_close(revl_rt *rt) {
  if (!rt || !rt->L) return REVL_EXIT_OK;
  /* finalizers still pending run now, each under the per-call budget
   * as the playbook's own calls are (gc_guard).  No deadline for the
   * whole close: freeing a large store is not the playbook's time, and
   * a loaded machine must not turn a finished run into a failed one. */
  int code = REVL_EXIT_OK;
  double t = rt->o.timeout;
  rt->o.timeout = 0;
  rt->gc_mem = 0;
  start_watchdog(rt);
  lua_close(rt->L);
  stop_watchdog();
  rt->L = NULL;
  rt->o.timeout = t;
  if (kill_reason == KILL_TIMEOUT || kill_reason == KILL_BUDGET) {
    fprintf(stderr, "revl: time limit exceeded in a __gc finalizer at exit\n");
    code = REVL_EXIT_SCRIPT;
  } else if (rt->gc_mem) {
    fprintf(stderr, "revl: not enough memory in a __gc finalizer at exit%s\n",
            mem_cap(rt));
    code = REVL_EXIT_SCRIPT;
  }
  kill_reason = KILL_NONE;
  return code;
}

void revl_rt_free(revl_rt *rt) {
  if (!rt) return;
  revl_rt_close(rt);
  free(rt);
}

lua_State *revl_rt_lua(revl_rt *rt) { return rt->L; }
int revl_rt_status(revl_rt *rt) { return rt->status; }

int revl_rt_settle(revl_rt *rt, int code) {
  revl_error e;
  if (!rt || !rt->L) return code;
  lua_getfield(rt->L, LUA_REGISTRYINDEX, "revl.current");
  revl_store **sp = lua_isuserdata(rt->L, -1) ? lua_touserdata(rt->L, -1) : NULL;
  lua_pop(rt->L, 1);
  if (!sp || !*sp || !revl_store_failed(*sp, &e)) return code;
  /* a playbook that caught the error still ran on a table it never had */
  if (code != REVL_EXIT_SCRIPT && code != REVL_EXIT_DATA) revl_error_print(&e);
  return REVL_EXIT_DATA;
}

/* Print an error from the stack top the way every revl error reads. */
static void report(revl_rt *rt, int status) {
  lua_State *L = rt->L;
  const char *msg = lua_tostring(L, -1);
  if (status == LUA_ERRMEM || rt->mem_hit) {
    fprintf(stderr, "revl: not enough memory%s\n", mem_cap(rt));
    rt->mem_hit = 0;
    return;
  }
  if (kill_reason == KILL_TIMEOUT || kill_reason == KILL_BUDGET) {
    /* whatever the playbook did with the error, report the limit */
    if (msg && !strstr(msg, "time limit exceeded"))
      fprintf(stderr, "revl: time limit exceeded\n%s\n", msg);
    else
      fprintf(stderr, "revl: %s\n", msg ? msg : "time limit exceeded");
    return;
  }
  fprintf(stderr, "revl: %s\n", msg ? msg : "(error object is not a string)");
}

int revl_rt_exec(revl_rt *rt, const char *src, size_t n, const char *name,
                 int *base) {
  lua_State *L = rt->L;
  lua_pushcfunction(L, msgh);
  int h = lua_gettop(L);
  int st = luaL_loadbufferx(L, src, n, name, "t");
  *base = h;
  rt->mem_hit = 0; /* a new chunk: forget an earlier out-of-memory */
  if (st != LUA_OK) return st;
  start_watchdog(rt);
  st = lua_pcall(L, 0, LUA_MULTRET, h);
  stop_watchdog();
  lua_sethook(L, NULL, 0, 0);
  if (kill_reason == KILL_INTERRUPT) kill_reason = KILL_NONE;
  return st;
}

int revl_rt_pcall(revl_rt *rt, int nargs, int nres) {
  lua_State *L = rt->L;
  int fidx = lua_gettop(L) - nargs;
  lua_pushcfunction(L, msgh);
  lua_insert(L, fidx);
  rt->mem_hit = 0;
  start_watchdog(rt);
  int st = lua_pcall(L, nargs, nres, fidx);
  stop_watchdog();
  lua_sethook(L, NULL, 0, 0);
  kill_reason = KILL_NONE;
  lua_remove(L, fidx);
  return st;
}

void revl_rt_set_discard(revl_rt *rt, int on) { rt->st.discard = on; }

void revl_rt_set_out_dir(revl_rt *rt, const char *dir) {
  snprintf(rt->out_dir, sizeof rt->out_dir, "%s", dir ? dir : "out");
  rt->st.out_dir = rt->out_dir;
}

/* pcall'ed by revl_rt_run_file: the playbook at the light userdata 1
 * compiled (text only), or its error raised. */
static int load_playbook(lua_State *L) {
  const char *path = lua_touserdata(L, 1);
  if (luaL_loadfilex(L, path, "t") != LUA_OK) return lua_error(L);
  return 1;
}

int revl_rt_run_file(revl_rt *rt, const char *path) {
  lua_State *L = rt->L;
  set_playbook_dir(rt, path);
  /* opened, not only stat'ed: an unreadable playbook is exit 2 like a
   * missing one, not a Lua error */
  struct stat sb;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &sb) != 0) {
    fprintf(stderr, "revl: %s: cannot open playbook: %s\n", path, strerror(errno));
    if (fd >= 0) close(fd);
    return REVL_EXIT_DATA;
  }
  close(fd);
  if (S_ISDIR(sb.st_mode)) {
    fprintf(stderr, "revl: %s: is a directory, not a playbook\n", path);
    return REVL_EXIT_DATA;
  }
  /* loaded in a protected call: the chunk name and the parser allocate,
   * and a failure there must be an error, not a panic */
  int base = lua_gettop(L);
  lua_pushcfunction(L, load_playbook);
  lua_pushlightuserdata(L, (void *)path);
  int st = lua_pcall(L, 1, 1, 0);
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "revl: %s\n", msg ? msg : "cannot load playbook");
    lua_settop(L, base);
    return REVL_EXIT_SCRIPT;
  }
  lua_pushcfunction(L, msgh);
  lua_insert(L, -2);
  int h = lua_gettop(L) - 1;
  rt->gc_mem = 0;
  start_watchdog(rt);
  st = lua_pcall(L, 0, 1, h);
  stop_watchdog();
  lua_sethook(L, NULL, 0, 0);
  int code = REVL_EXIT_OK;
  if (st == LUA_OK && rt->gc_mem) {
    fprintf(stderr, "revl: not enough memory in a __gc finalizer%s\n",
            mem_cap(rt));
    code = REVL_EXIT_SCRIPT;
  } else if (st != LUA_OK) {
    report(rt, st);
    code = REVL_EXIT_SCRIPT;
  } else if (lua_isboolean(L, -1) && !lua_toboolean(L, -1)) {
    code = REVL_EXIT_FAIL;
  }
  kill_reason = KILL_NONE;
  lua_settop(L, h - 1);
  if (code == REVL_EXIT_OK && rt->status) code = rt->status;
  code = revl_rt_settle(rt, code);
  fflush(stdout);
  return code;
}
