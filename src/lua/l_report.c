/*
 * l_report.c -- revl.report: the sections a playbook adds to report.html
 * (docs/report.md "Sections from a playbook").
 *
 *   revl.report.section{title =, text =, chart = {kind =, frame =, x =,
 *                       y =, value =, title =, total =}, table =}
 *   revl.report.defaults(false)   the playbook's sections only
 *   revl.report.sections()        {{title =, html =}, ...} so far
 *
 * The binding translates the table into a revl_report_section and calls
 * revl_report_section_html (src/report/section.c), which checks it and
 * renders it at once: a bad chart fails at the playbook line that asked
 * for it, and the frame may be collected afterwards.  The fragments are
 * kept in the registry ("revl.report") until revl report writes the page
 * (revl_rt_report_write); revl run checks them the same way and writes
 * nothing.  A playbook's own frame (revl.frame(rows), group_by) becomes
 * a C frame here, one column per name in its columns.
 */
#include <stdlib.h>
#include <string.h>

#include "lrevl.h"
#include "revl/diagnose.h"
#include "revl/frame.h"
#include "revl/report.h"
#include "revl/runtime.h"

/* The registry table {defaults = bool, [i] = {title =, html =}}. */
static int collected(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, "revl.report") == LUA_TTABLE) return lua_gettop(L);
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "defaults");
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.report");
  return lua_gettop(L);
}

/* Raise "revl.report.section: what" for a key of t at idx that is not
 * one of names (with the nearest one). */
static void check_keys(lua_State *L, int idx, const char *where, const char *const *names) {
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int ok = 0;
    for (int i = 0; k && names[i]; i++)
      if (strcmp(k, names[i]) == 0) ok = 1;
    if (ok) continue;
    if (!k) luaL_error(L, "revl.report.section: %s keys are names, not %s", where,
                       luaL_typename(L, -1));
    revl_near n;
    char hint[160];
    revl_near_init(&n, k);
    for (int i = 0; names[i]; i++) revl_near_add(&n, names[i]);
    luaL_error(L, "revl.report.section: unknown %s key '%s'%s", where, k,
               revl_near_hint(&n, hint, sizeof hint));
  }
}

static const char *opt_text(lua_State *L, int t, const char *k, const char *where) {
  int ty = lua_getfield(L, t, k);
  const char *s = NULL;
  if (ty == LUA_TSTRING) s = lua_tostring(L, -1);
  else if (ty != LUA_TNIL)
    luaL_error(L, "revl.report.section: %s%s must be a string, not %s", where, k,
               luaL_typename(L, -1));
  lua_pop(L, 1); /* the string stays reachable from t */
  return s;
}

/* ---- a playbook's own frame as a C frame -------------------------------- */

enum { K_NONE, K_INT, K_NUM, K_MONEY, K_STR, K_BOOL, K_DATE };
static const char *const kind_word[] = {"nothing", "a number", "a number", "money",
                                        "text",    "a boolean", "a date"};

static int value_kind(lua_State *L, int idx) {
  switch (lua_type(L, idx)) {
  case LUA_TNIL: return K_NONE;
  case LUA_TNUMBER: return lua_isinteger(L, idx) ? K_INT : K_NUM;
  case LUA_TSTRING: return K_STR;
  case LUA_TBOOLEAN: return K_BOOL;
  default:
    if (revl_test_money(L, idx)) return K_MONEY;
    if (luaL_testudata(L, idx, REVL_DATE)) return K_DATE;
    return -1;
  }
}

/* The Lua frame (a list of row tables with .columns) at idx as a C
 * frame pushed on the stack; returns it. */
