/*
 * ingest.h -- loading CSV exports into a store.
 *
 * A data directory holds any of the well-known files (accounts.csv,
 * deals.csv, ...) plus, optionally, mapping.lua.  Each file streams
 * through libcsv into column builders; headers are mapped to canonical
 * fields by a preset (generic, salesforce, hubspot) and the mapping file.
 * Row-level problems reject the row (default) or stop the load (strict).
 */
#ifndef REVL_INGEST_H
#define REVL_INGEST_H

#include "revl/common.h"
#include "revl/parse.h"
#include "revl/store.h"

enum { REVL_PRESET_GENERIC = 0, REVL_PRESET_SALESFORCE, REVL_PRESET_HUBSPOT };

#define REVL_MAX_NULLS 32

/* What happens to a row whose primary key an earlier row has: rejected
 * (the first row stays), the load stops, it is kept under a generated
 * key "KEY#LINE", or it replaces the earlier row (which is rejected). */
enum { REVL_DUP_FIRST = 0, REVL_DUP_ERROR, REVL_DUP_KEEP, REVL_DUP_LAST };

struct revl_derive;
struct revl_coltype;

/* How one table is read: from the mapping file and its defaults. */
typedef struct revl_table_map {
  char name[64];        /* table name */
  char *file;           /* file name, relative to the data dir */
  int preset;           /* REVL_PRESET_* */
  int npairs;
  char **rename_from;   /* CSV header as written */
  char **rename_to;     /* canonical or custom name */
  char *key;            /* primary-key column (after renames) or NULL */
  int nrefs;
  char **ref_col;       /* foreign-key column */
  char **ref_target;    /* "column" or "table.column" */
  int nrefby;           /* referenced_by = { deals = "lead_id" }: a link */
  char **refby_table;   /*   declared on the parent's side: that column */
  char **refby_col;     /*   of that table refers to this table's key */
  int *refby_pos;       /*   line, col of each entry in the mapping */
  revl_parse_opts popts;
  char currency[4];     /* default currency, "" = store default */
  int nnulls;           /* tokens read as null, see null_replace */
  char *nulls[REVL_MAX_NULLS];
  int null_replace;     /* 1: nulls replace the defaults; 0: added to them */
  int dup_policy;       /* REVL_DUP_*: a row repeating a primary key */
  int nconsts;          /* constants = { field = "value" } */
  char **const_name;    /* a column the file lacks, added to every row */
  char **const_value;
  int prob_scale;       /* 0 auto, 1 or 100 */
  int nstages;
  char **stage_name;    /* stage -> outcome */
  char *stage_outcome;  /* 'w' won, 'l' lost, 'o' open */
  char delimiter;       /* 0 = ',' */
  int nderive;          /* derive = { field = { from = ..., ... } } */
  struct revl_derive *derive;
  int ntypes;           /* types = { column = "integer", ... } */
  struct revl_coltype *types;
  char *exp_start;      /* expand = { start = ..., ["end"] = ..., every = */
  char *exp_end;        /*   "month" }: one row per subscription becomes */
  int exp_line, exp_col; /*  account-month rows (expand.c); NULL: none */
  int exp_sline, exp_scol, exp_eline, exp_ecol; /* start and end entries */
  /* expand = { events = { table = ..., key = ..., id = ..., date = ...,
   * kind = ..., mrr = ..., seats = ... } }: the subscriptions' events
   * (events.c).  ev[REVL_EV_*]: the names (NULL: not given; table NULL:
   * no events), ev_line/ev_col where each is written (0: defaulted). */
  char *ev[7];
  int ev_line[7], ev_col[7];
  int ev_source_lines;  /* this table holds some expand's events: the
                           load adds source_line (the row's CSV line) */
  char *mapfile;        /* the mapping file, for errors found at load */
  int file_line, file_col; /* where file = ... is written in it */
} revl_table_map;

enum { REVL_EV_TABLE, REVL_EV_KEY, REVL_EV_ID, REVL_EV_DATE, REVL_EV_KIND,
       REVL_EV_MRR, REVL_EV_SEATS };

typedef struct revl_mapping {
  revl_table_map *tables;
  int ntables;
  revl_table_map defaults; /* top-level options */
  struct revl_mapfn *fn;   /* the Lua state of derive functions, or NULL */
} revl_mapping;

/* Read a mapping file (a Lua chunk returning a table) with a bare Lua
 * state.  Fills *m; caller frees with revl_mapping_done.  Errors carry
 * the file and line. */
int revl_mapping_read(const char *path, revl_mapping *m, revl_error *err);
void revl_mapping_done(revl_mapping *m);
int revl_preset_from_name(const char *name);
const char *revl_preset_name(int preset);

