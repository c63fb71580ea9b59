/*
 * chunk.c -- a large CSV file loaded on every core.  The file is mapped
 * and split into chunks at line starts (revl_chunk_split).  Worker
 * threads parse the chunks ahead, each as if a record began at its
 * first byte: libcsv, the values (revl_rd_type) and a chunk-local id for
 * every distinct string.  This thread takes the chunks in file order.
 * A chunk's guess was right when the parse before it ended exactly at
 * its first byte with no record open; when it did not (a quoted field,
 * a multi-line one, ran across the boundary), this thread parses again
 * from where the previous parse really ended until the two parses meet
 * at a line where both start a record, and takes the chunk's records
 * from there on.  The records then go to revl_ld_batch (loadfile.c) as
 * the two-thread load's batches do: interning (once per distinct string
 * of a chunk), keys, rejects, warnings and errors all happen here, in
 * file order, with the lines of the whole file, so the store is that of
 * a one-thread load.
 */
#define _GNU_SOURCE /* madvise MADV_DONTNEED, sched_getaffinity */
#include "revl/mapguard.h"
#include "loader.h"

#include <csv.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define trim revl_trim

size_t revl_load_chunk;
size_t revl_chunk_stats[3];

#define CHUNK_DEFAULT ((size_t)512 << 10)
/* The two-thread reader reads 1 MiB blocks (reader.c) and a line cut by
 * a block is parsed in two pieces, which shows in what a reject keeps:
 * the chunked parse cuts its lines at the same offsets. */
#define READ_BLOCK ((size_t)1 << 20)

/* The cores this process may run on (taskset, cgroups' cpusets), else
 * the online ones. */
