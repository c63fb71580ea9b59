/*
 * loader.h -- the state of one file's load on the loading thread, shared
 * by ingest.c (header, values, rows), infer.c (types of custom fields,
 * probability scale, after the rows) and loadfile.c (the two threads and
 * revl_load_file).
 */
#ifndef REVL_LOADER_H
#define REVL_LOADER_H

#include "reader.h"

#include <time.h>

typedef struct loader {
  revl_store *s;
  revl_table *t;
  const revl_table_map *map;
  const char *path;
  int strict;
  int has_as_of;     /* the run's as-of date, for expand.c */
  int32_t as_of;
  revl_error *err;
  int rc;            /* first fatal error, stops the parse */

  /* the record being handled: a view into the batch it came in */
  const char *row;   /* field bytes, each NUL-terminated */
  const size_t *foff, *flen;
  const uint32_t *fhash; /* intern hash of each field, string columns only */
  const uint8_t *fst;    /* PRE_* per field when the reader typed the
                            record, else NULL */
  const value *fval; /* the values it parsed (PRE_OK) */
  const uint32_t *flid; /* chunk-local ids of its strings (chunk.c), or NULL */
  uint32_t *gmap;    /* the chunk's local id -> intern id, 0 not yet */
  int nf;
  long line;         /* line the record ended on */
  long rec_line;     /* line the record started on */

  int header_done;
  int ncsv;          /* fields in the header */
  int nslots;        /* ncsv, then one slot per derived column */
  int *target;       /* slot -> table column */
  uint8_t *isnull;   /* per slot, scratch for one row */
  value *vals;       /* per slot, scratch for one row */
  uint32_t *curs;    /* per slot: currency id of a money value */
  derived dv;        /* derive = {...} and types = {...} (xform.c) */
  uint8_t *drop;     /* row -> replaced by a later duplicate */
  size_t ndrop;
  char dup_example[600]; /* the first duplicate unlike its kept row */
  int *strcsv;       /* the csv columns loaded as strings */
  int nstrcsv;
  int cur_csv;       /* csv column of the currency field or -1 */
  int row_cur;       /* the current row's currency column has a value */
  char why[64];      /* a problem that needs its own words */
  uint32_t dec_cur;  /* the currency dec is for (0: none yet) */
  int dec;           /* its minor-unit digits */
  uint32_t def_cur;

  int pk_csv;        /* csv column of the primary key or -1 */
  uint32_t *keys;    /* primary keys seen: open addressing on intern ids */
  uint32_t *krows;   /* slot -> row holding that key */
  uint32_t kmask;
  size_t nkeys;
  uint64_t *pkbits;  /* intern id -> used as a key in this file */
  size_t pkwords;
  int dupmode;       /* a duplicate was seen: keys/krows are maintained */

  uint32_t *lines;   /* row -> line, for reports after the load */
  uint8_t *pct;      /* row -> probability was written with '%' */
  size_t caplines;

  nullset nulls;
  int prob_col;      /* table column of probability or -1 */
  int prob_csv;      /* its csv column */
  int prob_scale;    /* 0 auto, 1 or 100 (mapping, else preset) */
  int row_pct;       /* the current row's probability had a '%' */
  double prob_max;   /* largest probability written without '%' */
} loader;

#define REVL_LD_NDEFAULT_NULLS 6
extern const char *const revl_ld_default_nulls[REVL_LD_NDEFAULT_NULLS];

/* Handle the record ld points at: parse, intern, check keys, append or
 * reject (ingest.c). */
void revl_ld_on_record(loader *ld);
/* Handle the events of batch b from event `from` on, in order; lines in
 * b count from base + 1 (loadfile.c). */
void revl_ld_batch(loader *ld, batch *b, size_t from, long base);
/* What the reader (or a chunk's parser) needs to parse values, from
 * the header: r->kind (malloc'd), ncsv, cur_csv, def_dec, po, nulls.
 * 1, or 0 when there is nothing to type (loadfile.c). */
