/*
 * reasons.c -- the reasons of rule decisions as data (revl/reasons.h):
 * for a record of a decision frame, which ICP rules fired with the value
 * each criterion saw, group and total caps, engagement per activity
 * type, health components with their raw values, scorecard fields
 * present or missing; their one-line text; and the frame's cells as
 * text (what decision logs and explain print).  No Lua: values returned
 * by a playbook's functions come through the caller's revl_seen_fn.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/reasons.h"

/* ---- texts of cells and criteria --------------------------------------- */

void revl_cell_text(revl_sbuf *b, const revl_table *t, int ci, size_t row) {
  const revl_column *c = t->cols[ci];
  if (!revl_col_valid(c, row)) {
    revl_sb_adds(b, "(none)");
    return;
  }
  char buf[128];
  const revl_intern *in = &t->store->strings;
  switch (c->type) {
  case REVL_T_STRING:
    revl_sb_add(b, revl_intern_str(in, c->v.str[row]), revl_intern_len(in, c->v.str[row]));
    return;
  case REVL_T_INT: snprintf(buf, sizeof buf, "%lld", (long long)c->v.i64[row]); break;
  case REVL_T_NUMBER: revl_num_text(c->v.f64[row], buf, sizeof buf); break;
  case REVL_T_BOOL: snprintf(buf, sizeof buf, "%s", c->v.b[row] ? "true" : "false"); break;
  case REVL_T_DATE: revl_format_date(c->v.date[row], buf, sizeof buf); break;
  case REVL_T_DATETIME: revl_format_datetime(c->v.i64[row], buf, sizeof buf); break;
  case REVL_T_MONEY: {
    const char *cur = revl_intern_str(in, c->cur[row]);
    char num[64];
    revl_format_money(c->v.i64[row], revl_currency_decimals(cur), 1, num, sizeof num);
    snprintf(buf, sizeof buf, "%s %s", num, cur);
    break;
  }
  }
  revl_sb_adds(b, buf);
}

void revl_id_text(revl_sbuf *b, const revl_table *t, size_t row) {
  if (t->pk >= 0 && revl_col_valid(t->cols[t->pk], row) &&
      t->cols[t->pk]->type == REVL_T_STRING)
    revl_cell_text(b, t, t->pk, row);
  else
    revl_sb_addf(b, "%zu", row + 1);
}

int64_t revl_via_row(const revl_table *base, int via, size_t row) {
  if (via < 0) return (int64_t)row;
  const revl_column *fk = base->cols[via];
  return fk->ref_row ? fk->ref_row[row] : -1;
}

void revl_field_text(revl_sbuf *b, const revl_table *base, int via, const revl_table *t,
                     int col) {
  if (via >= 0) {
    const char *fk = base->cols[via]->name;
    size_t n = strlen(fk);
    if (n > 3 && strcmp(fk + n - 3, "_id") == 0) n -= 3;
    revl_sb_add(b, fk, n);
    revl_sb_adds(b, ".");
  }
  revl_sb_adds(b, t->cols[col]->name);
}

int revl_crit_is_combo(const revl_crit *c) {
  return c->op == REVL_OP_ALL || c->op == REVL_OP_ANY || c->op == REVL_OP_NONE;
}

/* Leaves of a criterion, for "value seen": distinct fields in order. */
static void collect_leaves(const revl_crit *c, const revl_crit **out, int *n, int max) {
  if (c->op == REVL_OP_FUNC || c->op == REVL_OP_CONST) return;
  if (revl_crit_is_combo(c)) {
    for (int i = 0; i < c->nkids; i++) collect_leaves(c->kids[i], out, n, max);
    return;
  }
  if (c->col < 0) return;
  for (int i = 0; i < *n; i++)
    if (out[i]->t == c->t && out[i]->col == c->col && out[i]->via == c->via) return;
  if (*n < max) out[(*n)++] = c;
}

void revl_crit_seen(revl_sbuf *b, const revl_crit *c, size_t row) {
  const revl_crit *leaves[12];
  int n = 0;
  collect_leaves(c, leaves, &n, 12);
  for (int i = 0; i < n; i++) {
    const revl_crit *k = leaves[i];
    if (i) revl_sb_adds(b, ", ");
    if (n > 1 || revl_crit_is_combo(c)) {
      revl_field_text(b, k->base, k->via, k->t, k->col);
      revl_sb_adds(b, "=");
    }
    int64_t r = revl_via_row(k->base, k->via, row);
    if (r < 0) {
      revl_sb_adds(b, "(none)");
      continue;
    }
    revl_cell_text(b, k->t, k->col, (size_t)r);
  }
}

