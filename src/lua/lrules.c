/*
 * lrules.c -- helpers of the rules bindings (lrules.h): errors without a
 * position, allocation that raises, text buffers owned by userdata,
 * views and records as arguments, calling the playbook's functions per
 * record under the per-call budget (protected or not), compiling
 * criteria specs and renaming their nodes from the values as written
 * (the names are worded by src/rules/crit_build.c), reading definitions
 * (numbers, strings, usage sources through the core) and making
 * metatables.
 */
#include "lrules.h"

/* ---- small helpers ------------------------------------------------------- */

/* Raise msg without a position: lua/rules.lua adds the playbook's. */
int lr_plain_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  return lua_error(L);
}

char *lr_xstrdup(lua_State *L, const char *s) {
  char *d = strdup(s ? s : "");
  if (!d) luaL_error(L, "not enough memory");
  return d;
}

void *lr_xcalloc(lua_State *L, size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) luaL_error(L, "not enough memory");
  return p;
}


/* frees the first pointer field only: also the __gc of other holders */
int lr_sbuf_gc(lua_State *L) {
  sbuf *b = lua_touserdata(L, 1);
  free(b->p);
  b->p = NULL;
  return 0;
}

sbuf *lr_sb_new(lua_State *L) {
  sbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, RULES_SBUF);
  return b;
}

const char *lr_sb_text(lua_State *L, const sbuf *b) {
  if (b->oom) luaL_error(L, "not enough memory");
  return revl_sb_str(b);
}






void lr_push_num(lua_State *L, double d) {
  if (isnan(d)) lua_pushnil(L);
  else if (d == floor(d) && fabs(d) < 9007199254740992.0)
    lua_pushinteger(L, (lua_Integer)d);
  else lua_pushnumber(L, d);
}


/* ---- cells ------------------------------------------------------------------ */




void lr_push_id(lua_State *L, revl_table *t, size_t row) {
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
revl_table *lr_view_table(lua_State *L, int idx) {
  revl_table *t;
  const uint32_t *rows;
  size_t n;
  revl_view_rows(L, idx, &t, &rows, &n);
  return t;
}

/* The view given at 2, else the object's own at 1 (its uservalue uv),
 * left at 2: its table and rows. */
revl_table *lr_view_arg(lua_State *L, int uv, const uint32_t **rows, size_t *n) {
  if (lua_isnoneornil(L, 2)) {
    lua_settop(L, 1);
    lua_getiuservalue(L, 1, uv);
  }
  lua_settop(L, 2);
  revl_table *t;
  revl_view_rows(L, 2, &t, rows, n);
  return t;
}



int64_t lr_record_row(lua_State *L, int idx, revl_table *t) {
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
    int64_t row = lua_isnil(L, -1) ? -1 : lr_record_row(L, lua_gettop(L), t);
    lua_pop(L, 1);
    return row;
  }
  return luaL_error(L, "expected a row, an id or a row number, got %s", luaL_typename(L, idx));
}

/* ---- calling the playbook's functions ---------------------------------- */

/* A row proxy whose row we move along (the layout of l_store.c's row
 * userdata: table, row, store; checked when the proxy is made). */
row_mirror *lr_push_proxy(lua_State *L, int vidx, revl_table *t) {
  vidx = lua_absindex(L, vidx);
  revl_view_push_row(L, vidx, 0);
  row_mirror *r = lua_touserdata(L, -1);
  if (!r || r->t != t || r->row != 0)
    luaL_error(L, "revl: internal error: unexpected row proxy layout");
  return r;
}


/* Call the function at the stack top with the proxy moved to row, under
 * the per-call budget; nres results stay on the stack. */
