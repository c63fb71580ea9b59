/*
 * reader.c -- the reading thread of a CSV load.  It reads the file in
 * large blocks and hands it to libcsv one physical line at a time, so
 * every record knows the line it started on; it collects whole records
 * into batches for the loading thread (ingest.c) and, while that thread
 * has work queued, parses their values too (rd_type).
 */
#include "reader.h"

#include <csv.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define trim revl_trim
#define currency_code revl_currency_code
#define is_null revl_is_null

/* ---- the file ------------------------------------------------------ */

/* libcsv grows its field buffer by a fixed block (128 bytes by
 * default): a 100 MB field took a million reallocs, quadratic where
 * realloc copies.  1 MiB blocks keep that to a hundred; a file smaller
 * than that (hint: its size + 1, 0 when unknown) gets a block of its
 * size, no field being longer.  Every (re)start of the parser sets both:
 * a parser restarted after a rejected line with the 1 MiB block took a
 * megabyte per rejected line of a small file (found by fuzz_csv). */
void revl_rd_parser_options(struct csv_parser *p, const revl_table_map *map,
                            size_t hint) {
  csv_set_blk_size(p, hint ? (hint < 128 ? 128 : hint) : (size_t)1 << 20);
  if (map && map->delimiter) csv_set_delim(p, (unsigned char)map->delimiter);
}

/* What a file that is not CSV text is, from its first bytes, or NULL. */
const char *revl_rd_binary_kind(const char *b, size_t n) {
  if (n >= 2 && memcmp(b, "\x1F\x8B", 2) == 0)
    return "gzip-compressed file, not CSV text (decompress it first)";
  if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
    return "zip archive (an Excel .xlsx workbook?), not CSV text (export "
           "it as CSV)";
  if (n >= 4 && memcmp(b, "\xD0\xCF\x11\xE0", 4) == 0)
    return "Excel .xls workbook, not CSV text (export it as CSV)";
  if (n >= 2 && (memcmp(b, "\xFF\xFE", 2) == 0 || memcmp(b, "\xFE\xFF", 2) == 0))
    return "UTF-16 text, not UTF-8 (export it as CSV UTF-8)";
  /* a NUL early on after bytes that are no text either */
  const char *nul = memchr(b, '\0', n < 8192 ? n : 8192);
  if (nul) {
    size_t k = (size_t)(nul - b);
    int text = revl_utf8_valid(b, k);
    for (size_t i = 0; i < k && text; i++)
      if ((unsigned char)b[i] < 0x20 && b[i] != '\t' && b[i] != '\r' &&
          b[i] != '\n')
        text = 0;
    if (!text) return "binary file, not CSV text";
  }
  return NULL;
}


/* ---- reading: libcsv on a thread of its own ------------------------
 *
 * A reader thread reads the file and runs libcsv; the loading thread
 * types, interns and appends.  The reader hands over batches of whole
 * records (their field bytes, offsets and lines) through a ring of
 * NBATCH buffers that are reused for the whole file, so nothing is
 * allocated per row.  Everything the reader finds -- records, lines
 * libcsv cannot parse, a fatal error -- travels in file order, and the
 * loading thread handles it in that order: what is reported, rejected
 * or stopped at is the same as reading the file on one thread.  When
 * the loading thread stops at an error it tells the reader, which ends
 * at its next block. */

int revl_load_typing = -1;

/* The first capacities are the full batch sizes, or less for a file
 * known to be smaller (r->hint): a small file then costs kilobytes, not
 * megabytes, and the buffers still grow as needed. */
static size_t first_cap(size_t full, size_t hint) {
  return hint && hint + 64 < full ? hint + 64 : full;
}

int revl_batch_grow(batch *b, size_t hint, size_t bytes, size_t fields,
                    size_t evs) {
  if (b->nbytes + bytes > b->capbytes) {
    size_t cap = b->capbytes ? b->capbytes : first_cap(BATCH_BYTES + 4096, hint);
    while (cap < b->nbytes + bytes) cap *= 2;
    char *p = realloc(b->bytes, cap);
    if (!p) return -1;
    b->bytes = p;
    b->capbytes = cap;
  }
  if (b->nfields + fields > b->capfields) {
    size_t cap = b->capfields ? b->capfields * 2 : first_cap(16384, hint);
    size_t *o = realloc(b->foff, cap * sizeof *o);
    if (!o) return -1;
    b->foff = o;
    size_t *l = realloc(b->flen, cap * sizeof *l);
    if (!l) return -1;
    b->flen = l;
    uint32_t *h = realloc(b->fhash, cap * sizeof *h);
    if (!h) return -1;
    b->fhash = h;
    uint8_t *st = realloc(b->fst, cap);
    if (!st) return -1;
    b->fst = st;
    value *v = realloc(b->fval, cap * sizeof *v);
    if (!v) return -1;
    b->fval = v;
    if (b->lids) {
      uint32_t *li = realloc(b->flid, cap * sizeof *li);
      if (!li) return -1;
      b->flid = li;
    }
    b->capfields = cap;
  }
  if (b->nev + evs > b->capev) {
    size_t cap = b->capev ? b->capev * 2 : first_cap(BATCH_EVENTS + 16, hint);
    event *e = realloc(b->ev, cap * sizeof *e);
    if (!e) return -1;
    b->ev = e;
    b->capev = cap;
  }
  return 0;
}

