/*
 * mapsrc.c -- where each entry of a mapping file is written.
 *
 * A Lua table forgets the lines its entries came from, but an error in a
 * mapping file should point at the entry ("mapping.lua:7:15: deals:
 * derive: unknown transform 'sacle'").  This module scans the source
 * text with a small Lua tokenizer and records, for every entry of the
 * table constructor after the top-level `return`, its path of keys
 * (deals, derive, amount, scale) with the position of the key and of the
 * value.  Entries built by code (a local table, a function's result)
 * have no position of their own; a lookup then falls back to the
 * nearest enclosing entry that has one.  A function's body (a derive
 * fn) is skipped whole: its commas and braces are no entries.
 */
#include "mapint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct frame {
  char *path;   /* keys joined by REVL_MAPSEP; "" for the root table */
  int index;    /* next positional index */
  int start;    /* the next token starts an entry */
  int parens;   /* ( and [ nesting inside the current entry */
} frame;

typedef struct scanner {
  const char *s;
  size_t n, i;
  int line, col; /* of s[i] */
  revl_mapsrc *ms;
  int oom;
} scanner;

typedef struct token {
  int kind;      /* 'n' name, 's' string, '0' number, or the punctuation */
  size_t at, len; /* the token's bytes (a string: its contents) */
  int line, col;
} token;

static void adv(scanner *sc) {
  if (sc->s[sc->i] == '\n') {
    sc->line++;
    sc->col = 1;
  } else if (((unsigned char)sc->s[sc->i] & 0xC0) != 0x80) {
    sc->col++; /* columns count characters, not UTF-8 bytes */
  }
  sc->i++;
}

/* Level of a long bracket [==[ at i, or -1 when there is none. */
static int long_open(const scanner *sc, size_t i) {
  if (i >= sc->n || sc->s[i] != '[') return -1;
  size_t k = i + 1;
  while (k < sc->n && sc->s[k] == '=') k++;
  return k < sc->n && sc->s[k] == '[' ? (int)(k - i - 1) : -1;
}

static void skip_long(scanner *sc, int level) {
  for (int k = 0; k < level + 2; k++) adv(sc);
  while (sc->i < sc->n) {
    if (sc->s[sc->i] == ']') {
      size_t k = sc->i + 1;
      int eq = 0;
      while (k < sc->n && sc->s[k] == '=') k++, eq++;
      if (eq == level && k < sc->n && sc->s[k] == ']') {
        while (sc->i <= k) adv(sc);
        return;
      }
    }
    adv(sc);
  }
}

/* The next token; kind 0 at the end. */
static token next(scanner *sc) {
  token t;
  memset(&t, 0, sizeof t);
  for (;;) {
    while (sc->i < sc->n && isspace((unsigned char)sc->s[sc->i])) adv(sc);
    if (sc->i + 1 < sc->n && sc->s[sc->i] == '-' && sc->s[sc->i + 1] == '-') {
      adv(sc);
      adv(sc);
      int lv = long_open(sc, sc->i);
      if (lv >= 0) {
        skip_long(sc, lv);
      } else {
        while (sc->i < sc->n && sc->s[sc->i] != '\n') adv(sc);
      }
      continue;
    }
    break;
  }
  if (sc->i >= sc->n) return t;
  t.line = sc->line;
  t.col = sc->col;
  t.at = sc->i;
  char c = sc->s[sc->i];
  if (isalpha((unsigned char)c) || c == '_') {
    while (sc->i < sc->n &&
           (isalnum((unsigned char)sc->s[sc->i]) || sc->s[sc->i] == '_'))
      adv(sc);
    t.kind = 'n';
  } else if (isdigit((unsigned char)c)) {
    while (sc->i < sc->n && (isalnum((unsigned char)sc->s[sc->i]) ||
                             sc->s[sc->i] == '.'))
      adv(sc);
    t.kind = '0';
  } else if (c == '"' || c == '\'') {
    adv(sc);
    t.at = sc->i;
    while (sc->i < sc->n && sc->s[sc->i] != c && sc->s[sc->i] != '\n') {
      if (sc->s[sc->i] == '\\' && sc->i + 1 < sc->n) adv(sc);
      adv(sc);
    }
    t.len = sc->i - t.at;
    if (sc->i < sc->n) adv(sc);
    t.kind = 's';
    return t;
  } else if (long_open(sc, sc->i) >= 0) {
    int lv = long_open(sc, sc->i);
    size_t a = sc->i + (size_t)lv + 2;
    skip_long(sc, lv);
    t.at = a;
    t.len = sc->i >= a + (size_t)lv + 2 ? sc->i - a - (size_t)lv - 2 : 0;
    t.kind = 's';
    return t;
  } else {
    adv(sc);
    t.kind = (unsigned char)c;
    if (c == '=' && sc->i < sc->n && sc->s[sc->i] == '=') {
      adv(sc);
      t.kind = 'E'; /* == */
    }
  }
  t.len = sc->i - t.at;
  return t;
}

static int is_word(const char *src, const token *t, const char *w) {
  size_t n = strlen(w);
  return t->len == n && memcmp(src + t->at, w, n) == 0;
}

static char *join(const char *a, const char *b, size_t blen) {
  size_t al = strlen(a);
  char *p = malloc(al + blen + 2);
  if (!p) return NULL;
  memcpy(p, a, al);
  size_t o = al;
  if (al) p[o++] = REVL_MAPSEP;
  memcpy(p + o, b, blen);
  p[o + blen] = '\0';
  return p;
}

