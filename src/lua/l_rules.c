/*
 * l_rules.c -- the rules engine for Lua: ICP models, health scores,
 * scorecards, criteria objects, usage conditions for triggers, decision
 * logs and a seeded random generator.
 *
 * Definitions are normalised and checked by lua/rules.lua (which gets
 * the private functions below as revl._rules) and built here: criteria
 * are compiled once against the table's columns, so a bad rule is an
 * error when it is defined.  Scoring runs in C over the rows of a view;
 * the playbook's Lua functions are called with one reused row proxy
 * under the per-call time budget, and an error names the record.
 *
 * Results are "rule frames": a userdata holding the per-record numbers
 * (and which rules fired) that behaves like a frame -- #f, f[i],
 * f.columns, f:to_csv -- and builds rows and reason strings only when
 * they are asked for, so scoring 200k accounts allocates no Lua value
 * per record.
 */
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

/* ---- small helpers ------------------------------------------------------- */

/* Raise msg without a position: lua/rules.lua adds the playbook's. */
static int plain_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  return lua_error(L);
}

static char *xstrdup(lua_State *L, const char *s) {
  char *d = strdup(s ? s : "");
  if (!d) luaL_error(L, "not enough memory");
  return d;
}

static void *xcalloc(lua_State *L, size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) luaL_error(L, "not enough memory");
  return p;
}

/* a growable string (revl/sbuf.h), owned by a userdata so an error
 * cannot leak it */
typedef revl_sbuf sbuf;

/* frees the first pointer field only: also the __gc of other holders */
static int sbuf_gc(lua_State *L) {
  sbuf *b = lua_touserdata(L, 1);
  free(b->p);
  b->p = NULL;
  return 0;
}

static sbuf *sb_new(lua_State *L) {
  sbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, RULES_SBUF);
  return b;
}






static void push_num(lua_State *L, double d) {
  if (isnan(d)) lua_pushnil(L);
  else if (d == floor(d) && fabs(d) < 9007199254740992.0)
    lua_pushinteger(L, (lua_Integer)d);
  else lua_pushnumber(L, d);
}


/* ---- cells ------------------------------------------------------------------ */




static void push_id(lua_State *L, revl_table *t, size_t row) {
  if (t->pk >= 0 && revl_col_valid(t->cols[t->pk], row)) {
    const revl_column *c = t->cols[t->pk];
    if (c->type == REVL_T_STRING) {
      lua_pushlstring(L, revl_intern_str(&t->store->strings, c->v.str[row]),
                      revl_intern_len(&t->store->strings, c->v.str[row]));
      return;
    }
  }
  lua_pushinteger(L, (lua_Integer)row + 1);
}

/* The table of the view at idx, for callers that do not need its rows. */
static revl_table *view_table(lua_State *L, int idx) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, idx, &t, &rows, &n);
  return t;
}

/* The view given at 2, else the object's own at 1 (its uservalue uv),
 * left at 2: its table and rows. */
static revl_table *view_arg(lua_State *L, int uv, const uint32_t **rows, size_t *n) {
  if (lua_isnoneornil(L, 2)) {
    lua_settop(L, 1);
    lua_getiuservalue(L, 1, uv);
  }
  lua_settop(L, 2);
  revl_table *t;
  revl_view_rows(L, 2, &t, rows, n);
  return t;
}


/* Row of the table for a record argument: a row proxy of t, an id
 * (the primary key) or a row number.  -1 when there is no such record. */
typedef struct row_mirror {
  revl_table *t;
  size_t row;
  void *su;
} row_mirror;

static int64_t record_row(lua_State *L, int idx, revl_table *t) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    if (t->pk < 0) return -1;
    return revl_table_find(t, s, n);
  }
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx);
    return i >= 1 && (size_t)i <= t->nrows ? i - 1 : -1;
  }
  row_mirror *r = luaL_testudata(L, idx, REVL_ROW);
  if (r) {
    if (r->t != t) luaL_error(L, "expected a row of %s, got a row of %s", t->name, r->t->name);
    return (int64_t)r->row;
  }
  if (lua_istable(L, idx)) { /* a result row: its id */
    lua_getfield(L, idx, "id");
    int64_t row = lua_isnil(L, -1) ? -1 : record_row(L, lua_gettop(L), t);
    lua_pop(L, 1);
    return row;
  }
  return luaL_error(L, "expected a row, an id or a row number, got %s", luaL_typename(L, idx));
}

/* ---- calling the playbook's functions ---------------------------------- */

/* A row proxy whose row we move along (the layout of l_store.c's row
 * userdata: table, row, store; checked when the proxy is made). */
static row_mirror *push_proxy(lua_State *L, int vidx, revl_table *t) {
  vidx = lua_absindex(L, vidx);
  revl_view_push_row(L, vidx, 0);
  row_mirror *r = lua_touserdata(L, -1);
  if (!r || r->t != t || r->row != 0)
    luaL_error(L, "revl: internal error: unexpected row proxy layout");
  return r;
}

typedef struct rctx {
  lua_State *L;
  int fns, proxy, extra;  /* stack indexes inside the protected call */
  row_mirror *pr;
  revl_table *t;
  size_t cur;             /* record being evaluated, SIZE_MAX when none */
  void *job;
  int (*fn)(lua_State *L, struct rctx *x);
} rctx;

/* Call the function at the stack top with the proxy moved to row, under
 * the per-call budget; nres results stay on the stack. */
static void call_row(rctx *x, size_t row, int nres) {
  lua_State *L = x->L;
  x->pr->row = row;
  x->cur = row;
  lua_pushvalue(L, x->proxy);
  revl_call_seq++;
  revl_in_call = 1;
  lua_call(L, 1, nres);
  revl_in_call = 0;
  x->cur = SIZE_MAX;
}

static int rc_call(void *ud, const revl_crit *c, size_t row) {
  rctx *x = ud;
  lua_rawgeti(x->L, x->fns, c->ref);
  call_row(x, row, 1);
  int r = lua_toboolean(x->L, -1);
  lua_pop(x->L, 1);
  return r;
}

static int rc_match(void *ud, const revl_crit *c, const char *s, size_t n) {
  return revl_crit_match(((rctx *)ud)->L, c, s, n);
}

static int job_tramp(lua_State *L) {
  rctx *x = lua_touserdata(L, 1);
  x->fns = 2;
  x->proxy = 3;
  x->extra = 4;
  if (lua_isuserdata(L, 3)) x->pr = lua_touserdata(L, 3);
  return x->fn(L, x);
}

/* Raise the error at the top again, naming the record it came from. */
static int rethrow_for_row(lua_State *L, revl_table *t, size_t row) {
  const char *msg = lua_tostring(L, -1);
  if (t->pk >= 0 && revl_col_valid(t->cols[t->pk], row) &&
      t->cols[t->pk]->type == REVL_T_STRING)
    lua_pushfstring(L, "%s[%s]: %s", t->name,
                    revl_intern_str(&t->store->strings, t->cols[t->pk]->v.str[row]),
                    msg ? msg : "(error object)");
  else
    lua_pushfstring(L, "%s[row %d]: %s", t->name, (int)row + 1,
                    msg ? msg : "(error object)");
  return lua_error(L);
}

/* Run x->fn protected with the functions table, the proxy and an extra
 * value reachable at x->fns, x->proxy, x->extra; an error raised while a
 * record's function ran is raised again naming the record. */
static void run_job(lua_State *L, rctx *x, int fidx, int pidx, int eidx) {
  fidx = lua_absindex(L, fidx);
  pidx = lua_absindex(L, pidx);
  eidx = lua_absindex(L, eidx);
  x->L = L;
  x->cur = SIZE_MAX;
  lua_pushcfunction(L, job_tramp);
  lua_pushlightuserdata(L, x);
  lua_pushvalue(L, fidx);
  lua_pushvalue(L, pidx);
  lua_pushvalue(L, eidx);
  int st = lua_pcall(L, 4, 0, 0);
  revl_in_call = 0;
  if (st == LUA_OK) return;
  if (st == LUA_ERRMEM || x->cur == SIZE_MAX) lua_error(L);
  rethrow_for_row(L, x->t, x->cur);
}

/* ---- criteria: compile, name, explain -------------------------------------- */


static void set_crit_name(lua_State *L, revl_crit *c, const char *name) {
  char *n = xstrdup(L, name);
  free(c->name);
  c->name = n;
}

/* "industry in {Software, Fintech}" from the values as written */
static void name_set(lua_State *L, revl_crit *c, const char *field, int list) {
  sbuf *b = sb_new(L);
  int bi = lua_gettop(L);
  revl_sb_adds(b, field);
  revl_sb_adds(b, " ");
  revl_sb_adds(b, revl_op_name(c->op));
  revl_sb_adds(b, " {");
  size_t n = lua_rawlen(L, list);
  for (size_t i = 1; i <= n; i++) {
    if (i > 8) {
      revl_sb_addf(b, ", ... (%zu more)", n - 8);
      break;
    }
    lua_rawgeti(L, list, (lua_Integer)i);
    size_t len;
    const char *s = luaL_tolstring(L, -1, &len);
    if (i > 1) revl_sb_adds(b, ", ");
    revl_sb_add(b, s, len);
    lua_pop(L, 2);
  }
  revl_sb_adds(b, "}");
  set_crit_name(L, c, revl_sb_str(b));
  lua_remove(L, bi);
}

/* "a and b", "a or (b and c)", "not (a or b)" */
static void name_combo(lua_State *L, revl_crit *c) {
  sbuf *b = sb_new(L);
  int bi = lua_gettop(L);
  const char *sep = c->op == REVL_OP_ANY || c->op == REVL_OP_NONE ? " or " : " and ";
  if (c->op == REVL_OP_NONE) revl_sb_adds(b, "not (");
  if (c->nkids == 0) revl_sb_adds(b, c->op == REVL_OP_ANY ? "nothing" : "anything");
  for (int i = 0; i < c->nkids; i++) {
    revl_crit *k = c->kids[i];
    int paren = revl_crit_is_combo(k) && k->nkids > 1 && k->op != REVL_OP_NONE;
    if (i) revl_sb_adds(b, sep);
    if (paren) revl_sb_adds(b, "(");
    revl_sb_adds(b, k->name ? k->name : "?");
    if (paren) revl_sb_adds(b, ")");
  }
  if (c->op == REVL_OP_NONE) revl_sb_adds(b, ")");
  if (b->n > 300) {
    b->n = 297;
    revl_sb_adds(b, "...");
  }
  set_crit_name(L, c, revl_sb_str(b));
  lua_remove(L, bi);
}

/* "amount between 1000 and 5000" from the {low, high} as written */
static void name_between(lua_State *L, revl_crit *c, const char *field, int v) {
  if (c->op != REVL_OP_BETWEEN || !lua_istable(L, v)) return;
  v = lua_absindex(L, v);
  sbuf *b = sb_new(L);
  int bi = lua_gettop(L);
  revl_sb_adds(b, field);
  revl_sb_adds(b, " between ");
  for (int i = 1; i <= 2; i++) {
    lua_rawgeti(L, v, i);
    size_t len;
    const char *s = luaL_tolstring(L, -1, &len);
    if (i == 2) revl_sb_adds(b, " and ");
    revl_sb_add(b, s, len);
    lua_pop(L, 2);
  }
  set_crit_name(L, c, revl_sb_str(b));
  lua_remove(L, bi);
}

/* "amount > 5" for {amount = {gt = 5}}: the operator as the docs write it */
static void name_leaf(lua_State *L, revl_crit *c, const char *field, int v) {
  if (c->op == REVL_OP_BETWEEN) {
    name_between(L, c, field, v);
    return;
  }
  if (revl_crit_is_combo(c) || c->op == REVL_OP_FUNC) return;
  sbuf *b = sb_new(L);
  int bi = lua_gettop(L);
  revl_sb_adds(b, field);
  revl_sb_adds(b, " ");
  revl_sb_adds(b, revl_op_name(c->op));
  if (c->op != REVL_OP_EXISTS && c->op != REVL_OP_MISSING) {
    size_t len;
    const char *s = luaL_tolstring(L, v, &len);
    revl_sb_adds(b, " ");
    if (c->op == REVL_OP_CONTAINS || c->op == REVL_OP_PREFIX || c->op == REVL_OP_SUFFIX ||
        c->op == REVL_OP_MATCHES) {
      revl_sb_adds(b, "\"");
      revl_sb_add(b, s, len);
      revl_sb_adds(b, "\"");
    } else {
      revl_sb_add(b, s, len);
    }
    lua_pop(L, 1);
  }
  set_crit_name(L, c, revl_sb_str(b));
  lua_remove(L, bi);
}

static int spec_has_name(lua_State *L, int s) {
  lua_getfield(L, s, "name");
  int given = lua_type(L, -1) == LUA_TSTRING;
  lua_pop(L, 1);
  return given;
}

static int skip_hash_key(const char *k) {
  return strcmp(k, "name") == 0 || strcmp(k, "points") == 0 || strcmp(k, "weight") == 0;
}

static void fixup(lua_State *L, int s, revl_crit *c);

/* a hash-form entry: field = value | {v1, v2} | {op = value, ...} */
static void fixup_hash_entry(lua_State *L, const char *field, int v, revl_crit *k) {
  if (lua_istable(L, v) && lua_rawlen(L, v) > 0) {
    if (k->op == REVL_OP_IN) name_set(L, k, field, v);
  } else if (lua_istable(L, v) && k->op == REVL_OP_ALL) {
    /* {gt = 5, lte = 10}: kids in table order */
    int i = 0;
    lua_pushnil(L);
    while (lua_next(L, v)) {
      if (i < k->nkids && lua_type(L, -2) == LUA_TSTRING) {
        revl_crit *kk = k->kids[i++];
        if ((kk->op == REVL_OP_IN || kk->op == REVL_OP_NOT_IN) && lua_istable(L, -1))
          name_set(L, kk, field, lua_gettop(L));
        else
          name_leaf(L, kk, field, lua_gettop(L));
      }
      lua_pop(L, 1);
    }
    name_combo(L, k);
  } else if (lua_istable(L, v) && k->nkids == 0 &&
             (k->op == REVL_OP_IN || k->op == REVL_OP_NOT_IN)) {
    /* {not_in = {...}} collapsed to one leaf */
    lua_pushnil(L);
    while (lua_next(L, v)) {
      if (lua_istable(L, -1)) name_set(L, k, field, lua_gettop(L));
      lua_pop(L, 1);
    }
  } else if (lua_istable(L, v) && k->nkids == 0) {
    /* {gt = 5} collapsed to one leaf */
    lua_pushnil(L);
    while (lua_next(L, v)) {
      name_leaf(L, k, field, lua_gettop(L));
      lua_pop(L, 1);
    }
  }
}

/* Walk the spec beside the criteria compiled from it (l_store.c's
 * compile order) and name every node the playbook did not name, from
 * the values as written ("industry in {Software, Fintech}", "a and b"
 * where the shared compiler says "{2 values}", "all"). */
