/*
 * repl_complete.c -- Tab completion for `revl repl`: globals, fields,
 * methods, table and column names, :commands and their arguments, and
 * the libedit function bound to Tab that shows or inserts them.
 *
 * Completion never runs playbook code: it walks globals and fields with
 * raw access, using only revl's own C functions (the module's table
 * lookup, a view's columns, a row's fields).
 */
#include <ctype.h>
#include <histedit.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"

static int idch(int c) { return isalnum((unsigned char)c) || c == '_'; }
static int chainch(int c) { return idch(c) || c == '.' || c == ':'; }

static int is_ident(const char *s) {
  if (!s[0] || isdigit((unsigned char)s[0])) return 0;
  for (; *s; s++)
    if (!idch(*s)) return 0;
  return 1;
}

static int is_module(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_rawgeti(L, LUA_REGISTRYINDEX, g_repl->module_ref);
  int eq = lua_rawequal(L, idx, -1);
  lua_pop(L, 1);
  return eq;
}

static int is_frame(lua_State *L, int idx) {
  int yes = 0;
  if (lua_istable(L, idx) && lua_getmetatable(L, idx)) {
    lua_pushliteral(L, "__name");
    lua_rawget(L, -2);
    const char *n = lua_tostring(L, -1);
    yes = n && strcmp(n, "revl.frame") == 0;
    lua_pop(L, 2);
  }
  return yes;
}

static int is_view(lua_State *L, int idx) {
  return luaL_testudata(L, idx, "revl.view") != NULL;
}
static int is_row(lua_State *L, int idx) {
  return luaL_testudata(L, idx, "revl.row") != NULL;
}

/* t[k] through revl's C __index (rows, the module); errors give nil */
static int geti_cf(lua_State *L) {
  lua_gettable(L, 1);
  return 1;
}

static void protected_get(lua_State *L, int obj) {
  obj = lua_absindex(L, obj);
  lua_pushcfunction(L, geti_cf);
  lua_pushvalue(L, obj);
  lua_pushvalue(L, -3); /* key */
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  lua_remove(L, -2); /* key */
}

/* obj key -> value, without running playbook code */
static void safe_index(lua_State *L) {
  int obj = lua_gettop(L) - 1;
  if (lua_istable(L, obj)) {
    lua_pushvalue(L, -1);
    if (lua_rawget(L, obj) == LUA_TNIL) {
      lua_pop(L, 1);
      if (is_module(L, obj)) {
        protected_get(L, obj);
      } else {
        /* __index tables, never functions */
        lua_pushvalue(L, obj);
        int found = 0;
        for (int depth = 0; depth < 8 && !found; depth++) {
          if (!lua_getmetatable(L, -1)) break;
          lua_pushliteral(L, "__index");
          lua_rawget(L, -2);
          lua_remove(L, -2);
          if (!lua_istable(L, -1)) break;
          lua_remove(L, -2);
          lua_pushvalue(L, obj + 1);
          if (lua_rawget(L, -2) != LUA_TNIL) found = 1;
          else lua_pop(L, 1);
        }
        if (found) {
          lua_remove(L, -2);
        } else {
          lua_pop(L, 1);
          lua_pushnil(L);
        }
      }
    } else {
      lua_remove(L, -2); /* key */
    }
  } else if (is_row(L, obj)) {
    protected_get(L, obj);
  } else {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  lua_remove(L, obj);
}

/* Evaluate a chain of names "a.b.c"; pushes the value or nil. */
static void eval_chain(lua_State *L, const char *s, size_t n) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  size_t i = 0;
  while (i <= n) {
    size_t j = i;
    while (j < n && s[j] != '.') j++;
    if (j == i || isdigit((unsigned char)s[i])) {
      lua_pop(L, 1);
      lua_pushnil(L);
      return;
    }
    for (size_t k = i; k < j; k++)
      if (!idch(s[k])) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return;
      }
    lua_pushlstring(L, s + i, j - i);
    safe_index(L);
    if (lua_isnil(L, -1)) return;
    i = j + 1;
  }
}

