/*
 * funnel.c -- funnel audits, and history lookups through the reverse
 * foreign-key indexes (stage_history of a deal, activities of a lead),
 * and the parts of funnel definitions that touch the data (columns,
 * owner roles, stage history).
 */
#include "revl/route.h"
#include "revl/stage_order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t cell_time(const revl_column *c, size_t row) {
  if (!revl_col_valid(c, row)) return REVL_NO_TIME;
  if (c->type == REVL_T_DATE) return (int64_t)c->v.date[row] * 86400;
  if (c->type == REVL_T_DATETIME) return c->v.i64[row];
  return REVL_NO_TIME;
}

int64_t revl_child_latest(const revl_table *child, int fk, int at, size_t r,
                          int stage_col, uint32_t stage_id) {
  const revl_column *f = child->cols[fk], *a = child->cols[at];
  if (!f->rev_off) return REVL_NO_TIME;
  const revl_column *s = stage_col >= 0 ? child->cols[stage_col] : NULL;
  int64_t best = REVL_NO_TIME;
  for (uint32_t k = f->rev_off[r]; k < f->rev_off[r + 1]; k++) {
    uint32_t row = f->rev_rows[k];
    if (s && stage_id && (!revl_col_valid(s, row) || s->v.str[row] != stage_id)) continue;
    int64_t t = cell_time(a, row);
    if (t != REVL_NO_TIME && (best == REVL_NO_TIME || t > best)) best = t;
  }
  return best;
}

