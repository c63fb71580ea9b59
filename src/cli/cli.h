/*
 * cli.h -- what the sub-commands in src/cli/ share: the command table,
 * option scanning and usage errors.
 */
#ifndef REVL_CLI_H
#define REVL_CLI_H

#include "revl/common.h"

typedef struct cli_cmd {
  const char *name;
  const char *summary; /* one line for `revl help` */
  const char *usage;   /* full text for `revl help CMD` / `CMD --help` */
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cli_cmd;

/* Option scanner over argv[1..argc): options are --name VALUE or
 * --name=VALUE; anything else is a positional argument. */
typedef struct cli_args {
  int argc;
  char **argv;
  int i;           /* index of the argument being looked at */
  const char *cmd; /* command name for messages */
  int err;         /* set when an option lacked its value */
} cli_args;

void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv);
/* 1 while there is an argument at a->i. */
int cli_more(const cli_args *a);
/* If argv[i] is --name (or --name=...), store its value in *val, advance
 * and return 1; on a missing value print a usage error, set a->err and
 * return 1 (caller checks a->err).  0 when argv[i] is another thing. */
int cli_opt(cli_args *a, const char *name, const char **val);
/* If argv[i] is exactly --name, advance and return 1. */
int cli_flag(cli_args *a, const char *name);

/* Print "revl: CMD: message" and a hint to stderr; return REVL_EXIT_DATA
 * (usage errors exit 2). */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* "revl: CMD: unknown option 'ARG' (did you mean '--x'?)": the nearest
 * of the --options in CMD's usage text; returns REVL_EXIT_DATA. */
int cli_unknown_option(const char *cmd, const char *arg);
/* Parse a non-negative integer option value; on error prints a usage
 * error and returns -1. */
int cli_parse_count(const char *cmd, const char *opt, const char *val,
                    long long *out);
/* The usage text of a command, printed for CMD --help. */
int cli_print_help(const char *cmd);

/* Output formats (REVL_FMT_* of revl/runtime.h) for every command that
 * prints records: --format's value among the formats in `allowed` (bits
 * 1 << REVL_FMT_*), with a did-you-mean; 0, or REVL_EXIT_DATA after a
 * usage error.  The default is cli_default_format: a table on a
 * terminal, CSV in a pipe. */
#define CLI_FMT_ALL 15u
int cli_parse_format(const char *cmd, const char *s, unsigned allowed, int *fmt);
int cli_default_format(void);
/* --color auto|always|never: the one switch for coloured output.  auto
 * (the default) colours only when stdout is a terminal and NO_COLOR is
 * unset or empty.  cli_parse_color: 0, or REVL_EXIT_DATA after a usage
 * error; cli_color(): 1 when output is coloured. */
int cli_parse_color(const char *cmd, const char *s);
int cli_color(void);
/* The same for another descriptor (2: messages on stderr). */
int cli_color_fd(int fd);
/* The escape sequences of one colour ("green", "red", "bold", "dim")
 * and of the reset, or "" when output is not coloured; cli_sgr_fd for
 * what is written to fd. */
const char *cli_sgr(const char *what);
const char *cli_sgr_fd(int fd, const char *what);

struct revl_rt_opts;
/* Options shared by run and repl (src/cli/cmd_run.c).  Returns -1 when
 * parsed, else the exit code of a usage error already printed. */
int cli_parse_run_opts(const char *cmd, int argc, char **argv,
                       struct revl_rt_opts *o, const char **playbook,
                       const char ***params_out);

/* Remove a directory tree (a temporary one of a command). */
void cli_rm_tree(const char *dir);
/* s as a Lua long-string literal in buf ("nil" for NULL); NULL when s
 * cannot be quoted so. */
const char *cli_lua_str(char *buf, size_t n, const char *s);

/* Commands (src/cli/cmd_*.c). */
int cmd_inspect(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_repl(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);

extern const char cli_usage_inspect[];
extern const char cli_usage_cache[];
extern const char cli_usage_gen[];
extern const char cli_usage_run[];
extern const char cli_usage_repl[];
extern const char cli_usage_test[];
extern const char cli_usage_explain[];
extern const char cli_usage_diff[];
extern const char cli_usage_check[];
extern const char cli_usage_eval[];
extern const char cli_usage_report[];
extern const char cli_usage_log[];
extern const char cli_usage_init[];
extern const char cli_usage_diagnose[];

#endif
