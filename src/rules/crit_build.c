/*
 * crit_build.c -- criteria leaves built from plain values (revl_cval,
 * include/revl/criteria.h): the operator and field resolved, the value
 * converted to the column's units and checked, and the names shown in
 * explanations worded from the values as the playbook wrote them.  The
 * bindings only turn their language's values into revl_cval.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/criteria.h"
#include "revl/parse.h"
#include "revl/reasons.h"
#include "revl/sbuf.h"

#define FAIL(...) revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, __VA_ARGS__)
#define NOMEM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* v in the units of column col of c->t into *a (or *da). */
static int operand(const revl_cval *v, revl_crit *c, const revl_column *col, int64_t *a,
                   double *da, const char *field, revl_error *err) {
  switch (col->type) {
  case REVL_T_STRING: {
    if (v->kind != REVL_CV_STR)
      return FAIL("criterion on '%s': expected a string value, got %s", field, v->type);
    /* a string never seen cannot be equal to any cell; intern it so
     * ordering comparisons still have its text */
    uint32_t id = revl_intern_find(&c->t->store->strings, v->s, v->n);
    if (!id) id = revl_intern_add(&c->t->store->strings, v->s, v->n);
    if (!id) return NOMEM();
    *a = id;
    return 0;
  }
  case REVL_T_INT:
  case REVL_T_NUMBER:
    if (v->kind != REVL_CV_INT && v->kind != REVL_CV_NUM)
      return FAIL("criterion on '%s': expected a number, got %s", field, v->type);
    *da = v->d;
    if (v->kind == REVL_CV_INT)
      *a = v->i;
    else if (isnan(*da))
      return FAIL("criterion on '%s': NaN is not a value", field);
    else /* beyond the integers (1e300, math.huge): saturate */
      *a = *da >= 0x1p63 ? INT64_MAX : *da < -0x1p63 ? INT64_MIN : (int64_t)ceil(*da);
    if (col->type == REVL_T_INT && v->kind != REVL_CV_INT) c->use_double = 1;
    return 0;
  case REVL_T_BOOL:
    if (v->kind != REVL_CV_BOOL)
      return FAIL("criterion on '%s': expected true or false, got %s", field, v->type);
    *a = v->i;
    return 0;
  case REVL_T_DATE:
  case REVL_T_DATETIME: {
    int32_t d;
    if (col->type == REVL_T_DATETIME && v->kind == REVL_CV_DATETIME) {
      *a = v->i;
      return 0;
    }
    if (v->kind == REVL_CV_DATE) d = (int32_t)v->i;
    else if (v->kind == REVL_CV_DATETIME) d = (int32_t)floor_div(v->i, 86400);
    else if (v->kind == REVL_CV_STR) {
      if (revl_parse_date(v->s, v->n, NULL, &d)) return FAIL("not a date: \"%s\"", v->s);
    } else
      return FAIL("criterion on '%s': expected a date, got %s", field, v->type);
    *a = col->type == REVL_T_DATE ? d : (int64_t)d * 86400;
    return 0;
  }
  case REVL_T_MONEY: {
    if (v->kind == REVL_CV_MONEY) {
      *a = v->i;
      *da = (double)v->i;
      return 0;
    }
    if (v->kind != REVL_CV_INT && v->kind != REVL_CV_NUM)
      return FAIL("criterion on '%s': expected an amount, got %s", field, v->type);
    /* major units; money columns compare in the default currency's
     * minor units (a mixed-currency column needs an FX table) */
    const char *cur = revl_intern_str(&c->t->store->strings, c->t->store->default_currency);
    double scale = pow(10, revl_currency_decimals(cur));
    *da = v->d * scale;
    if (isnan(*da)) return FAIL("criterion on '%s': NaN is not an amount", field);
    /* 999.99 * 100 is 99998.99999999999 in binary floating point: a
     * value within a millionth of a minor unit is that minor unit */
    double r = floor(*da + 0.5);
    if (fabs(*da - r) < 1e-6 && fabs(r) < 9e15) {
      *a = (int64_t)r;
      *da = r;
    } else {
      c->use_double = 1;
    }
    return 0;
  }
  }
  return 0;
}

static const char *text_of(const revl_cval *v) { return v && v->text ? v->text : "nil"; }

