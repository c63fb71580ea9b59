/*
 * transform.c -- derived columns and declared column types of a mapping.
 *
 * `derive = { stage = { from = "Result", map = {...} } }` makes a field
 * from the export's columns by one declared transform (a copy, a value
 * map, a concatenation, a regular-expression capture, a date in a given
 * format, an exact decimal scale); `types = { seats = "integer" }` fixes
 * the type of a custom column instead of inferring it.  Both are read
 * and compiled once, when the mapping file is read (regular expressions
 * included), and applied to each record into caller-owned buffers, so
 * the load allocates nothing per row.  See docs/mapping.md.
 */
#include "mapint.h"

#include <ctype.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- exact decimals ------------------------------------------------- */

static const int64_t pow10s[19] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
    1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
    100000000000000, 1000000000000000, 10000000000000000,
    100000000000000000, 1000000000000000000};

static void dec_norm(int64_t *m, int *e) {
  while (*e > 0 && *m % 10 == 0) *m /= 10, (*e)--;
}

int revl_dec_parse(const char *s, size_t n, const revl_parse_opts *po,
                   int64_t *m, int *e) {
  char dsep = po && po->decimal_sep ? po->decimal_sep : '.';
  char tsep = po && po->thousands_sep ? po->thousands_sep : ',';
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  size_t i = 0;
  int neg = 0, digits = 0, frac = -1;
  int64_t v = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  for (; i < n; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (v > (INT64_MAX - 9) / 10) return -1;
      v = v * 10 + (c - '0');
      digits++;
      if (frac >= 0) frac++;
    } else if (c == dsep && frac < 0) {
      frac = 0;
    } else if (c == tsep && frac < 0 && digits) {
      continue;
    } else {
      return -1;
    }
  }
  if (!digits) return -1;
  *m = neg ? -v : v;
  *e = frac > 0 ? frac : 0;
  if (*e > 18) return -1;
  dec_norm(m, e);
  return 0;
}

int revl_dec_to_minor(int64_t m, int e, int dec, int64_t *out) {
  dec_norm(&m, &e);
  if (e > dec) return -1;
  int64_t r;
  if (dec - e > 18 || __builtin_mul_overflow(m, pow10s[dec - e], &r)) return -1;
  *out = r;
  return 0;
}

size_t revl_dec_format(int64_t m, int e, char *buf, size_t size) {
  char d[32];
  uint64_t u = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
  int k = snprintf(d, sizeof d, "%llu", (unsigned long long)u);
  const char *sign = m < 0 ? "-" : "";
  int n;
  if (e == 0)
    n = snprintf(buf, size, "%s%s", sign, d);
  else if (k > e)
    n = snprintf(buf, size, "%s%.*s.%s", sign, k - e, d, d + k - e);
  else
    n = snprintf(buf, size, "%s0.%.*s%s", sign, e - k, "000000000000000000", d);
  return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* ---- date formats --------------------------------------------------- */

static const char *const months[12] = {"january", "february", "march",
                                       "april", "may", "june", "july",
                                       "august", "september", "october",
                                       "november", "december"};

/* Compile a format ("d.m.Y" or "%d.%m.%Y") into f: directives always
 * as %X.  0, or -1 with a reason. */
static int datefmt_compile(const char *in, revl_datefmt *f, const char **why) {
  size_t o = 0;
  int pct = strchr(in, '%') != NULL, y = 0, mo = 0, d = 0;
  f->has_time = 0;
  for (size_t i = 0; in[i]; i++) {
    char c = in[i];
    if (pct) {
      if (c != '%') {
        if (o + 2 >= sizeof f->fmt) goto long_;
        f->fmt[o++] = c;
        continue;
      }
      c = in[++i];
      if (!c) {
        *why = "ends with a lone '%'";
        return -1;
      }
      if (!strchr("YymdbHMS%", c)) {
        *why = "has a directive other than %Y %y %m %d %b %H %M %S";
        return -1;
      }
    } else if (isalpha((unsigned char)c) && !strchr("YymdbHMS", c)) {
      *why = "has a letter other than Y y m d b H M S (write d.m.Y, not dd.mm.yyyy)";
      return -1;
    } else if (!isalpha((unsigned char)c)) {
      if (o + 2 >= sizeof f->fmt) goto long_;
      f->fmt[o++] = c;
      continue;
    }
    if (c != '%') {
      for (size_t k = 0; k + 1 < o; k++)
        if (f->fmt[k] == '%' && f->fmt[k + 1] == c) {
          *why = pct ? "repeats a directive" : "repeats a letter (write d.m.Y, "
                 "not dd.mm.yyyy: each letter once)";
          return -1;
        }
    }
    if (o + 3 >= sizeof f->fmt) goto long_;
    f->fmt[o++] = '%';
    f->fmt[o++] = c;
    y |= c == 'Y' || c == 'y';
    mo |= c == 'm' || c == 'b';
    d |= c == 'd';
    f->has_time |= c == 'H' || c == 'M' || c == 'S';
  }
  f->fmt[o] = '\0';
  if (!y || !mo || (!d && f->has_time)) { /* no day: the month's first */
    *why = "needs a year (Y), a month (m or b) and, with a time, a day (d)";
    return -1;
  }
  return 0;
long_:
  *why = "is too long";
  return -1;
}

static int digits(const char *s, size_t n, size_t *i, int min, int max, int *v) {
  int k = 0;
  *v = 0;
  while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
    *v = *v * 10 + (s[*i] - '0');
    (*i)++;
    k++;
  }
  return k >= min ? 0 : -1;
}

