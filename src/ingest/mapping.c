/*
 * mapping.c -- mapping files: a Lua chunk returning a table that says how
 * each export is read.  It runs in a bare Lua state with an empty
 * environment and an instruction limit, so a mapping file can compute
 * nothing but data and cannot hang the load.  See docs/mapping.md.
 */
#include "mapint.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *table_keys[] = {
    "file", "preset", "columns", "key", "references", "date_format",
    "decimal", "thousands", "currency", "null", "probability_scale",
    "stages", "delimiter", "null_add", "duplicates", "constants", "derive",
    "types", "expand", "referenced_by", NULL};

#define CHUNK "mapping"            /* chunk name: errors read "mapping:LINE:" */
#define MAX_INSTRUCTIONS 10000000
#define MAX_MEMORY (64u << 20)     /* the cap of mapfn.c's state */

static void hook_limit(lua_State *L, lua_Debug *ar) {
  lua_getinfo(L, "l", ar);
  lua_pushfstring(L, CHUNK ":%d: mapping file runs too long (stopped after "
                     "%d instructions; it should only return a table)",
                  ar->currentline, MAX_INSTRUCTIONS);
  lua_error(L);
}

/* A Lua error as a revl error on the mapping file, with its line. */
static int lua_fail(lua_State *L, int status, const char *path,
                    revl_error *err) {
  const char *m = lua_tostring(L, -1);
  if (status == LUA_ERRMEM && !revl_mapfn_capped(L))
    return revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
  if (status == LUA_ERRMEM)
    return revl_error_set(err, REVL_EDATA, path, 0, 0,
                          "mapping file uses too much memory (more than "
                          "%u MiB)", MAX_MEMORY >> 20);
  if (!m) m = "error (not a string)";
  long line = 0;
  size_t k = strlen(CHUNK);
  if (strncmp(m, CHUNK ":", k + 1) == 0) {
    char *end;
    line = strtol(m + k + 1, &end, 10);
    if (end > m + k + 1 && end[0] == ':' && end[1] == ' ')
      m = end + 2;
    else
      line = 0;
  }
  return revl_error_set(err, REVL_EDATA, path, line, 0, "%s", m);
}

/* What an error in the mapping needs: the file, where each entry is
 * written, and the path of keys to the table being read. */
typedef struct mctx {
  const char *path;
  const revl_mapsrc *src;
  char where[512];
} mctx;

/* An error about entry `key` of the table being read (NULL: the table
 * itself), at its position in the file: of the key when at_key, else of
 * the value. */
static int fail_at(const mctx *cx, revl_error *err, const char *key,
                   int at_key, const char *fmt, const char *a, const char *b) {
  char msg[512], p[1024];
  snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
  snprintf(p, sizeof p, "%s%s%s", cx->where, cx->where[0] && key ? "\x1f" : "",
           key ? key : "");
  int line, col;
  revl_mapsrc_find(cx->src, p, at_key, &line, &col);
  return revl_error_set(err, REVL_EDATA, cx->path, line, col, "%s", msg);
}
#define fail(err, key, ...) fail_at(cx, err, key, 0, __VA_ARGS__)

/* " (did you mean 'x'?)" for name among the NULL-terminated list. */
static const char *near_of(const char *name, const char *const *list,
                           char *buf, size_t size) {
  revl_near nr;
  revl_near_init(&nr, name);
  for (int i = 0; list[i]; i++) revl_near_add(&nr, list[i]);
  return revl_near_hint(&nr, buf, size);
}

static char *dupstr(lua_State *L, int idx) {
  size_t n;
  const char *s = lua_tolstring(L, idx, &n);
  char *d = malloc(n + 1);
  if (d) memcpy(d, s, n + 1);
  return d;
}

static int read_sep(lua_State *L, const mctx *cx, const char *key,
                    char *out, revl_error *err) {
  lua_getfield(L, -1, key);
  int rc = 0;
  if (!lua_isnil(L, -1)) {
    size_t n;
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
    if (!s || n != 1)
      rc = fail(err, key, "'%s' must be a one-character string", key, NULL);
    else
      *out = s[0];
  }
  lua_pop(L, 1);
  return rc;
}

static const char *const ev_keys[] = {"table", "key", "id", "date", "kind",
                                       "mrr", "seats", NULL};
/* What an entry of events = {...} means when it is not given. */
static const char *const ev_default[] = {NULL, "subscription_id", "subscription_id",
                                         "date", "kind", NULL, NULL};

/* expand.events = { table = "NAME", key = ..., id = ..., date = ...,
 * kind = ..., mrr = ..., seats = ... } at the stack top: the events
 * table and its columns (events.c applies them at load). */