static void fixup(lua_State *L, int s, revl_crit *c) {
  s = lua_absindex(L, s);
  if (c->op == REVL_OP_FUNC || !lua_istable(L, s)) return;
  int given = spec_has_name(L, s);
  static const char *combos[] = {"all", "any", "none"};
  for (int k = 0; k < 3; k++) {
    lua_getfield(L, s, combos[k]);
    if (!lua_isnil(L, -1)) {
      int l = lua_gettop(L);
      if (revl_crit_is_combo(c))
        for (int i = 0; i < c->nkids; i++) {
          lua_rawgeti(L, l, i + 1);
          fixup(L, -1, c->kids[i]);
          lua_pop(L, 1);
        }
      lua_pop(L, 1);
      if (!given && revl_crit_is_combo(c)) name_combo(L, c);
      return;
    }
    lua_pop(L, 1);
  }
  lua_rawgeti(L, s, 1);
  lua_rawgeti(L, s, 2);
  int triple = lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING;
  int list = lua_istable(L, -2) || lua_isfunction(L, -2);
  lua_pop(L, 2);
  if (triple) {
    if (!given && (c->op == REVL_OP_IN || c->op == REVL_OP_NOT_IN || c->op == REVL_OP_BETWEEN)) {
      lua_rawgeti(L, s, 1);
      lua_rawgeti(L, s, 3);
      if (c->op == REVL_OP_BETWEEN) name_between(L, c, lua_tostring(L, -2), lua_gettop(L));
      else if (lua_istable(L, -1)) name_set(L, c, lua_tostring(L, -2), lua_gettop(L));
      lua_pop(L, 2);
    }
    return;
  }
  if (list) {
    if (c->op == REVL_OP_ALL)
      for (int i = 0; i < c->nkids; i++) {
        lua_rawgeti(L, s, i + 1);
        fixup(L, -1, c->kids[i]);
        lua_pop(L, 1);
      }
    if (!given && c->op == REVL_OP_ALL) {
      if (c->nkids == 1 && c->kids[0]->name) set_crit_name(L, c, c->kids[0]->name);
      else name_combo(L, c);
    }
    return;
  }
  lua_getfield(L, s, "field");
  if (lua_type(L, -1) == LUA_TSTRING) {
    if (!given && (c->op == REVL_OP_IN || c->op == REVL_OP_NOT_IN || c->op == REVL_OP_BETWEEN)) {
      lua_getfield(L, s, "value");
      if (c->op == REVL_OP_BETWEEN) name_between(L, c, lua_tostring(L, -2), lua_gettop(L));
      else if (lua_istable(L, -1)) name_set(L, c, lua_tostring(L, -2), lua_gettop(L));
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  /* hash form: one node per field in table order; a single field
   * without a name is the node itself */
  int nfields = 0;
  lua_pushnil(L);
  while (lua_next(L, s)) {
    if (lua_type(L, -2) == LUA_TSTRING && !skip_hash_key(lua_tostring(L, -2))) nfields++;
    lua_pop(L, 1);
  }
  int collapsed = nfields == 1 && !given;
  int i = 0;
  lua_pushnil(L);
  while (lua_next(L, s)) {
    if (lua_type(L, -2) == LUA_TSTRING && !skip_hash_key(lua_tostring(L, -2))) {
      revl_crit *k = collapsed ? c : (i < c->nkids ? c->kids[i] : NULL);
      i++;
      if (k) fixup_hash_entry(L, lua_tostring(L, -2), lua_gettop(L), k);
    }
    lua_pop(L, 1);
  }
  if (!given && !collapsed && c->op == REVL_OP_ALL) name_combo(L, c);
}

/* check every pattern once, so a bad one fails at definition */
static void check_patterns(lua_State *L, revl_crit *c) {
  if (c->op == REVL_OP_MATCHES) {
    lua_getglobal(L, "string");
    lua_getfield(L, -1, "find");
    lua_pushliteral(L, "");
    lua_pushlstring(L, c->text, c->textlen);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
      const char *e = lua_tostring(L, -1);
      plain_error(L, "bad pattern in '%s': %s", c->name ? c->name : "matches",
                  e ? e : "?");
    }
    lua_pop(L, 1);
  }
  for (int i = 0; i < c->nkids; i++) check_patterns(L, c->kids[i]);
}

typedef struct compile_job {
  revl_table *t;
  revl_crit *c;
} compile_job;

static int crit_holder_gc(lua_State *L) {
  revl_crit **cp = lua_touserdata(L, 1);
  revl_crit_free(*cp);
  *cp = NULL;
  return 0;
}

/* args: job, spec, fns */
static int compile_tramp(lua_State *L) {
  compile_job *j = lua_touserdata(L, 1);
  revl_crit **holder = lua_newuserdatauv(L, sizeof *holder, 0); /* 4 */
  *holder = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, crit_holder_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  *holder = revl_compile_crit_fns(L, 2, j->t, 3);
  fixup(L, 2, *holder);
  if (!(*holder)->name) set_crit_name(L, *holder, "criterion");
  check_patterns(L, *holder);
  j->c = *holder;
  *holder = NULL;
  return 0;
}

/* Compile the spec at sidx against t, functions into fns.  On error
 * returns NULL with the message on the stack top (no position). */
static revl_crit *compile_spec(lua_State *L, int sidx, revl_table *t, int fns) {
  sidx = lua_absindex(L, sidx);
  fns = lua_absindex(L, fns);
  compile_job j = {t, NULL};
  lua_pushcfunction(L, compile_tramp);
  lua_pushlightuserdata(L, &j);
  lua_pushvalue(L, sidx);
  lua_pushvalue(L, fns);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) return NULL;
  return j.c;
}



/* ---- models ------------------------------------------------------------------- */

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

static void free_bands(revl_band *b, int n) {
  for (int i = 0; i < n; i++) free(b[i].label);
  free(b);
}

static int model_gc(lua_State *L) {
  model *m = lua_touserdata(L, 1);
  if (m->icp) {
    int nc = m->icp->ntiers * m->nb;
    for (int i = 0; i < nc; i++) {
      if (m->combo) free(m->combo[i]);
      if (m->action) free(m->action[i]);
    }
    revl_icp_free(m->icp);
  }
  free(m->combo);
  free(m->action);
  free(m->fnref);
  for (int i = 0; i < m->ncomps; i++) {
    free(m->comps[i].name);
    free(m->comps[i].desc);
    free_bands(m->comps[i].bands, m->comps[i].nbands);
  }
  free(m->comps);
  for (int i = 0; i < m->nhrules; i++) revl_crit_free(m->hrules[i].crit);
  free(m->hrules);
  for (int i = 0; i < m->nfields; i++) {
    free(m->fields[i].label);
    revl_crit_free(m->fields[i].crit);
  }
  free(m->fields);
  free(m->name);
  memset(m, 0, sizeof *m);
  return 0;
}

static model *check_model(lua_State *L, int idx) {
  model *m = luaL_checkudata(L, idx, RULES_MODEL);
  if (!m->kind) luaL_error(L, "this model was freed");
  return m;
}

/* New model userdata: uservalue 1 the definition, 2 the functions
 * table, 3 a view of the table (keeps the store alive). */
static model *new_model(lua_State *L, int kind, int def, int vidx) {
  def = lua_absindex(L, def);
  vidx = lua_absindex(L, vidx);
  model *m = lua_newuserdatauv(L, sizeof *m, 3);
  memset(m, 0, sizeof *m);
  luaL_setmetatable(L, RULES_MODEL);
  m->kind = kind;
  lua_pushvalue(L, def);
  lua_setiuservalue(L, -2, 1);
  lua_newtable(L); /* the functions of compiled criteria */
  lua_setiuservalue(L, -2, 2);
  lua_pushvalue(L, vidx);
  lua_setiuservalue(L, -2, 3);
  m->t = view_table(L, vidx);
  lua_getfield(L, def, "name");
  m->name = xstrdup(L, lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
  lua_pop(L, 1);
  return m;
}

/* number field of a table, or dflt */
static double opt_num(lua_State *L, int t, const char *k, double dflt, int *has) {
  lua_getfield(L, t, k);
  double v = dflt;
  int h = lua_isnumber(L, -1);
  if (h) v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (has) *has = h;
  return v;
}

static const char *opt_str(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  const char *s = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1); /* the string stays in the definition table */
  return s;
}

/* bands: list of {label =, min =, score =} (already checked in Lua) */
static revl_band *read_bands(lua_State *L, int idx, int *n) {
  idx = lua_absindex(L, idx);
  *n = 0;
  if (!lua_istable(L, idx)) return NULL;
  int k = (int)lua_rawlen(L, idx);
  revl_band *b = xcalloc(L, (size_t)k, sizeof *b);
  for (int i = 0; i < k; i++) {
    lua_rawgeti(L, idx, i + 1);
    const char *lab = opt_str(L, -1, "label");
    b[i].label = strdup(lab ? lab : "");
    int has;
    b[i].min = opt_num(L, -1, "min", 0, &has);
    b[i].open = !has;
    b[i].score = opt_num(L, -1, "score", 0, NULL);
    lua_pop(L, 1);
    *n = i + 1;
    if (!b[i].label) {
      free_bands(b, *n);
      luaL_error(L, "not enough memory");
    }
  }
  return b;
}

/* Compile a rule's spec with context for the error message. */
static revl_crit *compile_or_die(lua_State *L, int spec, revl_table *t, int fns,
                                 const char *what) {
  revl_crit *c = compile_spec(L, spec, t, fns);
  if (!c) {
    const char *e = lua_tostring(L, -1);
    plain_error(L, "%s: %s", what, e ? e : "bad criterion");
  }
  return c;
}

/* ---- ICP model --------------------------------------------------------------- */