/* ---- frames ------------------------------------------------------------------ */

const char *revl_health_band_name(int b) {
  return b == 0 ? "red" : b == 1 ? "yellow" : b == 2 ? "green" : NULL;
}

int revl_dframe_combo_index(const revl_dframe *f, size_t i) {
  int t = f->l1[i];
  if (t < 0) return -1;
  if (!f->md->icp->eng || !f->md->icp->nbands) return t * f->md->nb;
  if (f->l2[i] < 0) return -2 - t;
  return t * f->md->nb + f->l2[i];
}

const char *revl_dframe_combo(const revl_dframe *f, size_t i) {
  int k = revl_dframe_combo_index(f, i);
  if (k == -1) return NULL;
  if (k < -1) return f->md->icp->tiers[-2 - k].label;
  return f->md->combo[k];
}

int revl_dframe_matrix(const revl_dframe *f, size_t *counts, size_t *unplaced) {
  if (!f->md || f->md->kind != REVL_DM_ICP || !f->md->icp) return REVL_EUSAGE;
  size_t nc = (size_t)f->md->icp->ntiers * (size_t)f->md->nb;
  memset(counts, 0, nc * sizeof *counts);
  *unplaced = 0;
  for (size_t i = 0; i < f->n; i++) {
    int k = revl_dframe_combo_index(f, i);
    if (k >= 0 && (size_t)k < nc) counts[k]++;
    else (*unplaced)++;
  }
  return 0;
}

/* ---- reasons lists ---------------------------------------------------------------- */

void revl_reasons_clear(revl_reasons *r) {
  r->n = 0;
  r->oom = 0;
  revl_sb_reset(&r->text);
}

int revl_reasons_oom(const revl_reasons *r) { return r->oom || r->text.oom; }

void revl_reasons_free(revl_reasons *r) {
  free(r->it);
  r->it = NULL;
  r->n = r->cap = 0;
  r->oom = 0;
  revl_sb_free(&r->text);
}

const char *revl_reason_str(const revl_reasons *r, long off) {
  return off < 0 || !r->text.p ? NULL : r->text.p + off;
}

static revl_reason *rl_add(revl_reasons *r, const char *kind) {
  if (r->n == r->cap) {
    int cap = r->cap ? r->cap * 2 : 16;
    revl_reason *it = realloc(r->it, (size_t)cap * sizeof *it);
    if (!it) {
      r->oom = 1;
      return NULL;
    }
    r->it = it;
    r->cap = cap;
  }
  revl_reason *x = &r->it[r->n++];
  memset(x, 0, sizeof *x);
  x->kind = kind;
  x->group = x->crit = x->value = -1;
  x->met = 1;
  return x;
}

/* start a text in the shared buffer; returns its offset */
static long rl_mark(revl_reasons *r) {
  revl_sbuf *b = &r->text;
  revl_sb_add(b, "", 0);
  if (b->n && b->p[b->n - 1] != '\0') revl_sb_add(b, "\0", 1);
  return (long)b->n;
}

static long rl_text(revl_reasons *r, const char *s) {
  long o = rl_mark(r);
  revl_sb_adds(&r->text, s);
  revl_sb_add(&r->text, "\0", 1);
  return o;
}

static void rl_end(revl_reasons *r) { revl_sb_add(&r->text, "\0", 1); }

/* A "cap" reason in group: "<label><at>", the value before the cap and
 * the points the cap took (or gave). */
static void cap_item(revl_reasons *r, long group, const char *label, double at,
                     double before, double points) {
  revl_reason *x = rl_add(r, "cap");
  if (!x) return;
  char v[64];
  x->group = group;
  x->crit = rl_mark(r);
  revl_sb_adds(&r->text, label);
  revl_sb_num(&r->text, at);
  rl_end(r);
  revl_num_text(before, v, sizeof v);
  x->value = rl_text(r, v);
  x->points = points;
  x->has_points = 1;
}