int revl_datefmt_parse(const revl_datefmt *f, const char *s, size_t n,
                       int32_t *days, int64_t *secs) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  size_t i = 0;
  int Y = 0, m = 0, d = strstr(f->fmt, "%d") ? 0 : 1, H = 0, M = 0, S = 0;
  for (const char *p = f->fmt; *p; p++) {
    if (*p != '%') {
      if (*p == ' ') {
        if (i >= n || s[i] != ' ') return -1;
        while (i < n && s[i] == ' ') i++;
        continue;
      }
      if (i >= n || s[i] != *p) return -1;
      i++;
      continue;
    }
    char c = *++p;
    int r = 0;
    switch (c) {
    case 'Y': r = digits(s, n, &i, 4, 4, &Y); break;
    case 'y': r = digits(s, n, &i, 2, 2, &Y); Y += 2000; break;
    case 'm': r = digits(s, n, &i, 1, 2, &m); break;
    case 'd': r = digits(s, n, &i, 1, 2, &d); break;
    case 'H': r = digits(s, n, &i, 1, 2, &H); break;
    case 'M': r = digits(s, n, &i, 1, 2, &M); break;
    case 'S': r = digits(s, n, &i, 1, 2, &S); break;
    case 'b': {
      size_t k = i;
      while (k < n && isalpha((unsigned char)s[k])) k++;
      size_t len = k - i;
      r = -1;
      for (int mi = 0; mi < 12 && len >= 3; mi++)
        if (len <= strlen(months[mi]) && (len == 3 || len == strlen(months[mi])) &&
            strncasecmp(s + i, months[mi], len) == 0) {
          m = mi + 1;
          r = 0;
        }
      i = k;
      break;
    }
    case '%':
      r = i < n && s[i] == '%' ? 0 : -1;
      i++;
      break;
    }
    if (r) return -1;
  }
  if (i != n || m < 1 || m > 12 || d < 1 || d > revl_days_in_month(Y, (unsigned)m) ||
      H > 23 || M > 59 || S > 59)
    return -1;
  *days = revl_days_from_civil(Y, (unsigned)m, (unsigned)d);
  if (secs) *secs = (int64_t)*days * 86400 + H * 3600 + M * 60 + S;
  return 0;
}

/* ---- reading the mapping -------------------------------------------- */

typedef struct rctx {
  lua_State *L;
  const char *path;
  const revl_mapsrc *src;
  const char *pos;   /* path of keys, for positions */
  const char *name;  /* the table, for messages */
  revl_error *err;
} rctx;

/* An error at the entry where.k1.k2 (k2, k1 may be NULL; key: point at
 * the key rather than the value). */