static char *add(scanner *sc, const char *path, const token *key,
                 const token *val) {
  revl_mapsrc *ms = sc->ms;
  if (ms->n == ms->cap) {
    int cap = ms->cap ? ms->cap * 2 : 64;
    revl_mappos *p = realloc(ms->pos, (size_t)cap * sizeof *p);
    if (!p) {
      sc->oom = 1;
      return NULL;
    }
    ms->pos = p;
    ms->cap = cap;
  }
  char *d = strdup(path);
  if (!d) {
    sc->oom = 1;
    return NULL;
  }
  revl_mappos *p = &ms->pos[ms->n++];
  p->path = d;
  p->kline = key->line;
  p->kcol = key->col;
  p->line = val->line;
  p->col = val->col;
  return d;
}

void revl_mapsrc_scan(revl_mapsrc *ms, const char *src, size_t n) {
  memset(ms, 0, sizeof *ms);
  scanner sc = {src, n, 0, 1, 1, ms, 0};
  frame st[MAX_DEPTH];
  int depth = 0, other = 0; /* braces outside the returned table */
  int after_return = 0;
  const char *pending = NULL; /* path of an entry whose value is next */
  token t = next(&sc);
  while (t.kind && !sc.oom) {
    token cur = t;
    t = next(&sc);
    if (depth == 0) {
      if (cur.kind == '{' && after_return && !other) {
        st[0] = (frame){strdup(""), 1, 1, 0};
        if (!st[0].path) break;
        depth = 1;
      } else if (cur.kind == '{') {
        other++;
      } else if (cur.kind == '}' && other) {
        other--;
      }
      after_return = cur.kind == 'n' && cur.len == 6 &&
                     memcmp(src + cur.at, "return", 6) == 0;
      continue;
    }
    frame *f = &st[depth - 1];
    const char *vpath = pending;
    pending = NULL;
    if (f->start && f->parens == 0 && cur.kind != '}') {
      f->start = 0;
      char *p = NULL;
      if (cur.kind == 'n' && t.kind == '=') {
        /* key = value */
        char *full = join(f->path, src + cur.at, cur.len);
        token eq = t;
        t = next(&sc);
        (void)eq;
        if (full) p = add(&sc, full, &cur, &t);
        free(full);
        pending = p;
        continue;
      }
      if (cur.kind == '[') {
        token k = t, close, eq;
        if (k.kind == 's' && (close = next(&sc)).kind == ']' &&
            (eq = next(&sc)).kind == '=') {
          char *full = join(f->path, src + k.at, k.len);
          t = next(&sc);
          if (full) p = add(&sc, full, &k, &t);
          free(full);
          pending = p;
          continue;
        }
        /* [expr] = value: no path of its own */
        f->parens++;
        t = k.kind ? k : t;
        continue;
      }
      /* a positional entry */
      char idx[16];
      int il = snprintf(idx, sizeof idx, "%d", f->index++);
      char *full = join(f->path, idx, (size_t)il);
      if (full) vpath = add(&sc, full, &cur, &cur);
      free(full);
    }
    if (cur.kind == 'n' && is_word(src, &cur, "function")) {
      /* a function's body is no entry: skip to its matching end */
      int level = 1;
      while (t.kind && level) {
        if (t.kind == 'n') {
          if (is_word(src, &t, "function") || is_word(src, &t, "do") ||
              is_word(src, &t, "if") || is_word(src, &t, "repeat"))
            level++;
          else if (is_word(src, &t, "end") || is_word(src, &t, "until"))
            level--;
        }
        t = next(&sc);
      }
      continue;
    }
    switch (cur.kind) {
    case '{':
      if (depth == MAX_DEPTH) goto out;
      st[depth] = (frame){strdup(vpath && f->parens == 0 ? vpath : "\x1e"),
                          1, 1, 0};
      if (!st[depth].path) goto out;
      depth++;
      break;
    case '}':
      free(f->path);
      depth--;
      if (depth == 0) goto out; /* the returned table ends */
      break;
    case '(':
    case '[': f->parens++; break;
    case ')':
    case ']':
      if (f->parens) f->parens--;
      break;
    case ',':
    case ';':
      if (f->parens == 0) f->start = 1;
      break;
    default: break;
    }
  }
out:
  while (depth > 0) free(st[--depth].path);
}

void revl_mapsrc_done(revl_mapsrc *ms) {
  for (int i = 0; i < ms->n; i++) free(ms->pos[i].path);
  free(ms->pos);
  memset(ms, 0, sizeof *ms);
}

void revl_mapsrc_find(const revl_mapsrc *ms, const char *path, int key,
                      int *line, int *col) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", path);
  *line = *col = 0;
  for (;;) {
    for (int i = 0; ms && i < ms->n; i++)
      if (strcmp(ms->pos[i].path, buf) == 0) {
        *line = key ? ms->pos[i].kline : ms->pos[i].line;
        *col = key ? ms->pos[i].kcol : ms->pos[i].col;
        return;
      }
    char *sep = strrchr(buf, REVL_MAPSEP);
    if (!sep) return;
    *sep = '\0';
    key = 1; /* an enclosing entry: point at its key */
  }
}
