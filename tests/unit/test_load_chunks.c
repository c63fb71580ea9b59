/*
 * test_load_chunks.c -- a file loaded in chunks on several threads
 * (src/ingest/chunk.c) must leave exactly what a one-thread load leaves:
 * the same store, intern ids, rejects, warnings, errors, lines and
 * columns.  The chunk splitter is checked on its own, then the bad-input
 * corpus, the example data, generated data, a big messy file and files
 * made to put quotes, multi-line fields, CRLF, a BOM, NUL bytes and
 * runaway quotes on chunk boundaries are loaded on one thread and on
 * two and three with tiny chunks (so that boundaries fall everywhere),
 * in default and strict mode, and the dumps compared.
 */
#include "ingest/loader.h"
#include "revl/gen.h"
#include "revl/ingest.h"
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

/* ---- the splitter --------------------------------------------------- */

static void test_split(void) {
  const char *t = "h\naaaa\nbb\n\"q\nq\"\nccccccc\nd";
  size_t n = strlen(t), bound[64];
  size_t k = revl_chunk_split(t, n, 2, 3, bound, 63);
  CHECK(k >= 2);
  CHECK_INT((int)bound[0], 2);
  CHECK_INT((int)bound[k], (int)n);
  for (size_t i = 1; i < k; i++) {
    CHECK(bound[i] > bound[i - 1]);
    CHECK(t[bound[i] - 1] == '\n');            /* a line start */
    CHECK(bound[i] - bound[i - 1] >= 3);       /* at least the size */
    /* the first line start at or after the size */
    CHECK(memchr(t + bound[i - 1] + 2, '\n', bound[i] - 1 - (bound[i - 1] + 2)) == NULL);
  }
  /* one chunk when the size covers it, or no line break follows */
  k = revl_chunk_split(t, n, 0, 1000, bound, 63);
  CHECK_INT((int)k, 1);
  CHECK_INT((int)bound[1], (int)n);
  k = revl_chunk_split("abcdefgh", 8, 0, 2, bound, 63);
  CHECK_INT((int)k, 1);
  /* room for max - 1 chunks only */
  k = revl_chunk_split("a\nb\nc\nd\ne\n", 10, 0, 1, bound, 3);
  CHECK_INT((int)k, 2);
  CHECK_INT((int)bound[2], 10);
  /* size 1: every line its chunk */
  k = revl_chunk_split("a\nb\nc\n", 6, 0, 1, bound, 63);
  CHECK_INT((int)k, 3);
  CHECK_INT((int)bound[1], 2);
  CHECK_INT((int)bound[2], 4);
}

/* ---- loads compared ------------------------------------------------- */

static char *load_dump(const char *dir, int strict, int threads, size_t chunk) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) exit(2);
  revl_load_threads = threads;
  revl_load_chunk = chunk;
  revl_store *s = revl_store_new();
  revl_load_opts o = {.data_dir = dir, .strict = strict, .no_cache = 1, .quiet = 1};
  revl_error err;
  memset(&err, 0, sizeof err);
  int rc = revl_load_dir(s, &o, &err);
  char msg[600];
  revl_error_format(&err, msg, sizeof msg);
  fprintf(f, "rc %d: %s\n", rc, rc ? msg : "");
  dump_tables(f, s, 1);
  revl_store_free(s);
  revl_load_threads = 0;
  revl_load_chunk = 0;
  fclose(f);
  return buf;
}

static int ndirs;

static void compare_with(const char *dir, const size_t *chunks, int nchunks) {
  for (int strict = 0; strict <= 1; strict++) {
    char *a = load_dump(dir, strict, 1, 0);
    for (int c = 0; c < nchunks; c++) {
      int threads = 2 + c % 2;
      char *b = load_dump(dir, strict, threads, chunks[c]);
      if (strcmp(a, b) == 0) {
        test_passed++;
      } else {
        test_failed++;
        size_t i = 0;
        while (a[i] && a[i] == b[i]) i++;
        size_t from = i > 60 ? i - 60 : 0;
        fprintf(stderr,
                "%s (strict %d, %d threads, chunks of %zu): loads differ at "
                "byte %zu:\n  one thread: %.200s\n  chunks:     %.200s\n",
                dir, strict, threads, chunks[c], i, a + from, b + from);
      }
      free(b);
    }
    free(a);
  }
  ndirs++;
}

