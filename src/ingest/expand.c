/*
 * expand.c -- intervals to periods: a subscriptions export with one row
 * per subscription (start date, end date, mrr, seats) becomes the
 * account-month rows the retention metrics read (docs/mapping.md
 * "Subscriptions as intervals").  Runs at the end of the file's load,
 * while the row -> line map still says where each row came from.
 *
 * A subscription is active in month M when it is active at M's last
 * day E: start <= E and (no end, or end > E).  With the run's as-of
 * date A (revl_load_opts), A's month is seen at A instead (E = A), no
 * month comes after it: an empty end is active through A's month and a
 * subscription that starts after A makes no row.  Without one (a
 * library caller that gives none) an empty end is active through the
 * last month any start, end or event of the file falls in.  No clock
 * either way.  Events of expand = { events = {...} } (events.c) end a
 * subscription (churn, cancel) or change its mrr and seats (downgrade,
 * upgrade) from their date, by the same rule: an event counts in a
 * month when it is dated on or before the day the month is seen at.
 * An account's subscriptions active in one month make one row: mrr and
 * seats summed, any other column kept when they agree, else null.
 */
#include "loader.h"
#include "mapint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct item {
  uint32_t acct;  /* intern id of account_id */
  int32_t month;  /* year * 12 + month - 1 */
  uint32_t row;   /* the subscription */
  uint32_t hasseats;
  int64_t mrr;    /* its mrr and seats in that month (events change them) */
  int64_t seats;
} item;