static int in_sorted(const uint32_t *set, size_t n, uint32_t v) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (set[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && set[lo] == v;
}

int64_t revl_child_first_after(const revl_table *child, int fk, int at,
                               size_t r, int64_t from, int type_col,
                               const uint32_t *types, size_t ntypes,
                               int32_t *which) {
  const revl_column *f = child->cols[fk], *a = child->cols[at];
  const revl_column *ty = type_col >= 0 ? child->cols[type_col] : NULL;
  *which = -1;
  if (!f->rev_off) return REVL_NO_TIME;
  int64_t best = REVL_NO_TIME;
  for (uint32_t k = f->rev_off[r]; k < f->rev_off[r + 1]; k++) {
    uint32_t row = f->rev_rows[k];
    int64_t t = cell_time(a, row);
    if (t == REVL_NO_TIME || t < from) continue;
    if (ntypes && (!ty || !revl_col_valid(ty, row) ||
                   !in_sorted(types, ntypes, ty->v.str[row])))
      continue;
    if (best == REVL_NO_TIME || t < best || (t == best && (int32_t)row < *which)) {
      best = t;
      *which = (int32_t)row;
    }
  }
  return best;
}

static int64_t floor_day(int64_t t) {
  return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int revl_funnel_audit(revl_funnel *f, const uint32_t *rows, size_t n,
                      int32_t as_of, revl_crit_ctx *ctx, revl_faudit *out) {
  revl_table *t = f->base;
  int ns = f->nstages;
  int entry[256];
  if (ns > 256) ns = 256;
  const revl_column *sc = f->stage_col >= 0 ? t->cols[f->stage_col] : NULL;
  revl_table *reps = f->owner_col >= 0 ? t->cols[f->owner_col]->ref : NULL;
  for (size_t i = 0; i < n; i++) {
    size_t row = rows ? rows[i] : i;
    revl_faudit *a = &out[i];
    memset(a, 0, sizeof *a);
    a->row = (uint32_t)row;
    a->entered = REVL_NO_TIME;
    a->days = -1;
    a->furthest = -1;
    for (int s = 0; s < ns; s++) {
      revl_fstage *st = &f->stages[s];
      if (st->entry) {
        entry[s] = revl_crit_eval(st->entry, row, ctx);
        if (ctx && ctx->failed) return REVL_ESCRIPT;
        if (entry[s]) a->furthest = s;
      } else {
        entry[s] = 1;
        if (s == 0 && a->furthest < 0) a->furthest = 0;
      }
    }
    /* the recorded stage */
    a->recorded = REVL_FA_UNKNOWN;
    if (sc && revl_col_valid(sc, row)) {
      uint32_t v = sc->v.str[row];
      for (int k = 0; k < f->nterminal; k++)
        if (f->terminal[k] == v) a->recorded = REVL_FA_TERMINAL;
      if (a->recorded == REVL_FA_UNKNOWN) {
        int first = -1, best = -1;
        for (int s = 0; s < ns; s++) {
          revl_fstage *st = &f->stages[s];
          for (int k = 0; k < st->nvalues; k++)
            if (st->values[k] == v) {
              if (first < 0) first = s;
              if (entry[s]) best = s;
              break;
            }
        }
        a->recorded = best >= 0 ? best : first;
        if (a->recorded < 0) a->recorded = REVL_FA_UNKNOWN;
      }
    }
    if (a->recorded < 0) continue;
    revl_fstage *st = &f->stages[a->recorded];
    a->entry_met = entry[a->recorded];
    if (st->exit) {
      a->exit_met = revl_crit_eval(st->exit, row, ctx);
      if (ctx && ctx->failed) return REVL_ESCRIPT;
    }
    for (int k = 0; k < st->nreq && k < 64; k++) {
      int64_t hr = row;
      if (st->req_via[k] >= 0) {
        const revl_column *fk = t->cols[st->req_via[k]];
        hr = fk->ref_row ? fk->ref_row[row] : -1;
      }
      if (hr < 0 || !revl_col_valid(st->req_holder[k]->cols[st->req_col[k]], (size_t)hr))
        a->missing |= (uint64_t)1 << k;
    }
    if (st->entered_col >= 0)
      a->entered = cell_time(t->cols[st->entered_col], row);
    else if (f->hist)
      a->entered = revl_child_latest(f->hist, f->hist_fk, f->hist_at, row, -1, 0);
    if (a->entered != REVL_NO_TIME) {
      int32_t from = f->cal ? revl_cal_day(f->cal, a->entered)
                            : (int32_t)floor_day(a->entered);
      a->days = f->cal ? revl_cal_business_days(f->cal, from, as_of) : as_of - from;
      if (st->sla_days >= 0 && a->days > st->sla_days) a->sla_breached = 1;
    }
    if (st->role && reps && f->owner_role_col >= 0) {
      const revl_column *oc = t->cols[f->owner_col];
      int32_t rr = oc->ref_row ? oc->ref_row[row] : -1;
      if (rr >= 0) {
        const revl_column *rc = reps->cols[f->owner_role_col];
        if (revl_col_valid(rc, (size_t)rr)) {
          a->owner_role = rc->v.str[rr];
          if (rc->v.str[rr] != st->role) a->role_mismatch = 1;
        }
      }
    }
    if (st->forecast && f->forecast_col >= 0) {
      const revl_column *fc = t->cols[f->forecast_col];
      if (revl_col_valid(fc, row) && fc->v.str[row] != st->forecast)
        a->forecast_mismatch = 1;
    }
  }
  return 0;
}

/* ---- verdicts: the violations of an audit row in words ------------------ */

static const char *str_cell(const revl_table *t, int col, size_t row) {
  if (col < 0) return NULL;
  const revl_column *c = t->cols[col];
  if (c->type != REVL_T_STRING || !revl_col_valid(c, row)) return NULL;
  return revl_intern_str(&t->store->strings, c->v.str[row]);
}

/* Names of the criteria under c that fail for row, ", " joined. */
static int failing(revl_crit *c, size_t row, revl_crit_ctx *ctx, revl_text *b, int *n) {
  if (c->op == REVL_OP_ALL && c->nkids > 0) {
    for (int i = 0; i < c->nkids; i++)
      if (failing(c->kids[i], row, ctx, b, n)) return REVL_ENOMEM;
    return 0;
  }
  if (revl_crit_eval(c, row, ctx)) return 0;
  if ((*n)++ && revl_text_add(b, ", ", 2)) return REVL_ENOMEM;
  return revl_text_puts(b, c->name ? c->name : "?");
}

static revl_fviolation *add_violation(revl_fverdict *v, const char *code) {
  revl_fviolation *x = &v->v[v->n++];
  x->code = code;
  return x;
}

const char *revl_funnel_status(const revl_faudit *a) {
  return a->recorded >= 0 ? "open" : a->recorded == REVL_FA_TERMINAL ? "closed" : "unknown";
}

int revl_funnel_verdict(revl_funnel *f, const revl_faudit *a, revl_crit_ctx *ctx,
                        revl_fverdict *v) {
  revl_table *t = f->base;
  const revl_intern *in = &t->store->strings;
  size_t row = a->row;
  v->n = 0;
  v->nmissing = 0;
  v->missing.n = 0;
  if (revl_text_add(&v->missing, "", 0)) return REVL_ENOMEM;
  if (a->recorded < 0) {
    if (a->recorded == REVL_FA_UNKNOWN) {
      const char *rec = str_cell(t, f->stage_col, row);
      revl_fviolation *x = add_violation(v, "unknown_stage");
      if (rec) snprintf(x->reason, sizeof x->reason, "stage '%s' is not in the funnel", rec);
      else snprintf(x->reason, sizeof x->reason, "no recorded stage");
    }
    return 0;
  }
  revl_fstage *s = &f->stages[a->recorded];
  if (!a->entry_met && s->entry) {
    int nf = 0;
    v->failing.n = 0;
    if (revl_text_add(&v->failing, "", 0) || failing(s->entry, row, ctx, &v->failing, &nf))
      return REVL_ENOMEM;
    if (ctx && ctx->failed) return REVL_ESCRIPT;
    revl_fviolation *x = add_violation(v, "entry_not_met");
    snprintf(x->reason, sizeof x->reason, "in %s without its entry criteria: %s", s->name,
             v->failing.s);
  }
  if (a->furthest > a->recorded) {
    revl_fviolation *x = add_violation(v, "behind");
    snprintf(x->reason, sizeof x->reason, "meets the entry criteria of %s, recorded as %s",
             f->stages[a->furthest].name, s->name);
  }
  for (int k = 0; k < s->nreq; k++)
    if (a->missing >> k & 1) {
      if (v->nmissing++ && revl_text_add(&v->missing, ", ", 2)) return REVL_ENOMEM;
      if (revl_text_puts(&v->missing, s->req_name[k])) return REVL_ENOMEM;
    }
  if (v->nmissing) {
    revl_fviolation *x = add_violation(v, "missing_fields");
    snprintf(x->reason, sizeof x->reason, "missing required fields for %s: %s", s->name,
             v->missing.s);
  }
  if (a->sla_breached) {
    revl_fviolation *x = add_violation(v, "sla_breached");
    snprintf(x->reason, sizeof x->reason, "%d %sdays in %s, SLA %d", (int)a->days,
             f->cal ? "business " : "", s->name, s->sla_days);
  }
  if (a->role_mismatch) {
    const char *owner = str_cell(t, f->owner_col, row);
    revl_fviolation *x = add_violation(v, "owner_role");
    snprintf(x->reason, sizeof x->reason, "owner %s is %s, %s is owned by %s",
             owner ? owner : "(null)", revl_intern_str(in, a->owner_role), s->name,
             revl_intern_str(in, s->role));
  }
  if (a->forecast_mismatch) {
    const char *fc = str_cell(t, f->forecast_col, row);
    revl_fviolation *x = add_violation(v, "forecast_category");
    snprintf(x->reason, sizeof x->reason, "forecast category %s, %s is %s",
             fc ? fc : "(null)", s->name, revl_intern_str(in, s->forecast));
  }
  return 0;
}

void revl_fverdict_done(revl_fverdict *v) {
  if (!v) return;
  revl_text_free(&v->missing);
  revl_text_free(&v->failing);
}

/* ---- the funnel order ----------------------------------------------------- */

int revl_funnel_declare_order(revl_funnel *f, const char *name) {
  int n = f->nterminal;
  for (int i = 0; i < f->nstages; i++) n += f->stages[i].nvalues;
  if (n == 0) return 0;
  uint32_t *ids = malloc((size_t)n * sizeof *ids);
  char src[160];
  if (!ids) return REVL_ENOMEM;
  int k = 0;
  for (int i = 0; i < f->nstages; i++)
    for (int j = 0; j < f->stages[i].nvalues; j++) ids[k++] = f->stages[i].values[j];
  for (int j = 0; j < f->nterminal; j++) ids[k++] = f->terminal[j];
  snprintf(src, sizeof src, "funnel '%s'", name);
  int rc = revl_stage_order_set(f->base->store, f->base->name,
                                f->base->cols[f->stage_col]->name, ids, n, src);
  free(ids);
  return rc;
}

/* ---- definitions -------------------------------------------------------- */

int revl_def_col(const revl_table *t, const char *key, const char *name, const char *dflt,
                 int want, int required, int *col, revl_error *err) {
  int explicit_ = name != NULL;
  *col = -1;
  if (!name) name = dflt;
  if (!name) return 0;
  int c = revl_table_col(t, name);
  if (c < 0) {
    if (explicit_ || required)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s has no column '%s'%s", t->name,
                            name, REVL_HINT(t, name));
    return 0;
  }
  if (want >= 0 && (int)t->cols[c]->type != want) {
    if (explicit_ || required)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s '%s' is %s, not %s", key, name,
                            revl_type_name(t->cols[c]->type), revl_type_name((revl_type)want));
    return 0;
  }
  *col = c;
  return 0;
}

