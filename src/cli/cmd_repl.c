/*
 * cmd_repl.c -- `revl repl [--data DIR] [PLAYBOOK]`: Lua with the revl
 * module, interactively.
 *
 * On a terminal: libedit line editing with a history file, tab
 * completion, `return LINE` tried first so expressions print their value
 * (revl.pretty, lua/pretty.lua), `...> ` while a statement is incomplete,
 * :commands, Ctrl-C stopping a running command.  On any other stdin the
 * input runs as one script chunk named "stdin", exit codes as `revl run`.
 *
 * Ctrl-C: SIGINT while a command runs calls revl_rt_interrupt (the chunk
 * raises "interrupted" at its next instruction; globals survive); a third
 * press during the same command gives up and kills the process.  At the
 * prompt our read function turns SIGINT (or a literal ^C when the
 * terminal does not send signals) into a key bound to "discard the line".
 *
 * Completion never runs playbook code: it walks globals and fields with
 * raw access, using only revl's own C functions (the module's table
 * lookup, a view's columns, a row's fields).
 */
#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <lauxlib.h>
#include <locale.h>
#include <lua.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "revl/runtime.h"

const char cli_usage_repl[] =
    "usage: revl repl [PLAYBOOK] [--data DIR] [--map FILE] [--as-of DATE]\n"
    "                 [--out DIR] [--set KEY=VALUE]... [--strict]\n"
    "                 [--timeout SECONDS] [--max-memory MB] [--allow-io]\n"
    "                 [--fiscal-start MONTH]\n"
    "\n"
    "Explore data with Lua and the revl module.  The options are those of\n"
    "'revl run'; PLAYBOOK, when given, runs first (:reload runs it again).\n"
    "\n"
    "On a terminal: an expression prints its value (tables of rows as text\n"
    "tables), Tab completes names, :help lists the commands, Ctrl-C stops\n"
    "a running command, Ctrl-D leaves.  History: ~/.revl_history, or\n"
    "$REVL_HISTORY (empty: no history).  --timeout applies per command.\n"
    "\n"
    "Otherwise stdin is run as one Lua chunk (echo 'print(#revl.deals)' |\n"
    "revl repl --data DIR), with the exit status of 'revl run': 0 ok, 1\n"
    "checks failed or the chunk returned false, 2 usage or data error, 3\n"
    "script error.\n";

static const char repl_help[] =
    "Lua with the revl module; an expression prints its value.\n"
    "  :tables          loaded tables with their row and column counts\n"
    "  :schema TABLE    columns of a table: type, nulls, key, references\n"
    "  :load DIR        load a data directory (revl.load)\n"
    "  :reload          run the playbook given on the command line again\n"
    "  :time            print the wall time of each command (toggle)\n"
    "  :help            this text\n"
    "  :quit            leave (or Ctrl-D)\n"
    "Tab completes globals, fields, table and column names.  Ctrl-C stops\n"
    "a running command or clears the line.  Locals last one line: use\n"
    "globals to keep values.  revl.show(x [, {rows = N}]) prints like the\n"
    "REPL does.\n";

#define PROMPT "revl> "
#define PROMPT2 "...> "

typedef struct repl {
  revl_rt *rt;
  lua_State *L;
  const char *playbook;
  int module_ref; /* the revl module, whatever the globals become */
  int loaded_ref; /* package.loaded keys at start (kept by :reload) */
  int timing;
  int max_memory_mb;
  char *pending; /* lines of an incomplete statement */
  size_t plen, pcap;
  EditLine *el;
  History *hist;
  char histfile[4096];
} repl;

static repl *g_repl; /* for the libedit callbacks */
static revl_rt *volatile g_rt;
static volatile sig_atomic_t g_running; /* a command is running */
static volatile sig_atomic_t g_presses; /* Ctrl-C presses during it */
static volatile sig_atomic_t g_intr;    /* Ctrl-C at the prompt */
static volatile sig_atomic_t g_winch;
static int g_cancel; /* the line was discarded (set by the ^C key) */

static void on_sigint(int sig) {
  if (g_running) {
    if (++g_presses >= 3) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = SIG_DFL;
      sigemptyset(&sa.sa_mask);
      sigaction(sig, &sa, NULL);
      raise(sig);
      return;
    }
    if (g_presses == 2) {
      static const char msg[] = "\n(revl: press Ctrl-C once more to quit)\n";
      ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
      (void)w;
    }
    revl_rt_interrupt(g_rt);
  } else {
    g_intr = 1;
  }
}

static void on_sigwinch(int sig) {
  (void)sig;
  g_winch = 1;
}

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a read at the prompt sees EINTR */
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_sigwinch;
  sigaction(SIGWINCH, &sa, NULL);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- running code ------------------------------------------------------ */

/* Print the error at the top of the stack. */
static void report(repl *r, int status) {
  lua_State *L = r->L;
  fflush(stdout);
  if (status == LUA_ERRMEM) {
    if (r->max_memory_mb)
      fprintf(stderr, "revl: not enough memory (--max-memory %d MB)\n", r->max_memory_mb);
    else
      fprintf(stderr, "revl: not enough memory\n");
    return;
  }
  const char *msg = lua_tostring(L, -1);
  if (!msg) msg = "(error object is not a string)";
  /* an interrupt needs no traceback */
  const char *nl = strchr(msg, '\n');
  if (nl && nl - msg >= 11 && memcmp(nl - 11, "interrupted", 11) == 0)
    fprintf(stderr, "%srevl: %.*s\n", r->el ? "\n" : "", (int)(nl - msg), msg);
  else
    fprintf(stderr, "revl: %s\n", msg);
  fflush(stderr);
}

