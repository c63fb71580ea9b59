/*
 * test_stage_order.c -- src/store/stage_order.c and src/frame/frame_rank.c
 * from C: declaring an order (repeats kept once, a later declaration
 * replacing an earlier one), finding it for a column (stage_history
 * follows deals), ranks, and group-by / frame sorts in funnel order with
 * unknown values after it by name and nulls last.
 */
#include "revl/frame_view.h"
#include "revl/stage_order.h"
#include "test.h"
#include "mtest.h"

static const char *deals =
    "id,owner,stage,amount\n"
    "D1,R1,Won,1.00\nD2,R1,Demo,1.00\nD3,R2,Zeta,1.00\nD4,R2,Lead,1.00\n"
    "D5,R1,Alpha,1.00\nD6,R2,Demo,1.00\n";

/* the stage column of a group-by of v, joined by "," */
static const char *stages_of(const revl_frame *f, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = 0;
  int ci = revl_frame_col_index(f, "stage");
  for (size_t r = 0; r < f->nrows && used + 1 < n; r++) {
    const char *s = revl_frame_str(f, ci, r);
    int w = snprintf(buf + used, n - used, "%s%s", r ? "," : "", s ? s : "-");
    if (w < 0) break;
    used += (size_t)w;
  }
  return buf;
}

static void test_group(revl_store *s, revl_table *t) {
  revl_view v = revl_view_all(t);
  revl_gkey k = {"stage", NULL, "stage"};
  revl_vagg a = {REVL_AGG_COUNT, NULL, "n", 0};
  revl_frame *f = NULL;
  revl_error err;
  char buf[256];
  /* no order: by name */
  CHECK_INT(revl_view_group_by(&v, &k, 1, &a, 1, 1, &f, &err), 0);
  CHECK_STR(stages_of(f, buf, sizeof buf), "Alpha,Demo,Lead,Won,Zeta");
  revl_frame_free(f);
  /* declared: Lead, Demo, Won (Demo repeated, kept once) */
  const char *names[] = {"Lead", "Demo", "Won", "Demo"};
  CHECK_INT(revl_stage_order_set_names(s, "deals", "stage", names, 4, "test"), 0);
  const revl_stage_order *o = revl_stage_order_find(s, t, revl_table_column(t, "stage"));
  CHECK(o != NULL);
  if (!o) return;
  CHECK_INT(o->n, 3);
  CHECK_STR(o->source, "test");
  CHECK_INT(revl_stage_rank(o, revl_intern_find(&s->strings, "Won", 3)), 2);
  CHECK_INT(revl_stage_rank(o, revl_intern_find(&s->strings, "Zeta", 4)), -1);
  CHECK(revl_stage_order_find(s, t, revl_table_column(t, "owner")) == NULL);
  CHECK_INT(revl_view_group_by(&v, &k, 1, &a, 1, 1, &f, &err), 0);
  CHECK_STR(stages_of(f, buf, sizeof buf), "Lead,Demo,Won,Alpha,Zeta");
  CHECK_INT(f->ncols, 2); /* no rank column left behind */
  /* an explicit sort is by name */
  revl_sortkey sk = {0, 0};
  CHECK_INT(revl_frame_sort(f, &sk, 1, &err), 0);
  CHECK_STR(stages_of(f, buf, sizeof buf), "Alpha,Demo,Lead,Won,Zeta");
  /* ranked, descending */
  sk.desc = 1;
  const revl_stage_order *ord[1] = {o};
  CHECK_INT(revl_frame_sort_ranked(f, &sk, 1, ord, &err), 0);
  CHECK_STR(stages_of(f, buf, sizeof buf), "Zeta,Alpha,Won,Demo,Lead");
  revl_frame_free(f);
  /* a later declaration replaces it */
  const char *again[] = {"Won", "Zeta"};
  CHECK_INT(revl_stage_order_set_names(s, "deals", "stage", again, 2, "funnel 'x'"), 0);
  CHECK_INT(s->nstage_orders, 1);
  revl_gkey k2[2] = {{"owner", NULL, "owner"}, {"stage", NULL, "stage"}};
  CHECK_INT(revl_view_group_by(&v, k2, 2, &a, 1, 1, &f, &err), 0);
  CHECK_STR(stages_of(f, buf, sizeof buf), "Won,Alpha,Demo,Zeta,Demo,Lead");
  revl_frame_free(f);
}

static void test_history(void) {
  revl_store *s = revl_store_new();
  revl_table *h = mt_load(s, "stage_history",
                          "deal_id,stage,entered_at\nD1,Won,2025-01-02\nD1,Lead,2025-01-01\n");
  CHECK(h != NULL);
  if (h) {
    const char *names[] = {"Lead", "Won"};
    CHECK_INT(revl_stage_order_set_names(s, "deals", "stage", names, 2, NULL), 0);
    const revl_stage_order *o = revl_stage_order_find(s, h, revl_table_column(h, "stage"));
    CHECK(o != NULL && o->n == 2);
    revl_view v = revl_view_all(h);
    revl_gkey k = {"stage", NULL, "stage"};
    revl_vagg a = {REVL_AGG_COUNT, NULL, "n", 0};
    revl_frame *f = NULL;
    revl_error err;
    char buf[64];
    CHECK_INT(revl_view_group_by(&v, &k, 1, &a, 1, 1, &f, &err), 0);
    if (f) CHECK_STR(stages_of(f, buf, sizeof buf), "Lead,Won");
    revl_frame_free(f);
  }
  revl_store_free(s);
}

int main(void) {
  if (mt_begin("stageorder")) return 2;
  revl_store *s = revl_store_new();
  revl_table *t = mt_load(s, "deals", deals);
  CHECK(t != NULL);
  if (t) test_group(s, t);
  revl_store_free(s);
  test_history();
  mt_end();
  TEST_END();
}
