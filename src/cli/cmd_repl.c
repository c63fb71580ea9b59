/*
 * cmd_repl.c -- `revl repl [--data DIR] [PLAYBOOK]`: Lua with the revl
 * module, interactively.
 *
 * On a terminal: libedit line editing with a history file, tab
 * completion, `return LINE` tried first so expressions print their value
 * (revl.pretty, lua/pretty.lua), `...> ` while a statement is incomplete,
 * :commands, Ctrl-C stopping a running command.  On any other stdin the
 * input runs as one script chunk named "stdin", exit codes as `revl run`.
 *
 * Ctrl-C: SIGINT while a command runs calls revl_rt_interrupt (the chunk
 * raises "interrupted" at its next instruction; globals survive); a third
 * press during the same command gives up and kills the process.  At the
 * prompt our read function turns SIGINT (or a literal ^C when the
 * terminal does not send signals) into a key bound to "discard the line".
 *
 * Tab completion: repl_complete.c; :commands: repl_cmds.c.
 */
#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <lauxlib.h>
#include <locale.h>
#include <lua.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "revl/runtime.h"
#include "repl.h"

const char cli_usage_repl[] =
    "usage: revl repl [PLAYBOOK] [--data DIR] [--map FILE] [--as-of DATE]\n"
    "                 [--out DIR] [--set KEY=VALUE]... [--strict]\n"
    "                 [--timeout SECONDS] [--max-memory MB] [--allow-io]\n"
    "                 [--fiscal-start MONTH] [--color auto|always|never]\n"
    "\n"
    "Explore data with Lua and the revl module.  The options are those of\n"
    "'revl run'; PLAYBOOK, when given, runs first (:reload runs it again).\n"
    "\n"
    "On a terminal: an expression prints its value (tables of rows as text\n"
    "tables), Tab completes names, :help lists the commands, Ctrl-C stops\n"
    "a running command, Ctrl-D leaves.  History: ~/.revl_history, or\n"
    "$REVL_HISTORY (empty: no history).  --timeout applies per command.\n"
    "An error shows its message line; :trace shows its whole traceback.\n"
    "Prompts, results and errors are coloured on a terminal (--color:\n"
    "auto, the default, also honours NO_COLOR; always; never).\n"
    "\n"
    "Otherwise stdin is run as one Lua chunk (echo 'print(#revl.deals)' |\n"
    "revl repl --data DIR), with the exit status of 'revl run': 0 ok, 1\n"
    "checks failed or the chunk returned false, 2 usage or data error, 3\n"
    "script error.\n";

repl *g_repl; /* for the libedit callbacks */
static revl_rt *volatile g_rt;
static volatile sig_atomic_t g_running; /* a command is running */
static volatile sig_atomic_t g_presses; /* Ctrl-C presses during it */
static volatile sig_atomic_t g_intr;    /* Ctrl-C at the prompt */
static volatile sig_atomic_t g_winch;
static int g_cancel; /* the line was discarded (set by the ^C key) */

static void on_sigint(int sig) {
  if (g_running) {
    if (++g_presses >= 3) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = SIG_DFL;
      sigemptyset(&sa.sa_mask);
      sigaction(sig, &sa, NULL);
      raise(sig);
      return;
    }
    if (g_presses == 2) {
      static const char msg[] = "\n(revl: press Ctrl-C once more to quit)\n";
      ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
      (void)w;
    }
    revl_rt_interrupt(g_rt);
  } else {
    g_intr = 1;
  }
}

static void on_sigwinch(int sig) {
  (void)sig;
  g_winch = 1;
}

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a read at the prompt sees EINTR */
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_sigwinch;
  sigaction(SIGWINCH, &sa, NULL);
}

double repl_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- running code ------------------------------------------------------ */

void repl_error(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "%srevl: ", cli_sgr_fd(STDERR_FILENO, "red"));
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s\n", cli_sgr_fd(STDERR_FILENO, "reset"));
  fflush(stderr);
}

/* Print the error at the top of the stack: on a terminal its message
 * (the line "FILE:LINE: what"), with :trace on or in a script the
 * traceback too.  The whole text is kept for :trace. */
void repl_report(repl *r, int status) {
  lua_State *L = r->L;
  if (status == LUA_ERRMEM) {
    if (r->max_memory_mb) repl_error("not enough memory (--max-memory %d MB)", r->max_memory_mb);
    else repl_error("not enough memory");
    return;
  }
  const char *msg = lua_tostring(L, -1);
  if (!msg) msg = "(error object is not a string)";
  free(r->last_error);
  r->last_error = strdup(msg);
  const char *tb = strstr(msg, "\nstack traceback:");
  /* an interrupt needs no traceback */
  int interrupted = tb && tb - msg >= 11 && memcmp(tb - 11, "interrupted", 11) == 0;
  int full = tb && !interrupted && (r->trace || !r->el);
  int head = tb ? (int)(tb - msg) : (int)strlen(msg);
  if (interrupted && r->el) fputc('\n', stderr);
  repl_error("%.*s", head, msg);
  if (full) {
    fprintf(stderr, "%s%s%s\n", cli_sgr_fd(STDERR_FILENO, "dim"), tb + 1,
            cli_sgr_fd(STDERR_FILENO, "reset"));
    fflush(stderr);
  }
}