/* the operand and checks of op; fills name */
static int leaf_value(revl_crit *c, int op, const revl_column *col, const char *field,
                      const char *opname, const revl_cval *v, char *name, size_t nn,
                      revl_error *err) {
  switch (op) {
  case REVL_OP_EXISTS:
  case REVL_OP_MISSING:
    snprintf(name, nn, "%s %s", field, opname);
    return 0;
  case REVL_OP_WITHIN_DAYS:
  case REVL_OP_OLDER_THAN_DAYS:
    if (col->type != REVL_T_DATE && col->type != REVL_T_DATETIME)
      return FAIL("'%s' needs a date column; %s is %s", opname, field, revl_type_name(col->type));
    if (v->kind != REVL_CV_INT || v->i < 0)
      return FAIL("'%s' on '%s' needs a whole number of days", opname, field);
    c->a = v->i;
    snprintf(name, nn, "%s %s %lld", field, opname, (long long)c->a);
    return 0;
  case REVL_OP_IN:
  case REVL_OP_NOT_IN: {
    if (v->kind != REVL_CV_LIST) return FAIL("'%s' on '%s' needs a list of values", opname, field);
    size_t n = v->nitems;
    c->set = malloc((n ? n : 1) * sizeof *c->set);
    if (!c->set) return NOMEM();
    for (size_t i = 0; i < n; i++) {
      double d = 0;
      int rc = operand(&v->items[i], c, col, &c->set[c->nset], &d, field, err);
      if (rc) return rc;
      if (col->type == REVL_T_NUMBER) {
        if (d != floor(d))
          return FAIL("'%s' on number column '%s' takes whole numbers", opname, field);
        if (!(d > -0x1p63 && d < 0x1p63))
          return FAIL("'%s' on number column '%s': %g is out of range", opname, field, d);
        c->set[c->nset] = (int64_t)d;
      }
      c->nset++;
    }
    revl_crit_finish_set(c);
    snprintf(name, nn, "%s %s {%zu values}", field, opname, n);
    return 0;
  }
  case REVL_OP_BETWEEN: {
    if (v->kind != REVL_CV_LIST || v->nitems != 2)
      return FAIL("'between' on '%s' needs {low, high}", field);
    int rc = operand(&v->items[0], c, col, &c->a, &c->da, field, err);
    if (!rc) rc = operand(&v->items[1], c, col, &c->b, &c->db, field, err);
    if (rc) return rc;
    snprintf(name, nn, "%s between %s and %s", field, text_of(&v->items[0]),
             text_of(&v->items[1]));
    return 0; /* da/db hold both bounds whatever use_double says */
  }
  case REVL_OP_CONTAINS:
  case REVL_OP_PREFIX:
  case REVL_OP_SUFFIX:
  case REVL_OP_MATCHES:
    if (col->type != REVL_T_STRING)
      return FAIL("'%s' needs a text column; %s is %s", opname, field, revl_type_name(col->type));
    if (v->kind != REVL_CV_STR) return FAIL("'%s' on '%s' needs a string", opname, field);
    c->text = malloc(v->n + 1);
    if (!c->text) return NOMEM();
    memcpy(c->text, v->s, v->n + 1);
    c->textlen = v->n;
    snprintf(name, nn, "%s %s \"%.100s\"", field, opname, v->s);
    return 0;
  default: {
    if (v->kind == REVL_CV_NIL)
      return FAIL("criterion '%s %s' has no value (use exists/missing for nulls)", field, opname);
    int rc = operand(v, c, col, &c->a, &c->da, field, err);
    if (rc) return rc;
    if (col->type == REVL_T_NUMBER) c->use_double = 1;
    snprintf(name, nn, "%s %s %s", field, opname, text_of(v));
    return 0;
  }
  }
}

