/*
 * test_logread.c -- revl_log_rejoin (src/output/logread.c): a CSV log
 * and its run.json joined back, JSON escapes in the record, a JSONL log
 * to CSV, and the files that are not logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revl/logread.h"
#include "test.h"

static char dir[64];

static void put(const char *name, const char *text) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  fputs(text, f);
  fclose(f);
}

/* the rejoined text of name (json 0/1), or the error message */
static char *rejoin(const char *name, int json, int *rc) {
  char p[256], out[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  snprintf(out, sizeof out, "%s/out", dir);
  revl_error err;
  revl_csvw *w = revl_csvw_open(out, &err);
  *rc = revl_log_rejoin(p, w, json, &err);
  if (*rc) {
    revl_csvw_abort(w);
    return strdup(err.msg);
  }
  revl_csvw_commit(w, &err);
  FILE *f = fopen(out, "rb");
  static char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  unlink(out);
  return strdup(buf);
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/revl-logread-XXXXXX");
  if (!mkdtemp(dir)) return 2;
  int rc;
  char *got;
  const char *rec = "{\"as_of\":\"2025-06-30\",\"commit\":\"unknown\",\"dirty\":\"unknown\","
                    "\"inputs\":[{\"file\":\"d/a,1.csv\",\"rows\":2,\"sha256\":\"ab\","
                    "\"table\":\"accounts\"},{\"file\":\"d/b.csv\",\"rows\":1,\"sha256\":\"cd\","
                    "\"table\":\"deals\"}],\"log\":\"x\",\"playbook\":\"p \\\"\\u00e9\\\".lua\","
                    "\"revl_version\":\"0.1.0\",\"run_id\":\"0123456789ab\",\"seed\":[7,8]}";
  put("x.csv", "id,fit,run_id\nA1,10,0123456789ab\n\"A,2\",,0123456789ab\n");
  char side[1024];
  snprintf(side, sizeof side, "%s\n", rec);
  put("x.run.json", side);
  got = rejoin("x.csv", 0, &rc);
  CHECK_INT(rc, 0);
  CHECK_STR(got, "id,fit,as_of,playbook,commit,dirty,revl_version,seed,inputs\n"
                 "A1,10,2025-06-30,\"p \"\"\xc3\xa9\"\".lua\",unknown,unknown,0.1.0,7;8,"
                 "\"d/a,1.csv=ab;d/b.csv=cd\"\n"
                 "\"A,2\",,2025-06-30,\"p \"\"\xc3\xa9\"\".lua\",unknown,unknown,0.1.0,7;8,"
                 "\"d/a,1.csv=ab;d/b.csv=cd\"\n");
  free(got);
  got = rejoin("x.csv", 1, &rc);
  CHECK_INT(rc, 0);
  CHECK(strncmp(got, "{\"id\":\"A1\",\"fit\":10,\"run\":{\"as_of\"", 34) == 0);
  CHECK(strstr(got, "{\"id\":\"A,2\",\"fit\":null,\"run\":") != NULL);
  free(got);

  /* JSONL to CSV: strings unquoted, other values as their JSON text */
  char jl[2048];
  snprintf(jl, sizeof jl, "{\"run\":%s}\n{\"id\":\"A\\n1\",\"ok\":true,\"r\":[1]}\n", rec);
  put("y.jsonl", jl);
  got = rejoin("y.jsonl", 0, &rc);
  CHECK_INT(rc, 0);
  CHECK(strncmp(got, "id,ok,r,as_of,", 14) == 0);
  CHECK(strstr(got, "\"A\n1\",true,[1],2025-06-30,") != NULL);
  free(got);

  /* not logs */
  put("z.csv", "id,run_id\nA1,ffffffffffff\n");
  put("z.run.json", side);
  got = rejoin("z.csv", 0, &rc);
  CHECK_INT(rc, REVL_EDATA);
  CHECK(strstr(got, "run_id 'ffffffffffff'") != NULL);
  free(got);
  put("w.csv", "id,fit\nA1,1\n");
  put("w.run.json", side);
  got = rejoin("w.csv", 0, &rc);
  CHECK_INT(rc, REVL_EDATA);
  CHECK(strstr(got, "not run_id") != NULL);
  free(got);
  put("v.jsonl", "{\"run\":{\"as_of\":1}}\n");
  got = rejoin("v.jsonl", 0, &rc);
  CHECK_INT(rc, REVL_EDATA);
  free(got);
  put("u.jsonl", "{\"run\":{\"inputs\":[],\"run_id\":\"a\"}\n");
  got = rejoin("u.jsonl", 0, &rc);
  CHECK_INT(rc, REVL_EDATA); /* an unterminated object */
  free(got);

  const char *names[] = {"x.csv", "x.run.json", "y.jsonl", "z.csv", "z.run.json", "w.csv",
                         "w.run.json", "v.jsonl", "u.jsonl"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
  rmdir(dir);
  TEST_END();
}
