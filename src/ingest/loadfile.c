/*
 * loadfile.c -- revl_load_file: one CSV file read on two threads.  The
 * reader (reader.c) fills batches of records; this thread takes them in
 * file order and hands each record to revl_ld_on_record (ingest.c), then
 * finishes the table (duplicates, probabilities, inferred types,
 * constants, outcomes).
 */
#include "loader.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define trim revl_trim

/* Files smaller than this load on the reader and loading thread only:
 * splitting them costs more than it gains. */
#define CHUNKED_MIN ((size_t)8 << 20)

int revl_load_threads;

int revl_hash_threads(void) {
  return revl_load_threads > 0 ? revl_load_threads : revl_online_cores();
}

int revl_load_progress;
double revl_load_progress_after = 1.0;

/* The progress line of a long load (revl_load_progress): rows, rate and
 * time left, rewritten in place on stderr at most ten times a second
 * once the file has taken a second; the monotonic clock, never used for
 * a result. */
static double since(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void revl_ld_progress_start(revl_ld_progress *p) {
  memset(p, 0, sizeof *p);
  if (revl_load_progress) clock_gettime(CLOCK_MONOTONIC, &p->t0);
}

void revl_ld_progress_show(revl_ld_progress *p, const char *path, size_t rows,
                           size_t done, size_t size) {
  if (!revl_load_progress) return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double el = since(&p->t0, &now);
  if (el < revl_load_progress_after || (p->shown && since(&p->last, &now) < 0.1))
    return;
  p->last = now;
  p->shown = 1;
  double rate = (double)done / el;
  fprintf(stderr, "\rrevl: loading %s: %zu rows, %.0f MB/s", path, rows,
          rate / 1e6);
  if (size > done && rate > 0)
    fprintf(stderr, ", %.0f s left", (double)(size - done) / rate + 0.5);
  fputs("\033[K", stderr);
  fflush(stderr);
}

void revl_ld_progress_end(revl_ld_progress *p) {
  if (!p->shown) return; /* erased: what follows starts on a clean line */
  fputs("\r\033[K", stderr);
  fflush(stderr);
  p->shown = 0;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The loading thread's side: handle one batch, in file order.  String
 * fields are hashed a few records ahead and their intern-table slots
 * prefetched, so the cache misses of many records overlap. */
#define AHEAD 8

static void hash_record(loader *ld, batch *b, const event *e) {
  if (e->kind != EV_ROW || e->nf < ld->ncsv) return;
  for (int k = 0; k < ld->nstrcsv; k++) {
    size_t f = e->f0 + (size_t)ld->strcsv[k];
    if (e->typed) {
      /* a chunk's string seen before in the chunk needs no lookup */
      if (b->fst[f] == PRE_OK && !(b->flid && ld->gmap[b->flid[f]]))
        revl_intern_prefetch(&ld->s->strings, b->fhash[f]);
      continue;
    }
    const char *s = b->bytes + b->foff[f];
    size_t n = b->flen[f];
    trim(&s, &n);
    b->fhash[f] = revl_intern_hash(s, n);
    revl_intern_prefetch(&ld->s->strings, b->fhash[f]);
  }
}

static void prefetch_strings(loader *ld, batch *b, const event *e) {
  if (e->kind != EV_ROW || e->nf < ld->ncsv) return;
  for (int k = 0; k < ld->nstrcsv; k++) {
    size_t f = e->f0 + (size_t)ld->strcsv[k];
    if (!e->typed || (b->fst[f] == PRE_OK && !(b->flid && ld->gmap[b->flid[f]])))
      revl_intern_prefetch_rec(&ld->s->strings, b->fhash[f]);
  }
}

/* Tell the reader what the header says, once it has been read (or
 * that there is nothing to type: the header failed, or a fatal error
 * came first).  The reader waits for this after handing it over. */
int revl_ld_schema(loader *ld, reader *r) {
  int ok = !ld->rc && ld->header_done &&
           (r->kind = malloc((size_t)ld->ncsv)) != NULL;
  if (ok) {
    for (int j = 0; j < ld->ncsv; j++) {
      revl_column *c = ld->t->cols[ld->target[j]];
      /* probabilities keep their scale logic on the loading thread */
      r->kind[j] = (uint8_t)(ld->target[j] == ld->prob_col ? 0 : c->type + 1);
      /* a declared date format or currency: the loading thread's work */
      if (ld->dv.ctype && ld->dv.ctype[j] &&
          (ld->dv.ctype[j]->date.fmt[0] || ld->dv.ccur[j]))
        r->kind[j] = 0;
    }
    r->ncsv = ld->ncsv;
    r->cur_csv = ld->cur_csv;
    r->def_dec = revl_currency_decimals(
        revl_intern_str(&ld->s->strings, ld->def_cur));
    r->po = ld->map ? &ld->map->popts : NULL;
    r->nulls = &ld->nulls;
  }
  return ok;
}

static void publish_schema(loader *ld, reader *r) {
  int ok = revl_ld_schema(ld, r);
  pthread_mutex_lock(&r->mu);
  r->schema = ok ? 1 : 2;
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
}

void revl_ld_batch(loader *ld, batch *b, size_t from, long base) {
  size_t hashed = 0;
  for (size_t i = from; i < b->nev && !ld->rc; i++) {
    event *e = &b->ev[i];
    if (e->kind == EV_REJECT) {
      const char *msg = b->bytes + e->f0;
      char full[400];
      if (e->began) { /* the line it names is known only now */
        snprintf(full, sizeof full, "%s in the row that began on line %ld",
                 msg, e->began + base);
        msg = full;
      }
      if (ld->strict || !ld->header_done)
        ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, e->line + base,
                                e->nf, "%s", msg);
      else
        revl_table_add_reject(ld->t, e->line + base, e->nf, msg,
                              b->bytes + e->text, e->textlen);
      continue;
    }
    if (ld->header_done) {
      if (hashed <= i) hashed = i;
      for (; hashed < b->nev && hashed <= i + AHEAD; hashed++)
        hash_record(ld, b, &b->ev[hashed]);
      if (i + AHEAD / 2 < hashed) prefetch_strings(ld, b, &b->ev[i + AHEAD / 2]);
    }
    ld->row = b->bytes;
    ld->foff = b->foff + e->f0;
    ld->flen = b->flen + e->f0;
    ld->fhash = b->fhash + e->f0;
    ld->fst = e->typed ? b->fst + e->f0 : NULL;
    ld->fval = b->fval + e->f0;
    ld->flid = e->typed && b->flid ? b->flid + e->f0 : NULL;
    ld->nf = e->nf;
    ld->rec_line = e->line + base;
    ld->line = e->end + base;
    revl_ld_on_record(ld);
  }
  ld->flid = NULL;
  if (!ld->rc && b->fatal)
    ld->rc = revl_error_set(ld->err, b->fatal, ld->path,
                            b->fline ? b->fline + base : 0, b->fcol, "%s",
                            b->fmsg);
}

/* The file read on two threads: the reader (reader.c) fills batches,
 * this thread handles them in file order.  0 or a REVL_E* code. */
static int read_serial(loader *ld, FILE *fp, size_t fsize, size_t *total) {
  int rc = 0;
  reader *r = calloc(1, sizeof *r);
  if (!r) return revl_error_set(ld->err, REVL_ENOMEM, ld->path, 0, 0,
                                "not enough memory");
  int started = 0;
  pthread_t th;
  r->fp = fp;
  r->map = ld->map;
  r->cur = &r->b[0];
  atomic_init(&r->stop, 0);
  if (revl_rd_start(r, &th) != 0) {
    rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 0, 0,
                        "cannot start the reading thread");
    goto out;
  }
  started = 1;
  revl_ld_progress prog;
  revl_ld_progress_start(&prog);
  int reserved = 0, published = 0;
  for (unsigned k = 0;; k = (k + 1) % NBATCH) {
    batch *b = &r->b[k];
    pthread_mutex_lock(&r->mu);
    while (!b->full) pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    if (!ld->rc) revl_ld_batch(ld, b, 0, 0);
    if (ld->rc) atomic_store(&r->stop, 1);
    if (!published && (ld->header_done || ld->rc)) {
      publish_schema(ld, r);
      published = 1;
    }
    int last = b->last;
    *total = b->fed;
    if (!ld->rc) revl_ld_progress_show(&prog, ld->path, ld->t->nrows, *total, fsize);
    if (!reserved && !ld->rc && ld->header_done && ld->t->nrows > 0) {
      reserved = 1;
      revl_ld_reserve(ld, *total, fsize);
    }
    pthread_mutex_lock(&r->mu);
    b->full = 0;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    if (last) break;
  }
  revl_ld_progress_end(&prog);
  rc = ld->rc;
out:
  if (started) {
    atomic_store(&r->stop, 1);
    pthread_join(th, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
  }
  for (int i = 0; i < NBATCH; i++) {
    free(r->b[i].bytes);
    free(r->b[i].foff);
    free(r->b[i].flen);
    free(r->b[i].fhash);
    free(r->b[i].fst);
    free(r->b[i].fval);
    free(r->b[i].flid);
    free(r->b[i].ev);
  }
  free(r->kind);
  free(r);
  return rc;
}

void revl_ld_reserve(loader *ld, size_t done, size_t fsize) {
  /* once, from the first batch, instead of growing them (and copying)
   * as rows arrive */
  if (fsize > done && done > 0 && ld->t->nrows > 0) {
    double per_row = (double)done / (double)ld->t->nrows;
    size_t est = (size_t)((double)fsize / per_row * 1.02) + 64;
    for (int i = 0; i < ld->t->ncols; i++)
      revl_col_reserve(ld->t->cols[i], est);
    revl_ld_reserve_lines(ld, est);
    if (ld->t->pk >= 0) revl_intern_reserve(&ld->s->strings, est);
  }
}

/* An expand's events table keeps each row's CSV line as source_line,
 * which the expansion's errors name (events.c).  0 or a REVL_E* code. */
static int add_source_lines(loader *ld) {
  revl_table *t = ld->t;
  if (revl_table_col(t, "source_line") >= 0) return REVL_EDATA;
  int c = revl_table_add_col(t, "source_line", REVL_T_INT);
  if (c < 0 || revl_col_reserve(t->cols[c], t->nrows)) return REVL_ENOMEM;
  for (size_t r = 0; r < t->nrows; r++)
    if (revl_col_push_i64(t->cols[c], ld->lines[r])) return REVL_ENOMEM;
  return 0;
}

int revl_load_file(revl_store *s, const char *name, const char *path,
                   const revl_table_map *map, int strict, revl_error *err) {
  return revl_load_file_at(s, name, path, map, strict, NULL, err);
}

int revl_load_file_at(revl_store *s, const char *name, const char *path,
                      const revl_table_map *map, int strict,
                      const int32_t *as_of, revl_error *err) {
  loader ld;
  memset(&ld, 0, sizeof ld);
  ld.s = s;
  if (as_of) {
    ld.has_as_of = 1;
    ld.as_of = *as_of;
  }
  ld.map = map;
  int from_stdin = strcmp(path, "-") == 0; /* --table NAME=- */
  if (from_stdin) path = "<stdin>"; /* as errors name it */
  ld.path = path;
  ld.strict = strict;
  ld.err = err;
  ld.cur_csv = -1;
  ld.prob_col = -1;
  ld.pk_csv = -1;
  /* Salesforce writes probability as 0-100, HubSpot as 0-1 */
  if (map && map->prob_scale)
    ld.prob_scale = map->prob_scale;
  else if (map && map->preset == REVL_PRESET_SALESFORCE)
    ld.prob_scale = 100;
  else if (map && map->preset == REVL_PRESET_HUBSPOT)
    ld.prob_scale = 1;
  ld.def_cur = s->default_currency;
  if (map && map->currency[0])
    ld.def_cur = revl_intern_add(&s->strings, map->currency, 3);
  if (!map || !map->null_replace)
    for (size_t i = 0; i < REVL_LD_NDEFAULT_NULLS; i++)
      revl_ld_nulls_add(&ld.nulls, revl_ld_default_nulls[i]);
  if (map)
    for (int i = 0; i < map->nnulls; i++) revl_ld_nulls_add(&ld.nulls, map->nulls[i]);

  int rc = 0;
  FILE *fp = NULL;
  if (!from_stdin && is_dir(path))
    return revl_error_set(err, REVL_EIO, path, 0, 0,
                          "is a directory, not a CSV file");
  /* a FIFO or device would block the open or the read: only regular
   * files (stdin, "-", is read as a stream) */
  struct stat pst;
  if (!from_stdin && stat(path, &pst) == 0 && !S_ISREG(pst.st_mode))
    return revl_error_set(err, REVL_EIO, path, 0, 0,
                          "not a regular file (a FIFO or device); read a "
                          "stream with --table NAME=-");
  fp = from_stdin ? stdin : fopen(path, "rb");
  if (!fp)
    return revl_error_set(err, REVL_EIO, path, 0, 0, "cannot open: %s",
                          strerror(errno));
  ld.t = revl_store_add_table(s, name, path);
  if (!ld.t) { /* a table of that name already, or no memory for it */
    rc = revl_store_table(s, name)
             ? revl_error_set(err, REVL_EUSAGE, path, 0, 0,
                              "table '%s' is loaded twice", name)
             : revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
    goto out;
  }
  struct stat st;
  size_t fsize = fstat(fileno(fp), &st) == 0 ? (size_t)st.st_size : 0;
  size_t total = 0;
  /* By default chunks only from 3 cores: the reader + loader pair
   * already keeps two busy, and on 2 cores the chunked load measured
   * slower than the pair (tests/bench/RESULTS.md, "Cold load on every
   * core"); --threads N asks for N all the same. */
  int cores = revl_online_cores();
  int nthreads = revl_load_threads > 0 ? revl_load_threads : cores >= 3 ? cores : 1;
  rc = -1;
  if (!from_stdin && nthreads > 1 && (revl_load_chunk || fsize >= CHUNKED_MIN))
    rc = revl_ld_chunked(&ld, fileno(fp), fsize, nthreads, &total);
  if (rc < 0) rc = read_serial(&ld, fp, fsize, &total);
  if (rc) goto out;
  if (ld.rc) {
    rc = ld.rc;
    goto out;
  }
  if (total == 0 || !ld.header_done) {
    rc = revl_error_set(err, REVL_EDATA, path, 0, 0,
                        "empty file: expected a header row");
    goto out;
  }
  if (ld.ndrop && (rc = revl_dup_drop_rows(ld.t, ld.drop, ld.lines, ld.pct))) {
    revl_error_set(err, rc, path, 0, 0, "not enough memory");
    goto out;
  }
  if ((rc = revl_ld_normalise_probability(&ld)) || (rc = revl_ld_infer_types(&ld)) ||
      (rc = revl_constants_add(s, ld.t, map, path, err)) ||
      (rc = revl_outcomes_derive(s, ld.t, map)) || (rc = revl_expand_periods(&ld))) {
    if (rc == REVL_EDATA) goto out;
    if (rc == REVL_ENOMEM)
      revl_error_set(err, rc, path, 0, 0, "not enough memory");
    goto out;
  }
  if (map && map->ev_source_lines && (rc = add_source_lines(&ld))) {
    revl_error_set(err, rc, path, 0, 0, rc == REVL_ENOMEM ? "not enough memory" :
                   "the file has a source_line column already (an expand's "
                   "events table gets one: rename it with columns = {...})");
    goto out;
  }
  if (ld.t->ndup_differ) {
    int pol = map ? map->dup_policy : REVL_DUP_FIRST;
    revl_table_add_alert(ld.t, "%s: %zu rejected duplicate row%s unlike the kept "
                         "row of their key (first: %s); duplicates = \"%s\" "
                         "kept the %s%s", path,
                         ld.t->ndup_differ, ld.t->ndup_differ == 1 ? "" : "s",
                         ld.dup_example, pol == REVL_DUP_LAST ? "last" : "first",
                         pol == REVL_DUP_LAST ? "last" : "first",
                         pol == REVL_DUP_LAST ? "" : " (say duplicates = \"last\" "
                         "for the latest version)");
  }
out:
  if (fp && fp != stdin) fclose(fp);
  free(ld.target);
  free(ld.isnull);
  free(ld.vals);
  free(ld.curs);
  free(ld.strcsv);
  free(ld.lines);
  free(ld.pct);
  revl_derived_done(&ld.dv);
  free(ld.drop);
  free(ld.keys);
  free(ld.krows);
  free(ld.pkbits);
  return rc;
}
