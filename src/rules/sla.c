/*
 * sla.c -- response-time SLAs measured in business time.
 *
 * The clock starts at a datetime field of the record (created_at,
 * mql_at) and stops at a datetime field, or at the first activity of
 * the given types at or after the start, found through the activities'
 * foreign key to the record (its reverse index: no scan of the table).
 * Elapsed time is counted on the SLA's business calendar.  Also the
 * parts of SLA definitions that touch the data (owner and team columns,
 * the activities stopping the clock).
 */
#include "revl/route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int64_t tcell(const revl_column *c, size_t row) {
  if (!revl_col_valid(c, row)) return REVL_NO_TIME;
  if (c->type == REVL_T_DATE) return (int64_t)c->v.date[row] * 86400;
  return c->v.i64[row];
}

static const char *str_cell(const revl_table *t, int col, size_t row) {
  const revl_column *c = t->cols[col];
  if (c->type != REVL_T_STRING || !revl_col_valid(c, row)) return NULL;
  return revl_intern_str(&t->store->strings, c->v.str[row]);
}

int revl_sla_measure(revl_sla *s, const uint32_t *rows, size_t n, int64_t now,
                     revl_crit_ctx *ctx, revl_sla_row *out, size_t *nout) {
  revl_table *t = s->base;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t row = rows ? rows[i] : i;
    for (int j = 0; j < s->nkinds; j++) {
      revl_sla_kind *kd = &s->kinds[j];
      if (kd->when) {
        int ok = revl_crit_eval(kd->when, row, ctx);
        if (ctx && ctx->failed) return REVL_ESCRIPT;
        if (!ok) continue;
      }
      int64_t start = tcell(t->cols[kd->start_col], row);
      if (start == REVL_NO_TIME) continue;
      revl_sla_row *o = &out[k++];
      o->row = (uint32_t)row;
      o->kind = j;
      o->start = start;
      o->act_row = -1;
      o->owner = o->team = NULL;
      if (s->owner_col >= 0) {
        const revl_column *oc = t->cols[s->owner_col];
        o->owner = str_cell(t, s->owner_col, row);
        if (oc->ref && s->team_col >= 0 && oc->ref_row && oc->ref_row[row] >= 0)
          o->team = str_cell(oc->ref, s->team_col, (size_t)oc->ref_row[row]);
      }
      int64_t stop = REVL_NO_TIME;
      if (kd->stop_col >= 0) {
        stop = tcell(t->cols[kd->stop_col], row);
        if (stop != REVL_NO_TIME && stop < start) stop = start;
      }
      if (kd->use_acts && s->acts) {
        int32_t which;
        int64_t a = revl_child_first_after(s->acts, s->act_fk, s->act_at, row, start,
                                           s->act_type, kd->types, kd->ntypes, &which);
        if (a != REVL_NO_TIME && (stop == REVL_NO_TIME || a < stop)) {
          stop = a;
          o->act_row = which;
        }
      }
      /* a stop after `now` has not happened yet */
      if (stop != REVL_NO_TIME && stop > now) {
        stop = REVL_NO_TIME;
        o->act_row = -1;
      }
      o->stop = stop;
      int64_t end = stop != REVL_NO_TIME ? stop : (now > start ? now : start);
      o->secs = s->cal ? revl_cal_business_seconds(s->cal, start, end) : end - start;
      if (stop != REVL_NO_TIME)
        o->status = o->secs > kd->target ? REVL_SLA_BREACHED : REVL_SLA_MET;
      else
        o->status = o->secs > kd->target ? REVL_SLA_OPEN_BREACHED : REVL_SLA_OPEN;
      break;
    }
  }
  *nout = k;
  return 0;
}

const char *revl_sla_status_name(int st) {
  switch (st) {
  case REVL_SLA_MET: return "met";
  case REVL_SLA_BREACHED: return "breached";
  case REVL_SLA_OPEN: return "open";
  default: return "open_breached";
  }
}

int revl_sla_is_breach(int st) {
  return st == REVL_SLA_BREACHED || st == REVL_SLA_OPEN_BREACHED;
}

int revl_minutes(int64_t secs, int64_t *whole, double *frac) {
  if (secs % 60 == 0) {
    *whole = secs / 60;
    return 1;
  }
  *frac = round((double)secs / 60.0 * 100.0) / 100.0;
  return 0;
}

/* ---- definitions -------------------------------------------------------- */

void revl_sla_owner(revl_sla *s, int oc) {
  s->owner_col = oc;
  s->team_col = -1;
  if (oc >= 0 && s->base->cols[oc]->ref) {
    revl_table *reps = s->base->cols[oc]->ref;
    s->team_col = revl_table_col(reps, "team");
    if (s->team_col >= 0 && reps->cols[s->team_col]->type != REVL_T_STRING) s->team_col = -1;
  }
}

int revl_sla_activities(revl_sla *s, revl_table *acts, const char *via, revl_error *err) {
  revl_table *t = s->base;
  if (!acts) return 0;
  int fk = -1;
  if (via) {
    fk = revl_table_col(acts, via);
    if (fk < 0)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "activities has no column '%s'", via);
    if (acts->cols[fk]->ref != t || !acts->cols[fk]->rev_off)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "activities.%s does not reference %s",
                            via, t->name);
  } else {
    fk = revl_table_fk_to(acts, t, NULL);
  }
  int at = revl_table_col(acts, "at");
  if (fk >= 0 && at >= 0 && acts->cols[at]->type == REVL_T_DATETIME) {
    s->acts = acts;
    s->act_fk = fk;
    s->act_at = at;
    s->act_type = revl_table_col(acts, "type");
    if (s->act_type >= 0 && acts->cols[s->act_type]->type != REVL_T_STRING) s->act_type = -1;
  }
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

void revl_sla_kind_sort(revl_sla_kind *kd) {
  if (kd->ntypes > 1) qsort(kd->types, kd->ntypes, sizeof *kd->types, cmp_u32);
}
