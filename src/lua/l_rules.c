/*
 * l_rules.c -- the rules engine for Lua: ICP models, health scores and
 * scorecards built from lua/rules.lua's definitions, scored over the
 * rows of a view, and the registration of every rules binding
 * (luaopen_revl_rules: revl.icp & co., revl.log, revl.random and the
 * private functions lua/rules.lua gets as revl._rules).
 *
 * Definitions are normalised and checked by lua/rules.lua and built
 * here: criteria are compiled once against the table's columns, so a
 * bad rule is an error when it is defined.  Scoring runs in the core
 * (src/rules/eval.c, health_eval.c, score.c); the playbook's Lua
 * functions are called with one reused row proxy under the per-call
 * time budget, and an error names the record.  The results are
 * decision frames (l_rframe.c).
 */
#include "lrules.h"

/* ---- models ------------------------------------------------------------------- */


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
  m->t = lr_view_table(L, vidx);
  lua_getfield(L, def, "name");
  m->name = lr_xstrdup(L, lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
  lua_pop(L, 1);
  return m;
}

/* bands: list of {label =, min =, score =} (already checked in Lua) */
static revl_band *read_bands(lua_State *L, int idx, int *n) {
  idx = lua_absindex(L, idx);
  *n = 0;
  if (!lua_istable(L, idx)) return NULL;
  int k = (int)lua_rawlen(L, idx);
  revl_band *b = lr_xcalloc(L, (size_t)k, sizeof *b);
  for (int i = 0; i < k; i++) {
    lua_rawgeti(L, idx, i + 1);
    const char *lab = lr_opt_str(L, -1, "label");
    b[i].label = strdup(lab ? lab : "");
    int has;
    b[i].min = lr_opt_num(L, -1, "min", 0, &has);
    b[i].open = !has;
    b[i].score = lr_opt_num(L, -1, "score", 0, NULL);
    lua_pop(L, 1);
    if (!b[i].label) {
      /* *n stays 0: the caller's model holds no bands yet */
      free_bands(b, i + 1);
      luaL_error(L, "not enough memory");
    }
  }
  *n = k;
  return b;
}

/* ---- ICP model --------------------------------------------------------------- */

