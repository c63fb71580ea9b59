/*
 * test_declog.c -- unit tests for src/rules/declog.c and the run record
 * of src/output/runmeta.c: a scorecard decision frame written as CSV and
 * as JSON Lines, without and with a decision log's metadata (extra
 * columns, the run line, reasons as objects), read back byte for byte;
 * and the scorecard scored by src/rules/card.c.
 */
#include "revl/declog.h"
#include "revl/runmeta.h"
#include "test.h"
#include "mtest.h"

static char *slurp(const char *rel) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", mt_dir, rel);
  FILE *f = fopen(path, "rb");
  if (!f) return strdup("(missing)");
  static char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  unlink(path);
  return strdup(buf);
}

static void write_one(const revl_dframe *f, const char *rel, int json,
                      const revl_logmeta *meta) {
  const char *names[] = {"id", "completeness", "complete", "missing", "reasons"};
  revl_error err;
  revl_csvw *w = revl_csvw_open_in(mt_dir, rel, &err);
  CHECK(w != NULL);
  if (!w) return;
  revl_reasons r;
  memset(&r, 0, sizeof r);
  revl_sbuf cell = {0};
  CHECK_INT(revl_dframe_write(w, f, names, json, meta, &r, &cell, NULL, NULL), 0);
  CHECK_INT(revl_csvw_commit(w, &err), 0);
  revl_reasons_free(&r);
  revl_sb_free(&cell);
}