static void compare(const char *dir) {
  static const size_t chunks[] = {5, 64, 1000};
  compare_with(dir, chunks, 3);
}

/* Every chunk size from 1 to 40 bytes: a boundary at every byte of the
 * first lines, for files built around quotes. */
static void compare_all(const char *dir) {
  size_t chunks[40];
  for (int i = 0; i < 40; i++) chunks[i] = (size_t)i + 1;
  compare_with(dir, chunks, 40);
}

static void write_file(const char *dir, const char *name, const char *text,
                       size_t n) {
  char path[800];
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) exit(2);
}

/* Deals whose notes hold quotes, doubled quotes and line breaks (LF,
 * CRLF, lone CR) in every position, repeated keys, bad rows between. */
static void write_quoted(const char *dir, const char *eol, int bom, int last_eol) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) exit(2);
  if (bom) fputs("\xEF\xBB\xBF", f);
  fprintf(f, "deal_id,account_id,stage,amount,currency,notes%s", eol);
  static const char *notes[] = {
      "\"a\"\"b\"", "\"\"\"\"", "\"x\ny\"", "\"x\r\ny\"", "\"line\n\"\"quoted\"\"\nend\"",
      "plain", "\"\n\"", "\"\"", "\"a,b\"", "\"\r\"", "\"multi\n\n\nblank\"",
      "bad\"quote", "\"closed\"tail", "\"ok\"",
  };
  int nn = (int)(sizeof notes / sizeof *notes);
  for (int i = 0; i < 120; i++) {
    int dup = i % 17 == 5;
    fprintf(f, "D%d,A%d,%s,%d.%02d,%s,%s", dup ? i - 3 : i, i % 7,
            i % 5 ? "Proposal" : "Closed Won", i * 37, i % 100,
            i % 11 ? "USD" : "EUR", notes[i % nn]);
    if (i % 23 == 9) fprintf(f, ",extra");
    if (i < 119 || last_eol) fputs(eol, f);
  }
  fclose(f);
  write_file(dir, "deals.csv", buf, len);
  free(buf);
}

/* A deals file with a problem every few rows (as test_load_threads.c),
 * big enough for many chunks and for the reader's 1 MiB blocks. */
static void write_messy(const char *path, int rows) {
  FILE *f = fopen(path, "wb");
  if (!f) exit(2);
  fputs("deal_id,account_id,owner,stage,amount,currency,probability,"
        "created_date,close_date,is_closed,notes\n", f);
  uint64_t x = 88172645463325252ull;
  static const char *stages[] = {"Prospecting", "Proposal", "Closed Won",
                                 "Closed Lost", " Negotiation "};
  static const char *curs[] = {"USD", "usd", "EUR", "JPY", "", "N/A", "XX", "KWD"};
  for (int i = 1; i <= rows; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    unsigned k = (unsigned)(x % 97);
    char id[32];
    snprintf(id, sizeof id, "D%06d", k == 3 ? i - 1 : i);
    long long cents = (long long)((x >> 16) % 100000000);
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
    fprintf(f, "%s,%s,R%02d,%s,%lld.%02lld,%s,%d%%,2025-%02d-%02d,%s,%s,%s\n",
            k == 8 ? "" : id, k == 9 ? "A\xff\xfe" : "A0042", (int)(x % 50),
            stages[(x >> 12) % 5], cents / 100, cents % 100, curs[(x >> 8) % 8],
            (int)(x % 101), (int)(x % 12) + 1, (int)(x % 28) + 1,
            k == 11 ? "tomorrow" : "2026-03-31", (x & 1) ? "true" : "0",
            k == 13 ? "\"line one\nline \"\"two\"\"\"" : k == 14 ? "\"a\r\nb\"" : "note");
  }
  fclose(f);
}

