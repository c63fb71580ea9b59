/*
 * cmd_test.c -- `revl test [PATH...]`: find the *_test.lua files under
 * the paths, run each in a fresh runtime (its top level registers cases
 * with revl.test / revl.cases, lua/tests.lua), then run its cases; print
 * the failures, one summary line, and optionally JUnit XML.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lua.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/runtime.h"

const char cli_usage_test[] =
    "usage: revl test [PATH...] [--run TEXT] [--verbose] [--junit FILE]\n"
    "                 [--data DIR] [--as-of DATE] [run options]\n"
    "\n"
    "Run playbook tests: every *_test.lua file under the PATHs (default: the\n"
    "current directory; hidden, build* and node_modules directories are\n"
    "skipped), each in a fresh runtime.  A test file registers cases with\n"
    "revl.test(name, fn) or revl.cases(name, list, fn) and builds its data\n"
    "with revl.fixture{...} (see docs/testing.md).\n"
    "\n"
    "  --run TEXT      only the cases whose name contains TEXT\n"
    "  --verbose       print every case, not only the failures\n"
    "  --junit FILE    also write the results as JUnit XML to FILE\n"
    "  --data DIR      load DIR before each file (as revl run does)\n"
    "  --as-of DATE    the tests' date (YYYY-MM-DD); default: today\n"
    "  run options     --map --out --set --strict --timeout --max-memory\n"
    "                  --allow-io --fiscal-start, as for revl run\n"
    "\n"
    "Prints \"N passed, N failed\".  Exit status: 0 all passed, 1 a case\n"
    "failed, 2 usage or data error, 3 a test file has a script error.\n";

typedef struct flist {
  char **v;
  size_t n, cap;
} flist;

static int flist_add(flist *l, const char *s) {
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 16;
    char **nv = realloc(l->v, nc * sizeof *nv);
    if (!nv) return -1;
    l->v = nv;
    l->cap = nc;
  }
  size_t k = strlen(s) + 1;
  l->v[l->n] = malloc(k);
  if (!l->v[l->n]) return -1;
  memcpy(l->v[l->n++], s, k);
  return 0;
}

static void flist_free(flist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
}

static int is_test_file(const char *name) {
  size_t n = strlen(name);
  return n > 9 && strcmp(name + n - 9, "_test.lua") == 0;
}

static int skip_dir(const char *name) {
  return name[0] == '.' || strncmp(name, "build", 5) == 0 ||
         strcmp(name, "node_modules") == 0;
}

static int cmp_path(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the test files under dir (depth-first; sorted later). */
static int walk(const char *dir, flist *out, int depth) {
  if (depth > 32) return 0;
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "revl: %s: cannot read directory\n", dir);
    return -1;
  }
  struct dirent *e;
  int rc = 0;
  char p[4096];
  while (!rc && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (strcmp(dir, ".") == 0) snprintf(p, sizeof p, "%s", e->d_name);
    else snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (!skip_dir(e->d_name)) rc = walk(p, out, depth + 1);
    } else if (S_ISREG(st.st_mode) && is_test_file(e->d_name)) {
      rc = flist_add(out, p);
    }
  }
  closedir(d);
  return rc;
}

/* A Lua long string holding s (s never holds the closing bracket). */
static void lua_quote(char *buf, size_t n, const char *s) {
  int level = 0;
  char close[16];
  for (;;) {
    snprintf(close, sizeof close, "]%.*s]", level, "==========");
    if (!strstr(s, close) || level == 10) break;
    level++;
  }
  snprintf(buf, n, "[%.*s[%s]%.*s]", level, "==========", s, level,
           "==========");
}

/* Options of revl test that revl run does not have come out of argv;
 * the rest goes to the run option parser. */
static int run_opt_takes_value(const char *a) {
  static const char *const v[] = {"--data", "--map", "--out", "--as-of",
                                  "--set", "--timeout", "--max-memory",
                                  "--fiscal-start", NULL};
  for (int i = 0; v[i]; i++)
    if (strcmp(a, v[i]) == 0) return 1;
  return 0;
}

