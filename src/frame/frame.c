/*
 * frame.c -- building result frames and reading their cells (see
 * revl/frame.h).
 *
 * A frame owns its columns and its own string table; columns copied from
 * the store borrow the store's strings.  Nothing is allocated per row:
 * columns grow by doubling, like the store's.
 */
#include "revl/frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/sbuf.h"

revl_frame *revl_frame_new(const revl_store *s) {
  revl_frame *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->store = s;
  revl_intern_init(&f->own);
  return f;
}

static void fcol_free(revl_fcol *c) {
  if (!c) return;
  free(c->col.name);
  free(c->col.valid);
  free(c->col.v.any);
  free(c->col.cur);
  free(c);
}

void revl_frame_free(revl_frame *f) {
  if (!f) return;
  for (int i = 0; i < f->ncols; i++) fcol_free(f->cols[i]);
  free(f->cols);
  revl_intern_done(&f->own);
  free(f->name);
  free(f->window);
  free(f->window_note);
  free(f);
}

const char *revl_display_name(int kind) {
  static const char *const names[] = {NULL,      "count",    "money", "ratio",
                                      "percent", "multiple", "days",  "points"};
  return kind > 0 && kind < (int)(sizeof names / sizeof names[0]) ? names[kind] : NULL;
}

int revl_frame_set_window(revl_frame *f, const char *window, const char *note) {
  char *w = window ? strdup(window) : NULL, *n = note ? strdup(note) : NULL;
  if ((window && !w) || (note && !n)) {
    free(w);
    free(n);
    return REVL_ENOMEM;
  }
  free(f->window);
  free(f->window_note);
  f->window = w;
  f->window_note = n;
  return 0;
}

int revl_frame_set_name(revl_frame *f, const char *name) {
  char *s = name ? strdup(name) : NULL;
  if (name && !s) return REVL_ENOMEM;
  free(f->name);
  f->name = s;
  return 0;
}

int revl_frame_col_index(const revl_frame *f, const char *name) {
  for (int i = 0; i < f->ncols; i++)
    if (strcmp(f->cols[i]->col.name, name) == 0) return i;
  return -1;
}

int revl_frame_add_col(revl_frame *f, const char *name, revl_type type,
                       const revl_intern *dict) {
  if (revl_frame_col_index(f, name) >= 0) return REVL_EUSAGE;
  if (f->ncols == f->capcols) {
    int cap = f->capcols ? f->capcols * 2 : 8;
    revl_fcol **cols = realloc(f->cols, (size_t)cap * sizeof *cols);
    if (!cols) return REVL_ENOMEM;
    f->cols = cols;
    f->capcols = cap;
  }
  revl_fcol *c = calloc(1, sizeof *c);
  if (!c || !(c->col.name = strdup(name))) {
    free(c);
    return REVL_ENOMEM;
  }
  c->col.type = type;
  c->col.ref_col = -1;
  c->dict = dict ? dict : &f->own;
  c->kind = type == REVL_T_MONEY ? REVL_DK_MONEY : REVL_DK_PLAIN;
  f->cols[f->ncols] = c;
  return f->ncols++;
}

int revl_frame_reserve(revl_frame *f, size_t n) {
  for (int i = 0; i < f->ncols; i++)
    if (revl_col_reserve(&f->cols[i]->col, n)) return REVL_ENOMEM;
  return 0;
}

/* The frame's own string table when column ci uses it, else NULL: text
 * is only ever added to the frame's own strings. */
static revl_intern *own_dict(revl_frame *f, int ci) {
  return f->cols[ci]->dict == &f->own ? &f->own : NULL;
}

int revl_frame_push_text(revl_frame *f, int ci, const char *s, size_t n) {
  revl_column *c = &f->cols[ci]->col;
  revl_intern *in = own_dict(f, ci);
  uint32_t id;
  if (in) {
    id = revl_intern_add(in, s, n);
    if (!id) return REVL_ENOMEM;
  } else {
    /* a borrowed dictionary: the text must already be one of its strings */
    id = revl_intern_find(f->cols[ci]->dict, s, n);
    if (!id) return REVL_EUSAGE;
  }
  return revl_col_push_str(c, id);
}

int revl_frame_push_cstr(revl_frame *f, int ci, const char *s) {
  if (!s) return revl_col_push_null(&f->cols[ci]->col);
  return revl_frame_push_text(f, ci, s, strlen(s));
}

int revl_frame_push_money(revl_frame *f, int ci, int64_t minor,
                          const char *cur) {
  revl_intern *in = own_dict(f, ci);
  if (!in) return REVL_EUSAGE;
  uint32_t id = revl_intern_add(in, cur, strlen(cur));
  if (!id) return REVL_ENOMEM;
  return revl_col_push_money(&f->cols[ci]->col, minor, id);
}

int revl_frame_seal(revl_frame *f) {
  size_t n = f->ncols ? f->cols[0]->col.n : f->nrows;
  for (int i = 1; i < f->ncols; i++)
    if (f->cols[i]->col.n != n) return REVL_EUSAGE;
  f->nrows = n;
  return 0;
}