/* Hand the batch being filled to the loading thread and start on the
 * next one, waiting until it has been given back. */
static void rd_deliver(reader *r, int last) {
  batch *b = r->cur;
  b->fed = last ? r->total : r->pos;
  b->last = last;
  pthread_mutex_lock(&r->mu);
  b->full = 1;
  pthread_cond_broadcast(&r->cv);
  /* share the typing: the reader parses values only while the loading
   * thread has batches queued (it is the slower one), and leaves them
   * to it while it waits for work */
  int queued = 0;
  for (int i = 0; i < NBATCH; i++) queued += r->b[i].full;
  r->typing = revl_load_typing < 0 ? queued >= 2 : revl_load_typing;
  if (!last) {
    r->next = (r->next + 1) % NBATCH;
    b = &r->b[r->next];
    while (b->full) pthread_cond_wait(&r->cv, &r->mu);
  }
  pthread_mutex_unlock(&r->mu);
  if (last) return;
  b->nbytes = b->nfields = b->nev = 0;
  b->fatal = 0;
  r->cur = b;
  r->row0 = 0;
}

void revl_rd_field(void *data, size_t len, void *r_) {
  reader *r = r_;
  batch *b = r->cur;
  if ((b->nbytes + len + 1 > b->capbytes || b->nfields == b->capfields) &&
      (r->oom || revl_batch_grow(b, r->hint, len + 1, 1, 0))) {
    r->oom = 1;
    return;
  }
  b->foff[b->nfields] = b->nbytes;
  b->flen[b->nfields++] = len;
  if (len) memcpy(b->bytes + b->nbytes, data, len);
  b->nbytes += len;
  b->bytes[b->nbytes++] = '\0';
  r->nf++;
}

/* Parse the values of a record on the reader thread: what is null, what
 * parses, the hashes of strings.  Anything unusual (a value that does
 * not parse, an amount with its own currency code, probabilities) is
 * left as PRE_NONE for the loading thread, which reports it. */
void revl_rd_type(reader *r, batch *b, event *e) {
  const char *row = b->bytes;
  const size_t *foff = b->foff + e->f0, *flen = b->flen + e->f0;
  uint8_t *st = b->fst + e->f0;
  value *v = b->fval + e->f0;
  uint32_t *fh = b->fhash + e->f0;
  int dec = r->def_dec;
  if (r->cur_csv >= 0) {
    const char *s = row + foff[r->cur_csv];
    size_t n = flen[r->cur_csv];
    trim(&s, &n);
    char up[4];
    if (!is_null(r->nulls, s, n) && currency_code(s, n, up)) {
      if (memcmp(up, r->dec_code, 4) != 0) {
        memcpy(r->dec_code, up, 4);
        r->dec_code_dec = revl_currency_decimals(up);
      }
      dec = r->dec_code_dec;
    }
  }
  for (int j = 0; j < r->ncsv; j++) {
    st[j] = PRE_NONE;
    int kind = r->kind[j];
    if (!kind) continue;
    const char *s = row + foff[j];
    size_t n = flen[j];
    trim(&s, &n);
    if (is_null(r->nulls, s, n)) {
      st[j] = PRE_NULL;
      continue;
    }
    int bad = 1;
    switch ((revl_type)(kind - 1)) {
    case REVL_T_STRING:
      fh[j] = revl_intern_hash(s, n);
      bad = n > MAX_STRING || !revl_utf8_valid(s, n);
      break;
    case REVL_T_INT: bad = revl_parse_int(s, n, r->po, &v[j].i); break;
    case REVL_T_NUMBER: bad = revl_parse_number(s, n, r->po, &v[j].d); break;
    case REVL_T_BOOL: {
      int t;
      bad = revl_parse_bool(s, n, &t);
      v[j].i = t;
      break;
    }
    case REVL_T_DATE: bad = revl_parse_date(s, n, r->po, &v[j].date); break;
    case REVL_T_DATETIME: bad = revl_parse_datetime(s, n, r->po, &v[j].i); break;
    case REVL_T_MONEY: {
      char code[4];
      bad = revl_parse_money(s, n, r->po, dec, &v[j].i, code) || code[0];
      break;
    }
    }
    if (!bad) st[j] = PRE_OK;
  }
  e->typed = 1;
}

