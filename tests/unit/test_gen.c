/*
 * test_gen.c -- revl_gen's own checks of its options (the CLI checks
 * them first, so only the C API reaches these) and what it promises
 * about quotas and snapshots, read back from the files it wrote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revl/gen.h"
#include "revl/parse.h"
#include "test.h"

static char tmp[] = "/tmp/revl-gen-XXXXXX";

/* revl_gen with stdout (its "wrote ..." lines) sent to /dev/null. */
static int run(revl_gen_opts *o, revl_error *err) {
  fflush(stdout);
  int out = dup(1);
  if (out < 0 || !freopen("/dev/null", "w", stdout)) return -1;
  int rc = revl_gen(o, err);
  fflush(stdout);
  dup2(out, 1);
  close(out);
  return rc;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  if (b) b[n] = '\0';
  fclose(f);
  return b;
}

static int same_file(const char *a, const char *b) {
  char *x = slurp(a), *y = slurp(b);
  int same = x && y && strcmp(x, y) == 0;
  free(x);
  free(y);
  return same;
}

/* Field k (0-based) of a CSV line without quotes into out. */
static void field(const char *line, int k, char *out, size_t size) {
  for (; k > 0 && line; k--) {
    line = strchr(line, ',');
    if (line) line++;
  }
  size_t n = 0;
  while (line && line[n] && line[n] != ',' && line[n] != '\n' && n + 1 < size) n++;
  if (line) memcpy(out, line, n);
  out[n] = '\0';
}

/* Manager quotas are the sums of their AEs', others have none. */
static void check_quotas(const char *dir) {
  char path[700];
  snprintf(path, sizeof path, "%s/reps.csv", dir);
  char *t = slurp(path);
  CHECK(t != NULL);
  if (!t) return;
  enum { MAXR = 64 };
  char id[MAXR][16], role[MAXR][16], mgr[MAXR][16];
  long long q[MAXR], sum[MAXR];
  int n = 0;
  for (char *l = strchr(t, '\n'); l && l[1] && n < MAXR; l = strchr(l + 1, '\n')) {
    char qs[32];
    field(l + 1, 0, id[n], sizeof id[n]);
    field(l + 1, 4, role[n], sizeof role[n]);
    field(l + 1, 10, qs, sizeof qs);
    field(l + 1, 11, mgr[n], sizeof mgr[n]);
    q[n] = qs[0] ? llround(strtod(qs, NULL) * 100) : -1;
    sum[n] = 0;
    n++;
  }
  int managers = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(role[i], "AE") == 0) {
      CHECK(q[i] > 0);
      for (int j = 0; j < n; j++)
        if (strcmp(id[j], mgr[i]) == 0) sum[j] += q[i];
    } else if (strcmp(role[i], "Manager") != 0) {
      CHECK_INT(q[i], -1);
      CHECK(mgr[i][0] == '\0');
    }
  }
  for (int i = 0; i < n; i++)
    if (strcmp(role[i], "Manager") == 0) {
      managers++;
      CHECK_INT(q[i], sum[i]);
    }
  CHECK(managers >= 2);
  free(t);
}

int main(void) {
  if (!mkdtemp(tmp)) return 2;
  char dir[600], a[700], b[700];
  revl_error err;
  int32_t as_of = revl_days_from_civil(2026, 1, 1);
  snprintf(dir, sizeof dir, "%s/d", tmp);
  revl_gen_opts o = {dir, 60, 300, 30, 30, 5, as_of, REVL_GEN_CANONICAL, 0, {0, 0}};

  /* snapshots: two dates, in order, not after as-of */
  o.nsnap = 1;
  o.snap[0] = as_of - 10;
  CHECK_INT(run(&o, &err), REVL_EUSAGE);
  o.nsnap = 2;
  o.snap[1] = as_of - 10;
  CHECK_INT(run(&o, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "snapshots") != NULL);
  o.snap[1] = as_of + 1;
  CHECK_INT(run(&o, &err), REVL_EUSAGE);
  CHECK(access(dir, F_OK) != 0); /* nothing written */

  o.snap[0] = as_of - 45;
  o.snap[1] = as_of;
  CHECK_INT(run(&o, &err), 0);
  check_quotas(dir);
  const char *files[] = {"deals.csv", "stage_history.csv", "reps.csv"};
  for (int k = 0; k < 3; k++) {
    snprintf(a, sizeof a, "%s/%s", dir, files[k]);
    snprintf(b, sizeof b, "%s/snapshots/2026-01-01/%s", dir, files[k]);
    CHECK(same_file(a, b));
  }
  snprintf(a, sizeof a, "%s/deals.csv", dir);
  snprintf(b, sizeof b, "%s/snapshots/2025-11-17/deals.csv", dir);
  CHECK(!same_file(a, b));

  /* the same options again: the same bytes */
  snprintf(dir, sizeof dir, "%s/e", tmp);
  o.out = dir;
  CHECK_INT(run(&o, &err), 0);
  for (int k = 0; k < 3; k++) {
    snprintf(a, sizeof a, "%s/d/snapshots/2025-11-17/%s", tmp, files[k]);
    snprintf(b, sizeof b, "%s/e/snapshots/2025-11-17/%s", tmp, files[k]);
    CHECK(same_file(a, b));
  }
  char cmd[800];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  TEST_END();
}
