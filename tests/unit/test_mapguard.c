/*
 * test_mapguard.c -- a guarded mapping of a file that shrinks while it
 * is read ends the process with one line and exit 2; a SIGBUS outside
 * every guarded mapping keeps its default action (src/ingest/mapguard.c).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "revl/mapguard.h"
#include "test.h"

#define LEN (64 * 1024)

/* In a child: map a 64 KiB file, guard it (or not, or guard and drop
 * the guard), truncate it and touch a page past the new end.  The
 * child's status, its stderr in err. */
static int shrink_in_child(int guard, int drop, char *err, size_t size) {
  char path[] = "/tmp/revl-mapguard.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  static char zeros[LEN];
  if (write(fd, zeros, LEN) != LEN) return -1;
  int pfd[2];
  if (pipe(pfd) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pfd[1], 2);
    close(pfd[0]);
    volatile char *p = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) _exit(90);
    int g = guard ? revl_mapguard_add((const void *)p, LEN, "deals.csv") : -1;
    if (guard && g < 0) _exit(91);
    if (drop) revl_mapguard_del(g);
    if (ftruncate(fd, 0) != 0) _exit(92);
    char c = p[LEN / 2]; /* SIGBUS: the page is past the end now */
    (void)c;
    _exit(0);
  }
  close(pfd[1]);
  size_t n = 0;
  ssize_t k;
  while (n + 1 < size && (k = read(pfd[0], err + n, size - 1 - n)) > 0) n += (size_t)k;
  err[n] = '\0';
  close(pfd[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  close(fd);
  unlink(path);
  return st;
}

int main(void) {
  char err[1024];
  int st = shrink_in_child(1, 0, err, sizeof err);
  CHECK(WIFEXITED(st));
  CHECK_INT(WEXITSTATUS(st), 2);
  CHECK_STR(err, "revl: deals.csv: the file shrank while it was read (it changed "
                 "during the load); nothing was loaded from it\n");
  /* unguarded, and after the guard is dropped: not ours (the default
   * action, or the sanitizer's report under make asan) */
  st = shrink_in_child(0, 0, err, sizeof err);
  CHECK(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 2));
  CHECK(strstr(err, "shrank") == NULL);
  st = shrink_in_child(1, 1, err, sizeof err);
  CHECK(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 2));
  CHECK(strstr(err, "shrank") == NULL);
  /* slots are reused: many guards one after another never run out */
  static char page[4096];
  int last = -2;
  for (int i = 0; i < 1000; i++) {
    last = revl_mapguard_add(page, sizeof page, "x.csv");
    if (last < 0) break;
    revl_mapguard_del(last);
  }
  CHECK(last >= 0);
  TEST_END();
}
