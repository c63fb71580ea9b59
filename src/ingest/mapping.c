/*
 * mapping.c -- mapping files: a Lua chunk returning a table that says how
 * each export is read.  It runs in a bare Lua state with an empty
 * environment and an instruction limit, so a mapping file can compute
 * nothing but data and cannot hang the load.  See docs/mapping.md.
 */
#include "revl/ingest.h"

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
    "stages", "delimiter", "null_add", "duplicates", "constants", NULL};

#define CHUNK "mapping"            /* chunk name: errors read "mapping:LINE:" */
#define MAX_INSTRUCTIONS 10000000
#define MAX_MEMORY (64u << 20)

static void hook_limit(lua_State *L, lua_Debug *ar) {
  lua_getinfo(L, "l", ar);
  lua_pushfstring(L, CHUNK ":%d: mapping file runs too long (stopped after "
                     "%d instructions; it should only return a table)",
                  ar->currentline, MAX_INSTRUCTIONS);
  lua_error(L);
}

/* Allocations of the mapping's Lua state, capped at MAX_MEMORY: a
 * runaway file gets an error instead of the out-of-memory killer. */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  size_t *used = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    *used -= old;
    return NULL;
  }
  if (nsize > old && *used + (nsize - old) > MAX_MEMORY) return NULL;
  void *p = realloc(ptr, nsize);
  if (p) *used = *used - old + nsize;
  return p;
}

typedef struct chunk_reader {
  FILE *f;
  int first;
  char buf[4096];
} chunk_reader;

static const char *read_chunk(lua_State *L, void *ud, size_t *size) {
  chunk_reader *r = ud;
  (void)L;
  *size = fread(r->buf, 1, sizeof r->buf, r->f);
  if (r->first) {
    r->first = 0;
    if (*size >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
      *size -= 3;
      return *size ? r->buf + 3 : NULL;
    }
  }
  return *size ? r->buf : NULL;
}

