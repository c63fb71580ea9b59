/*
 * events.c -- churn, cancel, downgrade and upgrade events of the
 * subscriptions an expand = {...} expands (docs/mapping.md "Churn and
 * downgrade events").  The events are a custom table of the mapping,
 * loaded before the subscriptions (load.c) with each row's CSV line in
 * source_line; here every event is matched to its subscription by the
 * expand's key and checked, and the subscription's end and its changes
 * of mrr and seats are handed to expand.c, which applies them by the
 * month-end rule.  Errors name the events file's line and column.
 */
#include "loader.h"
#include "mapint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct keyrow {
  uint32_t id;  /* intern id of the subscription's key */
  uint32_t row;
} keyrow;

static int cmp_keyrow(const void *a, const void *b) {
  const keyrow *x = a, *y = b;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

static const char *const kind_names[] = {"churn", "cancel", "downgrade", "upgrade", NULL};

/* REVL_SUBEV_* of a kind as written (any case), or -1. */
static int kind_of(const char *s) {
  for (int i = 0; kind_names[i]; i++)
    if (strcasecmp(s, kind_names[i]) == 0) return i < 2 ? REVL_SUBEV_END : REVL_SUBEV_CHANGE;
  return -1;
}

/* A column of the events table the mapping names (entry k of events =
 * {...}), of one of the types wanted ('s' text, 'd' date, 'm' money, 'i'
 * integer); -1 when optional and not named. */
static int ev_col(loader *ld, const revl_table *et, int k, char want, int *out) {
  const revl_table_map *m = ld->map;
  static const char *const what[] = {"table", "key", "id", "date", "kind", "mrr", "seats"};
  *out = -1;
  if (!m->ev[k]) return 0;
  int ci = revl_table_col(et, m->ev[k]);
  if (ci < 0)
    return revl_error_set(ld->err, REVL_EDATA, m->mapfile, m->ev_line[k], m->ev_col[k],
                          "%s: expand: events: %s = '%s': no such column in %s%s",
                          m->name, what[k], m->ev[k], et->file, REVL_HINT(et, m->ev[k]));
  revl_type ty = et->cols[ci]->type;
  int ok = want == 's' ? ty == REVL_T_STRING
         : want == 'd' ? ty == REVL_T_DATE || ty == REVL_T_DATETIME
         : want == 'm' ? ty == REVL_T_MONEY : ty == REVL_T_INT;
  if (!ok)
    return revl_error_set(ld->err, REVL_EDATA, m->mapfile, m->ev_line[k], m->ev_col[k],
                          "%s: expand: events: %s = '%s' is %s, not %s", m->name,
                          what[k], m->ev[k], revl_type_word(ty),
                          want == 's' ? "text" : want == 'd' ? "a date"
                          : want == 'm' ? "money" : "an integer");
  *out = ci;
  return 0;
}

int revl_events_read(loader *ld, const revl_column *S, const revl_column *E,
                     const revl_column *M, revl_subevents *out) {
  const revl_table_map *m = ld->map;
  revl_table *t = ld->t;
  revl_error *err = ld->err;
  const revl_intern *in = &ld->s->strings;
  memset(out, 0, sizeof *out);
  out->last_day = INT32_MIN;
  revl_table *et = revl_store_table(ld->s, m->ev[REVL_EV_TABLE]);
  if (!et)
    return revl_error_set(err, REVL_EDATA, m->mapfile, m->ev_line[REVL_EV_TABLE],
                          m->ev_col[REVL_EV_TABLE], "%s: expand: the events table "
                          "'%s' is not loaded (revl_load_dir loads it first)",
                          m->name, m->ev[REVL_EV_TABLE]);
  /* the subscriptions' key: text, on every row, one row per value */
  int ck = revl_table_col(t, m->ev[REVL_EV_KEY]);
  if (ck < 0)
    return revl_error_set(err, REVL_EDATA, m->mapfile, m->ev_line[REVL_EV_KEY],
                          m->ev_col[REVL_EV_KEY], "%s: expand: events: key = '%s': "
                          "no such column in %s%s", m->name, m->ev[REVL_EV_KEY],
                          ld->path, REVL_HINT(t, m->ev[REVL_EV_KEY]));
  const revl_column *K = t->cols[ck];
  if (K->type != REVL_T_STRING)
    return revl_error_set(err, REVL_EDATA, m->mapfile, m->ev_line[REVL_EV_KEY],
                          m->ev_col[REVL_EV_KEY], "%s: expand: events: key = '%s' "
                          "is %s, not text (types = { %s = \"text\" })", m->name,
                          m->ev[REVL_EV_KEY], revl_type_word(K->type), K->name);
  int ci, cd, ckind, cmv, csv, cl = revl_table_col(et, "source_line");
  int rc;
  if ((rc = ev_col(ld, et, REVL_EV_ID, 's', &ci)) || (rc = ev_col(ld, et, REVL_EV_DATE, 'd', &cd)) ||
      (rc = ev_col(ld, et, REVL_EV_KIND, 's', &ckind)) ||
      (rc = ev_col(ld, et, REVL_EV_MRR, 'm', &cmv)) ||
      (rc = ev_col(ld, et, REVL_EV_SEATS, 'i', &csv)))
    return rc;
  if (cl < 0) /* loadfile.c adds it when the mapping says et holds events */
    return revl_error_set(err, REVL_EDATA, m->mapfile, m->ev_line[REVL_EV_TABLE],
                          m->ev_col[REVL_EV_TABLE], "%s: expand: the events table "
                          "'%s' was loaded without this mapping (no source_line)",
                          m->name, et->name);
  size_t n = t->nrows, ne = et->nrows;
  keyrow *keys = malloc((n ? n : 1) * sizeof *keys);
  int32_t *lastd = malloc((n ? n : 1) * sizeof *lastd);
  uint32_t *lastl = calloc(n ? n : 1, sizeof *lastl), *endl = calloc(n ? n : 1, sizeof *endl);
  uint32_t *erow = malloc((ne ? ne : 1) * sizeof *erow);
  out->first = calloc(n + 1, sizeof *out->first);
  out->end = malloc((n ? n : 1) * sizeof *out->end);
  out->ev = malloc((ne ? ne : 1) * sizeof *out->ev);
  rc = 0;
  if (!keys || !lastd || !lastl || !endl || !erow || !out->first || !out->end || !out->ev) {
    rc = revl_error_set(err, REVL_ENOMEM, ld->path, 0, 0, "not enough memory");
    goto out;
  }
  for (size_t r = 0; r < n; r++) {
    if (!revl_col_valid(K, r)) {
      rc = revl_error_set(err, REVL_EDATA, ld->path, ld->lines[r], revl_ld_csv_col(ld, ck),
                          "%s: a subscription needs its %s: the events (%s) name "
                          "subscriptions by it", K->name, K->name, et->name);
      goto out;
    }
    keys[r] = (keyrow){K->v.str[r], (uint32_t)r};
    lastd[r] = INT32_MIN;
    out->end[r] = E && revl_col_valid(E, r) ? revl_ld_day_of(E, r) : INT32_MAX;
  }
  qsort(keys, n, sizeof *keys, cmp_keyrow);
  for (size_t i = 1; i < n; i++)
    if (keys[i].id == keys[i - 1].id) {
      uint32_t r = keys[i].row > keys[i - 1].row ? keys[i].row : keys[i - 1].row;
      uint32_t r0 = keys[i].row > keys[i - 1].row ? keys[i - 1].row : keys[i].row;
      rc = revl_error_set(err, REVL_EDATA, ld->path, ld->lines[r], revl_ld_csv_col(ld, ck),
                          "%s: '%s' is also the subscription at line %u (events "
                          "need one subscription per %s)", K->name,
                          revl_intern_str(in, K->v.str[r]), (unsigned)ld->lines[r0],
                          K->name);
      goto out;
    }
  const revl_column *I = et->cols[ci], *D = et->cols[cd], *KD = et->cols[ckind];
  const revl_column *MV = cmv >= 0 ? et->cols[cmv] : NULL, *SV = csv >= 0 ? et->cols[csv] : NULL;
  const revl_column *L = et->cols[cl];
  const char *ef = et->file;
  char a[16], b[16];
  /* each event in file order: its subscription, then its checks */
  for (size_t e = 0; e < ne; e++) {
    unsigned line = (unsigned)L->v.i64[e];
#define EV_FAIL(col, ...)                                                         \
  do {                                                                            \
    rc = revl_error_set(err, REVL_EDATA, ef, line, (col) + 1, __VA_ARGS__);       \
    goto out;                                                                     \
  } while (0)
    if (!revl_col_valid(I, e))
      EV_FAIL(ci, "%s: an event needs the %s it is for", I->name, K->name);
    keyrow want = {I->v.str[e], 0};
    size_t lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (keys[mid].id < want.id) lo = mid + 1;
      else hi = mid;
    }
    if (lo == n || keys[lo].id != want.id) {
      revl_near nr;
      char hint[160];
      revl_near_init(&nr, revl_intern_str(in, want.id));
      for (size_t i = 0; i < n; i++) revl_near_add(&nr, revl_intern_str(in, keys[i].id));
      revl_near_hint(&nr, hint, sizeof hint);
      EV_FAIL(ci, "%s: no subscription '%s' in %s%s", I->name,
              revl_intern_str(in, want.id), ld->path, hint);
    }
    uint32_t r = keys[lo].row;
    erow[e] = r;
    if (!revl_col_valid(D, e)) EV_FAIL(cd, "%s: an event needs a date", D->name);
    int32_t d = revl_ld_day_of(D, e);
    if (!revl_col_valid(KD, e)) EV_FAIL(ckind, "%s: an event needs a kind (churn, cancel, "
                                        "downgrade, upgrade)", KD->name);
    const char *ks = revl_intern_str(in, KD->v.str[e]);
    int kind = kind_of(ks);
    if (kind < 0) {
      char hint[160];
      revl_near nr;
      revl_near_init(&nr, ks);
      for (int i = 0; kind_names[i]; i++) revl_near_add(&nr, kind_names[i]);
      revl_near_hint(&nr, hint, sizeof hint);
      EV_FAIL(ckind, "%s: '%s' is not an event kind revl knows (churn, cancel, "
              "downgrade, upgrade)%s", KD->name, ks, hint);
    }
    revl_subev *v = &out->ev[e];
    memset(v, 0, sizeof *v);
    v->date = d;
    v->kind = (uint8_t)kind;
    if (MV && revl_col_valid(MV, e)) {
      if (MV->v.i64[e] < 0) EV_FAIL(cmv, "%s: %s's new MRR is negative (an MRR is 0 "
                                    "or more)", MV->name, revl_intern_str(in, want.id));
      if (M->cur && MV->cur[e] != M->cur[r])
        EV_FAIL(cmv, "%s: in %s, but the subscription (line %u of %s) is in %s",
                MV->name, revl_intern_str(in, MV->cur[e]), (unsigned)ld->lines[r],
                ld->path, revl_intern_str(in, M->cur[r]));
      v->has_mrr = 1;
      v->mrr = MV->v.i64[e];
    }
    if (SV && revl_col_valid(SV, e)) {
      if (SV->v.i64[e] < 0) EV_FAIL(csv, "%s: %s's new seats are negative", SV->name,
                                    revl_intern_str(in, want.id));
      v->has_seats = 1;
      v->seats = SV->v.i64[e];
    }
    if (kind == REVL_SUBEV_CHANGE && !v->has_mrr && !v->has_seats)
      EV_FAIL(ckind, "%s: a %s needs its new MRR or seats (%s%s%s%s)", KD->name, ks,
              MV ? MV->name : "", MV && SV ? " or " : "", SV ? SV->name : "",
              MV || SV ? " is empty" : "the mapping's events = {...} names no mrr "
              "or seats column");
    int32_t s0 = revl_ld_day_of(S, r);
    revl_format_date(d, a, sizeof a);
    if (d < s0) {
      revl_format_date(s0, b, sizeof b);
      EV_FAIL(cd, "%s: the event (%s) is before %s starts (%s, line %u of %s)", D->name, a,
              revl_intern_str(in, want.id), b, (unsigned)ld->lines[r], ld->path);
    }
    if (d < lastd[r]) {
      revl_format_date(lastd[r], b, sizeof b);
      EV_FAIL(cd, "%s: events out of order: %s of %s comes after %s at line %u (list "
              "each subscription's events by date)", D->name, a,
              revl_intern_str(in, want.id), b, (unsigned)lastl[r]);
    }
    if (endl[r])
      EV_FAIL(cd, "%s: %s has churned already at line %u (no event after its churn)",
              D->name, revl_intern_str(in, want.id), (unsigned)endl[r]);
    if (out->end[r] != INT32_MAX &&
        (kind == REVL_SUBEV_END ? d > out->end[r] : d >= out->end[r])) {
      revl_format_date(out->end[r], b, sizeof b);
      EV_FAIL(cd, "%s: the event (%s) is after %s ends (%s, line %u of %s)", D->name, a,
              revl_intern_str(in, want.id), b, (unsigned)ld->lines[r], ld->path);
    }
#undef EV_FAIL
    lastd[r] = d;
    lastl[r] = line;
    if (kind == REVL_SUBEV_END) {
      out->end[r] = d;
      endl[r] = line;
    }
    if (d > out->last_day) out->last_day = d;
    out->first[r + 1]++;
  }
  /* by subscription, each one's in file order (which is date order) */
  for (size_t r = 0; r < n; r++) out->first[r + 1] += out->first[r];
  {
    revl_subev *sorted = malloc((ne ? ne : 1) * sizeof *sorted);
    if (!sorted) {
      rc = revl_error_set(err, REVL_ENOMEM, ld->path, 0, 0, "not enough memory");
      goto out;
    }
    memcpy(lastl, out->first, n * sizeof *lastl); /* next slot of each row */
    for (size_t e = 0; e < ne; e++) sorted[lastl[erow[e]]++] = out->ev[e];
    free(out->ev);
    out->ev = sorted;
  }
  out->nev = ne;
out:
  free(keys);
  free(lastd);
  free(lastl);
  free(endl);
  free(erow);
  if (rc) revl_events_done(out);
  return rc;
}

void revl_events_done(revl_subevents *ev) {
  free(ev->ev);
  free(ev->first);
  free(ev->end);
  memset(ev, 0, sizeof *ev);
}
