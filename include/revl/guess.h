/*
 * guess.h -- a mapping guessed from an export directory (`revl init`).
 *
 * Three steps: a sample of every CSV file is read
 * (src/ingest/guess_read.c: the header and the first rows, with CSV
 * errors at their line and column), the samples are guessed (pure:
 * src/ingest/guess.c, which well-known table each file is, which column
 * is which canonical field, the date order, null placeholders;
 * src/ingest/guess_links.c, what looks across files: custom tables and
 * their keys, references, events files, duplicates; each guess with its
 * confidence and evidence), and a commented mapping file is written from
 * the guesses (src/ingest/guess_write.c).  The written file uses only
 * options src/ingest/mapping.c reads, so revl loads it unchanged.
 */
#ifndef REVL_GUESS_H
#define REVL_GUESS_H

#include <stddef.h>

#include "revl/common.h"

#define REVL_GUESS_SAMPLE 2000 /* data rows read per file */

/* What the values of a column read as. */
enum { REVL_GK_NONE = 0, /* every value null */
       REVL_GK_TEXT, REVL_GK_BOOL, REVL_GK_INT, REVL_GK_NUMBER,
       REVL_GK_MONEY, REVL_GK_DATE, REVL_GK_DATETIME };

/* The header and the first rows of one file.  Cells live in one text
 * buffer: cell (r, j) is at text + off[r * ncols + j], or absent (a
 * ragged row) when off is (size_t)-1. */
typedef struct revl_guess_sample {
  int ncols;
  char **headers;     /* trimmed; "" for an empty header */
  size_t nrows;       /* data rows sampled */
  int more;           /* 1: the file has rows after the sample */
  char delimiter;     /* ',' or what the header line is split by */
  char *text;
  size_t *off;
  size_t ntext, captext, capoff;
} revl_guess_sample;

/* One column's guess. */
typedef struct revl_guess_col {
  const char *header; /* borrowed from the sample */
  int kind;           /* REVL_GK_* most non-null values read as */
  int kind_pct;       /* their share of the non-null values, 0..100 */
  int null_pct;       /* share of null values */
  int unique;         /* 1: the non-null values are all different */
  char date_order;    /* slashed dates: 'M' m/d/Y, 'D' d/m/Y, 0 unknown */
  char decimal;       /* ',': the numbers read only with a decimal comma */
  int eu_ok;          /* 1: every value also reads with a decimal comma */
  char field[64];     /* canonical field of the file's table, "" none */
  int conf;           /* confidence of field, 0..100 */
  char why[200];      /* the evidence for field (or against it) */
  char name[128];     /* name to rename the header to ("" keep it) */
  char datefmt[12];   /* dates the loader reads only by a format: "d.m.Y",
                         "Y-m" (months), "d-b-Y", ... ("" none) */
  char scale[12];     /* a money field in units the header names:
                         "1000000" for "Revenue (M)", "1000" for "(k)" */
  int only01;         /* every value is 0 or 1 */
  int lead0;          /* some integer has a leading zero ("007") */
  char type[48];      /* custom column: a types = {...} entry, as Lua */
  int type_conf;
  char type_why[120];
} revl_guess_col;

/* A link from a column of a file to another table's key. */
typedef struct revl_guess_ref {
  int col;            /* the column of this file */
  char target[64];    /* the table it refers to */
  char tcol[64];      /* that table's key column, as loaded ("id") */
  int conf;
  char why[200];
} revl_guess_ref;

#define REVL_GUESS_MAXREFS 8
#define REVL_GUESS_MAXNULLS 4