static void icp_items(const revl_dframe *f, size_t i, int all, revl_reasons *r,
                      revl_seen_fn seen, void *ud) {
  const revl_icp *m = f->md->icp;
  size_t row = REVL_DFRAME_ROW(f, i);
  const double *fp = f->v ? f->v + i * (size_t)f->stride : NULL;
  double total = 0;
  for (int g = 0; g < m->ngroups; g++) {
    double raw = 0;
    long gname = rl_text(r, m->groups[g].name);
    for (int k = 0; k < m->nrules; k++) {
      const revl_icp_rule *ru = &m->rules[k];
      if (ru->group != g) continue;
      double p;
      int met;
      if (ru->fn >= 0) {
        p = fp ? fp[ru->fn] : 0;
        met = p != 0;
      } else {
        met = revl_dframe_fired(f, i, k);
        p = met ? ru->points : 0;
      }
      raw += p;
      if (!met && !all) continue;
      revl_reason *x = rl_add(r, "rule");
      if (!x) continue;
      x->group = gname;
      x->crit = rl_text(r, ru->name);
      x->met = met;
      x->points = p;
      x->has_points = 1;
      if (ru->fn >= 0) {
        if (seen) {
          long o = rl_mark(r);
          if (seen(ud, i, ru->fn, &r->text)) {
            x = &r->it[r->n - 1];
            x->value = o;
            rl_end(r);
          }
        }
      } else if (ru->crit->col >= 0 || revl_crit_is_combo(ru->crit)) {
        x->value = rl_mark(r);
        revl_crit_seen(&r->text, ru->crit, row);
        rl_end(r);
      }
    }
    double capped = raw;
    if (m->groups[g].has_cap && raw > m->groups[g].cap) {
      capped = m->groups[g].cap;
      char t[200];
      snprintf(t, sizeof t, "%s capped at ", m->groups[g].name);
      cap_item(r, gname, t, capped, raw, capped - raw);
    }
    total += capped;
  }
  double fit = total;
  if (m->has_cap && fit > m->cap) fit = m->cap;
  if (fit < 0) fit = 0;
  if (fit != total)
    cap_item(r, -1, fit < total ? "total capped at " : "fit floored at ", fit, total,
             fit - total);
  if (m->eng) {
    const revl_engage *e = m->eng;
    int *cnt = calloc((size_t)e->ntypes + 1, sizeof *cnt);
    double *pts = calloc((size_t)e->ntypes + 1, sizeof *pts);
    if (!cnt || !pts) r->oom = 1;
    if (cnt && pts) {
      double eng = revl_icp_engagement(m, row, f->as_of, cnt, pts);
      const revl_intern *in = &m->t->store->strings;
      double sum = 0;
      for (int k = 0; k < e->ntypes; k++) {
        sum += pts[k];
        if (!cnt[k] && !all) continue;
        revl_reason *x = rl_add(r, "engagement");
        if (!x) break;
        x->group = rl_text(r, "engagement");
        x->crit = rl_text(r, revl_intern_str(in, e->type_ids[k]));
        char v[80];
        snprintf(v, sizeof v, "%d in %dd", cnt[k], (int)e->window);
        x->value = rl_text(r, v);
        x->points = revl_round_to(pts[k], 2);
        x->has_points = 1;
        x->met = cnt[k] > 0;
      }
      if (e->has_cap && revl_round_to(sum, 2) > eng)
        cap_item(r, rl_text(r, "engagement"), "engagement capped at ", e->cap,
                 revl_round_to(sum, 2), revl_round_to(eng - sum, 2));
    }
    free(cnt);
    free(pts);
  }
}