static int err_at(const rctx *cx, const char *k1, const char *k2, int key,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static int err_at(const rctx *cx, const char *k1, const char *k2, int key,
                  const char *fmt, ...) {
  char p[1024], msg[600];
  snprintf(p, sizeof p, "%s%c%s%c%s", cx->pos, REVL_MAPSEP, k1 ? k1 : "",
           REVL_MAPSEP, k2 ? k2 : "");
  /* drop empty trailing keys */
  size_t n = strlen(p);
  while (n && p[n - 1] == REVL_MAPSEP) p[--n] = '\0';
  int line, col;
  revl_mapsrc_find(cx->src, p, key, &line, &col);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return revl_error_set(cx->err, REVL_EDATA, cx->path, line, col, "%s", msg);
}

static char *dupl(lua_State *L, int idx) {
  size_t n;
  const char *s = lua_tolstring(L, idx, &n);
  char *d = malloc(n + 1);
  if (d) memcpy(d, s, n + 1);
  return d;
}

static const char *const derive_keys[] = {"from", "map", "default", "concat",
                                          "match", "group", "date", "scale",
                                          "fn", NULL};

/* The unknown key k of a spec, with the nearest known one. */
static int unknown_key(const rctx *cx, const char *field, const char *k,
                       const char *const *known, const char *what) {
  revl_near nr;
  revl_near_init(&nr, k);
  char list[256] = "";
  for (int i = 0; known[i]; i++) {
    revl_near_add(&nr, known[i]);
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             i ? ", " : "", known[i]);
  }
  char hint[160];
  revl_near_hint(&nr, hint, sizeof hint);
  return err_at(cx, field, k, 1, "%s: %s %s: unknown option '%s'%s (%s)",
                cx->name, what, field, k, hint, list);
}

/* concat = "{First Name} {Last Name}": {{ and }} are literal braces. */
static int read_concat(const rctx *cx, const char *field, const char *t,
                       revl_derive *d) {
  char buf[1024];
  size_t o = 0;
  for (size_t i = 0;; i++) {
    char c = t[i];
    int brace = c == '{' && t[i + 1] != '{';
    if (c == '{' && t[i + 1] == '{') i++;
    else if (c == '}' && t[i + 1] == '}') i++;
    else if (c == '}')
      return err_at(cx, field, "concat", 0,
                    "%s: derive %s: concat has a '}' without its '{' (write }} "
                    "for a brace)", cx->name, field);
    if (c && !brace) {
      if (o + 1 < sizeof buf) buf[o++] = c;
      continue;
    }
    /* a literal ends here */
    if (o) {
      buf[o] = '\0';
      char **p = realloc(d->part, (size_t)(d->nparts + 1) * sizeof *p);
      uint8_t *pc = realloc(d->part_col, (size_t)(d->nparts + 1));
      if (p) d->part = p;
      if (pc) d->part_col = pc;
      if (!p || !pc || !(d->part[d->nparts] = strdup(buf))) return REVL_ENOMEM;
      d->part_col[d->nparts++] = 0;
      o = 0;
    }
    if (!c) break;
    const char *end = strchr(t + i + 1, '}');
    if (!end || end == t + i + 1)
      return err_at(cx, field, "concat", 0,
                    "%s: derive %s: concat needs {Header} with a closing '}'",
                    cx->name, field);
    size_t hl = (size_t)(end - (t + i + 1));
    char **p = realloc(d->part, (size_t)(d->nparts + 1) * sizeof *p);
    uint8_t *pc = realloc(d->part_col, (size_t)(d->nparts + 1));
    if (p) d->part = p;
    if (pc) d->part_col = pc;
    if (!p || !pc || !(d->part[d->nparts] = strndup(t + i + 1, hl)))
      return REVL_ENOMEM;
    d->part_col[d->nparts++] = 1;
    i = (size_t)(end - t);
  }
  for (int k = 0; k < d->nparts; k++)
    if (d->part_col[k]) return 0;
  return err_at(cx, field, "concat", 0,
                "%s: derive %s: concat names no column (write \"{Header} "
                "text {Other}\")", cx->name, field);
}

