/*
 * route_state.c -- a router's state as the JSON text of its state file
 * (Router:save_state): routed, the last record routed, each pool's
 * round-robin position or smooth weighted round-robin weights, and each
 * rep's count with its current day, week and month cap buckets.
 *
 * The layout is fixed so that files compare and diff well: objects with
 * their keys in byte order, two spaces of indentation per level, arrays
 * (the [first date, count] buckets) on one line, integers in decimal and
 * a final newline -- the same text lua/route.lua's encoder gives for the
 * table Router:state() returns, so either can read what the other wrote.
 */
#include "revl/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/sbuf.h"

static int text_put(void *ud, const char *p, size_t k) {
  return revl_text_add(ud, p, k);
}

int revl_json_quote(revl_text *b, const char *s, size_t n) {
  return revl_json_escape(s, n, text_put, b) ? REVL_ENOMEM : 0;
}

/* ---- a small writer of nested objects ---------------------------------- */

typedef struct jw {
  revl_text *b;
  int depth;
  int first[16];   /* per open object: no member written yet */
  int err;
} jw;

static void put(jw *w, const char *s) {
  if (!w->err && revl_text_puts(w->b, s)) w->err = REVL_ENOMEM;
}

static void indent(jw *w, int depth) {
  for (int i = 0; i < depth && !w->err; i++) put(w, "  ");
}

/* The key of the next member of the innermost object. */
static void key(jw *w, const char *k) {
  if (w->first[w->depth]) put(w, "{\n");
  else put(w, ",\n");
  w->first[w->depth] = 0;
  indent(w, w->depth + 1);
  if (!w->err && revl_json_quote(w->b, k, strlen(k))) w->err = REVL_ENOMEM;
  put(w, ": ");
}

/* Open an object as the value of the last key (empty ones read "{}"). */
static void open_obj(jw *w) {
  w->first[++w->depth] = 1;
}

static void close_obj(jw *w) {
  int empty = w->first[w->depth--];
  if (empty) {
    put(w, "{}");
    return;
  }
  put(w, "\n");
  indent(w, w->depth + 1);
  put(w, "}");
}

static void int_val(jw *w, int64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%lld", (long long)v);
  put(w, b);
}

static void str_val(jw *w, const char *s) {
  if (!w->err && revl_json_quote(w->b, s, strlen(s))) w->err = REVL_ENOMEM;
}

/* ---- order ------------------------------------------------------------- */

static const revl_router *g_r;
static const revl_pool *g_pool;

static int by_pool_key(const void *a, const void *b) {
  return strcmp(g_r->pools[*(const int *)a].key, g_r->pools[*(const int *)b].key);
}

static int by_member_id(const void *a, const void *b) {
  return strcmp(revl_route_rep_id(g_r->reps, g_pool->reps[*(const int *)a]),
                revl_route_rep_id(g_r->reps, g_pool->reps[*(const int *)b]));
}

static int by_rep_id(const void *a, const void *b) {
  return strcmp(revl_route_rep_id(g_r->reps, *(const int32_t *)a),
                revl_route_rep_id(g_r->reps, *(const int32_t *)b));
}

