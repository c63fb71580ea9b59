/*
 * snapshot.c -- the open pipeline as it stood on an earlier day, rebuilt
 * from stage_history: the "before" side of a pipeline waterfall when
 * there is no export of that day (see revl/metric_stages.h,
 * docs/metrics.md "Pipeline waterfall").  No Lua here.
 *
 * A deal's state at the start of DAY is its history row entered last
 * before DAY (entered_at order, then file order): that row's stage, and
 * its amount and close date when the history has them, else the deal's
 * own.  Whether a stage is closed, and won, is what the deals table says
 * of the deals in that stage now (the load derived is_closed and is_won
 * from the stage); a stage no deal is in now counts as open.  The result
 * is a table of a store of its own, one row per deal that existed then,
 * holding only the strings its rows use (ids, owners, stages,
 * currencies; the waterfall matches two stores' strings by value): no
 * per-row allocation beyond the string table's growth, the columns are
 * reserved once.
 */
#include "revl/metric_stages.h"

#include <stdlib.h>
#include <string.h>

#include "metrics/mframe.h"

#define OOM() revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory")

void revl_deals_snapshot_done(revl_deals_snapshot *s) {
  if (!s) return;
  revl_store_free(s->store);
  free(s->after_rows);
  memset(s, 0, sizeof *s);
}

/* Seconds of a date or datetime cell. */
static int64_t secs_of(const revl_column *c, size_t row) {
  return c->type == REVL_T_DATE ? (int64_t)c->v.date[row] * 86400 : c->v.i64[row];
}

/* String id of the source store as an id of dst's strings (0 when out
 * of memory). */
static uint32_t same_str(revl_store *dst, const revl_intern *src, uint32_t id) {
  return revl_intern_add(&dst->strings, revl_intern_str(src, id), revl_intern_len(src, id));
}

/* stage id -> 1 open, 2 lost, 3 won: what the deals in that stage are now */
static int outcomes(const revl_table *t, const revl_mdeals *d, revl_idmap *m) {
  for (size_t r = 0; r < t->nrows; r++) {
    if (!revl_col_valid(d->stage, r)) continue;
    int32_t v;
    uint32_t id = d->stage->v.str[r];
    if (revl_idmap_get(m, id, &v)) continue;
    v = !revl_mcell_true(d->closed, r) ? 1 : revl_mcell_true(d->won, r) ? 3 : 2;
    if (revl_idmap_put(m, id, v)) return REVL_ENOMEM;
  }
  return 0;
}

