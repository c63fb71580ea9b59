/*
 * criteria.h -- declarative criteria compiled to predicates over columns.
 *
 * A criterion is {field, op, value}: the binding layer turns the value
 * into the column's own units (intern ids, minor units, days) once, so
 * evaluating a row is integer work with no allocation.  Text operators
 * on string columns are memoised per distinct interned string.  OP_FUNC
 * (a Lua function) and OP_MATCHES (a Lua pattern) call back into the
 * binding through revl_crit_ctx.
 */
#ifndef REVL_CRITERIA_H
#define REVL_CRITERIA_H

#include <stddef.h>
#include <stdint.h>
#include "revl/common.h"
#include "revl/parse.h"
#include "revl/store.h"

typedef enum revl_op {
  REVL_OP_EQ, REVL_OP_NE, REVL_OP_LT, REVL_OP_LE, REVL_OP_GT, REVL_OP_GE,
  REVL_OP_IN, REVL_OP_NOT_IN, REVL_OP_BETWEEN,
  REVL_OP_CONTAINS, REVL_OP_PREFIX, REVL_OP_SUFFIX, REVL_OP_MATCHES,
  REVL_OP_EXISTS, REVL_OP_MISSING,
  REVL_OP_WITHIN_DAYS, REVL_OP_OLDER_THAN_DAYS,
  REVL_OP_ALL, REVL_OP_ANY, REVL_OP_NONE,
  REVL_OP_FUNC, REVL_OP_CONST
} revl_op;

/* Name of an op as written in playbooks ("=", "in", "within_days"...). */
const char *revl_op_name(revl_op op);
/* Op from its name, or -1. */
int revl_op_from_name(const char *name);

typedef struct revl_crit revl_crit;
struct revl_crit {
  revl_op op;
  char *name;           /* shown in explanations */
  /* the field: column col of table t, reached from the base row through
   * foreign-key column via (-1 when the field is on the base table) */
  revl_table *base;     /* table whose rows are evaluated */
  revl_table *t;        /* table holding the field (base or via's target) */
  int col, via;
  revl_type type;       /* of the column */
  /* operands, in the column's units */
  int64_t a, b;         /* ints, minor units, days, seconds, intern ids */
  double da, db;        /* NUMBER columns, and fractional money bounds */
  int use_double;       /* compare as double (NUMBER, or money vs 12.345) */
  int64_t *set;         /* IN / NOT_IN, sorted */
  size_t nset;
  char *text;           /* CONTAINS / PREFIX / SUFFIX / MATCHES */
  size_t textlen;
  int ci;               /* text ops ignore case */
  uint8_t *memo;        /* per intern id: 0 unknown, 1 false, 2 true */
  size_t nmemo;
  revl_crit **kids;     /* ALL / ANY / NONE */
  int nkids;
  int ref;              /* binding's handle for FUNC / MATCHES */
  int constant;         /* CONST: the answer */
};

typedef struct revl_crit_ctx {
  int32_t as_of;        /* days */
  /* FUNC and MATCHES: return 1 true, 0 false, -1 error (stops) */
  int (*call)(void *ud, const revl_crit *c, size_t row);
  int (*match)(void *ud, const revl_crit *c, const char *s, size_t n);
  void *ud;
  int failed;           /* set when a callback returned -1 */
} revl_crit_ctx;

/* New empty criterion (caller fills it); NULL on allocation failure. */
revl_crit *revl_crit_new(revl_op op);
/* Free c and its children; NULL is a no-op. */
void revl_crit_free(revl_crit *c);
/* Add a child to an ALL/ANY/NONE node (takes ownership).  0 or ENOMEM. */
int revl_crit_add(revl_crit *parent, revl_crit *kid);
/* Sort and deduplicate the IN set. */
void revl_crit_finish_set(revl_crit *c);

/* Does row `row` of the base table satisfy c?  1 or 0 (0 also when the
 * context failed; check ctx->failed). */
int revl_crit_eval(revl_crit *c, size_t row, revl_crit_ctx *ctx);

/* Keep the rows of in[0..n) (or 0..n when in is NULL) that satisfy c;
 * writes them to out (room for n) and returns how many. */
size_t revl_crit_filter(revl_crit *c, const uint32_t *in, size_t n,
                        uint32_t *out, revl_crit_ctx *ctx);

/* True when the criterion tree needs no Lua callback. */
int revl_crit_is_declarative(const revl_crit *c);


/* ---- building criteria from plain values (src/rules/crit_build.c) ---- */

/* Values as a playbook wrote them: revl_cval (revl/parse.h). */

/* The leaf {field, op, value} on table t: the field resolved ("fk.col"
 * too), the value in the column's units (strings interned into t's
 * store), named as the playbook wrote it ("amount > 5", "industry in {2
 * values}").  0 with *out, or a REVL_E* code with err's message (the
 * texts playbooks have always seen). */
int revl_crit_leaf(revl_table *t, const char *field, const char *opname,
                   const revl_cval *v, revl_crit **out, revl_error *err);
/* Rename c from the values as written: "industry in {Software, Fintech}"
 * (set, list v; at most 8 shown), "amount between 1000 and 5000" (only
 * a BETWEEN node, list v), "amount > 5" / "name contains \"x\"" (leaf,
 * not a combination or function), "a and (b or c)" (combination, from
 * its children's names).  0 or REVL_ENOMEM. */
int revl_crit_name_set(revl_crit *c, const char *field, const revl_cval *v);
int revl_crit_name_between(revl_crit *c, const char *field, const revl_cval *v);
int revl_crit_name_leaf(revl_crit *c, const char *field, const revl_cval *v);
int revl_crit_name_combo(revl_crit *c);
/* c->name = a copy of name.  0 or REVL_ENOMEM. */
int revl_crit_set_name(revl_crit *c, const char *name);

#endif
