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

int revl_json_quote(revl_text *b, const char *s, size_t n) {
  if (revl_text_add(b, "\"", 1)) return REVL_ENOMEM;
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    char u[8];
    if (c == '"') esc = "\\\"";
    else if (c == '\\') esc = "\\\\";
    else if (c == '\n') esc = "\\n";
    else if (c == '\r') esc = "\\r";
    else if (c == '\t') esc = "\\t";
    else if (c < 32 || c == 127) {
      snprintf(u, sizeof u, "\\u%04x", c);
      esc = u;
    }
    if (!esc) continue;
    if (revl_text_add(b, s + from, i - from) || revl_text_puts(b, esc)) return REVL_ENOMEM;
    from = i + 1;
  }
  if (revl_text_add(b, s + from, n - from)) return REVL_ENOMEM;
  return revl_text_add(b, "\"", 1);
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
    if (p->mode == REVL_RR_ORDER) {
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