/* Push revl._repl.NAME (a helper in lua/pretty.lua) or nil. */
static int push_helper(repl *r, const char *name) {
  lua_State *L = r->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->module_ref);
  lua_getfield(L, -1, "_repl");
  lua_remove(L, -2);
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
  }
  if (lua_isfunction(L, -1)) return 1;
  lua_pop(L, 1);
  lua_pushnil(L);
  return 0;
}

static void command_done(repl *r) {
  g_running = 0;
  lua_sethook(r->L, NULL, 0, 0); /* a Ctrl-C that came too late */
}

/* Run source as a command of the session and print its results. */
static void run_source(repl *r, const char *src, size_t n) {
  lua_State *L = r->L;
  int top = lua_gettop(L), base;
  double t0 = now();
  g_presses = 0;
  g_running = 1;
  int st = revl_rt_exec(r->rt, src, n, "=stdin", &base);
  if (st == LUA_OK) {
    int nres = lua_gettop(L) - base;
    if (nres > 0) {
      push_helper(r, "results");
      if (!lua_isnil(L, -1)) {
        lua_insert(L, base + 1);
        st = lua_pcall(L, nres, 1, base);
      } else {
        lua_pop(L, 1);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int i = base + 1; i <= base + nres; i++) {
          if (i > base + 1) luaL_addchar(&b, '\t');
          luaL_tolstring(L, i, NULL);
          luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
      }
      if (st == LUA_OK) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (s) {
          fwrite(s, 1, len, stdout);
          fputc('\n', stdout);
        }
      }
    }
  }
  command_done(r);
  if (st != LUA_OK) report(r, st);
  fflush(stdout);
  lua_settop(L, top);
  if (r->timing) {
    double dt = now() - t0;
    if (dt < 1) printf("(%.1f ms)\n", dt * 1e3);
    else printf("(%.2f s)\n", dt);
    fflush(stdout);
  }
}

static int is_incomplete(lua_State *L) {
  size_t n;
  const char *msg = lua_tolstring(L, -1, &n);
  return msg && n >= 5 && strcmp(msg + n - 5, "<eof>") == 0;
}

/* Compile the pending input: `return INPUT` first, then INPUT.  Runs it
 * and returns 0, or returns 1 when the statement is not finished. */
static int eval_pending(repl *r) {
  lua_State *L = r->L;
  int top = lua_gettop(L);
  size_t n = r->plen + 7;
  char *ret = malloc(n + 1);
  if (!ret) {
    fprintf(stderr, "revl: out of memory\n");
    return 0;
  }
  memcpy(ret, "return ", 7);
  memcpy(ret + 7, r->pending, r->plen);
  ret[n] = '\0';
  int st = luaL_loadbufferx(L, ret, n, "=stdin", "t");
  lua_settop(L, top);
  if (st == LUA_OK) {
    run_source(r, ret, n);
    free(ret);
    return 0;
  }
  free(ret);
  st = luaL_loadbufferx(L, r->pending, r->plen, "=stdin", "t");
  int more = st == LUA_ERRSYNTAX && is_incomplete(L);
  lua_settop(L, top);
  if (more) return 1;
  run_source(r, r->pending, r->plen); /* reports a syntax error itself */
  return 0;
}

/* ---- :commands ---------------------------------------------------------- */

/* Call the function below nargs arguments at the top; the result strings
 * are printed (nil + message: printed as an error).  0 on success. */
static int call_and_print(repl *r, int nargs) {
  lua_State *L = r->L;
  int fn = lua_gettop(L) - nargs;
  g_presses = 0;
  g_running = 1;
  int st = lua_pcall(L, nargs, 2, 0);
  command_done(r);
  if (st != LUA_OK) {
    report(r, st);
    lua_settop(L, fn - 1);
    return -1;
  }
  int rc = 0;
  if (lua_type(L, -2) == LUA_TSTRING) {
    printf("%s\n", lua_tostring(L, -2));
  } else if (lua_isnil(L, -2) && lua_type(L, -1) == LUA_TSTRING) {
    fflush(stdout);
    fprintf(stderr, "revl: %s\n", lua_tostring(L, -1));
    rc = -1;
  }
  fflush(stdout);
  lua_settop(L, fn - 1);
  return rc;
}

static void cmd_tables(repl *r) {
  if (!push_helper(r, "tables")) return;
  call_and_print(r, 0);
}

static void cmd_schema(repl *r, const char *arg) {
  if (!*arg) {
    fprintf(stderr, "revl: :schema needs a table name (:tables lists them)\n");
    return;
  }
  if (!push_helper(r, "schema")) return;
  lua_pushstring(r->L, arg);
  call_and_print(r, 1);
}

static void cmd_load(repl *r, const char *arg) {
  lua_State *L = r->L;
  if (!*arg) {
    fprintf(stderr, "revl: :load needs a data directory\n");
    return;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->module_ref);
  lua_getfield(L, -1, "load");
  lua_remove(L, -2);
  lua_pushstring(L, arg);
  if (call_and_print(r, 1) == 0) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->module_ref);
    lua_getfield(L, -1, "tables");
    int n = 0;
    if (lua_pcall(L, 0, 1, 0) == LUA_OK) n = (int)lua_rawlen(L, -1);
    lua_pop(L, 2);
    printf("loaded %s: %d table%s (:tables lists them)\n", arg, n, n == 1 ? "" : "s");
    fflush(stdout);
  }
}

/* Forget modules required since start so the playbook's own modules load
 * again from their files. */
static void forget_modules(repl *r) {
  lua_State *L = r->L;
  lua_getglobal(L, "package");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_getfield(L, -1, "loaded");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 2);
    return;
  }
  int loaded = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->loaded_ref);
  int keep = lua_gettop(L);
  lua_newtable(L);
  int drop = lua_gettop(L);
  int nd = 0;
  lua_pushnil(L);
  while (lua_next(L, loaded)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, keep) == LUA_TNIL) {
      lua_pushvalue(L, -2);
      lua_rawseti(L, drop, ++nd);
    }
    lua_pop(L, 1);
  }
  for (int i = 1; i <= nd; i++) {
    lua_rawgeti(L, drop, i);
    lua_pushnil(L);
    lua_rawset(L, loaded);
  }
  lua_pop(L, 4);
}

