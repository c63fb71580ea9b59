/*
 * reader.h -- the reading thread of a CSV load (reader.c) and what it
 * hands the loading thread (ingest.c): batches of whole records, in file
 * order, through a ring of reused buffers.
 */
#ifndef REVL_READER_H
#define REVL_READER_H

#include "mapint.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define MAX_STRING (1u << 20) /* longest string value kept: 1 MiB */

/* What the reader thread made of a field of a typed record. */
enum { PRE_NONE, PRE_NULL, PRE_OK };

typedef revl_ival value;


enum { EV_ROW, EV_REJECT };

typedef struct event {
  int kind;
  int nf;      /* EV_ROW: fields; EV_REJECT: column of the problem */
  size_t f0;   /* EV_ROW: first field; EV_REJECT: message offset */
  size_t text; /* EV_REJECT: offset of the line's bytes */
  size_t textlen;
  long line;   /* EV_ROW: first line; EV_REJECT: line of the problem */
  long end;    /* EV_ROW: last line */
  int typed;   /* EV_ROW: fst and fval hold what the reader parsed */
  /* the chunked load's (chunk.c; 0 on the reader thread): */
  size_t pos;  /* offset in the file of the line the record began on */
  long l0;     /* the line the record began on */
  long began;  /* EV_REJECT: the message ends " in the row that began
                  on line BEGAN" (added when the lines are known) */
} event;

typedef struct batch {
  char *bytes;
  size_t nbytes, capbytes;
  size_t *foff, *flen;
  uint32_t *fhash; /* intern hash of string fields */
  uint8_t *fst;    /* PRE_* of the fields of typed records */
  value *fval;
  uint32_t *flid;  /* chunk-local id of string fields (chunk.c), or NULL */
  int lids;        /* keep flid (a chunk's batch) */
  size_t nfields, capfields;
  event *ev;
  size_t nev, capev;
  size_t fed;      /* bytes of the file parsed when the batch was closed
                      (all that was read, in the last batch) */
  int last;        /* the reader's final batch */
  int fatal;       /* an error ending the file, after the events; 0 none */
  long fline;
  int fcol;
  char fmsg[200];
  int full;        /* handed over, not yet given back */
} batch;

#define NBATCH 4
#define BATCH_EVENTS 2048
#define BATCH_BYTES ((size_t)256 << 10)

typedef struct reader {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  batch b[NBATCH];
  atomic_int stop;     /* set by the loading thread: stop reading */
  /* the reader thread's own */
  FILE *fp;
  size_t hint;         /* size of a small regular file + 1, else 0 */
  const revl_table_map *map;
  batch *cur;
  unsigned next;
  long line;           /* physical line being fed to libcsv */
  long rec_line;       /* line the current record started on */
  int nf;              /* fields of the current record so far */
  size_t row0;         /* where the current record's bytes start */
  size_t total;        /* bytes read */
  size_t pos;          /* bytes handed to libcsv */
  int oom;
  int headed;          /* the header record has been handed over */
  int typing;          /* the reader parses values (see rd_deliver) */
  /* what the loading thread made of the header, so that the reader can
   * parse values too (its state: 0 not yet, 1 ready, 2 nothing to do) */
  int schema;
  int ncsv;
  uint8_t *kind;       /* per csv column: 1 + the REVL_T_* to parse, or 0 */
  int cur_csv;
  int def_dec;         /* minor-unit digits of the default currency */
  char dec_code[4];    /* the last currency code seen, and its digits */
  int dec_code_dec;
  const revl_parse_opts *po;
  const nullset *nulls;
} reader;


/* What reader.c lends the chunked load (chunk.c): growing a batch, the
 * field callback of libcsv, typing one record, libcsv's options and the
 * check for files that are not CSV text. */
int revl_batch_grow(batch *b, size_t hint, size_t bytes, size_t fields,
                    size_t evs);
void revl_rd_field(void *data, size_t len, void *r);
void revl_rd_type(reader *r, batch *b, event *e);
struct csv_parser;
void revl_rd_parser_options(struct csv_parser *p, const revl_table_map *map,
                            size_t hint);
const char *revl_rd_binary_kind(const char *b, size_t n);

/* Start the reader thread on r (r->fp, r->map, r->cur set).  0, or -1
 * when the thread could not start. */
int revl_rd_thread(pthread_t *th, void *(*fn)(void *), void *arg);
event *revl_rd_reject_ev(reader *r, size_t hint, const char *msg,
                         const char *text, size_t len);
int revl_rd_start(reader *r, pthread_t *th);

/* Trim ASCII white space at both ends of s[0..n). */
static inline void revl_trim(const char **s, size_t *n) {
  /* most values have no space around them: one look at each end */
  if (!*n || ((unsigned char)(*s)[0] > ' ' && (unsigned char)(*s)[*n - 1] > ' '))
    return;
  while (*n && isspace((unsigned char)(*s)[0])) (*s)++, (*n)--;
  while (*n && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

/* A currency code as written (trimmed, not null) -> up, upper case and
 * NUL-terminated; 0 when it is not three letters like USD. */
static inline int revl_currency_code(const char *s, size_t n, char up[4]) {
  if (n != 3) return 0;
  for (int i = 0; i < 3; i++) {
    up[i] = (char)toupper((unsigned char)s[i]);
    if (up[i] < 'A' || up[i] > 'Z') return 0;
  }
  up[3] = '\0';
  return 1;
}

#endif