typedef struct revl_load_opts {
  const char *data_dir;
  const char *map_file;  /* NULL: <data_dir>/mapping.lua when present */
  int strict;            /* first problem stops the load */
  const char *out_dir;   /* rejects go to <out_dir>/rejects/; NULL: none */
  const char *const *tables; /* "NAME=PATH" (PATH "-": stdin), each one */
  int ntables;               /* table from its own file (--table) */
  int quiet;             /* alerts stay in the tables' notes, not on stderr */
  int no_cache;          /* parse even when the snapshot cache is on */
  int lazy;              /* open only: each table loads on first use */
  int has_as_of;         /* 1: as_of is the run's as-of date */
  int32_t as_of;         /* days since 1970-01-01: open subscriptions of
                            an expand run through its month, and later
                            starts make no rows (docs/mapping.md);
                            has_as_of 0: the file's last month */
} revl_load_opts;

/* Load every known (and any other *.csv) file of o->data_dir into s,
 * the tables of o->tables from their own files instead (data_dir may
 * then be NULL).  With o->lazy the directory is only opened: the
 * mapping is read and every file found, and each table is parsed when
 * revl_store_table (or revl_store_need) first asks for it, the tables
 * it refers to with it; revl_store_load_all loads the rest.
 * Returns 0, or a REVL_E* code with err filled (file-level problems, or
 * any problem in strict mode). */
int revl_load_dir(revl_store *s, const revl_load_opts *o, revl_error *err);

/* Load one CSV file as table `name` with the given map (NULL: defaults
 * for that table).  Links are not resolved; see revl_store_link_all. */
int revl_load_file(revl_store *s, const char *name, const char *path,
                   const revl_table_map *map, int strict, revl_error *err);
/* The same with the run's as-of date (borrowed; NULL: none), which an
 * expand = {...} of the map reads (src/ingest/expand.c). */
int revl_load_file_at(revl_store *s, const char *name, const char *path,
                      const revl_table_map *map, int strict,
                      const int32_t *as_of, revl_error *err);

/* Which thread parses values while a file loads: -1 (the default)
 * shares the work between the reading and the loading thread as they
 * go, 0 leaves it all to the loading thread, 1 gives it to the reading
 * thread whenever it can.  The store comes out the same either way;
 * tests set it to check that. */
extern int revl_load_typing;

/* Threads a large file loads on (--threads N): 0 (the default) is the
 * number of online cores; 1 reads on one reader thread and one loading
 * thread only, as for small files.  Results never depend on it. */
extern int revl_load_threads;

/* Threads a large file's content hash and a snapshot's checksum run on:
 * --threads N, else every core this process may use (hashing shares no
 * state, so it gains on 2 cores where the chunked load does not). */
int revl_hash_threads(void);

/* Bytes per chunk of a file loaded on several threads (0: the default,
 * 1 MiB); set, it also loads small files in chunks.  Tests make it tiny
 * so that chunk boundaries fall everywhere. */
extern size_t revl_load_chunk;

/* 1: a file that takes more than about a second to load shows a
 * progress line on stderr (rows, MB/s, time left), erased at the end.
 * 0 (the default); the CLI sets it when stderr is a terminal. */
extern int revl_load_progress;
/* Seconds a load runs before its progress line shows (1.0; tests set 0
 * through REVL_PROGRESS_AFTER, a testing knob). */
extern double revl_load_progress_after;

/* Resolve the foreign keys of all well-known tables present in s. */
int revl_store_link_all(revl_store *s, const revl_mapping *m);

/* Write <out_dir>/rejects/<table>.csv for each table with rejects. */
int revl_write_rejects(const revl_store *s, const char *out_dir,
                       revl_error *err);

/* ---- schema of the well-known tables ------------------------------- */

typedef struct revl_field_def {
  const char *name;
  revl_type type;
  int required;
  const char *ref;      /* target table of a foreign key, or NULL */
} revl_field_def;

typedef struct revl_table_def {
  const char *name;
  const revl_field_def *fields;
  int nfields;
  const char *pk;       /* primary key field or NULL */
} revl_table_def;

const revl_table_def *revl_table_def_find(const char *name);
extern const revl_table_def revl_table_defs[];
extern const int revl_ntable_defs;

/* Canonical field of table for a CSV header under a preset, or NULL. */
const char *revl_preset_field(int preset, const char *table,
                              const char *header);

/* A header as revl compares it: letters and digits, lower case
 * ("Deal Value (EUR)" -> dealvalueeur). */
void revl_header_norm(const char *h, char *out, size_t size);
/* The word of header that suggests field of table to `revl init`
 * ("Deal Value (EUR)" has "value" for deals.amount), or NULL.  With the
 * synonyms of revl_preset_field, the one list of header words. */
const char *revl_field_keyword(const char *table, const char *field,
                               const char *header);

/* The custom column name revl gives a header: snake_case ("Lead Score"
 * -> lead_score, "UserRoleId" -> user_role_id, "# of Seats" -> of_seats);
 * bytes of UTF-8 letters are kept; empty when nothing is left.  What
 * the load names a custom column, and what `revl init` writes. */
void revl_snake_case(const char *h, char *out, size_t size);

#endif