int revl_router_state_json(const revl_router *r, const char *name_json, revl_text *out) {
  static const char *pn[] = {"day", "week", "month"};
  out->n = 0;
  if (revl_text_add(out, "", 0)) return REVL_ENOMEM;
  jw w = {out, 0, {1}, 0};
  size_t nr = r->reps->nrows;
  int *pord = malloc((size_t)(r->npools ? r->npools : 1) * sizeof *pord);
  int32_t *rord = malloc((nr ? nr : 1) * sizeof *rord);
  int *mord = NULL;
  int maxn = 1;
  for (int i = 0; i < r->npools; i++)
    if (r->pools[i].n > maxn) maxn = r->pools[i].n;
  mord = malloc((size_t)maxn * sizeof *mord);
  if (!pord || !rord || !mord) {
    free(pord), free(rord), free(mord);
    return REVL_ENOMEM;
  }
  if (r->last_time != REVL_NO_TIME || r->last_id) {
    key(&w, "last");
    open_obj(&w);
    if (r->last_time != REVL_NO_TIME) {
      char b[32];
      revl_format_datetime(r->last_time, b, sizeof b);
      key(&w, "at");
      str_val(&w, b);
    }
    if (r->last_id) {
      key(&w, "id");
      str_val(&w, revl_intern_str(&r->base->store->strings, r->last_id));
    }
    close_obj(&w);
  }
  key(&w, "pools");
  open_obj(&w);
  for (int i = 0; i < r->npools; i++) pord[i] = i;
  g_r = r;
  qsort(pord, (size_t)r->npools, sizeof *pord, by_pool_key);
  for (int k = 0; k < r->npools; k++) {
    const revl_pool *p = &r->pools[pord[k]];
    key(&w, p->key);
    open_obj(&w);
    if (p->mode == REVL_RR_ORDER && p->n > 0) { /* an empty team has no next */
      key(&w, "next");
      str_val(&w, revl_route_rep_id(r->reps, p->reps[p->next]));
    }
    if (p->mode == REVL_RR_WEIGHTED) {
      key(&w, "weights");
      open_obj(&w);
      for (int m = 0; m < p->n; m++) mord[m] = m;
      g_pool = p;
      qsort(mord, (size_t)p->n, sizeof *mord, by_member_id);
      for (int m = 0; m < p->n; m++) {
        key(&w, revl_route_rep_id(r->reps, p->reps[mord[m]]));
        int_val(&w, p->cur[mord[m]]);
      }
      close_obj(&w);
    }
    close_obj(&w);
  }
  close_obj(&w);
  key(&w, "reps");
  open_obj(&w);
  size_t nsel = 0;
  for (size_t i = 0; i < nr; i++) {
    int any = r->count[i] != 0;
    for (int p = 0; p < REVL_NCAPS; p++) any |= r->bucket_n[p][i] != 0;
    if (any) rord[nsel++] = (int32_t)i;
  }
  qsort(rord, nsel, sizeof *rord, by_rep_id);
  g_r = NULL;
  g_pool = NULL;
  static const int korder[] = {REVL_CAP_DAY, REVL_CAP_MONTH, REVL_CAP_WEEK}; /* key order */
  for (size_t k = 0; k < nsel; k++) {
    int32_t i = rord[k];
    key(&w, revl_route_rep_id(r->reps, i));
    open_obj(&w);
    key(&w, "count");
    int_val(&w, r->count[i]);
    for (int q = 0; q < REVL_NCAPS; q++) {
      int p = korder[q];
      if (r->bucket[p][i] == INT32_MIN) continue;
      char d[16];
      revl_format_date(revl_cap_bucket_start(p, r->bucket[p][i]), d, sizeof d);
      key(&w, pn[p]);
      put(&w, "[");
      str_val(&w, d);
      put(&w, ", ");
      int_val(&w, r->bucket_n[p][i]);
      put(&w, "]");
    }
    close_obj(&w);
  }
  close_obj(&w);
  key(&w, "routed");
  int_val(&w, r->routed);
  if (name_json) {
    key(&w, "router");
    put(&w, name_json);
  }
  key(&w, "version");
  int_val(&w, 1);
  w.depth = 0;
  put(&w, "\n}\n");
  free(pord), free(rord), free(mord);
  return w.err;
}

/* ---- reading a state file ---------------------------------------------- */

/* The reader follows lua/route.lua's first decoder step for step, so a
 * broken file reports the same message at the same byte. */
typedef struct jr {
  const char *s;
  size_t n, pos;     /* pos: 0-based; messages show it 1-based */
  const char *msg;
  int depth;
} jr;

static revl_jnode *jnew(revl_jnode *parent) {
  if (parent->nkids == parent->capkids) {
    size_t nc = parent->capkids ? parent->capkids * 2 : 4;
    revl_jnode *k = revl_realloc_array(parent->kids, nc, sizeof *k);
    if (!k) return NULL;
    parent->kids = k;
    parent->capkids = nc;
  }
  revl_jnode *x = &parent->kids[parent->nkids++];
  memset(x, 0, sizeof *x);
  return x;
}

static int jbad(jr *r, const char *msg) {
  r->msg = msg;
  return REVL_EDATA;
}

static void jws(jr *r) {
  while (r->pos < r->n && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
                           r->s[r->pos] == '\r' || r->s[r->pos] == '\n'))
    r->pos++;
}

static int jat(const jr *r) { return r->pos < r->n ? (unsigned char)r->s[r->pos] : -1; }

