/*
 * frame.h -- result frames: named, typed columns computed by the core.
 *
 * A frame is what every metric, rule evaluator and group-by returns: a
 * row count and columns that reuse the store's column (revl_column: one
 * typed array, a validity bitmap, currency ids for money), grown by
 * doubling, so building a frame of a million rows allocates a few
 * dozen times, never per row.  Strings are intern ids: a column copied
 * from the store keeps the store's ids (dict = the store's table, no
 * copy, no hashing), text the frame makes itself (labels, reasons) is
 * interned in the frame's own table.  The first nkeys columns are the
 * frame's keys (the "by" columns of a metric, the keys of a group-by).
 *
 * Operations (src/frame/frame_ops.c): sort by columns, gather rows
 * (filter, limit), group by with aggregates over a hash of key ids,
 * hash join on keys, an index by a column; src/frame/frame_write.c
 * writes CSV and JSON Lines atomically.  Nothing here touches Lua; the
 * binding is src/lua/l_frame.c.
 */
#ifndef REVL_FRAME_H
#define REVL_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "revl/common.h"
#include "revl/store.h"

/* ---- views ------------------------------------------------------------ */

/* Rows of one table: rows[0..n) are row numbers of t, or rows == NULL
 * for all of t's rows (n == t->nrows).  What metrics and evaluators
 * read; a view never owns its rows. */
typedef struct revl_view {
  const revl_table *t;
  const uint32_t *rows;
  size_t n;
} revl_view;

static inline size_t revl_view_row(const revl_view *v, size_t i) {
  return v->rows ? v->rows[i] : i;
}
/* A view of every row of t. */
static inline revl_view revl_view_all(const revl_table *t) {
  revl_view v = {t, NULL, t ? t->nrows : 0};
  return v;
}

/* ---- frames ----------------------------------------------------------- */

/* How a value reads (REPL, reports); set by whoever made the column. */
typedef enum revl_display {
  REVL_DK_PLAIN = 0,
  REVL_DK_COUNT,
  REVL_DK_MONEY,
  REVL_DK_RATIO,    /* 0..1, shown as a percentage */
  REVL_DK_PERCENT,  /* already in percent */
  REVL_DK_MULTIPLE, /* coverage: 3.2x */
  REVL_DK_DAYS,
  REVL_DK_POINTS    /* scores: a whole number reads as an integer (90, 33.6) */
} revl_display;

/* "ratio", "multiple", ...; NULL for REVL_DK_PLAIN or an unknown kind. */
const char *revl_display_name(int kind);

typedef struct revl_fcol {
  revl_column col;         /* name, type, n, valid, v, cur (MONEY) */
  const revl_intern *dict; /* whose ids the STRING values and currencies are */
  int kind;                /* revl_display */
} revl_fcol;

typedef struct revl_frame {
  revl_fcol **cols;
  int ncols, capcols;
  size_t nrows;
  int nkeys;                 /* leading key columns */
  const revl_store *store;   /* strings of borrowed columns; may be NULL */
  revl_intern own;           /* strings the frame made */
  char *name;                /* what made it ("group_by", "win_rate"), or NULL */
  char *window;              /* a metric's window: "2025-10-01..2025-12-31",
                                "all", or NULL (not a metric) */
  char *window_note;         /* why that window when it is not the asked
                                one (a default moved back), or NULL */
} revl_frame;

/* New empty frame whose borrowed string columns use s's strings (s may
 * be NULL).  NULL when out of memory.  The caller owns the frame. */
revl_frame *revl_frame_new(const revl_store *s);
void revl_frame_free(revl_frame *f); /* NULL is a no-op */
/* Set the frame's name (copied).  0 or REVL_ENOMEM. */
int revl_frame_set_name(revl_frame *f, const char *name);
/* Set the frame's window text and note (copied; NULL clears).  0 or
 * REVL_ENOMEM. */
int revl_frame_set_window(revl_frame *f, const char *window, const char *note);

/* Add an empty column; dict NULL means the frame's own strings.  Returns
 * its index, or REVL_ENOMEM, or REVL_EUSAGE when the name is taken. */
int revl_frame_add_col(revl_frame *f, const char *name, revl_type type,
                       const revl_intern *dict);
