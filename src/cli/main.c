/*
 * main.c -- `revl CMD ...`: the command table, help, version and the
 * option scanner every command uses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <lua.h>

#include "revl/cache.h"
#include "revl/csvw.h"
#include "revl/ingest.h"
#include "revl/runtime.h"

#include "cli.h"

static const char usage_main[] =
    "usage: revl COMMAND [OPTIONS]\n"
    "\n"
    "RevOps rules as code: load CRM exports into typed tables, run Lua\n"
    "playbooks over them, explore them interactively.\n"
    "\n"
    "Commands:\n";

static const cli_cmd commands[] = {
    {"run", "run a playbook over a data directory", cli_usage_run, cmd_run},
    {"repl", "explore data interactively (Lua with the revl module)",
     cli_usage_repl, cmd_repl},
    {"eval", "evaluate one Lua expression over the data and print its value",
     cli_usage_eval, cmd_eval},
    {"test", "run playbook tests (*_test.lua) with inline fixtures",
     cli_usage_test, cmd_test},
    {"check", "lint the rules of a playbook against the data's schema",
     cli_usage_check, cmd_check},
    {"explain", "every decision a playbook made about one record",
     cli_usage_explain, cmd_explain},
    {"diff", "what a rule change does: two playbooks (or git revisions) compared",
     cli_usage_diff, cmd_diff},
    {"gen", "generate a realistic, deterministic example data set",
     cli_usage_gen, cmd_gen},
    {"init", "guess a mapping file from the CSV files of an export directory",
     cli_usage_init, cmd_init},
    {"inspect", "show what a data directory loads as: tables, types, problems",
     cli_usage_inspect, cmd_inspect},
    {"report", "write report.html: the default sections and a playbook's own",
     cli_usage_report, cmd_report},
    {"diagnose", "score six RevOps layers 1-5 from sampled records; the weakest first",
     cli_usage_diagnose, cmd_diagnose},
    {"log", "print a decision log with its run's metadata joined back on",
     cli_usage_log, cmd_log},
    {"cache", "show or clear the snapshot cache of parsed files", cli_usage_cache,
     cmd_cache},
    {"version", "print the version", "usage: revl version\n", NULL},
    {"help", "show help for a command", "usage: revl help [COMMAND]\n", NULL},
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static void print_main_usage(FILE *f) {
  fputs(usage_main, f);
  for (int i = 0; i < NCOMMANDS; i++)
    fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fputs("\nEvery command that loads data takes --cache DIR (where parsed files\n"
        "are kept as snapshots; default $XDG_CACHE_HOME/revl or ~/.cache/revl)\n"
        "and --no-cache (or REVL_CACHE=off); --threads N (or REVL_THREADS) loads\n"
        "large files on N threads (default: every core from 3 cores, else 1)\n"
        "and hashes them for the cache on N (default: every core);\n"
        "--quiet turns off the progress line.\n", f);
  fputs("\nRun 'revl help COMMAND' for a command's options.\n"
        "Exit status: 0 ok, 1 rule or test failures, 2 usage, data or I/O "
        "error, 3 script error.\n",
        f);
}

static const cli_cmd *find_cmd(const char *name) {
  for (int i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

/* " (did you mean 'x'?)" for a mistyped command name, or "". */
static const char *command_hint(const char *name, char *buf, size_t n) {
  revl_near nr;
  revl_near_init(&nr, name);
  for (int i = 0; i < NCOMMANDS; i++) revl_near_add(&nr, commands[i].name);
  return revl_near_hint(&nr, buf, n);
}

static void list_commands(FILE *f) {
  fputs("Commands:", f);
  for (int i = 0; i < NCOMMANDS; i++) fprintf(f, " %s", commands[i].name);
  fputs("\n", f);
}

static int unknown_command(const char *where, const char *name) {
  char hint[160];
  command_hint(name, hint, sizeof hint);
  if (where) fprintf(stderr, "revl: %s: unknown command '%s'%s\n", where, name, hint);
  else fprintf(stderr, "revl: unknown command '%s'%s\n", name, hint);
  list_commands(stderr);
  fputs("Try 'revl help COMMAND'.\n", stderr);
  return REVL_EXIT_DATA;
}