/* A Lua error as a revl error on the mapping file, with its line. */
static int lua_fail(lua_State *L, int status, const char *path,
                    revl_error *err) {
  const char *m = lua_tostring(L, -1);
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

/* Error positions: "path:LINE: msg" from Lua, or our own with the line
 * of the chunk unknown. */
static int fail(revl_error *err, const char *path, const char *fmt,
                const char *a, const char *b) {
  char msg[512];
  snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
  return revl_error_set(err, REVL_EDATA, path, 0, 0, "%s", msg);
}

static char *dupstr(lua_State *L, int idx) {
  size_t n;
  const char *s = lua_tolstring(L, idx, &n);
  char *d = malloc(n + 1);
  if (d) memcpy(d, s, n + 1);
  return d;
}

static int read_sep(lua_State *L, const char *path, const char *key,
                    char *out, revl_error *err) {
  lua_getfield(L, -1, key);
  int rc = 0;
  if (!lua_isnil(L, -1)) {
    size_t n;
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
    if (!s || n != 1)
      rc = fail(err, path, "'%s' must be a one-character string", key, NULL);
    else
      *out = s[0];
  }
  lua_pop(L, 1);
  return rc;
}

/* Read the options of one table (or the top level) at the stack top. */
static int read_opts(lua_State *L, const char *path, const char *tname,
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
        rc = fail(err, path, "%s: unknown option '%s'", tname,
                  k ? k : "(not a string)");
        lua_pop(L, 1);
        return rc;
      }
    }
  }
  lua_getfield(L, -1, "file");
  if (lua_type(L, -1) == LUA_TSTRING) tm->file = dupstr(L, -1);
  else if (!lua_isnil(L, -1)) rc = fail(err, path, "%s: 'file' must be a string", tname, NULL);
  lua_pop(L, 1);
  if (rc) return rc;

  lua_getfield(L, -1, "preset");
  if (!lua_isnil(L, -1)) {
    const char *p = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    int preset = revl_preset_from_name(p);
    if (preset < 0)
      rc = fail(err, path, "unknown preset '%s' (generic, salesforce, hubspot)",
                p ? p : "?", NULL);
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
    else rc = fail(err, path, "date_format '%s' is not one of m/d/Y, d/m/Y, Y-m-d",
                   f ? f : "?", NULL);
  }
  lua_pop(L, 1);
  if (rc) return rc;
  if ((rc = read_sep(L, path, "decimal", &tm->popts.decimal_sep, err)) ||
      (rc = read_sep(L, path, "thousands", &tm->popts.thousands_sep, err)) ||
      (rc = read_sep(L, path, "delimiter", &tm->delimiter, err)))
    return rc;

  lua_getfield(L, -1, "currency");
  if (!lua_isnil(L, -1)) {
    size_t n;
    const char *c = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
    if (!c || n != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' ||
        c[2] < 'A' || c[2] > 'Z')
      rc = fail(err, path, "currency must be an ISO 4217 code like \"EUR\"", NULL, NULL);
    else
      memcpy(tm->currency, c, 4);
  }
  lua_pop(L, 1);
  if (rc) return rc;

  lua_getfield(L, -1, "probability_scale");
  if (!lua_isnil(L, -1)) {
    lua_Integer sc = lua_tointeger(L, -1);
    if (sc != 1 && sc != 100)
      rc = fail(err, path, "probability_scale must be 1 or 100", NULL, NULL);
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
          rc = fail(err, path, "%s: '%s' must be a list of strings", tname, nk[w]);
        else if (tm->nnulls >= REVL_MAX_NULLS)
          rc = fail(err, path, "%s: more than 32 null tokens in '%s'", tname, nk[w]);
        else
          tm->nulls[tm->nnulls++] = dupstr(L, -1);
        lua_pop(L, 1);
      }
    } else if (!lua_isnil(L, -1)) {
      rc = fail(err, path, "%s: '%s' must be a list of strings", tname, nk[w]);
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
    else rc = fail(err, path, "%s: duplicates = '%s' is not one of first, error, keep",
                   tname, d);
  }
  lua_pop(L, 1);
  if (rc) return rc;

  /* columns = { ["CSV header"] = "field" } and references = { col = "x" } */
  const char *pairs[2] = {"columns", "references"};
  for (int w = 0; w < 2; w++) {
    lua_getfield(L, -1, pairs[w]);
    if (lua_istable(L, -1)) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
          lua_pop(L, 3);
          return fail(err, path, "%s: '%s' must map strings to strings", tname,
                      pairs[w]);
        }
        int *n = w == 0 ? &tm->npairs : &tm->nrefs;
        char ***from = w == 0 ? &tm->rename_from : &tm->ref_col;
        char ***to = w == 0 ? &tm->rename_to : &tm->ref_target;
        char **f = realloc(*from, (size_t)(*n + 1) * sizeof *f);
        if (f) *from = f;
        char **t = realloc(*to, (size_t)(*n + 1) * sizeof *t);
        if (t) *to = t;
        if (f && t) {
          (*from)[*n] = dupstr(L, -2);
          (*to)[*n] = dupstr(L, -1);
          (*n)++;
        }
        lua_pop(L, 1);
      }
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
        return fail(err, path, "%s: 'constants' must map field names to strings",
                    tname, NULL);
      }
      const char *f = lua_tostring(L, -2);
      if ((td && td->pk && strcmp(td->pk, f) == 0) || (tm->key && strcmp(tm->key, f) == 0)) {
        lua_pop(L, 3);
        return fail(err, path, "%s: the primary key '%s' cannot be a constant",
                    tname, f);
      }
      char **n = realloc(tm->const_name, (size_t)(tm->nconsts + 1) * sizeof *n);
      if (n) tm->const_name = n;
      char **v = realloc(tm->const_value, (size_t)(tm->nconsts + 1) * sizeof *v);
      if (v) tm->const_value = v;
      if (!n || !v) {
        lua_pop(L, 3);
        return revl_error_set(err, REVL_ENOMEM, path, 0, 0, "out of memory");
      }
      tm->const_name[tm->nconsts] = dupstr(L, -2);
      tm->const_value[tm->nconsts] = dupstr(L, -1);
      tm->nconsts++;
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return fail(err, path, "%s: 'constants' must map field names to strings", tname, NULL);
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
  return 0;
}