static void cmd_reload(repl *r) {
  if (!r->playbook) {
    fprintf(stderr, "revl: :reload runs the PLAYBOOK given on the command line "
                    "(revl repl PLAYBOOK); there is none\n");
    return;
  }
  forget_modules(r);
  double t0 = now();
  g_presses = 0;
  g_running = 1;
  int rc = revl_rt_run_file(r->rt, r->playbook);
  command_done(r);
  if (rc == REVL_EXIT_OK || rc == REVL_EXIT_FAIL) printf("reloaded %s\n", r->playbook);
  if (r->timing) printf("(%.1f ms)\n", (now() - t0) * 1e3);
  fflush(stdout);
}

static const char *const commands[] = {"help", "tables", "schema", "load",
                                       "reload", "time", "quit", NULL};

/* A line starting with ':' and a letter.  Returns 1 to quit. */
static int run_command(repl *r, const char *line) {
  while (*line == ' ' || *line == '\t') line++;
  line++; /* ':' */
  size_t n = 0;
  while (isalpha((unsigned char)line[n])) n++;
  char name[32];
  snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), line);
  const char *arg = line + n;
  while (*arg == ' ' || *arg == '\t') arg++;
  char argbuf[4096];
  snprintf(argbuf, sizeof argbuf, "%s", arg);
  for (size_t k = strlen(argbuf); k > 0 && isspace((unsigned char)argbuf[k - 1]); k--)
    argbuf[k - 1] = '\0';
  if (!strcmp(name, "quit") || !strcmp(name, "q") || !strcmp(name, "exit")) return 1;
  if (!strcmp(name, "help") || !strcmp(name, "h")) {
    fputs(repl_help, stdout);
  } else if (!strcmp(name, "tables")) {
    cmd_tables(r);
  } else if (!strcmp(name, "schema")) {
    cmd_schema(r, argbuf);
  } else if (!strcmp(name, "load")) {
    cmd_load(r, argbuf);
  } else if (!strcmp(name, "reload")) {
    cmd_reload(r);
  } else if (!strcmp(name, "time")) {
    r->timing = !r->timing;
    printf("timing %s\n", r->timing ? "on" : "off");
  } else {
    fflush(stdout);
    fprintf(stderr, "revl: unknown command ':%s' (:help lists the commands)\n", name);
  }
  fflush(stdout);
  return 0;
}

/* ---- completion --------------------------------------------------------- */

static int idch(int c) { return isalnum((unsigned char)c) || c == '_'; }
static int chainch(int c) { return idch(c) || c == '.' || c == ':'; }

static int is_ident(const char *s) {
  if (!s[0] || isdigit((unsigned char)s[0])) return 0;
  for (; *s; s++)
    if (!idch(*s)) return 0;
  return 1;
}

static int is_module(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_rawgeti(L, LUA_REGISTRYINDEX, g_repl->module_ref);
  int eq = lua_rawequal(L, idx, -1);
  lua_pop(L, 1);
  return eq;
}

static int is_frame(lua_State *L, int idx) {
  int yes = 0;
  if (lua_istable(L, idx) && lua_getmetatable(L, idx)) {
    lua_pushliteral(L, "__name");
    lua_rawget(L, -2);
    const char *n = lua_tostring(L, -1);
    yes = n && strcmp(n, "revl.frame") == 0;
    lua_pop(L, 2);
  }
  return yes;
}

static int is_view(lua_State *L, int idx) {
  return luaL_testudata(L, idx, "revl.view") != NULL;
}
static int is_row(lua_State *L, int idx) {
  return luaL_testudata(L, idx, "revl.row") != NULL;
}

/* t[k] through revl's C __index (rows, the module); errors give nil */
static int geti_cf(lua_State *L) {
  lua_gettable(L, 1);
  return 1;
}

static void protected_get(lua_State *L, int obj) {
  obj = lua_absindex(L, obj);
  lua_pushcfunction(L, geti_cf);
  lua_pushvalue(L, obj);
  lua_pushvalue(L, -3); /* key */
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  lua_remove(L, -2); /* key */
}

/* obj key -> value, without running playbook code */
static void safe_index(lua_State *L) {
  int obj = lua_gettop(L) - 1;
  if (lua_istable(L, obj)) {
    lua_pushvalue(L, -1);
    if (lua_rawget(L, obj) == LUA_TNIL) {
      lua_pop(L, 1);
      if (is_module(L, obj)) {
        protected_get(L, obj);
      } else {
        /* __index tables, never functions */
        lua_pushvalue(L, obj);
        int found = 0;
        for (int depth = 0; depth < 8 && !found; depth++) {
          if (!lua_getmetatable(L, -1)) break;
          lua_pushliteral(L, "__index");
          lua_rawget(L, -2);
          lua_remove(L, -2);
          if (!lua_istable(L, -1)) break;
          lua_remove(L, -2);
          lua_pushvalue(L, obj + 1);
          if (lua_rawget(L, -2) != LUA_TNIL) found = 1;
          else lua_pop(L, 1);
        }
        if (found) {
          lua_remove(L, -2);
        } else {
          lua_pop(L, 1);
          lua_pushnil(L);
        }
      }
    } else {
      lua_remove(L, -2); /* key */
    }
  } else if (is_row(L, obj)) {
    protected_get(L, obj);
  } else {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  lua_remove(L, obj);
}

/* Evaluate a chain of names "a.b.c"; pushes the value or nil. */
static void eval_chain(lua_State *L, const char *s, size_t n) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  size_t i = 0;
  while (i <= n) {
    size_t j = i;
    while (j < n && s[j] != '.') j++;
    if (j == i || isdigit((unsigned char)s[i])) {
      lua_pop(L, 1);
      lua_pushnil(L);
      return;
    }
    for (size_t k = i; k < j; k++)
      if (!idch(s[k])) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return;
      }
    lua_pushlstring(L, s + i, j - i);
    safe_index(L);
    if (lua_isnil(L, -1)) return;
    i = j + 1;
  }
}