int revl_ld_schema(loader *ld, reader *r);
/* Size the columns, the row -> line map and the string table for a file
 * of fsize bytes from the done bytes that gave the rows so far. */
void revl_ld_reserve(loader *ld, size_t done, size_t fsize);

/* The progress line of a long load (when revl_load_progress is set):
 * start it before the first batch, show it after each (rows so far,
 * bytes done of size), end it after the last (loadfile.c). */
typedef struct revl_ld_progress {
  struct timespec t0, last;
  int shown;
} revl_ld_progress;
void revl_ld_progress_start(revl_ld_progress *p);
void revl_ld_progress_show(revl_ld_progress *p, const char *path, size_t rows,
                           size_t done, size_t size);
void revl_ld_progress_end(revl_ld_progress *p);
/* A large regular file loaded in chunks on nthreads threads (chunk.c):
 * 0 or a REVL_E* code (ld->rc, ld->err set), and *total the bytes
 * read; -1 when the file cannot be mapped (nothing done: load it the
 * usual way). */
int revl_ld_chunked(loader *ld, int fd, size_t fsize, int nthreads,
                    size_t *total);
/* Chunk starts for buf[from, n): bound[0] = from, then the first line
 * start (after a \n) at least size bytes after the previous one; the
 * count k of chunks is returned and bound[k] = n (max: room in bound
 * less one, at least 2). */
size_t revl_chunk_split(const char *buf, size_t n, size_t from, size_t size,
                        size_t *bound, size_t max);
int revl_online_cores(void); /* at least 1 */
/* Chunks merged, parsed again (a wrong guess) and of those met again
 * (the rest of the guess kept), by all chunked loads so far: what the
 * tests check they exercised. */
extern size_t revl_chunk_stats[3];
void revl_ld_nulls_add(nullset *ns, const char *tok);
/* Room for cap rows in the row -> line map.  0 or REVL_ENOMEM. */
int revl_ld_reserve_lines(loader *ld, size_t cap);
/* After the rows (infer.c): the probability scale, then the types of
 * the custom fields loaded as text.  0 or a REVL_E* code. */
int revl_ld_normalise_probability(loader *ld);
int revl_ld_infer_types(loader *ld);
/* expand = {...} of the mapping (expand.c): the subscriptions loaded,
 * one row each, become account-month rows.  0 or a REVL_E* code with
 * ld->err set. */
int revl_expand_periods(loader *ld);
/* The CSV column (1-based, 0: none) of table column ci, and the day of
 * row r of a date or date-time column (expand.c). */
int revl_ld_csv_col(const loader *ld, int ci);
int32_t revl_ld_day_of(const revl_column *c, size_t r);

/* The events of expand = { events = {...} } (events.c). */
enum { REVL_SUBEV_END, REVL_SUBEV_CHANGE };
typedef struct revl_subev {
  int32_t date;
  uint8_t kind;             /* REVL_SUBEV_* */
  uint8_t has_mrr, has_seats;
  int64_t mrr, seats;       /* from date on (a change) */
} revl_subev;
typedef struct revl_subevents {
  revl_subev *ev;           /* by subscription row, then date */
  uint32_t *first;          /* row r's: ev[first[r] .. first[r + 1]) */
  int32_t *end;             /* row r's end: its churn or cancel event, else
                               its end date, else INT32_MAX */
  int32_t last_day;         /* the latest event (INT32_MIN: none) */
  size_t nev;
} revl_subevents;
/* Match the events table of ld's map to the subscriptions loaded (start
 * column S, end E or NULL, mrr M) and check every event.  0 with *out
 * filled (free with revl_events_done), or a REVL_E* code with ld->err
 * set at the events file's line and column or the mapping's entry. */
int revl_events_read(loader *ld, const revl_column *S, const revl_column *E,
                     const revl_column *M, revl_subevents *out);
void revl_events_done(revl_subevents *ev);

#endif
