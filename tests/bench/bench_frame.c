/*
 * bench_frame.c -- timings of the C frame operations (make bench-frame).
 *
 * Builds in memory a frame of 1M rows with 150k distinct account names
 * and money amounts, and a 200k-row frame of names, then prints one line
 * per operation: best of 5 runs in ms (CLOCK_MONOTONIC).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "revl/frame.h"

#define RUNS 5

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const revl_error *err) {
  fprintf(stderr, "bench_frame: %s: %s\n", what, err->msg);
  exit(1);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* n rows: acct = "Account %06u" of nkeys names, amount USD cents. */
static revl_frame *make(size_t n, uint32_t nkeys, int seq) {
  revl_frame *f = revl_frame_new(NULL);
  int a = revl_frame_add_col(f, "acct", REVL_T_STRING, NULL);
  int m = revl_frame_add_col(f, "amount", REVL_T_MONEY, NULL);
  if (a < 0 || m < 0 || revl_frame_reserve(f, n)) exit(1);
  uint32_t usd = revl_intern_add(&f->own, "USD", 3);
  char buf[32];
  for (size_t i = 0; i < n; i++) {
    uint32_t k = seq ? (uint32_t)(i % nkeys) : (uint32_t)(next() % nkeys);
    int len = snprintf(buf, sizeof buf, "Account %06u", k);
    revl_frame_push_text(f, a, buf, (size_t)len);
    revl_col_push_money(revl_frame_col(f, m), (int64_t)(next() % 10000000), usd);
  }
  if (revl_frame_seal(f)) exit(1);
  return f;
}

static void report(const char *what, double best, size_t rows) {
  printf("%-34s %9.2f ms  (%zu rows out)\n", what, best, rows);
}

int main(void) {
  revl_error err;
  double t0 = now_ms();
  revl_frame *f = make(1000000, 150000, 0);
  revl_frame *r = make(200000, 200000, 1);
  printf("built 1M x 2 and 200k x 2 frames in %.0f ms\n", now_ms() - t0);
  int keys[] = {0};
  revl_agg aggs[] = {{REVL_AGG_COUNT, -1, "n", 0}, {REVL_AGG_SUM, 1, "total", 0}};
  for (int sorted = 0; sorted < 2; sorted++) {
    double best = 1e30;
    size_t rows = 0;
    for (int k = 0; k < RUNS; k++) {
      revl_frame *g = NULL;
      double t = now_ms();
      if (revl_frame_group_by(f, keys, 1, aggs, 2, sorted, &g, &err)) die("group_by", &err);
      t = now_ms() - t;
      if (t < best) best = t;
      rows = g->nrows;
      revl_frame_free(g);
    }
    report(sorted ? "group_by count+sum sorted" : "group_by count+sum", best, rows);
  }
  {
    double best = 1e30;
    for (int k = 0; k < RUNS; k++) {
      revl_frame *c = NULL;
      if (revl_frame_limit(f, f->nrows, &c, &err)) die("limit", &err);
      revl_sortkey sk[] = {{0, 0}, {1, 1}};
      double t = now_ms();
      if (revl_frame_sort(c, sk, 2, &err)) die("sort", &err);
      t = now_ms() - t;
      if (t < best) best = t;
      revl_frame_free(c);
    }
    report("sort 1M by acct, amount desc", best, f->nrows);
  }
  {
    double best = 1e30;
    size_t rows = 0;
    for (int k = 0; k < RUNS; k++) {
      revl_frame *j = NULL;
      double t = now_ms();
      if (revl_frame_join(f, 0, r, 0, 0, &j, &err)) die("join", &err);
      t = now_ms() - t;
      if (t < best) best = t;
      rows = j->nrows;
      revl_frame_free(j);
    }
    report("join 1M x 200k on acct", best, rows);
  }
  {
    char dir[] = "/tmp/revl_bench_frame_XXXXXX", path[64];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/out.csv", dir);
    double best = 1e30;
    for (int k = 0; k < RUNS; k++) {
      double t = now_ms();
      if (revl_frame_write_csv(r, path, NULL, 0, &err)) die("write_csv", &err);
      t = now_ms() - t;
      if (t < best) best = t;
    }
    report("write_csv 200k rows", best, r->nrows);
    unlink(path);
    rmdir(dir);
  }
  revl_frame_free(f);
  revl_frame_free(r);
  return 0;
}