typedef struct cctx {
  lua_State *L;
  int set;             /* candidates: a set table */
  const char *partial; /* what the word typed so far is */
  size_t plen;
  int any;             /* accept any text, not only identifiers */
} cctx;

static void add(cctx *c, const char *s) {
  if (!s || strncmp(s, c->partial, c->plen) != 0) return;
  if (!c->any && !is_ident(s)) return;
  if (s[0] == '_' && c->partial[0] != '_') return; /* private */
  lua_pushboolean(c->L, 1);
  lua_setfield(c->L, c->set, s);
}

/* string keys of the table at idx (functions only when fn_only) */
static void add_keys(cctx *c, int idx, int fn_only) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) == LUA_TSTRING && (!fn_only || lua_isfunction(L, -1)))
      add(c, lua_tostring(L, -2));
    lua_pop(L, 1);
  }
}

/* names in the list at idx */
static void add_list(cctx *c, int idx) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, idx, i) == LUA_TSTRING) add(c, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
}

/* the methods table of a view (its metatable's __index) */
static int push_view_methods(lua_State *L, int view) {
  if (!lua_getmetatable(L, view)) return 0;
  lua_pushliteral(L, "__index");
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_istable(L, -1)) return 1;
  lua_pop(L, 1);
  return 0;
}