static void health_items(const revl_dframe *f, size_t i, int all, revl_reasons *r,
                         revl_seen_fn seen, void *ud) {
  const revl_dmodel *md = f->md;
  size_t row = REVL_DFRAME_ROW(f, i);
  revl_sbuf *b = &r->text;
  for (int k = 0; k < md->ncomps; k++) {
    const revl_hcomp *c = &md->comps[k];
    double val = f->v[i * (size_t)f->stride + (size_t)k];
    double raw = f->raw[i * (size_t)f->stride + (size_t)k];
    revl_reason *x = rl_add(r, "component");
    if (!x) return;
    x->crit = rl_text(r, c->name);
    x->weight = c->weight;
    x->has_weight = 1;
    x->met = !isnan(val);
    if (!isnan(val)) {
      x->points = revl_round_to(val, 1);
      x->has_points = 1;
    }
    x->value = rl_mark(r);
    switch (c->kind) {
    case REVL_HC_CRITERIA: {
      int any = 0;
      for (int q = 0; q < c->nrules; q++) {
        if (!revl_dframe_fired(f, i, c->rule0 + q)) continue;
        const revl_hrule *h = &md->hrules[c->rule0 + q];
        if (any++) revl_sb_adds(b, ", ");
        revl_sb_adds(b, h->crit->name);
        if (h->crit->col >= 0 || revl_crit_is_combo(h->crit)) {
          revl_sb_adds(b, " (");
          revl_crit_seen(b, h->crit, row);
          revl_sb_adds(b, ")");
        }
        revl_sb_adds(b, " ");
        revl_sb_points(b, h->points);
      }
      if (!any) revl_sb_adds(b, "no criterion met");
      break;
    }
    case REVL_HC_FIELD:
    case REVL_HC_USAGE:
    case REVL_HC_UTIL:
    case REVL_HC_GROWTH:
      revl_sb_adds(b, c->desc);
      revl_sb_adds(b, c->kind == REVL_HC_GROWTH ? ": " : " = ");
      if (isnan(raw)) revl_sb_adds(b, "(none)");
      else if (c->kind == REVL_HC_GROWTH) {
        revl_sb_points(b, revl_round_to(100 * raw, 2));
        revl_sb_adds(b, "%");
      }
      else if (c->kind == REVL_HC_FIELD && c->fvia < 0 && c->ft == f->t)
        revl_cell_text(b, c->ft, c->fcol, row);
      else revl_sb_num(b, revl_round_to(raw, 4));
      break;
    case REVL_HC_FN:
      if (seen && seen(ud, i, k, b)) {
        /* the function's own text */
      } else if (isnan(raw)) {
        revl_sb_adds(b, "no value");
      } else {
        revl_sb_num(b, revl_round_to(raw, 4));
      }
      break;
    }
    rl_end(r);
    if (c->kind == REVL_HC_CRITERIA && all) {
      long comp = x->crit;
      for (int q = 0; q < c->nrules; q++) {
        const revl_hrule *h = &md->hrules[c->rule0 + q];
        int met = revl_dframe_fired(f, i, c->rule0 + q);
        revl_reason *y = rl_add(r, "rule");
        if (!y) return;
        y->group = comp;
        y->crit = rl_text(r, h->crit->name);
        y->value = rl_mark(r);
        revl_crit_seen(b, h->crit, row);
        rl_end(r);
        y->points = met ? h->points : 0;
        y->has_points = 1;
        y->met = met;
      }
    }
  }
}

static void card_items(const revl_dframe *f, size_t i, int all, revl_reasons *r) {
  const revl_dmodel *md = f->md;
  for (int k = 0; k < md->nfields; k++) {
    const revl_card_field *c = &md->fields[k];
    int ok = revl_dframe_fired(f, i, k);
    if (ok && !all) continue;
    revl_reason *x = rl_add(r, ok ? "present" : "missing");
    if (!x) return;
    x->crit = rl_text(r, c->label);
    x->weight = c->weight;
    x->has_weight = 1;
    x->met = ok;
    if (!ok && !c->optional)
      x->value = rl_text(r, c->absent ? "required, not in this export" : "required");
    else if (c->absent)
      x->value = rl_text(r, "not in this export");
  }
}

void revl_reasons_build(revl_reasons *r, const revl_dframe *f, size_t i, int all,
                        revl_seen_fn seen, void *ud) {
  if (f->md->kind == REVL_DM_ICP) icp_items(f, i, all, r, seen, ud);
  else if (f->md->kind == REVL_DM_HEALTH) health_items(f, i, all, r, seen, ud);
  else card_items(f, i, all, r);
}

void revl_reasons_text(const revl_reasons *r, revl_sbuf *out) {
  int first = 1;
  for (int k = 0; k < r->n; k++) {
    const revl_reason *x = &r->it[k];
    int component = strcmp(x->kind, "component") == 0;
    int missing = strcmp(x->kind, "missing") == 0;
    if (!x->met && !component && !missing) continue;
    if (!first) revl_sb_adds(out, "; ");
    first = 0;
    if (missing) revl_sb_adds(out, "missing ");
    if (strcmp(x->kind, "engagement") == 0) revl_sb_adds(out, "engagement ");
    const char *c = revl_reason_str(r, x->crit);
    if (c) revl_sb_adds(out, c);
    /* a component's score comes first, a rule's points last */
    if (component) {
      revl_sb_adds(out, " ");
      if (x->has_points) revl_sb_num(out, x->points);
      else revl_sb_adds(out, "skipped (no data)");
    }
    if (x->has_weight && (component || (missing && x->weight != 1))) {
      revl_sb_adds(out, " (weight ");
      revl_sb_num(out, x->weight);
      revl_sb_adds(out, ")");
    }
    const char *v = revl_reason_str(r, x->value);
    if (v && *v) {
      revl_sb_adds(out, " [");
      revl_sb_adds(out, v);
      revl_sb_adds(out, "]");
    }
    if (x->has_points && !component) {
      revl_sb_adds(out, " ");
      revl_sb_points(out, x->points);
    }
  }
}

