/*
 * l_diagnose.c -- `revl diagnose PLAYBOOK`: after the playbook ran, its
 * last ICP model (on accounts or leads) and its last SLA on leads and on
 * deals (internals.defined, which revl.icp and revl.sla fill) are
 * evaluated over their tables with the evaluators `revl run` uses
 * (model:score(), revl_sla_measure) and handed to revl_diagnose
 * (src/rules/diagnose.c) as per-row answers (docs/diagnose.md "With a
 * playbook").  Translation only: the questions are asked in the core.
 */
#include "lrules.h"
#include "revl/diagnose.h"
#include "revl/runtime.h"

typedef struct dx_job {
  int64_t now;           /* the end of the as-of day: open clocks stop here */
  revl_dx_sla sla[2];    /* leads, deals */
  int has_sla[2];
  revl_dx_icp icp;
  int has_icp;
} dx_job;

/* The last ICP model of a table the diagnostic asks about, scored: its
 * tiers per row of the table in a userdata; model, frame and that
 * userdata left on the stack. */
static void collect_icp(lua_State *L, int defined, dx_job *j) {
  lua_getfield(L, defined, "icps");
  int list = lua_gettop(L);
  for (lua_Integer i = (lua_Integer)lua_rawlen(L, list); i >= 1; i--) {
    lua_rawgeti(L, list, i);
    model *md = luaL_testudata(L, -1, RULES_MODEL);
    if (!md || md->kind != K_ICP ||
        (strcmp(md->t->name, "accounts") != 0 && strcmp(md->t->name, "leads") != 0)) {
      lua_pop(L, 1);
      continue;
    }
    int mi = lua_gettop(L);
    lua_getfield(L, mi, "score");
    lua_pushvalue(L, mi);
    lua_call(L, 1, 1);
    const rframe *f = luaL_testudata(L, -1, RULES_FRAME);
    if (!f) luaL_error(L, "ICP model '%s': score() gave no frame", md->name);
    const revl_icp *m = md->icp;
    size_t n = md->t->nrows ? md->t->nrows : 1;
    /* the labels first: pointers need their alignment, the tiers do not */
    const char **labels = lua_newuserdatauv(L, (size_t)(m->ntiers + 1) * sizeof(char *) +
                                                   n * sizeof(int16_t), 0);
    int16_t *tier = (int16_t *)(void *)(labels + m->ntiers + 1);
    for (size_t r = 0; r < n; r++) tier[r] = -1;
    for (size_t k = 0; k < f->n; k++) tier[FROW(f, k)] = f->l1[k];
    for (int t = 0; t < m->ntiers; t++) labels[t] = m->tiers[t].label;
    j->icp.table = md->t;
    j->icp.name = md->name && md->name[0] ? md->name : "(unnamed)";
    j->icp.tier = tier;
    j->icp.labels = labels;
    j->icp.ntiers = m->ntiers;
    j->has_icp = 1;
    return;
  }
}

/* The last SLA on leads and the last on deals, measured; each SLA object
 * and its answers left on the stack. */
static void collect_slas(lua_State *L, int defined, dx_job *j) {
  lua_getfield(L, defined, "slas");
  int list = lua_gettop(L);
  for (lua_Integer i = (lua_Integer)lua_rawlen(L, list); i >= 1; i--) {
    lua_rawgeti(L, list, i);
    int si = lua_gettop(L);
    lua_getfield(L, si, "records");
    const char *tn = lua_tostring(L, -1);
    int k = tn && strcmp(tn, "leads") == 0 ? 0 : tn && strcmp(tn, "deals") == 0 ? 1 : -1;
    lua_pop(L, 1);
    if (k < 0 || j->has_sla[k]) {
      lua_pop(L, 1);
      continue;
    }
    revl_lr_sla_rows(L, si, j->now, &j->sla[k]);
    lua_getfield(L, si, "name");
    j->sla[k].name = lua_isstring(L, -1) ? lua_tostring(L, -1) : "sla"; /* kept on the stack */
    j->has_sla[k] = 1;
  }
}

/* Protected: the job at light userdata 1 filled; everything it borrows
 * returned on the stack. */
static int dx_collect(lua_State *L) {
  dx_job *j = lua_touserdata(L, 1);
  if (lua_getfield(L, LUA_REGISTRYINDEX, "revl.defined") != LUA_TTABLE) return 0;
  int defined = lua_gettop(L);
  collect_icp(L, defined, j);
  collect_slas(L, defined, j);
  return lua_gettop(L) - 1;
}

int revl_rt_diagnose(revl_rt *rt, revl_dx_opts *o, revl_dx_result *r, revl_error *err) {
  lua_State *L = revl_rt_lua(rt);
  int top = lua_gettop(L);
  memset(r, 0, sizeof *r);
  r->weakest = -1;
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  revl_store **sp = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!sp || !*sp)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "no data was loaded: give --data DIR");
  /* the diagnostic reads every table, not only those the playbook used */
  int lrc = revl_store_load_all(*sp, err);
  if (lrc) return lrc;
  dx_job j;
  memset(&j, 0, sizeof j);
  j.now = ((int64_t)o->as_of + 1) * 86400;
  lua_pushcfunction(L, dx_collect);
  lua_pushlightuserdata(L, &j);
  int st = revl_rt_pcall(rt, 1, LUA_MULTRET);
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    revl_error_set(err, st == LUA_ERRMEM ? REVL_ENOMEM : REVL_ESCRIPT, NULL, 0, 0, "%s",
                   msg ? msg : "the playbook's models failed");
    lua_settop(L, top);
    return err->code;
  }
  o->icp = j.has_icp ? &j.icp : NULL;
  for (int k = 0; k < 2; k++) o->sla[k] = j.has_sla[k] ? &j.sla[k] : NULL;
  int rc = revl_diagnose(*sp, o, r, err);
  o->icp = NULL;
  o->sla[0] = o->sla[1] = NULL;
  lua_settop(L, top);
  return rc;
}