static void rd_record(int term, void *r_) {
  (void)term;
  reader *r = r_;
  batch *b = r->cur;
  if (r->oom || (b->nev == b->capev && revl_batch_grow(b, r->hint, 0, 0, 1))) {
    r->oom = 1;
    return;
  }
  event *e = &b->ev[b->nev++];
  e->kind = EV_ROW;
  e->nf = r->nf;
  e->f0 = b->nfields - (size_t)r->nf;
  e->line = r->rec_line;
  e->end = r->line;
  e->typed = 0;
  r->nf = 0;
  r->row0 = b->nbytes;
  if (!r->headed) {
    /* the header: wait until the loading thread has read it */
    r->headed = 1;
    rd_deliver(r, 0);
    pthread_mutex_lock(&r->mu);
    while (!r->schema) pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    return;
  }
  if (r->typing && r->schema == 1 && e->nf >= r->ncsv) revl_rd_type(r, b, e);
  if (b->nev >= BATCH_EVENTS || b->nbytes >= BATCH_BYTES) rd_deliver(r, 0);
}

/* A line libcsv could not parse: the partial record in r's current batch
 * is dropped and a reject event takes its place, with the message and
 * the line's text (the loading thread decides: reject the line, or
 * stop).  The event, for the caller to add what it knows; NULL, with
 * r->oom set, when out of memory. */
event *revl_rd_reject_ev(reader *r, size_t hint, const char *msg,
                         const char *text, size_t len) {
  batch *b = r->cur;
  b->nfields -= (size_t)r->nf;
  b->nbytes = r->row0;
  size_t mlen = strlen(msg);
  if (revl_batch_grow(b, hint, mlen + 1 + len + 1, 0, 1)) {
    r->oom = 1;
    return NULL;
  }
  event *e = &b->ev[b->nev++];
  memset(e, 0, sizeof *e);
  e->kind = EV_REJECT;
  e->nf = r->nf + 1;
  e->line = r->line;
  e->f0 = b->nbytes;
  memcpy(b->bytes + b->nbytes, msg, mlen + 1);
  b->nbytes += mlen + 1;
  e->text = b->nbytes;
  e->textlen = len;
  if (len) memcpy(b->bytes + b->nbytes, text, len);
  b->nbytes += len;
  b->bytes[b->nbytes++] = '\0';
  r->row0 = b->nbytes;
  r->nf = 0;
  return e;
}

static void rd_fatal(reader *r, int code, long line, int col, const char *fmt,
                     ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void rd_fatal(reader *r, int code, long line, int col, const char *fmt,
                     ...) {
  batch *b = r->cur;
  if (b->fatal) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b->fmsg, sizeof b->fmsg, fmt, ap);
  va_end(ap);
  b->fatal = code;
  b->fline = line;
  b->fcol = col;
}

/* The reader thread's work: the file, one physical line at a time (\n,
 * \r\n or a lone \r ends it), so every record knows the line it
 * started on. */
