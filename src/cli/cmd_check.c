/*
 * cmd_check.c -- `revl check PLAYBOOK [--data DIR]`: the rule linter.
 * Runs the playbook (prints silenced, outputs set aside) over DIR, or
 * over empty tables of the canonical schema, while lua/check.lua
 * examines every definition given to revl.icp / revl.router /
 * revl.funnel; prints each finding as "revl: FILE:LINE:COL: error|
 * warning: message [check]" at the line of the rule it is about.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/ingest.h"
#include "revl/runtime.h"

const char cli_usage_check[] =
    "usage: revl check PLAYBOOK [--data DIR] [--format table|csv|jsonl|json]\n"
    "                  [run options]\n"
    "\n"
    "Lint the rules a playbook defines, against the schema of DIR (or the\n"
    "canonical schema without --data) and, with --data, its values.  Each\n"
    "finding is printed as FILE:LINE:COL: error|warning: message [check]:\n"
    "definition (what the constructor refuses: unknown fields, with the\n"
    "nearest name), op-type (order on a text column), date-number,\n"
    "between-bounds, unreachable-tier (more points than the caps allow),\n"
    "never-matches (no record has the value; --data), duplicate-name,\n"
    "shadowed-rule (after a rule that takes every record), empty-pool\n"
    "(a team without reps or only inactive ones; --data), zero-cap,\n"
    "no-fallback, no-exit-criteria, falling-probability.\n"
    "\n"
    "  --format F   table (default, also in a pipe: the lines above and a\n"
    "               count), or one record per finding (file, line, col,\n"
    "               severity, check, message) in csv, jsonl or json\n"
    "  --json       the same as --format json\n"
    "  run options  --data --map --as-of --set --timeout --max-memory\n"
    "\n"
    "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage\n"
    "or data error, 3 the playbook failed for another reason.\n";

/* The run's error report, kept back in cap, onto stderr. */
static void replay(FILE *cap) {
  if (!cap) return;
  rewind(cap);
  char b[4096];
  size_t k;
  while ((k = fread(b, 1, sizeof b, cap)) > 0) fwrite(b, 1, k, stderr);
}

/* Where needle is written: its occurrence nearest to the definition's
 * line (quoted first: "name", then bare); *line moves there.  Column 1
 * of the line when it is not found. */
static long place(const char *file, long *line, const char *needle) {
  if (!needle || !*needle) return 1;
  FILE *f = fopen(file, "r");
  if (!f) return 1;
  char q[300], buf[4096];
  snprintf(q, sizeof q, "\"%s\"", needle);
  long best_line = 0, best_col = 1, best_d = -1;
  for (int pass = 0; pass < 2 && best_d < 0; pass++) {
    const char *want = pass == 0 ? q : needle;
    rewind(f);
    long n = 0;
    while (fgets(buf, sizeof buf, f)) {
      n++;
      char *p = strstr(buf, want);
      if (!p) continue;
      long d = n > *line ? n - *line : *line - n;
      if (best_d < 0 || d < best_d) {
        best_d = d;
        best_line = n;
        best_col = (long)(p - buf) + 1 + (pass == 0);
      }
    }
  }
  fclose(f);
  if (best_d < 0) return 1;
  *line = best_line;
  return best_col;
}

/* One finding as a record of --format csv|jsonl|json. */
static const char *const finding_cols[] = {"file", "line", "col", "severity",
                                           "check", "message"};