static revl_frame *lua_frame(lua_State *L, int idx, const char *where) {
  idx = lua_absindex(L, idx);
  if (lua_getfield(L, idx, "columns") != LUA_TTABLE)
    luaL_error(L, "revl.report.section: %s must be a frame (a metric's result, group_by or "
                  "revl.frame(rows)), not a table without columns", where);
  int cols = lua_gettop(L);
  int nc = (int)luaL_len(L, cols);
  size_t nr = (size_t)luaL_len(L, idx);
  revl_frame *f = revl_frame_new(NULL);
  if (!f) luaL_error(L, "not enough memory");
  revl_push_frame(L, f, 0); /* owns f from here */
  if (revl_frame_reserve(f, nr)) luaL_error(L, "not enough memory");
  for (int c = 1; c <= nc; c++) {
    lua_rawgeti(L, cols, c);
    const char *name = lua_tostring(L, -1);
    if (!name) luaL_error(L, "revl.report.section: %s.columns[%d] is not a name", where, c);
    /* the column's type: the kind of its values (integers and numbers
     * make a number column) */
    int kind = K_NONE;
    size_t first = 0;
    for (size_t r = 1; r <= nr; r++) {
      if (lua_rawgeti(L, idx, (lua_Integer)r) != LUA_TTABLE)
        luaL_error(L, "revl.report.section: %s[%I] is not a row table", where, (lua_Integer)r);
      lua_getfield(L, -1, name);
      int k = value_kind(L, -1);
      if (k < 0)
        luaL_error(L, "revl.report.section: %s[%I].%s is a %s: a report shows numbers, money, "
                      "text, booleans and dates", where, (lua_Integer)r, name, luaL_typename(L, -1));
      lua_pop(L, 2);
      if (k == K_NONE || k == kind) continue;
      if (kind == K_NONE) kind = k, first = r;
      else if ((kind == K_INT && k == K_NUM) || (kind == K_NUM && k == K_INT)) kind = K_NUM;
      else
        luaL_error(L, "revl.report.section: %s column '%s' holds %s (row %I) and %s (row %I)",
                   where, name, kind_word[kind], (lua_Integer)first, kind_word[k], (lua_Integer)r);
    }
    revl_type ty = kind == K_INT ? REVL_T_INT : kind == K_NUM ? REVL_T_NUMBER
                   : kind == K_MONEY ? REVL_T_MONEY : kind == K_BOOL ? REVL_T_BOOL
                   : kind == K_DATE ? REVL_T_DATE : REVL_T_STRING;
    int ci = revl_frame_add_col(f, name, ty, NULL);
    if (ci == REVL_EUSAGE) luaL_error(L, "revl.report.section: %s names column '%s' twice", where, name);
    if (ci < 0) luaL_error(L, "not enough memory");
    if (ty == REVL_T_MONEY) f->cols[ci]->kind = REVL_DK_MONEY;
    revl_column *col = revl_frame_col(f, ci);
    for (size_t r = 1; r <= nr; r++) {
      lua_rawgeti(L, idx, (lua_Integer)r);
      lua_getfield(L, -1, name);
      int rc;
      if (lua_isnil(L, -1)) rc = revl_col_push_null(col);
      else if (ty == REVL_T_INT) rc = revl_col_push_i64(col, lua_tointeger(L, -1));
      else if (ty == REVL_T_NUMBER) rc = revl_col_push_f64(col, lua_tonumber(L, -1));
      else if (ty == REVL_T_BOOL) rc = revl_col_push_bool(col, lua_toboolean(L, -1));
      else if (ty == REVL_T_DATE) rc = revl_col_push_date(col, *(int32_t *)lua_touserdata(L, -1));
      else if (ty == REVL_T_MONEY) {
        revl_money_ud *m = revl_test_money(L, -1);
        rc = revl_frame_push_money(f, ci, m->minor, m->cur);
      } else {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        rc = revl_frame_push_text(f, ci, s, n);
      }
      if (rc) luaL_error(L, "not enough memory");
      lua_pop(L, 2);
    }
    lua_pop(L, 1); /* the name */
  }
  if (revl_frame_seal(f)) luaL_error(L, "revl.report.section: %s: the columns differ in length", where);
  lua_remove(L, cols);
  return f;
}

/* The frame at idx: a C frame as it is, a Lua frame converted (pushed
 * on the stack so it lives as long as the call). */
static const revl_frame *frame_arg(lua_State *L, int idx, const char *where) {
  revl_frame *f = revl_test_frame(L, idx);
  if (f) return f;
  if (lua_istable(L, idx)) return lua_frame(L, idx, where);
  const char *what = luaL_typename(L, idx);
  if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) what = lua_tostring(L, -1);
  luaL_error(L, "revl.report.section: %s must be a frame (a metric's result, group_by or "
                "revl.frame(rows)), not %s%s", where, what,
             strcmp(what, "revl.view") == 0 || strcmp(what, "revl.table") == 0
                 ? " (aggregate it first: group_by or a metric)" : "");
  return NULL;
}

/* ---- revl.report.section -------------------------------------------------- */

static const char *const section_keys[] = {"title", "text", "chart", "table", NULL};
static const char *const chart_keys[] = {"kind", "frame", "x", "y", "value", "title", "total", NULL};

