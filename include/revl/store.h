/*
 * store.h -- typed columnar tables of CRM data.
 *
 * A store owns tables; a table owns columns.  Every column is one typed
 * array plus a validity bitmap, grown by doubling (no per-row
 * allocation).  Strings are interned once per store, so equality and
 * group-by are integer work.  Tables have a primary-key index and
 * foreign keys resolved to row numbers with a reverse (CSR) index.
 */
#ifndef REVL_STORE_H
#define REVL_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "revl/common.h"

typedef enum revl_type {
  REVL_T_STRING = 0,
  REVL_T_INT,
  REVL_T_NUMBER,
  REVL_T_MONEY,
  REVL_T_BOOL,
  REVL_T_DATE,
  REVL_T_DATETIME
} revl_type;

const char *revl_type_name(revl_type t);
/* Bytes of one value of type t in a column's array. */
size_t revl_type_size(revl_type t);

/* ---- string interning ---------------------------------------------- */

/* Id 0 is reserved and never names a string. */
typedef struct revl_intern {
  char *bytes;       /* records [id][len][bytes][NUL], 4-byte aligned */
  size_t nbytes, capbytes;
  uint32_t *off;     /* id -> offset of the string's bytes */
  uint32_t n, cap;   /* ids in use (including 0) */
  uint64_t *slots;   /* open addressing: hash << 32 | record / 4 */
  uint32_t mask;
  int mapped;        /* bytes, off and slots point into a snapshot the
                        store maps read-only (cap == n, capbytes ==
                        nbytes): copied to the heap before a change */
} revl_intern;

void revl_intern_init(revl_intern *in);
void revl_intern_done(revl_intern *in);
/* Id of s[0..n), added when new; 0 on allocation failure. */
uint32_t revl_intern_add(revl_intern *in, const char *s, size_t n);
/* The hash revl_intern_add uses; with revl_intern_prefetch a loader can
 * start the slot's cache miss early and overlap several of them. */
uint32_t revl_intern_hash(const char *s, size_t n);
void revl_intern_prefetch(const revl_intern *in, uint32_t h);
/* Second stage, once the slot is in cache: fetch the string it points
 * at when the hash matches, so the comparison does not wait for it. */
void revl_intern_prefetch_rec(const revl_intern *in, uint32_t h);
uint32_t revl_intern_add_h(revl_intern *in, const char *s, size_t n,
                           uint32_t h);
/* Make room for `more` new strings without rehashing.  0 or ENOMEM. */
int revl_intern_reserve(revl_intern *in, size_t more);
/* Id of s[0..n) or 0 when the string was never interned. */
uint32_t revl_intern_find(const revl_intern *in, const char *s, size_t n);
/* The string of an id (NUL-terminated) and its length in bytes. */
static inline const char *revl_intern_str(const revl_intern *in, uint32_t id) {
  return in->bytes + in->off[id];
}
uint32_t revl_intern_len(const revl_intern *in, uint32_t id);
size_t revl_intern_memory(const revl_intern *in);
/* dst (uninitialised) becomes a copy of src with the same ids.  0 or
 * REVL_ENOMEM (dst is then empty). */
int revl_intern_copy(revl_intern *dst, const revl_intern *src);
/* A mapped table (see `mapped`) copied to the heap, same ids and slots;
 * a no-op for one already there.  0 or REVL_ENOMEM (in unchanged). */
int revl_intern_own(revl_intern *in);

/* ---- columns ------------------------------------------------------- */

typedef struct revl_table revl_table;

