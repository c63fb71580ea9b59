/*
 * test_crit_build.c -- unit tests for src/rules/crit_build.c: criteria
 * leaves built from plain values (no Lua): operands in the column's
 * units (interned text, whole and fractional money, dates from text,
 * sets sorted), the names as playbooks wrote them, the errors playbooks
 * see, and the names of sets, ranges and combinations.
 */
#include <math.h>

#include "revl/criteria.h"
#include "revl/reasons.h"
#include "revl/sbuf.h"
#include "revl/store.h"
#include "test.h"
#include "mtest.h"

static revl_cval num(double d) {
  revl_cval v = {.kind = REVL_CV_NUM, .d = d, .type = "number"};
  return v;
}
static revl_cval integer(int64_t i, const char *text) {
  revl_cval v = {.kind = REVL_CV_INT, .i = i, .d = (double)i, .type = "number", .text = text,
                 .textlen = text ? strlen(text) : 0};
  return v;
}
static revl_cval str(const char *s) {
  revl_cval v = {.kind = REVL_CV_STR, .s = s, .n = strlen(s), .type = "string", .text = s,
                 .textlen = strlen(s)};
  return v;
}
static revl_cval list(const revl_cval *items, size_t n) {
  revl_cval v = {.kind = REVL_CV_LIST, .type = "table", .items = items, .nitems = n};
  return v;
}

/* build a leaf; its name, or the error text */
static const char *leaf(revl_table *t, const char *field, const char *op, revl_cval v,
                        revl_crit **out, revl_error *err) {
  memset(err, 0, sizeof *err);
  if (revl_crit_leaf(t, field, op, &v, out, err)) return err->msg;
  return (*out)->name;
}

static void test_leaves(revl_table *t) {
  revl_crit *c = NULL;
  revl_error err;
  CHECK_STR(leaf(t, "amount", ">", integer(5, "5"), &c, &err), "amount > 5");
  CHECK_INT(c->a, 500); /* minor units of the default currency */
  CHECK_INT(revl_crit_eval(c, 0, &(revl_crit_ctx){0}), 1);  /* 1200.50 */
  CHECK_INT(revl_crit_eval(c, 1, &(revl_crit_ctx){0}), 0);  /* 3.00 */
  revl_crit_free(c);
  /* 999.99 major units is 99999 minor, not 99998.99999 */
  CHECK_STR(leaf(t, "amount", "<=", num(999.99), &c, &err), "amount <= nil");
  CHECK_INT(c->a, 99999);
  CHECK_INT(c->use_double, 0);
  revl_crit_free(c);
  CHECK_STR(leaf(t, "amount", "<", num(0.125), &c, &err), "amount < nil");
  CHECK_INT(c->use_double, 1);
  revl_crit_free(c);
  /* text is interned, a date parsed from its text */
  CHECK_STR(leaf(t, "industry", "=", str("Robotics"), &c, &err), "industry = Robotics");
  CHECK(c->a != 0);
  CHECK_INT(revl_crit_eval(c, 0, &(revl_crit_ctx){0}), 0);
  revl_crit_free(c);
  CHECK_STR(leaf(t, "closed", ">=", str("2025-01-02"), &c, &err), "closed >= 2025-01-02");
  CHECK_INT(revl_crit_eval(c, 0, &(revl_crit_ctx){0}), 1);
  CHECK_INT(revl_crit_eval(c, 1, &(revl_crit_ctx){0}), 0);
  revl_crit_free(c);
  /* sets: sorted, named by their size */
  revl_cval inds[3] = {str("Software"), str("Fintech"), str("Software")};
  CHECK_STR(leaf(t, "industry", "in", list(inds, 3), &c, &err), "industry in {3 values}");
  CHECK_INT((long long)c->nset, 2);
  CHECK_INT(revl_crit_eval(c, 0, &(revl_crit_ctx){0}), 1);
  CHECK_INT(revl_crit_eval(c, 1, &(revl_crit_ctx){0}), 0);
  CHECK_INT(revl_crit_name_set(c, "industry", &(revl_cval){.kind = REVL_CV_LIST, .items = inds,
                                                          .nitems = 3}),
            0);
  CHECK_STR(c->name, "industry in {Software, Fintech, Software}");
  revl_crit_free(c);
  revl_cval bounds[2] = {integer(1, "1"), integer(5000, "5000")};
  CHECK_STR(leaf(t, "amount", "between", list(bounds, 2), &c, &err),
            "amount between 1 and 5000");
  CHECK_INT(c->a, 100);
  CHECK_INT(c->b, 500000);
  revl_crit_free(c);
  CHECK_STR(leaf(t, "industry", "contains", str("ware"), &c, &err),
            "industry contains \"ware\"");
  CHECK_INT(revl_crit_name_leaf(c, "industry", &(revl_cval){.kind = REVL_CV_STR, .text = "ware",
                                                            .textlen = 4}),
            0);
  CHECK_STR(c->name, "industry contains \"ware\"");
  revl_crit_free(c);
  CHECK_STR(leaf(t, "closed", "within_days", integer(30, "30"), &c, &err),
            "closed within_days 30");
  revl_crit_free(c);
  CHECK_STR(leaf(t, "industry", "exists", (revl_cval){.kind = REVL_CV_NIL, .type = "nil"}, &c,
                 &err),
            "industry exists");
  revl_crit_free(c);
}

