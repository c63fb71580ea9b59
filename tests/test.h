/*
 * test.h -- the smallest unit-test harness that does the job.
 *
 * Each tests/unit/test_*.c is its own program: CHECK* macros count
 * passes and failures, failures print FILE:LINE and what differed, and
 * TEST_END prints "N passed, N failed" (read by tests/run.sh) and sets
 * the exit status.
 */
#ifndef REVL_TEST_H
#define REVL_TEST_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (cond)                                                              \
      test_passed++;                                                       \
    else {                                                                 \
      test_failed++;                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,    \
              #cond);                                                      \
    }                                                                      \
  } while (0)

#define CHECK_INT(got, want)                                               \
  do {                                                                     \
    long long g_ = (long long)(got), w_ = (long long)(want);               \
    if (g_ == w_)                                                          \
      test_passed++;                                                       \
    else {                                                                 \
      test_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__,        \
              __LINE__, #got, g_, w_);                                     \
    }                                                                      \
  } while (0)

#define CHECK_DBL(got, want, eps)                                          \
  do {                                                                     \
    double g_ = (got), w_ = (want);                                        \
    if (fabs(g_ - w_) <= (eps))                                            \
      test_passed++;                                                       \
    else {                                                                 \
      test_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s: got %.17g, want %.17g\n", __FILE__,      \
              __LINE__, #got, g_, w_);                                     \
    }                                                                      \
  } while (0)

#define CHECK_STR(got, want)                                               \
  do {                                                                     \
    const char *g_ = (got), *w_ = (want);                                  \
    if (g_ && w_ && strcmp(g_, w_) == 0)                                   \
      test_passed++;                                                       \
    else {                                                                 \
      test_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__,    \
              __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");     \
    }                                                                      \
  } while (0)

#define TEST_END()                                                         \
  do {                                                                     \
    printf("%d passed, %d failed\n", test_passed, test_failed);            \
    return test_failed != 0;                                               \
  } while (0)

#endif