void lr_call_row(rctx *x, size_t row, int nres) {
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

int lr_rc_call(void *ud, const revl_crit *c, size_t row) {
  rctx *x = ud;
  lua_rawgeti(x->L, x->fns, c->ref);
  lr_call_row(x, row, 1);
  int r = lua_toboolean(x->L, -1);
  lua_pop(x->L, 1);
  return r;
}

int lr_rc_match(void *ud, const revl_crit *c, const char *s, size_t n) {
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
void lr_run_job(lua_State *L, rctx *x, int fidx, int pidx, int eidx) {
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
  if (revl_crit_set_name(c, name)) luaL_error(L, "not enough memory");
}

/* The names of src/rules/crit_build.c from the values at v as written. */
enum { NAME_SET, NAME_BETWEEN, NAME_LEAF };
static void name_from(lua_State *L, int how, revl_crit *c, const char *field, int v) {
  revl_cval cv;
  revl_lua_cval(L, v, &cv, 1);
  int rc = how == NAME_SET       ? revl_crit_name_set(c, field, &cv)
           : how == NAME_BETWEEN ? revl_crit_name_between(c, field, &cv)
                                 : revl_crit_name_leaf(c, field, &cv);
  if (rc) luaL_error(L, "not enough memory");
  lua_pop(L, 1);
}
#define name_set(L, c, field, v) name_from(L, NAME_SET, c, field, v)
#define name_between(L, c, field, v) name_from(L, NAME_BETWEEN, c, field, v)
#define name_leaf(L, c, field, v) name_from(L, NAME_LEAF, c, field, v)

static void name_combo(lua_State *L, revl_crit *c) {
  if (revl_crit_name_combo(c)) luaL_error(L, "not enough memory");
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
      lr_plain_error(L, "bad pattern in '%s': %s", c->name ? c->name : "matches",
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
revl_crit *lr_compile_spec(lua_State *L, int sidx, revl_table *t, int fns) {
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



/* number field of a table, or dflt */
double lr_opt_num(lua_State *L, int t, const char *k, double dflt, int *has) {
  lua_getfield(L, t, k);
  double v = dflt;
  int h = lua_isnumber(L, -1);
  if (h) v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (has) *has = h;
  return v;
}

const char *lr_opt_str(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  const char *s = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1); /* the string stays in the definition table */
  return s;
}

/* Compile a rule's spec with context for the error message. */
revl_crit *lr_compile_or_die(lua_State *L, int spec, revl_table *t, int fns,
                                 const char *what) {
  revl_crit *c = lr_compile_spec(L, spec, t, fns);
  if (!c) {
    const char *e = lua_tostring(L, -1);
    lr_plain_error(L, "%s: %s", what, e ? e : "bad criterion");
  }
  return c;
}

/* ---- usage sources -------------------------------------------------------- */

/* def.usage / def.subscriptions views (when present) into src */
void lr_read_src(lua_State *L, int def, revl_table *t, revl_usage_src *src,
                     int need_usage, int need_subs) {
  revl_error err;
  lua_getfield(L, def, "usage");
  revl_table *u = lua_isuserdata(L, -1) ? lr_view_table(L, -1) : NULL;
  if (revl_usage_src_usage(src, t, u, need_usage, &err)) lr_plain_error(L, "%s", err.msg);
  lua_getfield(L, def, "subscriptions");
  revl_table *s = lua_isuserdata(L, -1) ? lr_view_table(L, -1) : NULL;
  if (revl_usage_src_subs(src, t, s, need_subs, &err)) lr_plain_error(L, "%s", err.msg);
  lua_pop(L, 2);
}

uint32_t lr_intern_of(lua_State *L, revl_table *t, const char *s) {
  uint32_t id = revl_intern_find(&t->store->strings, s, strlen(s));
  if (!id) id = revl_intern_add(&t->store->strings, s, strlen(s));
  if (!id) luaL_error(L, "not enough memory");
  return id;
}

const char *lr_kind_name(int kind) {
  return kind == K_ICP ? "icp" : kind == K_HEALTH ? "health" : "scorecard";
}

/* lr_call_row under lua_pcall: LUA_OK with nres results on the stack, or
 * the error object on top and x->cur still naming the record (the core
 * evaluators get an error code, never a longjmp). */
int lr_pcall_row(rctx *x, size_t row, int nres) {
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

int lr_rc_pcall(void *ud, const revl_crit *c, size_t row) {
  rctx *x = ud;
  lua_rawgeti(x->L, x->fns, c->ref);
  if (lr_pcall_row(x, row, 1) != LUA_OK) return -1;
  int r = lua_toboolean(x->L, -1);
  lua_pop(x->L, 1);
  return r;
}

void lr_new_meta(lua_State *L, const char *name, const luaL_Reg *methods,
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
