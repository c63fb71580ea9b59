/*
 * criteria.c -- evaluate compiled criteria over a table's rows.
 *
 * Each node reads one column value (following one foreign key when the
 * field is on a related table) and compares it in the column's units.
 * Nulls satisfy only MISSING (and NOT_IN / NE, which are "not equal to
 * any of", a null being equal to none): a rule about a value never
 * silently matches a record that has no value.
 */
#include "revl/criteria.h"

#include <stdlib.h>
#include <string.h>

static const char *op_names[] = {
    "=", "~=", "<", "<=", ">", ">=", "in", "not_in", "between",
    "contains", "prefix", "suffix", "matches", "exists", "missing",
    "within_days", "older_than_days", "all", "any", "none", "function",
    "const"};

const char *revl_op_name(revl_op op) {
  return (unsigned)op < sizeof op_names / sizeof op_names[0] ? op_names[op]
                                                              : "?";
}

int revl_op_from_name(const char *name) {
  for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
    if (strcmp(op_names[i], name) == 0) return (int)i;
  if (strcmp(name, "==") == 0 || strcmp(name, "eq") == 0) return REVL_OP_EQ;
  if (strcmp(name, "!=") == 0 || strcmp(name, "ne") == 0) return REVL_OP_NE;
  if (strcmp(name, "lt") == 0) return REVL_OP_LT;
  if (strcmp(name, "le") == 0 || strcmp(name, "lte") == 0) return REVL_OP_LE;
  if (strcmp(name, "gt") == 0) return REVL_OP_GT;
  if (strcmp(name, "ge") == 0 || strcmp(name, "gte") == 0) return REVL_OP_GE;
  return -1;
}

revl_crit *revl_crit_new(revl_op op) {
  revl_crit *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->op = op;
  c->col = -1;
  c->via = -1;
  c->ref = -1;
  return c;
}

void revl_crit_free(revl_crit *c) {
  if (!c) return;
  for (int i = 0; i < c->nkids; i++) revl_crit_free(c->kids[i]);
  free(c->kids);
  free(c->set);
  free(c->text);
  free(c->memo);
  free(c->name);
  free(c);
}