int cli_unknown_option(const char *cmd, const char *arg) {
  const cli_cmd *c = find_cmd(cmd);
  char opt[64];
  size_t k = strcspn(arg, "=");
  snprintf(opt, sizeof opt, "%.*s", (int)(k < 63 ? k : 63), arg);
  revl_near nr;
  revl_near_init(&nr, opt);
  /* the options are the --words of the command's usage text: one source */
  char words[64][40];
  int nw = 0;
  for (const char *p = c ? c->usage : ""; (p = strstr(p, "--")) && nw < 64;) {
    size_t n = 2;
    while (p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')) n++;
    if (n > 3 && n < sizeof words[0]) {
      memcpy(words[nw], p, n);
      words[nw][n] = '\0';
      revl_near_add(&nr, words[nw++]);
    }
    p += n;
  }
  char hint[160];
  revl_near_hint(&nr, hint, sizeof hint);
  return cli_usage_error(cmd, "unknown option '%s'%s", arg, hint);
}

/* ---- output formats and colour ------------------------------------------ */

static const char *const format_names[] = {"table", "csv", "jsonl", "json"};

int cli_parse_format(const char *cmd, const char *s, unsigned allowed, int *fmt) {
  char list[64] = "";
  int nlist = 0, nallowed = 0;
  for (int i = 0; i < 4; i++) nallowed += (allowed >> i) & 1;
  revl_near nr;
  revl_near_init(&nr, s);
  for (int i = 0; i < 4; i++) {
    if (!(allowed & (1u << i))) continue;
    if (strcmp(s, format_names[i]) == 0) {
      *fmt = i;
      return 0;
    }
    revl_near_add(&nr, format_names[i]);
    nlist++;
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             nlist == 1 ? "" : nlist == nallowed ? " or " : ", ", format_names[i]);
  }
  char hint[128];
  revl_near_hint(&nr, hint, sizeof hint);
  if (hint[0]) return cli_usage_error(cmd, "unknown format '%s'%s", s, hint);
  return cli_usage_error(cmd, "unknown format '%s' (%s)", s, list);
}

int cli_default_format(void) {
  return isatty(STDOUT_FILENO) ? REVL_FMT_TABLE : REVL_FMT_CSV;
}

static int color_mode = -1; /* -1 auto, 0 never, 1 always */

int cli_parse_color(const char *cmd, const char *s) {
  static const char *const names[] = {"auto", "always", "never"};
  for (int i = 0; i < 3; i++)
    if (strcmp(s, names[i]) == 0) {
      color_mode = i == 0 ? -1 : i == 1;
      return 0;
    }
  revl_near nr;
  char hint[128];
  revl_near_init(&nr, s);
  for (int i = 0; i < 3; i++) revl_near_add(&nr, names[i]);
  revl_near_hint(&nr, hint, sizeof hint);
  if (hint[0]) return cli_usage_error(cmd, "unknown --color value '%s'%s", s, hint);
  return cli_usage_error(cmd, "unknown --color value '%s' (auto, always or never)", s);
}

int cli_color_fd(int fd) {
  if (color_mode >= 0) return color_mode;
  const char *nc = getenv("NO_COLOR");
  return (!nc || !nc[0]) && isatty(fd);
}

int cli_color(void) { return cli_color_fd(STDOUT_FILENO); }

const char *cli_sgr(const char *what) { return cli_sgr_fd(STDOUT_FILENO, what); }

const char *cli_sgr_fd(int fd, const char *what) {
  if (!cli_color_fd(fd)) return "";
  if (strcmp(what, "green") == 0) return "\033[32m";
  if (strcmp(what, "red") == 0) return "\033[31m";
  if (strcmp(what, "bold") == 0) return "\033[1m";
  if (strcmp(what, "dim") == 0) return "\033[2m";
  return "\033[0m";
}

int cli_print_help(const char *name) {
  const cli_cmd *c = find_cmd(name);
  if (!c) return unknown_command("help", name);
  fputs(c->usage, stdout);
  return REVL_EXIT_OK;
}

void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv) {
  a->argc = argc;
  a->argv = argv;
  a->i = 1;
  a->cmd = cmd;
  a->err = 0;
}

int cli_more(const cli_args *a) { return !a->err && a->i < a->argc; }

int cli_opt(cli_args *a, const char *name, const char **val) {
  const char *arg = a->argv[a->i];
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0) return 0;
  if (arg[n] == '=') {
    *val = arg + n + 1;
    a->i++;
    return 1;
  }
  if (arg[n] != '\0') return 0;
  if (a->i + 1 >= a->argc) {
    cli_usage_error(a->cmd, "option %s needs a value", name);
    a->err = 1;
    return 1;
  }
  *val = a->argv[a->i + 1];
  a->i += 2;
  return 1;
}

int cli_flag(cli_args *a, const char *name) {
  if (strcmp(a->argv[a->i], name) != 0) return 0;
  a->i++;
  return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "revl: %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'revl help %s'.\n", cmd);
  return REVL_EXIT_DATA;
}

