/*
 * test_snapshot.c -- a load restored from snapshots (src/ingest/cache.c,
 * snapshot.c) leaves exactly what a parse leaves: the bad-input corpus,
 * the examples and generated data in three formats, strict and not,
 * dumped with the string ids, the string table's shape and memory
 * figures, loaded without a cache, then writing, then restoring.
 */
#include "test.h"
#include "storedump.h"

#include "revl/cache.h"
#include "revl/gen.h"
#include "revl/ingest.h"
#include "revl/phash.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char cache_dir[600];

/* Everything a load leaves behind, as text. */
static char *load_dump(const char *dir, int strict, int cache) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) exit(2);
  revl_cache_setup(cache_dir, !cache);
  revl_store *s = revl_store_new();
  revl_load_opts o = {.data_dir = dir, .strict = strict, .quiet = 1};
  revl_error err;
  memset(&err, 0, sizeof err);
  int rc = revl_load_dir(s, &o, &err);
  char msg[600];
  revl_error_format(&err, msg, sizeof msg);
  fprintf(f, "rc %d: %s\n", rc, rc ? msg : "");
  dump_tables(f, s, 1);
  const revl_intern *in = &s->strings;
  /* not the capacities: a restored table maps exactly what is used */
  fprintf(f, "strings n %u bytes %zu mask %u memory %zu\n", in->n, in->nbytes,
          in->mask, revl_intern_memory(in));
  for (int i = 0; i < s->ntables; i++)
    fprintf(f, "memory %s %zu\n", s->tables[i]->name,
            revl_table_memory(s->tables[i]));
  revl_store_free(s);
  fclose(f);
  return buf;
}

static int ndirs, nsnaps;
static int restore_threads; /* --threads of the restore (0: default) */

static int count_snaps(void) {
  DIR *d = opendir(cache_dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (strstr(e->d_name, ".snap") && e->d_name[0] != '.') n++;
  if (d) closedir(d);
  return n;
}

static void compare(const char *dir) {
  for (int strict = 0; strict <= 1; strict++) {
    char *a = load_dump(dir, strict, 0);
    char *b = load_dump(dir, strict, 1);
    int before = count_snaps();
    int keep = revl_load_threads;
    revl_load_threads = restore_threads;
    char *c = load_dump(dir, strict, 1);
    revl_load_threads = keep;
    CHECK_INT(count_snaps(), before); /* a restore writes nothing */
    for (int k = 0; k < 2; k++) {
      const char *x = k ? c : b;
      if (strcmp(a, x) == 0) {
        test_passed++;
        continue;
      }
      test_failed++;
      size_t i = 0;
      while (a[i] && a[i] == x[i]) i++;
      size_t from = i > 60 ? i - 60 : 0;
      fprintf(stderr, "%s (strict %d, %s): differs at byte %zu:\n  parse: %.160s\n"
              "  cache: %.160s\n", dir, strict, k ? "restored" : "written", i,
              a + from, x + from);
    }
    free(a);
    free(b);
    free(c);
  }
  ndirs++;
}

int main(void) {
  char tmp[] = "/tmp/revl-snapshot-XXXXXX";
  if (!mkdtemp(tmp)) return 2;
  snprintf(cache_dir, sizeof cache_dir, "%s/cache", tmp);
  /* the bad-input corpus: every case that has a data directory */
  CHECK_INT(each_corpus_dir(compare), 0);
  char dir[700];
  static const int formats[] = {REVL_GEN_CANONICAL, REVL_GEN_SALESFORCE,
                                REVL_GEN_HUBSPOT};
  for (int i = 0; i < 3; i++) {
    snprintf(dir, sizeof dir, "%s/gen%d", tmp, i);
    revl_gen_opts g = {dir, 2000, 30000, 3000, 40, 7, 20454, formats[i], 0, {0, 0}};
    CHECK_INT(gen_quiet(&g), 0);
    /* their snapshots have several checksum blocks (revl/phash.h): the
     * first directory's are written on one thread, checked on three */
    revl_load_threads = i == 0 ? 1 : 0;
    restore_threads = i == 0 ? 3 : 0;
    compare(dir);
  }
  revl_load_threads = restore_threads = 0;
  off_t biggest = 0;
  DIR *cd = opendir(cache_dir);
  struct dirent *e;
  while (cd && (e = readdir(cd))) {
    char p[1400];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", cache_dir, e->d_name);
    if (stat(p, &st) == 0 && st.st_size > biggest) biggest = st.st_size;
  }
  if (cd) closedir(cd);
  CHECK(biggest > (off_t)(2 * REVL_PHASH_BLOCK));
  nsnaps = count_snaps();
  CHECK(ndirs > 50);
  CHECK(nsnaps > 50);
  revl_cache_setup(NULL, 1);
  char cmd[800];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  TEST_END();
}