/* C.icp_new(def): def is the normalised definition from lua/rules.lua */
static int l_icp_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "view"); /* 2 */
  model *m = new_model(L, K_ICP, 1, 2); /* 3 */
  lua_getiuservalue(L, 3, 2); /* 4: fns */
  revl_icp *icp = m->icp = xcalloc(L, 1, sizeof *icp);
  icp->t = m->t;
  lua_getfield(L, 1, "groups"); /* 5 */
  int ng = (int)lua_rawlen(L, 5);
  int nr = 0;
  for (int g = 1; g <= ng; g++) {
    lua_rawgeti(L, 5, g);
    lua_getfield(L, -1, "rules");
    nr += (int)lua_rawlen(L, -1);
    lua_pop(L, 2);
  }
  icp->groups = xcalloc(L, (size_t)ng, sizeof *icp->groups);
  icp->rules = xcalloc(L, (size_t)nr, sizeof *icp->rules);
  m->fnref = xcalloc(L, (size_t)nr, sizeof *m->fnref);
  icp->fnrule = xcalloc(L, (size_t)nr, sizeof *icp->fnrule);
  for (int g = 0; g < ng; g++) {
    lua_rawgeti(L, 5, g + 1); /* 6 */
    revl_icp_group *gr = &icp->groups[g];
    gr->name = xstrdup(L, opt_str(L, 6, "name"));
    icp->ngroups = g + 1;
    gr->cap = opt_num(L, 6, "cap", 0, &gr->has_cap);
    lua_getfield(L, 6, "rules"); /* 7 */
    int k = (int)lua_rawlen(L, 7);
    for (int i = 1; i <= k; i++) {
      lua_rawgeti(L, 7, i); /* 8 */
      revl_icp_rule *ru = &icp->rules[icp->nrules];
      ru->group = g;
      ru->fn = -1;
      ru->points = opt_num(L, 8, "points", 0, NULL);
      const char *given = opt_str(L, 8, "name");
      lua_getfield(L, 8, "fn"); /* 9 */
      if (lua_isfunction(L, 9)) {
        ru->fn = icp->nfn;
        icp->fnrule[icp->nfn] = icp->nrules;
        lua_pushvalue(L, 9);
        m->fnref[icp->nfn] = (int)lua_rawlen(L, 4) + 1;
        lua_rawseti(L, 4, m->fnref[icp->nfn]);
        icp->nfn++;
        m->needs_lua = 1;
        if (given) ru->name = xstrdup(L, given);
        else {
          lua_Debug ar;
          lua_pushvalue(L, 9);
          lua_getinfo(L, ">S", &ar);
          char nm[300];
          snprintf(nm, sizeof nm, "function %s:%d", ar.short_src, ar.linedefined);
          ru->name = xstrdup(L, nm);
        }
        icp->nrules++;
      } else {
        char what[200];
        snprintf(what, sizeof what, "group '%s' rule %d", gr->name, i);
        lua_getfield(L, 8, "spec"); /* 10 */
        ru->crit = compile_or_die(L, 10, m->t, 4, what);
        icp->nrules++;
        ru->name = xstrdup(L, ru->crit->name);
        if (!revl_crit_is_declarative(ru->crit)) m->needs_lua = 1;
        lua_pop(L, 1);
      }
      lua_pop(L, 2);
    }
    lua_pop(L, 2);
  }
  icp->nwords = m->nwords = (icp->nrules + 63) / 64 ? (icp->nrules + 63) / 64 : 1;
  icp->cap = opt_num(L, 1, "cap", 0, &icp->has_cap);
  lua_getfield(L, 1, "tiers");
  icp->tiers = read_bands(L, -1, &icp->ntiers);
  lua_pop(L, 1);
  /* engagement */
  lua_getfield(L, 1, "engagement"); /* 6 */
  if (lua_istable(L, 6)) {
    revl_engage *e = icp->eng = xcalloc(L, 1, sizeof *e);
    lua_getfield(L, 6, "view");
    e->acts = view_table(L, -1);
    lua_pop(L, 1); /* same store as the scored table: kept alive by it */
    if (e->acts->store != m->t->store)
      plain_error(L, "engagement: %s is not from the same data as %s", e->acts->name, m->t->name);
    const char *key = opt_str(L, 6, "key"), *type = opt_str(L, 6, "type"),
               *at = opt_str(L, 6, "at");
    e->fk = revl_table_col(e->acts, key ? key : "");
    e->type = revl_table_col(e->acts, type ? type : "");
    e->at = revl_table_col(e->acts, at ? at : "");
    if (e->fk < 0 || e->acts->cols[e->fk]->ref != m->t || !e->acts->cols[e->fk]->rev_off)
      plain_error(L, "engagement: %s.%s does not reference %s", e->acts->name,
                  key ? key : "?", m->t->name);
    if (e->type < 0 || e->acts->cols[e->type]->type != REVL_T_STRING)
      plain_error(L, "engagement: %s has no text column '%s'", e->acts->name, type ? type : "?");
    if (e->at < 0 || (e->acts->cols[e->at]->type != REVL_T_DATE &&
                      e->acts->cols[e->at]->type != REVL_T_DATETIME))
      plain_error(L, "engagement: %s has no date column '%s'", e->acts->name, at ? at : "?");
    e->window = (int32_t)opt_num(L, 6, "window", 90, NULL);
    e->cap = opt_num(L, 6, "cap", 0, &e->has_cap);
    lua_getfield(L, 6, "points"); /* list of {type, points} */
    int np = (int)lua_rawlen(L, -1);
    e->type_ids = xcalloc(L, (size_t)np, sizeof *e->type_ids);
    e->type_pts = xcalloc(L, (size_t)np, sizeof *e->type_pts);
    for (int i = 1; i <= np; i++) {
      lua_rawgeti(L, -1, i);
      lua_rawgeti(L, -1, 1);
      lua_rawgeti(L, -2, 2);
      size_t len;
      const char *s = lua_tolstring(L, -2, &len);
      uint32_t id = revl_intern_find(&m->t->store->strings, s ? s : "", s ? len : 0);
      if (!id) id = revl_intern_add(&m->t->store->strings, s ? s : "", s ? len : 0);
      e->type_ids[i - 1] = id;
      e->type_pts[i - 1] = lua_tonumber(L, -1);
      e->ntypes = i;
      lua_pop(L, 3);
    }
    lua_pop(L, 1);
    lua_getfield(L, 6, "decay");
    if (lua_istable(L, -1)) {
      const char *kind = opt_str(L, -1, "kind");
      if (kind && strcmp(kind, "half_life") == 0) {
        e->decay.kind = REVL_DECAY_HALF_LIFE;
        e->decay.half_life = opt_num(L, -1, "half_life", 0, NULL);
      } else if (kind && strcmp(kind, "every") == 0) {
        e->decay.kind = REVL_DECAY_EVERY;
        e->decay.every = (int32_t)opt_num(L, -1, "every", 0, NULL);
        e->decay.factor = opt_num(L, -1, "factor", 1, NULL);
      } else if (kind && strcmp(kind, "steps") == 0) {
        e->decay.kind = REVL_DECAY_STEPS;
        lua_getfield(L, -1, "steps");
        int ns = (int)lua_rawlen(L, -1);
        e->decay.steps = xcalloc(L, (size_t)ns, sizeof *e->decay.steps);
        for (int i = 1; i <= ns; i++) {
          lua_rawgeti(L, -1, i);
          e->decay.steps[i - 1].after = (int32_t)opt_num(L, -1, "after", 0, NULL);
          e->decay.steps[i - 1].factor = opt_num(L, -1, "factor", 1, NULL);
          e->decay.nsteps = i;
          lua_pop(L, 1);
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    e->factor = xcalloc(L, (size_t)e->window, sizeof *e->factor);
    for (int32_t a = 0; a < e->window; a++) e->factor[a] = revl_decay_factor(&e->decay, a);
    lua_getfield(L, 6, "bands");
    icp->bands = read_bands(L, -1, &icp->nbands);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  /* labels of the fit x engagement matrix, and their actions */
  m->nb = icp->eng && icp->nbands ? icp->nbands : 1;
  int nc = icp->ntiers * m->nb;
  m->combo = xcalloc(L, (size_t)nc, sizeof *m->combo);
  m->action = xcalloc(L, (size_t)nc, sizeof *m->action);
  lua_getfield(L, 1, "matrix"); /* 6 */
  m->has_action = lua_istable(L, 6);
  for (int ti = 0; ti < icp->ntiers; ti++)
    for (int bi = 0; bi < m->nb; bi++) {
      char lab[80];
      snprintf(lab, sizeof lab, "%s%s", icp->tiers[ti].label,
               m->nb > 1 || (icp->eng && icp->nbands) ? icp->bands[bi].label : "");
      m->combo[ti * m->nb + bi] = xstrdup(L, lab);
      if (m->has_action) {
        lua_getfield(L, 6, lab);
        if (lua_isstring(L, -1)) m->action[ti * m->nb + bi] = xstrdup(L, lua_tostring(L, -1));
        lua_pop(L, 1);
      }
    }
  lua_pop(L, 1);
  lua_settop(L, 3);
  return 1;
}

/* ---- usage sources -------------------------------------------------------- */

/* first column of t referencing target (or the named one) */
static int fk_to(revl_table *t, revl_table *target, const char *name) {
  if (name) {
    int c = revl_table_col(t, name);
    return c >= 0 && t->cols[c]->ref == target && t->cols[c]->rev_off ? c : -1;
  }
  for (int c = 0; c < t->ncols; c++)
    if (t->cols[c]->ref == target && t->cols[c]->rev_off) return c;
  return -1;
}

/* def.usage / def.subscriptions views (when present) into src */
static void read_src(lua_State *L, int def, revl_table *t, revl_usage_src *src,
                     int need_usage, int need_subs) {
  memset(src, 0, sizeof *src);
  src->s_seats = src->s_mrr = -1;
  lua_getfield(L, def, "usage");
  if (lua_isuserdata(L, -1)) {
    revl_table *u = src->usage = view_table(L, -1);
    src->u_fk = fk_to(u, t, NULL);
    src->u_date = revl_table_col(u, "date");
    src->u_metric = revl_table_col(u, "metric");
    src->u_value = revl_table_col(u, "value");
    if (src->u_fk < 0 || src->u_date < 0 || src->u_metric < 0 || src->u_value < 0 ||
        u->cols[src->u_metric]->type != REVL_T_STRING)
      plain_error(L, "the usage table needs a reference to %s and date, metric and value columns",
                  t->name);
  } else if (need_usage) {
    plain_error(L, "no usage table is loaded (usage.csv in the data directory)");
  }
  lua_pop(L, 1);
  lua_getfield(L, def, "subscriptions");
  if (lua_isuserdata(L, -1)) {
    revl_table *s = src->subs = view_table(L, -1);
    src->s_fk = fk_to(s, t, NULL);
    src->s_period = revl_table_col(s, "period");
    src->s_seats = revl_table_col(s, "seats");
    src->s_mrr = revl_table_col(s, "mrr");
    if (src->s_fk < 0 || src->s_period < 0)
      plain_error(L, "the subscriptions table needs a reference to %s and a period column",
                  t->name);
    if (src->s_mrr >= 0 && s->cols[src->s_mrr]->type != REVL_T_MONEY) src->s_mrr = -1;
    if (src->s_seats >= 0 && s->cols[src->s_seats]->type != REVL_T_INT &&
        s->cols[src->s_seats]->type != REVL_T_NUMBER)
      src->s_seats = -1;
  } else if (need_subs) {
    plain_error(L, "no subscriptions table is loaded (subscriptions.csv in the data directory)");
  }
  lua_pop(L, 1);
}

static uint32_t intern_of(lua_State *L, revl_table *t, const char *s) {
  uint32_t id = revl_intern_find(&t->store->strings, s, strlen(s));
  if (!id) id = revl_intern_add(&t->store->strings, s, strlen(s));
  if (!id) luaL_error(L, "not enough memory");
  return id;
}

static int agg_of(const char *s) {
  static const char *names[] = {"sum", "avg", "min", "max", "last", "count"};
  for (int i = 0; i < 6; i++)
    if (s && strcmp(s, names[i]) == 0) return i;
  return REVL_UAGG_AVG;
}

static const char *agg_name(int a) {
  static const char *names[] = {"sum", "avg", "min", "max", "last", "count"};
  return a >= 0 && a < 6 ? names[a] : "avg";
}

/* ---- health model ---------------------------------------------------------- */

static int l_health_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "view"); /* 2 */
  model *m = new_model(L, K_HEALTH, 1, 2); /* 3 */
  lua_getiuservalue(L, 3, 2); /* 4: fns */
  m->red = opt_num(L, 1, "red", 50, NULL);
  m->yellow = opt_num(L, 1, "yellow", 75, NULL);
  lua_getfield(L, 1, "components"); /* 5 */
  int nc = (int)lua_rawlen(L, 5);
  int nr = 0, need_usage = 0, need_subs = 0;
  for (int i = 1; i <= nc; i++) {
    lua_rawgeti(L, 5, i);
    lua_getfield(L, -1, "rules");
    if (lua_istable(L, -1)) nr += (int)lua_rawlen(L, -1);
    const char *kind = opt_str(L, -2, "kind");
    if (kind && (strcmp(kind, "usage") == 0 || strcmp(kind, "utilisation") == 0 ||
                 strcmp(kind, "usage_growth") == 0))
      need_usage = 1;
    lua_getfield(L, -2, "per_seat");
    if ((kind && strcmp(kind, "utilisation") == 0) || lua_toboolean(L, -1)) need_subs = 1;
    lua_pop(L, 1);
    lua_pop(L, 2);
  }
  read_src(L, 1, m->t, &m->src, need_usage, need_subs);
  m->comps = xcalloc(L, (size_t)nc, sizeof *m->comps);
  m->hrules = xcalloc(L, (size_t)nr, sizeof *m->hrules);
  for (int k = 0; k < nc; k++) {
    lua_rawgeti(L, 5, k + 1); /* 6 */
    hcomp *c = &m->comps[k];
    m->ncomps = k + 1;
    c->name = xstrdup(L, opt_str(L, 6, "name"));
    c->weight = opt_num(L, 6, "weight", 1, NULL);
    c->missing = opt_num(L, 6, "missing", 0, &c->has_missing);
    c->fnref = -1;
    const char *kind = opt_str(L, 6, "kind");
    char what[200];
    snprintf(what, sizeof what, "component '%s'", c->name);
    if (strcmp(kind, "criteria") == 0) {
      c->kind = HC_CRITERIA;
      c->rule0 = m->nhrules;
      lua_getfield(L, 6, "rules"); /* 7 */
      int n = (int)lua_rawlen(L, 7);
      for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, 7, i); /* 8 */
        hrule *r = &m->hrules[m->nhrules];
        r->comp = k;
        r->points = opt_num(L, 8, "points", 100, NULL);
        lua_getfield(L, 8, "spec");
        char w2[260];
        snprintf(w2, sizeof w2, "%s rule %d", what, i);
        r->crit = compile_or_die(L, -1, m->t, 4, w2);
        m->nhrules++;
        c->nrules++;
        if (!revl_crit_is_declarative(r->crit)) m->needs_lua = 1;
        lua_pop(L, 2);
      }
      lua_pop(L, 1);
      c->desc = xstrdup(L, "");
    } else if (strcmp(kind, "field") == 0) {
      c->kind = HC_FIELD;
      const char *f = opt_str(L, 6, "field");
      c->fcol = revl_resolve_field(m->t, f, &c->ft, &c->fvia);
      if (c->fcol < 0) plain_error(L, "%s: %s has no column '%s'%s", what, m->t->name, f, REVL_HINT(m->t, f));
      revl_type ty = c->ft->cols[c->fcol]->type;
      if (ty != REVL_T_INT && ty != REVL_T_NUMBER && ty != REVL_T_MONEY && ty != REVL_T_BOOL)
        plain_error(L, "%s: field '%s' is %s, not a number (map it with a function)", what, f,
                    revl_type_name(ty));
      c->desc = xstrdup(L, f);
    } else if (strcmp(kind, "usage") == 0 || strcmp(kind, "utilisation") == 0 ||
               strcmp(kind, "usage_growth") == 0) {
      c->kind = strcmp(kind, "usage") == 0 ? HC_USAGE
                : strcmp(kind, "utilisation") == 0 ? HC_UTIL : HC_GROWTH;
      const char *metric = opt_str(L, 6, "metric");
      c->metric = intern_of(L, m->t, metric);
      c->agg = c->kind == HC_UTIL ? REVL_UAGG_AVG : agg_of(opt_str(L, 6, "agg"));
      c->days = (int)opt_num(L, 6, "days", 28, NULL);
      lua_getfield(L, 6, "per_seat");
      c->per_seat = c->kind == HC_USAGE && lua_toboolean(L, -1);
      lua_pop(L, 1);
      char d[200];
      if (c->kind == HC_USAGE)
        snprintf(d, sizeof d, "%s %s %dd%s", metric, agg_name(c->agg), c->days,
                 c->per_seat ? " per seat" : "");
      else if (c->kind == HC_UTIL) snprintf(d, sizeof d, "%s / seats %dd", metric, c->days);
      else snprintf(d, sizeof d, "%s %s %dd vs the %dd before", metric, agg_name(c->agg),
                    c->days, c->days);
      c->desc = xstrdup(L, d);
    } else if (strcmp(kind, "fn") == 0) {
      c->kind = HC_FN;
      lua_getfield(L, 6, "fn");
      c->fnref = (int)lua_rawlen(L, 4) + 1;
      lua_rawseti(L, 4, c->fnref);
      m->needs_lua = 1;
      c->desc = xstrdup(L, "function");
    } else {
      plain_error(L, "%s: unknown kind '%s'", what, kind);
    }
    lua_getfield(L, 6, "bands");
    if (lua_istable(L, -1)) {
      c->bands = read_bands(L, -1, &c->nbands);
      c->mapping = 1;
    }
    lua_pop(L, 1);
    lua_getfield(L, 6, "linear");
    if (lua_istable(L, -1)) {
      lua_rawgeti(L, -1, 1);
      lua_rawgeti(L, -2, 2);
      c->lo = lua_tonumber(L, -2);
      c->hi = lua_tonumber(L, -1);
      c->mapping = 2;
      lua_pop(L, 2);
    }
    lua_pop(L, 2);
  }
  m->nwords = (m->nhrules + 63) / 64 ? (m->nhrules + 63) / 64 : 1;
  lua_settop(L, 3);
  return 1;
}

/* ---- scorecard model ---------------------------------------------------------- */

static int l_card_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "view"); /* 2 */
  model *m = new_model(L, K_CARD, 1, 2); /* 3 */
  lua_getiuservalue(L, 3, 2); /* 4: fns */
  m->pass = opt_num(L, 1, "pass", 100, NULL);
  lua_getfield(L, 1, "allow_absent");
  int allow_absent = lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, 1, "fields"); /* 5 */
  int nf = (int)lua_rawlen(L, 5);
  m->fields = xcalloc(L, (size_t)nf, sizeof *m->fields);
  for (int k = 0; k < nf; k++) {
    lua_rawgeti(L, 5, k + 1); /* 6 */
    cfield *f = &m->fields[k];
    m->nfields = k + 1;
    f->label = xstrdup(L, opt_str(L, 6, "label"));
    f->weight = opt_num(L, 6, "weight", 1, NULL);
    f->col = -1;
    f->fnref = -1;
    lua_getfield(L, 6, "candidates"); /* 7: field names to try, in order */
    lua_getfield(L, 6, "spec");       /* 8 */
    lua_getfield(L, 6, "fn");         /* 9 */
    if (lua_istable(L, 7)) {
      int n = (int)lua_rawlen(L, 7);
      for (int i = 1; i <= n && f->col < 0; i++) {
        lua_rawgeti(L, 7, i);
        f->col = revl_resolve_field(m->t, lua_tostring(L, -1), &f->ft, &f->via);
        lua_pop(L, 1);
      }
      if (f->col < 0) {
        if (!allow_absent) {
          lua_rawgeti(L, 7, 1);
          plain_error(L, "field '%s': %s has no column '%s'", f->label, m->t->name,
                      lua_tostring(L, -1));
        }
        f->absent = 1;
      }
    } else if (!lua_isnil(L, 8)) {
      char what[200];
      snprintf(what, sizeof what, "field '%s'", f->label);
      f->crit = compile_or_die(L, 8, m->t, 4, what);
      if (!revl_crit_is_declarative(f->crit)) m->needs_lua = 1;
    } else if (lua_isfunction(L, 9)) {
      lua_pushvalue(L, 9);
      f->fnref = (int)lua_rawlen(L, 4) + 1;
      lua_rawseti(L, 4, f->fnref);
      m->needs_lua = 1;
    }
    lua_pop(L, 4);
  }
  m->nwords = (nf + 63) / 64 ? (nf + 63) / 64 : 1;
  lua_settop(L, 3);
  return 1;
}

