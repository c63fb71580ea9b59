/*
 * repl_cmds.c -- the REPL's :commands (:help, :tables, :schema, :load,
 * :reload, :time, :trace, :quit): each runs the session's helpers in
 * lua/pretty.lua or the runtime and prints what they return.
 */
#include <ctype.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"
#include "revl/runtime.h"

static const char repl_help[] =
    "Lua with the revl module; an expression prints its value.\n"
    "  :tables          loaded tables with their row and column counts\n"
    "  :schema TABLE    columns of a table: type, nulls, key, references\n"
    "  :load DIR        load a data directory (revl.load)\n"
    "  :reload          run the playbook given on the command line again\n"
    "  :time            print the wall time of each command (toggle)\n"
    "  :trace [on|off]  the last error's whole traceback (Lua and revl\n"
    "                   frames); on: every error shows it (default off:\n"
    "                   the message line only)\n"
    "  :help            this text\n"
    "  :quit            leave (or Ctrl-D)\n"
    "Tab completes globals, fields, table and column names.  Ctrl-C stops\n"
    "a running command or clears the line.  Locals last one line: use\n"
    "globals to keep values.  revl.show(x [, {rows = N}]) prints like the\n"
    "REPL does.\n";

/* Call the function below nargs arguments at the top; the result strings
 * are printed (nil + message: printed as an error).  0 on success. */
static int call_and_print(repl *r, int nargs) {
  lua_State *L = r->L;
  int fn = lua_gettop(L) - nargs;
  repl_command_start(r);
  int st = lua_pcall(L, nargs, 2, 0);
  repl_command_done(r);
  if (st != LUA_OK) {
    repl_report(r, st);
    lua_settop(L, fn - 1);
    return -1;
  }
  int rc = 0;
  if (lua_type(L, -2) == LUA_TSTRING) {
    printf("%s\n", lua_tostring(L, -2));
  } else if (lua_isnil(L, -2) && lua_type(L, -1) == LUA_TSTRING) {
    repl_error("%s", lua_tostring(L, -1));
    rc = -1;
  }
  fflush(stdout);
  lua_settop(L, fn - 1);
  return rc;
}

static void cmd_tables(repl *r) {
  if (!repl_push_helper(r, "tables")) return;
  call_and_print(r, 0);
}

static void cmd_schema(repl *r, const char *arg) {
  if (!*arg) {
    repl_error(":schema needs a table name (:tables lists them)");
    return;
  }
  if (!repl_push_helper(r, "schema")) return;
  lua_pushstring(r->L, arg);
  call_and_print(r, 1);
}

static void cmd_load(repl *r, const char *arg) {
  lua_State *L = r->L;
  if (!*arg) {
    repl_error(":load needs a data directory");
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
    repl_error(":reload runs the PLAYBOOK given on the command line "
               "(revl repl PLAYBOOK); there is none");
    return;
  }
  forget_modules(r);
  double t0 = repl_now();
  repl_command_start(r);
  int rc = revl_rt_run_file(r->rt, r->playbook);
  repl_command_done(r);
  if (rc == REVL_EXIT_OK || rc == REVL_EXIT_FAIL) printf("reloaded %s\n", r->playbook);
  if (r->timing) printf("(%.1f ms)\n", (repl_now() - t0) * 1e3);
  fflush(stdout);
}

/* :trace prints the last error in full; :trace on|off chooses what
 * later errors show. */
static void cmd_trace(repl *r, const char *arg) {
  if (!strcmp(arg, "on") || !strcmp(arg, "off")) {
    r->trace = arg[1] == 'n';
    printf("trace %s\n", r->trace ? "on" : "off");
  } else if (*arg) {
    repl_error(":trace takes on or off, not '%s'", arg);
  } else if (!r->last_error) {
    printf("no error yet\n");
  } else {
    const char *tb = strstr(r->last_error, "\nstack traceback:");
    repl_error("%.*s", tb ? (int)(tb - r->last_error) : (int)strlen(r->last_error),
               r->last_error);
    if (tb) fprintf(stderr, "%s%s%s\n", cli_sgr_fd(2, "dim"), tb + 1, cli_sgr_fd(2, "reset"));
    else fprintf(stderr, "(no traceback)\n");
    fflush(stderr);
  }
}

const char *const repl_commands[] = {"help", "tables", "schema", "load",
                                       "reload", "time", "trace", "quit", NULL};

/* A line starting with ':' and a letter.  Returns 1 to quit. */
int repl_run_command(repl *r, const char *line) {
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
  } else if (!strcmp(name, "trace")) {
    cmd_trace(r, argbuf);
  } else if (!strcmp(name, "time")) {
    r->timing = !r->timing;
    printf("timing %s\n", r->timing ? "on" : "off");
  } else {
    revl_near nr;
    revl_near_init(&nr, name);
    for (int i = 0; repl_commands[i]; i++) revl_near_add(&nr, repl_commands[i]);
    if (nr.best && revl_near_hint(&nr, argbuf, sizeof argbuf)[0])
      repl_error("unknown command ':%s' (did you mean ':%s'?)", name, nr.best);
    else
      repl_error("unknown command ':%s' (:help lists the commands)", name);
  }
  fflush(stdout);
  return 0;
}