int revl_deals_snapshot_at(const revl_view *deals, int32_t day, revl_deals_snapshot *out,
                           revl_error *err) {
  static const char fn[] = "waterfall";
  memset(out, 0, sizeof *out);
  const revl_table *t = deals->t;
  revl_mdeals d;
  const revl_column *hdeal, *hstage, *hat, *hamt, *hclose;
  int rc;
  const revl_table *h = revl_store_table(t->store, "stage_history");
  if (!h)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: needs the stage_history table, which is not loaded",
                          fn);
  if ((rc = revl_mdeal_cols(t, fn, &d, err)) ||
      (rc = revl_mneed(t, fn, d.closed, "is_closed", err)) ||
      (rc = revl_mneed(t, fn, d.won, "is_won", err)) ||
      (rc = revl_mcol(h, fn, "deal_id", 1, REVL_MT_STR, &hdeal, err)) ||
      (rc = revl_mcol(h, fn, "stage", 1, REVL_MT_STR, &hstage, err)) ||
      (rc = revl_mcol(h, fn, "entered_at", 1, REVL_MT_DATES, &hat, err)) ||
      (rc = revl_mcol(h, fn, "amount", 0, REVL_MT_MONEY, &hamt, err)) ||
      (rc = revl_mcol(h, fn, "close_date", 0, REVL_MT_DATES, &hclose, err)))
    return rc;
  if (t->pk < 0 || t->cols[t->pk]->type != REVL_T_STRING)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: %s has no text key column", fn, t->name);
  if (hdeal->ref != t || !hdeal->rev_off)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: stage_history.deal_id does not reference %s", fn,
                          t->name);
  revl_idmap oc;
  if (revl_idmap_init(&oc, 64)) return OOM();
  if (outcomes(t, &d, &oc)) {
    revl_idmap_free(&oc);
    return OOM();
  }
  revl_store *s = out->store = revl_store_new();
  out->after_rows = malloc((deals->n ? deals->n : 1) * sizeof *out->after_rows);
  if (!s || !out->after_rows) goto oom;
  const revl_intern *src = &t->store->strings;
  if (!(s->default_currency = same_str(s, src, t->store->default_currency))) goto oom;
  revl_table *bt = revl_store_add_table(s, t->name, "");
  enum { C_ID, C_OWNER, C_STAGE, C_AMOUNT, C_CLOSE, C_CLOSED, C_WON, C_N };
  static const char *const names[C_N] = {"id",         "owner",     "stage", "amount",
                                         "close_date", "is_closed", "is_won"};
  static const revl_type types[C_N] = {REVL_T_STRING, REVL_T_STRING, REVL_T_STRING,
                                       REVL_T_MONEY,  REVL_T_DATE,   REVL_T_BOOL,
                                       REVL_T_BOOL};
  revl_column *c[C_N];
  if (!bt) goto oom;
  for (int k = 0; k < C_N; k++) {
    int ci = revl_table_add_col(bt, names[k], types[k]);
    if (ci < 0) goto oom;
    c[k] = bt->cols[ci];
    c[k]->canonical = 1;
    if (revl_col_reserve(c[k], deals->n ? deals->n : 1)) goto oom;
  }
  bt->pk = 0;
  const revl_column *pk = t->cols[t->pk];
  int64_t cut = (int64_t)day * 86400;
  size_t nb = 0;
  uint32_t last_cur = 0, last_new = 0;
  for (size_t i = 0; i < deals->n; i++) {
    size_t row = revl_view_row(deals, i);
    uint32_t a = hdeal->rev_off[row], b = hdeal->rev_off[row + 1];
    if (a == b) {
      out->no_history++;
      continue;
    }
    out->after_rows[out->nafter++] = (uint32_t)row;
    int64_t best = -1, best_s = 0;
    for (uint32_t k = a; k < b; k++) {
      uint32_t hr = hdeal->rev_rows[k];
      if (!revl_col_valid(hat, hr)) continue;
      int64_t sec = secs_of(hat, hr);
      if (sec >= cut) continue;
      /* the latest entry; of equal times the later row of the file */
      if (best < 0 || sec > best_s || (sec == best_s && hr > (uint32_t)best))
        best = hr, best_s = sec;
    }
    if (best < 0 || !revl_col_valid(pk, row)) continue;
    size_t hb = (size_t)best;
    uint32_t id = same_str(s, src, pk->v.str[row]);
    if (!id) goto oom;
    rc = revl_col_push_str(c[C_ID], id);
    if (!rc && d.owner && revl_col_valid(d.owner, row)) {
      if (!(id = same_str(s, src, d.owner->v.str[row]))) goto oom;
      rc = revl_col_push_str(c[C_OWNER], id);
    } else if (!rc) {
      rc = revl_col_push_null(c[C_OWNER]);
    }
    int32_t oc_v = 1;
    if (!rc && revl_col_valid(hstage, hb)) {
      if (!revl_idmap_get(&oc, hstage->v.str[hb], &oc_v)) oc_v = 1;
      if (!(id = same_str(s, src, hstage->v.str[hb]))) goto oom;
      rc = revl_col_push_str(c[C_STAGE], id);
    } else if (!rc) {
      rc = revl_col_push_null(c[C_STAGE]);
    }
    if (!rc) {
      /* the history's amount, else the deal's; its currency in the
       * snapshot's strings (0: the default) */
      const revl_column *mc = hamt && revl_col_valid(hamt, hb) ? hamt
                              : d.amount && revl_col_valid(d.amount, row) ? d.amount
                                                                            : NULL;
      size_t mr = mc == hamt ? hb : row;
      if (mc) {
        uint32_t cur = mc->cur ? mc->cur[mr] : 0;
        if (cur && cur != last_cur) {
          if (!(last_new = same_str(s, src, cur))) goto oom;
          last_cur = cur;
        }
        rc = revl_col_push_money(c[C_AMOUNT], mc->v.i64[mr], cur ? last_new : 0);
      } else {
        rc = revl_col_push_null(c[C_AMOUNT]);
      }
    }
    int32_t cd;
    if (!rc) {
      if (revl_mcell_day(hclose, hb, &cd) || revl_mcell_day(d.close, row, &cd))
        rc = revl_col_push_date(c[C_CLOSE], cd);
      else
        rc = revl_col_push_null(c[C_CLOSE]);
    }
    if (!rc) rc = revl_col_push_bool(c[C_CLOSED], oc_v != 1);
    if (!rc) rc = revl_col_push_bool(c[C_WON], oc_v == 3);
    if (rc) goto oom;
    nb++;
  }
  bt->nrows = nb;
  out->before = revl_view_all(bt);
  out->after.t = t;
  out->after.rows = out->after_rows;
  out->after.n = out->nafter;
  revl_idmap_free(&oc);
  return 0;
oom:
  revl_idmap_free(&oc);
  revl_deals_snapshot_done(out);
  return OOM();
}