/* C.icp_new(def): def is the normalised definition from lua/rules.lua */
static int l_icp_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "view"); /* 2 */
  model *m = new_model(L, K_ICP, 1, 2); /* 3 */
  lua_getiuservalue(L, 3, 2); /* 4: fns */
  revl_icp *icp = m->icp = lr_xcalloc(L, 1, sizeof *icp);
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
  icp->groups = lr_xcalloc(L, (size_t)ng, sizeof *icp->groups);
  icp->rules = lr_xcalloc(L, (size_t)nr, sizeof *icp->rules);
  m->fnref = lr_xcalloc(L, (size_t)nr, sizeof *m->fnref);
  icp->fnrule = lr_xcalloc(L, (size_t)nr, sizeof *icp->fnrule);
  for (int g = 0; g < ng; g++) {
    lua_rawgeti(L, 5, g + 1); /* 6 */
    revl_icp_group *gr = &icp->groups[g];
    gr->name = lr_xstrdup(L, lr_opt_str(L, 6, "name"));
    icp->ngroups = g + 1;
    gr->cap = lr_opt_num(L, 6, "cap", 0, &gr->has_cap);
    lua_getfield(L, 6, "rules"); /* 7 */
    int k = (int)lua_rawlen(L, 7);
    for (int i = 1; i <= k; i++) {
      lua_rawgeti(L, 7, i); /* 8 */
      revl_icp_rule *ru = &icp->rules[icp->nrules];
      ru->group = g;
      ru->fn = -1;
      ru->points = lr_opt_num(L, 8, "points", 0, NULL);
      const char *given = lr_opt_str(L, 8, "name");
      lua_getfield(L, 8, "fn"); /* 9 */
      if (lua_isfunction(L, 9)) {
        ru->fn = icp->nfn;
        icp->fnrule[icp->nfn] = icp->nrules;
        lua_pushvalue(L, 9);
        m->fnref[icp->nfn] = (int)lua_rawlen(L, 4) + 1;
        lua_rawseti(L, 4, m->fnref[icp->nfn]);
        icp->nfn++;
        m->needs_lua = 1;
        if (given) ru->name = lr_xstrdup(L, given);
        else {
          lua_Debug ar;
          lua_pushvalue(L, 9);
          lua_getinfo(L, ">S", &ar);
          char nm[300];
          snprintf(nm, sizeof nm, "function %s:%d", ar.short_src, ar.linedefined);
          ru->name = lr_xstrdup(L, nm);
        }
        icp->nrules++;
      } else {
        char what[200];
        snprintf(what, sizeof what, "group '%s' rule %d", gr->name, i);
        lua_getfield(L, 8, "spec"); /* 10 */
        ru->crit = lr_compile_or_die(L, 10, m->t, 4, what);
        icp->nrules++;
        ru->name = lr_xstrdup(L, ru->crit->name);
        if (!revl_crit_is_declarative(ru->crit)) m->needs_lua = 1;
        lua_pop(L, 1);
      }
      lua_pop(L, 2);
    }
    lua_pop(L, 2);
  }
  icp->nwords = m->nwords = (icp->nrules + 63) / 64 ? (icp->nrules + 63) / 64 : 1;
  icp->cap = lr_opt_num(L, 1, "cap", 0, &icp->has_cap);
  lua_getfield(L, 1, "tiers");
  icp->tiers = read_bands(L, -1, &icp->ntiers);
  lua_pop(L, 1);
  /* engagement */
  lua_getfield(L, 1, "engagement"); /* 6 */
  if (lua_istable(L, 6)) {
    revl_engage *e = icp->eng = lr_xcalloc(L, 1, sizeof *e);
    lua_getfield(L, 6, "view");
    e->acts = lr_view_table(L, -1);
    lua_pop(L, 1); /* same store as the scored table: kept alive by it */
    revl_error err;
    if (revl_engage_bind(e, m->t, lr_opt_str(L, 6, "key"), lr_opt_str(L, 6, "type"),
                         lr_opt_str(L, 6, "at"), &err))
      lr_plain_error(L, "%s", err.msg);
    e->window = (int32_t)lr_opt_num(L, 6, "window", 90, NULL);
    e->cap = lr_opt_num(L, 6, "cap", 0, &e->has_cap);
    lua_getfield(L, 6, "points"); /* list of {type, points} */
    int np = (int)lua_rawlen(L, -1);
    e->type_ids = lr_xcalloc(L, (size_t)np, sizeof *e->type_ids);
    e->type_pts = lr_xcalloc(L, (size_t)np, sizeof *e->type_pts);
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
      const char *kind = lr_opt_str(L, -1, "kind");
      if (kind && strcmp(kind, "half_life") == 0) {
        e->decay.kind = REVL_DECAY_HALF_LIFE;
        e->decay.half_life = lr_opt_num(L, -1, "half_life", 0, NULL);
      } else if (kind && strcmp(kind, "every") == 0) {
        e->decay.kind = REVL_DECAY_EVERY;
        e->decay.every = (int32_t)lr_opt_num(L, -1, "every", 0, NULL);
        e->decay.factor = lr_opt_num(L, -1, "factor", 1, NULL);
      } else if (kind && strcmp(kind, "steps") == 0) {
        e->decay.kind = REVL_DECAY_STEPS;
        lua_getfield(L, -1, "steps");
        int ns = (int)lua_rawlen(L, -1);
        e->decay.steps = lr_xcalloc(L, (size_t)ns, sizeof *e->decay.steps);
        for (int i = 1; i <= ns; i++) {
          lua_rawgeti(L, -1, i);
          e->decay.steps[i - 1].after = (int32_t)lr_opt_num(L, -1, "after", 0, NULL);
          e->decay.steps[i - 1].factor = lr_opt_num(L, -1, "factor", 1, NULL);
          e->decay.nsteps = i;
          lua_pop(L, 1);
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    if (revl_engage_factors(e)) luaL_error(L, "not enough memory");
    lua_getfield(L, 6, "bands");
    icp->bands = read_bands(L, -1, &icp->nbands);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  /* labels of the fit x engagement matrix, and their actions */
  if (revl_dmodel_labels(m)) luaL_error(L, "not enough memory");
  lua_getfield(L, 1, "matrix"); /* 6 */
  m->has_action = lua_istable(L, 6);
  for (int k = 0; m->has_action && k < icp->ntiers * m->nb; k++) {
    lua_getfield(L, 6, m->combo[k]);
    if (lua_isstring(L, -1)) m->action[k] = lr_xstrdup(L, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_settop(L, 3);
  return 1;
}

/* ---- health model ---------------------------------------------------------- */

static int l_health_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "view"); /* 2 */
  model *m = new_model(L, K_HEALTH, 1, 2); /* 3 */
  lua_getiuservalue(L, 3, 2); /* 4: fns */
  m->red = lr_opt_num(L, 1, "red", 50, NULL);
  m->yellow = lr_opt_num(L, 1, "yellow", 75, NULL);
  lua_getfield(L, 1, "components"); /* 5 */
  int nc = (int)lua_rawlen(L, 5);
  int nr = 0, need_usage = 0, need_subs = 0;
  for (int i = 1; i <= nc; i++) {
    lua_rawgeti(L, 5, i);
    lua_getfield(L, -1, "rules");
    if (lua_istable(L, -1)) nr += (int)lua_rawlen(L, -1);
    int kind = revl_hcomp_kind_of(lr_opt_str(L, -2, "kind"));
    if (kind == HC_USAGE || kind == HC_UTIL || kind == HC_GROWTH) need_usage = 1;
    lua_getfield(L, -2, "per_seat");
    if (kind == HC_UTIL || lua_toboolean(L, -1)) need_subs = 1;
    lua_pop(L, 1);
    lua_pop(L, 2);
  }
  lr_read_src(L, 1, m->t, &m->src, need_usage, need_subs);
  m->comps = lr_xcalloc(L, (size_t)nc, sizeof *m->comps);
  m->hrules = lr_xcalloc(L, (size_t)nr, sizeof *m->hrules);
  for (int k = 0; k < nc; k++) {
    lua_rawgeti(L, 5, k + 1); /* 6 */
    hcomp *c = &m->comps[k];
    m->ncomps = k + 1;
    c->name = lr_xstrdup(L, lr_opt_str(L, 6, "name"));
    c->weight = lr_opt_num(L, 6, "weight", 1, NULL);
    c->missing = lr_opt_num(L, 6, "missing", 0, &c->has_missing);
    c->fnref = -1;
    const char *kname = lr_opt_str(L, 6, "kind");
    char what[200];
    snprintf(what, sizeof what, "component '%s'", c->name);
    c->kind = revl_hcomp_kind_of(kname);
    revl_error err;
    if (c->kind == HC_CRITERIA) {
      c->rule0 = m->nhrules;
      lua_getfield(L, 6, "rules"); /* 7 */
      int n = (int)lua_rawlen(L, 7);
      for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, 7, i); /* 8 */
        hrule *r = &m->hrules[m->nhrules];
        r->comp = k;
        r->points = lr_opt_num(L, 8, "points", 100, NULL);
        lua_getfield(L, 8, "spec");
        char w2[260];
        snprintf(w2, sizeof w2, "%s rule %d", what, i);
        r->crit = lr_compile_or_die(L, -1, m->t, 4, w2);
        m->nhrules++;
        c->nrules++;
        if (!revl_crit_is_declarative(r->crit)) m->needs_lua = 1;
        lua_pop(L, 2);
      }
      lua_pop(L, 1);
      c->desc = lr_xstrdup(L, "");
    } else if (c->kind == HC_FIELD) {
      if (revl_hcomp_field(c, m->t, what, lr_opt_str(L, 6, "field"), &err))
        lr_plain_error(L, "%s", err.msg);
    } else if (c->kind == HC_USAGE || c->kind == HC_UTIL || c->kind == HC_GROWTH) {
      const char *metric = lr_opt_str(L, 6, "metric");
      c->metric = lr_intern_of(L, m->t, metric);
      c->agg = c->kind == HC_UTIL ? REVL_UAGG_AVG : revl_usage_agg_of(lr_opt_str(L, 6, "agg"));
      c->days = (int)lr_opt_num(L, 6, "days", 28, NULL);
      lua_getfield(L, 6, "per_seat");
      c->per_seat = c->kind == HC_USAGE && lua_toboolean(L, -1);
      lua_pop(L, 1);
      if (revl_hcomp_usage_desc(c, metric)) luaL_error(L, "not enough memory");
    } else if (c->kind == HC_FN) {
      lua_getfield(L, 6, "fn");
      c->fnref = (int)lua_rawlen(L, 4) + 1;
      lua_rawseti(L, 4, c->fnref);
      m->needs_lua = 1;
      c->desc = lr_xstrdup(L, "function");
    } else {
      lr_plain_error(L, "%s: unknown kind '%s'", what, kname);
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
  m->pass = lr_opt_num(L, 1, "pass", 100, NULL);
  lua_getfield(L, 1, "allow_absent");
  int allow_absent = lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, 1, "fields"); /* 5 */
  int nf = (int)lua_rawlen(L, 5);
  m->fields = lr_xcalloc(L, (size_t)nf, sizeof *m->fields);
  for (int k = 0; k < nf; k++) {
    lua_rawgeti(L, 5, k + 1); /* 6 */
    cfield *f = &m->fields[k];
    m->nfields = k + 1;
    f->label = lr_xstrdup(L, lr_opt_str(L, 6, "label"));
    f->weight = lr_opt_num(L, 6, "weight", 1, NULL);
    lua_getfield(L, 6, "optional");
    f->optional = lua_toboolean(L, -1);
    lua_pop(L, 1);
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
          lr_plain_error(L, "field '%s': %s has no column '%s'", f->label, m->t->name,
                      lua_tostring(L, -1));
        }
        f->absent = 1;
        if (!f->optional) { /* never silently ready: say so once, loudly */
          lua_rawgeti(L, 7, 1);
          fprintf(stderr,
                  "revl: warning: scorecard '%s': required field '%s' is not in the %s table "
                  "(no column '%s'): no record can be ready\n",
                  m->name ? m->name : "scorecard", f->label, m->t->name, lua_tostring(L, -1));
          lua_pop(L, 1);
        }
      }
    } else if (!lua_isnil(L, 8)) {
      char what[200];
      snprintf(what, sizeof what, "field '%s'", f->label);
      f->crit = lr_compile_or_die(L, 8, m->t, 4, what);
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

/* ---- scoring -------------------------------------------------------------------------- */

typedef struct score_job {
  rframe *f;
  uint32_t *scratch;
  double *tmp;          /* health: room for the components' weights */
} score_job;

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
  if (lr_pcall_row(x, row, 2) != LUA_OK)
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
 * the record through lr_run_job. */
static int icp_run(lua_State *L, rctx *x) {
  score_job *j = x->job;
  rframe *f = j->f;
  revl_eval_opts o = {f->as_of, icp_fn_cb, lr_rc_pcall, lr_rc_match, x};
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
  if (lr_pcall_row(x, row, 2) != LUA_OK)
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
 * here, naming the record through lr_run_job. */
static int health_run(lua_State *L, rctx *x) {
  score_job *j = x->job;
  rframe *f = j->f;
  model *md = f->md;
  revl_health h = {md->comps, md->ncomps, md->hrules, md->nhrules, md->red, md->yellow,
                   &md->src, md->nwords};
  revl_eval_opts o = {f->as_of, NULL, lr_rc_pcall, lr_rc_match, x};
  revl_error err;
  int rc = revl_health_eval_into(&h, x->t, f->rows, f->n, &o, health_fn_cb, f->mask, f->v,
                                 f->raw, f->a, f->l1, j->scratch, j->tmp, &err);
  if (rc == 0) return 0;
  if (rc == REVL_ESCRIPT) return lua_error(L); /* the Lua error object */
  if (rc == REVL_ENOMEM) return luaL_error(L, "not enough memory");
  return luaL_error(L, "%s", err.msg);
}

/* revl_card_fn for function fields: the field's function called on the
 * record (unprotected, as criteria functions: an error names the record
 * through lr_run_job); a true value is present. */
static int card_fn_cb(void *ud, int field, size_t i, size_t row) {
  rctx *x = ud;
  lua_State *L = x->L;
  (void)i;
  lua_rawgeti(L, x->fns, ((score_job *)x->job)->f->md->fields[field].fnref);
  lr_call_row(x, row, 1);
  int present = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return present;
}

/* Scorecards are revl_card_eval (src/rules/card.c) on the frame's buffers. */
static int card_run(lua_State *L, rctx *x) {
  (void)L;
  score_job *j = x->job;
  revl_crit_ctx ctx = {j->f->as_of, lr_rc_call, lr_rc_match, x, 0};
  revl_card_eval(j->f, j->scratch, &ctx, card_fn_cb, x);
  return 0;
}

/* Score rows[0..n) of the model at index 1; pushes the frame.  vidx is
 * a view of the model's table (for the row proxy). */
static rframe *score_rows(lua_State *L, int vidx, const uint32_t *rows, size_t n) {
  vidx = lua_absindex(L, vidx);
  model *md = check_model(L, 1);
  rframe *f = lr_new_frame(L, 1, md, rows, n);
  int fi = lua_gettop(L);
  f->a = lr_xcalloc(L, n, sizeof *f->a);
  f->mask = lr_xcalloc(L, n * (size_t)md->nwords, sizeof *f->mask);
  int ntmp = 1;
  if (md->kind == K_ICP) {
    f->stride = md->icp->nfn;
    if (md->icp->nfn) f->v = lr_xcalloc(L, n * (size_t)md->icp->nfn, sizeof *f->v);
    f->b = lr_xcalloc(L, n, sizeof *f->b);
    f->l1 = lr_xcalloc(L, n, sizeof *f->l1);
    f->l2 = lr_xcalloc(L, n, sizeof *f->l2);
  } else if (md->kind == K_HEALTH) {
    f->stride = md->ncomps;
    f->v = lr_xcalloc(L, n * (size_t)md->ncomps, sizeof *f->v);
    f->raw = lr_xcalloc(L, n * (size_t)md->ncomps, sizeof *f->raw);
    f->l1 = lr_xcalloc(L, n, sizeof *f->l1);
    ntmp = md->ncomps;
  } else {
    f->stride = md->nfields;
  }
  lua_getiuservalue(L, 1, 2); /* fns */
  if (md->needs_lua) lr_push_proxy(L, vidx, md->t);
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
  lr_run_job(L, &x, fi + 1, fi + 2, fi + 3);
  lua_settop(L, fi);
  return f;
}

/* model:score([view]) -> frame */
static int l_model_score(lua_State *L) {
  model *md = check_model(L, 1);
  const uint32_t *rows;
  size_t n;
  revl_table *t = lr_view_arg(L, 3, &rows, &n);
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
  int64_t row = lr_record_row(L, 2, md->t);
  if (row < 0) return luaL_error(L, "%s has no record %s", md->t->name, luaL_tolstring(L, 2, NULL));
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 3); /* 3 */
  uint32_t r = (uint32_t)row;
  rframe *f = score_rows(L, 3, &r, 1); /* 4 */
  rlist *rl = lr_rl_new(L);
  lr_frame_items(L, 4, f, 0, 1, rl);
  lr_push_items(L, rl);
  lr_push_frame_row(L, 4, f, 0);
  return 2;
}

static int l_model_index(lua_State *L) {
  model *md = check_model(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (lua_getfield(L, lua_upvalueindex(1), k) != LUA_TNIL) return 1;
  if (strcmp(k, "name") == 0) lua_pushstring(L, md->name);
  else if (strcmp(k, "table") == 0) lua_pushstring(L, md->t->name);
  else if (strcmp(k, "kind") == 0)
    lua_pushstring(L, lr_kind_name(md->kind));
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
  lua_pushfstring(L, "revl.%s %s (%s)", lr_kind_name(md->kind), md->name[0] ? md->name : "(unnamed)", md->t->name);
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

static const luaL_Reg model_methods[] = {
    {"score", l_model_score}, {"explain", l_model_explain}, {NULL, NULL}};

static const luaL_Reg model_funcs[] = {
    {"icp_new", l_icp_new},   {"health_new", l_health_new},
    {"card_new", l_card_new}, {"set_definers", l_set_definers},
    {NULL, NULL}};

int luaopen_revl_rules(lua_State *L) {
  int m = lua_gettop(L);
  luaL_newmetatable(L, RULES_SBUF);
  lua_pushcfunction(L, lr_sbuf_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  lr_new_meta(L, RULES_MODEL, model_methods, l_model_index, model_gc, l_model_tostring);
  lr_open_rframe(L);
  lr_open_critobj(L);
  lr_open_rng(L);
  lua_newtable(L);
  luaL_setfuncs(L, model_funcs, 0);
  luaL_setfuncs(L, lr_rframe_funcs, 0);
  luaL_setfuncs(L, lr_critobj_funcs, 0);
  luaL_setfuncs(L, lr_log_funcs, 0);
  lua_setfield(L, m, "_rules");
  static const luaL_Reg pub[] = {
      {"icp", l_def_icp},           {"health", l_def_health},
      {"trigger", l_def_trigger},   {"scorecard", l_def_scorecard},
      {"criterion", l_def_criterion}, {"log", lr_log},
      {"random", lr_random},        {NULL, NULL}};
  luaL_setfuncs(L, pub, 0);
  return 0;
}