static int report_section(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  check_keys(L, 1, "section", section_keys);
  revl_report_section sec;
  memset(&sec, 0, sizeof sec);
  sec.title = opt_text(L, 1, "title", "");
  if (!sec.title || !sec.title[0])
    return luaL_error(L, "revl.report.section: title is required (a string)");
  sec.text = opt_text(L, 1, "text", "");
  revl_chart_spec cs;
  memset(&cs, 0, sizeof cs);
  const char *ys[8];
  int ty = lua_getfield(L, 1, "chart"); /* 2 */
  if (ty == LUA_TTABLE) {
    check_keys(L, 2, "chart", chart_keys);
    const char *kind = opt_text(L, 2, "kind", "chart.");
    if (!kind) return luaL_error(L, "revl.report.section: chart.kind is required (bar, "
                                    "stacked_bar, line, funnel, waterfall or heatmap)");
    cs.kind = revl_chart_kind_of(kind);
    if (cs.kind < 0) {
      revl_near n;
      char hint[160];
      revl_near_init(&n, kind);
      for (int i = 0; revl_chart_kind_names[i]; i++) revl_near_add(&n, revl_chart_kind_names[i]);
      return luaL_error(L, "revl.report.section: unknown chart kind '%s'%s; the kinds are bar, "
                           "stacked_bar, line, funnel, waterfall and heatmap",
                        kind, revl_near_hint(&n, hint, sizeof hint));
    }
    cs.x = opt_text(L, 2, "x", "chart.");
    cs.value = opt_text(L, 2, "value", "chart.");
    cs.title = opt_text(L, 2, "title", "chart.");
    /* total: a label, or false for no closing bar */
    if (lua_getfield(L, 2, "total") == LUA_TBOOLEAN) cs.total = lua_toboolean(L, -1) ? NULL : "";
    else cs.total = opt_text(L, 2, "total", "chart.");
    lua_pop(L, 1);
    int yt = lua_getfield(L, 2, "y"); /* 3 */
    if (yt == LUA_TSTRING) {
      ys[0] = lua_tostring(L, 3);
      cs.ny = 1;
    } else if (yt == LUA_TTABLE) {
      int n = (int)luaL_len(L, 3);
      if (n > 8) return luaL_error(L, "revl.report.section: chart.y: at most 8 columns, not %d", n);
      for (int i = 0; i < n; i++) {
        lua_rawgeti(L, 3, i + 1);
        if (lua_type(L, -1) != LUA_TSTRING)
          return luaL_error(L, "revl.report.section: chart.y[%d] must be a column name", i + 1);
        ys[i] = lua_tostring(L, -1);
        lua_pop(L, 1); /* kept by the y table */
      }
      cs.ny = n;
    } else if (yt != LUA_TNIL) {
      return luaL_error(L, "revl.report.section: chart.y must be a column name or a list of "
                           "them, not %s", luaL_typename(L, 3));
    }
    cs.y = ys;
    if (lua_getfield(L, 2, "frame") == LUA_TNIL) /* 4 */
      return luaL_error(L, "revl.report.section: chart.frame is required");
    cs.f = frame_arg(L, 4, "chart.frame");
    sec.chart = &cs;
  } else if (ty != LUA_TNIL) {
    return luaL_error(L, "revl.report.section: chart must be a table {kind =, frame =, x =, "
                         "y =}, not %s", luaL_typename(L, 2));
  }
  int tt = lua_getfield(L, 1, "table");
  if (tt != LUA_TNIL) sec.table = frame_arg(L, lua_gettop(L), "table");
  int list = collected(L);
  int number = (int)luaL_len(L, list) + 1;
  revl_sbuf b = {0};
  revl_error err;
  memset(&err, 0, sizeof err);
  int empty = 0;
  int rc = revl_report_section_html(&sec, number, &b, &empty, &err);
  if (rc) {
    revl_sbuf_free(&b);
    if (rc == REVL_ENOMEM) return luaL_error(L, "not enough memory");
    return luaL_error(L, "revl.report.section '%s': %s", sec.title, err.msg);
  }
  lua_createtable(L, 0, 2);
  lua_pushstring(L, sec.title);
  lua_setfield(L, -2, "title");
  lua_pushlstring(L, b.p ? b.p : "", b.n);
  revl_sbuf_free(&b);
  lua_setfield(L, -2, "html");
  lua_rawseti(L, list, number);
  if (empty) { /* a readable section, and a word where the playbook asked */
    luaL_where(L, 1);
    lua_pushfstring(L, "%swarning: revl.report.section '%s': the chart's frame has no rows",
                    lua_tostring(L, -1), sec.title);
    lua_replace(L, 1);
    lua_settop(L, 1);
    revl_l_warn(L);
  }
  return 0;
}