static void test_card_frame(void) {
  revl_store *s = revl_store_new();
  revl_table *t = s ? mt_load(s, "accounts", "id,budget\nA1,yes\nA2,yes\n") : NULL;
  CHECK(t != NULL);
  if (!t) goto out;
  revl_card_field fields[2] = {{"budget", 1, t, 1, -1, 0, NULL, -1, 1},
                               {"champion", 2, NULL, -1, -1, 1, NULL, -1, 1}};
  revl_dmodel md;
  memset(&md, 0, sizeof md);
  md.kind = REVL_DM_CARD;
  md.t = t;
  md.fields = fields;
  md.nfields = 2;
  md.pass = 50;
  md.nwords = 1;
  uint64_t mask[2] = {1, 3};
  double a[2] = {33.3, 100};
  revl_dframe f;
  memset(&f, 0, sizeof f);
  f.md = &md;
  f.t = t;
  f.n = 2;
  f.a = a;
  f.mask = mask;
  int cols[] = {REVL_DC_ID, REVL_DC_A, REVL_DC_COMPLETE, REVL_DC_MISSING, REVL_DC_REASONS};
  f.ncols = 5;
  for (int k = 0; k < 5; k++) f.ctype[k] = cols[k];

  write_one(&f, "plain.csv", 0, NULL);
  char *got = slurp("plain.csv");
  CHECK_STR(got, "id,completeness,complete,missing,reasons\n"
                 "A1,33.3,false,champion,missing champion (weight 2) [not in this export]\n"
                 "A2,100,true,,\n");
  free(got);
  write_one(&f, "plain.jsonl", 1, NULL);
  got = slurp("plain.jsonl");
  CHECK_STR(got, "{\"id\":\"A1\",\"completeness\":33.3,\"complete\":false,\"missing\":\"champion\","
                 "\"reasons\":\"missing champion (weight 2) [not in this export]\"}\n"
                 "{\"id\":\"A2\",\"completeness\":100,\"complete\":true,\"missing\":\"\","
                 "\"reasons\":\"\"}\n");
  free(got);

  /* a decision log: the run record first, its columns after the frame's */
  revl_run_input in[1] = {{"accounts", "data/accounts.csv", 2, "ab12"}};
  revl_run_record rec = {"cards", "2025-12-31", "p \"1\".lua", "unknown", "false", "0.1.0",
                         "[7,\"x\"]", NULL, in, 1};
  revl_sbuf rj = {0}, it = {0};
  /* the run id: from the content, 12 hex digits, the same for another
   * log of the run, another for another as-of date */
  char id1[REVL_RUN_ID_LEN + 1], id2[REVL_RUN_ID_LEN + 1], id3[REVL_RUN_ID_LEN + 1];
  revl_run_id(&rec, id1);
  CHECK_INT((int)strlen(id1), 12);
  CHECK_INT((int)strspn(id1, "0123456789abcdef"), 12);
  rec.log = "other";
  revl_run_id(&rec, id2);
  CHECK_STR(id2, id1);
  rec.as_of = "2026-01-01";
  revl_run_id(&rec, id3);
  CHECK(strcmp(id3, id1) != 0);
  rec.log = "cards";
  rec.as_of = "2025-12-31";
  rec.run_id = id1;
  revl_run_json(&rj, &rec);
  CHECK(strstr(revl_sb_str(&rj), "\"revl_version\":\"0.1.0\",\"run_id\":\"") != NULL);
  revl_sb_reset(&rj);
  rec.run_id = NULL;
  revl_run_json(&rj, &rec);
  CHECK_STR(revl_sb_str(&rj),
            "{\"as_of\":\"2025-12-31\",\"commit\":\"unknown\",\"dirty\":false,\"inputs\":"
            "[{\"file\":\"data/accounts.csv\",\"rows\":2,\"sha256\":\"ab12\",\"table\":"
            "\"accounts\"}],\"log\":\"cards\",\"playbook\":\"p \\\"1\\\".lua\","
            "\"revl_version\":\"0.1.0\",\"seed\":[7,\"x\"]}");
  revl_run_inputs_text(&it, in, 1);
  CHECK_STR(revl_sb_str(&it), "data/accounts.csv=ab12");
  revl_logmeta meta = {2, {"as_of", "inputs"}, {"2025-12-31", revl_sb_str(&it)}, revl_sb_str(&rj)};
  write_one(&f, "log.csv", 0, &meta);
  got = slurp("log.csv");
  CHECK_STR(got, "id,completeness,complete,missing,reasons,as_of,inputs\n"
                 "A1,33.3,false,champion,missing champion (weight 2) [not in this export],"
                 "2025-12-31,data/accounts.csv=ab12\n"
                 "A2,100,true,,,2025-12-31,data/accounts.csv=ab12\n");
  free(got);
  write_one(&f, "log.jsonl", 1, &meta);
  got = slurp("log.jsonl");
  char want[2048];
  snprintf(want, sizeof want,
           "{\"run\":%s}\n"
           "{\"id\":\"A1\",\"completeness\":33.3,\"complete\":false,\"missing\":\"champion\","
           "\"reasons\":[{\"kind\":\"missing\",\"criterion\":\"champion\",\"value\":"
           "\"not in this export\",\"weight\":2,\"met\":false}]}\n"
           "{\"id\":\"A2\",\"completeness\":100,\"complete\":true,\"missing\":\"\","
           "\"reasons\":[]}\n",
           revl_sb_str(&rj));
  CHECK_STR(got, want);
  free(got);
  /* an unknown dirty state stays a string; no seed is null */
  rec.dirty = "unknown";
  rec.seed_json = NULL;
  rec.ninputs = 0;
  revl_sb_reset(&rj);
  revl_run_json(&rj, &rec);
  CHECK(strstr(revl_sb_str(&rj), "\"dirty\":\"unknown\",\"inputs\":[],") != NULL);
  CHECK(strstr(revl_sb_str(&rj), "\"seed\":null}") != NULL);
  revl_sb_free(&rj);
  revl_sb_free(&it);

  /* the scorecard evaluated by the core: budget present, champion not
   * in this export, so a third of the weight */
  mask[0] = mask[1] = 0;
  uint32_t scratch[2];
  revl_crit_ctx ctx = {0, NULL, NULL, NULL, 0};
  CHECK_INT(revl_card_eval(&f, scratch, &ctx, NULL, NULL), 0);
  CHECK_INT((int)mask[0], 1);
  CHECK_INT((int)mask[1], 1);
  CHECK_DBL(a[0], 33.3, 1e-9);
  CHECK_DBL(a[1], 33.3, 1e-9);
out:
  revl_store_free(s);
}

int main(void) {
  if (mt_begin("declog")) return 2;
  test_card_frame();
  mt_end();
  TEST_END();
}