/* One derive entry at the stack top. */
static int read_derive(const rctx *cx, const char *field, revl_derive *d) {
  lua_State *L = cx->L;
  d->group = -1;
  if (lua_type(L, -1) == LUA_TSTRING) { /* field = "Header": a copy */
    d->kind = REVL_TX_COPY;
    return (d->from = dupl(L, -1)) ? 0 : REVL_ENOMEM;
  }
  if (!lua_istable(L, -1))
    return err_at(cx, field, NULL, 0,
                  "%s: derive %s must be a header name or a table like "
                  "{ from = \"Header\", map = {...} }", cx->name, field);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int ok = 0;
    for (int i = 0; k && derive_keys[i]; i++) ok |= strcmp(derive_keys[i], k) == 0;
    if (!ok) {
      int rc = unknown_key(cx, field, k ? k : "(not a string)", derive_keys,
                           "derive");
      lua_pop(L, 1);
      return rc;
    }
  }
  int ntx = 0;
  const char *txs[6] = {"map", "concat", "match", "date", "scale", "fn"};
  const char *first = NULL;
  for (int i = 0; i < 6; i++) {
    lua_getfield(L, -1, txs[i]);
    if (!lua_isnil(L, -1)) {
      if (ntx++) {
        lua_pop(L, 1);
        return err_at(cx, field, txs[i], 1,
                      "%s: derive %s has both %s and %s (one transform per "
                      "field; derive another field for the other)",
                      cx->name, field, first, txs[i]);
      }
      first = txs[i];
      d->kind = i == 0 ? REVL_TX_MAP : i == 1 ? REVL_TX_CONCAT
              : i == 2 ? REVL_TX_MATCH : i == 3 ? REVL_TX_DATE
              : i == 4 ? REVL_TX_SCALE : REVL_TX_FN;
    }
    lua_pop(L, 1);
  }
  if (!ntx) d->kind = REVL_TX_COPY;
  lua_getfield(L, -1, "from");
  if (lua_type(L, -1) == LUA_TSTRING) {
    if (d->kind == REVL_TX_CONCAT) {
      lua_pop(L, 1);
      return err_at(cx, field, "from", 1,
                    "%s: derive %s: concat names its columns itself "
                    "(\"{Header} ...\"); drop 'from'", cx->name, field);
    }
    d->from = dupl(L, -1);
  } else if (!lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return err_at(cx, field, "from", 0, "%s: derive %s: 'from' must be a header "
                  "name (a string)", cx->name, field);
  } else if (d->kind != REVL_TX_CONCAT) {
    lua_pop(L, 1);
    return err_at(cx, field, NULL, 0, "%s: derive %s needs from = \"Header\" "
                  "(the column it is made from)", cx->name, field);
  }
  lua_pop(L, 1);
  /* default = "...", group = N */
  lua_getfield(L, -1, "default");
  if (!lua_isnil(L, -1)) {
    if (d->kind != REVL_TX_MAP && d->kind != REVL_TX_MATCH) {
      lua_pop(L, 1);
      return err_at(cx, field, "default", 1, "%s: derive %s: 'default' goes "
                    "with map or match only", cx->name, field);
    }
    if (lua_type(L, -1) != LUA_TSTRING) {
      lua_pop(L, 1);
      return err_at(cx, field, "default", 0, "%s: derive %s: 'default' must be "
                    "a string", cx->name, field);
    }
    d->deflt = dupl(L, -1);
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "group");
  if (!lua_isnil(L, -1)) {
    if (d->kind != REVL_TX_MATCH || !lua_isinteger(L, -1) ||
        lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 9) {
      lua_pop(L, 1);
      return err_at(cx, field, "group", 0, "%s: derive %s: 'group' goes with "
                    "match and is a capture group number 0-9", cx->name, field);
    }
    d->group = (int)lua_tointeger(L, -1);
  }
  lua_pop(L, 1);
  int rc = 0;
  switch (d->kind) {
  case REVL_TX_MAP:
    lua_getfield(L, -1, "map");
    if (!lua_istable(L, -1)) {
      rc = err_at(cx, field, "map", 0, "%s: derive %s: map must be a table "
                  "{ [\"value\"] = \"result\" }", cx->name, field);
      break;
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
        lua_pop(L, 2);
        rc = err_at(cx, field, "map", 0, "%s: derive %s: map must map strings "
                    "to strings", cx->name, field);
        break;
      }
      char **mk = realloc(d->mkey, (size_t)(d->nmap + 1) * sizeof *mk);
      if (mk) d->mkey = mk;
      char **mv = realloc(d->mval, (size_t)(d->nmap + 1) * sizeof *mv);
      if (mv) d->mval = mv;
      if (!mk || !mv) {
        lua_pop(L, 2);
        rc = REVL_ENOMEM;
        break;
      }
      d->mkey[d->nmap] = dupl(L, -2);
      d->mval[d->nmap++] = dupl(L, -1);
      lua_pop(L, 1);
    }
    if (!rc && d->nmap == 0)
      rc = err_at(cx, field, "map", 0, "%s: derive %s: map is empty",
                  cx->name, field);
    break;
  case REVL_TX_CONCAT:
    lua_getfield(L, -1, "concat");
    if (lua_type(L, -1) != LUA_TSTRING)
      rc = err_at(cx, field, "concat", 0, "%s: derive %s: concat must be a "
                  "string like \"{First Name} {Last Name}\"", cx->name, field);
    else
      rc = read_concat(cx, field, lua_tostring(L, -1), d);
    break;
  case REVL_TX_MATCH: {
    lua_getfield(L, -1, "match");
    if (lua_type(L, -1) != LUA_TSTRING) {
      rc = err_at(cx, field, "match", 0, "%s: derive %s: match must be a "
                  "regular expression (a string)", cx->name, field);
      break;
    }
    int e = regcomp(&d->re, lua_tostring(L, -1), REG_EXTENDED);
    if (e) {
      char m[200];
      regerror(e, &d->re, m, sizeof m);
      rc = err_at(cx, field, "match", 0, "%s: derive %s: match is not a POSIX "
                  "extended regular expression: %s", cx->name, field, m);
      break;
    }
    d->re_ok = 1;
    if (d->group < 0) d->group = d->re.re_nsub ? 1 : 0;
    if ((size_t)d->group > d->re.re_nsub)
      rc = err_at(cx, field, "group", 0, "%s: derive %s: group %d, but match "
                  "has %zu capture group%s", cx->name, field, d->group,
                  d->re.re_nsub, d->re.re_nsub == 1 ? "" : "s");
    break;
  }
  case REVL_TX_DATE: {
    lua_getfield(L, -1, "date");
    const char *why = "must be a string like \"d.m.Y\"";
    if (lua_type(L, -1) != LUA_TSTRING ||
        datefmt_compile(lua_tostring(L, -1), &d->date, &why))
      rc = err_at(cx, field, "date", 0, "%s: derive %s: date format %s",
                  cx->name, field, why);
    break;
  }
  case REVL_TX_SCALE: {
    lua_getfield(L, -1, "scale");
    int t = lua_type(L, -1);
    size_t n = 0;
    const char *s = t == LUA_TNUMBER || t == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
    if (!s || revl_dec_parse(s, n, NULL, &d->scale_m, &d->scale_e) ||
        d->scale_m <= 0)
      rc = err_at(cx, field, "scale", 0, "%s: derive %s: scale must be a "
                  "positive number like 1000000 or \"0.01\"", cx->name, field);
    break;
  }
  case REVL_TX_FN:
    lua_getfield(L, -1, "fn");
    if (lua_type(L, -1) != LUA_TFUNCTION) {
      rc = err_at(cx, field, "fn", 0, "%s: derive %s: fn must be a Lua "
                  "function of the value, like fn = function(v) return v "
                  "end", cx->name, field);
      break;
    }
    if (!(d->memo = revl_memo_new())) {
      rc = REVL_ENOMEM;
      break;
    }
    rc = revl_mapfn_add(L, -1, d); /* mapfn.c: the Lua side */
    break;
  default: lua_pushnil(L); break;
  }
  lua_pop(L, 1);
  return rc;
}