int revl_crit_add(revl_crit *p, revl_crit *kid) {
  revl_crit **k = realloc(p->kids, (size_t)(p->nkids + 1) * sizeof *k);
  if (!k) return REVL_ENOMEM;
  p->kids = k;
  k[p->nkids++] = kid;
  return 0;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

void revl_crit_finish_set(revl_crit *c) {
  if (!c->nset) return;
  qsort(c->set, c->nset, sizeof *c->set, cmp_i64);
  size_t o = 1;
  for (size_t i = 1; i < c->nset; i++)
    if (c->set[i] != c->set[o - 1]) c->set[o++] = c->set[i];
  c->nset = o;
}

static int in_set(const revl_crit *c, int64_t v) {
  size_t lo = 0, hi = c->nset;
  if (c->nset <= 8) {
    for (size_t i = 0; i < c->nset; i++)
      if (c->set[i] == v) return 1;
    return 0;
  }
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c->set[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < c->nset && c->set[lo] == v;
}

static int lower_eq(const char *a, const char *b, size_t n, int ci) {
  if (!ci) return memcmp(a, b, n) == 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
    if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
    if (x != y) return 0;
  }
  return 1;
}

static int text_test(revl_crit *c, const char *s, size_t n,
                     revl_crit_ctx *ctx) {
  switch (c->op) {
  case REVL_OP_PREFIX:
    return n >= c->textlen && lower_eq(s, c->text, c->textlen, c->ci);
  case REVL_OP_SUFFIX:
    return n >= c->textlen &&
           lower_eq(s + n - c->textlen, c->text, c->textlen, c->ci);
  case REVL_OP_CONTAINS:
    if (c->textlen == 0) return 1;
    for (size_t i = 0; i + c->textlen <= n; i++)
      if (lower_eq(s + i, c->text, c->textlen, c->ci)) return 1;
    return 0;
  case REVL_OP_MATCHES: {
    if (!ctx->match) return 0;
    int r = ctx->match(ctx->ud, c, s, n);
    if (r < 0) ctx->failed = 1;
    return r > 0;
  }
  default: return 0;
  }
}

/* Text operators on a string column, memoised per interned string. */
static int text_op(revl_crit *c, const revl_column *col, size_t row,
                   revl_crit_ctx *ctx) {
  const revl_intern *in = &c->t->store->strings;
  uint32_t id = col->v.str[row];
  if (id >= c->nmemo) {
    size_t n = in->n + 1024;
    uint8_t *m = realloc(c->memo, n);
    if (!m) return text_test(c, revl_intern_str(in, id), revl_intern_len(in, id), ctx);
    memset(m + c->nmemo, 0, n - c->nmemo);
    c->memo = m;
    c->nmemo = n;
  }
  if (!c->memo[id]) {
    int r = text_test(c, revl_intern_str(in, id), revl_intern_len(in, id), ctx);
    if (ctx->failed) return 0;
    c->memo[id] = (uint8_t)(r ? 2 : 1);
  }
  return c->memo[id] == 2;
}

static int cmp_op(revl_op op, int64_t v, int64_t a, int64_t b) {
  switch (op) {
  case REVL_OP_EQ: return v == a;
  case REVL_OP_NE: return v != a;
  case REVL_OP_LT: return v < a;
  case REVL_OP_LE: return v <= a;
  case REVL_OP_GT: return v > a;
  case REVL_OP_GE: return v >= a;
  case REVL_OP_BETWEEN: return v >= a && v <= b;
  default: return 0;
  }
}

static int cmp_opd(revl_op op, double v, double a, double b) {
  switch (op) {
  case REVL_OP_EQ: return v == a;
  case REVL_OP_NE: return v != a;
  case REVL_OP_LT: return v < a;
  case REVL_OP_LE: return v <= a;
  case REVL_OP_GT: return v > a;
  case REVL_OP_GE: return v >= a;
  case REVL_OP_BETWEEN: return v >= a && v <= b;
  default: return 0;
  }
}

int revl_crit_eval(revl_crit *c, size_t row, revl_crit_ctx *ctx) {
  switch (c->op) {
  case REVL_OP_ALL:
    for (int i = 0; i < c->nkids; i++)
      if (!revl_crit_eval(c->kids[i], row, ctx)) return 0;
    return !ctx->failed;
  case REVL_OP_ANY:
    for (int i = 0; i < c->nkids; i++)
      if (revl_crit_eval(c->kids[i], row, ctx)) return 1;
    return 0;
  case REVL_OP_NONE:
    for (int i = 0; i < c->nkids; i++)
      if (revl_crit_eval(c->kids[i], row, ctx)) return 0;
    return !ctx->failed;
  case REVL_OP_FUNC: {
    if (!ctx->call) return 0;
    int r = ctx->call(ctx->ud, c, row);
    if (r < 0) ctx->failed = 1;
    return r > 0;
  }
  case REVL_OP_CONST: return c->constant;
  default: break;
  }
  /* a field: find the row that holds it */
  if (c->col < 0) return 0;
  if (c->via >= 0) {
    const revl_column *fk = c->base->cols[c->via];
    int32_t r = fk->ref_row ? fk->ref_row[row] : -1;
    if (r < 0) return c->op == REVL_OP_MISSING || c->op == REVL_OP_NOT_IN ||
                      c->op == REVL_OP_NE;
    row = (size_t)r;
  }
  const revl_column *col = c->t->cols[c->col];
  int valid = revl_col_valid(col, row);
  if (c->op == REVL_OP_EXISTS) return valid;
  if (c->op == REVL_OP_MISSING) return !valid;
  if (!valid) return c->op == REVL_OP_NOT_IN || c->op == REVL_OP_NE;
  int64_t v;
  switch (col->type) {
  case REVL_T_STRING:
    switch (c->op) {
    case REVL_OP_EQ: return col->v.str[row] == (uint32_t)c->a;
    case REVL_OP_NE: return col->v.str[row] != (uint32_t)c->a;
    case REVL_OP_IN: return in_set(c, col->v.str[row]);
    case REVL_OP_NOT_IN: return !in_set(c, col->v.str[row]);
    case REVL_OP_CONTAINS:
    case REVL_OP_PREFIX:
    case REVL_OP_SUFFIX:
    case REVL_OP_MATCHES: return text_op(c, col, row, ctx);
    default: {
      /* ordering on text: byte order */
      const revl_intern *in = &c->t->store->strings;
      const char *s = revl_intern_str(in, col->v.str[row]);
      int k = strcmp(s, revl_intern_str(in, (uint32_t)c->a));
      int kb = c->op == REVL_OP_BETWEEN
                   ? strcmp(s, revl_intern_str(in, (uint32_t)c->b))
                   : 0;
      switch (c->op) {
      case REVL_OP_LT: return k < 0;
      case REVL_OP_LE: return k <= 0;
      case REVL_OP_GT: return k > 0;
      case REVL_OP_GE: return k >= 0;
      case REVL_OP_BETWEEN: return k >= 0 && kb <= 0;
      default: return 0;
      }
    }
    }
  case REVL_T_NUMBER: {
    double d = col->v.f64[row];
    if (c->op == REVL_OP_IN || c->op == REVL_OP_NOT_IN) {
      int hit = d == (double)(int64_t)d && in_set(c, (int64_t)d);
      return c->op == REVL_OP_IN ? hit : !hit;
    }
    return cmp_opd(c->op, d, c->da, c->db);
  }
  case REVL_T_BOOL: v = col->v.b[row]; break;
  case REVL_T_DATE:
    v = col->v.date[row];
    if (c->op == REVL_OP_WITHIN_DAYS)
      return v >= (int64_t)ctx->as_of - c->a && v <= ctx->as_of;
    if (c->op == REVL_OP_OLDER_THAN_DAYS)
      return v < (int64_t)ctx->as_of - c->a;
    break;
  case REVL_T_DATETIME:
    v = col->v.i64[row];
    if (c->op == REVL_OP_WITHIN_DAYS || c->op == REVL_OP_OLDER_THAN_DAYS) {
      int64_t day = v >= 0 ? v / 86400 : -((-v + 86399) / 86400);
      if (c->op == REVL_OP_WITHIN_DAYS)
        return day >= (int64_t)ctx->as_of - c->a && day <= ctx->as_of;
      return day < (int64_t)ctx->as_of - c->a;
    }
    break;
  case REVL_T_MONEY: v = col->v.i64[row]; break;
  default: v = col->v.i64[row]; break;
  }
  if (c->op == REVL_OP_IN) return in_set(c, v);
  if (c->op == REVL_OP_NOT_IN) return !in_set(c, v);
  if (c->use_double) return cmp_opd(c->op, (double)v, c->da, c->db);
  return cmp_op(c->op, v, c->a, c->b);
}

/* Column-at-a-time filtering for the common leaves: the type and the
 * operator are decided once, outside the loop.  Returns 1 when handled. */
static int filter_leaf(revl_crit *c, const uint32_t *in, size_t n,
                       uint32_t *out, size_t *kept) {
  if (c->via >= 0 || c->col < 0) return 0;
  const revl_column *col = c->t->cols[c->col];
  const uint64_t *valid = col->valid;
  size_t k = 0;
#define ROW(i) (in ? (size_t)in[i] : (i))
#define VALID(r) ((valid[(r) >> 6] >> ((r) & 63)) & 1)
#define LOOP(expr)                                                         \
  for (size_t i = 0; i < n; i++) {                                         \
    size_t r = ROW(i);                                                     \
    if (VALID(r) && (expr)) out[k++] = (uint32_t)r;                        \
  }
/* compare the integer cells v (int64_t or int32_t) with c->a (and c->b),
 * one loop per operator */
#define CMP_LOOPS(v)                                                       \
  int64_t a = c->a, b = c->b;                                              \
  switch (c->op) {                                                         \
  case REVL_OP_EQ: LOOP(v[r] == a) break;                                  \
  case REVL_OP_LT: LOOP(v[r] < a) break;                                   \
  case REVL_OP_LE: LOOP(v[r] <= a) break;                                  \
  case REVL_OP_GT: LOOP(v[r] > a) break;                                   \
  case REVL_OP_GE: LOOP(v[r] >= a) break;                                  \
  case REVL_OP_BETWEEN: LOOP(v[r] >= a && v[r] <= b) break;                \
  default: return 0;                                                       \
  }
  switch (col->type) {
  case REVL_T_STRING: {
    const uint32_t *v = col->v.str;
    uint32_t a = (uint32_t)c->a;
    if (c->op == REVL_OP_EQ) { LOOP(v[r] == a) }
    else if (c->op == REVL_OP_IN) { LOOP(in_set(c, v[r])) }
    else if (c->op == REVL_OP_NOT_IN) {
      for (size_t i = 0; i < n; i++) {
        size_t r = ROW(i);
        if (!VALID(r) || !in_set(c, v[r])) out[k++] = (uint32_t)r;
      }
    } else return 0;
    break;
  }
  case REVL_T_MONEY:
  case REVL_T_INT:
  case REVL_T_DATETIME: {
    if (c->use_double) return 0;
    const int64_t *v = col->v.i64;
    CMP_LOOPS(v)
    break;
  }
  case REVL_T_DATE: {
    const int32_t *v = col->v.date;
    CMP_LOOPS(v)
    break;
  }
  case REVL_T_BOOL: {
    const uint8_t *v = col->v.b;
    if (c->op != REVL_OP_EQ) return 0;
    uint8_t a = (uint8_t)c->a;
    LOOP(v[r] == a)
    break;
  }
  default: return 0;
  }
#undef CMP_LOOPS
#undef LOOP
#undef VALID
#undef ROW
  *kept = k;
  return 1;
}

size_t revl_crit_filter(revl_crit *c, const uint32_t *in, size_t n,
                        uint32_t *out, revl_crit_ctx *ctx) {
  size_t k = 0;
  /* ALL: narrow the rows one criterion at a time, declarative leaves
   * first (in their own tight loops), functions last on what is left */
  if (c->op == REVL_OP_ALL && c->nkids > 0) {
    const uint32_t *cur = in;
    size_t m = n;
    for (int pass = 0; pass < 2; pass++)
      for (int i = 0; i < c->nkids; i++) {
        revl_crit *kid = c->kids[i];
        int decl = revl_crit_is_declarative(kid);
        if ((pass == 0) != decl) continue;
        m = revl_crit_filter(kid, cur, m, out, ctx);
        cur = out;
        if (ctx->failed) return 0;
      }
    return m;
  }
  if (filter_leaf(c, in, n, out, &k)) return k;
  for (size_t i = 0; i < n && !ctx->failed; i++) {
    size_t row = in ? in[i] : i;
    if (revl_crit_eval(c, row, ctx)) out[k++] = (uint32_t)row;
  }
  return k;
}

int revl_crit_is_declarative(const revl_crit *c) {
  if (c->op == REVL_OP_FUNC || c->op == REVL_OP_MATCHES) return 0;
  for (int i = 0; i < c->nkids; i++)
    if (!revl_crit_is_declarative(c->kids[i])) return 0;
  return 1;
}
