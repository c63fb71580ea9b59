/*
 * frame_write.c -- a frame, or the rows of a store view, as CSV or JSON
 * Lines (see revl/frame.h).
 *
 * Both go through revl_csvw, so the file appears whole or not at all.
 * Cells are written as revl_frame_cell_text reads them, which is what
 * revl.write_csv / revl.write_jsonl write for the same Lua rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/csvw.h"
#include "revl/frame.h"
#include "revl/parse.h"
#include "revl/store.h"

/* Columns to write: cols[0..ncols) checked, or all of f's. */
static int check_cols(const revl_frame *f, const int *cols, int ncols,
                      revl_error *err) {
  if (!cols) return 0;
  for (int k = 0; k < ncols; k++)
    if (cols[k] < 0 || cols[k] >= f->ncols)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "write: column %d out of range", cols[k]);
  return 0;
}

int revl_frame_write_rows(const revl_frame *f, revl_csvw *w, const int *cols,
                          int ncols, int json, revl_error *err) {
  int rc = check_cols(f, cols, ncols, err);
  if (rc) return rc;
  if (!cols) ncols = f->ncols;
  char buf[128];
  if (!json) {
    for (int k = 0; k < ncols; k++)
      revl_csvw_str(w, f->cols[cols ? cols[k] : k]->col.name);
    revl_csvw_end(w);
  }
  for (size_t r = 0; r < f->nrows; r++) {
    if (json) revl_csvw_raw(w, "{", 1);
    for (int k = 0; k < ncols; k++) {
      int ci = cols ? cols[k] : k;
      const revl_column *c = &f->cols[ci]->col;
      size_t len;
      const char *s = revl_frame_cell_text(f, ci, r, buf, sizeof buf, &len);
      if (!json) {
        revl_csvw_field(w, s, len);
        continue;
      }
      if (k > 0) revl_csvw_raw(w, ",", 1);
      revl_csvw_json(w, c->name, strlen(c->name));
      revl_csvw_raw(w, ":", 1);
      if (!revl_col_valid(c, r) ||
          (c->type == REVL_T_NUMBER && !isfinite(c->v.f64[r])))
        revl_csvw_raw(w, "null", 4);
      else if (c->type == REVL_T_STRING || c->type == REVL_T_DATE ||
               c->type == REVL_T_DATETIME)
        revl_csvw_json(w, s, len);
      else
        revl_csvw_raw(w, s, len);
    }
    if (json) revl_csvw_raw(w, "}\n", 2);
    else revl_csvw_end(w);
  }
  return 0;
}

int revl_frame_write_to(const revl_frame *f, revl_csvw *w, const int *cols,
                        int ncols, int json, revl_error *err) {
  int rc = revl_frame_write_rows(f, w, cols, ncols, json, err);
  if (rc) {
    revl_csvw_abort(w);
    return rc;
  }
  return revl_csvw_commit(w, err);
}

/* A cell of a store table as text into buf (or the store's own bytes for
 * a string): what v:to_csv writes. */
static const char *store_cell(const revl_table *t, int ci, size_t row, char *buf, size_t n,
                              size_t *len, int json) {
  const revl_column *c = t->cols[ci];
  const revl_intern *in = &t->store->strings;
  const char *s = buf;
  if (!revl_col_valid(c, row) || (c->type == REVL_T_NUMBER && !isfinite(c->v.f64[row]))) {
    s = json ? "null" : "";
    *len = strlen(s);
    return s;
  }
  switch (c->type) {
  case REVL_T_STRING:
    *len = revl_intern_len(in, c->v.str[row]);
    return revl_intern_str(in, c->v.str[row]);
  case REVL_T_INT: snprintf(buf, n, "%lld", (long long)c->v.i64[row]); break;
  case REVL_T_NUMBER: {
    double d = c->v.f64[row];
    snprintf(buf, n, "%.15g", d);
    if (strtod(buf, NULL) != d) snprintf(buf, n, "%.17g", d);
    break;
  }
  case REVL_T_BOOL: snprintf(buf, n, "%s", c->v.b[row] ? "true" : "false"); break;
  case REVL_T_DATE: revl_format_date(c->v.date[row], buf, n); break;
  case REVL_T_DATETIME: revl_format_datetime(c->v.i64[row], buf, n); break;
  case REVL_T_MONEY:
    revl_format_money(c->v.i64[row], revl_currency_decimals(revl_intern_str(in, c->cur[row])),
                      0, buf, n);
    break;
  }
  *len = strlen(buf);
  return s;
}

int revl_view_write_to(const revl_view *v, revl_csvw *w, const int *cols, int ncols, int json,
                       revl_error *err) {
  const revl_table *t = v->t;
  for (int k = 0; cols && k < ncols; k++)
    if (cols[k] < 0 || cols[k] >= t->ncols)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "write: column %d out of range",
                            cols[k]);
  if (!cols) ncols = t->ncols;
  char buf[64];
  if (!json) {
    for (int k = 0; k < ncols; k++) revl_csvw_str(w, t->cols[cols ? cols[k] : k]->name);
    revl_csvw_end(w);
  }
  for (size_t i = 0; i < v->n; i++) {
    size_t row = revl_view_row(v, i);
    if (json) revl_csvw_raw(w, "{", 1);
    for (int k = 0; k < ncols; k++) {
      int ci = cols ? cols[k] : k;
      const revl_column *c = t->cols[ci];
      size_t len;
      const char *s = store_cell(t, ci, row, buf, sizeof buf, &len, json);
      if (!json) {
        revl_csvw_field(w, s, len);
        continue;
      }
      if (k) revl_csvw_raw(w, ",", 1);
      revl_csvw_json(w, c->name, strlen(c->name));
      revl_csvw_raw(w, ":", 1);
      int quoted = revl_col_valid(c, row) &&
                   (c->type == REVL_T_STRING || c->type == REVL_T_DATE ||
                    c->type == REVL_T_DATETIME);
      if (quoted) revl_csvw_json(w, s, len);
      else revl_csvw_raw(w, s, len);
    }
    if (json) revl_csvw_raw(w, "}\n", 2);
    else revl_csvw_end(w);
  }
  return 0;
}

static int write_frame(const revl_frame *f, const char *path, const int *cols,
                       int ncols, int json, revl_error *err) {
  int rc = check_cols(f, cols, ncols, err);
  if (rc) return rc;
  revl_csvw *w = revl_csvw_open(path, err);
  if (!w) return err && err->code ? err->code : REVL_EIO;
  return revl_frame_write_to(f, w, cols, ncols, json, err);
}

int revl_frame_write_csv(const revl_frame *f, const char *path,
                         const int *cols, int ncols, revl_error *err) {
  return write_frame(f, path, cols, ncols, 0, err);
}

int revl_frame_write_jsonl(const revl_frame *f, const char *path,
                           const int *cols, int ncols, revl_error *err) {
  return write_frame(f, path, cols, ncols, 1, err);
}