static int is_table_name(const char *k) {
  return revl_table_def_find(k) != NULL;
}

int revl_mapping_read(const char *path, revl_mapping *m, revl_error *err) {
  memset(m, 0, sizeof *m);
  chunk_reader r;
  r.first = 1;
  r.f = fopen(path, "r");
  if (!r.f)
    return revl_error_set(err, REVL_EIO, path, 0, 0,
                          "cannot open mapping file: %s", strerror(errno));
  size_t used = 0;
  lua_State *L = lua_newstate(limited_alloc, &used);
  if (!L) {
    fclose(r.f);
    return revl_error_set(err, REVL_ENOMEM, path, 0, 0, "out of memory");
  }
  int rc = 0, st = lua_load(L, read_chunk, &r, "=" CHUNK, "t");
  if (ferror(r.f)) {
    rc = revl_error_set(err, REVL_EIO, path, 0, 0,
                        "cannot read mapping file: %s", strerror(errno));
    fclose(r.f);
    goto out;
  }
  fclose(r.f);
  if (st != LUA_OK) {
    rc = lua_fail(L, st, path, err);
    goto out;
  }
  lua_newtable(L); /* empty _ENV: data only */
  lua_setupvalue(L, -2, 1);
  lua_sethook(L, hook_limit, LUA_MASKCOUNT, MAX_INSTRUCTIONS);
  if ((st = lua_pcall(L, 0, 1, 0)) != LUA_OK) {
    rc = lua_fail(L, st, path, err);
    goto out;
  }
  lua_sethook(L, NULL, 0, 0);
  if (!lua_istable(L, -1)) {
    rc = fail(err, path, "a mapping file must return a table", NULL, NULL);
    goto out;
  }
  if ((rc = read_opts(L, path, "(top level)", &m->defaults, 1, err))) goto out;
  /* table entries: at the top level or under tables = {...} */
  for (int pass = 0; pass < 2 && !rc; pass++) {
    if (pass == 1) {
      lua_getfield(L, -1, "tables");
      if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        break;
      }
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      int is_opt = 0;
      for (int i = 0; k && table_keys[i]; i++)
        if (strcmp(table_keys[i], k) == 0) is_opt = 1;
      if (k && strcmp(k, "tables") == 0) is_opt = 1;
      if (!k || is_opt || !lua_istable(L, -1)) {
        if (pass == 0 && k && !is_opt) {
          rc = fail(err, path, "unknown top-level option '%s'", k, NULL);
          lua_pop(L, 2);
          break;
        }
        lua_pop(L, 1);
        continue;
      }
      if (pass == 0 && !is_table_name(k)) {
        rc = fail(err, path,
                  "'%s' is not a table name (put custom tables under tables = {...})",
                  k, NULL);
        lua_pop(L, 2);
        break;
      }
      revl_table_map *t = realloc(m->tables, (size_t)(m->ntables + 1) * sizeof *t);
      if (!t) {
        rc = revl_error_set(err, REVL_ENOMEM, path, 0, 0, "out of memory");
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
      rc = read_opts(L, path, k, t, 0, err);
      lua_pop(L, 1);
      if (rc) {
        lua_pop(L, 1);
        break;
      }
    }
    if (pass == 1) lua_pop(L, 1);
  }
out:
  lua_close(L);
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
}

void revl_mapping_done(revl_mapping *m) {
  for (int i = 0; i < m->ntables; i++) map_done(&m->tables[i]);
  free(m->tables);
  map_done(&m->defaults);
  memset(m, 0, sizeof *m);
}
