/*
 * cmd_diff.c -- `revl diff A.lua B.lua --data DIR` and `revl diff
 * PLAYBOOK --rev REV1[..REV2]`: run both versions of a playbook in one
 * runtime over the same data and as-of date (loaded once), remember the
 * decisions each made (lua/explain.lua, lua/diff.lua) and print what
 * changed; OUT/diff_decisions.csv and .jsonl list every changed field.
 * The runs' own outputs are discarded (checked, not written), and each
 * reads from an empty temporary directory of its own, so state one run
 * would save is not read by the other.
 * A revision is read with `git archive` of the playbook's directory into
 * a temporary directory, so modules it requires come from the same
 * revision and nothing is checked out.
 */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lua.h>

#include "cli.h"
#include "revl/runtime.h"

const char cli_usage_diff[] =
    "usage: revl diff PLAYBOOK_A PLAYBOOK_B [--data DIR] [--format F] [options]\n"
    "       revl diff PLAYBOOK --rev REV1[..REV2] [--data DIR] [options]\n"
    "\n"
    "Run two versions of a playbook over the same data and as-of date and\n"
    "show what its decisions do differently: ICP/health tier migration and\n"
    "score changes, routing reassignments and each owner's load, funnel\n"
    "audit verdicts, and the top changed records with both versions'\n"
    "reasons.  Every changed field goes to OUT/diff_decisions.csv and\n"
    ".jsonl.  With --rev the playbook (and the modules beside it) are read\n"
    "at git revision REV1 and compared with REV2 (default: the working\n"
    "tree).  The playbooks' prints are silenced.\n"
    "\n"
    "  --rev R1[..R2]    compare git revisions of one playbook\n"
    "  --top N           changed records listed per decision (default 10)\n"
    "  --format F        table (default, also in a pipe: the report above),\n"
    "                    md (a summary for a pull-request comment), or csv,\n"
    "                    jsonl, json: a row per decision object (field\n"
    "                    'records': how many before, after), then one per\n"
    "                    changed field (kind, name, id, field, before, after,\n"
    "                    reasons_before, reasons_after)\n"
    "  run options       --data --map --as-of --out --set --strict --timeout\n"
    "                    --max-memory --allow-io --fiscal-start\n"
    "\n"
    "Exit status: 0 no decision changed, 1 decisions changed, 2 usage,\n"
    "data or git error, 3 script error.\n";

/* --format: the shared formats (cli_parse_format) or md; "text" is the
 * table's name from before the shared formats.  *md is set for md.  0,
 * or REVL_EXIT_DATA after a usage error. */
static int parse_diff_format(const char *v, int *fmt, int *md) {
  *md = 0;
  if (!strcmp(v, "md")) {
    *md = 1;
    *fmt = REVL_FMT_TABLE;
    return 0;
  }
  if (!strcmp(v, "text")) {
    *fmt = REVL_FMT_TABLE;
    return 0;
  }
  static const char *const names[] = {"table", "csv", "jsonl", "json", "md"};
  for (int i = 0; i < 4; i++)
    if (!strcmp(v, names[i])) return cli_parse_format("diff", v, CLI_FMT_ALL, fmt);
  revl_near nr;
  char hint[128];
  revl_near_init(&nr, v);
  for (int i = 0; i < 5; i++) revl_near_add(&nr, names[i]);
  revl_near_hint(&nr, hint, sizeof hint);
  if (hint[0]) return cli_usage_error("diff", "unknown format '%s'%s", v, hint);
  return cli_usage_error("diff", "unknown format '%s' (table, csv, jsonl, json or md)", v);
}

/* Write the playbook's directory at rev into tmp; *out gets the path of
 * the playbook there.  0, or an exit code with the message printed. */
