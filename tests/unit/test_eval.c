/*
 * test_eval.c -- unit tests for src/rules/eval.c: an ICP model built in
 * C (one compiled criterion, one function rule through the callback)
 * scored over a small in-memory store, the decisions as data and as a
 * frame, and bad input (a view of another table, a failing callback).
 */
#include "revl/frame.h"
#include "revl/rules.h"
#include "revl/eval.h"
#include "revl/ingest.h"
#include "revl/store.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

static revl_table *load(revl_store *s, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s.csv", tmpdir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return NULL;
  fputs(text, f);
  fclose(f);
  revl_error err;
  if (revl_load_file(s, name, path, NULL, 0, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    return NULL;
  }
  unlink(path);
  return revl_store_table(s, name);
}

/* the function rule: 5 points when the row number is even; fails on
 * row fail_row */
typedef struct fn_ctx {
  int calls;
  size_t fail_row;
} fn_ctx;

static int fn_cb(void *ctx, int rule, size_t i, size_t row, double *value,
                 revl_error *err) {
  fn_ctx *c = ctx;
  (void)i;
  c->calls++;
  if (rule != 1) return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "rule %d", rule);
  if (row == c->fail_row)
    return revl_error_set(err, REVL_ESCRIPT, NULL, 0, 0, "row %zu failed", row);
  *value = row % 2 == 0 ? 5 : 0;
  return 0;
}

static void test_icp_eval(void) {
  revl_store *s = revl_store_new();
  CHECK(s != NULL);
  revl_table *t = load(s, "accounts",
                       "id,employees\nA1,50\nA2,500\nA3,5000\nA4,\n");
  revl_table *other = load(s, "reps", "id,name\nR1,Ann\n");
  CHECK(t != NULL && other != NULL);
  if (!t || !other) goto out;
  revl_crit *c = revl_crit_new(REVL_OP_GT);
  c->name = strdup("employees > 100");
  c->base = c->t = t;
  c->col = revl_table_col(t, "employees");
  c->via = -1;
  c->type = t->cols[c->col]->type;
  c->a = 100;
  c->da = 100;
  c->use_double = c->type == REVL_T_NUMBER;
  revl_icp_rule rules[2] = {{c, 30, 0, -1, "employees > 100"},
                            {NULL, 5, 0, 0, "even row"}};
  revl_icp_group group = {"fit", 0, 0};
  int fnrule[1] = {1};
  revl_band tiers[2] = {{"A", 30, 0, 0}, {"B", 0, 1, 0}};
  revl_icp m;
  memset(&m, 0, sizeof m);
  m.t = t;
  m.rules = rules;
  m.nrules = 2;
  m.nfn = 1;
  m.nwords = 1;
  m.fnrule = fnrule;
  m.groups = &group;
  m.ngroups = 1;
  m.tiers = tiers;
  m.ntiers = 2;

  fn_ctx fc = {0, (size_t)-1};
  revl_eval_opts o = {0, fn_cb, NULL, NULL, &fc};
  revl_view v = revl_view_all(t);
  revl_decisions *d = NULL;
  revl_error err;
  CHECK_INT(revl_icp_eval(&m, &v, &o, &d, &err), 0);
  CHECK(d != NULL);
  if (d) {
    CHECK_INT((int)d->n, 4);
    CHECK_INT(fc.calls, 4);
    CHECK_DBL(d->fit[0], 5, 1e-9);  /* row 0: even, 50 employees */
    CHECK_DBL(d->fit[1], 30, 1e-9);
    CHECK_DBL(d->fit[2], 35, 1e-9);
    CHECK_DBL(d->fit[3], 0, 1e-9);  /* missing employees: no points */
    CHECK_INT(d->tier[0], 1);
    CHECK_INT(d->tier[2], 0);
    CHECK_INT(revl_decisions_fired(d, 1, 0), 1);
    CHECK_INT(revl_decisions_fired(d, 1, 1), 0);
    revl_frame *f = NULL;
    CHECK_INT(revl_decisions_to_frame(d, &f, &err), 0);
    if (f) {
      CHECK_INT((int)f->nrows, 4);
      int ct = revl_frame_col_index(f, "tier"), cr = revl_frame_col_index(f, "reasons");
      CHECK(ct >= 0 && cr >= 0);
      CHECK_STR(revl_frame_str(f, ct, 2), "A");
      CHECK_STR(revl_frame_str(f, cr, 2), "employees > 100; even row");
      CHECK_STR(revl_frame_str(f, cr, 3), "");
      int ci = revl_frame_col_index(f, "id");
      if (ci >= 0) CHECK_STR(revl_frame_str(f, ci, 1), "A2");
    }
    revl_frame_free(f);
    revl_decisions_free(d);
  }

  /* a view of rows 2, 0 keeps the view's order */
  uint32_t rows[2] = {2, 0};
  revl_view sub = {t, rows, 2};
  d = NULL;
  CHECK_INT(revl_icp_eval(&m, &sub, &o, &d, &err), 0);
  if (d) {
    CHECK_DBL(d->fit[0], 35, 1e-9);
    CHECK_DBL(d->fit[1], 5, 1e-9);
    revl_decisions_free(d);
  }

  /* bad input: a view of another table */
  revl_view wrong = revl_view_all(other);
  d = NULL;
  CHECK_INT(revl_icp_eval(&m, &wrong, &o, &d, &err), REVL_EUSAGE);
  CHECK(d == NULL);
  CHECK(strstr(err.msg, "accounts") != NULL && strstr(err.msg, "reps") != NULL);

  /* a failing callback stops the run with its code and message */
  fc.fail_row = 2;
  CHECK_INT(revl_icp_eval(&m, &v, &o, &d, &err), REVL_ESCRIPT);
  CHECK(d == NULL);
  CHECK_STR(err.msg, "row 2 failed");

  /* a function rule without a callback */
  revl_eval_opts none = {0, NULL, NULL, NULL, NULL};
  CHECK_INT(revl_icp_eval(&m, &v, &none, &d, &err), REVL_EUSAGE);

  /* criteria over a view: the records kept, in order; another table */
  uint32_t in[4] = {3, 2, 1, 0}, kept[4];
  size_t k = 99;
  CHECK_INT(revl_criteria_eval(c, t, in, 4, &none, kept, &k, &err), 0);
  CHECK_INT((int)k, 2);
  CHECK_INT((int)kept[0], 2);
  CHECK_INT((int)kept[1], 1);
  CHECK_INT(revl_criteria_eval(c, other, NULL, other->nrows, &none, kept, &k, &err),
            REVL_EUSAGE);
  CHECK_INT((int)k, 0);
  CHECK(strstr(err.msg, "about accounts, not reps") != NULL);
  revl_crit_free(c);
out:
  revl_store_free(s);
}

int main(void) {
  const char *base = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/revl-eval.XXXXXX",
           base && base[0] ? base : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 2;
  }
  test_icp_eval();
  rmdir(tmpdir);
  TEST_END();
}
