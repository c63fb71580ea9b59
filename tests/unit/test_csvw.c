/* Unit tests of the atomic CSV writer: quoting only when needed, JSON
 * string escapes, commit renames, abort leaves nothing behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revl/csvw.h"
#include "test.h"

static char *slurp(const char *path) {
  static char buf[4096];
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

int main(void) {
  char dir[] = "/tmp/revl-csvw-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[256], nested[256];
  snprintf(path, sizeof path, "%s/a.csv", dir);
  snprintf(nested, sizeof nested, "%s/x/y", dir);
  revl_error err;

  revl_csvw *w = revl_csvw_open(path, &err);
  CHECK(w != NULL);
  revl_csvw_str(w, "plain");
  revl_csvw_str(w, "a,b");
  revl_csvw_str(w, "say \"hi\"");
  revl_csvw_str(w, " padded");
  revl_csvw_str(w, NULL);
  revl_csvw_int(w, -42);
  revl_csvw_end(w);
  revl_csvw_str(w, "two\nlines");
  revl_csvw_end(w);
  CHECK(access(path, F_OK) != 0); /* nothing visible before commit */
  CHECK_INT(revl_csvw_commit(w, &err), 0);
  CHECK_STR(slurp(path), "plain,\"a,b\",\"say \"\"hi\"\"\",\" padded\",,-42\n\"two\nlines\"\n");

  w = revl_csvw_open(path, &err);
  const char *s = "q\"b\\n\n\t\x01";
  revl_csvw_json(w, s, strlen(s));
  revl_csvw_raw(w, "\n", 1);
  CHECK_INT(revl_csvw_commit(w, &err), 0);
  CHECK_STR(slurp(path), "\"q\\\"b\\\\n\\n\\t\\u0001\"\n");

  w = revl_csvw_open(path, &err);
  revl_csvw_str(w, "half");
  revl_csvw_abort(w);
  CHECK_STR(slurp(path), "\"q\\\"b\\\\n\\n\\t\\u0001\"\n"); /* old file intact */

  snprintf(path, sizeof path, "%s/nope/a.csv", dir);
  CHECK(revl_csvw_open(path, &err) == NULL);
  CHECK_INT(err.code, REVL_EIO);
  CHECK_INT(revl_mkdirs(nested, &err), 0);
  CHECK_INT(revl_mkdirs(nested, &err), 0); /* exists: fine */

  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK_INT(system(cmd), 0);
  TEST_END();
}
