/*
 * cmd_run.c -- `revl run PLAYBOOK`: load the data, run the playbook,
 * exit as DESIGN.md says.  Also the option parsing `revl repl` shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "revl/parse.h"
#include "revl/runtime.h"

const char cli_usage_run[] =
    "usage: revl run PLAYBOOK [--data DIR] [--table NAME=PATH]... [--map FILE]\n"
    "                [--as-of DATE] [--out DIR] [--set KEY=VALUE]... [--strict]\n"
    "                [--timeout SECONDS] [--max-memory MB] [--allow-io]\n"
    "                [--fiscal-start MONTH] [--format table|csv|jsonl|json]\n"
    "                [--color auto|always|never]\n"
    "\n"
    "Run a Lua playbook with the revl module over a data directory.\n"
    "\n"
    "  --data DIR        load the CSV exports in DIR (same as revl.load)\n"
    "  --table NAME=PATH load table NAME from PATH (- for standard input),\n"
    "                    with or without --data (it wins over DIR's file)\n"
    "  --map FILE        mapping file (default: DIR/mapping.lua)\n"
    "  --as-of DATE      the run's date (YYYY-MM-DD); default: today\n"
    "  --out DIR         where outputs and rejects are written (default: out);\n"
    "                    - sends the playbook's one output to standard output\n"
    "  --set KEY=VALUE   a parameter, read as revl.params.KEY\n"
    "  --strict          stop at the first bad row in the data (exit 2)\n"
    "  --timeout S       stop the run after S seconds (exit 3)\n"
    "  --max-memory MB   cap the Lua heap (exit 3 when exceeded)\n"
    "  --allow-io        give the playbook io, os, debug and package.loadlib\n"
    "  --fiscal-start M  first month of the fiscal year (1-12, default 1)\n"
    "  --format F        how revl.print prints frames and values: table, csv,\n"
    "                    jsonl or json; default: table on a terminal, csv otherwise\n"
    "  --color WHEN      auto (default: only on a terminal, and not when\n"
    "                    NO_COLOR is set), always or never\n"
    "\n"
    "Exit status: 0 ok, 1 checks failed or the playbook returned false,\n"
    "2 usage, data or I/O error, 3 script error (including limits).\n";

/* Today's date: the one place revl reads the clock, and only when the
 * caller did not give --as-of.  The date is printed in run metadata. */
static int32_t today(void) {
  time_t t = time(NULL);
  return (int32_t)(t / 86400);
}

int cli_parse_run_opts(const char *cmd, int argc, char **argv,
                       revl_rt_opts *o, const char **playbook,
                       const char ***params_out);
int cli_parse_run_opts(const char *cmd, int argc, char **argv,
                       revl_rt_opts *o, const char **playbook,
                       const char ***params_out) {
  cli_args a;
  const char *as_of = NULL, *v;
  static const char *params[256], *tables[64];
  cli_args_init(&a, cmd, argc, argv);
  memset(o, 0, sizeof *o);
  o->fiscal_start = 1;
  o->format = cli_default_format();
  *playbook = NULL;
  while (cli_more(&a)) {
    if (cli_opt(&a, "--data", &o->data_dir)) continue;
    if (cli_opt(&a, "--map", &o->map_file)) continue;
    if (cli_opt(&a, "--table", &v)) {
      if (a.err) break;
      const char *eq = strchr(v, '=');
      if (!eq || eq == v || !eq[1])
        return cli_usage_error(cmd, "--table needs NAME=PATH (PATH - for "
                               "standard input), not '%s'", v);
      if (o->ntables == 64) return cli_usage_error(cmd, "too many --table");
      tables[o->ntables++] = v;
      o->tables = tables;
      continue;
    }
    if (cli_opt(&a, "--out", &o->out_dir)) continue;
    if (cli_opt(&a, "--format", &v)) {
      if (a.err) break;
      if (cli_parse_format(cmd, v, CLI_FMT_ALL, &o->format)) return REVL_EXIT_DATA;
      continue;
    }
    if (cli_opt(&a, "--color", &v)) {
      if (a.err) break;
      if (cli_parse_color(cmd, v)) return REVL_EXIT_DATA;
      continue;
    }
    if (cli_opt(&a, "--as-of", &as_of)) continue;
    if (cli_flag(&a, "--strict")) { o->strict = 1; continue; }
    if (cli_flag(&a, "--allow-io")) { o->allow_io = 1; continue; }
    if (cli_opt(&a, "--set", &v)) {
      if (a.err) break;
      if (!strchr(v, '=') || v[0] == '=')
        return cli_usage_error(cmd, "--set needs KEY=VALUE, not '%s'", v);
      if (o->nparams == 256) return cli_usage_error(cmd, "too many --set");
      params[o->nparams++] = v;
      continue;
    }
    if (cli_opt(&a, "--timeout", &v)) {
      if (a.err) break;
      char *end;
      o->timeout = strtod(v, &end);
      if (*end || o->timeout <= 0)
        return cli_usage_error(cmd, "--timeout needs a positive number of seconds");
      continue;
    }
    if (cli_opt(&a, "--max-memory", &v)) {
      if (a.err) break;
      long long mb;
      if (cli_parse_count(cmd, "--max-memory", v, &mb)) return REVL_EXIT_DATA;
      if (mb < 1) return cli_usage_error(cmd, "--max-memory needs at least 1 MB");
      o->max_memory = (size_t)mb * 1024 * 1024;
      continue;
    }
    if (cli_opt(&a, "--fiscal-start", &v)) {
      if (a.err) break;
      long long m;
      if (cli_parse_count(cmd, "--fiscal-start", v, &m)) return REVL_EXIT_DATA;
      if (m < 1 || m > 12) return cli_usage_error(cmd, "--fiscal-start must be 1-12");
      o->fiscal_start = (int)m;
      continue;
    }
    const char *arg = argv[a.i];
    if (arg[0] == '-' && arg[1] != '\0')
      return cli_unknown_option(cmd, arg);
    if (*playbook) return cli_usage_error(cmd, "unexpected argument '%s'", arg);
    *playbook = arg;
    a.i++;
  }
  if (a.err) return REVL_EXIT_DATA;
  if (as_of) {
    if (revl_parse_date(as_of, strlen(as_of), NULL, &o->as_of))
      return cli_usage_error(cmd, "--as-of needs a date like 2025-06-30, not '%s'", as_of);
  } else {
    o->as_of = today();
  }
  o->params = params;
  *params_out = params;
  return -1; /* parsed */
}

int cmd_run(int argc, char **argv) {
  revl_rt_opts o;
  const char *playbook;
  const char **params;
  int rc = cli_parse_run_opts("run", argc, argv, &o, &playbook, &params);
  if (rc >= 0) return rc;
  if (!playbook) return cli_usage_error("run", "PLAYBOOK is required");
  o.playbook = playbook;
  revl_error err;
  revl_rt *rt = revl_rt_new(&o, &err);
  if (!rt) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  rc = revl_rt_run_file(rt, playbook);
  if (rc == REVL_EXIT_FAIL) /* never only through the exit status */
    fprintf(stderr, "revl: %s: %s (exit 1)\n", playbook,
            revl_rt_status(rt) ? "checks failed" : "the playbook returned false");
  int crc = revl_rt_close(rt);
  if (rc == REVL_EXIT_OK) rc = crc;
  revl_rt_free(rt);
  return rc;
}