/* revl.report.defaults([on]) -> whether the default sections are in */
static int report_defaults(lua_State *L) {
  int set = !lua_isnoneornil(L, 1);
  int list = collected(L);
  if (set) {
    luaL_checktype(L, 1, LUA_TBOOLEAN);
    lua_pushboolean(L, lua_toboolean(L, 1));
    lua_setfield(L, list, "defaults");
  }
  lua_getfield(L, list, "defaults");
  return 1;
}

/* revl.report.sections() -> a copy of {{title =, html =}, ...} */
static int report_sections(lua_State *L) {
  int list = collected(L);
  int n = (int)luaL_len(L, list);
  lua_createtable(L, n, 0);
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, list, i);
    lua_createtable(L, 0, 2);
    lua_getfield(L, -2, "title");
    lua_setfield(L, -2, "title");
    lua_getfield(L, -2, "html");
    lua_setfield(L, -2, "html");
    lua_rawseti(L, -3, i);
    lua_pop(L, 1);
  }
  return 1;
}

static const luaL_Reg report_funcs[] = {{"section", report_section},
                                        {"defaults", report_defaults},
                                        {"sections", report_sections},
                                        {NULL, NULL}};

void revl_open_report(lua_State *L) {
  lua_newtable(L);
  luaL_setfuncs(L, report_funcs, 0);
  lua_setfield(L, -2, "report");
}

/* ---- the page (revl report PLAYBOOK) ----------------------------------- */

int revl_rt_report_write(revl_rt *rt, revl_report_opts *ro, const char *out_dir,
                         revl_error *err) {
  lua_State *L = revl_rt_lua(rt);
  int top = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "revl.current");
  revl_store **sp = lua_touserdata(L, -1);
  if (!sp || !*sp) {
    lua_settop(L, top);
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "no data was loaded: give --data DIR");
  }
  /* the page lists and reads every table, not only those the playbook used */
  int rc = revl_store_load_all(*sp, err);
  if (rc) {
    lua_settop(L, top);
    return rc;
  }
  int list = collected(L);
  int n = (int)luaL_len(L, list);
  lua_getfield(L, list, "defaults");
  ro->no_defaults = !lua_toboolean(L, -1);
  lua_pop(L, 1);
  /* the ICP matrix (a default section): the model, its decisions and
   * the counts stay on the stack while the page is made */
  revl_report_icp icp;
  ro->icp = NULL;
  ro->icp_why = NULL;
  if (!ro->no_defaults && revl_store_table(*sp, "accounts")) {
    ro->icp_source = ro->icp_file ? ro->icp_file : "rules/icp.lua";
    int irc = revl_lr_report_icp(rt, ro->icp_file, &icp, &ro->icp_why, err);
    if (irc) {
      lua_settop(L, top);
      return irc;
    }
    if (!ro->icp_why) ro->icp = &icp;
  }
  const char **html = n ? malloc(sizeof *html * (size_t)n) : NULL;
  const char **titles = n ? malloc(sizeof *titles * (size_t)n) : NULL;
  if (n && (!html || !titles)) {
    free(html);
    free(titles);
    lua_settop(L, top);
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  }
  /* the strings stay alive in the registry's table while the page is made */
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, list, i + 1);
    lua_getfield(L, -1, "html");
    html[i] = lua_tostring(L, -1);
    lua_getfield(L, -2, "title");
    titles[i] = lua_tostring(L, -1);
    lua_pop(L, 3);
  }
  ro->sections = html;
  ro->section_titles = titles;
  ro->nsections = n;
  /* with a playbook, the diagnostic asks its ICP model and SLAs, as
   * revl diagnose PLAYBOOK does */
  revl_dx_result dx;
  int have_dx = 0;
  if (ro->playbook && !ro->no_defaults) {
    revl_dx_opts dxo = {.sample = 20, .seed = 1, .as_of = ro->as_of};
    if ((rc = revl_rt_diagnose(rt, &dxo, &dx, err))) {
      revl_diagnose_done(&dx);
      free(html);
      free(titles);
      ro->sections = ro->section_titles = NULL;
      ro->nsections = 0;
      ro->icp = NULL;
      lua_settop(L, top);
      return rc;
    }
    have_dx = 1;
    ro->diagnosis = &dx;
  }
  rc = revl_report_write(*sp, ro, out_dir, err);
  ro->diagnosis = NULL;
  if (have_dx) revl_diagnose_done(&dx);
  ro->sections = ro->section_titles = NULL;
  ro->nsections = 0;
  ro->icp = NULL;
  free(html);
  free(titles);
  lua_settop(L, top);
  return rc;
}