typedef struct revl_column {
  char *name;
  char *label;        /* the export's header when name was made from it
                         ("Lead Score" -> lead_score), else NULL */
  revl_type type;
  int canonical;      /* a DESIGN.md field of a well-known table */
  int required;       /* rows without a value are rejected */
  size_t n, cap;
  uint64_t *valid;    /* bit i set = row i has a value */
  union {
    int64_t *i64;     /* INT, MONEY (minor units), DATETIME (UTC s) */
    double *f64;      /* NUMBER */
    uint32_t *str;    /* STRING: intern ids */
    int32_t *date;    /* DATE: days since epoch */
    uint8_t *b;       /* BOOL */
    void *any;
  } v;
  uint32_t *cur;      /* MONEY: intern id of each row's currency */
  size_t nnull;       /* rows without a value */
  size_t nbad;        /* values that failed to parse and became null */
  /* foreign key */
  revl_table *ref;    /* target table or NULL */
  int ref_col;        /* target column (unique) */
  int32_t *ref_row;   /* row in ref, -1 when null or broken */
  size_t nbroken;     /* non-null values with no target row */
  uint32_t *rev_off;  /* CSR: rows of this table per target row */
  uint32_t *rev_rows;
  uint32_t broken_example; /* intern id of a broken value, for reports */
  int mapped;         /* valid, v and cur point into a snapshot the store
                         maps read-only (cap == n): never freed, grown or
                         written; revl_col_own copies them first */
} revl_column;

static inline int revl_col_valid(const revl_column *c, size_t row) {
  return (int)((c->valid[row >> 6] >> (row & 63)) & 1);
}

/* Room for n rows in all.  0 or REVL_ENOMEM. */
int revl_col_reserve(revl_column *c, size_t n);
/* Append a null to c.  Returns 0 or REVL_ENOMEM. */
int revl_col_push_null(revl_column *c);
/* Room for one more row (doubling).  0 or REVL_ENOMEM. */
int revl_col_grow1(revl_column *c);
/* A mapped column's arrays copied to the heap (copy on write), with room
 * for at least cap rows; a no-op for a column already there.  Every
 * path that frees, grows or writes a column's arrays goes through it
 * (col_grow, retype, filter, free).  0 or REVL_ENOMEM (c unchanged). */
int revl_col_own(revl_column *c, size_t cap);

/* Appending a value is inline, since loading calls it for every field:
 * room for the row (growth out of line), its valid bit, then the value. */
static inline int revl_col_room_(revl_column *c) {
  if (c->n == c->cap && revl_col_grow1(c)) return 0;
  c->valid[c->n >> 6] |= 1ull << (c->n & 63);
  return 1;
}
static inline int revl_col_push_i64(revl_column *c, int64_t v) {
  if (!revl_col_room_(c)) return REVL_ENOMEM;
  c->v.i64[c->n++] = v;
  return 0;
}
static inline int revl_col_push_f64(revl_column *c, double v) {
  if (!revl_col_room_(c)) return REVL_ENOMEM;
  c->v.f64[c->n++] = v;
  return 0;
}
static inline int revl_col_push_str(revl_column *c, uint32_t id) {
  if (!revl_col_room_(c)) return REVL_ENOMEM;
  c->v.str[c->n++] = id;
  return 0;
}
static inline int revl_col_push_date(revl_column *c, int32_t v) {
  if (!revl_col_room_(c)) return REVL_ENOMEM;
  c->v.date[c->n++] = v;
  return 0;
}
static inline int revl_col_push_bool(revl_column *c, int v) {
  if (!revl_col_room_(c)) return REVL_ENOMEM;
  c->v.b[c->n++] = (uint8_t)(v != 0);
  return 0;
}
static inline int revl_col_push_money(revl_column *c, int64_t minor,
                                      uint32_t cur) {
  if (!revl_col_room_(c)) return REVL_ENOMEM;
  c->cur[c->n] = cur;
  c->v.i64[c->n++] = minor;
  return 0;
}

/* Bytes used by the column's arrays and indexes. */
size_t revl_col_memory(const revl_column *c);

/* ---- tables -------------------------------------------------------- */