/* ---- rule frames ----------------------------------------------------------------- */

/* decision frames are the core's (revl/reasons.h) */
enum { C_ID = REVL_DC_ID, C_A = REVL_DC_A, C_B = REVL_DC_B, C_TIER = REVL_DC_TIER,
       C_LABEL = REVL_DC_LABEL, C_ACTION = REVL_DC_ACTION, C_HBAND = REVL_DC_HBAND,
       C_COMP = REVL_DC_COMP, C_COMPLETE = REVL_DC_COMPLETE, C_MISSING = REVL_DC_MISSING,
       C_REASONS = REVL_DC_REASONS };
typedef revl_dframe rframe;

#define FROW(f, i) REVL_DFRAME_ROW(f, i)

static int frame_gc(lua_State *L) {
  rframe *f = lua_touserdata(L, 1);
  free(f->rows);
  free(f->a);
  free(f->b);
  free(f->l1);
  free(f->l2);
  free(f->mask);
  free(f->v);
  free(f->raw);
  f->rows = NULL;
  f->a = f->b = f->v = f->raw = NULL;
  f->l1 = f->l2 = NULL;
  f->mask = NULL;
  f->n = 0;
  return 0;
}

static rframe *check_frame(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, RULES_FRAME);
}

static void add_col(lua_State *L, rframe *f, int cols, int type, int arg, const char *name) {
  if (f->ncols >= REVL_DFRAME_MAXCOLS) luaL_error(L, "too many columns");
  f->ctype[f->ncols] = type;
  f->carg[f->ncols] = arg;
  f->ncols++;
  lua_pushstring(L, name);
  lua_rawseti(L, cols, f->ncols);
}

/* New frame over the model at midx: uservalue 1 the model, 2 values
 * returned by the playbook's functions, 3 the column names. */
static rframe *new_frame(lua_State *L, int midx, model *md, const uint32_t *rows,
                         size_t n) {
  midx = lua_absindex(L, midx);
  rframe *f = lua_newuserdatauv(L, sizeof *f, 3);
  memset(f, 0, sizeof *f);
  luaL_setmetatable(L, RULES_FRAME);
  int fi = lua_gettop(L);
  f->md = md;
  f->t = md->t;
  f->n = n;
  f->as_of = revl_rt_get(L) ? revl_rt_get(L)->as_of : 0;
  lua_pushvalue(L, midx);
  lua_setiuservalue(L, fi, 1);
  lua_newtable(L);
  lua_setiuservalue(L, fi, 2);
  if (rows) {
    f->rows = malloc((n ? n : 1) * sizeof *f->rows);
    if (!f->rows) luaL_error(L, "not enough memory");
    memcpy(f->rows, rows, n * sizeof *rows);
  }
  lua_newtable(L);
  int cols = lua_gettop(L);
  add_col(L, f, cols, C_ID, 0, "id");
  if (md->kind == K_ICP) {
    add_col(L, f, cols, C_A, 0, "fit");
    if (md->icp->eng) add_col(L, f, cols, C_B, 0, "engagement");
    add_col(L, f, cols, C_TIER, 0, "tier");
    add_col(L, f, cols, C_LABEL, 0, "label");
    if (md->has_action) add_col(L, f, cols, C_ACTION, 0, "action");
  } else if (md->kind == K_HEALTH) {
    add_col(L, f, cols, C_A, 0, "score");
    add_col(L, f, cols, C_HBAND, 0, "band");
    for (int k = 0; k < md->ncomps && k < 70; k++)
      add_col(L, f, cols, C_COMP, k, md->comps[k].name);
  } else {
    add_col(L, f, cols, C_A, 0, "completeness");
    add_col(L, f, cols, C_COMPLETE, 0, "complete");
    add_col(L, f, cols, C_MISSING, 0, "missing");
  }
  add_col(L, f, cols, C_REASONS, 0, "reasons");
  lua_setiuservalue(L, fi, 3);
  return f;
}


static const char *kind_name(int kind) {
  return kind == K_ICP ? "icp" : kind == K_HEALTH ? "health" : "scorecard";
}

static int fired(const rframe *f, size_t i, int bit) { return revl_dframe_fired(f, i, bit); }

/* ---- reasons ---------------------------------------------------------------------- */

/* The reasons of a record are built by the core (src/rules/reasons.c)
 * into a list owned by a userdata, so an error cannot leak it. */
typedef struct rlist {
  revl_reasons r;
  int busy;  /* the shared scratch list is in use (see rl_scratch) */
} rlist;

static int rl_gc(lua_State *L) {
  rlist *r = lua_touserdata(L, 1);
  revl_reasons_free(&r->r);
  return 0;
}

static rlist *rl_new(lua_State *L) {
  rlist *r = lua_newuserdatauv(L, sizeof *r, 0);
  memset(r, 0, sizeof *r);
  if (luaL_newmetatable(L, "revl.rlist")) {
    lua_pushcfunction(L, rl_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return r;
}

/* One reasons list reused for every row of a write (a new one per row
 * was most of the time of writing a 200k-row frame).  Pushed on the
 * stack; the caller clears busy and pops it.  A nested use (busy) gets a
 * fresh list. */
static rlist *rl_scratch(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rl_scratch");
  rlist *r = luaL_testudata(L, -1, "revl.rlist");
  if (!r || r->busy) {
    int have = r != NULL;
    lua_pop(L, 1);
    r = rl_new(L);
    if (!have) {
      lua_pushvalue(L, -1);
      lua_setfield(L, LUA_REGISTRYINDEX, "revl.rl_scratch");
    }
  }
  revl_reasons_clear(&r->r);
  r->busy = 1;
  return r;
}

/* What a playbook's function returned for record i, slot `slot` (kept
 * in uservalue 2 of the frame), as text: the seen value of reasons. */
typedef struct seen_ctx {
  lua_State *L;
  int fidx;
  const rframe *f;
} seen_ctx;

static int seen_lua(void *ud, size_t i, int slot, revl_sbuf *out) {
  seen_ctx *sc = ud;
  lua_State *L = sc->L;
  int got = 0;
  lua_getiuservalue(L, sc->fidx, 2);
  if (lua_rawgeti(L, -1, (lua_Integer)(i * (size_t)sc->f->stride + (size_t)slot + 1)) !=
      LUA_TNIL) {
    size_t len;
    const char *str = luaL_tolstring(L, -1, &len);
    revl_sb_add(out, str, len);
    lua_pop(L, 1);
    got = 1;
  }
  lua_pop(L, 2);
  return got;
}

static void frame_items(lua_State *L, int fidx, rframe *f, size_t i, int all, rlist *r) {
  seen_ctx sc = {L, lua_absindex(L, fidx), f};
  revl_reasons_build(&r->r, f, i, all, seen_lua, &sc);
}

static void push_items(lua_State *L, rlist *rl) {
  const revl_reasons *r = &rl->r;
  lua_createtable(L, r->n, 0);
  for (int k = 0; k < r->n; k++) {
    const revl_reason *x = &r->it[k];
    lua_createtable(L, 0, 7);
    lua_pushstring(L, x->kind);
    lua_setfield(L, -2, "kind");
    const char *s;
    if ((s = revl_reason_str(r, x->group))) {
      lua_pushstring(L, s);
      lua_setfield(L, -2, "group");
    }
    if ((s = revl_reason_str(r, x->crit))) {
      lua_pushstring(L, s);
      lua_setfield(L, -2, "criterion");
    }
    if ((s = revl_reason_str(r, x->value))) {
      lua_pushstring(L, s);
      lua_setfield(L, -2, "value");
    }
    if (x->has_points) {
      push_num(L, x->points);
      lua_setfield(L, -2, strcmp(x->kind, "component") == 0 ? "score" : "points");
    }
    if (x->has_weight) {
      push_num(L, x->weight);
      lua_setfield(L, -2, "weight");
    }
    lua_pushboolean(L, x->met);
    lua_setfield(L, -2, "met");
    lua_rawseti(L, -2, k + 1);
  }
}

/* ---- cells of a frame ---------------------------------------------------------------- */

enum { V_NIL = REVL_V_NIL, V_NUM = REVL_V_NUM, V_STR = REVL_V_STR, V_BOOL = REVL_V_BOOL };

/* Append cell (i, c) as text to out (revl_dframe_cell); returns its
 * kind.  Reasons need the frame at fidx. */
static int frame_cell(lua_State *L, int fidx, rframe *f, size_t i, int c, sbuf *out,
                      double *num) {
  if (f->ctype[c] != C_REASONS) return revl_dframe_cell(f, i, c, out, num, NULL, NULL, NULL);
  seen_ctx sc = {L, lua_absindex(L, fidx), f};
  rlist *r = rl_scratch(L);
  int k = revl_dframe_cell(f, i, c, out, num, &r->r, seen_lua, &sc);
  r->busy = 0;
  lua_pop(L, 1);
  return k;
}

static void push_frame_cell(lua_State *L, int fidx, rframe *f, size_t i, int c, sbuf *b) {
  revl_sb_reset(b);
  double num = 0;
  int k = frame_cell(L, fidx, f, i, c, b, &num);
  switch (k) {
  case V_NIL: lua_pushnil(L); break;
  case V_NUM: push_num(L, num); break;
  case V_BOOL: lua_pushboolean(L, num != 0); break;
  default: lua_pushlstring(L, revl_sb_str(b), b->n); break;
  }
}

/* C.rules_cframe(rf [, {columns}]) -> the rules frame (or those of its
 * columns) as a C frame (revl.frame): the same cells, typed (numbers,
 * booleans, text; ids borrowed from the store), so sort, group by and
 * join run in the core.  Leaving out `reasons` saves building its text. */
static int l_rules_cframe(lua_State *L) {
  rframe *rf = check_frame(L, 1);
  int pick[80], np = 0;
  lua_getiuservalue(L, 1, 3); /* the column names */
  int names = lua_gettop(L);
  if (lua_istable(L, 2)) {
    int n = (int)lua_rawlen(L, 2);
    for (int k = 1; k <= n && np < 80; k++) {
      lua_rawgeti(L, 2, k);
      const char *want = luaL_checkstring(L, -1);
      int found = -1;
      revl_near nr;
      revl_near_init(&nr, want);
      for (int c = 0; c < rf->ncols && found < 0; c++) {
        lua_rawgeti(L, names, c + 1);
        const char *nm = lua_tostring(L, -1);
        if (nm && strcmp(nm, want) == 0) found = c;
        revl_near_add(&nr, nm);
        lua_pop(L, 1);
      }
      if (found < 0) {
        char hint[160];
        return luaL_error(L, "this frame has no column '%s'%s", want,
                          revl_near_hint(&nr, hint, sizeof hint));
      }
      pick[np++] = found;
      lua_pop(L, 1);
    }
  } else {
    luaL_argcheck(L, lua_isnoneornil(L, 2), 2, "a list of column names expected");
    for (int c = 0; c < rf->ncols; c++) pick[np++] = c;
  }
  revl_frame *f = revl_frame_new(rf->t->store);
  if (!f) return luaL_error(L, "not enough memory");
  revl_push_frame(L, f, 1); /* owns f from here; keeps the rules frame alive */
  int ci[80];
  for (int k = 0; k < np; k++) {
    int c = pick[k];
    lua_rawgeti(L, names, c + 1);
    const char *name = lua_tostring(L, -1);
    int ct = rf->ctype[c];
    revl_type ty = ct == C_A || ct == C_B || ct == C_COMP ? REVL_T_NUMBER
                   : ct == C_COMPLETE                    ? REVL_T_BOOL
                                                         : REVL_T_STRING;
    const revl_intern *dict = NULL;
    if (ct == C_ID && rf->t->pk >= 0 && rf->t->cols[rf->t->pk]->type == REVL_T_STRING)
      dict = &rf->t->store->strings;
    ci[k] = revl_frame_add_col(f, name ? name : "?", ty, dict);
    if (ci[k] < 0) return luaL_error(L, "column '%s' given twice", name);
    if (ty == REVL_T_NUMBER) f->cols[ci[k]]->kind = REVL_DK_POINTS;
    lua_pop(L, 1);
  }
  if (revl_frame_reserve(f, rf->n)) return luaL_error(L, "not enough memory");
  sbuf *b = sb_new(L);
  for (size_t i = 0; i < rf->n; i++) {
    size_t row = FROW(rf, i);
    for (int k = 0; k < np; k++) {
      int c = pick[k];
      revl_column *col = revl_frame_col(f, ci[k]);
      int rc;
      if (f->cols[ci[k]]->dict != &f->own) { /* the store's id */
        const revl_column *pk = rf->t->cols[rf->t->pk];
        rc = revl_col_valid(pk, row) ? revl_col_push_str(col, pk->v.str[row])
                                     : revl_col_push_null(col);
      } else {
        revl_sb_reset(b);
        double num = 0;
        int kind = frame_cell(L, 1, rf, i, c, b, &num);
        if (kind == V_NIL) rc = revl_col_push_null(col);
        else if (kind == V_NUM) rc = revl_col_push_f64(col, num);
        else if (kind == V_BOOL) rc = revl_col_push_bool(col, num != 0);
        else rc = revl_frame_push_text(f, ci[k], revl_sb_str(b), b->n);
      }
      if (rc) return luaL_error(L, "not enough memory");
    }
  }
  lua_pop(L, 1); /* the buffer */
  if (revl_frame_seal(f)) return luaL_error(L, "rules frame: columns of unequal length");
  return 1;
}

static void push_frame_row(lua_State *L, int fidx, rframe *f, size_t i) {
  fidx = lua_absindex(L, fidx);
  sbuf *b = sb_new(L);
  lua_createtable(L, 0, f->ncols);
  lua_getiuservalue(L, fidx, 3);
  for (int c = 0; c < f->ncols; c++) {
    lua_rawgeti(L, -1, c + 1);
    push_frame_cell(L, fidx, f, i, c, b);
    lua_settable(L, -4);
  }
  lua_pop(L, 1);
  lua_remove(L, -2);
}

/* ---- scoring -------------------------------------------------------------------------- */

typedef struct score_job {
  rframe *f;
  uint32_t *scratch;
  double *tmp;          /* health: room for the components' weights */
} score_job;

/* call_row under lua_pcall: LUA_OK with nres results on the stack, or
 * the error object on top and x->cur still naming the record (the core
 * evaluators get an error code, never a longjmp). */
static int pcall_row(rctx *x, size_t row, int nres) {
  lua_State *L = x->L;
  x->pr->row = row;
  x->cur = row;
  lua_pushvalue(L, x->proxy);
  revl_call_seq++;
  revl_in_call = 1;
  int st = lua_pcall(L, 1, nres, 0);
  revl_in_call = 0;
  if (st == LUA_OK || st == LUA_ERRMEM) x->cur = SIZE_MAX; /* memory errors name no record */
  return st;
}

static int rc_pcall(void *ud, const revl_crit *c, size_t row) {
  rctx *x = ud;
  lua_rawgeti(x->L, x->fns, c->ref);
  if (pcall_row(x, row, 1) != LUA_OK) return -1;
  int r = lua_toboolean(x->L, -1);
  lua_pop(x->L, 1);
  return r;
}

/* revl_eval_opts.fn for ICP function rules: the rule's function called
 * on the record; a number is its points, a true value the rule's; a
 * second result (the reason) is kept in the extra table. */
static int icp_fn_cb(void *ctx, int rule, size_t i, size_t row, double *value,
                     revl_error *err) {
  rctx *x = ctx;
  lua_State *L = x->L;
  score_job *j = x->job;
  rframe *f = j->f;
  const revl_icp_rule *ru = &f->md->icp->rules[rule];
  lua_rawgeti(L, x->fns, f->md->fnref[ru->fn]);
  if (pcall_row(x, row, 2) != LUA_OK)
    return revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0, "%s", "rule function failed");
  double p = 0;
  if (lua_type(L, -2) == LUA_TNUMBER) p = lua_tonumber(L, -2);
  else if (lua_toboolean(L, -2)) p = ru->points;
  *value = p;
  if (!lua_isnil(L, -1)) {
    lua_pushvalue(L, -1);
    lua_rawseti(L, x->extra, (lua_Integer)(i * (size_t)f->stride + (size_t)ru->fn) + 1);
  }
  lua_pop(L, 2);
  return 0;
}

/* ICP scoring is revl_icp_eval_into (src/rules/eval.c) on the frame's
 * buffers; a Lua error stays on the stack and is raised here, naming
 * the record through run_job. */
static int icp_run(lua_State *L, rctx *x) {
  score_job *j = x->job;
  rframe *f = j->f;
  revl_eval_opts o = {f->as_of, icp_fn_cb, rc_pcall, rc_match, x};
  revl_error err;
  int rc = revl_icp_eval_into(f->md->icp, x->t, f->rows, f->n, &o, f->mask, f->v,
                              (size_t)f->stride, j->scratch, f->a, f->b, f->l1, f->l2,
                              &err);
  if (rc == 0) return 0;
  if (rc == REVL_ESCRIPT) return lua_error(L); /* the Lua error object */
  if (rc == REVL_ENOMEM) return luaL_error(L, "not enough memory");
  return luaL_error(L, "%s", err.msg);
}

/* revl_health_fn for function components: the component's function
 * called on the record; a number is its raw value, a boolean 100 or 0;
 * a second result (the reason) is kept in the extra table. */
static int health_fn_cb(void *ctx, int comp, size_t i, size_t row, double *raw,
                        revl_error *err) {
  rctx *x = ctx;
  lua_State *L = x->L;
  model *md = ((score_job *)x->job)->f->md;
  const hcomp *c = &md->comps[comp];
  lua_rawgeti(L, x->fns, c->fnref);
  if (pcall_row(x, row, 2) != LUA_OK)
    return revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0, "%s", "component function failed");
  if (lua_type(L, -2) == LUA_TNUMBER) *raw = lua_tonumber(L, -2);
  else if (lua_isboolean(L, -2)) *raw = lua_toboolean(L, -2) ? 100 : 0;
  if (!lua_isnil(L, -1)) {
    lua_pushvalue(L, -1);
    lua_rawseti(L, x->extra, (lua_Integer)(i * (size_t)md->ncomps + (size_t)comp) + 1);
  }
  lua_pop(L, 2);
  return 0;
}

