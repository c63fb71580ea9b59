/*
 * runtime.h -- the Lua runtime: one sandboxed lua_State per run with the
 * revl module, limits (time, memory) and the data store.
 */
#ifndef REVL_RUNTIME_H
#define REVL_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include "revl/common.h"

typedef struct revl_rt_opts {
  const char *data_dir;   /* loaded at start when set */
  const char *const *tables; /* "NAME=PATH" tables from their own files */
  int ntables;               /* (--table; loaded with or without data_dir) */
  const char *map_file;
  const char *out_dir;    /* outputs go here; default "out" */
  int strict;
  int32_t as_of;          /* days since epoch */
  int fiscal_start;       /* 1-12; default 1 */
  const char **params;    /* "key=value" strings */
  int nparams;
  double timeout;         /* seconds for the whole run; 0 = none */
  double call_budget;     /* seconds per Lua rule call; 0 = 1 s */
  size_t max_memory;      /* bytes of Lua heap; 0 = no limit */
  int allow_io;           /* io, os, debug, package.loadlib */
  const char *playbook;   /* path, for require and :reload */
  int interactive;        /* REPL: Ctrl-C interrupts instead of killing */
  int format;             /* REVL_FMT_* of revl.print (0: table) */
} revl_rt_opts;

typedef struct revl_rt revl_rt;
struct lua_State;

/* New runtime; loads the data when o->data_dir is set.  NULL with err
 * filled on failure (exit code via revl_exit_code(err->code)). */
revl_rt *revl_rt_new(const revl_rt_opts *o, revl_error *err);
void revl_rt_free(revl_rt *rt); /* NULL is a no-op */
/* Close the Lua state, running pending __gc finalizers under the per-call
 * budget; REVL_EXIT_SCRIPT (message printed) when one hit a limit. */
int revl_rt_close(revl_rt *rt);
struct lua_State *revl_rt_lua(revl_rt *rt);
/* Where the playbook's outputs go from now on (revl diff gives each of
 * its two runs a directory of its own). */
void revl_rt_set_out_dir(revl_rt *rt, const char *dir);
/* on: the playbook's outputs (CSV, JSON Lines, decision logs, router
 * state) are checked as usual but not written, and cost no formatting
 * (revl explain without --out, the two runs of revl diff). */
void revl_rt_set_discard(revl_rt *rt, int on);

/* Run a playbook file.  Prints errors as "revl: FILE:LINE: msg" with a
 * traceback; returns the process exit code (0, 1 when checks failed or
 * the playbook returned false, 3 script error, 2 data error). */
int revl_rt_run_file(revl_rt *rt, const char *path);

/* Run a chunk of source (REPL).  On success leaves the results on the
 * stack above `base` and returns LUA_OK; otherwise the Lua status with
 * the error message on the stack. */
int revl_rt_exec(revl_rt *rt, const char *src, size_t n, const char *name,
                 int *base);

/* Call the function below nargs arguments at the top of the runtime's
 * Lua stack as a playbook runs (message handler with a traceback, the
 * watchdog's time and call budgets).  LUA_OK with nres results in its
 * place, or the Lua status with the error message there. */
int revl_rt_pcall(revl_rt *rt, int nargs, int nres);

/* Output formats of revl eval, revl.print (--format) and revl inspect. */
enum { REVL_FMT_TABLE, REVL_FMT_CSV, REVL_FMT_JSONL, REVL_FMT_JSON };
/* Print the value at idx of the runtime's Lua stack on stdout in a
 * REVL_FMT_* format (src/lua/l_eval.c).  LUA_OK, or a Lua status with
 * the error message on the stack. */
int revl_rt_print_value(revl_rt *rt, int idx, int fmt);

/* revl report PLAYBOOK, after the run: report.html of the current store
 * with the sections the playbook added (revl.report.section) and, unless
 * it called revl.report.defaults(false), the default ones
 * (src/lua/l_report.c).  0 or a REVL_E* code with err filled. */
struct revl_report_opts;
int revl_rt_report_write(revl_rt *rt, struct revl_report_opts *ro,
                         const char *out_dir, revl_error *err);

/* revl diagnose PLAYBOOK, after the run: the six-layer diagnostic of the
 * current store (revl_diagnose) with the playbook's last ICP model and
 * its last SLA on leads and on deals asking layers 1 and 3
 * (src/lua/l_diagnose.c).  o's playbook fields are set for the call and
 * cleared after.  0, or REVL_ESCRIPT when evaluating a model failed, or
 * revl_diagnose's code; err filled. */
struct revl_dx_opts;
struct revl_dx_result;
int revl_rt_diagnose(revl_rt *rt, struct revl_dx_opts *o, struct revl_dx_result *r,
                     revl_error *err);

/* Ctrl-C: ask the running chunk to stop at the next instruction.
 * Async-signal-safe. */
void revl_rt_interrupt(revl_rt *rt);
/* Exit status wanted by checks that failed (0 when none). */
int revl_rt_status(revl_rt *rt);
/* The exit code of a run that ended with code: REVL_EXIT_DATA when a
 * table failed to load on first use (its error printed when the run did
 * not already fail on it), else code.  revl_rt_run_file applies it;
 * commands that run chunks with revl_rt_exec apply it themselves. */
int revl_rt_settle(revl_rt *rt, int code);

#endif
