/*
 * l_report_icp.c -- the ICP matrix of `revl report` (docs/report.md):
 * an ICP model from --icp FILE or the shipped rules/icp.lua, its
 * decisions over every record of its table by model:score() (the
 * evaluator `revl run` uses, revl_icp_eval_into, with the playbook's
 * Lua rules through the same callbacks), counted per (tier, band) by
 * revl_dframe_matrix (src/rules/reasons.c) into the revl_report_icp the
 * report draws (src/report/icp_sec.c).  Translation only.
 */
#include "lrules.h"
#include "revl/report_icp.h"
#include "revl/runtime.h"

/* Protected: the ICP model of the file at 1 (nil: the shipped module
 * "icp", rules/icp.lua) and its decisions over every record of its
 * table: pushes model, frame.  The file runs as require runs a module
 * (arguments "icp" and its path), so rules/icp.lua does not print its
 * summary; a module table gives its model() (as rules/icp.lua). */
static int icp_score(lua_State *L) {
  const char *file = lua_tostring(L, 1);
  const char *name = file ? file : "rules/icp.lua";
  if (file) {
    if (luaL_loadfilex(L, file, "t") != LUA_OK) return lua_error(L);
    lua_pushliteral(L, "icp");
    lua_pushstring(L, file);
    lua_call(L, 2, 1);
  } else {
    lua_getglobal(L, "require");
    lua_pushliteral(L, "icp");
    lua_call(L, 1, 1);
  }
  if (lua_istable(L, -1)) {
    if (lua_getfield(L, -1, "model") != LUA_TFUNCTION)
      return luaL_error(L, "%s: returns a table without a model() function", name);
    lua_call(L, 0, 1);
    lua_remove(L, -2);
  }
  model *md = luaL_testudata(L, -1, RULES_MODEL);
  if (!md || md->kind != K_ICP)
    return luaL_error(L, "%s: --icp needs a file that returns a revl.icp model or a module "
                         "with model() (as rules/icp.lua does), not %s",
                      name, md ? lr_kind_name(md->kind) : luaL_typename(L, -1));
  lua_getfield(L, -1, "score");
  lua_pushvalue(L, -2);
  lua_call(L, 1, 1);
  if (!luaL_testudata(L, -1, RULES_FRAME)) return luaL_error(L, "%s: score() gave no frame", name);
  return 2;
}

int revl_lr_report_icp(revl_rt *rt, const char *file, revl_report_icp *out,
                       const char **why, revl_error *err) {
  lua_State *L = revl_rt_lua(rt);
  memset(out, 0, sizeof *out);
  *why = NULL;
  lua_pushcfunction(L, icp_score);
  if (file) lua_pushstring(L, file);
  else lua_pushnil(L);
  int st = revl_rt_pcall(rt, 1, 2);
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (file)
      return revl_error_set(err, st == LUA_ERRMEM ? REVL_ENOMEM : REVL_ESCRIPT, NULL, 0, 0,
                            "%s", msg ? msg : "the ICP model failed");
    /* the shipped model: one line saying why (its first line) */
    static char text[600];
    /* without the file's install path: "PATH/icp.lua:78: revl.icp: ..." */
    const char *at = msg ? strstr(msg, ".lua:") : NULL;
    if (at) {
      const char *p = at + 5;
      while (*p >= '0' && *p <= '9') p++;
      if (p > at + 5 && p[0] == ':' && p[1] == ' ') msg = p + 2;
    }
    const char *nl = msg ? strchr(msg, '\n') : NULL;
    int len = msg ? (nl ? (int)(nl - msg) : (int)strlen(msg)) : 0;
    if (msg && strstr(msg, "module 'icp' not found"))
      snprintf(text, sizeof text, "no ICP model: rules/icp.lua was not found (give --icp FILE)");
    else
      snprintf(text, sizeof text, "rules/icp.lua cannot score this data: %.*s",
               len > 500 ? 500 : len, msg ? msg : "");
    *why = text;
    lua_pop(L, 1);
    return 0;
  }
  const rframe *f = lua_touserdata(L, -1);
  const model *md = f->md;
  const revl_icp *m = md->icp;
  int nb = m->eng && m->nbands ? m->nbands : 0;
  size_t nc = (size_t)m->ntiers * (size_t)(nb ? nb : 1);
  /* the counts and label lists in a userdata left on the stack */
  size_t *counts = lua_newuserdatauv(L, nc * sizeof *counts + sizeof(char *) *
                                            (size_t)(m->ntiers + nb + 1), 0);
  const char **labels = (const char **)(counts + nc);
  if (revl_dframe_matrix(f, counts, &out->unplaced))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "the ICP model's frame is not an ICP one");
  for (int t = 0; t < m->ntiers; t++) labels[t] = m->tiers[t].label;
  for (int b = 0; b < nb; b++) labels[m->ntiers + b] = m->bands[b].label;
  out->model = md->name ? md->name : "";
  out->table = md->t->name;
  out->as_of = f->as_of;
  out->n = f->n;
  out->ntiers = m->ntiers;
  out->nbands = nb;
  out->tiers = labels;
  out->bands = labels + m->ntiers;
  out->counts = counts;
  out->window = nb ? (int)m->eng->window : 0;
  out->decays = nb && m->eng->decay.kind != REVL_DECAY_NONE;
  return 0;
}