/* Push revl._repl.NAME (a helper in lua/pretty.lua) or nil. */
int repl_push_helper(repl *r, const char *name) {
  lua_State *L = r->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->module_ref);
  lua_getfield(L, -1, "_repl");
  lua_remove(L, -2);
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
  }
  if (lua_isfunction(L, -1)) return 1;
  lua_pop(L, 1);
  lua_pushnil(L);
  return 0;
}

void repl_command_start(repl *r) {
  (void)r;
  g_presses = 0;
  g_running = 1;
}

void repl_command_done(repl *r) {
  g_running = 0;
  lua_sethook(r->L, NULL, 0, 0); /* a Ctrl-C that came too late */
}

/* A command's results as the helper wrote them: one line in green; a
 * table with its header in bold and its "(N rows)" footer dim. */
static void print_result(const char *s, size_t len) {
  const char *nl = memchr(s, '\n', len);
  if (!cli_color()) {
    fwrite(s, 1, len, stdout);
  } else if (!nl) {
    printf("%s%.*s%s", cli_sgr("green"), (int)len, s, cli_sgr("reset"));
  } else {
    size_t h = (size_t)(nl - s), foot = len;
    while (foot > h + 1 && s[foot - 1] != '\n') foot--;
    if (foot == h + 1 || s[foot] != '(') foot = len; /* no footer line */
    printf("%s%.*s%s", cli_sgr("bold"), (int)h, s, cli_sgr("reset"));
    fwrite(s + h, 1, foot - h, stdout);
    if (foot < len) printf("%s%.*s%s", cli_sgr("dim"), (int)(len - foot), s + foot, cli_sgr("reset"));
  }
  fputc('\n', stdout);
}

/* Run source as a command of the session and print its results. */
static void run_source(repl *r, const char *src, size_t n) {
  lua_State *L = r->L;
  int top = lua_gettop(L), base;
  double t0 = repl_now();
  repl_command_start(r);
  int st = revl_rt_exec(r->rt, src, n, "=stdin", &base);
  if (st == LUA_OK) {
    int nres = lua_gettop(L) - base;
    if (nres > 0) {
      repl_push_helper(r, "results");
      if (!lua_isnil(L, -1)) {
        lua_insert(L, base + 1);
        st = lua_pcall(L, nres, 1, base);
      } else {
        lua_pop(L, 1);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int i = base + 1; i <= base + nres; i++) {
          if (i > base + 1) luaL_addchar(&b, '\t');
          luaL_tolstring(L, i, NULL);
          luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
      }
      if (st == LUA_OK) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (s) print_result(s, len);
      }
    }
  }
  repl_command_done(r);
  if (st != LUA_OK) repl_report(r, st);
  fflush(stdout);
  lua_settop(L, top);
  if (r->timing) {
    double dt = repl_now() - t0;
    if (dt < 1) printf("(%.1f ms)\n", dt * 1e3);
    else printf("(%.2f s)\n", dt);
    fflush(stdout);
  }
}

static int is_incomplete(lua_State *L) {
  size_t n;
  const char *msg = lua_tolstring(L, -1, &n);
  return msg && n >= 5 && strcmp(msg + n - 5, "<eof>") == 0;
}

/* Compile the pending input: `return INPUT` first, then INPUT.  Runs it
 * and returns 0, or returns 1 when the statement is not finished. */
static int eval_pending(repl *r) {
  lua_State *L = r->L;
  int top = lua_gettop(L);
  size_t n = r->plen + 7;
  char *ret = malloc(n + 1);
  if (!ret) {
    fprintf(stderr, "revl: not enough memory\n");
    return 0;
  }
  memcpy(ret, "return ", 7);
  memcpy(ret + 7, r->pending, r->plen);
  ret[n] = '\0';
  int st = luaL_loadbufferx(L, ret, n, "=stdin", "t");
  lua_settop(L, top);
  if (st == LUA_OK) {
    run_source(r, ret, n);
    free(ret);
    return 0;
  }
  free(ret);
  st = luaL_loadbufferx(L, r->pending, r->plen, "=stdin", "t");
  int more = st == LUA_ERRSYNTAX && is_incomplete(L);
  lua_settop(L, top);
  if (more) return 1;
  run_source(r, r->pending, r->plen); /* reports a syntax error itself */
  return 0;
}