static const char *const type_words[] = {"text", "integer", "number",
                                         "boolean", "date", "datetime",
                                         "money", NULL};
static const revl_type type_of_word[] = {REVL_T_STRING, REVL_T_INT,
                                         REVL_T_NUMBER, REVL_T_BOOL,
                                         REVL_T_DATE, REVL_T_DATETIME,
                                         REVL_T_MONEY};

const char *revl_type_word(revl_type t) {
  for (int i = 0; type_words[i]; i++)
    if (type_of_word[i] == t) return type_words[i];
  return "?";
}

static int read_type(const rctx *cx, const char *col, revl_coltype *ct) {
  lua_State *L = cx->L;
  int tab = lua_istable(L, -1);
  if (tab) lua_rawgeti(L, -1, 1);
  const char *w = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  int found = -1;
  for (int i = 0; w && type_words[i]; i++)
    if (strcmp(type_words[i], w) == 0) found = i;
  if (found < 0) {
    char hint[160] = "";
    if (w) {
      revl_near nr;
      revl_near_init(&nr, w);
      for (int i = 0; type_words[i]; i++) revl_near_add(&nr, type_words[i]);
      revl_near_hint(&nr, hint, sizeof hint);
    }
    if (tab) lua_pop(L, 1);
    return err_at(cx, col, tab ? "1" : NULL, 0,
                  "%s: types: %s: %s%s%s is not a type%s (text, integer, "
                  "number, boolean, date, datetime, money)", cx->name, col,
                  w ? "'" : "", w ? w : "this value", w ? "'" : "", hint);
  }
  if (tab) lua_pop(L, 1);
  ct->type = type_of_word[found];
  if (!tab) return 0;
  lua_rawgeti(L, -1, 2);
  int rc = 0;
  if (!lua_isnil(L, -1)) {
    size_t n = 0;
    const char *a = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
    const char *why = "";
    if (ct->type == REVL_T_MONEY) {
      if (!a || n != 3 || !isupper((unsigned char)a[0]) ||
          !isupper((unsigned char)a[1]) || !isupper((unsigned char)a[2]))
        rc = err_at(cx, col, "2", 0, "%s: types: %s: the currency of money "
                    "must be an ISO 4217 code like \"EUR\"", cx->name, col);
      else
        memcpy(ct->currency, a, 4);
    } else if (ct->type == REVL_T_DATE || ct->type == REVL_T_DATETIME) {
      if (!a || datefmt_compile(a, &ct->date, &why))
        rc = err_at(cx, col, "2", 0, "%s: types: %s: date format %s", cx->name,
                    col, a ? why : "must be a string like \"d.m.Y\"");
      else if (ct->type == REVL_T_DATE && ct->date.has_time)
        rc = err_at(cx, col, "2", 0, "%s: types: %s: a date format with a time "
                    "of day is a \"datetime\"", cx->name, col);
    } else {
      rc = err_at(cx, col, "2", 0, "%s: types: %s: %s takes no second value "
                  "(money takes a currency, date and datetime a format)",
                  cx->name, col, type_words[found]);
    }
  }
  lua_pop(L, 1);
  return rc;
}