/* Column by name, or -1. */
int revl_frame_col_index(const revl_frame *f, const char *name);
static inline revl_column *revl_frame_col(revl_frame *f, int i) {
  return &f->cols[i]->col;
}
/* Room for n rows in every column (one allocation each).  0 or ENOMEM. */
int revl_frame_reserve(revl_frame *f, size_t n);

/* Appending: columns are filled one value at a time with the inline
 * revl_col_push_* of store.h on revl_frame_col(f, i), or with these;
 * revl_frame_seal then checks that every column has the same length and
 * sets nrows (REVL_EUSAGE when they differ). */
int revl_frame_push_text(revl_frame *f, int ci, const char *s, size_t n);
int revl_frame_push_cstr(revl_frame *f, int ci, const char *s); /* NULL = null */
/* Money in a column whose dict is the frame's own: the currency code is
 * interned there. */
int revl_frame_push_money(revl_frame *f, int ci, int64_t minor,
                          const char *cur);
int revl_frame_seal(revl_frame *f);

/* Cells.  A string (or a money's currency) cell's text; NULL when null. */
const char *revl_frame_str(const revl_frame *f, int ci, size_t row);
const char *revl_frame_currency(const revl_frame *f, int ci, size_t row);
static inline int revl_frame_valid(const revl_frame *f, int ci, size_t row) {
  return revl_col_valid(&f->cols[ci]->col, row);
}
/* The cell as text, the way revl.write_csv writes it: "" for null,
 * integers in decimal, numbers in the shortest of %.15g/%.17g that reads
 * back the same, money as "1234.50" in its currency's decimals, dates
 * "YYYY-MM-DD", datetimes "YYYY-MM-DDTHH:MM:SSZ", booleans true/false.
 * buf (>= 64 bytes) may or may not be used; returns the text and its
 * length in *len. */
const char *revl_frame_cell_text(const revl_frame *f, int ci, size_t row,
                                 char *buf, size_t bufsize, size_t *len);

/* Copy field columns of a view into a new frame: fields are "col" or
 * "fk.col" names as revl_table_field reads them (through a reference the
 * value of the referenced row, null when the reference is broken);
 * labels[i] (NULL = the field name) names column i.  String columns keep
 * the store's ids.  REVL_EUSAGE (naming the field) for unknown fields. */
int revl_frame_from_view(const revl_view *v, const char *const *fields,
                         const char *const *labels, int nfields,
                         revl_frame **out, revl_error *err);

/* ---- operations (frame_ops.c) ----------------------------------------- */

typedef struct revl_sortkey {
  int col;
  int desc;
} revl_sortkey;

/* Sort the rows in place, stably, by keys[0..nk): nulls last (in either
 * direction), numbers/money/dates by value, strings by their bytes
 * (compared through a rank of the strings present, computed once),
 * booleans false < true.  Money of different currencies is ordered by
 * currency code, then amount. */
int revl_frame_sort(revl_frame *f, const revl_sortkey *keys, int nk,
                    revl_error *err);

/* New frame of rows[0..n) of f, in that order (rows may repeat).  Used
 * by filter and limit.  Same columns, keys, dicts and name. */
int revl_frame_take(const revl_frame *f, const uint32_t *rows, size_t n,
                    revl_frame **out, revl_error *err);
/* The first n rows (all when n >= nrows). */
int revl_frame_limit(const revl_frame *f, size_t n, revl_frame **out,
                     revl_error *err);
/* New frame with f's rows and columns, column from[i] named to[i]
 * (i < n): the renames apply together, so two columns can swap names.
 * REVL_EUSAGE (naming the nearest column) when a from[i] is not a
 * column, and when a new name is empty, given twice, or taken by a
 * column that keeps its name. */
int revl_frame_rename(const revl_frame *f, const char *const *from,
                      const char *const *to, int n, revl_frame **out,
                      revl_error *err);
/* The rows for which keep() returns > 0; keep() < 0 stops with that code
 * (it fills err itself). */
typedef int (*revl_frame_pred)(const revl_frame *f, size_t row, void *ctx,
                               revl_error *err);