typedef struct cctx {
  lua_State *L;
  int set;             /* candidates: a set table */
  const char *partial; /* what the word typed so far is */
  size_t plen;
  int any;             /* accept any text, not only identifiers */
} cctx;

static void add(cctx *c, const char *s) {
  if (!s || strncmp(s, c->partial, c->plen) != 0) return;
  if (!c->any && !is_ident(s)) return;
  if (s[0] == '_' && c->partial[0] != '_') return; /* private */
  lua_pushboolean(c->L, 1);
  lua_setfield(c->L, c->set, s);
}

/* string keys of the table at idx (functions only when fn_only) */
static void add_keys(cctx *c, int idx, int fn_only) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) == LUA_TSTRING && (!fn_only || lua_isfunction(L, -1)))
      add(c, lua_tostring(L, -2));
    lua_pop(L, 1);
  }
}

/* names in the list at idx */
static void add_list(cctx *c, int idx) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, idx, i) == LUA_TSTRING) add(c, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
}

/* the methods table of a view (its metatable's __index) */
static int push_view_methods(lua_State *L, int view) {
  if (!lua_getmetatable(L, view)) return 0;
  lua_pushliteral(L, "__index");
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_istable(L, -1)) return 1;
  lua_pop(L, 1);
  return 0;
}