int main(void) {
  test_split();

  /* the bad-input corpus: every case that has a data directory */
  CHECK_INT(each_corpus_dir(compare), 0);

  char tmp[] = "/tmp/revl-chunks-XXXXXX";
  if (!mkdtemp(tmp)) return 2;
  char dir[600], path[700];
  static const int formats[] = {REVL_GEN_CANONICAL, REVL_GEN_SALESFORCE,
                                REVL_GEN_HUBSPOT};
  for (int i = 0; i < 3; i++) {
    snprintf(dir, sizeof dir, "%s/gen%d", tmp, i);
    revl_gen_opts g = {dir, 500, 6000, 600, 20, 7, 20454, formats[i], 0, {0, 0}};
    CHECK_INT(gen_quiet(&g), 0);
    compare(dir);
  }

  /* quotes on every boundary: LF, CRLF, lone CR, a BOM, no last newline */
  static const char *eols[] = {"\n", "\r\n", "\r"};
  for (int i = 0; i < 3; i++)
    for (int v = 0; v < 2; v++) {
      snprintf(dir, sizeof dir, "%s/quoted%d%d", tmp, i, v);
      write_quoted(dir, eols[i], v, v);
      compare_all(dir);
    }
  /* a quote never closed: the rest of the file is one field */
  snprintf(dir, sizeof dir, "%s/runaway", tmp);
  static const char runaway[] =
      "deal_id,account_id,stage,amount,notes\nD1,A1,Proposal,1,ok\n"
      "D2,A1,Proposal,2,\"never closed\nD3,A1,Proposal,3,x\nD4,A1,Proposal,4,y\n"
      "D5,A1,Proposal,5,\"z\"\nD6,A1,Proposal,6,w\n";
  write_file(dir, "deals.csv", runaway, sizeof runaway - 1);
  compare_all(dir);
  /* a NUL byte in a later chunk */
  snprintf(dir, sizeof dir, "%s/nul", tmp);
  static const char nul[] = "deal_id,account_id,stage,amount\nD1,A1,Proposal,1\n"
                            "D2,A1,Proposal,2\nD3,A1,Pro\0posal,3\nD4,A1,Proposal,4\n";
  write_file(dir, "deals.csv", nul, sizeof nul - 1);
  compare_all(dir);
  /* only a header; a header and blank lines; nothing but blank lines */
  snprintf(dir, sizeof dir, "%s/header", tmp);
  write_file(dir, "deals.csv", "deal_id,account_id,stage,amount\n", 32);
  compare_all(dir);
  snprintf(dir, sizeof dir, "%s/blank", tmp);
  write_file(dir, "deals.csv", "\n\n\ndeal_id,account_id,stage,amount\n\n\nD1,A1,x,1\n\n", 46);
  compare_all(dir);
  snprintf(dir, sizeof dir, "%s/blanks", tmp);
  write_file(dir, "deals.csv", "\n\n\n\n\n\n", 6);
  compare_all(dir);

  /* big and messy: many chunks, lines across the reader's 1 MiB blocks */
  snprintf(dir, sizeof dir, "%s/messy", tmp);
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/deals.csv", dir);
  write_messy(path, 30000);
  static const size_t big[] = {4096, 65536, 1 << 20};
  compare_with(dir, big, 3);
  CHECK(ndirs > 50);
  /* the loads went through chunks, guesses went wrong and were mended,
   * and most mends met the guess again */
  CHECK(revl_chunk_stats[0] > 10000);
  CHECK(revl_chunk_stats[1] > 100);
  CHECK(revl_chunk_stats[2] > 50);
  printf("chunks %zu, parsed again %zu, met again %zu\n", revl_chunk_stats[0],
         revl_chunk_stats[1], revl_chunk_stats[2]);

  char cmd[800];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  TEST_END();
}