int cli_parse_count(const char *cmd, const char *opt, const char *val,
                    long long *out) {
  char *end;
  if (!val[0] || val[0] == '-') goto bad;
  long long v = strtoll(val, &end, 10);
  if (*end) goto bad;
  *out = v;
  return 0;
bad:
  cli_usage_error(cmd, "%s needs a non-negative integer, not '%s'", opt, val);
  return -1;
}

static int run_main(int argc, char **argv) {
  if (argc < 2) {
    print_main_usage(stderr);
    return REVL_EXIT_DATA;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
    print_main_usage(stdout);
    return REVL_EXIT_OK;
  }
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    if (argc > 2) return cli_usage_error("version", "unexpected argument '%s'", argv[2]);
    printf("revl %s (%s)\n", REVL_VERSION, LUA_RELEASE);
    return REVL_EXIT_OK;
  }
  if (strcmp(name, "help") == 0) {
    if (argc == 2) {
      print_main_usage(stdout);
      return REVL_EXIT_OK;
    }
    if (argc > 3) return cli_usage_error("help", "unexpected argument '%s'", argv[3]);
    return cli_print_help(argv[2]);
  }
  /* --cache DIR, --no-cache and --quiet, for every command: taken out of argv
   * before the command reads its options */
  const char *cache = NULL, *threads = getenv("REVL_THREADS"), *topt = NULL;
  int no_cache = 0, quiet = 0, k = 2;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      while (i < argc) argv[k++] = argv[i++];
      break;
    }
    if (strcmp(argv[i], "--no-cache") == 0) {
      no_cache = 1;
      continue;
    }
    if (strcmp(argv[i], "--quiet") == 0) { /* no progress line */
      quiet = 1;
      continue;
    }
    if (strncmp(argv[i], "--cache=", 8) == 0) {
      cache = argv[i] + 8;
      continue;
    }
    if (strcmp(argv[i], "--cache") == 0) {
      if (i + 1 >= argc || !argv[i + 1][0])
        return cli_usage_error(name, "option --cache needs a directory");
      cache = argv[++i];
      continue;
    }
    if (strncmp(argv[i], "--threads=", 10) == 0) {
      threads = topt = argv[i] + 10;
      continue;
    }
    if (strcmp(argv[i], "--threads") == 0) {
      if (i + 1 >= argc)
        return cli_usage_error(name, "option --threads needs a number of threads");
      threads = topt = argv[++i];
      continue;
    }
    argv[k++] = argv[i];
  }
  argc = k;
  argv[argc] = NULL;
  if (cache && !cache[0])
    return cli_usage_error(name, "option --cache needs a directory");
  if (threads && (topt || threads[0])) {
    /* 1 to 256; REVL_THREADS="" is as if unset */
    char *end;
    errno = 0;
    long n = strtol(threads, &end, 10);
    if (!threads[0] || *end || errno || n < 1 || n > 256 ||
        !isdigit((unsigned char)threads[0]))
      return cli_usage_error(name, "%s '%s' is not a number of threads from 1 "
                             "to 256", topt ? "--threads" : "REVL_THREADS",
                             threads);
    revl_load_threads = (int)n;
  }
  /* a testing knob (docs/testing.md): chunks of this many bytes, so that
   * small files load in chunks too */
  const char *chunk = getenv("REVL_CHUNK_BYTES");
  if (chunk && chunk[0]) revl_load_chunk = (size_t)strtoull(chunk, NULL, 10);
  revl_cache_setup(cache, no_cache);
  revl_load_progress = !quiet && isatty(STDERR_FILENO);
  /* a testing knob too: the progress line from the first batch */
  const char *after = getenv("REVL_PROGRESS_AFTER");
  if (after && after[0]) revl_load_progress_after = strtod(after, NULL);
  revl_csvw_catch_signals(); /* no temporary file outlives a Ctrl-C */
  const cli_cmd *c = find_cmd(name);
  if (!c || !c->run) return unknown_command(NULL, name);
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return cli_print_help(name);
  }
  return c->run(argc - 1, argv + 1);
}

/* A full disk or a closed pipe on stdout must not pass for success:
 * whatever the command printed is checked once more at exit. */
int main(int argc, char **argv) {
  int rc = run_main(argc, argv);
  errno = 0;
  int bad = fflush(stdout) != 0 || ferror(stdout);
  int e = errno;
  if (fclose(stdout) != 0 && !bad) {
    bad = 1;
    e = errno;
  }
  /* a run that failed already said why (a write to stdout that failed
   * is one such reason): no second message */
  if (bad && (rc == REVL_EXIT_OK || rc == REVL_EXIT_FAIL)) {
    fprintf(stderr, "revl: write error: %s\n", e ? strerror(e) : "stdout");
    rc = REVL_EXIT_DATA;
  }
  return rc;
}
