/*
 * lrules.h -- what the rules bindings share, private to src/lua/: the
 * metatable names, the core types as the bindings name them (models,
 * decision frames, reasons lists), calling the playbook's functions per
 * record, and the helpers of lrules.c.  The bindings: l_rules.c (models
 * and registration), l_rframe.c (decision frames), l_log.c (revl.log and
 * run metadata), l_critobj.c (criteria objects, trigger conditions),
 * l_rng.c (revl.random).  Computation is in the core (revl/reasons.h,
 * revl/declog.h, revl/runmeta.h, revl/eval.h, revl/rules.h).
 */
#ifndef REVL_LRULES_H
#define REVL_LRULES_H

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/csvw.h"
#include "revl/declog.h"
#include "revl/eval.h"
#include "revl/frame.h"
#include "revl/parse.h"
#include "revl/reasons.h"
#include "revl/rules.h"
#include "revl/runmeta.h"

#define RULES_MODEL "revl.rules.model"
#define RULES_FRAME "revl.rules.frame"
#define RULES_CRIT "revl.rules.criterion"
#define RULES_RANDOM "revl.random"
#define RULES_SBUF "revl.rules.sbuf"

/* a growable string (revl/sbuf.h), owned by a userdata so an error
 * cannot leak it */
typedef revl_sbuf sbuf;

/* Row of the table for a record argument: a row proxy of t, an id
 * (the primary key) or a row number.  -1 when there is no such record. */
typedef struct row_mirror {
  revl_table *t;
  size_t row;
  void *su;
} row_mirror;

typedef struct rctx {
  lua_State *L;
  int fns, proxy, extra;  /* stack indexes inside the protected call */
  row_mirror *pr;
  revl_table *t;
  size_t cur;             /* record being evaluated, SIZE_MAX when none */
  void *job;
  int (*fn)(lua_State *L, struct rctx *x);
} rctx;

/* the models are the core's (revl/reasons.h, revl/eval.h) */
enum { K_ICP = REVL_DM_ICP, K_HEALTH = REVL_DM_HEALTH, K_CARD = REVL_DM_CARD };
enum {
  HC_CRITERIA = REVL_HC_CRITERIA, HC_FIELD = REVL_HC_FIELD, HC_USAGE = REVL_HC_USAGE,
  HC_UTIL = REVL_HC_UTIL, HC_FN = REVL_HC_FN, HC_GROWTH = REVL_HC_GROWTH
};
typedef revl_hcomp hcomp;
typedef revl_hrule hrule;
typedef revl_card_field cfield;
typedef revl_dmodel model;

/* decision frames are the core's (revl/reasons.h) */
enum { C_ID = REVL_DC_ID, C_A = REVL_DC_A, C_B = REVL_DC_B, C_TIER = REVL_DC_TIER,
       C_LABEL = REVL_DC_LABEL, C_ACTION = REVL_DC_ACTION, C_HBAND = REVL_DC_HBAND,
       C_COMP = REVL_DC_COMP, C_COMPLETE = REVL_DC_COMPLETE, C_MISSING = REVL_DC_MISSING,
       C_REASONS = REVL_DC_REASONS };
typedef revl_dframe rframe;

#define FROW(f, i) REVL_DFRAME_ROW(f, i)

/* The reasons of a record are built by the core (src/rules/reasons.c)
 * into a list owned by a userdata, so an error cannot leak it. */
typedef struct rlist {
  revl_reasons r;
  int busy;  /* the shared scratch list is in use (see rl_scratch) */
} rlist;

enum { V_NIL = REVL_V_NIL, V_NUM = REVL_V_NUM, V_STR = REVL_V_STR, V_BOOL = REVL_V_BOOL };

static inline int fired(const rframe *f, size_t i, int bit) { return revl_dframe_fired(f,
                        i, bit); }

/* ---- lrules.c ------------------------------------------------------------- */

int lr_plain_error(lua_State *L, const char *fmt, ...);
char *lr_xstrdup(lua_State *L, const char *s);
void *lr_xcalloc(lua_State *L, size_t n, size_t size);
int lr_sbuf_gc(lua_State *L);
sbuf *lr_sb_new(lua_State *L);
/* The text of b; raises "not enough memory" when an append to it was
 * cut short (b->oom), so a cut text is never used as the real one. */
const char *lr_sb_text(lua_State *L, const sbuf *b);
void lr_push_num(lua_State *L, double d);
void lr_push_id(lua_State *L, revl_table *t, size_t row);
revl_table *lr_view_table(lua_State *L, int idx);
revl_table *lr_view_arg(lua_State *L, int uv, const uint32_t **rows, size_t *n);
int64_t lr_record_row(lua_State *L, int idx, revl_table *t);
row_mirror *lr_push_proxy(lua_State *L, int vidx, revl_table *t);
void lr_call_row(rctx *x, size_t row, int nres);
int lr_rc_call(void *ud, const revl_crit *c, size_t row);
int lr_rc_match(void *ud, const revl_crit *c, const char *s, size_t n);
void lr_run_job(lua_State *L, rctx *x, int fidx, int pidx, int eidx);
revl_crit *lr_compile_spec(lua_State *L, int sidx, revl_table *t, int fns);
double lr_opt_num(lua_State *L, int t, const char *k, double dflt, int *has);
const char *lr_opt_str(lua_State *L, int t, const char *k);
revl_crit *lr_compile_or_die(lua_State *L, int spec, revl_table *t, int fns,
                             const char *what);
void lr_read_src(lua_State *L, int def, revl_table *t, revl_usage_src *src,
                 int need_usage, int need_subs);
uint32_t lr_intern_of(lua_State *L, revl_table *t, const char *s);
const char *lr_kind_name(int kind);
int lr_pcall_row(rctx *x, size_t row, int nres);
int lr_rc_pcall(void *ud, const revl_crit *c, size_t row);
void lr_new_meta(lua_State *L, const char *name, const luaL_Reg *methods,
                 lua_CFunction index, lua_CFunction gc, lua_CFunction tostr);

/* ---- l_rframe.c ------------------------------------------------------------ */

rframe *lr_check_frame(lua_State *L, int idx);
rframe *lr_new_frame(lua_State *L, int midx, model *md, const uint32_t *rows, size_t n);
rlist *lr_rl_new(lua_State *L);
void lr_frame_items(lua_State *L, int fidx, rframe *f, size_t i, int all, rlist *r);
void lr_push_items(lua_State *L, rlist *rl);
void lr_push_frame_row(lua_State *L, int fidx, rframe *f, size_t i);
revl_csvw **lr_open_writer(lua_State *L, const char *path, char *full, size_t n);
void lr_commit_writer(lua_State *L, revl_csvw **wp);
/* the holder of the written, uncommitted file stays pushed */
revl_csvw **lr_write_rframe(lua_State *L, int fidx, rframe *f, const char *path, int json,
                            const revl_logmeta *meta, char *full, size_t fulln);

/* ---- l_log.c --------------------------------------------------------------- */

int lr_log(lua_State *L);

/* ---- l_rng.c --------------------------------------------------------------- */

int lr_random(lua_State *L);

/* ---- registration (luaopen_revl_rules in l_rules.c) ------------------------ */

/* metatables of decision frames, criteria objects and generators */
void lr_open_rframe(lua_State *L);
void lr_open_critobj(lua_State *L);
void lr_open_rng(lua_State *L);
/* functions of revl._rules, each list NULL-terminated */
extern const luaL_Reg lr_rframe_funcs[];
extern const luaL_Reg lr_critobj_funcs[];
extern const luaL_Reg lr_log_funcs[];

#endif
