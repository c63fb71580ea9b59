/*
 * declog.c -- decision frames (revl/reasons.h) written through the
 * atomic writer (revl/csvw.h) as CSV or JSON Lines, and the parts a
 * decision log adds: its metadata columns, the run record line and the
 * reasons as JSON objects.  No Lua; the binding opens and commits the
 * writer under --out.
 */
#include <string.h>

#include "revl/declog.h"

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