/* ---- :commands ---------------------------------------------------------- */
/* ^C at the prompt: show it, drop the line */
static unsigned char el_interrupt(EditLine *el, int ch) {
  (void)ch;
  const LineInfo *li = el_line(el);
  /* move the terminal's cursor to the end of the line */
  fwrite(li->cursor, 1, (size_t)(li->lastchar - li->cursor), stdout);
  fputs("^C", stdout);
  fflush(stdout);
  g_cancel = 1;
  return CC_NEWLINE;
}

/* libedit's read function: bytes to wide characters, Ctrl-C and window
 * size changes seen while waiting for a key */
static int read_char(EditLine *el, wchar_t *wc) {
  mbstate_t ps;
  memset(&ps, 0, sizeof ps);
  for (;;) {
    if (g_intr) {
      g_intr = 0;
      *wc = 3; /* ^C, bound to el_interrupt */
      return 1;
    }
    if (g_winch) {
      g_winch = 0;
      el_resize(el);
    }
    char ch;
    ssize_t k = read(STDIN_FILENO, &ch, 1);
    if (k == 0) return 0;
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    wchar_t w;
    size_t rc = mbrtowc(&w, &ch, 1, &ps);
    if (rc == (size_t)-2) continue; /* more bytes of this character */
    if (rc == (size_t)-1) {
      memset(&ps, 0, sizeof ps);
      w = (wchar_t)(unsigned char)ch;
    }
    *wc = w;
    return 1;
  }
}

/* The prompts; coloured ones mark their escape sequences with \1 for
 * libedit (EL_PROMPT_ESC), so the line's width stays right. */
static int g_cont; /* the continuation prompt */
static char *prompt_fn(EditLine *el) {
  (void)el;
  static char plain[2][16] = {PROMPT, PROMPT2}, colored[2][48];
  if (!cli_color()) return plain[g_cont];
  if (!colored[0][0])
    for (int i = 0; i < 2; i++)
      snprintf(colored[i], sizeof colored[i], "\1%s\1%s\1%s\1", cli_sgr("bold"),
               plain[i], cli_sgr("reset"));
  return colored[g_cont];
}

/* ---- session -------------------------------------------------------------- */

static int pending_add(repl *r, const char *line, size_t n) {
  size_t need = r->plen + n + 2;
  if (need > r->pcap) {
    size_t cap = r->pcap ? r->pcap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(r->pending, cap);
    if (!p) return -1;
    r->pending = p;
    r->pcap = cap;
  }
  if (r->plen) r->pending[r->plen++] = '\n';
  memcpy(r->pending + r->plen, line, n);
  r->plen += n;
  r->pending[r->plen] = '\0';
  return 0;
}

static void history_path(repl *r) {
  const char *env = getenv("REVL_HISTORY");
  r->histfile[0] = '\0';
  if (env) {
    snprintf(r->histfile, sizeof r->histfile, "%s", env);
    return;
  }
  const char *home = getenv("HOME");
  if (home && home[0]) snprintf(r->histfile, sizeof r->histfile, "%s/.revl_history", home);
}

static void history_add(repl *r, const char *line) {
  HistEvent ev;
  const char *p = line;
  while (isspace((unsigned char)*p)) p++;
  if (!*p || !r->hist) return;
  history(r->hist, &ev, H_ENTER, line);
  if (r->histfile[0]) history(r->hist, &ev, H_SAVE, r->histfile);
}