struct revl_table {
  char *name;
  char *file;            /* source file, "" when built in memory */
  size_t nrows;
  revl_column **cols;
  int ncols, capcols;
  int nlabels;        /* columns with a label */
  uint32_t *colslots;    /* name hash -> column index + 1 */
  uint32_t colmask;
  int pk;                /* primary-key column or -1 */
  /* unique index on a string column: intern id -> row */
  struct revl_uindex {
    int col;
    uint32_t *keys, *rows, mask;
    size_t ndup;         /* rows whose value repeats an earlier row */
  } *uidx;
  int nuidx;
  /* load report */
  size_t nrejected;
  size_t nduplicate;
  struct revl_reject *rejects;  /* first REVL_REJECTS_KEPT */
  size_t nrejects_kept;
  size_t ndup_differ;    /* rejected duplicates unlike the kept row */
  size_t ndup_same;      /* rejected duplicates equal to it */
  char **warnings;
  int nwarnings;
  int *alerts;           /* warnings also said on stderr at load */
  int nalerts;
  struct revl_store *store;
};

#define REVL_REJECTS_KEPT 10000

typedef struct revl_reject {
  long line, col;
  char reason[160];
  char *record;          /* the row re-encoded as CSV */
} revl_reject;

/* The funnel order of one stage field (revl/stage_order.h): its values
 * as intern ids of the store's strings, first stage first. */
typedef struct revl_stage_order {
  char *table, *field;
  uint32_t *ids;
  int n;
  char *source; /* what declared it: "mapping.lua", "funnel 'x'" */
} revl_stage_order;

/* Tables a store knows but has not loaded yet (docs/decisions.md "Tables
 * load on first use").  The loader that opened the directory fills it
 * (revl_load_dir with lazy = 1): load(s, ctx, name, err) parses one
 * pending table into s, or returns 0 doing nothing when name is not
 * pending; done(ctx) frees ctx with the store. */
typedef struct revl_store_lazy {
  int (*load)(struct revl_store *s, void *ctx, const char *name, revl_error *err);
  void (*done)(void *ctx);
  void *ctx;
  char **names; /* every table of the directory, loaded or not, in load order */
  int nnames;
} revl_store_lazy;

typedef struct revl_store {
  revl_intern strings;
  revl_table **tables; /* the loaded ones, in the order they loaded */
  int ntables, captables;
  uint32_t default_currency; /* intern id, "USD" unless mapped */
  revl_stage_order *stage_orders; /* one per (table, field), declared */
  int nstage_orders;
  revl_store_lazy lazy;
  int load_rc;          /* a first-use load failed: its code (sticky) */
  revl_error load_err;  /*   and the last such error */
  /* snapshots mapped by restores (src/ingest/cache.c): columns and the
   * string table may point into them; unmapped by revl_store_free */
  struct revl_snapmap {
    void *p;
    size_t n;
  } *maps;
  int nmaps;
} revl_store;

revl_store *revl_store_new(void);
void revl_store_free(revl_store *s); /* NULL is a no-op */
/* The store keeps the mapping p[0..n) (mmap'd) until it is freed.  0 or
 * REVL_ENOMEM (not kept: the caller unmaps it). */
int revl_store_keep_map(revl_store *s, void *p, size_t n);
/* Unmap and forget the mapping last kept, when nothing points into it
 * (a restore that found the snapshot invalid). */
void revl_store_drop_map(revl_store *s, void *p);

/* Table by name or NULL.  A table the directory has but that is not
 * loaded yet loads now (the store is logically const: the table was
 * always there).  When that load fails the result is NULL, the failure
 * is kept in s->load_rc / s->load_err (a run that saw one fails), and
 * every later ask for that table fails the same way; callers that can
 * report it use revl_store_need. */
revl_table *revl_store_table(const revl_store *s, const char *name);
/* Free the loaded table name and take it out of s (what a failed
 * parse left half-built).  No table of s may link to it yet. */
void revl_store_drop(revl_store *s, const char *name);
/* The loaded table by name or NULL; never loads. */
revl_table *revl_store_loaded(const revl_store *s, const char *name);
/* Table by name for a computation: 0 with *out set (NULL when the store
 * has no such table), or the code of a failed load with err filled. */
int revl_store_need(const revl_store *s, const char *name, revl_table **out,
                    revl_error *err);