/* columns of the view at idx */
static void add_view_columns(cctx *c, int view) {
  lua_State *L = c->L;
  view = lua_absindex(L, view);
  if (!push_view_methods(L, view)) return;
  lua_getfield(L, -1, "columns");
  lua_remove(L, -2);
  if (!lua_iscfunction(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pushvalue(L, view);
  if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) add_list(c, -1);
  lua_pop(L, 1);
}

/* columns of the row at idx, and the references it follows (account for
 * account_id) */
static void add_row_fields(cctx *c, int row) {
  lua_State *L = c->L;
  row = lua_absindex(L, row);
  if (!luaL_getmetafield(L, row, "__pairs")) return;
  lua_pushvalue(L, row);
  if (lua_pcall(L, 1, 3, 0) != LUA_OK) {
    lua_pop(L, 1);
    return;
  }
  int it = lua_gettop(L) - 2;
  lua_pushnil(L);
  for (int guard = 0; guard < 10000; guard++) {
    lua_pushvalue(L, it);
    lua_pushvalue(L, it + 1);
    lua_pushvalue(L, -3);
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) {
      lua_pop(L, 1);
      break;
    }
    lua_pop(L, 1); /* the value */
    lua_remove(L, -2); /* previous key */
    if (lua_type(L, -1) != LUA_TSTRING) break;
    const char *k = lua_tostring(L, -1);
    add(c, k);
    size_t kn = strlen(k);
    if (kn > 3 && strcmp(k + kn - 3, "_id") == 0) {
      /* row.account follows account_id when it is a reference; other
       * names raise "no column" */
      lua_pushcfunction(L, geti_cf);
      lua_pushvalue(L, row);
      lua_pushlstring(L, k, kn - 3);
      if (lua_pcall(L, 2, 1, 0) == LUA_OK) {
        lua_pushlstring(L, k, kn - 3);
        add(c, lua_tostring(L, -1));
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, it - 1);
}

/* the view of a table named like `name` (deals, or deal for deals) */
static int push_table_named(lua_State *L, const char *name) {
  char buf[256];
  const char *forms[3] = {"%s", "%ss", NULL};
  size_t n = strlen(name);
  for (int f = 0; f < 3; f++) {
    if (f < 2) snprintf(buf, sizeof buf, forms[f], name);
    else if (n > 1 && name[n - 1] == 'y')
      snprintf(buf, sizeof buf, "%.*sies", (int)(n - 1), name);
    else break;
    lua_rawgeti(L, LUA_REGISTRYINDEX, g_repl->module_ref);
    lua_pushstring(L, buf);
    protected_get(L, -2);
    lua_remove(L, -2);
    if (is_view(L, -1)) return 1;
    lua_pop(L, 1);
  }
  return 0;
}

/* candidates for OBJ followed by sep ('.' or ':') */
static void add_members(cctx *c, int obj, char sep) {
  lua_State *L = c->L;
  obj = lua_absindex(L, obj);
  if (is_view(L, obj)) {
    if (push_view_methods(L, obj)) {
      add_keys(c, -1, 0);
      lua_pop(L, 1);
    }
    if (sep == '.') add_view_columns(c, obj);
  } else if (is_row(L, obj)) {
    if (sep == ':') {
      add(c, "get");
      add(c, "follow");
      add(c, "totable");
    } else {
      add_row_fields(c, obj);
    }
  } else if (lua_istable(L, obj)) {
    add_keys(c, obj, sep == ':');
    lua_pushvalue(L, obj);
    for (int depth = 0; depth < 8; depth++) {
      if (!lua_getmetatable(L, -1)) break;
      lua_pushliteral(L, "__index");
      lua_rawget(L, -2);
      lua_remove(L, -2);
      lua_remove(L, -2);
      if (!lua_istable(L, -1)) break;
      add_keys(c, -1, sep == ':');
    }
    lua_pop(L, 1);
    if (sep == '.' && is_module(L, obj)) {
      lua_getfield(L, obj, "tables");
      if (lua_iscfunction(L, -1) && lua_pcall(L, 0, 1, 0) == LUA_OK && lua_istable(L, -1))
        add_list(c, -1);
      lua_pop(L, 1);
    }
    if (sep == '.' && is_frame(L, obj)) {
      lua_pushliteral(L, "columns");
      if (lua_rawget(L, obj) == LUA_TTABLE) add_list(c, -1);
      lua_pop(L, 1);
    }
  } else if (lua_type(L, obj) == LUA_TSTRING && sep == ':') {
    if (lua_getmetatable(L, obj)) {
      lua_pushliteral(L, "__index");
      if (lua_rawget(L, -2) == LUA_TTABLE) add_keys(c, -1, 1);
      lua_pop(L, 2);
    }
  }
}

/* The line up to the cursor, scanned: brackets, strings, comments. */
typedef struct scan {
  const char *line;
  size_t n;
  size_t *match; /* match[i]: the open bracket closed at i, or NONE */
  size_t *open;  /* brackets still open, outermost first */
  int depth;
  int in_str, in_comment;
  size_t str_start;
} scan;

#define NONE ((size_t)-1)

static void scan_line(lua_State *L, scan *sc, const char *line, size_t n) {
  memset(sc, 0, sizeof *sc);
  sc->line = line;
  sc->n = n;
  sc->match = lua_newuserdatauv(L, (n + 1) * sizeof *sc->match, 0);
  sc->open = lua_newuserdatauv(L, (n + 1) * sizeof *sc->open, 0);
  char quote = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = line[i];
    sc->match[i] = NONE;
    if (sc->in_str) {
      if (quote == ']') {
        if (ch == ']' && i + 1 < n && line[i + 1] == ']') {
          sc->in_str = 0;
          sc->match[++i] = NONE;
        }
      } else if (ch == '\\') {
        if (i + 1 < n) sc->match[++i] = NONE;
      } else if (ch == quote) {
        sc->in_str = 0;
      }
      continue;
    }
    if (ch == '-' && i + 1 < n && line[i + 1] == '-') {
      sc->in_comment = 1;
      return;
    }
    if (ch == '"' || ch == '\'') {
      sc->in_str = 1;
      quote = ch;
      sc->str_start = i + 1;
    } else if (ch == '[' && i + 1 < n && line[i + 1] == '[') {
      sc->in_str = 1;
      quote = ']';
      sc->str_start = i + 2;
      sc->match[++i] = NONE;
    } else if (ch == '(' || ch == '{' || ch == '[') {
      sc->open[sc->depth++] = i;
    } else if ((ch == ')' || ch == '}' || ch == ']') && sc->depth > 0) {
      sc->match[i] = sc->open[--sc->depth];
    }
  }
}

/* The callee before the bracket at b, "X:method" or ":method" (after a
 * call): *s its start, *m its ':', *e its end.  0 when it is no method
 * call; -1 when there is no name before b at all. */
static int callee_before(const scan *sc, size_t b, size_t *s, size_t *m, size_t *e) {
  size_t k = b;
  while (k > 0 && isspace((unsigned char)sc->line[k - 1])) k--;
  *e = k;
  while (k > 0 && chainch(sc->line[k - 1])) k--;
  *s = k;
  if (*s == *e) return -1;
  *m = NONE;
  for (size_t i = *s; i < *e; i++)
    if (sc->line[i] == ':') *m = i;
  return *m != NONE && *m + 1 < *e;
}

static int is_view_or_frame(lua_State *L, int idx) {
  return is_view(L, idx) || is_frame(L, idx);
}

static void push_value_before(lua_State *L, const scan *sc, size_t pos, int hops);

/* the receiver of the method call named at [s, e) with its ':' at m */
static void push_receiver(lua_State *L, const scan *sc, size_t s, size_t m, int hops) {
  if (m == s) {
    push_value_before(L, sc, s, hops + 1);
  } else if (memchr(sc->line + s, ':', m - s)) {
    lua_pushnil(L);
  } else {
    eval_chain(L, sc->line + s, m - s);
  }
}

/* The value of the expression ending at pos when it is a name chain or a
 * view method call that keeps the table (where, sort_by, limit, select):
 * `revl.deals:where{...}` gives revl.deals -- nothing is called. */
static void push_value_before(lua_State *L, const scan *sc, size_t pos, int hops) {
  const char *line = sc->line;
  size_t e = pos;
  while (e > 0 && isspace((unsigned char)line[e - 1])) e--;
  if (e == 0 || hops > 16) {
    lua_pushnil(L);
    return;
  }
  char last = line[e - 1];
  if (last == ')' || last == '}') {
    static const char *const same[] = {"where", "sort_by", "limit", "select", NULL};
    size_t o = sc->match[e - 1], s, m, ce;
    if (o == NONE || callee_before(sc, o, &s, &m, &ce) != 1) {
      lua_pushnil(L);
      return;
    }
    int keeps = 0;
    for (int i = 0; same[i]; i++)
      if (strlen(same[i]) == ce - m - 1 && !memcmp(line + m + 1, same[i], ce - m - 1))
        keeps = 1;
    if (!keeps) {
      lua_pushnil(L);
      return;
    }
    push_receiver(L, sc, s, m, hops);
    if (!is_view_or_frame(L, -1)) {
      lua_pop(L, 1);
      lua_pushnil(L);
    }
    return;
  }
  size_t s = e;
  while (s > 0 && chainch(line[s - 1])) s--;
  if (s == e || memchr(line + s, ':', e - s) ||
      (s > 0 && (line[s - 1] == ')' || line[s - 1] == '}' || line[s - 1] == ']'))) {
    lua_pushnil(L);
    return;
  }
  eval_chain(L, line + s, e - s);
}

/* The view or frame whose method call encloses the cursor, as in
 * `revl.deals:where{st` or `v:sort_by("am`: pushes it and returns 1. */
static int push_enclosing_call(lua_State *L, const scan *sc) {
  for (int d = sc->depth - 1; d >= 0; d--) {
    size_t s, m, e;
    int k = callee_before(sc, sc->open[d], &s, &m, &e);
    if (k < 0) continue; /* `({`, `= {`: look further out */
    if (k == 0) return 0;
    push_receiver(L, sc, s, m, 0);
    if (is_view_or_frame(L, -1)) return 1;
    lua_pop(L, 1);
    return 0;
  }
  return 0;
}

/* columns of the view or frame at idx */
static void add_columns(cctx *c, int idx) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  if (is_view(L, idx)) {
    add_view_columns(c, idx);
  } else {
    lua_pushliteral(L, "columns");
    if (lua_rawget(L, idx) == LUA_TTABLE) add_list(c, -1);
    lua_pop(L, 1);
  }
}

