/*
 * cmd_explain.c -- `revl explain PLAYBOOK --data DIR --id ID`: run the
 * playbook with its prints silenced and its outputs discarded (unless
 * --out is given), remembering the
 * models, routing results and funnel audits it builds (lua/explain.lua),
 * then print everything they decided about one record.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>

#include "cli.h"
#include "revl/runtime.h"

const char cli_usage_explain[] =
    "usage: revl explain PLAYBOOK --id ID [--table T] [--format F] [--json]\n"
    "                    [--data DIR] [--as-of DATE] [run options]\n"
    "\n"
    "Run the playbook and print every decision it made about one record:\n"
    "ICP and health points per criterion with the value seen (met or not),\n"
    "caps, tier and label; routing rule by rule with who was skipped and\n"
    "why; the funnel audit of the record's stage.  The playbook's prints\n"
    "are silenced and its outputs are checked but not written (nor\n"
    "formatted) unless --out is given.\n"
    "\n"
    "  --id ID      the record's key\n"
    "  --table T    the table the key belongs to (when several have it)\n"
    "  --format F   table (default, also in a pipe: the report above), or one\n"
    "               record per step of a decision (id, table, kind, name,\n"
    "               defined_at, step, group, criterion, value, points, met,\n"
    "               detail) in csv, jsonl or json\n"
    "  --json       one nested JSON object instead of text\n"
    "  run options  --data --map --as-of --out --set --strict --timeout\n"
    "               --max-memory --allow-io --fiscal-start, as for revl run\n"
    "\n"
    "Exit status: 0 ok, 2 usage or data error (an unknown id), 3 script\n"
    "error.\n";

static int rm_entry(const char *p, const struct stat *sb, int flag,
                    struct FTW *f) {
  (void)sb;
  (void)flag;
  (void)f;
  return remove(p);
}

void cli_rm_tree(const char *dir) {
  if (dir && *dir) nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *cli_lua_str(char *buf, size_t n, const char *s) {
  if (!s) return "nil";
  if (strstr(s, "]==]")) return NULL;
  snprintf(buf, n, "[==[%s]==]", s);
  return buf;
}

int cmd_explain(int argc, char **argv) {
  const char *id = NULL, *table = NULL;
  int json = 0, fmt = REVL_FMT_TABLE, have_out = 0, rc;
  char **rargv = calloc((size_t)argc + 4, sizeof *rargv);
  if (!rargv) return REVL_EXIT_DATA;
  int rargc = 0;
  rargv[rargc++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--json") == 0) {
      json = 1;
    } else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
      const char *v = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
      if (!v) {
        free(rargv);
        return cli_usage_error("explain", "option --format needs a value");
      }
      if (cli_parse_format("explain", v, CLI_FMT_ALL, &fmt)) {
        free(rargv);
        return REVL_EXIT_DATA;
      }
    } else if (strcmp(a, "--id") == 0 || strcmp(a, "--table") == 0) {
      if (i + 1 >= argc) {
        free(rargv);
        return cli_usage_error("explain", "%s needs a value", a);
      }
      if (a[2] == 'i') id = argv[++i];
      else table = argv[++i];
    } else if (strncmp(a, "--id=", 5) == 0) {
      id = a + 5;
    } else if (strncmp(a, "--table=", 8) == 0) {
      table = a + 8;
    } else {
      if (strcmp(a, "--out") == 0 || strncmp(a, "--out=", 6) == 0) have_out = 1;
      rargv[rargc++] = argv[i];
    }
  }
  char tmp[512] = "";
  if (!have_out) {
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/revl-explain-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp)) {
      free(rargv);
      fprintf(stderr, "revl: explain: cannot create a temporary directory\n");
      return REVL_EXIT_DATA;
    }
    rargv[rargc++] = "--out";
    rargv[rargc++] = tmp;
  }
  revl_rt_opts o;
  const char *playbook, **params;
  rc = cli_parse_run_opts("explain", rargc, rargv, &o, &playbook, &params);
  revl_rt *rt = NULL;
  if (rc >= 0) goto out;
  rc = REVL_EXIT_DATA;
  if (!playbook) {
    cli_usage_error("explain", "PLAYBOOK is required");
    goto out;
  }
  if (!id) {
    cli_usage_error("explain", "--id ID is required");
    goto out;
  }
  char qid[1200], qt[300], src[1700];
  const char *sid = cli_lua_str(qid, sizeof qid, id), *st = cli_lua_str(qt, sizeof qt, table);
  if (!sid || !st || strlen(id) > 1000 || (table && strlen(table) > 200)) {
    cli_usage_error("explain", "that id or table name cannot be looked up");
    goto out;
  }
  o.playbook = playbook;
  revl_error err;
  rt = revl_rt_new(&o, &err);
  if (!rt) {
    revl_error_print(&err);
    rc = revl_exit_code(err.code);
    goto out;
  }
  if (!have_out) revl_rt_set_discard(rt, 1); /* nothing is kept: no cost */
  int base;
  static const char watch[] =
      "revl._explain_watch(); print = function() end; "
      "for _, k in ipairs{'show', 'print'} do "
      "if revl[k] then revl[k] = function() end end end";
  if (revl_rt_exec(rt, watch, sizeof watch - 1, "=revl explain", &base) != LUA_OK) {
    fprintf(stderr, "revl: explain: %s\n", lua_tostring(revl_rt_lua(rt), -1));
    rc = REVL_EXIT_SCRIPT;
    goto out;
  }
  rc = revl_rt_run_file(rt, playbook);
  if (rc == REVL_EXIT_SCRIPT || rc == REVL_EXIT_DATA) goto out;
  if (json && fmt != REVL_FMT_TABLE) {
    rc = cli_usage_error("explain", "--json and --format %s: choose one",
                         fmt == REVL_FMT_CSV ? "csv" : fmt == REVL_FMT_JSONL ? "jsonl" : "json");
    goto out;
  }
  int n = snprintf(src, sizeof src, "return revl._explain(%s, %s, %s)", sid, st,
                   json ? "'json'" : fmt != REVL_FMT_TABLE ? "'records'" : "nil");
  lua_State *L = revl_rt_lua(rt);
  if (revl_rt_exec(rt, src, (size_t)n, "=revl explain", &base) != LUA_OK) {
    fprintf(stderr, "revl: explain: %s\n", lua_tostring(L, -1));
    rc = REVL_EXIT_SCRIPT;
    goto out;
  }
  if (lua_isnil(L, base + 1)) {
    const char *m = lua_tostring(L, base + 2);
    fprintf(stderr, "revl: explain: %s\n", m ? m : "no such record");
    rc = REVL_EXIT_DATA;
    goto out;
  }
  if (fmt != REVL_FMT_TABLE && !json) {
    revl_rt_set_discard(rt, 0); /* the records go to stdout */
    if (revl_rt_print_value(rt, base + 1, fmt) != LUA_OK) {
      fprintf(stderr, "revl: explain: %s\n", lua_tostring(L, -1));
      rc = REVL_EXIT_SCRIPT;
      goto out;
    }
  } else {
    fputs(lua_tostring(L, base + 1), stdout);
  }
  rc = REVL_EXIT_OK;
out:
  if (rt) {
    rc = revl_rt_settle(rt, rc);
    int crc = revl_rt_close(rt);
    if (rc == REVL_EXIT_OK) rc = crc;
    revl_rt_free(rt);
  }
  if (*tmp) cli_rm_tree(tmp);
  free(rargv);
  return rc;
}