static int ishex(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int isdig(int c) { return c >= '0' && c <= '9'; }

/* A string at r->pos (its opening quote) into *out / *len (malloc'ed). */
static int jstr(jr *r, char **out, size_t *len) {
  revl_text b = {0};
  if (revl_text_add(&b, "", 0)) return REVL_ENOMEM;
  r->pos++;
  for (;;) {
    int c = jat(r);
    if (c < 0) {
      revl_text_free(&b);
      return jbad(r, "unterminated string");
    }
    if (c == '"') {
      r->pos++;
      break;
    }
    char u[4];
    size_t un = 1;
    if (c == '\\') {
      int e = r->pos + 1 < r->n ? (unsigned char)r->s[r->pos + 1] : -1;
      const char *map = "n\nr\rt\tb\bf\f\"\"\\\\//";
      const char *m = NULL;
      for (const char *p = map; *p; p += 2)
        if (e == *p) m = p + 1;
      if (m) {
        u[0] = *m;
        r->pos += 2;
      } else if (e == 'u') {
        if (r->pos + 6 > r->n || !ishex(r->s[r->pos + 2]) || !ishex(r->s[r->pos + 3]) ||
            !ishex(r->s[r->pos + 4]) || !ishex(r->s[r->pos + 5])) {
          revl_text_free(&b);
          return jbad(r, "bad escape");
        }
        char hex[5];
        memcpy(hex, r->s + r->pos + 2, 4);
        hex[4] = '\0';
        unsigned long cp = strtoul(hex, NULL, 16);
        if (cp < 0x80) u[0] = (char)cp;
        else if (cp < 0x800) {
          u[0] = (char)(0xc0 | (cp >> 6));
          u[1] = (char)(0x80 | (cp & 0x3f));
          un = 2;
        } else {
          u[0] = (char)(0xe0 | (cp >> 12));
          u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
          u[2] = (char)(0x80 | (cp & 0x3f));
          un = 3;
        }
        r->pos += 6;
      } else {
        revl_text_free(&b);
        return jbad(r, "bad escape");
      }
    } else {
      u[0] = (char)c;
      r->pos++;
    }
    if (revl_text_add(&b, u, un)) {
      revl_text_free(&b);
      return REVL_ENOMEM;
    }
  }
  *out = b.s;
  *len = b.n;
  return 0;
}

static int jvalue(jr *r, revl_jnode *v);

static int jcontainer(jr *r, revl_jnode *v, int obj) {
  int close = obj ? '}' : ']';
  v->type = obj ? REVL_J_OBJECT : REVL_J_ARRAY;
  if (++r->depth > 500) return jbad(r, "nested too deeply");
  r->pos++;
  jws(r);
  if (jat(r) == close) {
    r->pos++;
    r->depth--;
    return 0;
  }
  for (;;) {
    char *k = NULL;
    size_t kn = 0;
    if (obj) {
      jws(r);
      if (jat(r) != '"') return jbad(r, "expected a key");
      int rc = jstr(r, &k, &kn);
      if (rc) return rc;
      jws(r);
      if (jat(r) != ':') {
        free(k);
        return jbad(r, "expected ':'");
      }
      r->pos++;
    }
    revl_jnode *x = jnew(v);
    if (!x) {
      free(k);
      return REVL_ENOMEM;
    }
    x->key = k;
    x->keylen = kn;
    int rc = jvalue(r, x);
    if (rc) return rc;
    jws(r);
    int d = jat(r);
    r->pos++;
    if (d == close) break;
    if (d != ',') return jbad(r, obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
  r->depth--;
  return 0;
}

static int jvalue(jr *r, revl_jnode *v) {
  jws(r);
  int c = jat(r);
  if (c == '{' || c == '[') return jcontainer(r, v, c == '{');
  if (c == '"') {
    v->type = REVL_J_STRING;
    return jstr(r, &v->str, &v->len);
  }
  const char *p = r->s + r->pos;
  size_t left = r->n - r->pos;
  if (left >= 4 && memcmp(p, "true", 4) == 0) {
    v->type = REVL_J_TRUE;
    r->pos += 4;
    return 0;
  }
  if (left >= 5 && memcmp(p, "false", 5) == 0) {
    v->type = REVL_J_FALSE;
    r->pos += 5;
    return 0;
  }
  if (left >= 4 && memcmp(p, "null", 4) == 0) {
    v->type = REVL_J_NULL;
    r->pos += 4;
    return 0;
  }
  /* -?%d+%.?%d*[eE]?[-+]?%d* */
  size_t k = 0;
  if (k < left && p[k] == '-') k++;
  size_t d0 = k;
  while (k < left && isdig(p[k])) k++;
  if (k == d0) return jbad(r, "unexpected character");
  if (k < left && p[k] == '.') k++;
  while (k < left && isdig(p[k])) k++;
  if (k < left && (p[k] == 'e' || p[k] == 'E')) k++;
  if (k < left && (p[k] == '-' || p[k] == '+')) k++;
  while (k < left && isdig(p[k])) k++;
  v->type = REVL_J_NUMBER;
  v->str = malloc(k + 1);
  if (!v->str) return REVL_ENOMEM;
  memcpy(v->str, p, k);
  v->str[k] = '\0';
  v->len = k;
  r->pos += k;
  return 0;
}

int revl_state_parse(const char *s, size_t n, revl_jnode *root, const char **msg,
                     size_t *pos) {
  jr r = {s, n, 0, NULL, 0};
  memset(root, 0, sizeof *root);
  int rc = jvalue(&r, root);
  if (!rc) {
    jws(&r);
    if (r.pos < n) rc = jbad(&r, "trailing text");
  }
  if (msg) *msg = r.msg;
  if (pos) *pos = r.pos + 1;
  return rc;
}

static void jfree_kids(revl_jnode *v) {
  for (size_t i = 0; i < v->nkids; i++) {
    jfree_kids(&v->kids[i]);
    free(v->kids[i].key);
    free(v->kids[i].str);
  }
  free(v->kids);
}

void revl_jnode_free(revl_jnode *v) {
  if (!v) return;
  jfree_kids(v);
  free(v->key);
  free(v->str);
  memset(v, 0, sizeof *v);
}
