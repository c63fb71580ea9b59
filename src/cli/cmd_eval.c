/*
 * cmd_eval.c -- `revl eval EXPR`: evaluate one Lua expression (or the
 * chunk of -f FILE) over the data and print its values: a frame or a
 * view as a table on a terminal and as CSV in a pipe, or in the format
 * --format names (src/lua/l_eval.c prints them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "revl/runtime.h"

const char cli_usage_eval[] =
    "usage: revl eval EXPR [--data DIR] [--table NAME=PATH]...\n"
    "                 [--format table|csv|jsonl|json]\n"
    "       revl eval -f FILE [--data DIR] [--format ...]\n"
    "                 [run options]\n"
    "\n"
    "Evaluate a Lua expression with the revl module over the data and\n"
    "print its value; several values print one after the other.  A\n"
    "statement that is not an expression runs as a chunk and prints\n"
    "what it returns.  With -f, FILE is such a chunk.\n"
    "\n"
    "  --format F   table (aligned text, the REPL's), csv, jsonl (one JSON\n"
    "               object per record) or json (one array); default: table\n"
    "               on a terminal, csv otherwise\n"
    "  -f FILE      read the code from FILE ('-' for standard input)\n"
    "  --table NAME=PATH  table NAME from PATH (- for standard input), with\n"
    "               or without --data\n"
    "  run options  --data --map --as-of --out --set --strict --timeout\n"
    "               --max-memory --allow-io --fiscal-start, as for revl run\n"
    "\n"
    "Records (views, frames, rules frames, lists of tables) print as rows;\n"
    "money and dates as the outputs write them; other values one per line.\n"
    "\n"
    "  revl eval 'revl.deals:where{is_closed = false}:group_by(\"owner\",\n"
    "             {total = {\"sum\", \"amount\"}})' --data DIR | sort -t, -k2\n"
    "\n"
    "Exit status: 0 ok, 2 usage or data error, 3 script error.\n";

/* The whole of path ('-': stdin) in a malloc'd buffer, or NULL. */
static char *slurp(const char *path, size_t *n) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, len = 0;
  char *b = malloc(cap);
  while (b) {
    size_t k = fread(b + len, 1, cap - len, f);
    len += k;
    if (len < cap) break;
    char *nb = cap < ((size_t)64 << 20) ? realloc(b, cap * 2) : NULL;
    if (!nb) {
      free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap *= 2;
  }
  if (f != stdin) fclose(f);
  *n = len;
  return b;
}

static void report(lua_State *L) {
  fflush(stdout);
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "revl: %s\n", msg ? msg : "(error object is not a string)");
}

int cmd_eval(int argc, char **argv) {
  /* take --format and -f out; the rest are run options */
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  if (!rest) return REVL_EXIT_DATA;
  const char *fmt_s = NULL, *file = NULL;
  int nrest = 0, rc;
  rest[nrest++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
      if (i + 1 >= argc) {
        free(rest);
        return cli_usage_error("eval", "%s needs a value", a);
      }
      if (a[1] == 'f') file = argv[++i];
      else fmt_s = argv[++i];
    } else if (strncmp(a, "--format=", 9) == 0) {
      fmt_s = a + 9;
    } else {
      rest[nrest++] = argv[i];
    }
  }
  int fmt = cli_default_format();
  if (fmt_s && cli_parse_format("eval", fmt_s, CLI_FMT_ALL, &fmt) != 0) {
    free(rest);
    return REVL_EXIT_DATA;
  }
  revl_rt_opts o;
  const char *expr;
  const char **params;
  rc = cli_parse_run_opts("eval", nrest, rest, &o, &expr, &params);
  free(rest);
  if (rc >= 0) return rc;
  if (file && expr) return cli_usage_error("eval", "give EXPR or -f FILE, not both");
  if (!file && !expr) return cli_usage_error("eval", "EXPR is required (or -f FILE)");

  char *src = NULL;
  size_t n = 0;
  char name[300];
  if (file) {
    src = slurp(file, &n);
    if (!src) {
      fprintf(stderr, "revl: %s: cannot read: %s\n", file, "no such file or unreadable");
      return REVL_EXIT_DATA;
    }
    snprintf(name, sizeof name, "@%s", strcmp(file, "-") == 0 ? "<stdin>" : file);
    o.playbook = strcmp(file, "-") == 0 ? NULL : file;
  } else {
    size_t k = strlen(expr);
    src = malloc(k + 8);
    if (!src) return REVL_EXIT_DATA;
    memcpy(src, "return ", 7);
    memcpy(src + 7, expr, k + 1);
    n = k + 7;
    snprintf(name, sizeof name, "=eval");
  }
  revl_error err;
  revl_rt *rt = revl_rt_new(&o, &err);
  if (!rt) {
    free(src);
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  lua_State *L = revl_rt_lua(rt);
  if (!file) { /* `return EXPR` when that compiles, else EXPR as a chunk */
    int top = lua_gettop(L);
    int ok = luaL_loadbufferx(L, src, n, name, "t") == LUA_OK;
    lua_settop(L, top);
    if (!ok) {
      memmove(src, src + 7, n - 6);
      n -= 7;
    }
  }
  int base, st = revl_rt_exec(rt, src, n, name, &base);
  free(src);
  rc = REVL_EXIT_OK;
  if (st != LUA_OK) {
    report(L);
    rc = REVL_EXIT_SCRIPT;
  } else {
    int top = lua_gettop(L);
    for (int i = base + 1; i <= top; i++) {
      if (revl_rt_print_value(rt, i, fmt) != LUA_OK) {
        report(L);
        rc = REVL_EXIT_SCRIPT;
        break;
      }
    }
  }
  fflush(stdout);
  if (rc == REVL_EXIT_OK) rc = revl_rt_status(rt);
  rc = revl_rt_settle(rt, rc);
  int crc = revl_rt_close(rt);
  if (rc == REVL_EXIT_OK) rc = crc;
  revl_rt_free(rt);
  return rc;
}