/* columns of the view at idx */
static void add_view_columns(cctx *c, int view) {
  lua_State *L = c->L;
  view = lua_absindex(L, view);
  if (!push_view_methods(L, view)) return;
  lua_getfield(L, -1, "columns");
  lua_remove(L, -2);
  if (!lua_iscfunction(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pushvalue(L, view);
  if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) add_list(c, -1);
  lua_pop(L, 1);
}

/* columns of the row at idx, and the references it follows (account for
 * account_id) */
static void add_row_fields(cctx *c, int row) {
  lua_State *L = c->L;
  row = lua_absindex(L, row);
  if (!luaL_getmetafield(L, row, "__pairs")) return;
  lua_pushvalue(L, row);
  if (lua_pcall(L, 1, 3, 0) != LUA_OK) {
    lua_pop(L, 1);
    return;
  }
  int it = lua_gettop(L) - 2;
  lua_pushnil(L);
  for (int guard = 0; guard < 10000; guard++) {
    lua_pushvalue(L, it);
    lua_pushvalue(L, it + 1);
    lua_pushvalue(L, -3);
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) {
      lua_pop(L, 1);
      break;
    }
    lua_pop(L, 1); /* the value */
    lua_remove(L, -2); /* previous key */
    if (lua_type(L, -1) != LUA_TSTRING) break;
    const char *k = lua_tostring(L, -1);
    add(c, k);
    size_t kn = strlen(k);
    if (kn > 3 && strcmp(k + kn - 3, "_id") == 0) {
      /* row.account follows account_id when it is a reference; other
       * names raise "no column" */
      lua_pushcfunction(L, geti_cf);
      lua_pushvalue(L, row);
      lua_pushlstring(L, k, kn - 3);
      if (lua_pcall(L, 2, 1, 0) == LUA_OK) {
        lua_pushlstring(L, k, kn - 3);
        add(c, lua_tostring(L, -1));
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, it - 1);
}

/* the view of a table named like `name` (deals, or deal for deals) */
static int push_table_named(lua_State *L, const char *name) {
  char buf[256];
  const char *forms[3] = {"%s", "%ss", NULL};
  size_t n = strlen(name);
  for (int f = 0; f < 3; f++) {
    if (f < 2) snprintf(buf, sizeof buf, forms[f], name);
    else if (n > 1 && name[n - 1] == 'y')
      snprintf(buf, sizeof buf, "%.*sies", (int)(n - 1), name);
    else break;
    lua_rawgeti(L, LUA_REGISTRYINDEX, g_repl->module_ref);
    lua_pushstring(L, buf);
    protected_get(L, -2);
    lua_remove(L, -2);
    if (is_view(L, -1)) return 1;
    lua_pop(L, 1);
  }
  return 0;
}

/* candidates for OBJ followed by sep ('.' or ':') */
static void add_members(cctx *c, int obj, char sep) {
  lua_State *L = c->L;
  obj = lua_absindex(L, obj);
  if (is_view(L, obj)) {
    if (push_view_methods(L, obj)) {
      add_keys(c, -1, 0);
      lua_pop(L, 1);
    }
    if (sep == '.') add_view_columns(c, obj);
  } else if (is_row(L, obj)) {
    if (sep == ':') {
      add(c, "get");
      add(c, "follow");
      add(c, "totable");
    } else {
      add_row_fields(c, obj);
    }
  } else if (lua_istable(L, obj)) {
    add_keys(c, obj, sep == ':');
    lua_pushvalue(L, obj);
    for (int depth = 0; depth < 8; depth++) {
      if (!lua_getmetatable(L, -1)) break;
      lua_pushliteral(L, "__index");
      lua_rawget(L, -2);
      lua_remove(L, -2);
      lua_remove(L, -2);
      if (!lua_istable(L, -1)) break;
      add_keys(c, -1, sep == ':');
    }
    lua_pop(L, 1);
    if (sep == '.' && is_module(L, obj)) {
      lua_getfield(L, obj, "tables");
      if (lua_iscfunction(L, -1) && lua_pcall(L, 0, 1, 0) == LUA_OK && lua_istable(L, -1))
        add_list(c, -1);
      lua_pop(L, 1);
    }
    if (sep == '.' && is_frame(L, obj)) {
      lua_pushliteral(L, "columns");
      if (lua_rawget(L, obj) == LUA_TTABLE) add_list(c, -1);
      lua_pop(L, 1);
    }
  } else if (lua_type(L, obj) == LUA_TSTRING && sep == ':') {
    if (lua_getmetatable(L, obj)) {
      lua_pushliteral(L, "__index");
      if (lua_rawget(L, -2) == LUA_TTABLE) add_keys(c, -1, 1);
      lua_pop(L, 2);
    }
  }
}

/* The line up to the cursor, scanned: brackets, strings, comments. */
typedef struct scan {
  const char *line;
  size_t n;
  size_t *match; /* match[i]: the open bracket closed at i, or NONE */
  size_t *open;  /* brackets still open, outermost first */
  int depth;
  int in_str, in_comment;
  size_t str_start;
} scan;

#define NONE ((size_t)-1)

static void scan_line(lua_State *L, scan *sc, const char *line, size_t n) {
  memset(sc, 0, sizeof *sc);
  sc->line = line;
  sc->n = n;
  sc->match = lua_newuserdatauv(L, (n + 1) * sizeof *sc->match, 0);
  sc->open = lua_newuserdatauv(L, (n + 1) * sizeof *sc->open, 0);
  char quote = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = line[i];
    sc->match[i] = NONE;
    if (sc->in_str) {
      if (quote == ']') {
        if (ch == ']' && i + 1 < n && line[i + 1] == ']') {
          sc->in_str = 0;
          sc->match[++i] = NONE;
        }
      } else if (ch == '\\') {
        if (i + 1 < n) sc->match[++i] = NONE;
      } else if (ch == quote) {
        sc->in_str = 0;
      }
      continue;
    }
    if (ch == '-' && i + 1 < n && line[i + 1] == '-') {
      sc->in_comment = 1;
      return;
    }
    if (ch == '"' || ch == '\'') {
      sc->in_str = 1;
      quote = ch;
      sc->str_start = i + 1;
    } else if (ch == '[' && i + 1 < n && line[i + 1] == '[') {
      sc->in_str = 1;
      quote = ']';
      sc->str_start = i + 2;
      sc->match[++i] = NONE;
    } else if (ch == '(' || ch == '{' || ch == '[') {
      sc->open[sc->depth++] = i;
    } else if ((ch == ')' || ch == '}' || ch == ']') && sc->depth > 0) {
      sc->match[i] = sc->open[--sc->depth];
    }
  }
}

/* The callee before the bracket at b, "X:method" or ":method" (after a
 * call): *s its start, *m its ':', *e its end.  0 when it is no method
 * call; -1 when there is no name before b at all. */
static int callee_before(const scan *sc, size_t b, size_t *s, size_t *m, size_t *e) {
  size_t k = b;
  while (k > 0 && isspace((unsigned char)sc->line[k - 1])) k--;
  *e = k;
  while (k > 0 && chainch(sc->line[k - 1])) k--;
  *s = k;
  if (*s == *e) return -1;
  *m = NONE;
  for (size_t i = *s; i < *e; i++)
    if (sc->line[i] == ':') *m = i;
  return *m != NONE && *m + 1 < *e;
}

static int is_view_or_frame(lua_State *L, int idx) {
  return is_view(L, idx) || is_frame(L, idx);
}

static void push_value_before(lua_State *L, const scan *sc, size_t pos, int hops);

/* the receiver of the method call named at [s, e) with its ':' at m */
static void push_receiver(lua_State *L, const scan *sc, size_t s, size_t m, int hops) {
  if (m == s) {
    push_value_before(L, sc, s, hops + 1);
  } else if (memchr(sc->line + s, ':', m - s)) {
    lua_pushnil(L);
  } else {
    eval_chain(L, sc->line + s, m - s);
  }
}

/* The value of the expression ending at pos when it is a name chain or a
 * view method call that keeps the table (where, sort_by, limit, select):
 * `revl.deals:where{...}` gives revl.deals -- nothing is called. */
static void push_value_before(lua_State *L, const scan *sc, size_t pos, int hops) {
  const char *line = sc->line;
  size_t e = pos;
  while (e > 0 && isspace((unsigned char)line[e - 1])) e--;
  if (e == 0 || hops > 16) {
    lua_pushnil(L);
    return;
  }
  char last = line[e - 1];
  if (last == ')' || last == '}') {
    static const char *const same[] = {"where", "sort_by", "limit", "select", NULL};
    size_t o = sc->match[e - 1], s, m, ce;
    if (o == NONE || callee_before(sc, o, &s, &m, &ce) != 1) {
      lua_pushnil(L);
      return;
    }
    int keeps = 0;
    for (int i = 0; same[i]; i++)
      if (strlen(same[i]) == ce - m - 1 && !memcmp(line + m + 1, same[i], ce - m - 1))
        keeps = 1;
    if (!keeps) {
      lua_pushnil(L);
      return;
    }
    push_receiver(L, sc, s, m, hops);
    if (!is_view_or_frame(L, -1)) {
      lua_pop(L, 1);
      lua_pushnil(L);
    }
    return;
  }
  size_t s = e;
  while (s > 0 && chainch(line[s - 1])) s--;
  if (s == e || memchr(line + s, ':', e - s) ||
      (s > 0 && (line[s - 1] == ')' || line[s - 1] == '}' || line[s - 1] == ']'))) {
    lua_pushnil(L);
    return;
  }
  eval_chain(L, line + s, e - s);
}

/* The view or frame whose method call encloses the cursor, as in
 * `revl.deals:where{st` or `v:sort_by("am`: pushes it and returns 1. */
static int push_enclosing_call(lua_State *L, const scan *sc) {
  for (int d = sc->depth - 1; d >= 0; d--) {
    size_t s, m, e;
    int k = callee_before(sc, sc->open[d], &s, &m, &e);
    if (k < 0) continue; /* `({`, `= {`: look further out */
    if (k == 0) return 0;
    push_receiver(L, sc, s, m, 0);
    if (is_view_or_frame(L, -1)) return 1;
    lua_pop(L, 1);
    return 0;
  }
  return 0;
}

/* columns of the view or frame at idx */
static void add_columns(cctx *c, int idx) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  if (is_view(L, idx)) {
    add_view_columns(c, idx);
  } else {
    lua_pushliteral(L, "columns");
    if (lua_rawget(L, idx) == LUA_TTABLE) add_list(c, -1);
    lua_pop(L, 1);
  }
}