/* One file's guess. */
typedef struct revl_guess_file {
  char file[256];     /* name in the directory */
  char table[64];     /* well-known table, "" when not classified */
  int conf;           /* confidence of table, 0..100 */
  char why[240];      /* evidence for table, or why none */
  char best[64];      /* unclassified: the nearest table, "" none */
  char date_format[8];/* "d/m/Y" when its slashed dates read so, else "" */
  char date_why[160];
  char decimal[2];    /* "," when its numbers have a decimal comma */
  char decimal_why[160];
  char currency[4];   /* "EUR" when a money field's header names it */
  char currency_why[160];
  int fixed;          /* 1: named TABLE.csv, which revl reads as TABLE */
  char missing[128];  /* fixed: required fields without a column, "a, b" */
  int ncols;
  revl_guess_col *cols;
  char exp_start[128];/* subscriptions as intervals (one row per */
  char exp_end[128];  /*   subscription): the start and end headers */
  char exp_why[200];  /*   ("" none), written as expand = {...} */
  int nwon, nlost;    /* deals: stage values that look won / lost */
  char **won, **lost; /* (borrowed from the sample) */
  /* placeholders read as null here besides the defaults (null_add) */
  int nnulls;
  char nulls[REVL_GUESS_MAXNULLS][24];
  char null_why[160];
  /* a required field the file lacks, given as a constant: a file of won
   * deals without a stage column (constants = { stage = "Closed Won" }) */
  char const_field[32], const_value[32], const_why[160];
  /* an unclassified file as a custom table (tables = {...}): its name,
   * and its key column (-1 none, renamed "id") */
  char custom[64];
  int key;
  int key_conf;
  char key_why[160];
  /* references from its columns to other tables' keys */
  int nrefs;
  revl_guess_ref refs[REVL_GUESS_MAXREFS];
  /* duplicates policy when the key repeats: "last" ("" the default) */
  char dup[8];
  int dup_conf;
  char dup_why[200];
  /* a file of subscription changes (one row per churn, downgrade...):
   * its columns, -1 none; on the subscriptions file, the events file
   * (index in the directory, -1 none) and the column its ids name */
  int events;
  int ev_id, ev_date, ev_kind, ev_mrr, ev_seats;
  int ev_file;
  char ev_key[64];
  char ev_why[200];
  revl_guess_sample sample;
} revl_guess_file;

/* ---- sampling (guess_read.c) --------------------------------------- */

/* Read the header and up to max_rows data rows of the CSV file at path.
 * A row libcsv cannot parse (a stray quote) is skipped with a warning
 * on stderr naming its line and column, as the loader rejects it; a
 * file that cannot be read at all (missing, empty, binary, a quote
 * never closed) is an error.  0, or a REVL_E* code with err at
 * path:line:col.  Free with revl_guess_sample_done. */
int revl_guess_sample_read(revl_guess_sample *s, const char *path,
                           size_t max_rows, revl_error *err);
void revl_guess_sample_done(revl_guess_sample *s);
/* Cell (r, j) and its length, or NULL when absent. */
const char *revl_guess_cell(const revl_guess_sample *s, size_t r, int j);

/* ---- guessing (guess.c) -------------------------------------------- */

/* Guess every file of files[0..n) (their sample and file set): the
 * columns' kinds, each file's table (a table is given to one file at
 * most; a file named TABLE.csv is that table), each column's field.
 * 0, or REVL_ENOMEM. */
int revl_guess_files(revl_guess_file *files, int n);
/* 1 when v reads as null in file f: a default null token or one of the
 * placeholders guessed for f. */
int revl_guess_is_null(const revl_guess_file *f, const char *v);

/* 1 when the normalised header h has one of words in it. */
int revl_guess_header_has(const char *h, const char *const *words);
/* 1 for an id-like header: "... ID", "... Number", "Opp #". */
int revl_guess_header_idish(const char *h);

/* ---- guesses across files (guess_links.c) --------------------------- */

/* Before tables are given out: 1 when f is a file of subscription
 * changes (a kind column of churn/cancel/downgrade/upgrade values, a
 * date, an id, a new MRR or seats), with its ev_* columns set. */
int revl_guess_events_file(revl_guess_file *f);
/* After: the custom tables (name, key), the references between files by
 * header and values, the events file attached to the subscriptions, and
 * the duplicates policy of a table whose key repeats.  0 or REVL_ENOMEM. */
int revl_guess_links(revl_guess_file *files, int n);

/* Free what revl_guess_files and the sample hold. */
void revl_guess_file_done(revl_guess_file *f);


/* ---- writing (guess_write.c) --------------------------------------- */

/* The mapping file for the guesses, as text (caller frees), for the data
 * directory shown as dir.  NULL when out of memory. */
char *revl_guess_mapping_text(const revl_guess_file *files, int n,
                              const char *dir);

#endif
