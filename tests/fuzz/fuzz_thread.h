/*
 * fuzz_thread.h -- one reused thread instead of a new thread per input,
 * for a harness whose code under test starts a thread and joins it on
 * every call (a CSV load and its reader thread, src/ingest/reader.c).
 *
 * The harness is linked with -Wl,--wrap=pthread_create,--wrap=pthread_join
 * (Makefile, FUZZ_LDFLAGS_<harness>).  While fuzz_pool_on is set, the
 * wrapped pthread_create hands the start routine to a worker thread that
 * was started once (with the first caller's attributes, so its stack size,
 * and its signal mask) and returns that worker's id; pthread_join of that
 * id waits until the routine has returned.  The routine still runs on a
 * thread of its own, concurrently with the caller, so what it covers and
 * the hand-offs between the two threads are what they were.  What goes
 * is the thread's start and end, which under AddressSanitizer mapped and
 * unmapped its descriptor and signal stack and cleared the shadow of its
 * stack, each unmapping a TLB shootdown: two thirds of the kernel time
 * of the CSV harness (docs/fuzzing.md).  Outside fuzz_pool_on (libFuzzer's
 * own threads) and for a second thread while one is running, both calls
 * are the real ones.
 */
#ifndef REVL_FUZZ_THREAD_H
#define REVL_FUZZ_THREAD_H

#include <pthread.h>
#include <stdlib.h>

int __real_pthread_create(pthread_t *th, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg);
int __real_pthread_join(pthread_t th, void **ret);
int __wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg);
int __wrap_pthread_join(pthread_t th, void **ret);

static int fuzz_pool_on; /* set by the harness around the call under test */

static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  void *(*fn)(void *);
  void *arg, *ret;
  int started; /* the worker exists */
  int queued;  /* a routine handed over, not yet taken */
  int running; /* handed over and not yet joined */
  int done;    /* it has returned */
  pthread_t th;
} fuzz_pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *fuzz_pool_main(void *unused) {
  (void)unused;
  pthread_mutex_lock(&fuzz_pool.mu);
  for (;;) {
    while (!fuzz_pool.queued) pthread_cond_wait(&fuzz_pool.cv, &fuzz_pool.mu);
    void *(*fn)(void *) = fuzz_pool.fn;
    void *arg = fuzz_pool.arg;
    fuzz_pool.queued = 0;
    fuzz_pool.fn = NULL;
    fuzz_pool.arg = NULL;
    pthread_mutex_unlock(&fuzz_pool.mu);
    void *ret = fn(arg);
    pthread_mutex_lock(&fuzz_pool.mu);
    fuzz_pool.ret = ret;
    fuzz_pool.done = 1;
    pthread_cond_broadcast(&fuzz_pool.cv);
    /* no stale pointer to the routine's data stays where LeakSanitizer
     * scans (the idle worker's stack and registers) */
    fn = NULL;
    arg = ret = NULL;
  }
  return NULL;
}

int __wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg) {
  if (!fuzz_pool_on) return __real_pthread_create(th, attr, fn, arg);
  pthread_mutex_lock(&fuzz_pool.mu);
  if (fuzz_pool.running) { /* one at a time: a second is a real thread */
    pthread_mutex_unlock(&fuzz_pool.mu);
    return __real_pthread_create(th, attr, fn, arg);
  }
  if (!fuzz_pool.started) {
    int rc = __real_pthread_create(&fuzz_pool.th, attr, fuzz_pool_main, NULL);
    if (rc != 0) {
      pthread_mutex_unlock(&fuzz_pool.mu);
      return rc;
    }
    fuzz_pool.started = 1;
  }
  fuzz_pool.fn = fn;
  fuzz_pool.arg = arg;
  fuzz_pool.queued = 1;
  fuzz_pool.running = 1;
  fuzz_pool.done = 0;
  *th = fuzz_pool.th;
  pthread_cond_broadcast(&fuzz_pool.cv);
  pthread_mutex_unlock(&fuzz_pool.mu);
  return 0;
}

int __wrap_pthread_join(pthread_t th, void **ret) {
  pthread_mutex_lock(&fuzz_pool.mu);
  if (!fuzz_pool.running || !pthread_equal(th, fuzz_pool.th)) {
    pthread_mutex_unlock(&fuzz_pool.mu);
    return __real_pthread_join(th, ret);
  }
  while (!fuzz_pool.done) pthread_cond_wait(&fuzz_pool.cv, &fuzz_pool.mu);
  if (ret) *ret = fuzz_pool.ret;
  fuzz_pool.ret = NULL;
  fuzz_pool.running = 0;
  pthread_mutex_unlock(&fuzz_pool.mu);
  return 0;
}

#endif
