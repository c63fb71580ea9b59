/*
 * cmd_cache.c -- `revl cache [clear]`: what the snapshot cache holds
 * (src/ingest/cache.c), and emptying it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/cache.h"

#include "cli.h"

const char cli_usage_cache[] =
    "usage: revl cache [clear] [--cache DIR]\n"
    "\n"
    "Show the snapshot cache: its directory, each snapshot (size, table,\n"
    "the file it was parsed from) least recently used first, and the\n"
    "total against the cap.  'clear' removes every snapshot.\n"
    "\n"
    "A snapshot holds a parsed file's typed columns, rejects and warnings;\n"
    "the next load of the same bytes (same mapping, options and revl build)\n"
    "restores it instead of parsing.  The directory is --cache DIR, else\n"
    "$XDG_CACHE_HOME/revl, else ~/.cache/revl; --no-cache or REVL_CACHE=off\n"
    "turn it off; REVL_CACHE_MAX caps its size (bytes, or 500M, 2G; default\n"
    "2G), least recently used snapshots removed first.\n";

static void human(uint64_t b, char *buf, size_t n) {
  if (b >= (uint64_t)1 << 30)
    snprintf(buf, n, "%.1f GB", (double)b / (double)(1u << 30));
  else if (b >= 1u << 20)
    snprintf(buf, n, "%.1f MB", (double)b / (double)(1u << 20));
  else if (b >= 1u << 10)
    snprintf(buf, n, "%.1f KB", (double)b / 1024.0);
  else
    snprintf(buf, n, "%llu B", (unsigned long long)b);
}

int cmd_cache(int argc, char **argv) {
  cli_args a;
  cli_args_init(&a, "cache", argc, argv);
  int clear = 0;
  while (cli_more(&a)) {
    const char *arg = argv[a.i];
    if (strcmp(arg, "clear") == 0 && !clear) {
      clear = 1;
      a.i++;
      continue;
    }
    if (arg[0] == '-') return cli_unknown_option("cache", arg);
    return cli_usage_error("cache", "unexpected argument '%s' (did you mean 'clear'?)",
                           arg);
  }
  const char *dir = revl_cache_dir();
  if (!dir) {
    printf("cache: off\n");
    return REVL_EXIT_OK;
  }
  char sz[32];
  if (clear) {
    uint64_t bytes;
    int n = revl_cache_clear(dir, &bytes);
    if (n < 0) {
      fprintf(stderr, "revl: %s: cannot read the cache directory: %s\n", dir,
              strerror(errno));
      return REVL_EXIT_DATA;
    }
    human(bytes, sz, sizeof sz);
    printf("cache: %s\nremoved: %d snapshot%s (%s)\n", dir, n, n == 1 ? "" : "s", sz);
    return REVL_EXIT_OK;
  }
  revl_cache_entry *e = NULL;
  int n = revl_cache_list(dir, &e);
  if (n < 0 && errno != ENOENT) {
    fprintf(stderr, "revl: %s: cannot read the cache directory: %s\n", dir,
            strerror(errno));
    return REVL_EXIT_DATA;
  }
  if (n < 0) n = 0;
  uint64_t total = 0;
  printf("cache: %s\n", dir);
  for (int i = 0; i < n; i++) {
    total += e[i].bytes;
    human(e[i].bytes, sz, sizeof sz);
    if (e[i].valid)
      printf("  %10s  %-14s %s\n", sz, e[i].table, e[i].source);
    else
      printf("  %10s  %-14s %s\n", sz, "(unreadable)", e[i].file);
  }
  free(e);
  char cap[32];
  human(total, sz, sizeof sz);
  human(revl_cache_max(), cap, sizeof cap);
  printf("entries: %d\nsize: %s (cap %s)\n", n, sz, cap);
  return REVL_EXIT_OK;
}