static int read_events(lua_State *L, const mctx *cx, const char *tname,
                       revl_table_map *tm, revl_error *err) {
  if (!lua_istable(L, -1))
    return fail(err, "expand\x1f" "events", "%s: expand: events must be a table: "
                "{ table = \"subscription_events\", id = \"Subscription ID\", "
                "date = ..., kind = ..., mrr = ..., seats = ... }", tname, NULL);
  int rc = 0;
  lua_pushnil(L);
  while (!rc && lua_next(L, -2)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int ok = 0;
    for (int i = 0; k && ev_keys[i]; i++) ok |= strcmp(ev_keys[i], k) == 0;
    if (!ok) {
      char hint[160], msg[300], key[300];
      snprintf(msg, sizeof msg, "%%s: expand: events: unknown option '%%s'%s "
               "(table, key, id, date, kind, mrr, seats)",
               k ? near_of(k, ev_keys, hint, sizeof hint) : "");
      snprintf(key, sizeof key, "expand\x1f" "events\x1f%s", k ? k : "");
      rc = fail_at(cx, err, key, 1, msg, tname, k ? k : "(not a string)");
      lua_pop(L, 1);
    }
  }
  for (int i = 0; ev_keys[i] && !rc; i++) {
    char key[64], p[1024];
    snprintf(key, sizeof key, "expand\x1f" "events\x1f%s", ev_keys[i]);
    lua_getfield(L, -1, ev_keys[i]);
    if (lua_isnil(L, -1) && i == REVL_EV_TABLE) {
      rc = fail(err, "expand\x1f" "events", "%s: expand: events needs table = "
                "\"NAME\" (a table of tables = {...} with the events)", tname, NULL);
    } else if (lua_isnil(L, -1)) {
      if (ev_default[i] && !(tm->ev[i] = strdup(ev_default[i]))) rc = REVL_ENOMEM;
    } else if (lua_type(L, -1) != LUA_TSTRING) {
      rc = fail(err, key, "%s: expand: events: '%s' must be a name (a string)",
                tname, ev_keys[i]);
    } else {
      if (!(tm->ev[i] = dupstr(L, -1))) rc = REVL_ENOMEM;
      snprintf(p, sizeof p, "%s\x1f%s", cx->where, key);
      revl_mapsrc_find(cx->src, p, 0, &tm->ev_line[i], &tm->ev_col[i]);
    }
    lua_pop(L, 1);
  }
  if (!rc) { /* defaulted entries: errors point at events = {...} */
    char p[1024];
    int l, c;
    snprintf(p, sizeof p, "%s\x1f" "expand\x1f" "events", cx->where);
    revl_mapsrc_find(cx->src, p, 1, &l, &c);
    for (int i = 0; i < 7; i++)
      if (!tm->ev_line[i]) {
        tm->ev_line[i] = l;
        tm->ev_col[i] = c;
      }
  }
  if (rc == REVL_ENOMEM) revl_error_set(err, rc, cx->path, 0, 0, "not enough memory");
  return rc;
}

/* A declared type of tm for a column an expand reads, unless types =
 * {...} gives one (by: 1 expand, 2 its events). */
static int imply_type(revl_table_map *tm, const char *name, revl_type type,
                      int line, int col, int by);

/* After every table is read: each expand's events table is a custom
 * table of the mapping; it keeps its rows' lines (for errors) and
 * reads its columns with the types the events need. */
static int link_events(revl_mapping *m, const char *path, revl_error *err) {
  for (int i = 0; i < m->ntables; i++) {
    revl_table_map *tm = &m->tables[i];
    const char *en = tm->ev[REVL_EV_TABLE];
    if (!en) continue;
    revl_table_map *et = NULL;
    for (int j = 0; j < m->ntables; j++)
      if (strcmp(m->tables[j].name, en) == 0) et = &m->tables[j];
    if (!et || revl_table_def_find(en)) {
      revl_near nr;
      char hint[160];
      revl_near_init(&nr, en);
      for (int j = 0; j < m->ntables; j++)
        if (!revl_table_def_find(m->tables[j].name)) revl_near_add(&nr, m->tables[j].name);
      revl_near_hint(&nr, hint, sizeof hint);
      return revl_error_set(err, REVL_EDATA, path, tm->ev_line[REVL_EV_TABLE],
                            tm->ev_col[REVL_EV_TABLE], "%s: expand: events table "
                            "'%s' is not a custom table of the mapping%s (tables = "
                            "{ %s = { file = \"...\" } })", tm->name, en, hint, en);
    }
    et->ev_source_lines = 1;
    static const revl_type ty[7] = {0, 0, REVL_T_STRING, REVL_T_DATE, REVL_T_STRING,
                                    REVL_T_MONEY, REVL_T_INT};
    for (int k = REVL_EV_ID; k <= REVL_EV_SEATS; k++)
      if (tm->ev[k] && imply_type(et, tm->ev[k], ty[k], tm->ev_line[k], tm->ev_col[k], 2))
        return revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
  }
  return 0;
}