/* The string keys of the table at the stack top in the order the
 * mapping file writes them (a Lua table has none of its own), so
 * columns and the first error reported come out the same on every run.
 * -1 when a key is not a string; caller frees *keys and its strings. */
typedef struct skey {
  char *name;
  int line, col;
} skey;

static int by_position(const void *a, const void *b) {
  const skey *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int sorted_keys(lua_State *L, const revl_mapsrc *src, const char *w,
                       skey **keys, int *n) {
  *keys = NULL;
  *n = 0;
  int rc = 0, cap = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      lua_pop(L, 1);
      return -1;
    }
    if (*n == cap) {
      cap = cap ? cap * 2 : 8;
      skey *k = realloc(*keys, (size_t)cap * sizeof *k);
      if (!k) {
        lua_pop(L, 1);
        return REVL_ENOMEM;
      }
      *keys = k;
    }
    skey *k = &(*keys)[*n];
    if (!(k->name = dupl(L, -1))) {
      lua_pop(L, 1);
      return REVL_ENOMEM;
    }
    (*n)++;
    char p[1024];
    snprintf(p, sizeof p, "%s\x1f%s", w, k->name);
    revl_mapsrc_find(src, p, 1, &k->line, &k->col);
  }
  if (*n > 1) qsort(*keys, (size_t)*n, sizeof **keys, by_position);
  return rc;
}

static void free_keys(skey *k, int n) {
  for (int i = 0; i < n; i++) free(k[i].name);
  free(k);
}