int revl_online_cores(void) {
  cpu_set_t set;
  long n = 0;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
  if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

size_t revl_chunk_split(const char *buf, size_t n, size_t from, size_t size,
                        size_t *bound, size_t max) {
  size_t k = 0, b = from;
  if (size < 1) size = 1;
  bound[k++] = from;
  while (k + 1 < max && n - b > size) {
    size_t t = b + size - 1;
    const char *q = memchr(buf + t, '\n', n - t);
    if (!q || (size_t)(q - buf) + 1 >= n) break;
    b = (size_t)(q - buf) + 1;
    bound[k++] = b;
  }
  bound[k] = n;
  return k;
}

/* ---- one parse of a stretch of the file ---------------------------- */

/* A chunk's own string table: local id -> where the string is in the
 * batch, found by the intern hash the reader computes. */
typedef struct lstr {
  uint32_t *slot; /* 1 + local id, 0 free */
  uint32_t mask;
  uint32_t *hash, *len;
  size_t *off;
  uint32_t n, cap;
} lstr;

typedef struct cparse {
  reader r;          /* first: libcsv's callbacks get it.  r.b[0] is the
                        batch filled; typing state from the header */
  const char *buf;   /* the mapped file */
  size_t n;
  size_t blk;        /* where the reader's blocks cut lines */
  const atomic_int *halt; /* set: stop (the load ended) */
  int typing;        /* parse values and give strings local ids */
  const int *strcols; /* csv columns typed as strings */
  int nstr;
  lstr *ls;
  size_t recpos;     /* offset of the line the record began on */
  size_t cr_at, cr_none, nul_at, nul_none; /* piece_end's searches */
  /* what the parse did */
  size_t from;       /* where it began (line 1) */
  size_t end;        /* where it stopped: a line start with no record
                        open, or n */
  long endline;      /* the line beginning at end */
  int eof;           /* it ran to the end of the file (or a fatal error) */
  int runaway;       /* gave up: too far past its end without a boundary */
  int met;           /* it met the other parse at event `synced` */
  size_t synced;
} cparse;

static int ls_grow(lstr *ls) {
  uint32_t cap = ls->cap ? ls->cap * 2 : 4096;
  uint32_t *h = realloc(ls->hash, cap * sizeof *h);
  if (!h) return -1;
  ls->hash = h;
  uint32_t *l = realloc(ls->len, cap * sizeof *l);
  if (!l) return -1;
  ls->len = l;
  size_t *o = realloc(ls->off, cap * sizeof *o);
  if (!o) return -1;
  ls->off = o;
  ls->cap = cap;
  uint32_t size = cap * 2;
  uint32_t *sl = calloc(size, sizeof *sl);
  if (!sl) return -1;
  for (uint32_t i = 0; i < ls->n; i++) {
    uint32_t j = ls->hash[i] & (size - 1);
    while (sl[j]) j = (j + 1) & (size - 1);
    sl[j] = i + 1;
  }
  free(ls->slot);
  ls->slot = sl;
  ls->mask = size - 1;
  return 0;
}

/* Local ids of the string fields the reader's typing accepted. */
static int local_ids(cparse *c, batch *b, const event *e) {
  lstr *ls = c->ls;
  for (int k = 0; k < c->nstr; k++) {
    size_t f = e->f0 + (size_t)c->strcols[k];
    if (b->fst[f] != PRE_OK) continue;
    const char *s = b->bytes + b->foff[f];
    size_t n = b->flen[f];
    trim(&s, &n);
    if (ls->n == ls->cap && ls_grow(ls)) return -1;
    uint32_t h = b->fhash[f], j = h & ls->mask, id;
    for (;; j = (j + 1) & ls->mask) {
      id = ls->slot[j];
      if (!id) break;
      id--;
      if (ls->hash[id] == h && ls->len[id] == n &&
          memcmp(b->bytes + ls->off[id], s, n) == 0)
        break;
    }
    if (!ls->slot[j]) {
      id = ls->n++;
      ls->hash[id] = h;
      ls->len[id] = (uint32_t)n;
      ls->off[id] = (size_t)(s - b->bytes);
      ls->slot[j] = id + 1;
    }
    b->flid[f] = id;
  }
  return 0;
}

static void ck_record(int term, void *c_) {
  (void)term;
  cparse *c = c_;
  reader *r = &c->r;
  batch *b = r->cur;
  if (r->oom || (b->nev == b->capev && revl_batch_grow(b, 0, 0, 0, 1))) {
    r->oom = 1;
    return;
  }
  event *e = &b->ev[b->nev++];
  e->kind = EV_ROW;
  e->nf = r->nf;
  e->f0 = b->nfields - (size_t)r->nf;
  e->line = e->l0 = r->rec_line;
  e->end = r->line;
  e->typed = 0;
  e->pos = c->recpos;
  e->began = 0;
  r->nf = 0;
  r->row0 = b->nbytes;
  if (c->typing && e->nf >= r->ncsv) {
    revl_rd_type(r, b, e);
    if (local_ids(c, b, e)) r->oom = 1;
  }
}

/* A line libcsv could not parse (revl_rd_reject_ev, plus the line the
 * row began on, named when the lines are known). */
static void ck_reject(cparse *c, const char *msg, const char *text,
                      size_t len) {
  reader *r = &c->r;
  event *e = revl_rd_reject_ev(r, 0, msg, text, len);
  if (!e) return;
  e->l0 = r->rec_line;
  e->pos = c->recpos;
  e->began = r->line > r->rec_line ? r->rec_line : 0;
}

static void ck_fatal(cparse *c, int code, long line, int col, const char *msg) {
  batch *b = c->r.cur;
  if (b->fatal) return;
  snprintf(b->fmsg, sizeof b->fmsg, "%s", msg);
  b->fatal = code;
  b->fline = line;
  b->fcol = col;
}

/* The next byte ch at or after pos, or a bound b > pos with none in
 * [pos, b).  *at and *none_to remember the last search, so that every
 * byte is searched once: a file without \r or NUL costs nothing more
 * than the search for \n. */
static size_t next_byte(const char *buf, size_t n, size_t pos, int ch,
                        size_t *at, size_t *none_to) {
  if (*at != SIZE_MAX && *at >= pos) return *at;
  if (pos < *none_to) return *none_to;
  size_t w = n - pos < 65536 ? n - pos : 65536;
  const char *q = memchr(buf + pos, ch, w);
  if (q) return *at = (size_t)(q - buf);
  *at = SIZE_MAX;
  return *none_to = pos + w;
}

/* Where the piece of the file from pos ends: at the first \n, \r or NUL,
 * or at the reader's next block, or at n. */
static size_t piece_end(cparse *c, size_t pos) {
  size_t lim = c->blk == SIZE_MAX ? c->n : (pos / c->blk + 1) * c->blk;
  if (lim > c->n) lim = c->n;
  while (pos < lim) {
    size_t cr = next_byte(c->buf, c->n, pos, '\r', &c->cr_at, &c->cr_none);
    size_t z = next_byte(c->buf, c->n, pos, '\0', &c->nul_at, &c->nul_none);
    size_t stop = lim < cr ? lim : cr;
    if (z < stop) stop = z;
    const char *q = memchr(c->buf + pos, '\n', stop - pos);
    if (q) return (size_t)(q - c->buf);
    if (stop == lim || stop == c->cr_at || stop == c->nul_at) return stop;
    pos = stop; /* a bound of the searches, not a byte: on from there */
  }
  return lim;
}

/* Parse from `from` (a line start, line 1) into c->r.cur, with the
 * reader thread's rules (reader.c rd_run), until a line start at or
 * past `to` where no record is open, or the end of the file.  first:
 * stop after the first record instead (the header).  limit: give up
 * past it (runaway).  sync: the events of another parse of these bytes;
 * stop where one of them began at a line this parse starts a record on
 * too (met): from there on the two parses are the same. */
static void cp_run(cparse *c, size_t from, size_t to, size_t limit, int first,
                   const event *sync, size_t nsync) {
  const unsigned char opts = CSV_STRICT | CSV_STRICT_FINI;
  reader *r = &c->r;
  batch *b = r->cur;
  b->nbytes = b->nfields = b->nev = 0;
  b->fatal = 0;
  r->nf = 0;
  r->row0 = 0;
  r->oom = 0;
  r->line = 1;
  r->rec_line = 1;
  c->from = from;
  c->cr_at = c->nul_at = SIZE_MAX;
  c->cr_none = c->nul_none = 0;
  c->eof = c->runaway = c->met = 0;
  struct csv_parser p;
  if (csv_init(&p, opts) != 0) {
    ck_fatal(c, REVL_ENOMEM, 0, 0, "not enough memory");
    c->eof = 1;
    c->end = c->n;
    return;
  }
  revl_rd_parser_options(&p, r->map, 0);
  csv_set_blk_size(&p, 1 << 16);
  const char *buf = c->buf;
  size_t n = c->n, pos = from, mi = 0;
  int after_cr = 0, skip = 0;
  while (pos < n) {
    if (!skip && p.pstate == 0 && !(after_cr && buf[pos] == '\n') &&
        (pos == from || buf[pos - 1] == '\n' || buf[pos - 1] == '\r')) {
      /* a line start with no record open */
      if (first ? b->nev > 0 : pos >= to) break;
      if (sync) {
        while (mi < nsync && sync[mi].pos < pos) mi++;
        if (mi < nsync && sync[mi].pos == pos) {
          c->met = 1;
          c->synced = mi;
          break;
        }
      }
      if (c->halt && atomic_load_explicit(c->halt, memory_order_relaxed)) break;
    }
    if (pos > limit) {
      c->runaway = 1;
      break;
    }
    size_t q = piece_end(c, pos);
    if (q < n && buf[q] == '\0') {
      if (!skip) csv_parse(&p, buf + pos, q - pos, revl_rd_field, NULL, r);
      ck_fatal(c, REVL_EDATA, r->line, r->nf + 1,
               "NUL byte: binary data, not CSV text");
      c->eof = 1;
      break;
    }
    int eol = q < n && (buf[q] == '\n' || buf[q] == '\r');
    size_t len = q - pos + (eol ? 1 : 0);
    int crlf = eol && buf[q] == '\n' && q == pos && after_cr;
    if (skip) {
      if (eol) skip = 0;
    } else {
      if (p.pstate == 0) {
        r->rec_line = r->line;
        c->recpos = pos;
      }
      size_t got = csv_parse(&p, buf + pos, len, revl_rd_field, ck_record, c);
      if (got != len && !r->oom) {
        if (csv_error(&p) != CSV_EPARSE) {
          ck_fatal(c, REVL_ENOMEM, r->line, 0, csv_strerror(csv_error(&p)));
          c->eof = 1;
          break;
        }
        ck_reject(c, buf[pos + got] == '"'
                         ? "quote inside an unquoted field (quote the whole "
                           "field and double the quote)"
                         : "text after a closing quote (a quote inside a "
                           "quoted field must be doubled)",
                  buf + pos, q - pos);
        csv_free(&p);
        if (csv_init(&p, opts) != 0) {
          ck_fatal(c, REVL_ENOMEM, 0, 0, "not enough memory");
          c->eof = 1;
          c->end = n;
          return;
        }
        revl_rd_parser_options(&p, r->map, 0);
        csv_set_blk_size(&p, 1 << 16);
        skip = !eol;
      }
    }
    if (eol && !crlf) r->line++;
    after_cr = eol && buf[q] == '\r';
    pos += len;
    if (r->oom) break;
  }
  if (pos >= n && !c->eof && !r->oom) {
    if (csv_fini(&p, revl_rd_field, ck_record, c) != 0)
      ck_fatal(c, REVL_EDATA, r->rec_line, r->nf + 1,
               "unterminated quoted field: the quote is never closed (it "
               "runs to the end of the file)");
    c->eof = 1;
  }
  if (r->oom) {
    ck_fatal(c, REVL_ENOMEM, r->line, 0, "not enough memory");
    c->eof = 1;
  }
  c->end = c->eof ? n : pos;
  c->endline = r->line;
  csv_free(&p);
}

static void cp_done(cparse *c) {
  batch *b = &c->r.b[0];
  free(b->bytes);
  free(b->foff);
  free(b->flen);
  free(b->fhash);
  free(b->fst);
  free(b->fval);
  free(b->flid);
  free(b->ev);
  free(c->r.kind);
}

/* ---- the workers --------------------------------------------------- */

typedef struct slot {
  cparse c;
  size_t idx;        /* the chunk it holds */
  int state;         /* 0 free, 1 being parsed, 2 parsed */
  uint32_t nlocal;   /* the chunk's distinct strings */
} slot;

typedef struct pool {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  const size_t *bound; /* chunk k: records beginning in [bound[k], bound[k + 1]) */
  size_t nck;
  size_t chunk;      /* nominal size */
  slot *slots;
  size_t nslots;
  size_t next;       /* the next chunk to parse */
  size_t merged;     /* chunks done with */
  int stop;
  atomic_int halt;
} pool;

static void *worker(void *p_) {
  pool *p = p_;
  lstr ls;
  memset(&ls, 0, sizeof ls);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->stop && p->next < p->nck && p->next >= p->merged + p->nslots)
      pthread_cond_wait(&p->cv, &p->mu);
    if (p->stop || p->next >= p->nck) break;
    size_t k = p->next++;
    slot *s = &p->slots[k % p->nslots];
    s->idx = k;
    s->state = 1;
    pthread_mutex_unlock(&p->mu);
    if (ls.slot) memset(ls.slot, 0, ((size_t)ls.mask + 1) * sizeof *ls.slot);
    ls.n = 0;
    s->c.ls = &ls;
    size_t to = p->bound[k + 1];
    /* a guess that went wrong can run far: a quote taken as opening one */
    size_t slack = p->chunk > READ_BLOCK ? p->chunk : READ_BLOCK;
    cp_run(&s->c, p->bound[k], to, to + slack, 0, NULL, 0);
    s->nlocal = ls.n;
    pthread_mutex_lock(&p->mu);
    s->state = 2;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  free(ls.slot);
  free(ls.hash);
  free(ls.len);
  free(ls.off);
  return NULL;
}

