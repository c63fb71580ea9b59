/*
 * cmd_test.c -- `revl test [PATH...]`: find the *_test.lua files under
 * the paths, run each in a fresh runtime (its top level registers cases
 * with revl.test / revl.cases, lua/tests.lua), then run its cases; print
 * the failures, one summary line, and optionally JUnit XML.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/runtime.h"

const char cli_usage_test[] =
    "usage: revl test [PATH...] [--run TEXT] [--verbose] [--junit FILE]\n"
    "                 [--coverage] [--data DIR] [--as-of DATE] [run options]\n"
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
    "  --coverage      after the summary, per test file: the ICP criteria,\n"
    "                  health components, routing rules and funnel stage\n"
    "                  criteria that no case exercised, with FILE:LINE\n"
    "  --data DIR      load DIR before each file (as revl run does)\n"
    "  --as-of DATE    the tests' date (YYYY-MM-DD); default: today\n"
    "  --out DIR       where the playbooks' outputs go; default: a temporary\n"
    "                  directory, removed afterwards\n"
    "  --color WHEN    colour the summary: auto (on a terminal without\n"
    "                  NO_COLOR), always or never\n"
    "  run options     --map --set --strict --timeout --max-memory\n"
    "                  --allow-io --fiscal-start --format, as for revl run\n"
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
    fprintf(stderr, "revl: %s: cannot read directory: %s\n", dir, strerror(errno));
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
                                  "--fiscal-start", "--format", "--color", NULL};
  for (int i = 0; v[i]; i++)
    if (strcmp(a, v[i]) == 0) return 1;
  return 0;
}

/* revl._test_source(path): the text of a .lua file, for --coverage to
 * name the line that defines a criterion (the sandbox has no io). */
static int l_test_source(lua_State *L) {
  size_t n;
  const char *path = luaL_checklstring(L, 1, &n);
  if (n < 4 || strcmp(path + n - 4, ".lua") != 0) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char chunk[4096];
  size_t k, total = 0;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0 && total < (4u << 20)) {
    luaL_addlstring(&b, chunk, k);
    total += k;
  }
  fclose(f);
  luaL_pushresult(&b);
  return 1;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  remove(p);
  return 0;
}

/* Append s to the growing buffer *buf (len, cap); 0 or -1. */
static int buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
  if (*len + n + 1 > *cap) {
    size_t nc = *cap ? *cap : 1024;
    while (*len + n + 1 > nc) nc *= 2;
    char *nb = realloc(*buf, nc);
    if (!nb) return -1;
    *buf = nb;
    *cap = nc;
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = '\0';
  return 0;
}

int cmd_test(int argc, char **argv) {
  const char *pattern = "", *junit = NULL;
  int verbose = 0, coverage = 0, have_out = 0;
  char tmpout[4096] = "";
  char *covtext = NULL;
  size_t covlen = 0, covcap = 0;
  flist paths = {0}, files = {0};
  char **rargv = calloc((size_t)argc + 4, sizeof *rargv);
  int rargc = 0, rc = REVL_EXIT_OK;
  if (!rargv) return REVL_EXIT_DATA;
  rargv[rargc++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
      verbose = 1;
    } else if (strcmp(a, "--coverage") == 0) {
      coverage = 1;
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
      if (strcmp(a, "--out") == 0 || strncmp(a, "--out=", 6) == 0) have_out = 1;
      rargv[rargc++] = argv[i];
      if (run_opt_takes_value(a) && i + 1 < argc) rargv[rargc++] = argv[++i];
    } else if (flist_add(&paths, a)) {
      rc = cli_usage_error("test", "not enough memory");
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
  if (!have_out) {
    /* the playbooks' outputs go to a scratch directory, removed at the end */
    const char *t = getenv("TMPDIR");
    snprintf(tmpout, sizeof tmpout, "%s/revl-test-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpout)) {
      fprintf(stderr, "revl: test: cannot create a temporary directory\n");
      tmpout[0] = '\0';
      rc = REVL_EXIT_DATA;
      goto out;
    }
    o.out_dir = tmpout;
  }
  if (paths.n == 0 && flist_add(&paths, ".")) goto out;
  for (size_t i = 0; i < paths.n; i++) {
    struct stat st;
    int fd = -1;
    if (stat(paths.v[i], &st) != 0 ||
        (!S_ISDIR(st.st_mode) && (fd = open(paths.v[i], O_RDONLY | O_CLOEXEC)) < 0)) {
      fprintf(stderr, "revl: %s: cannot open: %s\n", paths.v[i], strerror(errno));
      rc = REVL_EXIT_DATA;
      goto out;
    }
    if (fd >= 0) close(fd);
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
    lua_State *L = revl_rt_lua(rt);
    if (coverage) {
      static const char on[] = "revl._test_coverage_on()";
      int cb;
      lua_getglobal(L, "revl");
      lua_pushcfunction(L, l_test_source);
      lua_setfield(L, -2, "_test_source");
      char cwd[4096];
      if (getcwd(cwd, sizeof cwd)) {
        lua_pushstring(L, cwd);
        lua_setfield(L, -2, "_test_cwd");
      }
      lua_pop(L, 1);
      if (revl_rt_exec(rt, on, sizeof on - 1, "=revl test", &cb) != LUA_OK) {
        fprintf(stderr, "revl: %s: %s\n", file, lua_tostring(L, -1));
        lua_pop(L, 1);
      } else {
        lua_settop(L, cb);
      }
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
      if (coverage) {
        static const char get[] = "return revl._test_coverage()";
        int cb;
        lua_settop(L, base);
        if (revl_rt_exec(rt, get, sizeof get - 1, "=revl test", &cb) == LUA_OK) {
          size_t cl = 0;
          const char *c = lua_tolstring(L, cb + 1, &cl);
          if (c && cl) {
            buf_add(&covtext, &covlen, &covcap, file, strlen(file));
            buf_add(&covtext, &covlen, &covcap, "\n", 1);
            buf_add(&covtext, &covlen, &covcap, c, cl);
          }
        } else {
          fprintf(stderr, "revl: %s: coverage: %s\n", file, lua_tostring(L, -1));
        }
      }
    }
    rc = revl_rt_settle(rt, rc);
    int crc = revl_rt_close(rt);
    if (crc != REVL_EXIT_OK && rc == REVL_EXIT_OK) rc = crc;
    revl_rt_free(rt);
  }
  if (errors)
    printf("%ld test file%s could not run\n", errors, errors == 1 ? "" : "s");
  /* the summary in colour under --color (green all passed, red else) */
  printf("%s%ld passed, %ld failed%s\n", cli_sgr(failed + errors ? "red" : "green"), passed,
         failed + errors, cli_sgr("reset"));
  if (coverage) {
    printf("\ncoverage (what the cases exercised)\n%s",
           covtext ? covtext
                   : "  no case built an ICP, health, routing or funnel model\n");
  }
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
  if (tmpout[0]) nftw(tmpout, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(covtext);
  flist_free(&paths);
  flist_free(&files);
  free(rargv);
  return rc;
}