int revl_def_time_col(const revl_table *t, const char *what, const char *field,
                      const char *kind, int *col, revl_error *err) {
  int c = revl_table_col(t, field);
  if (c < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s: %s has no column '%s'%s", what,
                          t->name, field, REVL_HINT(t, field));
  if (t->cols[c]->type != REVL_T_DATETIME && t->cols[c]->type != REVL_T_DATE)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s: '%s' is %s, not %s", what, field,
                          revl_type_name(t->cols[c]->type), kind);
  *col = c;
  return 0;
}

int revl_funnel_owner(revl_funnel *f, int oc, int explicit_owner, revl_error *err) {
  const revl_table *t = f->base;
  if (oc >= 0 && t->cols[oc]->ref && revl_table_col(t->cols[oc]->ref, "role") >= 0) {
    f->owner_col = oc;
    f->owner_role_col = revl_table_col(t->cols[oc]->ref, "role");
    if (t->cols[oc]->ref->cols[f->owner_role_col]->type != REVL_T_STRING) f->owner_role_col = -1;
  } else if (explicit_owner) {
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "owner field '%s' does not reference reps (with a role column)",
                          oc >= 0 ? t->cols[oc]->name : "?");
  }
  return 0;
}

int revl_funnel_history(revl_funnel *f, revl_table *h, int want, revl_error *err) {
  int fk = -1, at = -1;
  if (h) {
    fk = revl_table_fk_to(h, f->base, NULL);
    at = revl_table_col(h, "entered_at");
    if (at >= 0 && h->cols[at]->type != REVL_T_DATETIME && h->cols[at]->type != REVL_T_DATE)
      at = -1;
  }
  if (h && fk >= 0 && at >= 0) {
    f->hist = h;
    f->hist_fk = fk;
    f->hist_at = at;
    f->hist_stage = revl_table_col(h, "stage");
  } else if (want == 1) {
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "history: no stage_history table referencing %s is loaded",
                          f->base->name);
  }
  return 0;
}