int revl_frame_filter(const revl_frame *f, revl_frame_pred keep, void *ctx,
                      revl_frame **out, revl_error *err);

typedef enum revl_agg_kind {
  REVL_AGG_COUNT = 0, /* rows (col < 0) or non-null values of col */
  REVL_AGG_SUM,       /* INT, NUMBER, MONEY (exact, one currency per group) */
  REVL_AGG_AVG,       /* NUMBER result; MONEY: exact mean rounded half away */
  REVL_AGG_MIN,
  REVL_AGG_MAX,
  REVL_AGG_MEDIAN,
  REVL_AGG_PERCENTILE /* p in 0..100, linear between closest ranks */
} revl_agg_kind;

typedef struct revl_agg {
  int kind;         /* revl_agg_kind */
  int col;          /* input column, -1 for a row count */
  const char *name; /* output column */
  double p;         /* PERCENTILE */
} revl_agg;

/* Parse "count", "sum"...; -1 when unknown. */
int revl_agg_parse(const char *name);

/* One row per distinct tuple of keys[0..nk) (nulls form their own
 * group), the key columns first (same names, types and dicts), then one
 * column per aggregate.  Groups are found by hashing the keys' values
 * (string ids, not bytes) and come out in order of first appearance; with
 * sorted set, ordered by the keys as revl_frame_sort orders them.  Money
 * sums of mixed currencies in one group are REVL_EDATA naming the group
 * and the currencies. */
int revl_frame_group_by(const revl_frame *f, const int *keys, int nk,
                        const revl_agg *aggs, int na, int sorted,
                        revl_frame **out, revl_error *err);

/* Hash join: every row of l with the rows of r whose rkey equals its
 * lkey (string keys compare by text, so frames from different stores
 * join; ids when both use one dict).  The result has l's columns then
 * r's except rkey (a name l already has becomes "NAME_right").  left set:
 * rows of l without a match are kept once with r's columns null. */
int revl_frame_join(const revl_frame *l, int lkey, const revl_frame *r,
                    int rkey, int left, revl_frame **out, revl_error *err);

/* Index of a column: value -> first row holding it. */
typedef struct revl_frame_index revl_frame_index;
int revl_frame_index_new(const revl_frame *f, int col, revl_frame_index **out,
                         revl_error *err);
void revl_frame_index_free(revl_frame_index *ix);
/* Row of the first row whose value is s[0..n) (STRING) or v (INT, DATE,
 * BOOL, MONEY amount), or -1. */
int64_t revl_frame_index_str(const revl_frame_index *ix, const char *s,
                             size_t n);
int64_t revl_frame_index_i64(const revl_frame_index *ix, int64_t v);

/* ---- output (frame_write.c) -------------------------------------------- */

/* Write f to path (atomically, see csvw.h) as CSV with a header row, or
 * as JSON Lines (one object per row; null cells as null; numbers,
 * money and booleans bare; strings and dates quoted).  cols[0..ncols)
 * selects and orders the columns (NULL = all). */
int revl_frame_write_csv(const revl_frame *f, const char *path,
                         const int *cols, int ncols, revl_error *err);
int revl_frame_write_jsonl(const revl_frame *f, const char *path,
                           const int *cols, int ncols, revl_error *err);
/* The same into an open writer (revl/csvw.h), which it commits or, on
 * a bad column, aborts: for writers opened confined to a directory. */
struct revl_csvw;
int revl_frame_write_to(const revl_frame *f, struct revl_csvw *w,
                        const int *cols, int ncols, int json,
                        revl_error *err);
/* The rows of a store view the same way (v:to_csv, v:to_jsonl): cols
 * are columns of v->t (NULL = all); money as its amount, numbers in the
 * shortest text that reads back, dates ISO.  Only the rows: w stays open
 * (the caller commits or aborts it); non-zero for a bad column. */
int revl_view_write_to(const revl_view *v, struct revl_csvw *w, const int *cols, int ncols,
                       int json, revl_error *err);
/* Only the rows, into w, which stays open (the caller commits or
 * aborts it); non-zero for a bad column. */
int revl_frame_write_rows(const revl_frame *f, struct revl_csvw *w,
                          const int *cols, int ncols, int json, revl_error *err);

#endif