static const char *const keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for",
    "function", "goto", "if", "in", "local", "nil", "not", "or",
    "repeat", "return", "then", "true", "until", "while", NULL};

/* complete_cf(line): a set of candidates and the length of the word
 * being completed */
static int complete_cf(lua_State *L) {
  size_t n;
  const char *line = luaL_checklstring(L, 1, &n);
  lua_newtable(L);
  cctx c = {L, lua_gettop(L), "", 0, 0};

  /* :commands */
  size_t lead = 0;
  while (lead < n && isspace((unsigned char)line[lead])) lead++;
  if (lead < n && line[lead] == ':' && (lead + 1 == n || isalpha((unsigned char)line[lead + 1]))) {
    const char *sp = memchr(line + lead, ' ', n - lead);
    if (!sp) {
      c.partial = line + lead + 1;
      c.plen = n - lead - 1;
      for (int i = 0; commands[i]; i++) add(&c, commands[i]);
    } else if (strncmp(line + lead, ":schema ", 8) == 0) {
      c.partial = sp + 1;
      while (*c.partial == ' ') c.partial++;
      c.plen = (size_t)(line + n - c.partial);
      lua_rawgeti(L, LUA_REGISTRYINDEX, g_repl->module_ref);
      lua_getfield(L, -1, "tables");
      if (lua_iscfunction(L, -1) && lua_pcall(L, 0, 1, 0) == LUA_OK && lua_istable(L, -1))
        add_list(&c, -1);
      lua_settop(L, c.set);
    }
    lua_pushinteger(L, (lua_Integer)c.plen);
    return 2;
  }

  scan sc;
  scan_line(L, &sc, line, n);
  if (sc.in_comment) {
    lua_settop(L, c.set);
    lua_pushinteger(L, 0);
    return 2;
  }
  if (sc.in_str) {
    /* a column name in a view method's string argument */
    c.partial = line + sc.str_start;
    c.plen = n - sc.str_start;
    c.any = 1;
    if (push_enclosing_call(L, &sc)) add_columns(&c, -1);
    lua_settop(L, c.set);
    lua_pushinteger(L, (lua_Integer)c.plen);
    return 2;
  }

  size_t s = n;
  while (s > 0 && chainch(line[s - 1])) s--;
  const char *word = line + s;
  size_t wn = n - s;
  if (wn && isdigit((unsigned char)word[0])) {
    lua_settop(L, c.set);
    lua_pushinteger(L, 0);
    return 2;
  }
  const char *sep = NULL;
  for (size_t k = 0; k < wn; k++)
    if (word[k] == '.' || word[k] == ':') sep = word + k;
  if (!sep) {
    c.partial = word;
    c.plen = wn;
    size_t p = s;
    while (p > 0 && isspace((unsigned char)line[p - 1])) p--;
    int key_pos = p > 0 && (line[p - 1] == '{' || line[p - 1] == ',' || line[p - 1] == ';');
    if (key_pos && push_enclosing_call(L, &sc)) {
      add_columns(&c, -1); /* a column as a key of a where{} spec */
    } else {
      lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
      add_keys(&c, -1, 0);
      for (int i = 0; keywords[i]; i++) add(&c, keywords[i]);
    }
    lua_settop(L, c.set);
    lua_pushinteger(L, (lua_Integer)c.plen);
    return 2;
  }
  c.partial = sep + 1;
  c.plen = (size_t)(word + wn - c.partial);
  size_t on = (size_t)(sep - word);
  if (on == 0) {
    /* `X:where{...}:so`: the receiver of a call */
    push_value_before(L, &sc, s, 0);
    add_members(&c, -1, *sep);
  } else if (memchr(word, ':', on)) {
    /* a:b.c is not a name */
  } else {
    eval_chain(L, word, on);
    if (lua_isnil(L, -1) && *sep == '.' && !memchr(word, '.', on)) {
      /* `deal.` with no such global: a row of the table named like it */
      char name[128];
      snprintf(name, sizeof name, "%.*s", (int)(on < 127 ? on : 127), word);
      if (push_table_named(L, name)) add_view_columns(&c, -1);
    } else {
      add_members(&c, -1, *sep);
    }
  }
  lua_settop(L, c.set);
  lua_pushinteger(L, (lua_Integer)c.plen);
  return 2;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Candidates for the line up to the cursor: a sorted array of strings
 * (free with free_list) and the length of the word they replace. */
static char **candidates(repl *r, const char *line, size_t n, size_t *count,
                         size_t *wlen) {
  lua_State *L = r->L;
  int top = lua_gettop(L);
  char **list = NULL;
  *count = 0;
  *wlen = 0;
  lua_pushcfunction(L, complete_cf);
  lua_pushlstring(L, line, n);
  if (lua_pcall(L, 1, 2, 0) != LUA_OK || !lua_istable(L, -2)) {
    lua_settop(L, top);
    return NULL;
  }
  *wlen = (size_t)lua_tointeger(L, -1);
  size_t cap = 0;
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    if (*count == cap) {
      cap = cap ? cap * 2 : 32;
      char **nl = realloc(list, cap * sizeof *nl);
      if (!nl) break;
      list = nl;
    }
    list[*count] = strdup(lua_tostring(L, -1));
    if (list[*count]) (*count)++;
  }
  lua_settop(L, top);
  if (*count) qsort(list, *count, sizeof *list, cmp_str);
  return list;
}

