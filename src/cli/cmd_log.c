/*
 * cmd_log.c -- `revl log FILE`: a decision log with its run's metadata
 * joined back onto every row (src/output/logread.c does the reading),
 * for readers that want the one-file layout: CSV as logs were written
 * before run_id, JSON Lines or one JSON array.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/logread.h"
#include "revl/runtime.h"

const char cli_usage_log[] =
    "usage: revl log FILE [--format csv|jsonl|json]\n"
    "\n"
    "Print a decision log written by revl.log with its run's metadata on\n"
    "every row.  FILE is NAME.csv (its rows carry a run_id; the record is\n"
    "NAME.run.json beside it) or NAME.jsonl (rows under their {\"run\": ...}\n"
    "line; several runs may be concatenated).\n"
    "\n"
    "  --format F   csv (default): the rows' columns, then as_of, playbook,\n"
    "               commit, dirty, revl_version, seed, inputs (file=sha256;...)\n"
    "               jsonl: each row with \"run\": the run record; json: the\n"
    "               same rows as one array\n"
    "\n"
    "  revl log out/icp_decisions.csv | grep ',D3,'\n"
    "  revl log out/icp_decisions.jsonl --format jsonl | jq -c '{id, commit: .run.commit}'\n"
    "\n"
    "Exit status: 0 ok, 2 usage error, or FILE is not a revl decision log.\n";

int cmd_log(int argc, char **argv) {
  cli_args a;
  const char *file = NULL, *fmt_s = NULL;
  cli_args_init(&a, "log", argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--format", &fmt_s)) continue;
    const char *arg = argv[a.i];
    if (arg[0] == '-' && arg[1]) return cli_unknown_option("log", arg);
    if (file) return cli_usage_error("log", "unexpected argument '%s'", arg);
    file = arg;
    a.i++;
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!file) return cli_usage_error("log", "FILE is required");
  int fmt = REVL_FMT_CSV;
  unsigned ok = 1u << REVL_FMT_CSV | 1u << REVL_FMT_JSONL | 1u << REVL_FMT_JSON;
  if (fmt_s && strcmp(fmt_s, "table") == 0)
    return cli_usage_error("log", "--format table is not offered for logs (csv, jsonl or json; "
                           "revl eval prints tables)");
  if (fmt_s && cli_parse_format("log", fmt_s, ok, &fmt)) return REVL_EXIT_DATA;
  revl_error err;
  revl_csvw *w = revl_csvw_open_stream(stdout, "<stdout>", fmt == REVL_FMT_JSON, &err);
  if (!w) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  int rc = revl_log_rejoin(file, w, fmt != REVL_FMT_CSV, &err);
  if (rc) {
    revl_csvw_abort(w);
    fflush(stdout);
    revl_error_print(&err);
    return revl_exit_code(rc);
  }
  if (revl_csvw_commit(w, &err)) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  return REVL_EXIT_OK;
}
