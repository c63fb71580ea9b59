/*
 * repl.h -- what the parts of `revl repl` share: the session (cmd_repl.c
 * runs it), the :commands (repl_cmds.c) and Tab completion
 * (repl_complete.c).
 */
#ifndef REVL_REPL_H
#define REVL_REPL_H

#include <histedit.h>
#include <lua.h>
#include <stddef.h>

#include "cli.h"

#define PROMPT "revl> "
#define PROMPT2 "...> "

typedef struct repl {
  struct revl_rt *rt;
  lua_State *L;
  const char *playbook;
  int module_ref; /* the revl module, whatever the globals become */
  int loaded_ref; /* package.loaded keys at start (kept by :reload) */
  int timing;
  int trace;        /* :trace on: errors print their whole traceback */
  char *last_error; /* the last error with its traceback (:trace) */
  int max_memory_mb;
  char *pending; /* lines of an incomplete statement */
  size_t plen, pcap;
  EditLine *el;
  History *hist;
  char histfile[4096];
} repl;

/* The session the libedit callbacks work for (set by cmd_repl). */
extern repl *g_repl;

/* ---- cmd_repl.c ---- */
/* Print the error at the top of the stack (status: a Lua status): its
 * message, or with :trace on its whole traceback; it is kept for
 * :trace. */
void repl_report(repl *r, int status);
/* "revl: message" on stderr (red on a coloured terminal). */
void repl_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Push revl._repl.NAME (a helper in lua/pretty.lua); 1, or 0 with nil
 * pushed when there is none. */
int repl_push_helper(repl *r, const char *name);
/* Around every command: Ctrl-C interrupts what runs in between. */
void repl_command_start(repl *r);
void repl_command_done(repl *r);
double repl_now(void);

/* ---- repl_cmds.c ---- */
/* The :command names, for completion. */
extern const char *const repl_commands[];
/* Run a line starting with ':' and a letter.  Returns 1 to quit. */
int repl_run_command(repl *r, const char *line);

/* ---- repl_complete.c ---- */
/* libedit's function bound to Tab. */
unsigned char repl_el_complete(EditLine *el, int ch);

#endif