static void put_finding(revl_csvw *w, int json, const char *file, long line,
                        long col, const char *sev, const char *chk,
                        const char *msg) {
  const char *v[6] = {file, NULL, NULL, sev ? sev : "", chk ? chk : "", msg ? msg : ""};
  long nums[6] = {0, line, col, 0, 0, 0};
  if (!json) {
    for (int k = 0; k < 6; k++) {
      if (v[k]) revl_csvw_str(w, v[k]);
      else revl_csvw_int(w, nums[k]);
    }
    revl_csvw_end(w);
    return;
  }
  revl_csvw_raw(w, "{", 1);
  for (int k = 0; k < 6; k++) {
    if (k) revl_csvw_raw(w, ",", 1);
    revl_csvw_json(w, finding_cols[k], strlen(finding_cols[k]));
    revl_csvw_raw(w, ":", 1);
    if (v[k]) {
      revl_csvw_json(w, v[k], strlen(v[k]));
    } else {
      char n[32];
      int len = snprintf(n, sizeof n, "%ld", nums[k]);
      revl_csvw_raw(w, n, (size_t)len);
    }
  }
  revl_csvw_raw(w, "}\n", 2);
}

static const char *field(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1); /* the string stays in the table */
  return s;
}

int cmd_check(int argc, char **argv) {
  int fmt = REVL_FMT_TABLE, have_out = 0, have_data = 0, rc = REVL_EXIT_DATA;
  revl_csvw *w = NULL;
  char **rargv = calloc((size_t)argc + 4, sizeof *rargv);
  char tmp[512] = "";
  revl_rt *rt = NULL;
  FILE *cap = NULL;
  int saved = -1;
  if (!rargv) return REVL_EXIT_DATA;
  int rargc = 0;
  rargv[rargc++] = argv[0];
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) {
      fmt = REVL_FMT_JSON;
      continue;
    }
    if (!strcmp(argv[i], "--format") || !strncmp(argv[i], "--format=", 9)) {
      const char *v = argv[i][8] == '=' ? argv[i] + 9 : i + 1 < argc ? argv[++i] : NULL;
      if (!v) {
        rc = cli_usage_error("check", "option --format needs a value");
        goto out;
      }
      if (cli_parse_format("check", v, CLI_FMT_ALL, &fmt)) goto out;
      continue;
    }
    if (!strcmp(argv[i], "--out") || !strncmp(argv[i], "--out=", 6)) have_out = 1;
    if (!strcmp(argv[i], "--data") || !strncmp(argv[i], "--data=", 7)) have_data = 1;
    rargv[rargc++] = argv[i];
  }
  if (!have_out) {
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/revl-check-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp)) {
      *tmp = '\0';
      fprintf(stderr, "revl: check: cannot create a temporary directory\n");
      goto out;
    }
    rargv[rargc++] = "--out";
    rargv[rargc++] = tmp;
  }
  revl_rt_opts o;
  const char *playbook, **params;
  int prc = cli_parse_run_opts("check", rargc, rargv, &o, &playbook, &params);
  if (prc >= 0) {
    rc = prc;
    goto out;
  }
  if (!playbook) {
    rc = cli_usage_error("check", "PLAYBOOK is required");
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
  char setup[2048];
  size_t n = 0;
  if (!have_data) { /* empty tables of the canonical schema */
    n += (size_t)snprintf(setup + n, sizeof setup - n, "revl.fixture{");
    for (int i = 0; i < revl_ntable_defs && n < sizeof setup - 64; i++)
      n += (size_t)snprintf(setup + n, sizeof setup - n, "%s = {}, ",
                            revl_table_defs[i].name);
    n += (size_t)snprintf(setup + n, sizeof setup - n, "}; ");
  }
  snprintf(setup + n, sizeof setup - n,
           "revl._check_watch(%s); print = function() end; "
           "for _, k in ipairs{'show', 'print'} do "
           "if revl[k] then revl[k] = function() end end end",
           have_data ? "true" : "false");
  int base;
  lua_State *L = revl_rt_lua(rt);
  if (revl_rt_exec(rt, setup, strlen(setup), "=revl check", &base) != LUA_OK) {
    fprintf(stderr, "revl: check: %s\n", lua_tostring(L, -1));
    rc = REVL_EXIT_SCRIPT;
    goto out;
  }
  /* the run's own error report is kept back: a definition error is a
   * finding, anything else is printed below */
  fflush(stderr);
  cap = tmpfile();
  if (cap) {
    saved = dup(2);
    dup2(fileno(cap), 2);
  }
  int frc = revl_rt_run_file(rt, playbook);
  fflush(stderr);
  if (saved >= 0) {
    dup2(saved, 2);
    close(saved);
    saved = -1;
  }
  static const char get[] = "return revl._check_findings()";
  if (revl_rt_exec(rt, get, sizeof get - 1, "=revl check", &base) != LUA_OK) {
    fprintf(stderr, "revl: check: %s\n", lua_tostring(L, -1));
    rc = REVL_EXIT_SCRIPT;
    goto out;
  }
  int ft = base + 1, nerr = 0, nwarn = 0, ndef = 0;
  lua_Integer nf = (lua_Integer)lua_rawlen(L, ft);
  if (fmt != REVL_FMT_TABLE) {
    w = revl_csvw_open_stream(stdout, "<stdout>", fmt == REVL_FMT_JSON, &err);
    if (!w) {
      revl_error_print(&err);
      rc = revl_exit_code(err.code);
      goto out;
    }
    if (fmt == REVL_FMT_CSV) {
      for (int k = 0; k < 6; k++) revl_csvw_str(w, finding_cols[k]);
      revl_csvw_end(w);
    }
  }
  for (lua_Integer i = 1; i <= nf; i++) {
    lua_rawgeti(L, ft, i);
    int e = lua_gettop(L);
    const char *sev = field(L, e, "severity"), *chk = field(L, e, "check"),
               *at = field(L, e, "at"), *needle = field(L, e, "needle"),
               *msg = field(L, e, "message");
    char file[1024] = "?";
    long line = 0;
    const char *colon = at ? strrchr(at, ':') : NULL;
    if (colon) {
      snprintf(file, sizeof file, "%.*s", (int)(colon - at), at);
      line = strtol(colon + 1, NULL, 10);
    }
    long col = line > 0 ? place(file, &line, needle) : 1;
    if (!strcmp(sev ? sev : "", "error")) nerr++;
    else nwarn++;
    if (chk && !strcmp(chk, "definition")) ndef++;
    if (w) put_finding(w, fmt != REVL_FMT_CSV, file, line, col, sev, chk, msg);
    else printf("revl: %s:%ld:%ld: %s: %s [%s]\n", file, line, col, sev, msg, chk);
    lua_settop(L, e - 1);
  }
  if (w) {
    int wrc = revl_csvw_commit(w, &err);
    w = NULL;
    if (wrc) {
      revl_error_print(&err);
      rc = revl_exit_code(err.code);
      goto out;
    }
  }
  if (frc == REVL_EXIT_SCRIPT && ndef == 0) {
    /* the playbook failed, not at a definition: say why */
    replay(cap);
    fprintf(stderr, "revl: check: %s failed to run; its definitions after "
                    "the failure were not checked\n", playbook);
    rc = REVL_EXIT_SCRIPT;
    goto out;
  }
  if (frc == REVL_EXIT_DATA) { /* no playbook or bad data: say why */
    replay(cap);
    rc = REVL_EXIT_DATA;
    goto out;
  }
  if (fmt == REVL_FMT_TABLE)
    printf("%d error%s, %d warning%s\n", nerr, nerr == 1 ? "" : "s", nwarn,
           nwarn == 1 ? "" : "s");
  rc = nerr ? 1 : REVL_EXIT_OK;
out:
  revl_csvw_abort(w);
  if (saved >= 0) {
    dup2(saved, 2);
    close(saved);
  }
  if (cap) fclose(cap);
  if (rt) {
    rc = revl_rt_settle(rt, rc);
    int crc = revl_rt_close(rt);
    if (rc == REVL_EXIT_OK) rc = crc;
    revl_rt_free(rt);
  }
  cli_rm_tree(tmp);
  free(rargv);
  return rc;
}