static int checkout_rev(const char *playbook, const char *rev,
                        const char *tmp, char *out, size_t n) {
  char real[PATH_MAX], top[PATH_MAX], cmd[3 * PATH_MAX];
  if (!realpath(playbook, real)) {
    fprintf(stderr, "revl: diff: %s: no such playbook\n", playbook);
    return REVL_EXIT_DATA;
  }
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", real);
  char *slash = strrchr(dir, '/');
  *slash = '\0';
  for (const char *p = rev; *p; p++)
    if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
          ('0' <= *p && *p <= '9') || strchr("-_./~^@", *p))) {
      fprintf(stderr, "revl: diff: '%s' is not a revision name\n", rev);
      return REVL_EXIT_DATA;
    }
  snprintf(cmd, sizeof cmd, "git -C '%s' rev-parse --show-toplevel 2>/dev/null",
           dir);
  FILE *p = popen(cmd, "r");
  if (!p || !fgets(top, sizeof top, p)) {
    if (p) pclose(p);
    fprintf(stderr, "revl: diff: %s is not in a git repository (--rev needs one)\n",
            playbook);
    return REVL_EXIT_DATA;
  }
  pclose(p);
  top[strcspn(top, "\n")] = '\0';
  size_t tl = strlen(top);
  if (strncmp(dir, top, tl) != 0) {
    fprintf(stderr, "revl: diff: %s is outside its repository\n", playbook);
    return REVL_EXIT_DATA;
  }
  const char *reldir = dir[tl] == '/' ? dir + tl + 1 : "";
  snprintf(cmd, sizeof cmd,
           "git -C '%s' rev-parse --verify --quiet '%s^{commit}' >/dev/null",
           top, rev);
  if (system(cmd) != 0) {
    fprintf(stderr, "revl: diff: revision '%s' does not exist\n", rev);
    return REVL_EXIT_DATA;
  }
  snprintf(cmd, sizeof cmd,
           "git -C '%s' archive --format=tar '%s' -- '%s%s' 2>/dev/null | "
           "tar -xf - -C '%s' 2>/dev/null",
           top, rev, *reldir ? reldir : ".", *reldir ? "" : "", tmp);
  if (system(cmd) != 0) {
    fprintf(stderr, "revl: diff: cannot read %s at revision '%s'\n", reldir,
            rev);
    return REVL_EXIT_DATA;
  }
  snprintf(out, n, "%s/%s%s%s", tmp, reldir, *reldir ? "/" : "", slash + 1);
  struct stat st;
  if (stat(out, &st) != 0) {
    fprintf(stderr, "revl: diff: %s does not exist at revision '%s'\n",
            playbook, rev);
    return REVL_EXIT_DATA;
  }
  return 0;
}

static int exec_chunk(revl_rt *rt, const char *src, int *base) {
  int st = revl_rt_exec(rt, src, strlen(src), "=revl diff", base);
  if (st != LUA_OK) {
    const char *m = lua_tostring(revl_rt_lua(rt), -1);
    fprintf(stderr, "revl: diff: %s\n", m ? m : "error");
    return REVL_EXIT_SCRIPT;
  }
  return 0;
}