int cmd_test(int argc, char **argv) {
  const char *pattern = "", *junit = NULL;
  int verbose = 0;
  flist paths = {0}, files = {0};
  char **rargv = calloc((size_t)argc + 2, sizeof *rargv);
  int rargc = 0, rc = REVL_EXIT_OK;
  if (!rargv) return REVL_EXIT_DATA;
  rargv[rargc++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
      verbose = 1;
    } else if (strcmp(a, "--run") == 0 || strcmp(a, "--junit") == 0) {
      if (i + 1 >= argc) {
        rc = cli_usage_error("test", "%s needs a value", a);
        goto out;
      }
      if (a[2] == 'r') pattern = argv[++i];
      else junit = argv[++i];
    } else if (strncmp(a, "--run=", 6) == 0) {
      pattern = a + 6;
    } else if (strncmp(a, "--junit=", 8) == 0) {
      junit = a + 8;
    } else if (a[0] == '-' && a[1]) {
      rargv[rargc++] = argv[i];
      if (run_opt_takes_value(a) && i + 1 < argc) rargv[rargc++] = argv[++i];
    } else if (flist_add(&paths, a)) {
      rc = cli_usage_error("test", "out of memory");
      goto out;
    }
  }
  revl_rt_opts o;
  const char *none = NULL, **params;
  int prc = cli_parse_run_opts("test", rargc, rargv, &o, &none, &params);
  if (prc >= 0) {
    rc = prc;
    goto out;
  }
  if (paths.n == 0 && flist_add(&paths, ".")) goto out;
  for (size_t i = 0; i < paths.n; i++) {
    struct stat st;
    if (stat(paths.v[i], &st) != 0) {
      fprintf(stderr, "revl: %s: no such file or directory\n", paths.v[i]);
      rc = REVL_EXIT_DATA;
      goto out;
    }
    if (S_ISDIR(st.st_mode)) {
      size_t before = files.n;
      if (walk(paths.v[i], &files, 0)) {
        rc = REVL_EXIT_DATA;
        goto out;
      }
      if (files.n > before) /* files.v is NULL while the list is empty */
        qsort(files.v + before, files.n - before, sizeof *files.v, cmp_path);
    } else if (flist_add(&files, paths.v[i])) {
      goto out;
    }
  }
  if (files.n == 0) {
    fprintf(stderr, "revl: test: no *_test.lua files under %s%s\n",
            paths.v[0], paths.n > 1 ? " and the other paths" : "");
    rc = REVL_EXIT_DATA;
    goto out;
  }

  long passed = 0, failed = 0, errors = 0;
  size_t jcap = 1 << 12, jlen = 0;
  char *jx = junit ? malloc(jcap) : NULL;
  if (junit && !jx) goto out;
  for (size_t i = 0; i < files.n; i++) {
    const char *file = files.v[i];
    o.playbook = file;
    revl_error err;
    revl_rt *rt = revl_rt_new(&o, &err);
    if (!rt) {
      revl_error_print(&err);
      rc = revl_exit_code(err.code);
      free(jx);
      goto out;
    }
    int frc = revl_rt_run_file(rt, file);
    if (frc == REVL_EXIT_SCRIPT || frc == REVL_EXIT_DATA) {
      errors++;
      if (rc == REVL_EXIT_OK || frc > rc) rc = frc;
      revl_rt_free(rt);
      continue;
    }
    char qf[4200], qp[1200], src[5600];
    lua_quote(qf, sizeof qf, file);
    lua_quote(qp, sizeof qp, pattern);
    int n = snprintf(src, sizeof src, "return revl._test_run(%s, %s, %s)", qf,
                     qp, verbose ? "true" : "false");
    int base;
    int st = revl_rt_exec(rt, src, (size_t)n, "=revl test", &base);
    lua_State *L = revl_rt_lua(rt);
    if (st != LUA_OK) {
      const char *m = lua_tostring(L, -1);
      fprintf(stderr, "revl: %s: %s\n", file, m ? m : "error running the cases");
      errors++;
      rc = REVL_EXIT_SCRIPT;
    } else {
      long p = (long)lua_tointeger(L, base + 1);
      long f = (long)lua_tointeger(L, base + 2);
      size_t sl = 0;
      const char *suite = lua_tolstring(L, base + 4, &sl);
      long ncases = (long)lua_tointeger(L, base + 5);
      passed += p;
      failed += f;
      if (ncases == 0) {
        /* a file of old-style checks (revl.testing): its status counts */
        if (frc == 1) failed++;
        else if (verbose) printf("ok   %s (no cases)\n", file);
      }
      if (jx && suite) {
        while (jlen + sl + 1 > jcap) {
          char *nj = realloc(jx, jcap * 2);
          if (!nj) break;
          jx = nj;
          jcap *= 2;
        }
        if (jlen + sl + 1 <= jcap) {
          memcpy(jx + jlen, suite, sl);
          jlen += sl;
        }
      }
    }
    int crc = revl_rt_close(rt);
    if (crc != REVL_EXIT_OK && rc == REVL_EXIT_OK) rc = crc;
    revl_rt_free(rt);
  }
  if (errors)
    printf("%ld test file%s could not run\n", errors, errors == 1 ? "" : "s");
  printf("%ld passed, %ld failed\n", passed, failed + errors);
  fflush(stdout);
  if (jx) {
    revl_error err;
    revl_csvw *w = revl_csvw_open(junit, &err);
    if (!w) {
      revl_error_print(&err);
      if (rc == REVL_EXIT_OK) rc = REVL_EXIT_DATA;
    } else {
      char head[160];
      int hn = snprintf(head, sizeof head,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<testsuites tests=\"%ld\" failures=\"%ld\" "
                        "errors=\"%ld\">\n",
                        passed + failed, failed, errors);
      revl_csvw_raw(w, head, (size_t)hn);
      revl_csvw_raw(w, jx, jlen);
      revl_csvw_raw(w, "</testsuites>\n", 14);
      if (revl_csvw_commit(w, &err)) {
        revl_error_print(&err);
        if (rc == REVL_EXIT_OK) rc = REVL_EXIT_DATA;
      }
    }
    free(jx);
  }
  if (rc == REVL_EXIT_OK && failed) rc = 1;
out:
  flist_free(&paths);
  flist_free(&files);
  free(rargv);
  return rc;
}
