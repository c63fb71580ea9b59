/*
 * route.c -- lead routing: ordered rules, strategies, capacity caps and
 * the audit trail of every assignment.
 *
 * Records are routed in time order (ties by key).  For each record the
 * rules are tried in order; the first whose criteria hold and whose
 * strategy names candidates decides.  Candidates are checked against the
 * record's time: inactive reps, reps out of office on the record's date
 * and reps at a cap for the record's day / week / month are skipped,
 * each skip logged with its reason.  When every candidate of the
 * deciding rule is skipped the record goes to the fallback (or, with
 * overflow_next, on to the next rule).  A team with no reps at all is
 * not such a rule: it does not apply (a reason in the trail) and the
 * next rule is tried, then the fallback.
 *
 * State (round-robin positions, smooth weighted round-robin weights,
 * counts, the current cap buckets) lives in the router and continues
 * from one call to the next, so routing in two halves gives the same
 * assignments as routing everything at once.
 */
#include "revl/route.h"

#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"

static char *dupstr(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

revl_router *revl_router_new(revl_table *base, revl_table *reps) {
  revl_router *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->base = base;
  r->reps = reps;
  r->time_col = -1;
  r->fallback_queue = -1;
  r->fallback_rep = -1;
  r->rep_active = revl_table_col(reps, "active");
  if (r->rep_active >= 0 && reps->cols[r->rep_active]->type != REVL_T_BOOL)
    r->rep_active = -1;
  r->rep_out = revl_table_col(reps, "out_until");
  if (r->rep_out >= 0 && reps->cols[r->rep_out]->type != REVL_T_DATE)
    r->rep_out = -1;
  r->lead_email = r->lead_domain = r->lead_company = -1;
  r->acct_owner_col = -1;
  size_t n = reps->nrows ? reps->nrows : 1;
  r->count = calloc(n, sizeof *r->count);
  for (int p = 0; p < REVL_NCAPS; p++) {
    r->bucket[p] = calloc(n, sizeof *r->bucket[p]);
    r->bucket_n[p] = calloc(n, sizeof *r->bucket_n[p]);
    if (!r->bucket[p] || !r->bucket_n[p]) {
      revl_router_free(r);
      return NULL;
    }
  }
  if (!r->count) {
    revl_router_free(r);
    return NULL;
  }
  revl_router_reset(r);
  return r;
}

void revl_router_free(revl_router *r) {
  if (!r) return;
  for (int i = 0; i < r->nrules; i++) {
    free(r->rules[i].name);
    revl_crit_free(r->rules[i].crit);
  }
  free(r->rules);
  for (int i = 0; i < r->npools; i++) {
    free(r->pools[i].key);
    free(r->pools[i].label);
    free(r->pools[i].reps);
    free(r->pools[i].weight);
    free(r->pools[i].cur);
  }
  free(r->pools);
  for (int i = 0; i < r->nterrs; i++) {
    free(r->terrs[i].field);
    free(r->terrs[i].keys);
    free(r->terrs[i].child);
  }
  free(r->terrs);
  for (int i = 0; i < r->nqueues; i++) free(r->queues[i]);
  free(r->queues);
  for (int p = 0; p < REVL_NCAPS; p++) {
    free(r->cap[p]);
    free(r->bucket[p]);
    free(r->bucket_n[p]);
  }
  revl_acct_index_free(r->acct);
  free(r->acct_owner);
  free(r->count);
  free(r);
}

void revl_router_reset(revl_router *r) {
  size_t n = r->reps->nrows;
  memset(r->count, 0, (n ? n : 1) * sizeof *r->count);
  for (int p = 0; p < REVL_NCAPS; p++) {
    for (size_t i = 0; i < n; i++) r->bucket[p][i] = INT32_MIN;
    memset(r->bucket_n[p], 0, (n ? n : 1) * sizeof *r->bucket_n[p]);
  }
  for (int i = 0; i < r->npools; i++) {
    r->pools[i].next = 0;
    if (r->pools[i].cur) memset(r->pools[i].cur, 0, (size_t)r->pools[i].n * sizeof(int64_t));
  }
  r->last_time = REVL_NO_TIME;
  r->last_id = 0;
  r->routed = 0;
}

int revl_router_find_pool(const revl_router *r, const char *key) {
  for (int i = 0; i < r->npools; i++)
    if (strcmp(r->pools[i].key, key) == 0) return i;
  return -1;
}

int revl_router_add_pool(revl_router *r, const char *key, const char *label,
                         int mode, const int32_t *reps, const int64_t *weights,
                         int n) {
  revl_pool *p = revl_realloc_array(r->pools, (size_t)r->npools + 1, sizeof *p);
  if (!p) return REVL_ENOMEM;
  r->pools = p;
  revl_pool *q = &p[r->npools];
  memset(q, 0, sizeof *q);
  q->key = dupstr(key);
  q->label = dupstr(label);
  q->mode = mode;
  q->n = n;
  q->reps = malloc((size_t)(n ? n : 1) * sizeof *q->reps);
  if (!q->key || !q->label || !q->reps) goto fail;
  memcpy(q->reps, reps, (size_t)n * sizeof *q->reps);
  if (mode == REVL_RR_WEIGHTED) {
    q->weight = malloc((size_t)(n ? n : 1) * sizeof *q->weight);
    q->cur = calloc((size_t)(n ? n : 1), sizeof *q->cur);
    if (!q->weight || !q->cur) goto fail;
    for (int i = 0; i < n; i++) q->weight[i] = weights ? weights[i] : 1000;
  }
  return r->npools++;
fail:
  free(q->key), free(q->label), free(q->reps), free(q->weight), free(q->cur);
  return REVL_ENOMEM;
}

int revl_router_add_queue(revl_router *r, const char *name) {
  for (int i = 0; i < r->nqueues; i++)
    if (strcmp(r->queues[i], name) == 0) return i;
  char **q = revl_realloc_array(r->queues, (size_t)r->nqueues + 1, sizeof *q);
  if (!q) return REVL_ENOMEM;
  r->queues = q;
  if (!(q[r->nqueues] = dupstr(name))) return REVL_ENOMEM;
  return r->nqueues++;
}

int revl_router_add_rule(revl_router *r, const revl_rule *rule) {
  revl_rule *p = revl_realloc_array(r->rules, (size_t)r->nrules + 1, sizeof *p);
  if (!p) return REVL_ENOMEM;
  r->rules = p;
  p[r->nrules] = *rule;
  p[r->nrules].name = dupstr(rule->name ? rule->name : "");
  if (!p[r->nrules].name) return REVL_ENOMEM;
  return r->nrules++;
}

int revl_router_add_terr(revl_router *r, const revl_terr *t) {
  revl_terr *p = revl_realloc_array(r->terrs, (size_t)r->nterrs + 1, sizeof *p);
  if (!p) return REVL_ENOMEM;
  r->terrs = p;
  p[r->nterrs] = *t;
  return r->nterrs++;
}

/* ---- buckets ------------------------------------------------------------- */

static int32_t fdiv(int32_t a, int32_t b) {
  int32_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

int32_t revl_cap_bucket(int period, int32_t day) {
  switch (period) {
  case REVL_CAP_DAY: return day;
  case REVL_CAP_WEEK: return fdiv(day + 3, 7); /* weeks start on Monday */
  default: {
    int y;
    unsigned m, d;
    revl_civil_from_days(day, &y, &m, &d);
    return y * 12 + (int32_t)m - 1;
  }
  }
}

int32_t revl_cap_bucket_start(int period, int32_t b) {
  switch (period) {
  case REVL_CAP_DAY: return b;
  case REVL_CAP_WEEK: return b * 7 - 3;
  default: return revl_days_from_civil(fdiv(b, 12), (unsigned)(b - fdiv(b, 12) * 12) + 1, 1);
  }
}

/* ---- routing ------------------------------------------------------------- */

typedef struct rctx {
  revl_router *r;
  revl_route_result *out;
  revl_crit_ctx *cc;
  int32_t day;                 /* the record's local date */
  int32_t bucket[REVL_NCAPS];  /* its cap buckets */
  int oom;
} rctx;

static void ev(rctx *x, int rule, int kind, int why, int32_t rep, int64_t arg) {
  revl_route_result *o = x->out;
  if (o->nev == o->capev) {
    size_t nc = o->capev ? o->capev * 2 : 4096;
    revl_route_ev *e = revl_realloc_array(o->ev, nc, sizeof *e);
    if (!e) {
      x->oom = 1;
      return;
    }
    o->ev = e;
    o->capev = nc;
  }
  revl_route_ev *e = &o->ev[o->nev++];
  e->rule = (int16_t)rule;
  e->kind = (uint8_t)kind;
  e->why = (uint8_t)why;
  e->rep = rep;
  e->arg = arg;
}

/* Can rep take the record?  -1 yes, else the REVL_SKIP_* reason (and
 * *arg its detail). */
static int unavailable(rctx *x, int32_t rep, int64_t *arg) {
  revl_router *r = x->r;
  revl_table *t = r->reps;
  if (r->rep_active >= 0) {
    revl_column *c = t->cols[r->rep_active];
    if (revl_col_valid(c, (size_t)rep) && !c->v.b[rep]) return REVL_SKIP_INACTIVE;
  }
  if (r->rep_out >= 0) {
    revl_column *c = t->cols[r->rep_out];
    if (revl_col_valid(c, (size_t)rep) && c->v.date[rep] >= x->day) {
      *arg = c->v.date[rep];
      return REVL_SKIP_OOO;
    }
  }
  for (int p = 0; p < REVL_NCAPS; p++) {
    if (!r->cap[p] || r->cap[p][rep] < 0) continue;
    int64_t have = r->bucket[p][rep] == x->bucket[p] ? r->bucket_n[p][rep] : 0;
    if (have >= r->cap[p][rep]) {
      *arg = r->cap[p][rep];
      return REVL_SKIP_CAP_DAY + p;
    }
  }
  return -1;
}

static void take(rctx *x, int32_t rep) {
  revl_router *r = x->r;
  r->count[rep]++;
  for (int p = 0; p < REVL_NCAPS; p++) {
    if (r->bucket[p][rep] != x->bucket[p]) {
      r->bucket[p][rep] = x->bucket[p];
      r->bucket_n[p][rep] = 0;
    }
    r->bucket_n[p][rep]++;
  }
}

/* Check one named candidate: 1 taken, 0 skipped. */
static int try_one(rctx *x, int rule, int32_t rep) {
  int64_t arg = 0;
  int why = unavailable(x, rep, &arg);
  if (why >= 0) {
    ev(x, rule, REVL_EV_SKIP, why, rep, arg);
    return 0;
  }
  ev(x, rule, REVL_EV_PICK, 0, rep, 1);
  take(x, rep);
  return 1;
}

/* Pick from a pool: the reps row, or -1 when every member is skipped. */
static int32_t pick_pool(rctx *x, int rule, int pi) {
  revl_pool *p = &x->r->pools[pi];
  int64_t arg;
  if (p->mode == REVL_RR_ORDER) {
    for (int k = 0; k < p->n; k++) {
      int i = (p->next + k) % p->n;
      int32_t rep = p->reps[i];
      arg = 0;
      int why = unavailable(x, rep, &arg);
      if (why >= 0) {
        ev(x, rule, REVL_EV_SKIP, why, rep, arg);
        continue;
      }
      p->next = (i + 1) % p->n;
      ev(x, rule, REVL_EV_PICK, 0, rep, k + 1);
      take(x, rep);
      return rep;
    }
    return -1;
  }
  /* LOWEST and WEIGHTED look at every member */
  int best = -1, nok = 0;
  int64_t total = 0;
  for (int i = 0; i < p->n; i++) {
    int32_t rep = p->reps[i];
    if (p->mode == REVL_RR_WEIGHTED && p->weight[i] == 0) continue;
    arg = 0;
    int why = unavailable(x, rep, &arg);
    if (why >= 0) {
      ev(x, rule, REVL_EV_SKIP, why, rep, arg);
      continue;
    }
    nok++;
    if (p->mode == REVL_RR_LOWEST) {
      if (best < 0 || x->r->count[rep] < x->r->count[p->reps[best]]) best = i;
    } else {
      p->cur[i] += p->weight[i];
      total += p->weight[i];
      if (best < 0 || p->cur[i] > p->cur[best]) best = i;
    }
  }
  if (best < 0) return -1;
  if (p->mode == REVL_RR_WEIGHTED) p->cur[best] -= total;
  ev(x, rule, REVL_EV_PICK, 0, p->reps[best], nok);
  take(x, p->reps[best]);
  return p->reps[best];
}

static const char *str_cell(revl_table *t, int col, size_t row, size_t *n) {
  revl_column *c = t->cols[col];
  if (c->type != REVL_T_STRING || !revl_col_valid(c, row)) {
    *n = 0;
    return NULL;
  }
  *n = revl_intern_len(&t->store->strings, c->v.str[row]);
  return revl_intern_str(&t->store->strings, c->v.str[row]);
}

/* Rep row named by a string cell (a reference to reps, or an id). */
static int32_t rep_of(revl_router *r, revl_table *t, int col, size_t row, int *na,
                      int64_t *arg) {
  revl_column *c = t->cols[col];
  if (!revl_col_valid(c, row)) {
    *na = REVL_NA_NO_VALUE;
    return -1;
  }
  if (c->ref == r->reps && c->ref_row) {
    if (c->ref_row[row] >= 0) return c->ref_row[row];
  } else if (c->type == REVL_T_STRING && r->reps->pk >= 0) {
    const revl_intern *in = &t->store->strings;
    int64_t k = revl_table_find(r->reps, revl_intern_str(in, c->v.str[row]),
                                revl_intern_len(in, c->v.str[row]));
    if (k >= 0) return (int32_t)k;
  }
  *na = REVL_NA_NOT_REP;
  *arg = c->type == REVL_T_STRING ? c->v.str[row] : 0;
  return -1;
}

/* Owner of each account: accounts' owner column, or the owner of the
 * account's latest deal (by created_at, ties by row). */
static int build_acct_owner(revl_router *r) {
  revl_table *a = revl_store_table(r->base->store, "accounts");
  if (!a) return 0;
  r->acct_owner = malloc((a->nrows ? a->nrows : 1) * sizeof *r->acct_owner);
  if (!r->acct_owner) return REVL_ENOMEM;
  for (size_t i = 0; i < a->nrows; i++) r->acct_owner[i] = -1;
  if (!r->owner_from_deals && r->acct_owner_col >= 0) {
    for (size_t i = 0; i < a->nrows; i++) {
      int na = 0;
      int64_t arg = 0;
      r->acct_owner[i] = rep_of(r, a, r->acct_owner_col, i, &na, &arg);
    }
    return 0;
  }
  revl_table *d = revl_store_table(r->base->store, "deals");
  if (!d) return 0;
  int fk = revl_table_col(d, "account_id"), own = revl_table_col(d, "owner");
  int at = revl_table_col(d, "created_at");
  if (fk < 0 || own < 0 || d->cols[fk]->ref != a || !d->cols[fk]->rev_off) return 0;
  revl_column *f = d->cols[fk];
  revl_column *ac = at >= 0 && d->cols[at]->type == REVL_T_DATETIME ? d->cols[at] : NULL;
  for (size_t i = 0; i < a->nrows; i++) {
    int64_t best = REVL_NO_TIME;
    int32_t brow = -1;
    for (uint32_t k = f->rev_off[i]; k < f->rev_off[i + 1]; k++) {
      uint32_t dr = f->rev_rows[k];
      int64_t t = ac && revl_col_valid(ac, dr) ? ac->v.i64[dr] : REVL_NO_TIME + 1;
      if (brow < 0 || t > best || (t == best && (int32_t)dr > brow)) {
        int na = 0;
        int64_t arg = 0;
        if (rep_of(r, d, own, dr, &na, &arg) < 0) continue;
        best = t;
        brow = (int32_t)dr;
      }
    }
    if (brow >= 0) {
      int na = 0;
      int64_t arg = 0;
      r->acct_owner[i] = rep_of(r, d, own, (size_t)brow, &na, &arg);
    }
  }
  return 0;
}

/* Territory: the pool for a record, or -1 (no entry). */
static int terr_pool(revl_router *r, int node, size_t row) {
  for (int depth = 0; depth < 64; depth++) {
    revl_terr *t = &r->terrs[node];
    int32_t child = INT32_MIN;
    int64_t hr = t->via < 0 ? (int64_t)row
                            : (r->base->cols[t->via]->ref_row
                                   ? r->base->cols[t->via]->ref_row[row]
                                   : -1);
    if (hr >= 0) {
      revl_column *c = t->holder->cols[t->col];
      if (revl_col_valid(c, (size_t)hr)) {
        uint32_t v = c->v.str[hr];
        for (int i = 0; i < t->n; i++)
          if (t->keys[i] == v) {
            child = t->child[i];
            break;
          }
      }
    }
    if (child == INT32_MIN) {
      if (!t->has_default) return -1;
      child = t->dflt;
    }
    if (child >= 0) return child;
    node = -child - 1;
  }
  return -1;
}

/* Apply rule k to the record: 1 assigned, 0 not applicable (next rule),
 * -1 every candidate skipped. */
static int apply(rctx *x, int k, size_t row, size_t i) {
  revl_router *r = x->r;
  revl_rule *ru = &r->rules[k];
  revl_route_result *o = x->out;
  int na = -1;
  int64_t arg = 0;
  int32_t rep = -1;
  switch (ru->kind) {
  case REVL_ST_QUEUE:
    o->queue[i] = ru->queue;
    ev(x, k, REVL_EV_PICK, 0, -1, ru->queue);
    return 1;
  case REVL_ST_REP:
    if (try_one(x, k, ru->rep)) {
      o->rep[i] = ru->rep;
      return 1;
    }
    return -1;
  case REVL_ST_OWNER_FIELD: {
    int64_t hr = ru->via < 0 ? (int64_t)row
                             : (r->base->cols[ru->via]->ref_row
                                    ? r->base->cols[ru->via]->ref_row[row]
                                    : -1);
    if (hr < 0) na = REVL_NA_NO_VALUE;
    else rep = rep_of(r, ru->holder, ru->col, (size_t)hr, &na, &arg);
    if (rep < 0) {
      ev(x, k, REVL_EV_NA, na, -1, arg);
      return 0;
    }
    if (try_one(x, k, rep)) {
      o->rep[i] = rep;
      return 1;
    }
    return -1;
  }
  case REVL_ST_ACCOUNT: {
    if (!r->acct) {
      ev(x, k, REVL_EV_NA, REVL_NA_NO_ACCOUNT, -1, 0);
      return 0;
    }
    if (!r->acct_owner && build_acct_owner(r)) {
      x->oom = 1;
      return 0;
    }
    size_t dn = 0, en = 0, cn = 0;
    const char *d = r->lead_domain >= 0 ? str_cell(r->base, r->lead_domain, row, &dn) : NULL;
    const char *e = r->lead_email >= 0 ? str_cell(r->base, r->lead_email, row, &en) : NULL;
    const char *c = r->lead_company >= 0 ? str_cell(r->base, r->lead_company, row, &cn) : NULL;
    int method, why;
    int32_t a = revl_acct_index_find(r->acct, d, dn, e, en, c, cn, &method, &why);
    if (a < 0) {
      ev(x, k, REVL_EV_NA,
         why == REVL_NOMATCH_AMBIGUOUS ? REVL_NA_AMBIGUOUS
         : why == REVL_NOMATCH_FREEMAIL ? REVL_NA_FREEMAIL
                                        : REVL_NA_NO_ACCOUNT,
         -1, 0);
      return 0;
    }
    o->account[i] = a;
    o->method[i] = (uint8_t)method;
    ev(x, k, REVL_EV_MATCHED, method, -1, a);
    rep = r->acct_owner ? r->acct_owner[a] : -1;
    if (rep < 0) {
      ev(x, k, REVL_EV_NA, REVL_NA_NO_OWNER, -1, a);
      return 0;
    }
    if (try_one(x, k, rep)) {
      o->rep[i] = rep;
      return 1;
    }
    return -1;
  }
  case REVL_ST_POOL:
  case REVL_ST_TERRITORY: {
    int pi = ru->pool;
    if (ru->kind == REVL_ST_TERRITORY) {
      pi = terr_pool(r, ru->terr, row);
      if (pi < 0) {
        ev(x, k, REVL_EV_NA, REVL_NA_NO_TERRITORY, -1, 0);
        return 0;
      }
      ev(x, k, REVL_EV_TEAM, 0, -1, pi);
    }
    if (r->pools[pi].n == 0) {
      /* a team with no reps at all is not a capacity problem: the rule
       * does not apply and the next one is tried */
      ev(x, k, REVL_EV_NA, REVL_NA_EMPTY_TEAM, -1, pi);
      return 0;
    }
    o->pool[i] = pi;
    rep = pick_pool(x, k, pi);
    if (rep >= 0) {
      o->rep[i] = rep;
      return 1;
    }
    return -1;
  }
  }
  return 0;
}

/* sort by time (nulls last), then key, then row */
static const revl_router *g_sort;

static int key_cmp(const void *pa, const void *pb) {
  const revl_router *r = g_sort;
  uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
  const revl_table *t = r->base;
  if (r->time_col >= 0) {
    const revl_column *c = t->cols[r->time_col];
    int va = revl_col_valid(c, a), vb = revl_col_valid(c, b);
    if (va != vb) return vb - va;
    if (va) {
      int64_t x = c->type == REVL_T_DATE ? (int64_t)c->v.date[a] * 86400 : c->v.i64[a];
      int64_t y = c->type == REVL_T_DATE ? (int64_t)c->v.date[b] * 86400 : c->v.i64[b];
      if (x != y) return x < y ? -1 : 1;
    }
  }
  if (t->pk >= 0) {
    const revl_column *c = t->cols[t->pk];
    int va = revl_col_valid(c, a), vb = revl_col_valid(c, b);
    if (va && vb && c->v.str[a] != c->v.str[b]) {
      int k = strcmp(revl_intern_str(&t->store->strings, c->v.str[a]),
                     revl_intern_str(&t->store->strings, c->v.str[b]));
      if (k) return k;
    }
  }
  return (a > b) - (a < b);
}

static int64_t rec_time(const revl_router *r, size_t row) {
  if (r->time_col < 0) return REVL_NO_TIME;
  const revl_column *c = r->base->cols[r->time_col];
  if (!revl_col_valid(c, row)) return REVL_NO_TIME;
  return c->type == REVL_T_DATE ? (int64_t)c->v.date[row] * 86400 : c->v.i64[row];
}

void revl_route_result_free(revl_route_result *res) {
  if (!res) return;
  free(res->row);
  free(res->rep);
  free(res->queue);
  free(res->rule);
  free(res->account);
  free(res->method);
  free(res->pool);
  free(res->ev_off);
  free(res->ev);
  memset(res, 0, sizeof *res);
}

int revl_route(revl_router *r, const uint32_t *rows, size_t n,
               revl_crit_ctx *cc, revl_route_result *o) {
  memset(o, 0, sizeof *o);
  size_t m = n ? n : 1;
  o->row = malloc(m * sizeof *o->row);
  o->rep = malloc(m * sizeof *o->rep);
  o->queue = malloc(m * sizeof *o->queue);
  o->rule = malloc(m * sizeof *o->rule);
  o->account = malloc(m * sizeof *o->account);
  o->method = calloc(m, sizeof *o->method);
  o->pool = malloc(m * sizeof *o->pool);
  o->ev_off = malloc((m + 1) * sizeof *o->ev_off);
  if (!o->row || !o->rep || !o->queue || !o->rule || !o->account || !o->method ||
      !o->pool || !o->ev_off) {
    revl_route_result_free(o);
    return REVL_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) o->row[i] = rows ? rows[i] : (uint32_t)i;
  g_sort = r;
  qsort(o->row, n, sizeof *o->row, key_cmp);
  g_sort = NULL;
  o->n = n;
  rctx x = {r, o, cc, 0, {0}, 0};
  int32_t as_of = cc ? cc->as_of : 0;
  for (size_t i = 0; i < n; i++) {
    size_t row = o->row[i];
    o->ev_off[i] = (uint32_t)o->nev;
    o->rep[i] = -1;
    o->queue[i] = -1;
    o->rule[i] = -1;
    o->account[i] = -1;
    o->pool[i] = -1;
    int64_t t = rec_time(r, row);
    x.day = t == REVL_NO_TIME ? as_of
            : r->cal         ? revl_cal_day(r->cal, t)
                             : (int32_t)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
    for (int p = 0; p < REVL_NCAPS; p++) x.bucket[p] = revl_cap_bucket(p, x.day);
    int done = 0;
    for (int k = 0; k < r->nrules && !done; k++) {
      revl_rule *ru = &r->rules[k];
      if (ru->crit) {
        int ok = revl_crit_eval(ru->crit, row, cc);
        if (cc && cc->failed) return REVL_ESCRIPT;
        if (!ok) {
          ev(&x, k, REVL_EV_NOMATCH, 0, -1, 0);
          continue;
        }
      }
      int got = apply(&x, k, row, i);
      if (got > 0) {
        o->rule[i] = (int16_t)k;
        done = 1;
      } else if (got < 0) {
        ev(&x, k, REVL_EV_EXHAUSTED, 0, -1, 0);
        if (!ru->overflow_next) break;
      }
    }
    if (!done) {
      if (r->fallback_rep >= 0) {
        o->rep[i] = r->fallback_rep;
        take(&x, r->fallback_rep);
      } else {
        o->queue[i] = r->fallback_queue;
      }
      ev(&x, -1, REVL_EV_FALLBACK, 0, r->fallback_rep, r->fallback_queue);
    }
    if (x.oom) return REVL_ENOMEM;
    r->routed++;
    r->last_time = t;
    r->last_id = r->base->pk >= 0 && revl_col_valid(r->base->cols[r->base->pk], row)
                     ? r->base->cols[r->base->pk]->v.str[row]
                     : 0;
  }
  o->ev_off[n] = (uint32_t)o->nev;
  return 0;
}
