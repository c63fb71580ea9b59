/* Allocation-failure injection for the `make allocfail` build.
 *
 * Linked into build-allocfail/revl with -Wl,--wrap=malloc,... so that every
 * malloc/calloc/realloc/strdup/strndup call in revl's own objects (and the
 * Lua heap, whose allocators in src/lua/runtime.c and src/ingest/mapping.c
 * call realloc) comes here.  Environment:
 *   REVL_FAIL_ALLOC=N        the N-th allocation (1-based) returns NULL
 *   REVL_FAIL_ALLOC_ALL=1    and every one after it as well
 *   REVL_FAIL_ALLOC_COUNT=1  print "allocfail: N allocations" on stderr at exit
 *   REVL_FAIL_ALLOC_TRACE=1  print the stack of the N-th call (ASan's printer)
 * Unset, it only counts.  With two loading threads the order of calls, and
 * so which one is the N-th, can vary from run to run.  realloc(p, 0) and frees are not counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static unsigned long calls, fail_at;
static int fail_all, inited, report, trace;

void __sanitizer_print_stack_trace(void); /* the build links ASan */

static void print_count(void) {
  fprintf(stderr, "allocfail: %lu allocations\n", calls);
}

static void init(void) {
  const char *v = getenv("REVL_FAIL_ALLOC");
  const char *a = getenv("REVL_FAIL_ALLOC_ALL");
  const char *c = getenv("REVL_FAIL_ALLOC_COUNT");
  inited = 1;
  fail_at = v ? strtoul(v, NULL, 10) : 0;
  fail_all = a && *a == '1';
  report = c && *c == '1';
  const char *t = getenv("REVL_FAIL_ALLOC_TRACE");
  trace = t && *t == '1';
  if (report) atexit(print_count);
}

/* 1 when this allocation is to fail. */
static int fail_now(void) {
  if (!inited) init();
  /* files load on two threads (src/ingest/loadfile.c) */
  unsigned long k = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
  if (!fail_at) return 0;
  if (k == fail_at && trace) {
    fprintf(stderr, "allocfail: failing allocation %lu:\n", k);
    __sanitizer_print_stack_trace();
  }
  return k == fail_at || (fail_all && k > fail_at);
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }

void *__wrap_calloc(size_t n, size_t m) {
  return fail_now() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n) {
  if (n == 0) return __real_realloc(p, n);
  return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s) {
  return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n) {
  return fail_now() ? NULL : __real_strndup(s, n);
}