static int cmp_item(const void *a, const void *b) {
  const item *x = a, *y = b;
  if (x->acct != y->acct) return x->acct < y->acct ? -1 : 1;
  if (x->month != y->month) return x->month < y->month ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

static int32_t month_of(int32_t days) {
  int y;
  unsigned m, d;
  revl_civil_from_days(days, &y, &m, &d);
  return (int32_t)(y * 12 + (int)m - 1);
}

/* The csv column (1-based) of table column ci, for positions. */
int revl_ld_csv_col(const loader *ld, int ci) {
  for (int j = 0; j < ld->nslots; j++)
    if (ld->target[j] == ci) return j < ld->ncsv ? j + 1 : 0;
  return 0;
}

/* The date of row r of column c (a date, or the day of a date-time). */
int32_t revl_ld_day_of(const revl_column *c, size_t r) {
  if (c->type == REVL_T_DATE) return c->v.date[r];
  int64_t s = c->v.i64[r];
  return (int32_t)((s - (((s % 86400) + 86400) % 86400)) / 86400);
}

/* The months [*ms, *me) subscription r counts in.  Without an as-of:
 * from its start's month to its end's (exclusive), to open_end when it
 * has none.  With one, the as-of month is seen at the as-of date A
 * instead of its last day, and no month comes after it: none when it
 * starts after A (returns 0), through A's month when it is open or ends
 * after A. */
static int span(const loader *ld, int32_t s0, int32_t end, int32_t open_end,
                int32_t *ms, int32_t *me) {
  *ms = month_of(s0);
  if (!ld->has_as_of) {
    *me = end != INT32_MAX ? month_of(end) : open_end;
    return 1;
  }
  if (s0 > ld->as_of) {
    *me = *ms;
    return 0;
  }
  *me = end != INT32_MAX && end <= ld->as_of ? month_of(end) : open_end;
  return 1;
}

/* The day month mo is seen at: its last, or the as-of in the as-of
 * month. */
static int32_t seen_at(const loader *ld, int32_t mo) {
  int y = (int)(mo >= 0 ? mo / 12 : (mo - 11) / 12);
  int mn = mo - y * 12 + 1;
  int32_t e = revl_days_from_civil(mn == 12 ? y + 1 : y, mn == 12 ? 1 : (unsigned)mn + 1, 1) - 1;
  return ld->has_as_of && e > ld->as_of ? ld->as_of : e;
}

static int date_col(loader *ld, const char *name, int line, int col, int *out) {
  const revl_table_map *m = ld->map;
  int ci = revl_table_col(ld->t, name);
  if (ci < 0) /* derived.c reports a missing column first; kept as a guard */
    return revl_error_set(ld->err, REVL_EDATA, m->mapfile, line, col,
                          "%s: expand: no column '%s' in %s%s", m->name, name,
                          ld->path, REVL_HINT(ld->t, name));
  revl_type ty = ld->t->cols[ci]->type;
  if (ty != REVL_T_DATE && ty != REVL_T_DATETIME)
    return revl_error_set(ld->err, REVL_EDATA, m->mapfile, line, col,
                          "%s: expand: '%s' must be a date column, not %s "
                          "(types = { %s = \"date\" })", m->name, name,
                          revl_type_word(ty), name);
  *out = ci;
  return 0;
}

static int same_cell(const revl_column *c, size_t a, size_t b) {
  int va = revl_col_valid(c, a), vb = revl_col_valid(c, b);
  if (va != vb) return 0;
  if (!va) return 1;
  size_t sz = revl_type_size(c->type);
  if (memcmp((const char *)c->v.any + a * sz, (const char *)c->v.any + b * sz, sz))
    return 0;
  return !c->cur || c->cur[a] == c->cur[b];
}

/* Replace column c's rows with ng new ones: row g is source row src[g]
 * (or null when keep[g] is 0). */
static int regather(revl_column *c, const uint32_t *src, const uint8_t *keep,
                    size_t ng) {
  size_t cap = (ng + 63) & ~(size_t)63, sz = revl_type_size(c->type);
  if (cap == 0) cap = 64;
  uint64_t *valid = calloc(cap / 64, sizeof *valid);
  char *v = calloc(cap, sz);
  uint32_t *cur = c->cur ? calloc(cap, sizeof *cur) : NULL;
  if (!valid || !v || (c->cur && !cur)) {
    free(valid);
    free(v);
    free(cur);
    return REVL_ENOMEM;
  }
  size_t nnull = 0;
  for (size_t g = 0; g < ng; g++) {
    size_t r = src[g];
    if (!keep[g] || !revl_col_valid(c, r)) {
      nnull++;
      continue;
    }
    valid[g >> 6] |= 1ull << (g & 63);
    memcpy(v + g * sz, (const char *)c->v.any + r * sz, sz);
    if (cur) cur[g] = c->cur[r];
  }
  free(c->valid);
  free(c->v.any);
  free(c->cur);
  c->valid = valid;
  c->v.any = v;
  c->cur = cur;
  c->n = ng;
  c->cap = cap;
  c->nnull = nnull;
  return 0;
}

/* Row r's end: its churn event or end date (INT32_MAX: open). */
static int32_t end_of(const revl_column *E, const revl_subevents *ev, size_t r) {
  if (ev->end) return ev->end[r];
  return E && revl_col_valid(E, r) ? revl_ld_day_of(E, r) : INT32_MAX;
}

int revl_expand_periods(loader *ld) {
  const revl_table_map *m = ld->map;
  revl_table *t = ld->t;
  revl_error *err = ld->err;
  if (!m || !m->exp_start) return 0;
  int cs, ce = -1, rc;
  if ((rc = date_col(ld, m->exp_start, m->exp_sline, m->exp_scol, &cs)) ||
      (m->exp_end && (rc = date_col(ld, m->exp_end, m->exp_eline, m->exp_ecol, &ce))))
    return rc;
  if (revl_table_col(t, "period") >= 0)
    return revl_error_set(err, REVL_EDATA, m->mapfile, m->exp_line, m->exp_col,
                          "%s: expand makes the period column, but %s has "
                          "one already (rename it with columns = {...})",
                          m->name, ld->path);
  int ca = revl_table_col(t, "account_id"), cm = revl_table_col(t, "mrr");
  int cseats = revl_table_col(t, "seats");
  if (ca < 0 || cm < 0) return 0; /* the required-field check said so */
  if (cseats >= 0 && t->cols[cseats]->type != REVL_T_INT) cseats = -1;
  revl_column *S = t->cols[cs], *E = ce >= 0 ? t->cols[ce] : NULL;
  size_t n = t->nrows;
  /* check every subscription; the last month any date falls in */
  int32_t last = INT32_MIN;
  for (size_t r = 0; r < n; r++) {
    if (!revl_col_valid(S, r))
      return revl_error_set(err, REVL_EDATA, ld->path, ld->lines[r],
                            revl_ld_csv_col(ld, cs), "%s: a subscription needs a "
                            "start date (expand start = \"%s\")",
                            S->name, m->exp_start);
    int32_t s0 = revl_ld_day_of(S, r), ms = month_of(s0);
    if (ms > last) last = ms;
    if (E && revl_col_valid(E, r)) {
      int32_t e0 = revl_ld_day_of(E, r);
      if (e0 < s0) {
        char a[16], b[16];
        revl_format_date(e0, a, sizeof a);
        revl_format_date(s0, b, sizeof b);
        return revl_error_set(err, REVL_EDATA, ld->path, ld->lines[r],
                              revl_ld_csv_col(ld, ce), "%s: the subscription ends "
                              "(%s) before it starts (%s)", E->name, a, b);
      }
      if (month_of(e0) > last) last = month_of(e0);
    }
  }
  /* churn and change events of another table (events.c) */
  revl_subevents ev;
  memset(&ev, 0, sizeof ev);
  int has_ev = m->ev[REVL_EV_TABLE] != NULL;
  if (has_ev) {
    if ((rc = revl_events_read(ld, S, E, t->cols[cm], &ev))) return rc;
    if (ev.last_day != INT32_MIN && month_of(ev.last_day) > last) last = month_of(ev.last_day);
  }
  /* with the run's as-of: open subscriptions run through its month,
   * nothing goes past it, a later start is not known yet */
  int32_t open_end = ld->has_as_of ? month_of(ld->as_of) + 1 : last + 1;
  size_t nlate = 0;
  /* one item per subscription and month it is active at month end */
  size_t nitems = 0;
  for (size_t r = 0; r < n; r++) {
    int32_t ms, me;
    if (!span(ld, revl_ld_day_of(S, r), end_of(E, &ev, r), open_end, &ms, &me)) nlate++;
    if (me > ms) nitems += (size_t)(me - ms);
  }
  item *it = malloc((nitems ? nitems : 1) * sizeof *it);
  if (!it) {
    revl_events_done(&ev);
    return revl_error_set(err, REVL_ENOMEM, ld->path, 0, 0, "not enough memory");
  }
  size_t k = 0;
  const revl_column *SE = cseats >= 0 ? t->cols[cseats] : NULL;
  for (size_t r = 0; r < n; r++) {
    int32_t ms, me;
    span(ld, revl_ld_day_of(S, r), end_of(E, &ev, r), open_end, &ms, &me);
    int64_t mv = t->cols[cm]->v.i64[r], sv = SE && revl_col_valid(SE, r) ? SE->v.i64[r] : 0;
    uint32_t hs = SE && revl_col_valid(SE, r);
    uint32_t p = has_ev ? ev.first[r] : 0, pe = has_ev ? ev.first[r + 1] : 0;
    for (int32_t mo = ms; mo < me; mo++) {
      int32_t at = p < pe ? seen_at(ld, mo) : 0;
      for (; p < pe && ev.ev[p].date <= at; p++) {
        const revl_subev *x = &ev.ev[p];
        if (x->kind != REVL_SUBEV_CHANGE) continue;
        if (x->has_mrr) mv = x->mrr;
        if (x->has_seats && SE) {
          sv = x->seats;
          hs = 1;
        }
      }
      it[k++] = (item){t->cols[ca]->v.str[r], mo, (uint32_t)r, hs, mv, sv};
    }
  }
  size_t nev = ev.nev;
  revl_events_done(&ev);
  qsort(it, nitems, sizeof *it, cmp_item);
  size_t ng = 0;
  for (size_t i = 0; i < nitems; i++)
    ng += i == 0 || it[i].acct != it[i - 1].acct || it[i].month != it[i - 1].month;
  uint32_t *src = malloc((ng ? ng : 1) * sizeof *src);
  uint32_t *gstart = malloc((ng + 1) * sizeof *gstart);
  uint8_t *keep = malloc(ng ? ng : 1);
  int64_t *mrr = malloc((ng ? ng : 1) * sizeof *mrr);
  int64_t *seats = malloc((ng ? ng : 1) * sizeof *seats);
  uint8_t *hasseats = calloc(ng ? ng : 1, 1);
  rc = 0;
  if (!src || !gstart || !keep || !mrr || !seats || !hasseats) {
    rc = revl_error_set(err, REVL_ENOMEM, ld->path, 0, 0, "not enough memory");
    goto out;
  }
  /* the sums of each account-month */
  revl_column *M = t->cols[cm];
  size_t g = 0;
  for (size_t i = 0; i < nitems; i++) {
    uint32_t r = it[i].row;
    if (i == 0 || it[i].acct != it[i - 1].acct || it[i].month != it[i - 1].month) {
      gstart[g] = (uint32_t)i;
      src[g] = r;
      mrr[g] = it[i].mrr;
      seats[g] = 0;
      g++;
    } else {
      uint32_t r0 = src[g - 1];
      if (M->cur[r] != M->cur[r0]) {
        rc = revl_error_set(err, REVL_EDATA, ld->path, ld->lines[r], revl_ld_csv_col(ld, cm),
                            "%s: in %s, but the account's subscription at "
                            "line %u of the same month is in %s", M->name,
                            revl_intern_str(&ld->s->strings, M->cur[r]),
                            (unsigned)ld->lines[r0],
                            revl_intern_str(&ld->s->strings, M->cur[r0]));
        goto out;
      }
      if (__builtin_add_overflow(mrr[g - 1], it[i].mrr, &mrr[g - 1])) {
        rc = revl_error_set(err, REVL_EDATA, ld->path, ld->lines[r], revl_ld_csv_col(ld, cm),
                            "%s: the account's monthly sum is too large", M->name);
        goto out;
      }
    }
    if (it[i].hasseats) {
      hasseats[g - 1] = 1;
      if (__builtin_add_overflow(seats[g - 1], it[i].seats, &seats[g - 1])) {
        rc = revl_error_set(err, REVL_EDATA, ld->path, ld->lines[r],
                            revl_ld_csv_col(ld, cseats), "seats: the account's monthly "
                            "sum is too large");
        goto out;
      }
    }
  }
  gstart[ng] = (uint32_t)nitems;
  /* every column: the first subscription's value, kept when all agree */
  for (int ci = 0; ci < t->ncols; ci++) {
    revl_column *c = t->cols[ci];
    for (g = 0; g < ng; g++) {
      keep[g] = 1;
      for (uint32_t i = gstart[g] + 1; i < gstart[g + 1] && keep[g]; i++)
        keep[g] = ci == cm || ci == cseats || same_cell(c, src[g], it[i].row);
    }
    if ((rc = regather(c, src, keep, ng))) break;
  }
  if (rc) {
    rc = revl_error_set(err, REVL_ENOMEM, ld->path, 0, 0, "not enough memory");
    goto out;
  }
  for (g = 0; g < ng; g++) {
    M->v.i64[g] = mrr[g];
    if (cseats >= 0) {
      revl_column *c = t->cols[cseats];
      int had = revl_col_valid(c, g);
      if (hasseats[g]) {
        c->valid[g >> 6] |= 1ull << (g & 63);
        c->v.i64[g] = seats[g];
        c->nnull -= !had;
      }
    }
  }
  int cp = revl_table_add_col(t, "period", REVL_T_DATE);
  if (cp < 0 || revl_col_reserve(t->cols[cp], ng)) {
    rc = revl_error_set(err, REVL_ENOMEM, ld->path, 0, 0, "not enough memory");
    goto out;
  }
  t->cols[cp]->canonical = 1;
  t->cols[cp]->required = 1;
  for (g = 0; g < ng; g++) {
    int32_t mo = it[gstart[g]].month;
    int y = (int)(mo >= 0 ? mo / 12 : (mo - 11) / 12);
    revl_col_push_date(t->cols[cp], revl_days_from_civil(y, (unsigned)(mo - y * 12) + 1, 1));
  }
  t->nrows = ng;
  if (n) {
    int32_t lm = open_end - 1;
    char tail[96] = "";
    if (ld->has_as_of) {
      char d[16];
      revl_format_date(ld->as_of, d, sizeof d);
      snprintf(tail, sizeof tail, "the as-of month, seen at %s", d);
      if (nlate)
        snprintf(tail + strlen(tail), sizeof tail - strlen(tail), "; %zu starting "
                 "later make%s none", nlate, nlate == 1 ? "s" : "");
    } else {
      snprintf(tail, sizeof tail, "the file's last month: no as-of date");
    }
    char evs[160] = "";
    if (has_ev)
      snprintf(evs, sizeof evs, " with %zu event%s of %s", nev, nev == 1 ? "" : "s",
               m->ev[REVL_EV_TABLE]);
    revl_table_add_warning(t, "%s: expand: %zu subscriptions%s into %zu account-month "
                           "rows (open ones through %04d-%02d, %s)", ld->path, n, evs, ng,
                           (int)(lm >= 0 ? lm / 12 : 0), (int)(lm >= 0 ? lm % 12 + 1 : 0),
                           tail);
  }
out:
  free(it);
  free(src);
  free(gstart);
  free(keep);
  free(mrr);
  free(seats);
  free(hasseats);
  return rc;
}