int revl_transform_read(lua_State *L, const char *path, const revl_mapsrc *src,
                        const char *where, revl_table_map *tm, revl_error *err) {
  char w[512];
  snprintf(w, sizeof w, "%s%s%s", where, where[0] ? "\x1f" : "", "derive");
  rctx cx = {L, path, src, w, NULL, err};
  int rc = 0;
  /* messages name the table, positions need the path */
  char shown[128];
  snprintf(shown, sizeof shown, "%s", tm->name[0] ? tm->name : "(top level)");
  cx.name = shown;
  for (int which = 0; which < 2 && !rc; which++) {
    const char *opt = which ? "types" : "derive";
    snprintf(w, sizeof w, "%s%s%s", where, where[0] ? "\x1f" : "", opt);
    lua_getfield(L, -1, opt);
    if (!lua_isnil(L, -1) && !lua_istable(L, -1))
      rc = err_at(&cx, NULL, NULL, 0, which ? "%s: types must be a table { column "
                  "= \"integer\", ... }" : "%s: derive must be a table { field = "
                  "{ from = \"Header\", ... } }", shown);
    skey *keys = NULL;
    int n = 0;
    if (!rc && lua_istable(L, -1)) {
      rc = sorted_keys(L, src, w, &keys, &n);
      if (rc == -1)
        rc = err_at(&cx, NULL, NULL, 0, which ? "%s: types keys must be column "
                    "names" : "%s: derive keys must be field names", shown);
      if (!rc && n) {
        if (which) tm->types = calloc((size_t)n, sizeof *tm->types);
        else tm->derive = calloc((size_t)n, sizeof *tm->derive);
        if (which ? !tm->types : !tm->derive) rc = REVL_ENOMEM;
      }
      for (int i = 0; i < n && !rc; i++) {
        lua_getfield(L, -1, keys[i].name);
        if (which) {
          revl_coltype *c = &tm->types[tm->ntypes++];
          c->name = keys[i].name;
          keys[i].name = NULL;
          c->line = keys[i].line;
          c->col = keys[i].col;
          rc = read_type(&cx, c->name, c);
        } else {
          revl_derive *d = &tm->derive[tm->nderive++];
          d->name = keys[i].name;
          keys[i].name = NULL;
          d->line = keys[i].line;
          d->col = keys[i].col;
          rc = read_derive(&cx, d->name, d);
        }
        lua_pop(L, 1);
      }
    }
    free_keys(keys, n);
    lua_pop(L, 1);
  }
  return rc;
}

void revl_transform_done(revl_table_map *tm) {
  for (int i = 0; i < tm->nderive; i++) {
    revl_derive *d = &tm->derive[i];
    free(d->name);
    free(d->from);
    for (int k = 0; k < d->nmap; k++) {
      free(d->mkey[k]);
      free(d->mval[k]);
    }
    free(d->mkey);
    free(d->mval);
    free(d->deflt);
    for (int k = 0; k < d->nparts; k++) free(d->part[k]);
    free(d->part);
    free(d->part_col);
    if (d->re_ok) regfree(&d->re);
    revl_memo_free(d->memo);
  }
  free(tm->derive);
  for (int i = 0; i < tm->ntypes; i++) free(tm->types[i].name);
  free(tm->types);
  tm->derive = NULL;
  tm->types = NULL;
  tm->nderive = tm->ntypes = 0;
}

/* ---- applying ------------------------------------------------------- */