const char *revl_frame_str(const revl_frame *f, int ci, size_t row) {
  const revl_fcol *c = f->cols[ci];
  if (c->col.type != REVL_T_STRING || !revl_col_valid(&c->col, row))
    return NULL;
  return revl_intern_str(c->dict, c->col.v.str[row]);
}

const char *revl_frame_currency(const revl_frame *f, int ci, size_t row) {
  const revl_fcol *c = f->cols[ci];
  if (c->col.type != REVL_T_MONEY || !revl_col_valid(&c->col, row))
    return NULL;
  return revl_intern_str(c->dict, c->col.cur[row]);
}

const char *revl_frame_cell_text(const revl_frame *f, int ci, size_t row,
                                 char *buf, size_t bufsize, size_t *len) {
  const revl_fcol *fc = f->cols[ci];
  const revl_column *c = &fc->col;
  const char *s = buf;
  if (!revl_col_valid(c, row)) {
    *len = 0;
    return "";
  }
  switch (c->type) {
  case REVL_T_STRING:
    *len = revl_intern_len(fc->dict, c->v.str[row]);
    return revl_intern_str(fc->dict, c->v.str[row]);
  case REVL_T_INT:
    if (bufsize >= 24) {
      *len = revl_i64_text(c->v.i64[row], buf);
      return buf;
    }
    snprintf(buf, bufsize, "%lld", (long long)c->v.i64[row]);
    break;
  case REVL_T_NUMBER: {
    double d = c->v.f64[row];
    /* revl_num_text (whole numbers by a digit loop), except that a frame
     * keeps "%g"'s "-0" */
    if (d == 0 && signbit(d)) snprintf(buf, bufsize, "-0");
    else revl_num_text(d, buf, bufsize);
    break;
  }
  case REVL_T_MONEY:
    revl_format_money(c->v.i64[row],
                      revl_currency_decimals(revl_intern_str(fc->dict, c->cur[row])),
                      0, buf, bufsize);
    break;
  case REVL_T_BOOL: s = c->v.b[row] ? "true" : "false"; break;
  case REVL_T_DATE: revl_format_date(c->v.date[row], buf, bufsize); break;
  case REVL_T_DATETIME: revl_format_datetime(c->v.i64[row], buf, bufsize); break;
  }
  *len = strlen(s);
  return s;
}

/* ---- from a view ------------------------------------------------------ */

/* Gather column src (of the field's holder table) into dst for the view's
 * rows, through the reference column via of the view's table. */
static void gather(revl_column *dst, const revl_column *src,
                   const revl_view *v, int via) {
  size_t sz = revl_type_size(src->type);
  char *out = dst->v.any;
  for (size_t i = 0; i < v->n; i++) {
    int64_t r = revl_field_row(v->t, via, revl_view_row(v, i));
    if (r >= 0 && revl_col_valid(src, (size_t)r)) {
      switch (sz) { /* a fixed-size move, not a memcpy call per cell */
      case 1: dst->v.b[i] = src->v.b[r]; break;
      case 4: dst->v.str[i] = src->v.str[r]; break;
      default: dst->v.i64[i] = src->v.i64[r]; break;
      }
      if (src->cur) dst->cur[i] = src->cur[r];
      dst->valid[i >> 6] |= 1ull << (i & 63);
    } else {
      memset(out + i * sz, 0, sz);
      if (dst->cur) dst->cur[i] = 0;
      dst->nnull++;
    }
  }
  dst->n = v->n;
}

int revl_frame_from_view(const revl_view *v, const char *const *fields,
                         const char *const *labels, int nfields,
                         revl_frame **out, revl_error *err) {
  *out = NULL;
  const revl_store *s = v->t->store;
  revl_frame *f = revl_frame_new(s);
  if (!f) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  int rc = 0;
  for (int k = 0; k < nfields; k++) {
    const revl_table *h;
    int via;
    int ci = revl_table_field(v->t, fields[k], &h, &via);
    if (ci < 0) {
      rc = revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "%s has no column '%s'%s",
                          v->t->name, fields[k], REVL_HINT(v->t, fields[k]));
      goto out;
    }
    const revl_column *src = h->cols[ci];
    int fi = revl_frame_add_col(f, labels && labels[k] ? labels[k] : fields[k],
                                src->type, s ? &s->strings : NULL);
    if (fi < 0) {
      rc = revl_error_set(err, fi, NULL, 0, 0, fi == REVL_EUSAGE
                          ? "column '%s' given twice" : "not enough memory",
                          fields[k]);
      goto out;
    }
    revl_column *dst = revl_frame_col(f, fi);
    if (revl_col_reserve(dst, v->n ? v->n : 1)) {
      rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
      goto out;
    }
    gather(dst, src, v, via);
  }
  f->nrows = v->n;
out:
  if (rc) revl_frame_free(f);
  else *out = f;
  return rc;
}