static void free_list(char **list, size_t n) {
  for (size_t i = 0; i < n; i++) free(list[i]);
  free(list);
}

static int term_width(EditLine *el) {
  int cols = 0;
  if (el_get(el, EL_GETTC, "co", &cols, NULL) != 0 || cols <= 0) cols = 80;
  return cols;
}

static unsigned char el_complete(EditLine *el, int ch) {
  (void)ch;
  const LineInfo *li = el_line(el);
  size_t n = (size_t)(li->cursor - li->buffer), count, wlen;
  size_t blank = 0;
  while (blank < n && isspace((unsigned char)li->buffer[blank])) blank++;
  if (blank == n) { /* indentation, as in pasted code */
    el_insertstr(el, "\t");
    return CC_REFRESH;
  }
  char **list = candidates(g_repl, li->buffer, n, &count, &wlen);
  if (!count) {
    free(list);
    return CC_REFRESH_BEEP;
  }
  /* the longest common prefix */
  size_t common = strlen(list[0]);
  for (size_t i = 1; i < count; i++) {
    size_t k = 0;
    while (k < common && list[i][k] == list[0][k]) k++;
    common = k;
  }
  unsigned char rc;
  if (common > wlen) {
    char *ins = strndup(list[0] + wlen, common - wlen);
    if (ins) el_insertstr(el, ins);
    free(ins);
    if (count == 1 && li->buffer[0] == ':' && !memchr(li->buffer, ' ', n))
      el_insertstr(el, " ");
    rc = CC_REFRESH;
  } else if (count == 1) {
    rc = CC_REFRESH; /* already complete */
  } else {
    size_t w = 0;
    for (size_t i = 0; i < count; i++)
      if (strlen(list[i]) > w) w = strlen(list[i]);
    int cols = term_width(el) / (int)(w + 2);
    if (cols < 1) cols = 1;
    size_t rows = (count + (size_t)cols - 1) / (size_t)cols;
    fputc('\n', stdout);
    for (size_t row = 0; row < rows; row++) {
      for (size_t col = 0; col < (size_t)cols; col++) {
        size_t i = col * rows + row;
        if (i >= count) break;
        int last = col + 1 == (size_t)cols || i + rows >= count;
        if (last) fputs(list[i], stdout);
        else fprintf(stdout, "%-*s", (int)(w + 2), list[i]);
      }
      fputc('\n', stdout);
    }
    fflush(stdout);
    rc = CC_REDISPLAY;
  }
  free_list(list, count);
  return rc;
}

/* ^C at the prompt: show it, drop the line */
static unsigned char el_interrupt(EditLine *el, int ch) {
  (void)ch;
  const LineInfo *li = el_line(el);
  /* move the terminal's cursor to the end of the line */
  fwrite(li->cursor, 1, (size_t)(li->lastchar - li->cursor), stdout);
  fputs("^C", stdout);
  fflush(stdout);
  g_cancel = 1;
  return CC_NEWLINE;
}

/* libedit's read function: bytes to wide characters, Ctrl-C and window
 * size changes seen while waiting for a key */
static int read_char(EditLine *el, wchar_t *wc) {
  mbstate_t ps;
  memset(&ps, 0, sizeof ps);
  for (;;) {
    if (g_intr) {
      g_intr = 0;
      *wc = 3; /* ^C, bound to el_interrupt */
      return 1;
    }
    if (g_winch) {
      g_winch = 0;
      el_resize(el);
    }
    char ch;
    ssize_t k = read(STDIN_FILENO, &ch, 1);
    if (k == 0) return 0;
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    wchar_t w;
    size_t rc = mbrtowc(&w, &ch, 1, &ps);
    if (rc == (size_t)-2) continue; /* more bytes of this character */
    if (rc == (size_t)-1) {
      memset(&ps, 0, sizeof ps);
      w = (wchar_t)(unsigned char)ch;
    }
    *wc = w;
    return 1;
  }
}

static int g_cont; /* the continuation prompt */
static char *prompt_fn(EditLine *el) {
  (void)el;
  return g_cont ? PROMPT2 : PROMPT;
}

/* ---- session -------------------------------------------------------------- */

static int pending_add(repl *r, const char *line, size_t n) {
  size_t need = r->plen + n + 2;
  if (need > r->pcap) {
    size_t cap = r->pcap ? r->pcap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(r->pending, cap);
    if (!p) return -1;
    r->pending = p;
    r->pcap = cap;
  }
  if (r->plen) r->pending[r->plen++] = '\n';
  memcpy(r->pending + r->plen, line, n);
  r->plen += n;
  r->pending[r->plen] = '\0';
  return 0;
}

static void history_path(repl *r) {
  const char *env = getenv("REVL_HISTORY");
  r->histfile[0] = '\0';
  if (env) {
    snprintf(r->histfile, sizeof r->histfile, "%s", env);
    return;
  }
  const char *home = getenv("HOME");
  if (home && home[0]) snprintf(r->histfile, sizeof r->histfile, "%s/.revl_history", home);
}

static void history_add(repl *r, const char *line) {
  HistEvent ev;
  const char *p = line;
  while (isspace((unsigned char)*p)) p++;
  if (!*p || !r->hist) return;
  history(r->hist, &ev, H_ENTER, line);
  if (r->histfile[0]) history(r->hist, &ev, H_SAVE, r->histfile);
}

