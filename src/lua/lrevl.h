/*
 * lrevl.h -- what the Lua bindings in src/lua/ share.
 */
#ifndef REVL_LREVL_H
#define REVL_LREVL_H

#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>

#include "revl/criteria.h"
#include "revl/store.h"

#define REVL_MONEY "revl.money"
#define REVL_DATE "revl.date"
#define REVL_DATETIME "revl.datetime"
#define REVL_STORE "revl.store"
#define REVL_TABLE "revl.table"
#define REVL_VIEW "revl.view"
#define REVL_ROW "revl.row"

typedef struct revl_money_ud {
  int64_t minor;
  char cur[4];
} revl_money_ud;

/* The runtime's per-state settings, kept as a userdata in the registry. */
typedef struct revl_rt_state {
  int32_t as_of;
  int fiscal_start;      /* first month of the fiscal year, 1-12 */
  const char *out_dir;   /* where write_csv & co. write ("." default) */
  int allow_io;
  int nstdout;           /* outputs sent to standard output (--out -) */
  int stdout_json;       /* ... as one JSON array (revl eval --format json) */
  int format;            /* REVL_FMT_* of revl.print (--format) */
  int discard;           /* outputs are checked, not written (explain, diff) */
} revl_rt_state;

/* l_report_icp.c: the ICP matrix of revl report from the model of file
 * (NULL: the shipped rules/icp.lua): out filled, its model, decisions
 * and counts left on the runtime's stack (pop them after the page is
 * made).  When the shipped model cannot be had, 0 with *why saying why
 * (nothing left on the stack); a file that fails: REVL_ESCRIPT. */
struct revl_rt;
struct revl_report_icp;
int revl_lr_report_icp(struct revl_rt *rt, const char *file, struct revl_report_icp *out,
                       const char **why, revl_error *err);

/* l_funnel.c: the SLA object at idx (what revl.sla returns) measured by
 * revl_sla_measure over every row of its table at instant now (seconds):
 * out's table and per-row arrays, in a userdata pushed on the stack
 * (name is left to the caller).  Raises on a failing Lua criterion. */
struct revl_dx_sla;
void revl_lr_sla_rows(lua_State *L, int idx, int64_t now, struct revl_dx_sla *out);

/* l_eval.c: revl.print into the table at the top (the module) */
void revl_open_print(lua_State *L);

revl_rt_state *revl_rt_get(lua_State *L);

/* With outputs discarded (revl_rt_set_discard), check path as an output
 * would be and fill full with where it would go: 1, and the caller
 * skips the write.  0 when outputs are written. */
int revl_out_skip(lua_State *L, const char *path, char *full, size_t n);

/* internals.warn(msg): "revl: msg" on stderr, once per message a run. */
int revl_l_warn(lua_State *L);
/* internals.caller_at([skip]) -> "FILE:LINE" of the innermost Lua frame
 * whose source does not start with skip (default "lua/": revl's own Lua),
 * i.e. the playbook or test line that called into revl; "?" when none. */
int revl_l_caller_at(lua_State *L);

/* The watchdog's view of Lua calls made per record (runtime.c): bumped
 * per call, set while inside one, so a call past its budget is stopped. */
#include <signal.h>
extern volatile sig_atomic_t revl_call_seq, revl_in_call;

/* l_write.c: revl.write_csv / revl.write_jsonl, and the "revl.csvw"
 * metatable (set up once per state by revl_open_write) of the userdata
 * that aborts a writer left open by an error. */
int revl_l_write_csv(lua_State *L);
int revl_l_write_jsonl(lua_State *L);
void revl_open_write(lua_State *L);

/* l_write.c: the text of the Lua value at idx as a CSV cell holds it
 * (money as a plain amount, dates ISO, numbers exact); returns how many
 * values it left on the stack (pop them after using *s); *quote is 1
 * for text (a JSON string), 0 for a number or boolean. */
int revl_lua_cell_text(lua_State *L, int idx, char *buf, size_t n,
                   const char **s, size_t *len, int *quote);

/* l_value.c */
int luaopen_revl_value(lua_State *L); /* fills the table at the top */
void revl_push_money(lua_State *L, int64_t minor, const char *cur);
void revl_push_date(lua_State *L, int32_t days);
void revl_push_datetime(lua_State *L, int64_t secs);
revl_money_ud *revl_test_money(lua_State *L, int idx);
/* A date argument: revl.date, revl.datetime (its day) or "YYYY-MM-DD". */
int revl_check_date(lua_State *L, int idx, int32_t *days);
int revl_opt_date(lua_State *L, int idx, int32_t *days); /* 1 if present */
/* Format money exactly: "1,234.50 USD". */
void revl_money_format(int64_t minor, const char *cur, char *buf, size_t n);

/* l_rules.c, l_route.c, l_metrics.c: add their functions to the
 * module table at the top of the stack (like luaopen_revl_value). */
int luaopen_revl_rules(lua_State *L);
int luaopen_revl_route(lua_State *L);
/* The company-name and domain keys of routing (src/rules/match.c) as Lua
 * functions: revl.company_key, revl.domain_key, revl.metrics.name_key,
 * revl.metrics.domain_key. */
