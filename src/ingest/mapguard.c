/*
 * mapguard.c -- SIGBUS in a mapped input file that shrank: one line on
 * stderr and exit 2 (see revl/mapguard.h).  The handler only reads the
 * slots (atomics) and calls write and _exit, which are async-signal-safe.
 */
#define _GNU_SOURCE /* siginfo si_addr, SA_SIGINFO under strict C11 */
#include "revl/mapguard.h"
#include "revl/common.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NSLOTS 64

typedef struct slot {
  atomic_uintptr_t lo, hi; /* hi == 0: free */
  char msg[600];
  size_t nmsg;
} slot;

static slot slots[NSLOTS];
static atomic_int taken[NSLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  uintptr_t a = (uintptr_t)si->si_addr;
  for (int i = 0; i < NSLOTS; i++) {
    uintptr_t hi = atomic_load(&slots[i].hi);
    if (hi && a >= atomic_load(&slots[i].lo) && a < hi) {
      ssize_t w = write(2, slots[i].msg, slots[i].nmsg);
      (void)w;
      _exit(REVL_EXIT_DATA);
    }
  }
  /* not ours: the default action, at the same instruction again */
  signal(sig, SIG_DFL);
}

static void install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, NULL);
}

int revl_mapguard_add(const void *p, size_t len, const char *path) {
  pthread_once(&once, install);
  for (int i = 0; i < NSLOTS; i++) {
    int zero = 0;
    if (!atomic_compare_exchange_strong(&taken[i], &zero, 1)) continue;
    slot *s = &slots[i];
    int n = snprintf(s->msg, sizeof s->msg, "revl: %s: the file shrank while it "
                     "was read (it changed during the load); nothing was loaded "
                     "from it\n", path);
    s->nmsg = n < 0 ? 0 : (size_t)n >= sizeof s->msg ? sizeof s->msg - 1 : (size_t)n;
    if (s->nmsg) s->msg[s->nmsg - 1] = '\n';
    atomic_store(&s->lo, (uintptr_t)p);
    atomic_store(&s->hi, (uintptr_t)p + len);
    return i;
  }
  return -1;
}

void revl_mapguard_del(int i) {
  if (i < 0 || i >= NSLOTS) return;
  atomic_store(&slots[i].hi, 0);
  atomic_store(&slots[i].lo, 0);
  atomic_store(&taken[i], 0);
}