static int interactive(repl *r) {
  HistEvent ev;
  setlocale(LC_CTYPE, "");
  history_path(r);
  r->hist = history_init();
  if (r->hist) {
    history(r->hist, &ev, H_SETSIZE, 1000);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    if (r->histfile[0]) history(r->hist, &ev, H_LOAD, r->histfile);
  }
  r->el = el_init("revl", stdin, stdout, stderr);
  if (!r->el) {
    fprintf(stderr, "revl: cannot start line editing\n");
    return REVL_EXIT_DATA;
  }
  EditLine *el = r->el;
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_PROMPT, prompt_fn);
  el_set(el, EL_GETCFN, read_char);
  if (r->hist) el_set(el, EL_HIST, history, r->hist);
  /* el_wset: the narrow EL_ADDFN copies its strings and never frees them */
  el_wset(el, EL_ADDFN, L"revl-complete", L"complete a name", el_complete);
  el_set(el, EL_BIND, "^I", "revl-complete", NULL);
  el_wset(el, EL_ADDFN, L"revl-interrupt", L"discard the line", el_interrupt);
  el_set(el, EL_BIND, "^C", "revl-interrupt", NULL);
  el_source(el, NULL); /* ~/.editrc */

  if (r->playbook) {
    g_presses = 0;
    g_running = 1;
    revl_rt_run_file(r->rt, r->playbook);
    command_done(r);
    fflush(stdout);
  }
  printf("revl %s -- :help for commands, Ctrl-D to quit\n", REVL_VERSION);
  fflush(stdout);

  for (;;) {
    int count = 0;
    g_cont = r->plen > 0;
    g_cancel = 0;
    const char *got = el_gets(el, &count);
    if (g_cancel) {
      g_cancel = 0;
      fputc('\n', stdout);
      fflush(stdout);
      r->plen = 0;
      continue;
    }
    if (!got) {
      if (count < 0 && errno == EINTR) continue;
      fputc('\n', stdout);
      break;
    }
    size_t n = strlen(got);
    while (n > 0 && (got[n - 1] == '\n' || got[n - 1] == '\r')) n--;
    char *line = strndup(got, n);
    if (!line) break;
    history_add(r, line);
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (r->plen == 0 && p[0] == ':' && isalpha((unsigned char)p[1])) {
      int quit = run_command(r, line);
      free(line);
      if (quit) break;
      continue;
    }
    if (r->plen == 0 && !*p) {
      free(line);
      continue;
    }
    if (pending_add(r, line, n)) {
      free(line);
      fprintf(stderr, "revl: out of memory\n");
      r->plen = 0;
      continue;
    }
    free(line);
    if (!eval_pending(r)) r->plen = 0;
  }
  fflush(stdout);
  el_end(el);
  r->el = NULL;
  if (r->hist) history_end(r->hist);
  r->hist = NULL;
  return REVL_EXIT_OK;
}

/* stdin is not a terminal: run it as one chunk */
static int script(repl *r) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  if (!buf) {
    fprintf(stderr, "revl: out of memory\n");
    return REVL_EXIT_DATA;
  }
  for (;;) {
    if (n == cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        fprintf(stderr, "revl: out of memory\n");
        return REVL_EXIT_DATA;
      }
      buf = nb;
      cap *= 2;
    }
    size_t k = fread(buf + n, 1, cap - n, stdin);
    n += k;
    if (k == 0) break;
  }
  if (ferror(stdin)) {
    free(buf);
    fprintf(stderr, "revl: stdin: %s\n", strerror(errno));
    return REVL_EXIT_DATA;
  }
  int rc = REVL_EXIT_OK;
  if (r->playbook) {
    rc = revl_rt_run_file(r->rt, r->playbook);
    if (rc != REVL_EXIT_OK && rc != REVL_EXIT_FAIL) {
      free(buf);
      return rc;
    }
  }
  lua_State *L = r->L;
  int top = lua_gettop(L), base;
  const char *src = buf;
  size_t len = n;
  if (len >= 1 && src[0] == '#') { /* a #! line */
    while (len && *src != '\n') src++, len--;
  }
  int st = revl_rt_exec(r->rt, src, len, "=stdin", &base);
  if (st != LUA_OK) {
    report(r, st);
    rc = REVL_EXIT_SCRIPT;
  } else {
    if (lua_gettop(L) > base && lua_isboolean(L, base + 1) && !lua_toboolean(L, base + 1))
      rc = REVL_EXIT_FAIL;
    if (rc == REVL_EXIT_OK) rc = revl_rt_status(r->rt);
  }
  lua_settop(L, top);
  fflush(stdout);
  free(buf);
  return rc;
}

int cmd_repl(int argc, char **argv) {
  revl_rt_opts o;
  const char *playbook;
  const char **params;
  int rc = cli_parse_run_opts("repl", argc, argv, &o, &playbook, &params);
  if (rc >= 0) return rc;
  int tty = isatty(STDIN_FILENO);
  o.playbook = playbook;
  o.interactive = tty;
  revl_error err;
  revl_rt *rt = revl_rt_new(&o, &err);
  if (!rt) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  repl r;
  memset(&r, 0, sizeof r);
  r.rt = rt;
  r.L = revl_rt_lua(rt);
  r.playbook = playbook;
  r.max_memory_mb = (int)(o.max_memory / (1024 * 1024));
  lua_State *L = r.L;
  lua_getglobal(L, "revl");
  r.module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  g_repl = &r;
  if (tty) {
    /* package.loaded as it is before any playbook, for :reload */
    lua_newtable(L);
    lua_getglobal(L, "package");
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "loaded");
      if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          lua_pushboolean(L, 1);
          lua_rawset(L, -6);
        }
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    r.loaded_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    g_rt = rt;
    install_handlers();
    rc = interactive(&r);
    g_rt = NULL;
  } else {
    rc = script(&r);
  }
  g_repl = NULL;
  free(r.pending);
  revl_rt_free(rt);
  return rc;
}