static void test_errors(revl_table *t) {
  revl_crit *c = (revl_crit *)1;
  revl_error err;
  CHECK_STR(leaf(t, "amount", "bigger", integer(1, "1"), &c, &err),
            "unknown operator 'bigger' (use = ~= < <= > >= in not_in between contains prefix "
            "suffix matches exists missing within_days older_than_days)");
  CHECK(c == NULL);
  CHECK_STR(leaf(t, "industry", "=", integer(1, "1"), &c, &err),
            "criterion on 'industry': expected a string value, got number");
  CHECK_STR(leaf(t, "amount", "=", str("x"), &c, &err),
            "criterion on 'amount': expected an amount, got string");
  CHECK_STR(leaf(t, "closed", "=", str("soon"), &c, &err), "not a date: \"soon\"");
  CHECK_STR(leaf(t, "amount", "=", (revl_cval){.kind = REVL_CV_NIL, .type = "nil"}, &c, &err),
            "criterion 'amount =' has no value (use exists/missing for nulls)");
  CHECK_STR(leaf(t, "industry", "within_days", integer(3, "3"), &c, &err),
            "'within_days' needs a date column; industry is string");
  CHECK_STR(leaf(t, "closed", "within_days", num(1.5), &c, &err),
            "'within_days' on 'closed' needs a whole number of days");
  CHECK_STR(leaf(t, "amount", "in", integer(3, "3"), &c, &err),
            "'in' on 'amount' needs a list of values");
  revl_cval one[1] = {integer(1, "1")};
  CHECK_STR(leaf(t, "amount", "between", list(one, 1), &c, &err),
            "'between' on 'amount' needs {low, high}");
  revl_cval fr[2] = {integer(1, "1"), num(2.5)};
  CHECK_STR(leaf(t, "seats", "in", list(fr, 2), &c, &err),
            "'in' on number column 'seats' takes whole numbers");
  CHECK_STR(leaf(t, "amount", "contains", str("1"), &c, &err),
            "'contains' needs a text column; amount is money");
  CHECK_INT(err.code, REVL_EUSAGE);
  CHECK(strncmp(leaf(t, "industri", "=", str("x"), &c, &err), "accounts has no column 'industri'",
                33) == 0);
}

static void test_combo_names(revl_table *t) {
  revl_crit *a, *b, *any, *all;
  revl_error err;
  leaf(t, "industry", "=", str("Software"), &a, &err);
  leaf(t, "amount", ">", integer(5, "5"), &b, &err);
  any = revl_crit_new(REVL_OP_ANY);
  all = revl_crit_new(REVL_OP_ALL);
  revl_crit_add(any, a);
  revl_crit_add(any, b);
  CHECK_INT(revl_crit_name_combo(any), 0);
  CHECK_STR(any->name, "industry = Software or amount > 5");
  revl_crit *e;
  leaf(t, "industry", "exists", (revl_cval){.kind = REVL_CV_NIL, .type = "nil"}, &e, &err);
  revl_crit_add(all, e);
  revl_crit_add(all, any);
  CHECK_INT(revl_crit_name_combo(all), 0);
  CHECK_STR(all->name, "industry exists and (industry = Software or amount > 5)");
  revl_crit *none = revl_crit_new(REVL_OP_NONE);
  CHECK_INT(revl_crit_name_combo(none), 0);
  CHECK_STR(none->name, "not (anything)");
  revl_crit_free(none);
  revl_crit_free(all);
}

/* plain values as CSV cells and JSON values (src/parse/cval.c) */
static void test_value_text(void) {
  revl_sbuf b = {0};
  revl_cval m = {.kind = REVL_CV_MONEY, .i = -123450, .cur = "USD"};
  revl_cval d = {.kind = REVL_CV_DATE, .i = 0, .text = "1970-01-01", .textlen = 10};
  revl_cval q = str("say \"hi\"\n");
  revl_cval nan = num(NAN), nil = {.kind = REVL_CV_NIL};
  revl_cval t = {.kind = REVL_CV_BOOL, .i = 1};
  const revl_cval *all[] = {&m, &d, &q, &nan, &nil, &t};
  for (int k = 0; k < 6; k++) {
    revl_cval_text(all[k], &b);
    revl_sb_adds(&b, "|");
    revl_cval_json(all[k], &b);
    revl_sb_adds(&b, ";");
  }
  CHECK_STR(revl_sb_str(&b), "-1234.50|-1234.50;1970-01-01|\"1970-01-01\";"
                             "say \"hi\"\n|\"say \\\"hi\\\"\\n\";nan|null;|null;true|true;");
  revl_sb_free(&b);
}

int main(void) {
  if (mt_begin("crit_build")) return 2;
  test_value_text();
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "accounts",
                          "id,industry,amount,closed,seats\n"
                          "A1,Software,$1200.50,2025-03-01,3.5\n"
                          "A2,Retail,$3.00,2024-12-31,2\n");
  CHECK(t != NULL);
  if (t) {
    test_leaves(t);
    test_errors(t);
    test_combo_names(t);
  }
  revl_store_free(s);
  mt_end();
  TEST_END();
}