int revl_lua_company_key(lua_State *L);
int revl_lua_domain_key(lua_State *L);
int luaopen_revl_metrics(lua_State *L);
/* revl.report into the module table at the top (l_report.c) */
void revl_open_report(lua_State *L);
/* revl.fixture into the module table at the top (l_fixture.c) */
void revl_open_fixture(lua_State *L);
/* Make s (owned by Lua from now on, also when this raises) the current
 * store: revl.accounts and the other tables come from it. */
void revl_set_store(lua_State *L, revl_store *s);

/* l_store.c */
int luaopen_revl_store(lua_State *L); /* fills the table at the top */
/* Push the table object for t (store userdata at index sidx keeps it
 * alive). */
void revl_push_table(lua_State *L, int sidx, revl_table *t);
/* l_crit.c: a userdata at the stack top that frees the criteria stored
 * in the returned slot when collected (so an error cannot leak them). */
revl_crit **revl_crit_anchor(lua_State *L);
/* l_crit.c: compile a criteria spec at idx against table t; raises on errors.
 * Lua functions in the spec are kept in a private table, so only its
 * declarative parts can be evaluated: use revl_compile_crit_fns to keep
 * them in the caller's table at fns (node->ref indexes it) and evaluate
 * with callbacks that read it. */
revl_crit *revl_compile_crit(lua_State *L, int idx, revl_table *t);
revl_crit *revl_compile_crit_fns(lua_State *L, int idx, revl_table *t,
                                 int fns);
/* The "matches" test of criterion c on text s: string.find as it was at
 * start-up, so a playbook that replaces string.find changes no rule.
 * For the match callback of revl_crit_eval and friends. */
int revl_crit_match(lua_State *L, const revl_crit *c, const char *s,
                    size_t n);
/* Wrap s (takes ownership, also when it raises: then s is freed) in a
 * store userdata pushed on the stack. */
void revl_push_store(lua_State *L, revl_store *s);
/* The table and row vector (NULL = all rows) of the view at idx. */
int revl_view_rows(lua_State *L, int idx, revl_table **t,
                   const uint32_t **rows, size_t *n);
/* A row proxy (a new userdata) for row `row` of the view's table. */
void revl_view_push_row(lua_State *L, int vidx, size_t row);
/* A new view of the same table over rows[0..n) (takes ownership of the
 * malloc'ed vector; row numbers of the table). */
void revl_view_push_derived(lua_State *L, int vidx, uint32_t *rows,
                            size_t n);
/* Push the table `name` of the view's store; 0 (nothing pushed) when
 * that table is not loaded. */
int revl_push_store_table(lua_State *L, int vidx, const char *name);
/* Push the Lua string of an intern id (cached per store). */
void revl_push_string_id(lua_State *L, int vidx, uint32_t id);
/* Push a cell as a Lua value (nil when null); t belongs to the view's
 * store. */
void revl_view_push_cell(lua_State *L, int vidx, revl_table *t, int col,
                         size_t row);
/* The Lua value at idx as a plain value for the core (revl_cval): a
 * table is a list of its items.  Pushes one table that keeps what v
 * points to alive (pop it after use); texts: how scalars print (the
 * first 9 items of a list). */
void revl_lua_cval(lua_State *L, int idx, revl_cval *v, int texts);
/* The scalar at idx as a plain value (a table: a LIST without items);
 * text 1: also how it prints, 2: only when it has no plain form (dates,
 * tables, other userdata); returns how many values that pushed (0 or
 * 1: its text, to pop after use). */
int revl_lua_scalar(lua_State *L, int idx, revl_cval *v, int text);
/* "col" or "fk.col" on t: the column in *holder, reached through FK
 * column *via (-1 when on t itself); -1 when there is no such field. */
int revl_resolve_field(revl_table *t, const char *name, revl_table **holder,
                       int *via);

/* The path users see for an output path (under --out unless absolute);
 * raises for an absolute path or '..' unless --allow-io, and with
 * --allow-io creates the parent directories. */
int revl_out_path(lua_State *L, const char *path, char *buf, size_t n);
/* Open a writer for a playbook's output path: checked as above, then
 * confined to --out (revl_csvw_open_in: no symlink on the way) unless
 * --allow-io.  full gets the path as shown to users; NULL and err on
 * failure (the caller raises). */
struct revl_csvw *revl_out_open(lua_State *L, const char *path, char *full,
                                size_t n, revl_error *err);
/* Finish a playbook's output: push full (the path the call returns),
 * then commit w; when pushing fails (memory) w is aborted instead and
 * the error raised, so the file exists only if the call returns it.
 * Returns 1 (the path pushed); raises on a failed commit. */
int revl_out_commit(lua_State *L, struct revl_csvw *w, const char *full);
/* Raise a core error as "FILE: message", or "message" when it names no
 * file. */
int revl_raise(lua_State *L, const revl_error *err);
/* Table name of s for a binding: a table not loaded yet loads now; a
 * failed load is raised as "FILE:LINE:COL: message" (the run then ends
 * with exit 2, revl_rt_run_file).  NULL when s has no such table. */
