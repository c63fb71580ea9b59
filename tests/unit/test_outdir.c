/* Unit tests of writing confined to an output directory
 * (revl_csvw_open_in): symlinked components and final names refused,
 * a symlink swapped in between open and commit changes nothing, missing
 * directories created, stale temporary files of dead processes removed,
 * and revl_csvw_remove_temps removes open writers' temporary files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "revl/csvw.h"
#include "test.h"

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static int exists(const char *fmt, const char *a, const char *b) {
  char p[512];
  snprintf(p, sizeof p, fmt, a, b);
  return access(p, F_OK) == 0;
}

static void rm_rf(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

int main(void) {
  char top[] = "/tmp/revl-outdir-XXXXXX";
  CHECK(mkdtemp(top) != NULL);
  char out[300], away[300], p[600], q[700];
  snprintf(out, sizeof out, "%s/out", top);
  snprintf(away, sizeof away, "%s/away", top);
  CHECK(mkdir(away, 0777) == 0);
  revl_error err;

  /* --out and nested directories are created; the file lands inside */
  revl_csvw *w = revl_csvw_open_in(out, "a/b/x.csv", &err);
  CHECK(w != NULL);
  if (w) {
    revl_csvw_str(w, "v");
    revl_csvw_end(w);
    CHECK_INT(revl_csvw_commit(w, &err), 0);
  }
  CHECK(exists("%s/a/b/x.csv%s", out, ""));

  /* a symlinked directory component */
  snprintf(p, sizeof p, "%s/link", out);
  CHECK(symlink(away, p) == 0);
  CHECK(revl_csvw_open_in(out, "link/x.csv", &err) == NULL);
  CHECK_STR(err.msg, "output path 'link/x.csv' goes through the symbolic "
                     "link 'link' (outputs stay inside --out)");
  CHECK(revl_csvw_open_in(out, "./a//link2/../x.csv", &err) == NULL);
  CHECK_STR(err.msg, "output path './a//link2/../x.csv' may not leave --out "
                     "(no '..')");
  CHECK(!exists("%s/a/link2%s", out, "")); /* refused before any mkdir */
  /* a symlinked final name, dangling or not */
  snprintf(p, sizeof p, "%s/f.csv", out);
  snprintf(q, sizeof q, "%s/f.csv", away);
  CHECK(symlink(q, p) == 0);
  CHECK(revl_csvw_open_in(out, "f.csv", &err) == NULL);
  CHECK_STR(err.msg, "output path 'f.csv' is a symbolic link (outputs stay "
                     "inside --out)");
  /* a file where a directory is needed, and a directory as the file */
  CHECK(revl_csvw_open_in(out, "a/b/x.csv/y.csv", &err) == NULL);
  CHECK(strstr(err.msg, "/a/b/x.csv: cannot open as a directory (Not a directory)") != NULL);
  CHECK(revl_csvw_open_in(out, "a/", &err) == NULL);
  CHECK_STR(err.msg, "output path 'a/' names a directory, not a file");
  CHECK(revl_csvw_open_in(out, "/etc/x.csv", &err) == NULL);
  CHECK_INT(count_files(away), 0);

  /* swapped in between open and commit: the directory that was opened
   * keeps the file; nothing reaches the symlink's target */
  w = revl_csvw_open_in(out, "s/x.csv", &err);
  CHECK(w != NULL);
  snprintf(p, sizeof p, "%s/s", out);
  snprintf(q, sizeof q, "%s/s.moved", out);
  CHECK(rename(p, q) == 0);
  CHECK(symlink(away, p) == 0);
  if (w) {
    revl_csvw_str(w, "v");
    revl_csvw_end(w);
    CHECK_INT(revl_csvw_commit(w, &err), 0);
  }
  CHECK_INT(count_files(away), 0);
  CHECK(exists("%s/s.moved/x.csv%s", out, ""));

  /* stale temporary files: a dead PID's removed, a live one's and a
   * user's look-alike kept, only in the directory written to */
  snprintf(p, sizeof p, "%s/st", out);
  CHECK(mkdir(p, 0777) == 0);
  const char *names[] = {"old.csv.tmp.4194303", "keep.csv.tmp.1",
                         "notes.tmp.txt", "x.tmp.12a"};
  for (int i = 0; i < 4; i++) {
    snprintf(q, sizeof q, "%s/%s", p, names[i]);
    FILE *f = fopen(q, "w");
    CHECK(f != NULL);
    if (f) fclose(f);
  }
  w = revl_csvw_open_in(out, "st/new.csv", &err);
  CHECK(w != NULL);
  CHECK(!exists("%s/%s", p, "old.csv.tmp.4194303"));
  CHECK(exists("%s/%s", p, "keep.csv.tmp.1")); /* PID 1 is alive */
  CHECK(exists("%s/%s", p, "notes.tmp.txt"));
  CHECK(exists("%s/%s", p, "x.tmp.12a"));

  /* what a signal handler does: the open writer's temp file goes */
  CHECK_INT(count_files(p), 4); /* 3 kept + new.csv.tmp.PID */
  revl_csvw_remove_temps();
  CHECK_INT(count_files(p), 3);
  if (w) revl_csvw_abort(w); /* already gone: still no error */

  rm_rf(top);
  TEST_END();
}