static void rd_run(reader *r) {
  /* libcsv is strict in both modes, so a stray quote never merges rows
   * silently: the default mode rejects the row and starts afresh on the
   * next line, --strict stops. */
  const unsigned char opts = CSV_STRICT | CSV_STRICT_FINI;
  struct csv_parser p;
  /* a regular file smaller than the 1 MiB block gets a buffer (and
   * libcsv a field block) of its size: no field can be longer */
  size_t bufsize = 1 << 20;
  struct stat st;
  r->hint = 0;
  if (fstat(fileno(r->fp), &st) == 0 && S_ISREG(st.st_mode) &&
      st.st_size >= 0 && (size_t)st.st_size + 1 < bufsize)
    r->hint = (size_t)st.st_size + 1;
  if (r->hint) bufsize = r->hint;
  char *buf = malloc(bufsize);
  if (!buf || csv_init(&p, opts) != 0) {
    free(buf);
    rd_fatal(r, REVL_ENOMEM, 0, 0, "not enough memory");
    return;
  }
  revl_rd_parser_options(&p, r->map, r->hint);
  r->line = 1;
  int first = 1;
  int after_cr = 0; /* the last piece ended with \r */
  int skip = 0;     /* the rest of a rejected line is not parsed */
  for (;;) {
    if (atomic_load_explicit(&r->stop, memory_order_relaxed)) goto out;
    size_t n = fread(buf, 1, bufsize, r->fp);
    if (n == 0) {
      if (ferror(r->fp)) {
        rd_fatal(r, REVL_EIO, 0, 0, "read error: %s", strerror(errno));
        goto out;
      }
      break;
    }
    char *b = buf;
    if (first) {
      first = 0;
      if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) b += 3, n -= 3;
      const char *kind = revl_rd_binary_kind(b, n);
      if (kind) {
        rd_fatal(r, REVL_EDATA, 0, 0, "%s", kind);
        goto out;
      }
    }
    r->total += n;
    char *end = b + n;
    /* lines end at \n unless the block holds a \r; a NUL ends the file */
    char *stop = memchr(b, '\0', n);
    if (!stop) stop = end;
    int has_cr = memchr(b, '\r', (size_t)(stop - b)) != NULL;
    while (b < end && !r->oom) {
      char *q;
      if (!has_cr) {
        q = memchr(b, '\n', (size_t)(stop - b));
        if (!q) q = stop;
      } else {
        q = b;
        while (q < stop && *q != '\n' && *q != '\r') q++;
      }
      if (q < end && *q == '\0') {
        if (!skip) csv_parse(&p, b, (size_t)(q - b), revl_rd_field, NULL, r);
        rd_fatal(r, REVL_EDATA, r->line, r->nf + 1,
                 "NUL byte: binary data, not CSV text");
        goto out;
      }
      int eol = q < end;
      size_t len = (size_t)(q - b) + (eol ? 1 : 0);
      int crlf = eol && *q == '\n' && q == b && after_cr;
      if (skip) {
        if (eol) skip = 0;
      } else {
        if (p.pstate == 0) r->rec_line = r->line; /* ROW_NOT_BEGUN */
        r->pos = r->total - (size_t)(end - b) + len;
        size_t got = csv_parse(&p, b, len, revl_rd_field, rd_record, r);
        if (got != len && !r->oom) {
          if (csv_error(&p) != CSV_EPARSE) {
            rd_fatal(r, REVL_ENOMEM, r->line, 0, "%s",
                     csv_strerror(csv_error(&p)));
            goto out;
          }
          char msg[160];
          int k = snprintf(msg, sizeof msg, "%s",
                           b[got] == '"'
                               ? "quote inside an unquoted field (quote the "
                                 "whole field and double the quote)"
                               : "text after a closing quote (a quote inside "
                                 "a quoted field must be doubled)");
          if (r->line > r->rec_line)
            snprintf(msg + k, sizeof msg - (size_t)k,
                     " in the row that began on line %ld", r->rec_line);
          revl_rd_reject_ev(r, r->hint, msg, b, (size_t)(q - b));
          csv_free(&p);
          if (csv_init(&p, opts) != 0) {
            free(buf);
            rd_fatal(r, REVL_ENOMEM, 0, 0, "not enough memory");
            return;
          }
          revl_rd_parser_options(&p, r->map, r->hint);
          skip = !eol;
        }
      }
      if (eol && !crlf) r->line++;
      after_cr = eol && *q == '\r';
      b += len;
    }
    if (r->oom) break;
  }
  if (!r->oom && csv_fini(&p, revl_rd_field, rd_record, r) != 0)
    rd_fatal(r, REVL_EDATA, r->rec_line, r->nf + 1,
             "unterminated quoted field: the quote is never closed (it runs "
             "to the end of the file)");
out:
  if (r->oom) rd_fatal(r, REVL_ENOMEM, r->line, 0, "not enough memory");
  csv_free(&p);
  free(buf);
}

static void *rd_main(void *r_) {
  reader *r = r_;
  rd_run(r);
  rd_deliver(r, 1);
  return NULL;
}

/* A loading thread: 1 MiB of stack, not the default 8 (the threads keep
 * their buffers on the heap and recurse nowhere, and a thread per file
 * load started and ended with 8 MiB of stack, whose shadow
 * AddressSanitizer clears each time, was a tenth of a small load in the
 * fuzzer), and every signal left to the calling thread. */
int revl_rd_thread(pthread_t *th, void *(*fn)(void *), void *arg) {
  pthread_attr_t attr;
  pthread_attr_t *ap = NULL;
  if (pthread_attr_init(&attr) == 0) {
    ap = &attr;
    if (pthread_attr_setstacksize(&attr, (size_t)1 << 20) != 0) {
      pthread_attr_destroy(&attr);
      ap = NULL;
    }
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(th, ap, fn, arg);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (ap) pthread_attr_destroy(ap);
  return rc;
}

/* Start the reader thread.  Signals (Ctrl-C in the REPL, the --timeout
 * timer) stay with the calling thread: the reader never sees them, so
 * its reads are never interrupted and handlers run where they always
 * did.  0, or -1 when the thread could not start. */
int revl_rd_start(reader *r, pthread_t *th) {
  if (pthread_mutex_init(&r->mu, NULL) != 0) return -1;
  if (pthread_cond_init(&r->cv, NULL) != 0) {
    pthread_mutex_destroy(&r->mu);
    return -1;
  }
  if (revl_rd_thread(th, rd_main, r) != 0) {
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    return -1;
  }
  return 0;
}

