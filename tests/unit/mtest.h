/*
 * mtest.h -- what the metric unit tests share: a small store loaded from
 * CSV text written to a scratch directory, as ingest types it.
 * Include after test.h, in one test file each (static functions).
 */
#ifndef REVL_MTEST_H
#define REVL_MTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revl/frame.h"
#include "revl/ingest.h"
#include "revl/store.h"

static char mt_dir[256];

/* Make the scratch directory (0, or 2 to exit with). */
static inline int mt_begin(const char *what) {
  const char *base = getenv("TMPDIR");
  snprintf(mt_dir, sizeof mt_dir, "%s/revl-%s.XXXXXX",
           base && base[0] ? base : "/tmp", what);
  if (!mkdtemp(mt_dir)) {
    perror("mkdtemp");
    return 2;
  }
  return 0;
}

static inline void mt_end(void) { rmdir(mt_dir); }

/* Table `name` of s loaded from CSV text, or NULL (message printed). */
static inline revl_table *mt_load(revl_store *s, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s.csv", mt_dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return NULL;
  fputs(text, f);
  fclose(f);
  revl_error err;
  int rc = revl_load_file(s, name, path, NULL, 0, &err);
  unlink(path);
  if (rc) {
    fprintf(stderr, "%s\n", err.msg);
    return NULL;
  }
  return revl_store_table(s, name);
}

/* Resolve references between the loaded tables. */
static inline int mt_link(revl_store *s) {
  if (revl_store_link_all(s, NULL)) {
    fprintf(stderr, "linking the test tables failed\n");
    return -1;
  }
  return 0;
}

/* Cell text of column `col` in row `row` of f ("" for null, "?" for no
 * such column). */
static inline const char *mt_cell(const revl_frame *f, const char *col, size_t row) {
  static char buf[128];
  size_t len;
  int ci = revl_frame_col_index(f, col);
  if (ci < 0 || row >= f->nrows) return "?";
  const char *s = revl_frame_cell_text(f, ci, row, buf, sizeof buf, &len);
  if (s != buf) snprintf(buf, sizeof buf, "%.*s", (int)len, s);
  return buf;
}

#endif