static const char *const keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for",
    "function", "goto", "if", "in", "local", "nil", "not", "or",
    "repeat", "return", "then", "true", "until", "while", NULL};

/* complete_cf(line): a set of candidates and the length of the word
 * being completed */
static int complete_cf(lua_State *L) {
  size_t n;
  const char *line = luaL_checklstring(L, 1, &n);
  lua_newtable(L);
  cctx c = {L, lua_gettop(L), "", 0, 0};

  /* :commands */
  size_t lead = 0;
  while (lead < n && isspace((unsigned char)line[lead])) lead++;
  if (lead < n && line[lead] == ':' && (lead + 1 == n || isalpha((unsigned char)line[lead + 1]))) {
    const char *sp = memchr(line + lead, ' ', n - lead);
    if (!sp) {
      c.partial = line + lead + 1;
      c.plen = n - lead - 1;
      for (int i = 0; repl_commands[i]; i++) add(&c, repl_commands[i]);
    } else if (strncmp(line + lead, ":schema ", 8) == 0) {
      c.partial = sp + 1;
      while (*c.partial == ' ') c.partial++;
      c.plen = (size_t)(line + n - c.partial);
      lua_rawgeti(L, LUA_REGISTRYINDEX, g_repl->module_ref);
      lua_getfield(L, -1, "tables");
      if (lua_iscfunction(L, -1) && lua_pcall(L, 0, 1, 0) == LUA_OK && lua_istable(L, -1))
        add_list(&c, -1);
      lua_settop(L, c.set);
    }
    lua_pushinteger(L, (lua_Integer)c.plen);
    return 2;
  }

  scan sc;
  scan_line(L, &sc, line, n);
  if (sc.in_comment) {
    lua_settop(L, c.set);
    lua_pushinteger(L, 0);
    return 2;
  }
  if (sc.in_str) {
    /* a column name in a view method's string argument */
    c.partial = line + sc.str_start;
    c.plen = n - sc.str_start;
    c.any = 1;
    if (push_enclosing_call(L, &sc)) add_columns(&c, -1);
    lua_settop(L, c.set);
    lua_pushinteger(L, (lua_Integer)c.plen);
    return 2;
  }

  size_t s = n;
  while (s > 0 && chainch(line[s - 1])) s--;
  const char *word = line + s;
  size_t wn = n - s;
  if (wn && isdigit((unsigned char)word[0])) {
    lua_settop(L, c.set);
    lua_pushinteger(L, 0);
    return 2;
  }
  const char *sep = NULL;
  for (size_t k = 0; k < wn; k++)
    if (word[k] == '.' || word[k] == ':') sep = word + k;
  if (!sep) {
    c.partial = word;
    c.plen = wn;
    size_t p = s;
    while (p > 0 && isspace((unsigned char)line[p - 1])) p--;
    int key_pos = p > 0 && (line[p - 1] == '{' || line[p - 1] == ',' || line[p - 1] == ';');
    if (key_pos && push_enclosing_call(L, &sc)) {
      add_columns(&c, -1); /* a column as a key of a where{} spec */
    } else {
      lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
      add_keys(&c, -1, 0);
      for (int i = 0; keywords[i]; i++) add(&c, keywords[i]);
    }
    lua_settop(L, c.set);
    lua_pushinteger(L, (lua_Integer)c.plen);
    return 2;
  }
  c.partial = sep + 1;
  c.plen = (size_t)(word + wn - c.partial);
  size_t on = (size_t)(sep - word);
  if (on == 0) {
    /* `X:where{...}:so`: the receiver of a call */
    push_value_before(L, &sc, s, 0);
    add_members(&c, -1, *sep);
  } else if (memchr(word, ':', on)) {
    /* a:b.c is not a name */
  } else {
    eval_chain(L, word, on);
    if (lua_isnil(L, -1) && *sep == '.' && !memchr(word, '.', on)) {
      /* `deal.` with no such global: a row of the table named like it */
      char name[128];
      snprintf(name, sizeof name, "%.*s", (int)(on < 127 ? on : 127), word);
      if (push_table_named(L, name)) add_view_columns(&c, -1);
    } else {
      add_members(&c, -1, *sep);
    }
  }
  lua_settop(L, c.set);
  lua_pushinteger(L, (lua_Integer)c.plen);
  return 2;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Candidates for the line up to the cursor: a sorted array of strings
 * (free with free_list) and the length of the word they replace. */
static char **candidates(repl *r, const char *line, size_t n, size_t *count,
                         size_t *wlen) {
  lua_State *L = r->L;
  int top = lua_gettop(L);
  char **list = NULL;
  *count = 0;
  *wlen = 0;
  lua_pushcfunction(L, complete_cf);
  lua_pushlstring(L, line, n);
  if (lua_pcall(L, 1, 2, 0) != LUA_OK || !lua_istable(L, -2)) {
    lua_settop(L, top);
    return NULL;
  }
  *wlen = (size_t)lua_tointeger(L, -1);
  size_t cap = 0;
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    if (*count == cap) {
      cap = cap ? cap * 2 : 32;
      char **nl = realloc(list, cap * sizeof *nl);
      if (!nl) break;
      list = nl;
    }
    list[*count] = strdup(lua_tostring(L, -1));
    if (list[*count]) (*count)++;
  }
  lua_settop(L, top);
  if (*count) qsort(list, *count, sizeof *list, cmp_str);
  return list;
}

