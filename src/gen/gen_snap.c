/*
 * gen_snap.c -- `revl gen --snapshots`: the deals as they stood on two
 * earlier dates, so that the pipeline waterfall (revl.metrics.waterfall)
 * has two snapshots to compare.
 *
 * A snapshot at day D is the state at D 00:00 UTC: each deal created
 * before then, at the stage history row it was in (its stage, amount and
 * close date), with the history up to that row.  Nothing new is drawn:
 * a deal is rebuilt from its own stream (gen_deal_make) and cut, so a
 * snapshot on the as-of date equals deals.csv and stage_history.csv.
 * Each snapshot directory OUT/snapshots/YYYY-MM-DD holds deals.csv,
 * stage_history.csv and reps.csv (reps do not change).
 */
#include "gen/gen_int.h"

/* d as it stood at time t (seconds); 0 when it did not exist yet. */
static int deal_at(const deal *d, int64_t t, deal *out) {
  if (d->created_sec >= t) return 0;
  int j = 0;
  while (j + 1 < d->n && d->t[j + 1] < t) j++;
  *out = *d;
  out->n = j + 1;
  out->stage = d->st[j];
  out->amount = d->amt[j];
  out->close = d->cd[j];
  if (out->stage < ST_WON) out->close_sec = (int64_t)d->cd[j] * DAY + 17 * 3600;
  return 1;
}

static int write_one(gen *g, int32_t day, revl_error *err) {
  char date[32];
  size_t n = strlen(g->o->out);
  const char *sep = (n && g->o->out[n - 1] == '/') ? "" : "/";
  date[fmt_date(g, date, day)] = '\0';
  snprintf(g->dir, sizeof g->dir, "%s%ssnapshots/%s", g->o->out, sep, date);
  int rc = revl_mkdirs(g->dir, err);
  if (rc) return rc;
  if ((rc = gen_write_reps(g, err))) return rc;
  revl_csvw *wd = gen_open_table(g, "deals.csv", err), *wh = NULL;
  if (!wd) return err ? err->code : REVL_EIO;
  wh = gen_open_table(g, "stage_history.csv", err);
  if (!wh) {
    revl_csvw_abort(wd);
    return err ? err->code : REVL_EIO;
  }
  gen_deal_headers(g, wd, wh);
  int64_t t = (int64_t)day * DAY, ndeal = 0, nhist = 0;
  for (int64_t i = 0; i < g->ndeal; i++) {
    deal d, s;
    gen_deal_make(g, i, &d, 0);
    if (!deal_at(&d, t, &s)) continue;
    gen_write_deal_row(g, wd, i, &s);
    nhist += gen_write_history_rows(g, wh, i, &s);
    ndeal++;
  }
  rc = gen_commit_table(g, &wd, "deals.csv", ndeal, err);
  if (rc) {
    revl_csvw_abort(wh);
    return rc;
  }
  return gen_commit_table(g, &wh, "stage_history.csv", nhist, err);
}

int gen_write_snapshots(gen *g, revl_error *err) {
  int rc = 0;
  for (int k = 0; !rc && k < g->o->nsnap; k++) rc = write_one(g, g->o->snap[k], err);
  snprintf(g->dir, sizeof g->dir, "%s", g->o->out);
  return rc;
}