static int interactive(repl *r) {
  HistEvent ev;
  setlocale(LC_CTYPE, "");
  history_path(r);
  r->hist = history_init();
  if (r->hist) {
    history(r->hist, &ev, H_SETSIZE, 1000);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    if (r->histfile[0]) history(r->hist, &ev, H_LOAD, r->histfile);
  }
  r->el = el_init("revl", stdin, stdout, stderr);
  if (!r->el) {
    fprintf(stderr, "revl: cannot start line editing\n");
    return REVL_EXIT_DATA;
  }
  EditLine *el = r->el;
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_PROMPT_ESC, prompt_fn, '\1');
  el_set(el, EL_GETCFN, read_char);
  if (r->hist) el_set(el, EL_HIST, history, r->hist);
  /* el_wset: the narrow EL_ADDFN copies its strings and never frees them */
  el_wset(el, EL_ADDFN, L"revl-complete", L"complete a name", repl_el_complete);
  el_set(el, EL_BIND, "^I", "revl-complete", NULL);
  el_wset(el, EL_ADDFN, L"revl-interrupt", L"discard the line", el_interrupt);
  el_set(el, EL_BIND, "^C", "revl-interrupt", NULL);
  el_source(el, NULL); /* ~/.editrc */

  if (r->playbook) {
    repl_command_start(r);
    revl_rt_run_file(r->rt, r->playbook);
    repl_command_done(r);
    fflush(stdout);
  }
  printf("revl %s -- :help for commands, Ctrl-D to quit\n", REVL_VERSION);
  fflush(stdout);

  for (;;) {
    int count = 0;
    g_cont = r->plen > 0;
    g_cancel = 0;
    const char *got = el_gets(el, &count);
    if (g_cancel) {
      g_cancel = 0;
      fputc('\n', stdout);
      fflush(stdout);
      r->plen = 0;
      continue;
    }
    if (!got) {
      if (count < 0 && errno == EINTR) continue;
      fputc('\n', stdout);
      break;
    }
    size_t n = strlen(got);
    while (n > 0 && (got[n - 1] == '\n' || got[n - 1] == '\r')) n--;
    char *line = strndup(got, n);
    if (!line) break;
    history_add(r, line);
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (r->plen == 0 && p[0] == ':' && isalpha((unsigned char)p[1])) {
      int quit = repl_run_command(r, line);
      free(line);
      if (quit) break;
      continue;
    }
    if (r->plen == 0 && !*p) {
      free(line);
      continue;
    }
    if (pending_add(r, line, n)) {
      free(line);
      fprintf(stderr, "revl: not enough memory\n");
      r->plen = 0;
      continue;
    }
    free(line);
    if (!eval_pending(r)) r->plen = 0;
  }
  fflush(stdout);
  el_end(el);
  r->el = NULL;
  if (r->hist) history_end(r->hist);
  r->hist = NULL;
  return REVL_EXIT_OK;
}

/* stdin is not a terminal: run it as one chunk */
static int script(repl *r) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  if (!buf) {
    fprintf(stderr, "revl: not enough memory\n");
    return REVL_EXIT_DATA;
  }
  for (;;) {
    if (n == cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        fprintf(stderr, "revl: not enough memory\n");
        return REVL_EXIT_DATA;
      }
      buf = nb;
      cap *= 2;
    }
    size_t k = fread(buf + n, 1, cap - n, stdin);
    n += k;
    if (k == 0) break;
  }
  if (ferror(stdin)) {
    free(buf);
    fprintf(stderr, "revl: stdin: %s\n", strerror(errno));
    return REVL_EXIT_DATA;
  }
  int rc = REVL_EXIT_OK;
  if (r->playbook) {
    rc = revl_rt_run_file(r->rt, r->playbook);
    if (rc != REVL_EXIT_OK && rc != REVL_EXIT_FAIL) {
      free(buf);
      return rc;
    }
  }
  lua_State *L = r->L;
  int top = lua_gettop(L), base;
  const char *src = buf;
  size_t len = n;
  if (len >= 1 && src[0] == '#') { /* a #! line */
    while (len && *src != '\n') src++, len--;
  }
  int st = revl_rt_exec(r->rt, src, len, "=stdin", &base);
  if (st != LUA_OK) {
    repl_report(r, st);
    rc = REVL_EXIT_SCRIPT;
  } else {
    if (lua_gettop(L) > base && lua_isboolean(L, base + 1) && !lua_toboolean(L, base + 1))
      rc = REVL_EXIT_FAIL;
    if (rc == REVL_EXIT_OK) rc = revl_rt_status(r->rt);
  }
  rc = revl_rt_settle(r->rt, rc);
  lua_settop(L, top);
  fflush(stdout);
  free(buf);
  return rc;
}

int cmd_repl(int argc, char **argv) {
  revl_rt_opts o;
  const char *playbook;
  const char **params;
  int rc = cli_parse_run_opts("repl", argc, argv, &o, &playbook, &params);
  if (rc >= 0) return rc;
  int tty = isatty(STDIN_FILENO);
  o.playbook = playbook;
  o.interactive = tty;
  revl_error err;
  revl_rt *rt = revl_rt_new(&o, &err);
  if (!rt) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  repl r;
  memset(&r, 0, sizeof r);
  r.rt = rt;
  r.L = revl_rt_lua(rt);
  r.playbook = playbook;
  r.max_memory_mb = (int)(o.max_memory / (1024 * 1024));
  lua_State *L = r.L;
  lua_getglobal(L, "revl");
  r.module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  g_repl = &r;
  if (tty) {
    /* package.loaded as it is before any playbook, for :reload */
    lua_newtable(L);
    lua_getglobal(L, "package");
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "loaded");
      if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          lua_pushboolean(L, 1);
          lua_rawset(L, -6);
        }
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    r.loaded_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    g_rt = rt;
    install_handlers();
    rc = interactive(&r);
    g_rt = NULL;
  } else {
    rc = script(&r);
  }
  g_repl = NULL;
  free(r.pending);
  free(r.last_error);
  revl_rt_free(rt);
  return rc;
}