/* Health scoring is revl_health_eval_into (src/rules/health_eval.c) on
 * the frame's buffers; a Lua error stays on the stack and is raised
 * here, naming the record through run_job. */
static int health_run(lua_State *L, rctx *x) {
  score_job *j = x->job;
  rframe *f = j->f;
  model *md = f->md;
  revl_health h = {md->comps, md->ncomps, md->hrules, md->nhrules, md->red, md->yellow,
                   &md->src, md->nwords};
  revl_eval_opts o = {f->as_of, NULL, rc_pcall, rc_match, x};
  revl_error err;
  int rc = revl_health_eval_into(&h, x->t, f->rows, f->n, &o, health_fn_cb, f->mask, f->v,
                                 f->raw, f->a, f->l1, j->scratch, j->tmp, &err);
  if (rc == 0) return 0;
  if (rc == REVL_ESCRIPT) return lua_error(L); /* the Lua error object */
  if (rc == REVL_ENOMEM) return luaL_error(L, "not enough memory");
  return luaL_error(L, "%s", err.msg);
}

static int present_cell(revl_table *t, int col, size_t row) {
  revl_column *c = t->cols[col];
  if (!revl_col_valid(c, row)) return 0;
  if (c->type != REVL_T_STRING) return 1;
  const char *s = revl_intern_str(&t->store->strings, c->v.str[row]);
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return 1;
  return 0;
}

static int card_run(lua_State *L, rctx *x) {
  score_job *j = x->job;
  rframe *f = j->f;
  model *md = f->md;
  size_t n = f->n, nw = (size_t)md->nwords;
  revl_crit_ctx ctx = {f->as_of, rc_call, rc_match, x, 0};
  for (int k = 0; k < md->nfields; k++) {
    cfield *c = &md->fields[k];
    uint64_t bit = (uint64_t)1 << (k & 63);
    size_t w = (size_t)(k >> 6);
    if (c->crit) {
      revl_crit_mark(c->crit, k, f->rows, n, j->scratch, f->mask, md->nwords, &ctx);
    } else if (c->fnref >= 0) {
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, x->fns, c->fnref);
        call_row(x, FROW(f, i), 1);
        if (lua_toboolean(L, -1)) f->mask[i * nw + w] |= bit;
        lua_pop(L, 1);
      }
    } else if (!c->absent) {
      for (size_t i = 0; i < n; i++) {
        int64_t r2 = revl_via_row(f->t, c->via, FROW(f, i));
        if (r2 >= 0 && present_cell(c->ft, c->col, (size_t)r2)) f->mask[i * nw + w] |= bit;
      }
    }
  }
  double sw = 0;
  for (int k = 0; k < md->nfields; k++) sw += md->fields[k].weight;
  for (size_t i = 0; i < n; i++) {
    double sp = 0;
    for (int k = 0; k < md->nfields; k++)
      if (fired(f, i, k)) sp += md->fields[k].weight;
    f->a[i] = sw > 0 ? revl_round_to(100.0 * sp / sw, 1) : 0;
  }
  return 0;
}

/* Score rows[0..n) of the model at index 1; pushes the frame.  vidx is
 * a view of the model's table (for the row proxy). */
static rframe *score_rows(lua_State *L, int vidx, const uint32_t *rows, size_t n) {
  vidx = lua_absindex(L, vidx);
  model *md = check_model(L, 1);
  rframe *f = new_frame(L, 1, md, rows, n);
  int fi = lua_gettop(L);
  f->a = xcalloc(L, n, sizeof *f->a);
  f->mask = xcalloc(L, n * (size_t)md->nwords, sizeof *f->mask);
  int ntmp = 1;
  if (md->kind == K_ICP) {
    f->stride = md->icp->nfn;
    if (md->icp->nfn) f->v = xcalloc(L, n * (size_t)md->icp->nfn, sizeof *f->v);
    f->b = xcalloc(L, n, sizeof *f->b);
    f->l1 = xcalloc(L, n, sizeof *f->l1);
    f->l2 = xcalloc(L, n, sizeof *f->l2);
  } else if (md->kind == K_HEALTH) {
    f->stride = md->ncomps;
    f->v = xcalloc(L, n * (size_t)md->ncomps, sizeof *f->v);
    f->raw = xcalloc(L, n * (size_t)md->ncomps, sizeof *f->raw);
    f->l1 = xcalloc(L, n, sizeof *f->l1);
    ntmp = md->ncomps;
  } else {
    f->stride = md->nfields;
  }
  lua_getiuservalue(L, 1, 2); /* fns */
  if (md->needs_lua) push_proxy(L, vidx, md->t);
  else lua_pushnil(L);
  lua_getiuservalue(L, fi, 2); /* values the functions returned */
  score_job j;
  j.f = f;
  j.scratch = lua_newuserdatauv(L, (n ? n : 1) * sizeof *j.scratch, 0);
  j.tmp = lua_newuserdatauv(L, (size_t)(ntmp > 0 ? ntmp : 1) * sizeof *j.tmp, 0);
  rctx x;
  memset(&x, 0, sizeof x);
  x.t = md->t;
  x.job = &j;
  x.fn = md->kind == K_ICP ? icp_run : md->kind == K_HEALTH ? health_run : card_run;
  run_job(L, &x, fi + 1, fi + 2, fi + 3);
  lua_settop(L, fi);
  return f;
}

/* model:score([view]) -> frame */
static int l_model_score(lua_State *L) {
  model *md = check_model(L, 1);
  const uint32_t *rows;
  size_t n;
  revl_table *t = view_arg(L, 3, &rows, &n);
  if (t != md->t) {
    if (strcmp(t->name, md->t->name) == 0)
      return luaL_error(L, "this model was defined on another load of %s; define it again "
                           "after revl.load", t->name);
    return luaL_error(L, "this model scores %s, not %s", md->t->name, t->name);
  }
  score_rows(L, 2, rows, n);
  return 1;
}

/* model:explain(record) -> reasons (every rule, met or not), row */
static int l_model_explain(lua_State *L) {
  model *md = check_model(L, 1);
  int64_t row = record_row(L, 2, md->t);
  if (row < 0) return luaL_error(L, "%s has no record %s", md->t->name, luaL_tolstring(L, 2, NULL));
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 3); /* 3 */
  uint32_t r = (uint32_t)row;
  rframe *f = score_rows(L, 3, &r, 1); /* 4 */
  rlist *rl = rl_new(L);
  frame_items(L, 4, f, 0, 1, rl);
  push_items(L, rl);
  push_frame_row(L, 4, f, 0);
  return 2;
}

static int l_model_index(lua_State *L) {
  model *md = check_model(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (lua_getfield(L, lua_upvalueindex(1), k) != LUA_TNIL) return 1;
  if (strcmp(k, "name") == 0) lua_pushstring(L, md->name);
  else if (strcmp(k, "table") == 0) lua_pushstring(L, md->t->name);
  else if (strcmp(k, "kind") == 0)
    lua_pushstring(L, kind_name(md->kind));
  else if (strcmp(k, "rules") == 0) {
    lua_newtable(L);
    if (md->kind == K_ICP)
      for (int i = 0; i < md->icp->nrules; i++) {
        lua_pushstring(L, md->icp->rules[i].name);
        lua_rawseti(L, -2, i + 1);
      }
    else if (md->kind == K_HEALTH)
      for (int i = 0; i < md->nhrules; i++) {
        lua_pushstring(L, md->hrules[i].crit->name);
        lua_rawseti(L, -2, i + 1);
      }
    else
      for (int i = 0; i < md->nfields; i++) {
        lua_pushstring(L, md->fields[i].label);
        lua_rawseti(L, -2, i + 1);
      }
  } else if (strcmp(k, "definition") == 0) lua_getiuservalue(L, 1, 1);
  else lua_pushnil(L);
  return 1;
}

static int l_model_tostring(lua_State *L) {
  model *md = check_model(L, 1);
  lua_pushfstring(L, "revl.%s %s (%s)", kind_name(md->kind), md->name[0] ? md->name : "(unnamed)", md->t->name);
  return 1;
}

/* ---- frame methods ---------------------------------------------------------------------- */

static size_t frame_pos(lua_State *L, rframe *f, int idx) {
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx);
    if (i < 1 || (size_t)i > f->n) return SIZE_MAX;
    return (size_t)i - 1;
  }
  int64_t row = record_row(L, idx, f->t);
  if (row < 0) return SIZE_MAX;
  if (!f->rows) return (size_t)row < f->n ? (size_t)row : SIZE_MAX;
  for (size_t i = 0; i < f->n; i++)
    if (f->rows[i] == (uint32_t)row) return i;
  return SIZE_MAX;
}

static int l_frame_index(lua_State *L) {
  rframe *f = check_frame(L, 1);
  if (lua_isinteger(L, 2)) {
    lua_Integer i = lua_tointeger(L, 2);
    if (i < 1 || (size_t)i > f->n) return 0;
    push_frame_row(L, 1, f, (size_t)i - 1);
    return 1;
  }
  const char *k = lua_tostring(L, 2);
  if (!k) return 0;
  if (strcmp(k, "columns") == 0) {
    lua_getiuservalue(L, 1, 3);
    return 1;
  }
  if (strcmp(k, "model") == 0) {
    lua_getiuservalue(L, 1, 1);
    return 1;
  }
  lua_getfield(L, lua_upvalueindex(1), k);
  return 1;
}

static int l_frame_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_frame(L, 1)->n);
  return 1;
}

static int l_frame_tostring(lua_State *L) {
  rframe *f = check_frame(L, 1);
  lua_pushfstring(L, "%s frame of %s (%d rows)", kind_name(f->md->kind), f->t->name, (int)f->n);
  return 1;
}

/* f:get(id) -> the row of that record, or nil */
static int l_frame_get(lua_State *L) {
  rframe *f = check_frame(L, 1);
  size_t i = frame_pos(L, f, 2);
  if (i == SIZE_MAX) return 0;
  push_frame_row(L, 1, f, i);
  return 1;
}

/* f:explain(i or id) -> reasons, every rule met or not */
static int l_frame_explain(lua_State *L) {
  rframe *f = check_frame(L, 1);
  size_t i = frame_pos(L, f, 2);
  if (i == SIZE_MAX) return luaL_error(L, "no record %s in this frame", luaL_tolstring(L, 2, NULL));
  rlist *r = rl_new(L);
  frame_items(L, 1, f, i, 1, r);
  push_items(L, r);
  return 1;
}

static int col_index(lua_State *L, int fidx, rframe *f, const char *name) {
  lua_getiuservalue(L, fidx, 3);
  for (int c = 0; c < f->ncols; c++) {
    lua_rawgeti(L, -1, c + 1);
    int eq = strcmp(lua_tostring(L, -1), name) == 0;
    lua_pop(L, 1);
    if (eq) {
      lua_pop(L, 1);
      return c;
    }
  }
  lua_pop(L, 1);
  return luaL_error(L, "this frame has no column '%s'", name);
}

