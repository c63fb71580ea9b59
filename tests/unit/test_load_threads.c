/*
 * test_load_threads.c -- the reader thread may parse values or leave
 * them to the loading thread (src/ingest/ingest.c): either way a load
 * must give the same store, the same rejects, warnings and errors.
 *
 * Every data directory of the bad-input corpus (tests/cli/bad), the
 * example data, generated data in the three export formats and a big
 * messy file written here are loaded with revl_load_typing 0 and 1, in
 * default and strict mode, and the two loads compared as text dumps.
 */
#include "revl/gen.h"
#include "revl/ingest.h"
#include "revl/parse.h"
#include "revl/store.h"
#include "test.h"
#include "storedump.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything a load leaves behind, as text. */
static char *load_dump(const char *dir, int strict, int typing) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) exit(2);
  revl_load_typing = typing;
  revl_store *s = revl_store_new();
  revl_load_opts o = {.data_dir = dir, .strict = strict};
  revl_error err;
  memset(&err, 0, sizeof err);
  int rc = revl_load_dir(s, &o, &err);
  char msg[600];
  revl_error_format(&err, msg, sizeof msg);
  fprintf(f, "rc %d: %s\n", rc, rc ? msg : "");
  dump_tables(f, s, 0);
  revl_store_free(s);
  revl_load_typing = -1;
  fclose(f);
  return buf;
}

static int ndirs;

static void compare(const char *dir) {
  for (int strict = 0; strict <= 1; strict++) {
    char *a = load_dump(dir, strict, 0);
    char *b = load_dump(dir, strict, 1);
    if (strcmp(a, b) == 0)
      test_passed++;
    else {
      test_failed++;
      size_t i = 0;
      while (a[i] && a[i] == b[i]) i++;
      size_t from = i > 60 ? i - 60 : 0;
      fprintf(stderr,
              "%s (strict %d): loads differ at byte %zu:\n  loading thread: "
              "%.160s\n  reader thread:  %.160s\n",
              dir, strict, i, a + from, b + from);
    }
    free(a);
    free(b);
  }
  ndirs++;
}

/* A deals file with a problem every few rows, big enough for many
 * batches: blanks and null tokens, spaces, bad dates and amounts,
 * amounts in their own currency (agreeing or not), currency codes in
 * any case, probabilities both ways, quotes out of place, ragged rows,
 * repeated keys, text that is not UTF-8. */
static void write_messy(const char *path, int rows) {
  FILE *f = fopen(path, "wb");
  if (!f) exit(2);
  fputs("deal_id,account_id,owner,stage,amount,currency,probability,"
        "created_date,close_date,is_closed,notes\n",
        f);
  uint64_t x = 88172645463325252ull;
  static const char *stages[] = {"Prospecting", "Proposal", "Closed Won",
                                 "Closed Lost", " Negotiation "};
  static const char *curs[] = {"USD", "usd", "EUR", "JPY", "", "N/A", "XX",
                               "KWD"};
  for (int i = 1; i <= rows; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    unsigned k = (unsigned)(x % 97);
    char id[32], amount[64], created[32], prob[16];
    snprintf(id, sizeof id, "D%06d", k == 3 ? i - 1 : i);
    const char *cur = curs[(x >> 8) % 8];
    long long cents = (long long)((x >> 16) % 100000000);
    switch ((x >> 40) % 9) {
    case 0: snprintf(amount, sizeof amount, "%lld.%02lld", cents / 100, cents % 100); break;
    case 1: snprintf(amount, sizeof amount, "\"$%lld,%03lld.5\"", cents / 100000, cents / 100 % 1000); break;
    case 2: snprintf(amount, sizeof amount, "EUR %lld", cents / 100); break;
    case 3: snprintf(amount, sizeof amount, "(%lld.00)", cents / 100); break;
    case 4: snprintf(amount, sizeof amount, "%s", k < 10 ? "12.345" : ""); break;
    case 5: snprintf(amount, sizeof amount, " %lld ", cents); break;
    default: snprintf(amount, sizeof amount, "%lld.%02lld", cents / 100, cents % 100); break;
    }
    switch ((x >> 20) % 7) {
    case 0: snprintf(created, sizeof created, "2025-%02d-%02d", (int)(x % 12) + 1, (int)(x % 28) + 1); break;
    case 1: snprintf(created, sizeof created, "%d/%d/2025", (int)(x % 12) + 1, (int)(x % 28) + 1); break;
    case 2: snprintf(created, sizeof created, "2025-02-30"); break;
    case 3: snprintf(created, sizeof created, " 2024-02-29 "); break;
    case 4: snprintf(created, sizeof created, "NULL"); break;
    default: snprintf(created, sizeof created, "2025-%02d-01", (int)(x % 12) + 1); break;
    }
    switch ((x >> 30) % 4) {
    case 0: snprintf(prob, sizeof prob, "%d%%", (int)(x % 101)); break;
    case 1: snprintf(prob, sizeof prob, "0.%02d", (int)(x % 100)); break;
    case 2: snprintf(prob, sizeof prob, "high"); break;
    default: prob[0] = '\0'; break;
    }
    if (k == 5) {
      fprintf(f, "%s,A1,R1,Proposal,\"bad \"quote\",USD\n", id);
      continue;
    }
    if (k == 6) {
      fprintf(f, "%s,A1,R1\n", id);
      continue;
    }
    if (k == 7) {
      fprintf(f, "   \n");
      continue;
    }
    fprintf(f, "%s,%s,R%02d,%s,%s,%s,%s,%s,%s,%s,%s\n", k == 8 ? "" : id,
            k == 9 ? "A\xff\xfe" : "A0042", (int)(x % 50),
            stages[(x >> 12) % 5], amount, cur, prob, created,
            k == 11 ? "tomorrow" : "2026-03-31",
            k == 12 ? "maybe" : (x & 1) ? "true" : "0",
            k == 13 ? "\"line one\nline two\"" : "note");
  }
  fclose(f);
}

int main(void) {
  /* the bad-input corpus: every case that has a data directory */
  CHECK_INT(each_corpus_dir(compare), 0);

  char tmp[] = "/tmp/revl-threads-XXXXXX";
  if (!mkdtemp(tmp)) return 2;
  char dir[600], path[700];
  static const int formats[] = {REVL_GEN_CANONICAL, REVL_GEN_SALESFORCE,
                                REVL_GEN_HUBSPOT};
  for (int i = 0; i < 3; i++) {
    snprintf(dir, sizeof dir, "%s/gen%d", tmp, i);
    revl_gen_opts g = {dir, 2000, 30000, 3000, 40, 7, 20454, formats[i], 0, {0, 0}};
    CHECK_INT(gen_quiet(&g), 0);
    compare(dir);
  }
  snprintf(dir, sizeof dir, "%s/messy", tmp);
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/deals.csv", dir);
  write_messy(path, 40000);
  compare(dir);
  CHECK(ndirs > 50);

  char cmd[800];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  TEST_END();
}