static void free_list(char **list, size_t n) {
  for (size_t i = 0; i < n; i++) free(list[i]);
  free(list);
}

static int term_width(EditLine *el) {
  int cols = 0;
  if (el_get(el, EL_GETTC, "co", &cols, NULL) != 0 || cols <= 0) cols = 80;
  return cols;
}

unsigned char repl_el_complete(EditLine *el, int ch) {
  (void)ch;
  const LineInfo *li = el_line(el);
  size_t n = (size_t)(li->cursor - li->buffer), count, wlen;
  size_t blank = 0;
  while (blank < n && isspace((unsigned char)li->buffer[blank])) blank++;
  if (blank == n) { /* indentation, as in pasted code */
    el_insertstr(el, "\t");
    return CC_REFRESH;
  }
  char **list = candidates(g_repl, li->buffer, n, &count, &wlen);
  if (!count) {
    free(list);
    return CC_REFRESH_BEEP;
  }
  /* the longest common prefix */
  size_t common = strlen(list[0]);
  for (size_t i = 1; i < count; i++) {
    size_t k = 0;
    while (k < common && list[i][k] == list[0][k]) k++;
    common = k;
  }
  unsigned char rc;
  if (common > wlen) {
    char *ins = strndup(list[0] + wlen, common - wlen);
    if (ins) el_insertstr(el, ins);
    free(ins);
    if (count == 1 && li->buffer[0] == ':' && !memchr(li->buffer, ' ', n))
      el_insertstr(el, " ");
    rc = CC_REFRESH;
  } else if (count == 1) {
    rc = CC_REFRESH; /* already complete */
  } else {
    size_t w = 0;
    for (size_t i = 0; i < count; i++)
      if (strlen(list[i]) > w) w = strlen(list[i]);
    int cols = term_width(el) / (int)(w + 2);
    if (cols < 1) cols = 1;
    size_t rows = (count + (size_t)cols - 1) / (size_t)cols;
    fputc('\n', stdout);
    for (size_t row = 0; row < rows; row++) {
      for (size_t col = 0; col < (size_t)cols; col++) {
        size_t i = col * rows + row;
        if (i >= count) break;
        int last = col + 1 == (size_t)cols || i + rows >= count;
        if (last) fputs(list[i], stdout);
        else fprintf(stdout, "%-*s", (int)(w + 2), list[i]);
      }
      fputc('\n', stdout);
    }
    fflush(stdout);
    rc = CC_REDISPLAY;
  }
  free_list(list, count);
  return rc;
}