/* f:column(name) -> list of values (nil holes for null) */
static int l_frame_column(lua_State *L) {
  rframe *f = check_frame(L, 1);
  int c = col_index(L, 1, f, luaL_checkstring(L, 2));
  sbuf *b = sb_new(L);
  lua_createtable(L, (int)f->n, 0);
  for (size_t i = 0; i < f->n; i++) {
    push_frame_cell(L, 1, f, i, c, b);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* f:counts(name) -> {value = count} */
static int l_frame_counts(lua_State *L) {
  rframe *f = check_frame(L, 1);
  int c = col_index(L, 1, f, luaL_checkstring(L, 2));
  sbuf *b = sb_new(L);
  lua_newtable(L);
  int t = lua_gettop(L);
  for (size_t i = 0; i < f->n; i++) {
    push_frame_cell(L, 1, f, i, c, b);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    lua_pushvalue(L, -1);
    lua_Integer k = lua_rawget(L, t) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    lua_pushinteger(L, k + 1);
    lua_rawset(L, t);
  }
  return 1;
}

/* f:rows_list() -> a list of row tables (lua/rules.lua makes frames) */
static int l_frame_rows_list(lua_State *L) {
  rframe *f = check_frame(L, 1);
  lua_createtable(L, (int)f->n, 0);
  for (size_t i = 0; i < f->n; i++) {
    push_frame_row(L, 1, f, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* f:each(fn) */
static int l_frame_each(lua_State *L) {
  rframe *f = check_frame(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  for (size_t i = 0; i < f->n; i++) {
    lua_pushvalue(L, 2);
    push_frame_row(L, 1, f, i);
    lua_call(L, 1, 0);
  }
  return 0;
}

/* f:view() -> a view of the scored records, in frame order */
static int l_frame_view(lua_State *L) {
  rframe *f = check_frame(L, 1);
  uint32_t *rows = malloc((f->n ? f->n : 1) * sizeof *rows);
  if (!rows) return luaL_error(L, "not enough memory");
  for (size_t i = 0; i < f->n; i++) rows[i] = (uint32_t)FROW(f, i);
  lua_getiuservalue(L, 1, 1);
  lua_getiuservalue(L, -1, 3);
  revl_view_push_derived(L, -1, rows, f->n);
  return 1;
}

/* ---- writing ----------------------------------------------------------------------------- */


/* anchor a writer: aborted when an error unwinds past it */
static int csvw_holder_gc(lua_State *L) {
  revl_csvw **wp = lua_touserdata(L, 1);
  if (*wp) revl_csvw_abort(*wp);
  *wp = NULL;
  return 0;
}

static revl_csvw **open_writer(lua_State *L, const char *path, char *full, size_t n) {
  revl_error err;
  revl_csvw *w = revl_out_open(L, path, full, n, &err);
  if (!w) revl_raise(L, &err);
  revl_csvw **wp = lua_newuserdatauv(L, sizeof *wp, 0);
  *wp = w;
  lua_newtable(L);
  lua_pushcfunction(L, csvw_holder_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  return wp;
}

static void commit_writer(lua_State *L, revl_csvw **wp) {
  revl_csvw *w = *wp;
  *wp = NULL;
  revl_error err;
  if (revl_csvw_commit(w, &err)) revl_raise(L, &err);
}

/* Write the rule frame at fidx as CSV (json = 0) or JSON lines
 * (revl_dframe_write) to path under --out. */
static void write_rframe(lua_State *L, int fidx, rframe *f, const char *path, int json,
                         const revl_logmeta *meta, char *full, size_t fulln) {
  fidx = lua_absindex(L, fidx);
  revl_csvw **wp = open_writer(L, path, full, fulln);
  sbuf *b = sb_new(L);
  rlist *r = rl_scratch(L);
  lua_getiuservalue(L, fidx, 3); /* the column names stay in this table */
  const char *names[REVL_DFRAME_MAXCOLS];
  for (int c = 0; c < f->ncols; c++) {
    lua_rawgeti(L, -1, c + 1);
    names[c] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  seen_ctx sc = {L, fidx, f};
  revl_dframe_write(*wp, f, names, json, meta, &r->r, b, seen_lua, &sc);
  r->busy = 0;
  lua_pop(L, 3);
  commit_writer(L, wp);
  lua_pop(L, 1);
}

static int frame_write(lua_State *L, int json) {
  rframe *f = check_frame(L, 1);
  const char *path = luaL_checkstring(L, 2);
  char full[4096];
  write_rframe(L, 1, f, path, json, NULL, full, sizeof full);
  lua_pushstring(L, full);
  return 1;
}
static int l_frame_to_csv(lua_State *L) { return frame_write(L, 0); }
static int l_frame_to_jsonl(lua_State *L) { return frame_write(L, 1); }

/* ---- Lua values as JSON and CSV text ---------------------------------------------- */

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A Lua value as JSON text appended to w (tables: arrays, or objects with
 * sorted keys, to depth 8). */
static void json_lua(lua_State *L, int idx, sbuf *w, int depth) {
  idx = lua_absindex(L, idx);
  char buf[64];
  switch (lua_type(L, idx)) {
  case LUA_TNIL:
  case LUA_TLIGHTUSERDATA: revl_sb_add(w, "null", 4); return;
  case LUA_TBOOLEAN:
    if (lua_toboolean(L, idx)) revl_sb_add(w, "true", 4);
    else revl_sb_add(w, "false", 5);
    return;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
    else if (!isfinite(lua_tonumber(L, idx))) snprintf(buf, sizeof buf, "null");
    else revl_num_text(lua_tonumber(L, idx), buf, sizeof buf);
    revl_sb_add(w, buf, strlen(buf));
    return;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    revl_sb_json(w, s, n);
    return;
  }
  case LUA_TTABLE: {
    if (depth > 8) {
      revl_sb_add(w, "null", 4);
      return;
    }
    size_t n = lua_rawlen(L, idx);
    int has_keys = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) == LUA_TSTRING) {
        has_keys = 1;
        lua_pop(L, 1);
        break;
      }
    }
    if (n > 0 || !has_keys) {
      revl_sb_add(w, "[", 1);
      for (size_t i = 1; i <= n; i++) {
        if (i > 1) revl_sb_add(w, ",", 1);
        lua_rawgeti(L, idx, (lua_Integer)i);
        json_lua(L, -1, w, depth + 1);
        lua_pop(L, 1);
      }
      revl_sb_add(w, "]", 1);
      return;
    }
    /* an object, keys sorted */
    size_t nk = 0, cap = 16;
    const char **keys = malloc(cap * sizeof *keys);
    if (!keys) luaL_error(L, "not enough memory");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING) continue;
      if (nk == cap) {
        const char **k2 = realloc(keys, (cap *= 2) * sizeof *keys);
        if (!k2) {
          free(keys);
          luaL_error(L, "not enough memory");
        }
        keys = k2;
      }
      keys[nk++] = lua_tostring(L, -1); /* the key stays in the table */
    }
    qsort(keys, nk, sizeof *keys, cmp_cstr);
    revl_sb_add(w, "{", 1);
    for (size_t i = 0; i < nk; i++) {
      if (i) revl_sb_add(w, ",", 1);
      revl_sb_json(w, keys[i], strlen(keys[i]));
      revl_sb_add(w, ":", 1);
      lua_getfield(L, idx, keys[i]);
      json_lua(L, -1, w, depth + 1);
      lua_pop(L, 1);
    }
    revl_sb_add(w, "}", 1);
    free(keys);
    return;
  }
  default: {
    revl_money_ud *m = revl_test_money(L, idx);
    if (m) {
      revl_format_money(m->minor, revl_currency_decimals(m->cur), 0, buf, sizeof buf);
      revl_sb_add(w, buf, strlen(buf));
      return;
    }
    size_t n;
    const char *s = luaL_tolstring(L, idx, &n);
    revl_sb_json(w, s, n);
    lua_pop(L, 1);
    return;
  }
  }
}

/* text of a Lua value for a CSV cell */
static void lua_text(lua_State *L, int idx, sbuf *b) {
  idx = lua_absindex(L, idx);
  char buf[64];
  switch (lua_type(L, idx)) {
  case LUA_TNIL: return;
  case LUA_TBOOLEAN: revl_sb_adds(b, lua_toboolean(L, idx) ? "true" : "false"); return;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
    else revl_num_text(lua_tonumber(L, idx), buf, sizeof buf);
    revl_sb_adds(b, buf);
    return;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    revl_sb_add(b, s, n);
    return;
  }
  default: {
    revl_money_ud *m = revl_test_money(L, idx);
    if (m) {
      revl_format_money(m->minor, revl_currency_decimals(m->cur), 0, buf, sizeof buf);
      revl_sb_adds(b, buf);
      return;
    }
    size_t n;
    const char *s = luaL_tolstring(L, idx, &n);
    revl_sb_add(b, s, n);
    lua_pop(L, 1);
  }
  }
}

/* reasons given as a list of {criterion =, value =, points =} */
static void reasons_list_text(lua_State *L, int idx, sbuf *b) {
  idx = lua_absindex(L, idx);
  size_t n = lua_rawlen(L, idx);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i);
    if (i > 1) revl_sb_adds(b, "; ");
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "criterion");
      lua_text(L, -1, b);
      lua_getfield(L, -2, "value");
      if (!lua_isnil(L, -1)) {
        revl_sb_adds(b, " [");
        lua_text(L, -1, b);
        revl_sb_adds(b, "]");
      }
      lua_getfield(L, -3, "points");
      if (lua_isnumber(L, -1)) {
        revl_sb_adds(b, " ");
        revl_sb_points(b, lua_tonumber(L, -1));
      }
      lua_pop(L, 3);
    } else {
      lua_text(L, -1, b);
    }
    lua_pop(L, 1);
  }
}

/* columns of a plain frame: its own, else the sorted keys of its rows */
static void push_plain_columns(lua_State *L, int fidx) {
  lua_getfield(L, fidx, "columns");
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.row_keys");
  lua_pushvalue(L, fidx);
  lua_call(L, 1, 1);
}

static void write_plain(lua_State *L, int fidx, const char *path, int json,
                        const revl_logmeta *meta,
                        char *full, size_t fulln) {
  fidx = lua_absindex(L, fidx);
  push_plain_columns(L, fidx);
  int cols = lua_gettop(L);
  int nc = (int)lua_rawlen(L, cols);
  revl_csvw **wp = open_writer(L, path, full, fulln);
  revl_csvw *w = *wp;
  sbuf *b = sb_new(L);
  if (!json)
    for (int c = 1; c <= nc; c++) {
      lua_rawgeti(L, cols, c);
      revl_csvw_str(w, luaL_tolstring(L, -1, NULL));
      lua_pop(L, 2);
    }
  revl_log_head_end(w, json, meta);
  lua_Integer n = (lua_Integer)lua_rawlen(L, fidx);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, fidx, i);
    int row = lua_gettop(L);
    if (json) revl_csvw_raw(w, "{", 1);
    for (int c = 1; c <= nc; c++) {
      lua_rawgeti(L, cols, c);
      const char *name = lua_tostring(L, -1);
      lua_pushvalue(L, -1);
      lua_gettable(L, row);
      int is_reasons = name && strcmp(name, "reasons") == 0;
      if (json) {
        revl_sb_reset(b);
        if (c > 1) revl_sb_add(b, ",", 1);
        json_lua(L, -2, b, 1);
        revl_sb_add(b, ":", 1);
        if (is_reasons) {
          lua_getfield(L, row, "_reasons");
          if (lua_istable(L, -1)) json_lua(L, -1, b, 1);
          else json_lua(L, -2, b, 1);
          lua_pop(L, 1);
        } else {
          json_lua(L, -1, b, 1);
        }
        revl_csvw_raw(w, revl_sb_str(b), b->n);
      } else {
        revl_sb_reset(b);
        if (is_reasons && lua_istable(L, -1)) reasons_list_text(L, -1, b);
        else lua_text(L, -1, b);
        revl_csvw_field(w, revl_sb_str(b), b->n);
      }
      lua_pop(L, 2);
    }
    revl_log_rec_end(w, json, meta);
    lua_settop(L, row - 1);
  }
  lua_pop(L, 1);
  commit_writer(L, wp);
  lua_settop(L, cols - 1);
}

/* ---- decision logs ------------------------------------------------------------------------- */

/* sha256 of a file (src/output/runmeta.c), cached per path */
static void push_sha256(lua_State *L, const char *path) {
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.sha256");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "revl.rules.sha256");
  }
  if (lua_getfield(L, -1, path) == LUA_TSTRING) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  char hex[65];
  revl_sha256_file(path, hex);
  lua_pushstring(L, hex);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, path);
  lua_remove(L, -2);
}

/* the playbook: the outermost main chunk read from a file */
static void playbook_path(lua_State *L, char *buf, size_t n) {
  lua_Debug ar;
  snprintf(buf, n, "unknown");
  for (int lv = 0; lua_getstack(L, lv, &ar); lv++) {
    if (!lua_getinfo(L, "S", &ar)) continue;
    if (strcmp(ar.what, "main") == 0 && ar.source && ar.source[0] == '@')
      snprintf(buf, n, "%s", ar.source + 1);
  }
}

static revl_store *current_store(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  revl_store *s = lua_isuserdata(L, -1) ? *(revl_store **)lua_touserdata(L, -1) : NULL;
  lua_pop(L, 1);
  return s;
}

/* push {{table =, file =, rows =}, ...} of the store's files */
static void push_inputs(lua_State *L, revl_store *s) {
  lua_newtable(L);
  if (!s) return;
  int k = 0;
  for (int i = 0; i < s->ntables; i++) {
    revl_table *t = s->tables[i];
    if (!t->file || !t->file[0]) continue;
    lua_createtable(L, 0, 4);
    lua_pushstring(L, t->name);
    lua_setfield(L, -2, "table");
    lua_pushstring(L, t->file);
    lua_setfield(L, -2, "file");
    lua_pushinteger(L, (lua_Integer)t->nrows);
    lua_setfield(L, -2, "rows");
    lua_rawseti(L, -2, ++k);
  }
}

/* C.input_files() -> {{table =, file =, rows =}} of the loaded data */
static int l_input_files(lua_State *L) {
  push_inputs(L, current_store(L));
  return 1;
}

/* C.sha256(path) -> hex digest or "unknown" */
static int l_sha256(lua_State *L) {
  push_sha256(L, luaL_checkstring(L, 1));
  return 1;
}

static void push_seed(lua_State *L, int opts) {
  if (lua_istable(L, opts)) {
    lua_getfield(L, opts, "seed");
    if (!lua_isnil(L, -1)) return;
    lua_pop(L, 1);
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.seeds");
  if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return;
  }
  if (lua_rawlen(L, -1) == 1) {
    lua_rawgeti(L, -1, 1);
    lua_remove(L, -2);
  }
}

