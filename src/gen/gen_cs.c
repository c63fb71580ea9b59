/*
 * gen_cs.c -- the customer side of the data generator: monthly
 * subscriptions (plans, seats, expansion, contraction, churn) of the
 * accounts that won a deal or are legacy customers, and their weekly
 * usage, with the writers of subscriptions.csv and usage.csv.
 */
#include "gen/gen_int.h"

#include <stdlib.h>

/* Subscriptions. */
static const char *const PLAN[] = {"Starter", "Growth", "Enterprise"};
static const int64_t PLAN_PRICE[] = {2500, 4500, 8000}; /* cents/seat/month */

typedef struct sub {
  int n, churned;
  int32_t m0; /* month index (year*12 + month-1) of the first row */
  int64_t mrr[SUB_MAX];
  int32_t seats[SUB_MAX];
  uint8_t plan[SUB_MAX];
} sub;

static int32_t month_of(int32_t day) {
  int y;
  unsigned m, d;
  revl_civil_from_days(day, &y, &m, &d);
  return (int32_t)(y * 12 + (int)m - 1);
}

static int32_t month_day(int32_t mi) {
  int32_t y = (int32_t)floordiv(mi, 12);
  return revl_days_from_civil((int)y, (unsigned)(mi - y * 12 + 1), 1);
}

/* 0 when account k is not a customer. */
static int sub_make(const gen *g, int64_t k, sub *s) {
  static const unsigned short plan_w[3][3] = {{70, 30, 0}, {15, 65, 20}, {0, 30, 70}};
  static const double legacy_acv[] = {8000.0, 30000.0, 120000.0};
  rng r;
  rng_init(&r, g->seed, S_SUB, (uint64_t)k);
  const acct_info *ai = &g->ai[k];
  int legacy = chance(&r, 60);
  int32_t start;
  int64_t acv;
  if (g->won_day[k] != NO_DAY) {
    start = g->won_day[k];
    acv = g->won_amt[k];
  } else if (legacy) {
    start = ai->created + (int32_t)below(&r, (uint64_t)(g->as_of - ai->created));
    acv = llround(lognorm(&r, legacy_acv[ai->seg], 0.8) * 100.0);
  } else {
    return 0;
  }
  int32_t m_end = month_of(g->as_of), m0 = month_of(start);
  if (m_end - m0 + 1 > SUB_MAX) m0 = m_end - SUB_MAX + 1;
  int span = (int)(m_end - m0 + 1);
  int plan = wpick(&r, plan_w[ai->seg], 3);
  int64_t disc = rrange(&r, 70, 100);
  int64_t unit = PLAN_PRICE[plan] * disc / 100;
  int64_t seats = acv / 12 / unit;
  if (seats < 1) seats = 1;
  if (seats > 100000) seats = 100000;
  s->m0 = m0;
  s->churned = span >= 4 && chance(&r, 120);
  s->n = s->churned ? 4 + (int)below(&r, (uint64_t)(span - 3)) : span;
  if (s->n > span) s->n = span;
  for (int j = 0; j < s->n; j++) {
    if (j > 0) {
      if (chance(&r, 50)) {
        int64_t add = seats * rrange(&r, 10, 50) / 100;
        seats += add < 1 ? 1 : add;
      }
      if (chance(&r, 20)) {
        int64_t cut = seats * rrange(&r, 5, 20) / 100;
        seats -= cut < 1 ? 1 : cut;
        if (seats < 1) seats = 1;
      }
      if (seats > 1000000) seats = 1000000;
      if (plan < 2 && chance(&r, 8)) {
        plan++;
        unit = PLAN_PRICE[plan] * disc / 100;
      }
    }
    s->plan[j] = (uint8_t)plan;
    if (s->churned && j == s->n - 1) {
      s->seats[j] = 0;
      s->mrr[j] = 0;
    } else {
      s->seats[j] = (int32_t)seats;
      s->mrr[j] = seats * unit;
    }
  }
  return 1;
}
int gen_write_subscriptions(gen *g, revl_error *err) {
  int64_t nsub = 0, nuse = 0;
  revl_csvw *ws = gen_open_table(g, "subscriptions.csv", err), *wu = NULL;
  if (!ws) return err ? err->code : REVL_EIO;
  wu = gen_open_table(g, "usage.csv", err);
  if (!wu) {
    revl_csvw_abort(ws);
    return err ? err->code : REVL_EIO;
  }
  put_header(ws, "account_id,period,mrr,seats,plan");
  put_header(wu, "account_id,date,metric,value");
  sub *s = malloc(sizeof *s);
  if (!s) {
    revl_csvw_abort(ws);
    revl_csvw_abort(wu);
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  }
  for (int64_t k = 0; k < g->nacct; k++) {
    if (!sub_make(g, k, s)) continue;
    for (int j = 0; j < s->n; j++) {
      put_id(ws, 'A', (uint64_t)k + 1, g->w_acct);
      put_date(g, ws, month_day(s->m0 + j));
      put_money(ws, s->mrr[j]);
      put_u(ws, (uint64_t)s->seats[j]);
      put(ws, PLAN[s->plan[j]]);
      revl_csvw_end(ws);
      nsub++;
    }
    rng r;
    rng_init(&r, g->seed, S_USAGE, (uint64_t)k);
    int hot = chance(&r, 250);
    int64_t util = hot ? rrange(&r, 85, 100) : rrange(&r, 25, 80);
    double rate = lognorm(&r, 250.0, 0.8);
    for (int wk = 26; wk >= 1; wk--) {
      int32_t day = g->as_of - 7 * wk;
      int j = (int)(month_of(day) - s->m0);
      if (j < 0 || j >= s->n || s->seats[j] == 0) continue;
      int64_t seats = s->seats[j];
      int64_t u = util + rrange(&r, -5, 5);
      if (u > 100) u = 100;
      int64_t active = (seats * u + 50) / 100;
      if (hot && active * 10 < seats * 8) active = (seats * 8 + 9) / 10;
      if (active > seats) active = seats;
      int64_t calls = llround((double)active * rate * (0.8 + 0.4 * unif01(&r)));
      put_id(wu, 'A', (uint64_t)k + 1, g->w_acct);
      put_date(g, wu, day);
      put(wu, "active_seats");
      put_u(wu, (uint64_t)active);
      revl_csvw_end(wu);
      put_id(wu, 'A', (uint64_t)k + 1, g->w_acct);
      put_date(g, wu, day);
      put(wu, "api_calls");
      put_u(wu, (uint64_t)calls);
      revl_csvw_end(wu);
      nuse += 2;
    }
  }
  free(s);
  int rc = gen_commit_table(g, &ws, "subscriptions.csv", nsub, err);
  if (rc) {
    revl_csvw_abort(wu);
    return rc;
  }
  return gen_commit_table(g, &wu, "usage.csv", nuse, err);
}