/* ---- cells ------------------------------------------------------------------------ */

int revl_dframe_cell(const revl_dframe *f, size_t i, int c, revl_sbuf *out, double *num,
                     revl_reasons *scratch, revl_seen_fn seen, void *ud) {
  size_t row = REVL_DFRAME_ROW(f, i);
  int ct = f->ctype[c], arg = f->carg[c];
  const char *s = NULL;
  switch (ct) {
  case REVL_DC_ID:
    revl_id_text(out, f->t, row);
    return REVL_V_STR;
  case REVL_DC_A:
  case REVL_DC_B: {
    double d = ct == REVL_DC_A ? f->a[i] : f->b[i];
    if (isnan(d)) return REVL_V_NIL;
    *num = d;
    revl_sb_num(out, d);
    return REVL_V_NUM;
  }
  case REVL_DC_TIER:
    s = f->l1[i] >= 0 ? f->md->icp->tiers[f->l1[i]].label : NULL;
    break;
  case REVL_DC_LABEL: s = revl_dframe_combo(f, i); break;
  case REVL_DC_ACTION: {
    int k = revl_dframe_combo_index(f, i);
    s = k >= 0 ? f->md->action[k] : NULL;
    break;
  }
  case REVL_DC_HBAND: s = revl_health_band_name(f->l1[i]); break;
  case REVL_DC_COMP: {
    double d = f->v[i * (size_t)f->stride + (size_t)arg];
    if (isnan(d)) return REVL_V_NIL;
    d = revl_round_to(d, 1);
    *num = d;
    revl_sb_num(out, d);
    return REVL_V_NUM;
  }
  case REVL_DC_COMPLETE: {
    /* ready: completeness at pass and no required field missing */
    int ok = f->a[i] >= f->md->pass;
    for (int k = 0; ok && k < f->md->nfields; k++)
      if (!f->md->fields[k].optional && !revl_dframe_fired(f, i, k)) ok = 0;
    revl_sb_adds(out, ok ? "true" : "false");
    *num = ok;
    return REVL_V_BOOL;
  }
  case REVL_DC_MISSING: {
    int first = 1;
    for (int k = 0; k < f->md->nfields; k++)
      if (!revl_dframe_fired(f, i, k)) {
        if (!first) revl_sb_adds(out, "; ");
        first = 0;
        revl_sb_adds(out, f->md->fields[k].label);
      }
    return REVL_V_STR;
  }
  case REVL_DC_REASONS:
    revl_reasons_clear(scratch);
    revl_reasons_build(scratch, f, i, 0, seen, ud);
    revl_reasons_text(scratch, out);
    if (revl_reasons_oom(scratch)) out->oom = 1;
    return REVL_V_STR;
  }
  if (!s) return REVL_V_NIL;
  revl_sb_adds(out, s);
  return REVL_V_STR;
}

int revl_dmodel_labels(revl_dmodel *md) {
  const revl_icp *icp = md->icp;
  md->nb = icp->eng && icp->nbands ? icp->nbands : 1;
  int nc = icp->ntiers * md->nb;
  md->combo = calloc(nc ? (size_t)nc : 1, sizeof *md->combo);
  md->action = calloc(nc ? (size_t)nc : 1, sizeof *md->action);
  if (!md->combo || !md->action) return REVL_ENOMEM;
  for (int ti = 0; ti < icp->ntiers; ti++)
    for (int bi = 0; bi < md->nb; bi++) {
      char lab[80];
      snprintf(lab, sizeof lab, "%s%s", icp->tiers[ti].label,
               md->nb > 1 || (icp->eng && icp->nbands) ? icp->bands[bi].label : "");
      if (!(md->combo[ti * md->nb + bi] = strdup(lab))) return REVL_ENOMEM;
    }
  return 0;
}