/* revl.log(decisions, name [, {seed =}]) -> csv path, jsonl path */
static int l_log(lua_State *L) {
  rframe *f = luaL_testudata(L, 1, RULES_FRAME);
  if (!f) luaL_checktype(L, 1, LUA_TTABLE);
  const char *name = luaL_checkstring(L, 2);
  if (!name[0] || strchr(name, '/') || strstr(name, ".."))
    return luaL_error(L, "revl.log: the log name '%s' must be a plain file name", name);
  lua_settop(L, 3);
  char playbook[4096], commit[64];
  const char *dirty;
  playbook_path(L, playbook, sizeof playbook);
  revl_git_info(playbook, commit, sizeof commit, &dirty);
  char as_of[16];
  revl_rt_state *rt = revl_rt_get(L);
  revl_format_date(rt ? rt->as_of : 0, as_of, sizeof as_of);
  revl_store *s = f ? f->t->store : current_store(L);
  /* the input files (4: their sha256 strings, 5: the array) */
  int ni = 0;
  for (int i = 0; s && i < s->ntables; i++)
    if (s->tables[i]->file && s->tables[i]->file[0]) ni++;
  lua_createtable(L, ni, 0);
  revl_run_input *in = lua_newuserdatauv(L, (size_t)(ni ? ni : 1) * sizeof *in, 0);
  ni = 0;
  for (int i = 0; s && i < s->ntables; i++) {
    revl_table *t = s->tables[i];
    if (!t->file || !t->file[0]) continue;
    push_sha256(L, t->file);
    in[ni].table = t->name;
    in[ni].file = t->file;
    in[ni].rows = t->nrows;
    in[ni].sha256 = lua_tostring(L, -1);
    lua_rawseti(L, 4, ++ni);
  }
  /* the seed (6) as JSON (7) and as CSV text (8) */
  push_seed(L, 3);
  sbuf *sj = sb_new(L);
  if (!lua_isnil(L, 6)) json_lua(L, 6, sj, 1);
  sbuf *b = sb_new(L);
  if (lua_istable(L, 6)) {
    size_t k = lua_rawlen(L, 6);
    for (size_t i = 1; i <= k; i++) {
      lua_rawgeti(L, 6, (lua_Integer)i);
      if (i > 1) revl_sb_adds(b, ";");
      lua_text(L, -1, b);
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, 6)) {
    lua_text(L, 6, b);
  }
  /* the run record (9) and the inputs as CSV text (10) */
  revl_run_record rec = {name, as_of, playbook, commit, dirty, REVL_VERSION,
                         lua_isnil(L, 6) ? NULL : revl_sb_str(sj), in, ni};
  sbuf *rj = sb_new(L);
  revl_run_json(rj, &rec);
  sbuf *it = sb_new(L);
  revl_run_inputs_text(it, in, ni);
  revl_logmeta meta;
  memset(&meta, 0, sizeof meta);
  const char *names[] = {"as_of", "playbook", "commit", "dirty", "revl_version", "seed", "inputs"};
  const char *vals[] = {as_of, playbook, commit, dirty, REVL_VERSION, revl_sb_str(b),
                        revl_sb_str(it)};
  meta.ncols = 7;
  for (int k = 0; k < 7; k++) {
    meta.names[k] = names[k];
    meta.vals[k] = vals[k];
  }
  meta.run_json = revl_sb_str(rj);
  char p1[4096], p2[4096], full1[4096], full2[4096];
  snprintf(p1, sizeof p1, "%s.csv", name);
  snprintf(p2, sizeof p2, "%s.jsonl", name);
  if (f) {
    write_rframe(L, 1, f, p1, 0, &meta, full1, sizeof full1);
    write_rframe(L, 1, f, p2, 1, &meta, full2, sizeof full2);
  } else {
    write_plain(L, 1, p1, 0, &meta, full1, sizeof full1);
    write_plain(L, 1, p2, 1, &meta, full2, sizeof full2);
  }
  lua_pushstring(L, full1);
  lua_pushstring(L, full2);
  return 2;
}

/* C.run_meta() -> the run record a log would carry (for tests/docs) */
static int l_run_meta(lua_State *L) {
  char playbook[4096], commit[64];
  const char *dirty;
  playbook_path(L, playbook, sizeof playbook);
  revl_git_info(playbook, commit, sizeof commit, &dirty);
  lua_createtable(L, 0, 4);
  lua_pushstring(L, playbook);
  lua_setfield(L, -2, "playbook");
  lua_pushstring(L, commit);
  lua_setfield(L, -2, "commit");
  lua_pushstring(L, dirty);
  lua_setfield(L, -2, "dirty");
  return 1;
}

/* ---- criteria as objects ---------------------------------------------------------------------- */

typedef struct critobj {
  revl_crit *c;
  revl_table *t;
} critobj;

static int critobj_gc(lua_State *L) {
  critobj *o = lua_touserdata(L, 1);
  revl_crit_free(o->c);
  o->c = NULL;
  return 0;
}

static critobj *check_critobj(lua_State *L, int idx) {
  critobj *o = luaL_checkudata(L, idx, RULES_CRIT);
  if (!o->c) luaL_error(L, "this criterion was freed");
  return o;
}

/* C.criterion_new{view =, spec =} -- uservalue 1 functions, 2 view */
static int l_crit_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "view"); /* 2 */
  lua_getfield(L, 1, "spec"); /* 3 */
  revl_table *t = view_table(L, 2);
  critobj *o = lua_newuserdatauv(L, sizeof *o, 2); /* 4 */
  o->c = NULL;
  o->t = t;
  luaL_setmetatable(L, RULES_CRIT);
  lua_newtable(L); /* 5: the functions of compiled criteria */
  lua_pushvalue(L, 5);
  lua_setiuservalue(L, 4, 1);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, 4, 2);
  o->c = compile_or_die(L, 3, t, 5, "criterion");
  lua_settop(L, 4);
  return 1;
}

typedef struct crit_job {
  revl_crit *c;
  const uint32_t *rows;
  size_t n;
  uint32_t *out;
  size_t k;
  int32_t as_of;
} crit_job;

/* revl_criteria_eval (src/rules/eval.c) with per-row lua_pcall
 * callbacks; a Lua error stays on the stack and is raised here. */
static int crit_run(lua_State *L, rctx *x) {
  crit_job *j = x->job;
  revl_eval_opts o = {j->as_of, NULL, rc_pcall, rc_match, x};
  revl_error err;
  int rc = revl_criteria_eval(j->c, x->t, j->rows, j->n, &o, j->out, &j->k, &err);
  if (rc == 0) return 0;
  if (rc == REVL_ESCRIPT) return lua_error(L); /* the Lua error object */
  return luaL_error(L, "%s", err.msg);
}

/* filter rows[0..n) of the criterion at oidx; pushes nothing */
static size_t crit_filter_rows(lua_State *L, int oidx, critobj *o, const uint32_t *rows,
                               size_t n, uint32_t *out) {
  oidx = lua_absindex(L, oidx);
  lua_getiuservalue(L, oidx, 1); /* fns */
  lua_getiuservalue(L, oidx, 2); /* view */
  if (!revl_crit_is_declarative(o->c)) push_proxy(L, -1, o->t);
  else lua_pushnil(L);
  crit_job j = {o->c, rows, n, out, 0, revl_rt_get(L) ? revl_rt_get(L)->as_of : 0};
  rctx x;
  memset(&x, 0, sizeof x);
  x.t = o->t;
  x.job = &j;
  x.fn = crit_run;
  run_job(L, &x, -3, -1, -1);
  lua_pop(L, 3);
  return j.k;
}

/* c:test(record) -> true/false, value seen */
static int l_crit_test(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  int64_t row = record_row(L, 2, o->t);
  if (row < 0) return luaL_error(L, "%s has no record %s", o->t->name, luaL_tolstring(L, 2, NULL));
  uint32_t r = (uint32_t)row, out;
  size_t k = crit_filter_rows(L, 1, o, &r, 1, &out);
  lua_pushboolean(L, k == 1);
  sbuf *b = sb_new(L);
  revl_crit_seen(b, o->c, (size_t)row);
  lua_pushstring(L, revl_sb_str(b));
  lua_remove(L, -2);
  return 2;
}

/* c:explain(record) -> {criterion =, value =, met =} */
static int l_crit_explain(lua_State *L) {
  l_crit_test(L);
  critobj *o = check_critobj(L, 1);
  lua_createtable(L, 0, 3);
  lua_pushstring(L, o->c->name);
  lua_setfield(L, -2, "criterion");
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "value");
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "met");
  return 1;
}

/* c:where([view]) -> view of the records that satisfy it */
static int l_crit_where(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  const uint32_t *rows;
  size_t n;
  revl_table *t = view_arg(L, 2, &rows, &n);
  if (t != o->t) return luaL_error(L, "this criterion is about %s, not %s", o->t->name, t->name);
  uint32_t *out = malloc((n ? n : 1) * sizeof *out);
  if (!out) return luaL_error(L, "not enough memory");
  /* anchor out while Lua functions may raise */
  uint32_t **holder = lua_newuserdatauv(L, sizeof *holder, 0);
  *holder = out;
  lua_newtable(L);
  lua_pushcfunction(L, sbuf_gc); /* frees the first pointer field */
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  size_t k = crit_filter_rows(L, 1, o, rows, n, out);
  *holder = NULL;
  revl_view_push_derived(L, 2, out, k);
  return 1;
}

static int l_crit_index(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (lua_getfield(L, lua_upvalueindex(1), k) != LUA_TNIL) return 1;
  if (strcmp(k, "name") == 0) lua_pushstring(L, o->c->name);
  else if (strcmp(k, "table") == 0) lua_pushstring(L, o->t->name);
  else if (strcmp(k, "declarative") == 0) lua_pushboolean(L, revl_crit_is_declarative(o->c));
  else lua_pushnil(L);
  return 1;
}

static int l_crit_tostring(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  lua_pushfstring(L, "criterion %s", o->c->name);
  return 1;
}

/* ---- trigger conditions --------------------------------------------------------------------- */

/* A hit {row =, ...} for the caller to fill, then appended to list. */
static void hit_begin(lua_State *L, size_t row) {
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, (lua_Integer)row + 1);
  lua_setfield(L, -2, "row");
}

static void hit_end(lua_State *L, int list) {
  lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
}

/* hit_end with the text of b as the hit's reason */
static void hit_end_reason(lua_State *L, int list, sbuf *b) {
  lua_pushstring(L, revl_sb_str(b));
  lua_setfield(L, -2, "reason");
  hit_end(L, list);
}

/* The hits of a core condition (a frame: row, values, reason) as the
 * list of {row = N (1-based), value fields..., reason =} tables the
 * trigger code reads; frees f. */
static int push_hits(lua_State *L, revl_frame *f) {
  revl_push_frame(L, f, 0); /* freed by its __gc, even if what follows raises */
  int fi = lua_gettop(L);
  lua_createtable(L, (int)(f->nrows < 1u << 20 ? f->nrows : 1u << 20), 0);
  for (size_t r = 0; r < f->nrows; r++) {
    lua_createtable(L, 0, f->ncols);
    for (int ci = 0; ci < f->ncols; ci++) {
      const revl_column *c = &f->cols[ci]->col;
      if (!revl_col_valid(c, r)) continue;
      switch (c->type) {
      case REVL_T_INT:
        lua_pushinteger(L, (lua_Integer)c->v.i64[r] + (ci == 0)); /* row: 1-based */
        break;
      case REVL_T_NUMBER: lua_pushnumber(L, c->v.f64[r]); break;
      case REVL_T_DATE: revl_push_date(L, c->v.date[r]); break;
      case REVL_T_MONEY: revl_push_money(L, c->v.i64[r], revl_frame_currency(f, ci, r)); break;
      default: lua_pushstring(L, revl_frame_str(f, ci, r)); break;
      }
      lua_setfield(L, -2, c->name);
    }
    lua_rawseti(L, -2, (lua_Integer)r + 1);
  }
  lua_remove(L, fi);
  return 1;
}

/* C.cond_utilisation(view, {usage =, subscriptions =, metric =, min =, days =}) */
static int l_cond_util(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TTABLE);
  revl_usage_src src;
  read_src(L, 2, t, &src, 1, 1);
  const char *metric = opt_str(L, 2, "metric");
  uint32_t mid = intern_of(L, t, metric ? metric : "active_seats");
  double min = opt_num(L, 2, "min", 0.8, NULL);
  int32_t days = (int32_t)opt_num(L, 2, "days", 14, NULL);
  revl_view v = {t, rows, n};
  revl_frame *f = NULL;
  revl_error err;
  if (revl_trigger_util(&src, &v, metric ? metric : "active_seats", mid, min, days,
                        revl_rt_get(L)->as_of, &f, &err))
    return luaL_error(L, "%s", err.msg);
  return push_hits(L, f);
}

/* C.cond_growth(view, {usage =, metric =, days =, min =, agg =}) */
static int l_cond_growth(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TTABLE);
  revl_usage_src src;
  read_src(L, 2, t, &src, 1, 0);
  const char *metric = opt_str(L, 2, "metric");
  uint32_t mid = intern_of(L, t, metric ? metric : "");
  double min = opt_num(L, 2, "min", 0.2, NULL);
  int32_t days = (int32_t)opt_num(L, 2, "days", 28, NULL);
  int agg = agg_of(opt_str(L, 2, "agg"));
  revl_view v = {t, rows, n};
  revl_frame *f = NULL;
  revl_error err;
  if (revl_trigger_growth(&src, &v, metric, mid, min, days, agg, agg_name(agg),
                          revl_rt_get(L)->as_of, &f, &err))
    return luaL_error(L, "%s", err.msg);
  return push_hits(L, f);
}

/* C.cond_renewal(view, {subscriptions =, days =, term =, field =}) */
static int l_cond_renewal(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TTABLE);
  int32_t days = (int32_t)opt_num(L, 2, "days", 90, NULL);
  int term = (int)opt_num(L, 2, "term", 12, NULL);
  const char *field = opt_str(L, 2, "field");
  int32_t as_of = revl_rt_get(L)->as_of;
  revl_usage_src src;
  revl_table *ft = NULL;
  int fcol = -1, fvia = -1;
  if (field) {
    memset(&src, 0, sizeof src);
    fcol = revl_resolve_field(t, field, &ft, &fvia);
    if (fcol < 0 || (ft->cols[fcol]->type != REVL_T_DATE && ft->cols[fcol]->type != REVL_T_DATETIME))
      return luaL_error(L, "%s has no date column '%s'", t->name, field);
  } else {
    read_src(L, 2, t, &src, 0, 1);
  }
  revl_view v = {t, rows, n};
  revl_frame *f = NULL;
  revl_error err;
  if (revl_trigger_renewal(&src, &v, field, ft, fcol, fvia, days, term, as_of, &f, &err))
    return luaL_error(L, "%s", err.msg);
  return push_hits(L, f);
}

typedef struct fnrows_job {
  const uint32_t *rows;
  size_t n;
  int list;
} fnrows_job;