/* ---- the load ------------------------------------------------------ */

static void cp_init(cparse *c, const reader *proto, const char *buf, size_t n,
                    size_t blk, const atomic_int *halt) {
  memset(c, 0, sizeof *c);
  c->r.map = proto->map;
  c->r.cur = &c->r.b[0];
  c->buf = buf;
  c->n = n;
  c->blk = blk;
  c->halt = halt;
}

/* Copy the header's typing state into c (its own kind array). */
static int cp_schema(cparse *c, const reader *proto, const int *strcols,
                     int nstr) {
  reader *r = &c->r;
  r->kind = malloc((size_t)proto->ncsv);
  if (!r->kind) return -1;
  memcpy(r->kind, proto->kind, (size_t)proto->ncsv);
  r->ncsv = proto->ncsv;
  r->cur_csv = proto->cur_csv;
  r->def_dec = proto->def_dec;
  r->po = proto->po;
  r->nulls = proto->nulls;
  r->schema = 1;
  r->cur->lids = 1;
  c->typing = 1;
  c->strcols = strcols;
  c->nstr = nstr;
  return 0;
}

int revl_ld_chunked(loader *ld, int fd, size_t fsize, int nthreads,
                    size_t *total) {
  if (fsize == 0) return -1;
  char *buf = mmap(NULL, fsize, PROT_READ, MAP_PRIVATE, fd, 0);
  if (buf == MAP_FAILED) return -1;
  int guard = revl_mapguard_add(buf, fsize, ld->path); /* shrinks: exit 2 */
  posix_madvise(buf, fsize, POSIX_MADV_SEQUENTIAL);
  *total = fsize;
  size_t blk = fsize + 1 < READ_BLOCK ? SIZE_MAX : READ_BLOCK;
  size_t chunk = revl_load_chunk ? revl_load_chunk : CHUNK_DEFAULT;
  int rc = 0;
  reader proto;
  memset(&proto, 0, sizeof proto);
  proto.map = ld->map;
  cparse hd, fx;
  cp_init(&hd, &proto, buf, fsize, blk, NULL);
  cp_init(&fx, &proto, buf, fsize, blk, NULL);
  pool p;
  memset(&p, 0, sizeof p);
  size_t *bound = NULL;
  pthread_t *th = NULL;
  int nth = 0, sync_ok = 0;
  uint32_t *gmap = NULL;
  size_t capgmap = 0;
  int *strcols = NULL, nstr = 0;
  revl_ld_progress prog;
  revl_ld_progress_start(&prog);

  /* the start: a byte-order mark, a file that is no CSV text */
  size_t from = 0;
  if (fsize >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) from = 3;
  size_t first = fsize < READ_BLOCK ? fsize : READ_BLOCK;
  const char *kind = revl_rd_binary_kind(buf + from, first - from);
  if (kind) {
    rc = ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, 0, 0, "%s", kind);
    goto out;
  }
  /* the header, on this thread */
  cp_run(&hd, from, 0, SIZE_MAX, 1, NULL, 0);
  revl_ld_batch(ld, hd.r.cur, 0, 0);
  if (ld->rc || !ld->header_done || hd.eof) goto out;
  size_t pos = hd.end;
  long line = hd.endline; /* the line beginning at pos */
  if (!revl_ld_schema(ld, &proto)) goto nomem;
  strcols = malloc((size_t)ld->ncsv * sizeof *strcols);
  if (!strcols) goto nomem;
  for (int j = 0; j < ld->ncsv; j++)
    if (proto.kind[j] == REVL_T_STRING + 1) strcols[nstr++] = j;

  /* the chunks, parsed ahead by the workers */
  size_t maxck = (fsize - pos) / chunk + 2;
  bound = malloc((maxck + 1) * sizeof *bound);
  if (!bound) goto nomem;
  p.bound = bound;
  p.nck = revl_chunk_split(buf, fsize, pos, chunk, bound, maxck);
  p.chunk = chunk;
  nth = nthreads;
  if ((size_t)nth > p.nck) nth = (int)p.nck;
  p.nslots = (size_t)nth + 2;
  if (p.nslots > p.nck) p.nslots = p.nck;
  atomic_init(&p.halt, 0);
  p.slots = calloc(p.nslots, sizeof *p.slots);
  th = calloc((size_t)nth, sizeof *th);
  if (!p.slots || !th) goto nomem;
  for (size_t i = 0; i < p.nslots; i++) {
    cp_init(&p.slots[i].c, &proto, buf, fsize, blk, &p.halt);
    if (cp_schema(&p.slots[i].c, &proto, strcols, nstr)) goto nomem;
  }
  if (pthread_mutex_init(&p.mu, NULL) != 0) goto nomem;
  if (pthread_cond_init(&p.cv, NULL) != 0) {
    pthread_mutex_destroy(&p.mu);
    goto nomem;
  }
  sync_ok = 1;
  int started = 0;
  for (; started < nth; started++)
    if (revl_rd_thread(&th[started], worker, &p) != 0) break;
  nth = started;
  if (nth == 0) {
    rc = ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 0, 0,
                                 "cannot start the loading threads");
    goto out;
  }

  /* the merge: in file order */
  int eof = 0, reserved = 0;
  size_t pagesz = (size_t)sysconf(_SC_PAGESIZE), dropped = 0;
  for (size_t k = 0; k < p.nck && !eof && !ld->rc; k++) {
    slot *s = &p.slots[k % p.nslots];
    pthread_mutex_lock(&p.mu);
    while (!(s->idx == k && s->state == 2)) pthread_cond_wait(&p.cv, &p.mu);
    pthread_mutex_unlock(&p.mu);
    cparse *c = &s->c;
    batch *b = c->r.cur;
    revl_chunk_stats[0]++;
    if (s->nlocal > capgmap) {
      free(gmap);
      capgmap = s->nlocal * 2;
      if (!(gmap = malloc(capgmap * sizeof *gmap))) goto nomem;
    }
    if (gmap) memset(gmap, 0, s->nlocal * sizeof *gmap);
    ld->gmap = gmap;
    if (c->from == pos && !c->runaway) { /* the guess was right */
      revl_ld_batch(ld, b, 0, line - 1);
      pos = c->end;
      line += c->endline - 1;
      eof = c->eof;
    } else { /* parse again from the true start until the parses meet */
      cp_run(&fx, pos, bound[k + 1], SIZE_MAX, 0, c->runaway ? NULL : b->ev,
             c->runaway ? 0 : b->nev);
      revl_ld_batch(ld, fx.r.cur, 0, line - 1);
      revl_chunk_stats[1]++;
      if (fx.met && !ld->rc) {
        long base = line - 1 + fx.endline - b->ev[fx.synced].l0;
        revl_chunk_stats[2]++;
        revl_ld_batch(ld, b, fx.synced, base);
        pos = c->end;
        line = base + c->endline;
        eof = c->eof;
      } else {
        pos = fx.end;
        line += fx.endline - 1;
        eof = fx.eof;
      }
    }
    ld->gmap = NULL;
    /* the bytes before pos are done with: out of the process's memory
     * (they stay in the page cache) */
    size_t done = pos / pagesz * pagesz;
    if (done > dropped) {
      madvise(buf + dropped, done - dropped, MADV_DONTNEED);
      dropped = done;
    }
    if (!reserved && !ld->rc && ld->t->nrows > 0) {
      reserved = 1;
      revl_ld_reserve(ld, pos, fsize);
    }
    if (!ld->rc) revl_ld_progress_show(&prog, ld->path, ld->t->nrows, pos, fsize);
    pthread_mutex_lock(&p.mu);
    s->state = 0;
    p.merged = k + 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
  }
  rc = ld->rc;
  goto out;
nomem:
  rc = ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 0, 0,
                               "not enough memory");
out:
  revl_ld_progress_end(&prog);
  if (nth) {
    atomic_store(&p.halt, 1);
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < nth; i++) pthread_join(th[i], NULL);
  }
  if (sync_ok) {
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
  }
  for (size_t i = 0; p.slots && i < p.nslots; i++) cp_done(&p.slots[i].c);
  free(p.slots);
  free(th);
  free(bound);
  free(gmap);
  free(strcols);
  cp_done(&hd);
  cp_done(&fx);
  free(proto.kind);
  revl_mapguard_del(guard);
  munmap(buf, fsize);
  ld->gmap = NULL;
  return rc ? rc : ld->rc;
}