/* expand = { start = "Start", ["end"] = "End", every = "month" } of the
 * subscriptions table (expand.c does the work at load). */
static int read_expand(lua_State *L, const mctx *cx, const char *tname,
                       revl_table_map *tm, revl_error *err) {
  static const char *const keys[] = {"start", "end", "every", "events", NULL};
  int rc = 0;
  lua_getfield(L, -1, "expand");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  if (strcmp(tname, "subscriptions") != 0)
    rc = fail(err, "expand", "%s: expand is only for the subscriptions table "
              "(rows with start and end dates into account-month rows)", tname, NULL);
  else if (!lua_istable(L, -1))
    rc = fail(err, "expand", "%s: expand must be a table: { start = \"Start Date\", "
              "[\"end\"] = \"End Date\", every = \"month\" }", tname, NULL);
  else if (tm->key)
    rc = fail(err, "key", "%s: a key cannot be set with expand (a subscription "
              "becomes one row per month)", tname, NULL);
  if (rc) {
    lua_pop(L, 1);
    return rc;
  }
  char p[1024];
  snprintf(p, sizeof p, "%s\x1f" "expand", cx->where);
  revl_mapsrc_find(cx->src, p, 1, &tm->exp_line, &tm->exp_col);
  lua_pushnil(L);
  while (!rc && lua_next(L, -2)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int ok = 0;
    for (int i = 0; k && keys[i]; i++) ok |= strcmp(keys[i], k) == 0;
    if (!ok) {
      char hint[160], msg[300], key[300];
      snprintf(msg, sizeof msg, "%%s: expand: unknown option '%%s'%s (start, "
               "end, every, events)", k ? near_of(k, keys, hint, sizeof hint) : "");
      snprintf(key, sizeof key, "expand\x1f%s", k ? k : "");
      rc = fail_at(cx, err, key, 1, msg, tname, k ? k : "(not a string)");
      lua_pop(L, 1);
    }
  }
  for (int i = 0; i < 3 && !rc; i++) {
    char key[64];
    snprintf(key, sizeof key, "expand\x1f%s", keys[i]);
    lua_getfield(L, -1, keys[i]);
    const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (!v && (i == 0 || !lua_isnil(L, -1))) {
      rc = i == 0 && lua_isnil(L, -1)
               ? fail(err, "expand", "%s: expand needs start = \"column\" (the "
                      "subscription's start date)", tname, NULL)
               : fail(err, key, "%s: expand: '%s' must be a column name (a string)",
                      tname, keys[i]);
    } else if (i == 2 && v && strcmp(v, "month") != 0) {
      char hint[160], msg[300];
      snprintf(msg, sizeof msg, "%%s: expand: every = '%%s' is not a period revl "
               "expands to (month)%s",
               near_of(v, (const char *const[]){"month", NULL}, hint, sizeof hint));
      rc = fail(err, key, msg, tname, v);
    } else if (v && i < 2) {
      char **dst = i == 0 ? &tm->exp_start : &tm->exp_end;
      if (!(*dst = dupstr(L, -1))) rc = REVL_ENOMEM;
      snprintf(p, sizeof p, "%s\x1f%s", cx->where, key);
      revl_mapsrc_find(cx->src, p, 0, i == 0 ? &tm->exp_sline : &tm->exp_eline,
                       i == 0 ? &tm->exp_scol : &tm->exp_ecol);
    }
    lua_pop(L, 1);
  }
  if (!rc) {
    lua_getfield(L, -1, "events");
    if (!lua_isnil(L, -1)) rc = read_events(L, cx, tname, tm, err);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return rc;
}

/* The start and end columns of expand are dates: declared so unless
 * types = {...} says how (a value that is not a date stops the load at
 * its line and column). */
/* Whether two names of a mapping mean one column: through columns =
 * {...} renames, then by their snake_case names ("Churn Date" is
 * churn_date). */
static int same_column(const revl_table_map *tm, const char *a, const char *b) {
  const char *ab[2] = {a, b};
  char sn[2][256];
  for (int w = 0; w < 2; w++) {
    for (int i = 0; i < tm->npairs; i++)
      if (strcmp(tm->rename_from[i], ab[w]) == 0) ab[w] = tm->rename_to[i];
    revl_snake_case(ab[w], sn[w], sizeof sn[w]);
  }
  return strcmp(ab[0], ab[1]) == 0 || (sn[0][0] && strcmp(sn[0], sn[1]) == 0);
}

static int imply_type(revl_table_map *tm, const char *name, revl_type type,
                      int line, int col, int by) {
  for (int k = 0; k < tm->ntypes; k++)
    if (same_column(tm, tm->types[k].name, name)) return 0;
  revl_coltype *t = realloc(tm->types, (size_t)(tm->ntypes + 1) * sizeof *t);
  if (!t) return REVL_ENOMEM;
  tm->types = t;
  revl_coltype *c = &t[tm->ntypes];
  memset(c, 0, sizeof *c);
  if (!(c->name = strdup(name))) return REVL_ENOMEM;
  c->type = type;
  c->by_expand = by;
  c->line = line;
  c->col = col;
  tm->ntypes++;
  return 0;
}

static int expand_types(revl_table_map *tm) {
  const char *cols[2] = {tm->exp_start, tm->exp_end};
  int lines[2] = {tm->exp_sline, tm->exp_eline}, colsat[2] = {tm->exp_scol, tm->exp_ecol};
  for (int i = 0; i < 2; i++) {
    if (!cols[i] || (i == 1 && same_column(tm, cols[0], cols[1]))) continue;
    int rc = imply_type(tm, cols[i], REVL_T_DATE, lines[i], colsat[i], 1);
    if (rc) return rc;
  }
  return 0;
}

/* Read the options of one table (or the top level) at the stack top. */
static int read_opts(lua_State *L, const mctx *cx, const char *tname,
                     revl_table_map *tm, int top, revl_error *err) {
  int rc = 0;
  if (!top) {
    /* unknown keys are mistakes worth stopping for */
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
      int ok = 0;
      for (int i = 0; k && table_keys[i]; i++)
        if (strcmp(table_keys[i], k) == 0) ok = 1;
      if (!ok) {
        char hint[160], msg[300];
        snprintf(msg, sizeof msg, "%%s: unknown option '%%s'%s",
                 k ? near_of(k, table_keys, hint, sizeof hint) : "");
        rc = fail_at(cx, err, k, 1, msg, tname, k ? k : "(not a string)");
        lua_pop(L, 1);
        return rc;
      }
    }
  }
  lua_getfield(L, -1, "file");
  if (lua_type(L, -1) == LUA_TSTRING) {
    tm->file = dupstr(L, -1);
    char p[1024];
    snprintf(p, sizeof p, "%s%sfile", cx->where, cx->where[0] ? "\x1f" : "");
    revl_mapsrc_find(cx->src, p, 0, &tm->file_line, &tm->file_col);
  } else if (!lua_isnil(L, -1)) {
    rc = fail(err, "file", "%s: 'file' must be a string", tname, NULL);
  }
  lua_pop(L, 1);
  if (rc) return rc;

  lua_getfield(L, -1, "preset");
  if (!lua_isnil(L, -1)) {
    const char *p = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    int preset = revl_preset_from_name(p);
    if (preset < 0)
      rc = fail(err, "preset", "unknown preset '%s'%s (generic, salesforce, hubspot)",
                p ? p : "?", near_of(p, (const char *const[]){"generic", "salesforce", "hubspot", NULL},
                                     (char[160]){0}, 160));
    else
      tm->preset = preset;
  }
  lua_pop(L, 1);
  if (rc) return rc;

  lua_getfield(L, -1, "key");
  if (lua_type(L, -1) == LUA_TSTRING) tm->key = dupstr(L, -1);
  lua_pop(L, 1);

  lua_getfield(L, -1, "date_format");
  if (!lua_isnil(L, -1)) {
    const char *f = lua_tostring(L, -1);
    if (f && strcmp(f, "m/d/Y") == 0) tm->popts.date_order = 'M';
    else if (f && strcmp(f, "d/m/Y") == 0) tm->popts.date_order = 'D';
    else if (f && strcmp(f, "Y-m-d") == 0) tm->popts.date_order = 'Y';
    else rc = fail(err, "date_format", "date_format '%s' is not one of m/d/Y, d/m/Y, Y-m-d",
                   f ? f : "?", NULL);
  }
  lua_pop(L, 1);
  if (rc) return rc;
  if ((rc = read_sep(L, cx, "decimal", &tm->popts.decimal_sep, err)) ||
      (rc = read_sep(L, cx, "thousands", &tm->popts.thousands_sep, err)) ||
      (rc = read_sep(L, cx, "delimiter", &tm->delimiter, err)))
    return rc;

  lua_getfield(L, -1, "currency");
  if (!lua_isnil(L, -1)) {
    size_t n;
    const char *c = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
    if (!c || n != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' ||
        c[2] < 'A' || c[2] > 'Z')
      rc = fail(err, "currency", "currency must be an ISO 4217 code like \"EUR\"", NULL, NULL);
    else
      memcpy(tm->currency, c, 4);
  }
  lua_pop(L, 1);
  if (rc) return rc;

  lua_getfield(L, -1, "probability_scale");
  if (!lua_isnil(L, -1)) {
    lua_Integer sc = lua_tointeger(L, -1);
    if (sc != 1 && sc != 100)
      rc = fail(err, "probability_scale", "probability_scale must be 1 or 100", NULL, NULL);
    tm->prob_scale = (int)sc;
  }
  lua_pop(L, 1);
  if (rc) return rc;

  /* null = {...} replaces the default tokens, null_add = {...} adds to
   * whatever list is in force (the defaults, or the top level's) */
  const char *nk[2] = {"null", "null_add"};
  for (int w = 0; w < 2 && !rc; w++) {
    lua_getfield(L, -1, nk[w]);
    if (lua_istable(L, -1)) {
      if (w == 0) tm->null_replace = 1;
      int n = (int)luaL_len(L, -1);
      for (int i = 1; i <= n && !rc; i++) {
        lua_rawgeti(L, -1, i);
        if (lua_type(L, -1) != LUA_TSTRING)
          rc = fail(err, nk[w], "%s: '%s' must be a list of strings", tname, nk[w]);
        else if (tm->nnulls >= REVL_MAX_NULLS)
          rc = fail(err, nk[w], "%s: more than 32 null tokens in '%s'", tname, nk[w]);
        else
          tm->nulls[tm->nnulls++] = dupstr(L, -1);
        lua_pop(L, 1);
      }
    } else if (!lua_isnil(L, -1)) {
      rc = fail(err, nk[w], "%s: '%s' must be a list of strings", tname, nk[w]);
    }
    lua_pop(L, 1);
  }
  if (rc) return rc;

  lua_getfield(L, -1, "duplicates");
  if (!lua_isnil(L, -1)) {
    const char *d = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strcmp(d, "first") == 0) tm->dup_policy = REVL_DUP_FIRST;
    else if (strcmp(d, "error") == 0) tm->dup_policy = REVL_DUP_ERROR;
    else if (strcmp(d, "keep") == 0) tm->dup_policy = REVL_DUP_KEEP;
    else if (strcmp(d, "last") == 0) tm->dup_policy = REVL_DUP_LAST;
    else {
      char msg[300], hint[160];
      snprintf(msg, sizeof msg, "%%s: duplicates = '%%s' is not one of first, "
               "last, error, keep%s",
               near_of(d, (const char *const[]){"first", "last", "error", "keep", NULL},
                       hint, sizeof hint));
      rc = fail(err, "duplicates", msg, tname, d);
    }
  }
  lua_pop(L, 1);
  if (rc) return rc;

  /* columns = { ["CSV header"] = "field" }, references = { col = "x" }
   * and referenced_by = { child_table = "its column" } */
  const char *pairs[3] = {"columns", "references", "referenced_by"};
  for (int w = 0; w < 3; w++) {
    lua_getfield(L, -1, pairs[w]);
    if (lua_istable(L, -1)) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
          lua_pop(L, 3);
          return fail(err, pairs[w], "%s: '%s' must map strings to strings", tname,
                      pairs[w]);
        }
        if (w == 2) { /* where the entry is written, for errors found at load */
          int *pos = realloc(tm->refby_pos, (size_t)(tm->nrefby + 1) * 2 * sizeof *pos);
          if (!pos) {
            lua_pop(L, 3);
            return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
          }
          tm->refby_pos = pos;
          char p[1024];
          snprintf(p, sizeof p, "%s%sreferenced_by\x1f%s", cx->where, cx->where[0] ? "\x1f" : "",
                   lua_tostring(L, -2));
          revl_mapsrc_find(cx->src, p, 0, &pos[2 * tm->nrefby], &pos[2 * tm->nrefby + 1]);
        }
        int *n = w == 0 ? &tm->npairs : w == 1 ? &tm->nrefs : &tm->nrefby;
        char ***from = w == 0 ? &tm->rename_from : w == 1 ? &tm->ref_col : &tm->refby_table;
        char ***to = w == 0 ? &tm->rename_to : w == 1 ? &tm->ref_target : &tm->refby_col;
        char **f = realloc(*from, (size_t)(*n + 1) * sizeof *f);
        if (f) *from = f;
        char **t = f ? realloc(*to, (size_t)(*n + 1) * sizeof *t) : NULL;
        if (t) *to = t;
        char *a = t ? dupstr(L, -2) : NULL, *b = a ? dupstr(L, -1) : NULL;
        if (!b) { /* a pair dropped would map the file differently */
          free(a);
          lua_pop(L, 3);
          return revl_error_set(err, REVL_ENOMEM, cx->path, 0, 0, "not enough memory");
        }
        (*from)[*n] = a;
        (*to)[*n] = b;
        (*n)++;
        lua_pop(L, 1);
      }
    } else if (!lua_isnil(L, -1)) {
      lua_pop(L, 1);
      return fail(err, pairs[w], "%s: '%s' must be a table", tname, pairs[w]);
    }
    lua_pop(L, 1);
  }

  /* constants = { stage = "Closed Won" }: a column with one value */
  lua_getfield(L, -1, "constants");
  if (lua_istable(L, -1)) {
    const revl_table_def *td = revl_table_def_find(tname);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
        lua_pop(L, 3);
        return fail(err, "constants", "%s: 'constants' must map field names to strings",
                    tname, NULL);
      }
      const char *f = lua_tostring(L, -2);
      if ((td && td->pk && strcmp(td->pk, f) == 0) || (tm->key && strcmp(tm->key, f) == 0)) {
        char key[300];
        snprintf(key, sizeof key, "constants\x1f%s", f);
        int rc2 = fail_at(cx, err, key, 1, "%s: the primary key '%s' cannot be a "
                          "constant", tname, f);
        lua_pop(L, 3);
        return rc2;
      }
      char **n = realloc(tm->const_name, (size_t)(tm->nconsts + 1) * sizeof *n);
      if (n) tm->const_name = n;
      char **v = realloc(tm->const_value, (size_t)(tm->nconsts + 1) * sizeof *v);
      if (v) tm->const_value = v;
      if (!n || !v) {
        lua_pop(L, 3);
        return revl_error_set(err, REVL_ENOMEM, cx->path, 0, 0, "not enough memory");
      }
      tm->const_name[tm->nconsts] = dupstr(L, -2);
      tm->const_value[tm->nconsts] = dupstr(L, -1);
      tm->nconsts++;
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return fail(err, "constants", "%s: 'constants' must map field names to strings", tname, NULL);
  }
  lua_pop(L, 1);

  /* stages = { won = {...}, lost = {...}, open = {...} } */
  lua_getfield(L, -1, "stages");
  if (lua_istable(L, -1)) {
    const char *kinds[3] = {"won", "lost", "open"};
    for (int k = 0; k < 3; k++) {
      lua_getfield(L, -1, kinds[k]);
      if (lua_istable(L, -1)) {
        int n = (int)luaL_len(L, -1);
        for (int i = 1; i <= n; i++) {
          lua_rawgeti(L, -1, i);
          if (lua_type(L, -1) == LUA_TSTRING) {
            char **sn = realloc(tm->stage_name, (size_t)(tm->nstages + 1) * sizeof *sn);
            char *so = realloc(tm->stage_outcome, (size_t)(tm->nstages + 1));
            if (sn) tm->stage_name = sn;
            if (so) tm->stage_outcome = so;
            if (sn && so) {
              sn[tm->nstages] = dupstr(L, -1);
              so[tm->nstages] = kinds[k][0] == 'w' ? 'w' : kinds[k][0] == 'l' ? 'l' : 'o';
              tm->nstages++;
            }
          }
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  if (top) {
    lua_getfield(L, -1, "expand");
    int has = !lua_isnil(L, -1);
    lua_pop(L, 1);
    return has ? fail(err, "expand", "expand belongs to the subscriptions table "
                      "(subscriptions = { expand = {...} })", NULL, NULL)
               : 0;
  }
  if ((rc = read_expand(L, cx, tname, tm, err))) return rc;
  /* derive = {...} and types = {...}, compiled now (transform.c) */
  if (!(tm->mapfile = strdup(cx->path)))
    return revl_error_set(err, REVL_ENOMEM, cx->path, 0, 0, "not enough memory");
  rc = revl_transform_read(L, cx->path, cx->src, cx->where, tm, err);
  if (!rc) rc = expand_types(tm);
  if (rc == REVL_ENOMEM)
    revl_error_set(err, REVL_ENOMEM, cx->path, 0, 0, "not enough memory");
  return rc;
}

static int is_table_name(const char *k) {
  return revl_table_def_find(k) != NULL;
}

#define MAX_SOURCE (16u << 20)

/* The whole mapping file, without a UTF-8 BOM; caller frees. */
static char *read_source(const char *path, size_t *n, revl_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    revl_error_set(err, REVL_EIO, path, 0, 0, "cannot open mapping file: %s",
                   strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 14, len = 0;
  char *buf = malloc(cap);
  int nomem = !buf;
  while (buf) {
    if (len == cap) {
      char *nb = cap < MAX_SOURCE ? realloc(buf, cap * 2) : NULL;
      nomem = cap < MAX_SOURCE && !nb;
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t k = fread(buf + len, 1, cap - len, f);
    len += k;
    if (k == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (!buf || bad) {
    free(buf);
    if (bad)
      revl_error_set(err, REVL_EIO, path, 0, 0, "cannot read mapping file: %s",
                     strerror(errno));
    else if (nomem)
      revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
    else
      revl_error_set(err, REVL_EDATA, path, 0, 0,
                     "mapping file is larger than %u MiB", MAX_SOURCE >> 20);
    return NULL;
  }
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
    memmove(buf, buf + 3, len - 3);
    len -= 3;
  }
  *n = len;
  return buf;
}

/* The table names a mapping may use at the top level, for hints. */
static const char **table_names(void) {
  static const char *names[32];
  int k = 0;
  for (int i = 0; i < revl_ntable_defs && k < 31; i++) names[k++] = revl_table_defs[i].name;
  names[k] = NULL;
  return names;
}

/* The tables of the mapping's returned table (at the stack top) into m:
 * the top-level options, then each table entry.  0 or a REVL_E* code. */
static int read_tables(lua_State *L, mctx *cx, revl_mapping *m, revl_error *err) {
  mctx top = *cx;
  cx = &top;
  const char *path = top.path;
  const revl_mapsrc *srcp = top.src;
  int rc = 0;
  if ((rc = read_opts(L, cx, "(top level)", &m->defaults, 1, err))) return rc;
  /* table entries: at the top level or under tables = {...} */
  for (int pass = 0; pass < 2 && !rc; pass++) {
    if (pass == 1) {
      lua_getfield(L, -1, "tables");
      if (!lua_istable(L, -1)) {
        if (!lua_isnil(L, -1))
          rc = fail(err, "tables", "'tables' must be a table { name = { file "
                    "= ... } }", NULL, NULL);
        lua_pop(L, 1);
        break;
      }
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      int is_opt = 0;
      for (int i = 0; pass == 0 && k && table_keys[i]; i++)
        if (strcmp(table_keys[i], k) == 0) is_opt = 1;
      if (pass == 0 && k && strcmp(k, "tables") == 0) is_opt = 1;
      if (!k || is_opt || !lua_istable(L, -1)) {
        if (k && !is_opt) {
          char hint[160], msg[400];
          if (pass == 0) {
            revl_near nr;
            revl_near_init(&nr, k);
            for (int i = 0; table_keys[i]; i++) revl_near_add(&nr, table_keys[i]);
            for (const char **t = table_names(); *t; t++) revl_near_add(&nr, *t);
            revl_near_add(&nr, "tables");
            revl_near_hint(&nr, hint, sizeof hint);
            snprintf(msg, sizeof msg, "%s '%%s'%s", lua_istable(L, -1)
                     ? "unknown table" : "unknown top-level option", hint);
          } else {
            snprintf(msg, sizeof msg, "tables: '%%s' must be a table { file = "
                     "... }");
          }
          snprintf(top.where, sizeof top.where, "%s", pass ? "tables" : "");
          rc = fail_at(cx, err, k, 1, msg, k, NULL);
          lua_pop(L, 2);
          break;
        }
        lua_pop(L, 1);
        continue;
      }
      if (pass == 0 && !is_table_name(k)) {
        char hint[160], msg[400];
        snprintf(msg, sizeof msg, "'%%s' is not a table name%s (put custom "
                 "tables under tables = {...})",
                 near_of(k, table_names(), hint, sizeof hint));
        rc = fail_at(cx, err, k, 1, msg, k, NULL);
        lua_pop(L, 2);
        break;
      }
      for (int i = 0; i < m->ntables; i++)
        if (strcmp(m->tables[i].name, k) == 0) {
          snprintf(top.where, sizeof top.where, "tables");
          rc = fail_at(cx, err, k, 1, "table '%s' is mapped twice (at the top "
                       "level and under tables)", k, NULL);
        }
      if (rc) {
        lua_pop(L, 2);
        break;
      }
      revl_table_map *t = realloc(m->tables, (size_t)(m->ntables + 1) * sizeof *t);
      if (!t) {
        rc = revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
        lua_pop(L, 2);
        break;
      }
      m->tables = t;
      t = &m->tables[m->ntables++];
      /* start from the top-level defaults (scalars only) */
      memset(t, 0, sizeof *t);
      snprintf(t->name, sizeof t->name, "%s", k);
      t->preset = m->defaults.preset;
      t->popts = m->defaults.popts;
      memcpy(t->currency, m->defaults.currency, 4);
      t->prob_scale = m->defaults.prob_scale;
      t->delimiter = m->defaults.delimiter;
      t->null_replace = m->defaults.null_replace;
      t->dup_policy = m->defaults.dup_policy;
      for (int i = 0; i < m->defaults.nnulls; i++)
        t->nulls[t->nnulls++] = strdup(m->defaults.nulls[i]);
      int had_nulls = t->nnulls;
      lua_getfield(L, -1, "null");
      int own_nulls = !lua_isnil(L, -1);
      lua_pop(L, 1);
      if (own_nulls) {
        for (int i = 0; i < had_nulls; i++) free(t->nulls[i]);
        t->nnulls = 0;
      }
      mctx tcx = {path, srcp, ""};
      snprintf(tcx.where, sizeof tcx.where, "%s%s", pass ? "tables\x1f" : "", k);
      rc = read_opts(L, &tcx, k, t, 0, err);
      lua_pop(L, 1);
      if (rc) {
        lua_pop(L, 1);
        break;
      }
    }
    if (pass == 1) lua_pop(L, 1);
  }
  return rc;
}

/* The loaded chunk (index 1) with an empty _ENV (data only) and the
 * instruction limit, in a protected call: creating the environment
 * allocates, and an allocation failure must not be a panic. */
static int run_chunk_p(lua_State *L) {
  lua_pushvalue(L, 1); /* kept for the sandbox of derive functions */
  lua_setfield(L, LUA_REGISTRYINDEX, "revl.chunk");
  lua_newtable(L);
  lua_setupvalue(L, 1, 1);
  lua_sethook(L, hook_limit, LUA_MASKCOUNT, MAX_INSTRUCTIONS);
  lua_call(L, 0, 1);
  return 1;
}

typedef struct readjob {
  mctx *cx;
  revl_mapping *m;
  revl_error *err;
  int rc;
} readjob;

/* read_tables in a protected call: the Lua API it uses raises on an
 * allocation failure, which must not be a panic (abort). */
static int read_tables_p(lua_State *L) {
  readjob *j = lua_touserdata(L, 1);
  lua_settop(L, 2);
  j->rc = read_tables(L, j->cx, j->m, j->err);
  return 0;
}

int revl_mapping_read(const char *path, revl_mapping *m, revl_error *err) {
  memset(m, 0, sizeof *m);
  size_t srclen = 0;
  char *source = read_source(path, &srclen, err);
  if (!source) return err ? err->code : REVL_EIO;
  revl_mapsrc src;
  revl_mapsrc_scan(&src, source, srclen);
  mctx top = {path, &src, ""};
  const mctx *cx = &top;
  revl_mapfn *fh = revl_mapfn_new(path);
  lua_State *L = fh ? revl_mapfn_state(fh) : NULL;
  if (!L) {
    free(source);
    revl_mapsrc_done(&src);
    return revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
  }
  int rc = 0, st = luaL_loadbufferx(L, source, srclen, "=" CHUNK, "t");
  free(source);
  if (st != LUA_OK) {
    rc = lua_fail(L, st, path, err);
    goto out;
  }
  lua_pushcfunction(L, run_chunk_p);
  lua_insert(L, -2);
  if ((st = lua_pcall(L, 1, 1, 0)) != LUA_OK) {
    rc = lua_fail(L, st, path, err);
    goto out;
  }
  lua_sethook(L, NULL, 0, 0);
  if (!lua_istable(L, -1)) {
    rc = fail(err, NULL, "a mapping file must return a table", NULL, NULL);
    goto out;
  }
  readjob job = {&top, m, err, 0};
  lua_pushcfunction(L, read_tables_p);
  lua_pushlightuserdata(L, &job);
  lua_pushvalue(L, -3);
  if ((st = lua_pcall(L, 2, 0, 0)) != LUA_OK) {
    rc = lua_fail(L, st, path, err);
    goto out;
  }
  rc = job.rc;
  if (!rc) rc = link_events(m, path, err);
  /* derive functions keep the state (mapfn.c) */
  if (!rc && (rc = revl_mapfn_finish(&fh)))
    revl_error_set(err, rc, path, 0, 0, "not enough memory");
  if (!rc) {
    m->fn = fh;
    fh = NULL;
  }
out:
  revl_mapfn_free(fh);
  revl_mapsrc_done(&src);
  if (rc) revl_mapping_done(m);
  return rc;
}

static void map_done(revl_table_map *t) {
  free(t->file);
  free(t->key);
  for (int i = 0; i < t->npairs; i++) {
    free(t->rename_from[i]);
    free(t->rename_to[i]);
  }
  free(t->rename_from);
  free(t->rename_to);
  for (int i = 0; i < t->nrefs; i++) {
    free(t->ref_col[i]);
    free(t->ref_target[i]);
  }
  free(t->ref_col);
  free(t->ref_target);
  for (int i = 0; i < t->nrefby; i++) {
    free(t->refby_table[i]);
    free(t->refby_col[i]);
  }
  free(t->refby_table);
  free(t->refby_col);
  free(t->refby_pos);
  for (int i = 0; i < t->nnulls; i++) free(t->nulls[i]);
  for (int i = 0; i < t->nstages; i++) free(t->stage_name[i]);
  free(t->stage_name);
  free(t->stage_outcome);
  for (int i = 0; i < t->nconsts; i++) {
    free(t->const_name[i]);
    free(t->const_value[i]);
  }
  free(t->const_name);
  free(t->const_value);
  revl_transform_done(t);
  free(t->exp_start);
  free(t->exp_end);
  for (int i = 0; i < 7; i++) free(t->ev[i]);
  free(t->mapfile);
}

void revl_mapping_done(revl_mapping *m) {
  for (int i = 0; i < m->ntables; i++) map_done(&m->tables[i]);
  free(m->tables);
  map_done(&m->defaults);
  revl_mapfn_free(m->fn);
  memset(m, 0, sizeof *m);
}