revl_table *revl_need_table(lua_State *L, const revl_store *s, const char *name);
/* Raise a failed load's error as "FILE:LINE:COL: message". */
int revl_raise_load(lua_State *L, const revl_error *err);
/* Open a file under --out for reading by the same rules; NULL (errno
 * set) when it cannot be opened, raises when the path is refused. */
FILE *revl_out_read(lua_State *L, const char *path, char *full, size_t n);

/* l_frame.c: result frames as one userdata ("revl.cframe", __name
 * "revl.frame").  revl_push_frame takes ownership of f (freed by __gc);
 * anchor (a stack index, 0 = none) is kept alive with it: the store
 * whose strings the frame's borrowed columns use. */
struct revl_frame;
void revl_push_frame(lua_State *L, struct revl_frame *f, int anchor);
struct revl_frame *revl_test_frame(lua_State *L, int idx); /* NULL if not one */
struct revl_frame *revl_check_frame(lua_State *L, int idx);
/* {column = kind name} of the columns with a display kind (revl_display_name) */
void revl_push_kinds(lua_State *L, const struct revl_frame *f);
/* revl.write_csv/write_jsonl(path, frame, columns) for a C frame at 2,
 * written by the core; pushes the full path and returns 1. */
int revl_write_frame(lua_State *L, int json);
int luaopen_revl_frame(lua_State *L); /* registers the metatables */

/* ---- the rules engine, part 2 (l_route.c, l_calendar.c, l_funnel.c;
 * helpers in lrevl.c) ------------------------------------------------- */

#define REVL_CALENDAR "revl.calendar"
struct revl_calendar;

/* Fill revl._route (the table at the top) with the calendar and the
 * funnel/SLA functions and register their metatables. */
void revl_route_open_calendar(lua_State *L);
void revl_route_open_funnel(lua_State *L);
void revl_route_open_state(lua_State *L);
/* The router of the router object at idx (raises unless live), and the
 * reps row of the rep id at idx (raises "unknown rep id"). (l_route.c) */
struct revl_router *revl_check_router(lua_State *L, int idx);
int32_t revl_find_rep(lua_State *L, revl_table *reps, int idx);
/* The calendar object at idx (raises unless it is a live one). */
struct revl_calendar *revl_check_calendar(lua_State *L, int idx);
/* An instant from a datetime, a date (its local midnight on cal) or an
 * ISO text (without an offset: local time of cal); raises otherwise. */
int64_t revl_check_time(lua_State *L, int idx, struct revl_calendar *cal);

/* malloc that raises "not enough memory" (never returns NULL) */
char *revl_xstrdup(lua_State *L, const char *s);
void *revl_xalloc(lua_State *L, size_t n, size_t size);
/* A text cell (NULL when null, not text or col < 0); borrowed. */
const char *revl_str_of(revl_table *t, int col, size_t row);
/* t[k] = v at table index tbl (revl_set_str: nothing when v is NULL). */
void revl_set_str(lua_State *L, int tbl, const char *k, const char *v);
void revl_set_int(lua_State *L, int tbl, const char *k, lua_Integer v);
void revl_set_bool(lua_State *L, int tbl, const char *k, int v);
/* A time as minutes (revl_minutes): an integer when whole. */
void revl_push_minutes(lua_State *L, int64_t secs);
/* The table of the view at idx, or an error naming what was expected. */
revl_table *revl_view_table(lua_State *L, int idx, const uint32_t **rows,
                            size_t *n);
/* Intern id of s in t's store, added when missing; raises on ENOMEM. */
uint32_t revl_intern_value(lua_State *L, revl_table *t, const char *s,
                           size_t n);

/* Callbacks of a compiled criterion: fns and a view of the base table at
 * known stack indexes while it runs.  A failed call leaves its error
 * (naming the record) on the stack top and returns -1, so the core
 * evaluator returns REVL_ESCRIPT and the binding raises it: no longjmp
 * crosses the core. */
typedef struct revl_lcb {
  lua_State *L;
  int fns, view;
  int failed;
} revl_lcb;

/* Set up cc for an object whose keep table (at stack index keep) holds
 * fns and base; pushes them. */
void revl_lcb_init(lua_State *L, int keep, revl_lcb *x, revl_crit_ctx *cc);
/* After a core evaluator returned rc: raise the callback's error (on
 * the stack top) for REVL_ESCRIPT, "not enough memory" for ENOMEM. */
void revl_lcb_check(lua_State *L, int rc);
/* New zeroed userdata with metatable mt and a keep table {fns = {},
 * base = the view at `view`} as its user value. */
void *revl_obj_new(lua_State *L, size_t size, const char *mt, int view);
/* Compile the criteria spec at idx against t, keeping its functions in
 * the fns of the object at obj. */
revl_crit *revl_obj_compile(lua_State *L, int obj, int idx, revl_table *t);
/* keep[k] = the value at v, for the object at obj. */
void revl_obj_keep(lua_State *L, int obj, const char *k, int v);

#endif