int cmd_diff(int argc, char **argv) {
  const char *rev = NULL, *pos[2] = {NULL, NULL};
  int fmt = REVL_FMT_TABLE, md = 0;
  long top = 10;
  int npos = 0, rc = REVL_EXIT_DATA;
  char **rargv = calloc((size_t)argc + 2, sizeof *rargv);
  char tmp1[512] = "", tmp2[512] = "", outs[512] = "";
  char pa[PATH_MAX + 600], pb[PATH_MAX + 600];
  revl_rt *rt = NULL;
  if (!rargv) return REVL_EXIT_DATA;
  int rargc = 0;
  rargv[rargc++] = argv[0];
  static const char *const valued[] = {"--data", "--map", "--out", "--as-of",
                                       "--set", "--timeout", "--max-memory",
                                       "--fiscal-start", "--color", NULL};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp(a, "--format=", 9)) {
      if (parse_diff_format(a + 9, &fmt, &md)) goto out;
      continue;
    }
    if (!strcmp(a, "--rev") || !strcmp(a, "--top") || !strcmp(a, "--format")) {
      if (i + 1 >= argc) {
        rc = cli_usage_error("diff", "%s needs a value", a);
        goto out;
      }
      const char *v = argv[++i];
      if (a[2] == 'r') rev = v;
      else if (a[2] == 'f') {
        if (parse_diff_format(v, &fmt, &md)) goto out;
      }
      else {
        long long t;
        if (cli_parse_count("diff", "--top", v, &t)) goto out;
        top = (long)t;
      }
      continue;
    }
    if (a[0] == '-' && a[1]) {
      rargv[rargc++] = argv[i];
      for (int k = 0; valued[k]; k++)
        if (!strcmp(a, valued[k]) && i + 1 < argc) rargv[rargc++] = argv[++i];
      continue;
    }
    if (npos == 2) {
      rc = cli_usage_error("diff", "unexpected argument '%s'", a);
      goto out;
    }
    pos[npos++] = a;
  }
  if (rev ? npos != 1 : npos != 2) {
    rc = cli_usage_error("diff", rev ? "--rev takes one PLAYBOOK"
                                     : "needs two playbooks (or one with --rev)");
    goto out;
  }
  revl_rt_opts o;
  const char *none = NULL, **params;
  int prc = cli_parse_run_opts("diff", rargc, rargv, &o, &none, &params);
  if (prc >= 0) {
    rc = prc;
    goto out;
  }
  const char *t = getenv("TMPDIR");
  if (!t || !*t) t = "/tmp";
  if (rev) {
    char r1[256], r2[256] = "";
    const char *dots = strstr(rev, "..");
    if (dots) {
      snprintf(r1, sizeof r1, "%.*s", (int)(dots - rev), rev);
      snprintf(r2, sizeof r2, "%s", dots + 2);
    } else {
      snprintf(r1, sizeof r1, "%s", rev);
    }
    snprintf(tmp1, sizeof tmp1, "%s/revl-diff-XXXXXX", t);
    if (!mkdtemp(tmp1)) goto out;
    if ((rc = checkout_rev(pos[0], r1, tmp1, pa, sizeof pa))) goto out;
    if (*r2) {
      snprintf(tmp2, sizeof tmp2, "%s/revl-diff-XXXXXX", t);
      if (!mkdtemp(tmp2)) goto out;
      if ((rc = checkout_rev(pos[0], r2, tmp2, pb, sizeof pb))) goto out;
    } else {
      snprintf(pb, sizeof pb, "%s", pos[0]);
    }
  } else {
    snprintf(pa, sizeof pa, "%s", pos[0]);
    snprintf(pb, sizeof pb, "%s", pos[1]);
  }
  o.playbook = pa;
  revl_error err;
  rt = revl_rt_new(&o, &err);
  if (!rt) {
    revl_error_print(&err);
    rc = revl_exit_code(err.code);
    goto out;
  }
  /* the two runs' logs are scratch: no note about their commit (a
   * --rev playbook is a checkout of its own) */
  lua_pushboolean(revl_rt_lua(rt), 1);
  lua_setfield(revl_rt_lua(rt), LUA_REGISTRYINDEX, "revl.rules.gitnote");
  int base;
  /* remember what each run builds; silence its prints; each run gets its
   * own modules (require) */
  static const char setup[] =
      "revl._explain_watch(); print = function() end; "
      "for _, k in ipairs{'show', 'print'} do "
      "if revl[k] then revl[k] = function() end end end; "
      "local keep = {} for k in pairs(package.loaded) do keep[k] = true end "
      "revl._diff_forget = function() for k in pairs(package.loaded) do "
      "if not keep[k] then package.loaded[k] = nil end end end";
  if ((rc = exec_chunk(rt, setup, &base))) goto out;
  const char *paths[2] = {pa, pb};
  /* each run writes its outputs (and router state) apart */
  snprintf(outs, sizeof outs, "%s/revl-diff-out-XXXXXX", t);
  if (!mkdtemp(outs)) {
    *outs = '\0';
    fprintf(stderr, "revl: diff: cannot create a temporary directory\n");
    rc = REVL_EXIT_DATA;
    goto out;
  }
  revl_rt_set_discard(rt, 1); /* the runs' own outputs are not kept */
  for (int s = 0; s < 2; s++) {
    char od[600];
    snprintf(od, sizeof od, "%s/%c", outs, s ? 'b' : 'a');
    revl_rt_set_out_dir(rt, od);
    rc = revl_rt_run_file(rt, paths[s]);
    if (rc == REVL_EXIT_SCRIPT || rc == REVL_EXIT_DATA) goto out;
    char cap[64];
    snprintf(cap, sizeof cap, "revl._diff_capture('%c'); revl._diff_forget()",
             s ? 'b' : 'a');
    if ((rc = exec_chunk(rt, cap, &base))) goto out;
  }
  revl_rt_set_out_dir(rt, o.out_dir);
  revl_rt_set_discard(rt, 0); /* the diff's own files are written */
  char la[PATH_MAX + 700], lb[PATH_MAX + 700], qa[PATH_MAX + 720],
      qb[PATH_MAX + 720], src[3 * PATH_MAX];
  if (rev) {
    const char *dots = strstr(rev, "..");
    snprintf(la, sizeof la, "%s@%.*s", pos[0], dots ? (int)(dots - rev) : (int)strlen(rev), rev);
    if (dots && dots[2]) snprintf(lb, sizeof lb, "%s@%s", pos[0], dots + 2);
    else snprintf(lb, sizeof lb, "%s (working tree)", pos[0]);
  } else {
    snprintf(la, sizeof la, "%s", pa);
    snprintf(lb, sizeof lb, "%s", pb);
  }
  if (!cli_lua_str(qa, sizeof qa, la) || !cli_lua_str(qb, sizeof qb, lb)) {
    rc = cli_usage_error("diff", "cannot name those playbooks");
    goto out;
  }
  snprintf(src, sizeof src,
           "return revl._diff_report{top = %ld, md = %s, records = %s, a = %s, b = %s}", top,
           md ? "true" : "false", fmt != REVL_FMT_TABLE ? "true" : "false", qa, qb);
  if ((rc = exec_chunk(rt, src, &base))) goto out;
  lua_State *L = revl_rt_lua(rt);
  if (fmt != REVL_FMT_TABLE) {
    if (revl_rt_print_value(rt, base + 3, fmt) != LUA_OK) {
      fprintf(stderr, "revl: diff: %s\n", lua_tostring(L, -1));
      rc = REVL_EXIT_SCRIPT;
      goto out;
    }
  } else {
    const char *report = lua_tostring(L, base + 1);
    fputs(report ? report : "", stdout);
  }
  rc = lua_toboolean(L, base + 2) ? 1 : REVL_EXIT_OK;
out:
  if (rt) {
    int crc = revl_rt_close(rt);
    if (rc == REVL_EXIT_OK) rc = crc;
    revl_rt_free(rt);
  }
  cli_rm_tree(outs);
  cli_rm_tree(tmp1);
  cli_rm_tree(tmp2);
  free(rargv);
  return rc;
}