static void field(const revl_rowview *rv, int j, const char **s, size_t *n) {
  *s = rv->row + rv->foff[j];
  *n = rv->flen[j];
  while (*n && isspace((unsigned char)**s)) (*s)++, (*n)--;
  while (*n && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

int revl_derive_apply(const revl_derive *d, int src, const int *parts,
                      const revl_rowview *rv, const nullset *nulls,
                      const revl_parse_opts *po, char *buf, size_t cap,
                      revl_dval *out, char *why, size_t whysize, int *badcol) {
  const char *s = NULL;
  size_t n = 0;
  memset(out, 0, sizeof *out);
  *badcol = src;
  if (d->kind != REVL_TX_CONCAT) {
    field(rv, src, &s, &n);
    if (d->kind == REVL_TX_FN) /* a null is the function's nil */
      return revl_fn_apply(d, revl_is_null(nulls, s, n) ? NULL : s, n, out, why,
                      whysize);
    if (revl_is_null(nulls, s, n)) return 0; /* null in, null out */
  }
  switch (d->kind) {
  case REVL_TX_COPY:
    out->kind = REVL_DV_TEXT;
    out->s = s;
    out->n = n;
    return 0;
  case REVL_TX_MAP:
    for (int pass = 0; pass < 2; pass++)
      for (int k = 0; k < d->nmap; k++)
        if (strlen(d->mkey[k]) == n &&
            (pass ? strncasecmp(d->mkey[k], s, n) : memcmp(d->mkey[k], s, n)) == 0) {
          out->kind = REVL_DV_TEXT;
          out->s = d->mval[k];
          out->n = strlen(d->mval[k]);
          return 0;
        }
    if (d->deflt) goto deflt;
    snprintf(why, whysize, "\"%.60s\" is not in the map of derive %s (add it "
             "to map, or give default = \"...\")", s, d->name);
    return -1;
  case REVL_TX_CONCAT: {
    size_t o = 0;
    int any = 0;
    for (int k = 0; k < d->nparts; k++) {
      const char *p = d->part[k];
      size_t pn = strlen(p);
      if (d->part_col[k]) {
        field(rv, parts[k], &p, &pn);
        if (revl_is_null(nulls, p, pn)) continue;
        any = 1;
      }
      if (o + pn >= cap) {
        *badcol = -1;
        snprintf(why, whysize, "derive %s: the joined value is longer than "
                 "%zu bytes", d->name, cap);
        return -1;
      }
      memcpy(buf + o, p, pn);
      o += pn;
    }
    if (!any) return 0;
    out->kind = REVL_DV_TEXT;
    out->s = buf;
    out->n = o;
    return 0;
  }
  case REVL_TX_MATCH: {
    if (n >= cap) n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    regmatch_t m[10];
    if (regexec(&d->re, buf, 10, m, 0) == 0 && m[d->group].rm_so >= 0) {
      out->kind = REVL_DV_TEXT;
      out->s = buf + m[d->group].rm_so;
      out->n = (size_t)(m[d->group].rm_eo - m[d->group].rm_so);
      return 0;
    }
    if (d->deflt) goto deflt;
    snprintf(why, whysize, "\"%.60s\" does not match the pattern of derive %s "
             "(give default = \"...\" for such values)", buf, d->name);
    return -1;
  }
  case REVL_TX_DATE:
    if (revl_datefmt_parse(&d->date, s, n, &out->days, &out->secs)) {
      char f[64];
      size_t o = 0;
      for (const char *p = d->date.fmt; *p && o + 1 < sizeof f; p++)
        if (*p != '%') f[o++] = *p;
      f[o] = '\0';
      snprintf(why, whysize, "\"%.60s\" is not a date in the format %s of "
               "derive %s", s, f, d->name);
      return -1;
    }
    out->kind = d->date.has_time ? REVL_DV_DATETIME : REVL_DV_DATE;
    return 0;
  case REVL_TX_SCALE: {
    int64_t m;
    int e;
    if (revl_dec_parse(s, n, po, &m, &e) ||
        __builtin_mul_overflow(m, d->scale_m, &out->m) ||
        e + d->scale_e > 36) {
      snprintf(why, whysize, "\"%.60s\" is not a plain decimal number (or too "
               "large) for the scale of derive %s", s, d->name);
      return -1;
    }
    out->e = e + d->scale_e;
    while (out->e > 18 && out->m % 10 == 0) out->m /= 10, out->e--;
    if (out->e > 18) {
      snprintf(why, whysize, "\"%.60s\" times the scale of derive %s has more "
               "than 18 decimals", s, d->name);
      return -1;
    }
    dec_norm(&out->m, &out->e);
    out->kind = REVL_DV_DEC;
    return 0;
  }
  }
  return 0;
deflt:
  out->kind = REVL_DV_TEXT;
  out->s = d->deflt;
  out->n = strlen(d->deflt);
  return 0;
}
