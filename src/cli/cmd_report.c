/*
 * cmd_report.c -- `revl report`: the default HTML report of a data
 * directory, no playbook (src/report/, docs/report.md).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "revl/ingest.h"
#include "revl/parse.h"
#include "revl/report.h"
#include "revl/runtime.h"

const char cli_usage_report[] =
    "usage: revl report [PLAYBOOK] --data DIR [--as-of DATE] [--from DATE]\n"
    "                   [--out DIR] [--map FILE] [--fiscal-start M] [--strict]\n"
    "                   [--set KEY=VALUE]...\n"
    "\n"
    "Write DIR/report.html (default out/report.html): one self-contained\n"
    "page (inline CSS and SVG, no script, no network) with the pipeline and\n"
    "weighted pipeline by owner and by close quarter, coverage against\n"
    "quota, win rate, deal size and sales cycle by quarter, the lead funnel,\n"
    "MRR and NRR by month, and the data quality of every table.  Every\n"
    "figure comes from the metric functions a playbook calls.  A section\n"
    "whose table is absent says so; a metric error is shown in its section.\n"
    "With a PLAYBOOK, it runs first and adds its revl.report.section{...}\n"
    "sections (charts: bar, stacked_bar, line, funnel, waterfall, heatmap);\n"
    "revl.report.defaults(false) leaves the default sections out.\n"
    "\n"
    "  --data DIR        directory of CSV exports (required)\n"
    "  --as-of DATE      the report's date (YYYY-MM-DD); default: today\n"
    "  --from DATE       first day of the series; default: the four quarters\n"
    "                    (twelve months for revenue) ending with --as-of\n"
    "  --out DIR         where report.html goes (default: out); written to a\n"
    "                    temporary file and renamed, never outside DIR\n"
    "  --map FILE        mapping file (default: DIR/mapping.lua when present)\n"
    "  --fiscal-start M  first month of the fiscal year (1-12, default 1)\n"
    "  --strict          stop at the first bad row in the data (exit 2)\n"
    "  --set KEY=VALUE   a parameter of the playbook, read as revl.params.KEY\n"
    "\n"
    "Exit status: 0 ok, 1 the playbook's checks failed (the report is\n"
    "written), 2 usage, data or I/O error, 3 script error (no report).\n";

static int parse_day(const char *opt, const char *v, int32_t *out) {
  if (revl_parse_date(v, strlen(v), NULL, out))
    return cli_usage_error("report", "%s needs a date like 2025-06-30, not '%s'", opt, v);
  return 0;
}

/* revl report PLAYBOOK: run it over the data, then the page with its
 * sections.  A script error writes no report; failed checks do. */
static int with_playbook(const char *playbook, const revl_load_opts *lo, revl_report_opts *ro,
                         const char *out, const char **params, int nparams) {
  revl_rt_opts o;
  memset(&o, 0, sizeof o);
  o.data_dir = lo->data_dir;
  o.map_file = lo->map_file;
  o.strict = lo->strict;
  o.out_dir = out;
  o.as_of = ro->as_of;
  o.fiscal_start = ro->fiscal_start;
  o.params = params;
  o.nparams = nparams;
  o.playbook = playbook;
  o.format = cli_default_format();
  revl_error err;
  memset(&err, 0, sizeof err);
  revl_rt *rt = revl_rt_new(&o, &err);
  if (!rt) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  int rc = revl_rt_run_file(rt, playbook);
  if (rc == REVL_EXIT_OK || rc == REVL_EXIT_FAIL) {
    ro->playbook = playbook;
    int wrc = revl_rt_report_write(rt, ro, out, &err);
    if (wrc) {
      revl_error_print(&err);
      rc = revl_exit_code(wrc);
    } else {
      printf("wrote %s/report.html\n", out);
      if (rc == REVL_EXIT_FAIL)
        fprintf(stderr, "revl: %s: %s (exit 1)\n", playbook,
                revl_rt_status(rt) ? "checks failed" : "the playbook returned false");
    }
  }
  int crc = revl_rt_close(rt);
  if (rc == REVL_EXIT_OK) rc = crc;
  revl_rt_free(rt);
  return rc;
}

int cmd_report(int argc, char **argv) {
  cli_args a;
  revl_load_opts lo;
  memset(&lo, 0, sizeof lo);
  const char *out = "out", *as_of = NULL, *from = NULL, *v, *playbook = NULL;
  static const char *params[256];
  int fiscal = 1, nparams = 0;
  cli_args_init(&a, "report", argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--data", &lo.data_dir)) continue;
    if (cli_opt(&a, "--map", &lo.map_file)) continue;
    if (cli_opt(&a, "--out", &out)) continue;
    if (cli_opt(&a, "--as-of", &as_of)) continue;
    if (cli_opt(&a, "--from", &from)) continue;
    if (cli_flag(&a, "--strict")) {
      lo.strict = 1;
      continue;
    }
    if (cli_opt(&a, "--set", &v)) {
      if (a.err) break;
      if (!strchr(v, '=') || v[0] == '=')
        return cli_usage_error("report", "--set needs KEY=VALUE, not '%s'", v);
      if (nparams == 256) return cli_usage_error("report", "too many --set");
      params[nparams++] = v;
      continue;
    }
    if (cli_opt(&a, "--fiscal-start", &v)) {
      if (a.err) break;
      long long m;
      if (cli_parse_count("report", "--fiscal-start", v, &m)) return REVL_EXIT_DATA;
      if (m < 1 || m > 12) return cli_usage_error("report", "--fiscal-start must be 1-12");
      fiscal = (int)m;
      continue;
    }
    const char *arg = argv[a.i];
    if (arg[0] == '-' && arg[1] != '\0') return cli_unknown_option("report", arg);
    if (playbook) return cli_usage_error("report", "unexpected argument '%s'", arg);
    playbook = arg;
    a.i++;
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!lo.data_dir) return cli_usage_error("report", "--data DIR is required");
  if (!out[0]) return cli_usage_error("report", "--out needs a directory");
  if (nparams && !playbook) return cli_usage_error("report", "--set needs a PLAYBOOK");
  revl_report_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.data_dir = lo.data_dir;
  ro.fiscal_start = fiscal;
  if (as_of) {
    if (parse_day("--as-of", as_of, &ro.as_of)) return REVL_EXIT_DATA;
  } else {
    /* today: the one place the report reads the clock, only without
     * --as-of; the date is printed in the report's header */
    ro.as_of = (int32_t)(time(NULL) / 86400);
  }
  if (from) {
    if (parse_day("--from", from, &ro.from)) return REVL_EXIT_DATA;
    if (ro.from > ro.as_of)
      return cli_usage_error("report", "--from (%s) is after the as-of date", from);
    ro.has_from = 1;
  }
  lo.has_as_of = 1; /* an expand runs open subscriptions through it */
  lo.as_of = ro.as_of;
  if (playbook) return with_playbook(playbook, &lo, &ro, out, params, nparams);
  revl_store *s = revl_store_new();
  if (!s) {
    fprintf(stderr, "revl: not enough memory\n");
    return REVL_EXIT_DATA;
  }
  revl_error err;
  memset(&err, 0, sizeof err);
  int rc = revl_load_dir(s, &lo, &err);
  if (!rc) rc = revl_report_write(s, &ro, out, &err);
  revl_store_free(s);
  if (rc) {
    revl_error_print(&err);
    return revl_exit_code(rc);
  }
  printf("wrote %s/report.html\n", out);
  return REVL_EXIT_OK;
}