static int fnrows_run(lua_State *L, rctx *x) {
  fnrows_job *j = x->job;
  lua_newtable(L);
  int list = lua_gettop(L);
  for (size_t i = 0; i < j->n; i++) {
    size_t row = j->rows ? j->rows[i] : i;
    lua_pushvalue(L, x->extra);
    call_row(x, row, 2);
    if (lua_toboolean(L, -2)) {
      hit_begin(L, row);
      if (!lua_isboolean(L, -3)) {
        lua_pushvalue(L, -3);
        lua_setfield(L, -2, "value");
      }
      if (!lua_isnil(L, -2)) {
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, "reason");
      }
      hit_end(L, list);
    }
    lua_pop(L, 2);
  }
  /* hand the list back through the functions table */
  lua_pushvalue(L, list);
  lua_rawseti(L, x->fns, 1);
  return 0;
}

/* C.fn_rows(view, fn) -> hits {row =, value =, reason =} where fn(row) is truthy */
static int l_fn_rows(lua_State *L) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 1, &t, &rows, &n);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  lua_newtable(L); /* 3: result slot */
  push_proxy(L, 1, t); /* 4 */
  fnrows_job j = {rows, n, 0};
  rctx x;
  memset(&x, 0, sizeof x);
  x.t = t;
  x.job = &j;
  x.fn = fnrows_run;
  run_job(L, &x, 3, 4, 2);
  lua_rawgeti(L, 3, 1);
  return 1;
}

/* C.crit_rows(criterion, view) -> hits {row =, reason = "name [seen]"} */
static int l_crit_rows(lua_State *L) {
  critobj *o = check_critobj(L, 1);
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, 2, &t, &rows, &n);
  if (t != o->t) return luaL_error(L, "this criterion is about %s, not %s", o->t->name, t->name);
  uint32_t *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);
  size_t k = crit_filter_rows(L, 1, o, rows, n, out);
  lua_createtable(L, (int)k, 0);
  int list = lua_gettop(L);
  sbuf *b = sb_new(L);
  for (size_t i = 0; i < k; i++) {
    hit_begin(L, out[i]);
    revl_sb_reset(b);
    revl_sb_adds(b, o->c->name);
    if (o->c->col >= 0 || revl_crit_is_combo(o->c)) {
      revl_sb_adds(b, " [");
      revl_crit_seen(b, o->c, out[i]);
      revl_sb_adds(b, "]");
    }
    hit_end_reason(L, list, b);
  }
  lua_settop(L, list);
  return 1;
}

/* C.owner(view, row) -> the record's owner: its own owner column, else
 * the owner of its most recently created deal */
static int l_owner(lua_State *L) {
  revl_table *t = view_table(L, 1);
  lua_Integer r1 = luaL_checkinteger(L, 2);
  if (r1 < 1 || (size_t)r1 > t->nrows) return 0;
  size_t row = (size_t)r1 - 1;
  int oc = revl_table_col(t, "owner");
  if (oc >= 0 && revl_col_valid(t->cols[oc], row) && t->cols[oc]->type == REVL_T_STRING) {
    revl_column *c = t->cols[oc];
    lua_pushstring(L, revl_intern_str(&t->store->strings, c->v.str[row]));
    return 1;
  }
  revl_table *deals = revl_store_table(t->store, "deals");
  if (!deals || deals == t) return 0;
  int fk = fk_to(deals, t, NULL);
  int dow = revl_table_col(deals, "owner");
  if (fk < 0 || dow < 0 || deals->cols[dow]->type != REVL_T_STRING) return 0;
  int cc = revl_table_col(deals, "created_at");
  revl_column *f = deals->cols[fk], *ow = deals->cols[dow];
  revl_column *cr = cc >= 0 && deals->cols[cc]->type == REVL_T_DATETIME ? deals->cols[cc] : NULL;
  int64_t best = INT64_MIN;
  int64_t best_row = -1;
  for (uint32_t i = f->rev_off[row]; i < f->rev_off[row + 1]; i++) {
    uint32_t d = f->rev_rows[i];
    if (!revl_col_valid(ow, d)) continue;
    int64_t k = cr && revl_col_valid(cr, d) ? cr->v.i64[d] : INT64_MIN + 1;
    if (k >= best) {
      best = k;
      best_row = d;
    }
  }
  if (best_row < 0) return 0;
  lua_pushstring(L, revl_intern_str(&t->store->strings, ow->v.str[best_row]));
  return 1;
}

/* C.subview(view, rows) -> a view of those rows (1-based row numbers) */
static int l_subview(lua_State *L) {
  revl_table *t = view_table(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t k = lua_rawlen(L, 2);
  uint32_t *out = malloc((k ? k : 1) * sizeof *out);
  if (!out) return luaL_error(L, "not enough memory");
  size_t m = 0;
  for (size_t i = 1; i <= k; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i);
    lua_Integer r = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (r >= 1 && (size_t)r <= t->nrows) out[m++] = (uint32_t)(r - 1);
  }
  revl_view_push_derived(L, 1, out, m);
  return 1;
}

/* C.record_id(view, row) -> the record's id */
static int l_record_id(lua_State *L) {
  revl_table *t = view_table(L, 1);
  lua_Integer r = luaL_checkinteger(L, 2);
  if (r < 1 || (size_t)r > t->nrows) return 0;
  push_id(L, t, (size_t)r - 1);
  return 1;
}

/* C.row_of(view, record) -> 1-based row or nil */
static int l_row_of(lua_State *L) {
  revl_table *t = view_table(L, 1);
  int64_t r = record_row(L, 2, t);
  if (r < 0) return 0;
  lua_pushinteger(L, (lua_Integer)r + 1);
  return 1;
}

/* C.is_frame(x) -> true for rule frames */
static int l_is_frame(lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, RULES_FRAME) != NULL);
  return 1;
}

/* C.is_model(x) -> kind or nil */
static int l_is_model(lua_State *L) {
  model *m = luaL_testudata(L, 1, RULES_MODEL);
  if (!m || !m->kind) return 0;
  lua_pushstring(L, kind_name(m->kind));
  return 1;
}

/* C.is_criterion(x) */
static int l_is_crit(lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, RULES_CRIT) != NULL);
  return 1;
}

/* C.is_view(x) */
static int l_is_view(lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, REVL_VIEW) != NULL);
  return 1;
}

/* C.column_info(view, field) -> type name or nil (for definitions) */
static int l_column_info(lua_State *L) {
  revl_table *t = view_table(L, 1);
  revl_table *h;
  int via;
  int c = revl_resolve_field(t, luaL_checkstring(L, 2), &h, &via);
  if (c < 0) return 0;
  lua_pushstring(L, revl_type_name(h->cols[c]->type));
  lua_pushboolean(L, h->cols[c]->ref != NULL);
  return 2;
}

/* C.column_hint(view, name): " (did you mean 'x'?)" or "" */
static int l_column_hint(lua_State *L) {
  revl_table *t = view_table(L, 1);
  char buf[160];
  lua_pushstring(L, revl_table_hint(t, luaL_checkstring(L, 2), buf, sizeof buf));
  return 1;
}

/* ---- a seeded random generator ------------------------------------------------------------------ */

typedef struct rng {
  uint64_t s[4];
  lua_Integer seed;
} rng;

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* uniform in [0, n) without modulo bias */
static uint64_t rng_below(rng *r, uint64_t n) {
  uint64_t lim = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = rng_next(r);
  while (x >= lim);
  return x % n;
}

/* revl.random(seed) -> generator; the seed is recorded for decision logs */
static int l_random(lua_State *L) {
  if (!lua_isinteger(L, 1))
    return luaL_error(L, "revl.random needs an integer seed (runs must be reproducible)");
  lua_Integer seed = lua_tointeger(L, 1);
  rng *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->seed = seed;
  uint64_t x = (uint64_t)seed;
  for (int i = 0; i < 4; i++) r->s[i] = splitmix(&x);
  luaL_setmetatable(L, RULES_RANDOM);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.seeds");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "revl.rules.seeds");
  }
  int known = 0;
  size_t k = lua_rawlen(L, -1);
  for (size_t i = 1; i <= k && !known; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i);
    known = lua_tointeger(L, -1) == seed;
    lua_pop(L, 1);
  }
  if (!known) {
    lua_pushinteger(L, seed);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_pop(L, 1);
  return 1;
}

/* g:next() -> a float in [0, 1) */
static int l_rng_next(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  lua_pushnumber(L, (double)(rng_next(r) >> 11) * 0x1.0p-53);
  return 1;
}

/* g:int(lo, hi) -> an integer in [lo, hi] */
static int l_rng_int(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_checkinteger(L, 3);
  if (hi < lo) return luaL_error(L, "int(lo, hi) needs lo <= hi");
  uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
  uint64_t x = span == 0 ? rng_next(r) : rng_below(r, span);
  lua_pushinteger(L, (lua_Integer)((uint64_t)lo + x));
  return 1;
}

/* g:pick(list) -> one element */
static int l_rng_pick(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = lua_rawlen(L, 2);
  if (!n) return 0;
  lua_rawgeti(L, 2, (lua_Integer)rng_below(r, n) + 1);
  return 1;
}

/* g:shuffle(list) -> the list, shuffled in place (Fisher-Yates) */
static int l_rng_shuffle(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = lua_rawlen(L, 2);
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)rng_below(r, i) + 1;
    lua_rawgeti(L, 2, (lua_Integer)i);
    lua_rawgeti(L, 2, (lua_Integer)j);
    lua_rawseti(L, 2, (lua_Integer)i);
    lua_rawseti(L, 2, (lua_Integer)j);
  }
  lua_settop(L, 2);
  return 1;
}

static int l_rng_index(lua_State *L) {
  rng *r = luaL_checkudata(L, 1, RULES_RANDOM);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "seed") == 0) {
    lua_pushinteger(L, r->seed);
    return 1;
  }
  lua_getfield(L, lua_upvalueindex(1), k);
  return 1;
}

/* ---- definitions: the public revl.icp & co. ------------------------------------------------------ */

/* Run the Lua definer (lua/rules.lua) for `what`; a definition error is
 * raised at the playbook line that called revl.<what>. */
static int define(lua_State *L, const char *what) {
  int nargs = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.rules.define");
  if (!lua_istable(L, -1)) return luaL_error(L, "revl.%s is not available", what);
  lua_getfield(L, -1, what);
  lua_remove(L, -2);
  lua_insert(L, 1);
  int st = lua_pcall(L, nargs, 1, 0);
  if (st == LUA_OK) return 1;
  if (st == LUA_ERRMEM) return lua_error(L);
  const char *msg = lua_tostring(L, -1);
  luaL_where(L, 1);
  lua_pushfstring(L, "%srevl.%s: %s", lua_tostring(L, -1), what, msg ? msg : "bad definition");
  return lua_error(L);
}

static int l_def_icp(lua_State *L) { return define(L, "icp"); }
static int l_def_health(lua_State *L) { return define(L, "health"); }
static int l_def_trigger(lua_State *L) { return define(L, "trigger"); }
static int l_def_scorecard(lua_State *L) { return define(L, "scorecard"); }
static int l_def_criterion(lua_State *L) { return define(L, "criterion"); }

/* C.set_definers{icp = fn, ...} */
static int l_set_definers(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.rules.define");
  return 0;
}

/* C.frame_methods(tbl): lua/rules.lua adds Lua methods to rule frames */
static int l_frame_methods(lua_State *L) {
  luaL_getmetatable(L, RULES_FRAME);
  lua_getfield(L, -1, "__index");
  lua_getupvalue(L, -1, 1);
  return 1;
}

static const luaL_Reg model_methods[] = {
    {"score", l_model_score}, {"explain", l_model_explain}, {NULL, NULL}};

static const luaL_Reg frame_methods[] = {
    {"get", l_frame_get},         {"explain", l_frame_explain},
    {"column", l_frame_column},   {"counts", l_frame_counts},
    {"rows_list", l_frame_rows_list}, {"each", l_frame_each},
    {"view", l_frame_view},       {"to_csv", l_frame_to_csv},
    {"to_jsonl", l_frame_to_jsonl}, {NULL, NULL}};

static const luaL_Reg crit_methods[] = {
    {"test", l_crit_test}, {"explain", l_crit_explain}, {"where", l_crit_where},
    {NULL, NULL}};

static const luaL_Reg rng_methods[] = {
    {"next", l_rng_next}, {"int", l_rng_int}, {"pick", l_rng_pick},
    {"shuffle", l_rng_shuffle}, {NULL, NULL}};

static const luaL_Reg private_funcs[] = {
    {"icp_new", l_icp_new},         {"health_new", l_health_new},
    {"card_new", l_card_new},       {"criterion_new", l_crit_new},
    {"cond_utilisation", l_cond_util}, {"cond_growth", l_cond_growth},
    {"cond_renewal", l_cond_renewal}, {"fn_rows", l_fn_rows},
    {"crit_rows", l_crit_rows},     {"owner", l_owner},
    {"subview", l_subview},         {"record_id", l_record_id},
    {"row_of", l_row_of},           {"is_frame", l_is_frame},
    {"is_model", l_is_model},       {"is_criterion", l_is_crit},
    {"is_view", l_is_view},         {"column_info", l_column_info},
    {"column_hint", l_column_hint},
    {"input_files", l_input_files}, {"sha256", l_sha256},
    {"run_meta", l_run_meta},       {"set_definers", l_set_definers},
    {"frame_methods", l_frame_methods}, {"rules_cframe", l_rules_cframe},
    {NULL, NULL}};

static void new_meta(lua_State *L, const char *name, const luaL_Reg *methods,
                     lua_CFunction index, lua_CFunction gc, lua_CFunction tostr) {
  luaL_newmetatable(L, name);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  if (index) {
    lua_pushcclosure(L, index, 1);
  }
  lua_setfield(L, -2, "__index");
  if (gc) {
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
  }
  if (tostr) {
    lua_pushcfunction(L, tostr);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
}

int luaopen_revl_rules(lua_State *L) {
  int m = lua_gettop(L);
  luaL_newmetatable(L, RULES_SBUF);
  lua_pushcfunction(L, sbuf_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  new_meta(L, RULES_MODEL, model_methods, l_model_index, model_gc, l_model_tostring);
  new_meta(L, RULES_FRAME, frame_methods, l_frame_index, frame_gc, l_frame_tostring);
  luaL_getmetatable(L, RULES_FRAME);
  lua_pushcfunction(L, l_frame_len);
  lua_setfield(L, -2, "__len");
  lua_pop(L, 1);
  new_meta(L, RULES_CRIT, crit_methods, l_crit_index, critobj_gc, l_crit_tostring);
  new_meta(L, RULES_RANDOM, rng_methods, l_rng_index, NULL, NULL);
  lua_newtable(L);
  luaL_setfuncs(L, private_funcs, 0);
  lua_setfield(L, m, "_rules");
  static const luaL_Reg pub[] = {
      {"icp", l_def_icp},           {"health", l_def_health},
      {"trigger", l_def_trigger},   {"scorecard", l_def_scorecard},
      {"criterion", l_def_criterion}, {"log", l_log},
      {"random", l_random},         {NULL, NULL}};
  luaL_setfuncs(L, pub, 0);
  return 0;
}