int revl_crit_leaf(revl_table *t, const char *field, const char *opname,
                   const revl_cval *v, revl_crit **out, revl_error *err) {
  *out = NULL;
  int op = revl_op_from_name(opname);
  if (op < 0 || op >= REVL_OP_ALL)
    return FAIL("unknown operator '%s' (use = ~= < <= > >= in not_in between "
                "contains prefix suffix matches exists missing within_days "
                "older_than_days)", opname);
  const revl_table *h;
  int via;
  int ci = revl_table_field(t, field, &h, &via);
  if (ci < 0) return FAIL("%s has no column '%s'%s", t->name, field, REVL_HINT(t, field));
  revl_crit *c = revl_crit_new((revl_op)op);
  if (!c) return NOMEM();
  c->base = t;
  c->t = (revl_table *)h;
  c->col = ci;
  c->via = via;
  const revl_column *col = h->cols[ci];
  c->type = col->type;
  char name[256];
  int rc = leaf_value(c, op, col, field, opname, v, name, sizeof name, err);
  if (!rc && revl_crit_set_name(c, name)) rc = NOMEM();
  if (rc) {
    revl_crit_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

/* ---- names ---------------------------------------------------------------- */

int revl_crit_set_name(revl_crit *c, const char *name) {
  char *n = strdup(name ? name : "");
  if (!n) return REVL_ENOMEM;
  free(c->name);
  c->name = n;
  return 0;
}

static int take_name(revl_crit *c, revl_sbuf *b) {
  int rc = b->oom ? REVL_ENOMEM : revl_crit_set_name(c, revl_sb_str(b));
  revl_sb_free(b);
  return rc;
}

int revl_crit_name_set(revl_crit *c, const char *field, const revl_cval *v) {
  revl_sbuf b = {0};
  revl_sb_adds(&b, field);
  revl_sb_adds(&b, " ");
  revl_sb_adds(&b, revl_op_name(c->op));
  revl_sb_adds(&b, " {");
  size_t n = v->kind == REVL_CV_LIST ? v->nitems : 0;
  for (size_t i = 0; i < n; i++) {
    if (i >= 8) {
      revl_sb_addf(&b, ", ... (%zu more)", n - 8);
      break;
    }
    if (i) revl_sb_adds(&b, ", ");
    const revl_cval *x = &v->items[i];
    if (x->text) revl_sb_add(&b, x->text, x->textlen);
    else revl_sb_adds(&b, "nil");
  }
  revl_sb_adds(&b, "}");
  return take_name(c, &b);
}

int revl_crit_name_combo(revl_crit *c) {
  revl_sbuf b = {0};
  const char *sep = c->op == REVL_OP_ANY || c->op == REVL_OP_NONE ? " or " : " and ";
  if (c->op == REVL_OP_NONE) revl_sb_adds(&b, "not (");
  if (c->nkids == 0) revl_sb_adds(&b, c->op == REVL_OP_ANY ? "nothing" : "anything");
  for (int i = 0; i < c->nkids; i++) {
    revl_crit *k = c->kids[i];
    int paren = revl_crit_is_combo(k) && k->nkids > 1 && k->op != REVL_OP_NONE;
    if (i) revl_sb_adds(&b, sep);
    if (paren) revl_sb_adds(&b, "(");
    revl_sb_adds(&b, k->name ? k->name : "?");
    if (paren) revl_sb_adds(&b, ")");
  }
  if (c->op == REVL_OP_NONE) revl_sb_adds(&b, ")");
  if (b.n > 300) {
    b.n = 297;
    revl_sb_adds(&b, "...");
  }
  return take_name(c, &b);
}

int revl_crit_name_between(revl_crit *c, const char *field, const revl_cval *v) {
  if (c->op != REVL_OP_BETWEEN || v->kind != REVL_CV_LIST) return 0;
  revl_sbuf b = {0};
  revl_sb_adds(&b, field);
  revl_sb_adds(&b, " between ");
  for (size_t i = 0; i < 2; i++) {
    const revl_cval *x = i < v->nitems ? &v->items[i] : NULL;
    if (i == 1) revl_sb_adds(&b, " and ");
    if (x && x->text) revl_sb_add(&b, x->text, x->textlen);
    else revl_sb_adds(&b, "nil");
  }
  return take_name(c, &b);
}

int revl_crit_name_leaf(revl_crit *c, const char *field, const revl_cval *v) {
  if (c->op == REVL_OP_BETWEEN) return revl_crit_name_between(c, field, v);
  if (revl_crit_is_combo(c) || c->op == REVL_OP_FUNC) return 0;
  revl_sbuf b = {0};
  revl_sb_adds(&b, field);
  revl_sb_adds(&b, " ");
  revl_sb_adds(&b, revl_op_name(c->op));
  if (c->op != REVL_OP_EXISTS && c->op != REVL_OP_MISSING) {
    int quote = c->op == REVL_OP_CONTAINS || c->op == REVL_OP_PREFIX ||
                c->op == REVL_OP_SUFFIX || c->op == REVL_OP_MATCHES;
    revl_sb_adds(&b, quote ? " \"" : " ");
    if (v->text) revl_sb_add(&b, v->text, v->textlen);
    else revl_sb_adds(&b, "nil");
    if (quote) revl_sb_adds(&b, "\"");
  }
  return take_name(c, &b);
}
