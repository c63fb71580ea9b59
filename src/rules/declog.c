/*
 * declog.c -- decision frames (revl/reasons.h) written through the
 * atomic writer (revl/csvw.h) as CSV or JSON Lines, and the parts a
 * decision log adds: its metadata columns, the run record line and the
 * reasons as JSON objects; and decision frames as C frames
 * (revl_dframe_to_frame) for sorting, grouping and joins.  No Lua; the binding opens and commits the
 * writer under --out.
 */
#include <string.h>

#include "revl/declog.h"
#include "revl/frame.h"

static void json_strz(revl_csvw *w, const char *s) { revl_csvw_json(w, s, strlen(s)); }

void revl_reasons_json(revl_csvw *w, const revl_reasons *r) {
  revl_csvw_raw(w, "[", 1);
  for (int k = 0; k < r->n; k++) {
    const revl_reason *x = &r->it[k];
    if (k) revl_csvw_raw(w, ",", 1);
    revl_csvw_raw(w, "{\"kind\":", 8);
    json_strz(w, x->kind);
    const char *s;
    if ((s = revl_reason_str(r, x->group))) {
      revl_csvw_raw(w, ",\"group\":", 9);
      json_strz(w, s);
    }
    if ((s = revl_reason_str(r, x->crit))) {
      revl_csvw_raw(w, ",\"criterion\":", 13);
      json_strz(w, s);
    }
    if ((s = revl_reason_str(r, x->value))) {
      revl_csvw_raw(w, ",\"value\":", 9);
      json_strz(w, s);
    }
    char buf[40];
    if (x->has_points) {
      int comp = strcmp(x->kind, "component") == 0;
      revl_csvw_raw(w, comp ? ",\"score\":" : ",\"points\":", comp ? 9 : 10);
      revl_num_text(x->points, buf, sizeof buf);
      revl_csvw_raw(w, buf, strlen(buf));
    }
    if (x->has_weight) {
      revl_csvw_raw(w, ",\"weight\":", 10);
      revl_num_text(x->weight, buf, sizeof buf);
      revl_csvw_raw(w, buf, strlen(buf));
    }
    revl_csvw_raw(w, x->met ? ",\"met\":true}" : ",\"met\":false}", x->met ? 12 : 13);
  }
  revl_csvw_raw(w, "]", 1);
}

void revl_log_head_end(revl_csvw *w, int json, const revl_logmeta *meta) {
  if (!json) {
    if (meta)
      for (int k = 0; k < meta->ncols; k++) revl_csvw_str(w, meta->names[k]);
    revl_csvw_end(w);
  } else if (meta) {
    revl_csvw_raw(w, "{\"run\":", 7);
    const char *s = meta->run_json ? meta->run_json : "null";
    revl_csvw_raw(w, s, strlen(s));
    revl_csvw_raw(w, "}\n", 2);
  }
}

void revl_log_rec_end(revl_csvw *w, int json, const revl_logmeta *meta) {
  if (json) {
    revl_csvw_raw(w, "}\n", 2);
    return;
  }
  if (meta)
    for (int k = 0; k < meta->ncols; k++) revl_csvw_str(w, meta->vals[k]);
  revl_csvw_end(w);
}

int revl_dframe_write(revl_csvw *w, const revl_dframe *f, const char *const *names,
                       int json, const revl_logmeta *meta, revl_reasons *scratch,
                       revl_sbuf *cell, revl_seen_fn seen, void *ud) {
  revl_sbuf *b = cell;
  if (!json)
    for (int c = 0; c < f->ncols; c++) revl_csvw_str(w, names[c]);
  revl_log_head_end(w, json, meta);
  for (size_t i = 0; i < f->n; i++) {
    if (json) revl_csvw_raw(w, "{", 1);
    for (int c = 0; c < f->ncols; c++) {
      revl_sb_reset(b);
      double num = 0;
      if (json) {
        if (c) revl_csvw_raw(w, ",", 1);
        json_strz(w, names[c]);
        revl_csvw_raw(w, ":", 1);
        if (f->ctype[c] == REVL_DC_REASONS && meta) {
          revl_reasons_clear(scratch);
          revl_reasons_build(scratch, f, i, 0, seen, ud);
          if (revl_reasons_oom(scratch)) return REVL_ENOMEM;
          revl_reasons_json(w, scratch);
          continue;
        }
      }
      int k = revl_dframe_cell(f, i, c, b, &num, scratch, seen, ud);
      if (b->oom) return REVL_ENOMEM;
      if (!json) revl_csvw_field(w, revl_sb_str(b), b->n);
      else if (k == REVL_V_NIL) revl_csvw_raw(w, "null", 4);
      else if (k == REVL_V_STR) revl_csvw_json(w, revl_sb_str(b), b->n);
      else revl_csvw_raw(w, revl_sb_str(b), b->n);
    }
    revl_log_rec_end(w, json, meta);
  }
  return 0;
}

int revl_dframe_to_frame(const revl_dframe *rf, const char *const *names, const int *pick,
                         int np, revl_frame *f, revl_reasons *scratch, revl_sbuf *b,
                         revl_seen_fn seen, void *ud, revl_error *err) {
  const revl_table *t = rf->t;
  int ci[REVL_DFRAME_MAXCOLS];
  for (int k = 0; k < np; k++) {
    int ct = rf->ctype[pick[k]];
    const char *name = names[pick[k]] ? names[pick[k]] : "?";
    revl_type ty = ct == REVL_DC_A || ct == REVL_DC_B || ct == REVL_DC_COMP ? REVL_T_NUMBER
                   : ct == REVL_DC_COMPLETE                               ? REVL_T_BOOL
                                                                          : REVL_T_STRING;
    const revl_intern *dict = NULL;
    if (ct == REVL_DC_ID && t->pk >= 0 && t->cols[t->pk]->type == REVL_T_STRING)
      dict = &t->store->strings;
    ci[k] = revl_frame_add_col(f, name, ty, dict);
    if (ci[k] < 0)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "column '%s' given twice", name);
    if (ty == REVL_T_NUMBER) f->cols[ci[k]]->kind = REVL_DK_POINTS;
  }
  if (revl_frame_reserve(f, rf->n)) goto oom;
  for (size_t i = 0; i < rf->n; i++) {
    size_t row = REVL_DFRAME_ROW(rf, i);
    for (int k = 0; k < np; k++) {
      revl_column *col = revl_frame_col(f, ci[k]);
      int rc;
      if (f->cols[ci[k]]->dict != &f->own) { /* the store's id */
        const revl_column *pk = t->cols[t->pk];
        rc = revl_col_valid(pk, row) ? revl_col_push_str(col, pk->v.str[row])
                                     : revl_col_push_null(col);
      } else {
        revl_sb_reset(b);
        double num = 0;
        int kind = revl_dframe_cell(rf, i, pick[k], b, &num, scratch, seen, ud);
        if (b->oom) goto oom; /* not a cut cell */
        if (kind == REVL_V_NIL) rc = revl_col_push_null(col);
        else if (kind == REVL_V_NUM) rc = revl_col_push_f64(col, num);
        else if (kind == REVL_V_BOOL) rc = revl_col_push_bool(col, num != 0);
        else rc = revl_frame_push_text(f, ci[k], revl_sb_str(b), b->n);
      }
      if (rc) goto oom;
    }
  }
  if (revl_frame_seal(f))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "rules frame: columns of unequal length");
  return 0;
oom:
  return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
}