/* Load every table not loaded yet, in the directory's order. */
int revl_store_load_all(revl_store *s, revl_error *err);
/* Whether a first-use load failed: its code, or 0; err gets the last
 * such error. */
int revl_store_failed(const revl_store *s, revl_error *err);
/* Every table of the store, loaded or not, by index 0 .. count - 1:
 * the directory's tables in its order, then tables added by hand. */
int revl_store_count(const revl_store *s);
const char *revl_store_name(const revl_store *s, int i);
/* New empty table owned by s; fails (NULL) when the name is taken. */
revl_table *revl_store_add_table(revl_store *s, const char *name,
                                 const char *file);

/* Column index by name in O(1), or -1. */
int revl_table_col(const revl_table *t, const char *name);
/* The reference column of t to target with a reverse index: the one
 * named name (-1 when it is not such a column), else the first; -1 when
 * there is none. */
int revl_table_fk_to(const revl_table *t, const revl_table *target, const char *name);
static inline revl_column *revl_table_column(const revl_table *t,
                                             const char *name) {
  int i = revl_table_col(t, name);
  return i < 0 ? NULL : t->cols[i];
}
/* " (did you mean 'x'?)" naming t's column (or "fk.col" field) nearest
 * to a name t does not have, or "" when none is close; returns buf. */
const char *revl_table_hint(const revl_table *t, const char *name, char *buf,
                            size_t size);
#define REVL_HINT(t, name) revl_table_hint((t), (name), (char[160]){0}, 160)
/* "col" or "fk.col" (or "fk_id" spelled "fk") on t: the column index in
 * *holder, reached through FK column *via of t (-1 when on t itself);
 * -1 when there is no such field. */
int revl_table_field(const revl_table *t, const char *name,
                     const revl_table **holder, int *via);
/* Row of the field's holder for row `row` of t (-1 when the reference
 * is null or broken). */
static inline int64_t revl_field_row(const revl_table *t, int via, size_t row) {
  return via < 0 ? (int64_t)row : (int64_t)t->cols[via]->ref_row[row];
}

/* Add a column (name copied); returns its index or a negative code. */
int revl_table_add_col(revl_table *t, const char *name, revl_type type);
/* Replace column i's data with an empty column of another type. */
int revl_table_retype_col(revl_table *t, int i, revl_type type);
/* Rename column i (fails when the name is taken). */
int revl_table_rename_col(revl_table *t, int i, const char *name);
/* Keep label (the export's header) on column i; revl_table_col finds
 * the column by it too. */
int revl_table_set_label(revl_table *t, int i, const char *label);
/* A warning that the load also writes to stderr (revl_load_dir): a
 * problem a reader of the numbers must not miss. */
void revl_table_add_alert(revl_table *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void revl_table_add_warning(revl_table *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void revl_table_add_reject(revl_table *t, long line, long col,
                           const char *reason, const char *record,
                           size_t reclen);

/* Unique index over string column col (built on first use; rows with
 * repeated values keep the first).  Returns the index or NULL on
 * allocation failure. */
struct revl_uindex *revl_table_uindex(revl_table *t, int col);
/* Row whose column col equals the interned id, or -1. */
int64_t revl_uindex_get(const struct revl_uindex *u, uint32_t id);
/* Row by primary key text, or -1. */
int64_t revl_table_find(revl_table *t, const char *key, size_t n);

/* Resolve foreign key column c of t against column tcol of target:
 * fills ref_row, nbroken and the reverse index.  0 or REVL_ENOMEM. */
int revl_table_link(revl_table *t, int c, revl_table *target, int tcol);

/* Bytes used by the table (columns, indexes). */
size_t revl_table_memory(const revl_table *t);

/* Keep only rows with keep[row] != 0 (used to drop duplicate keys).  0 or
 * REVL_ENOMEM (a mapped column could not be copied; t unchanged). */
int revl_table_filter_rows(revl_table *t, const uint8_t *keep);

#endif
