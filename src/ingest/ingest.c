/*
 * ingest.c -- CSV records into typed columns: the header, the values,
 * the keys, the row appended or rejected.  The threads and
 * revl_load_file are in loadfile.c, what follows the rows in infer.c.
 *
 * Two threads share a file.  The reader (rd_*, in reader.c) reads it in large blocks
 * and hands it to libcsv one physical line at a time, so every record
 * knows the line it started on; it collects whole records into batches
 * and, while the loading thread has work queued, parses their values
 * too (rd_type).  The loading thread (on_record) takes the batches in
 * file order, parses what the reader left, interns strings, checks keys
 * and only then appends the row to the columns: a row is either loaded
 * whole or rejected whole, every problem is reported in file order as
 * if one thread had done it all, and nothing is allocated per row.
 *
 * Canonical fields get their schema type.  Custom fields are loaded as
 * interned strings and given a type afterwards, from every distinct
 * value they hold (see infer_types).
 */
#include "loader.h"

#include <csv.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_COLUMNS 16384     /* columns in a header (Excel's limit too) */




const char *const revl_ld_default_nulls[REVL_LD_NDEFAULT_NULLS] = {"", "NULL", "null", "N/A", "n/a",
                                      "#N/A"};

/* A value quoted in a message: at most 60 bytes of it, control bytes and
 * bytes that are not UTF-8 text written as \xHH, "..." when cut short.
 * A message stays one line of valid text whatever the input holds. */
static const char *show(const char *s, size_t n, char *buf, size_t size) {
  size_t o = 0, i = 0;
  while (i < n && i < 60 && o + 8 < size) {
    unsigned char c = (unsigned char)s[i];
    size_t k = 1;
    if (c >= 0x80) {
      k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + k > n || !revl_utf8_valid(s + i, k)) k = 0;
    }
    if (k == 0 || c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
      i++;
      continue;
    }
    memcpy(buf + o, s + i, k);
    o += k;
    i += k;
  }
  if (i < n) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
  return buf;
}

/* The current record re-encoded as CSV, for the rejects file. */
static size_t encode_record(loader *ld, char *buf, size_t size) {
  size_t n = 0;
  for (int j = 0; j < ld->nf && n + 4 < size; j++) {
    if (j) buf[n++] = ',';
    const char *f = ld->row + ld->foff[j];
    size_t len = ld->flen[j];
    int q = memchr(f, ',', len) || memchr(f, '"', len) ||
            memchr(f, '\n', len) || memchr(f, '\r', len);
    if (q) buf[n++] = '"';
    for (size_t k = 0; k < len && n + 3 < size; k++) {
      if (f[k] == '"') buf[n++] = '"';
      buf[n++] = f[k] ? f[k] : ' ';
    }
    if (q && n + 1 < size) buf[n++] = '"';
  }
  buf[n] = '\0';
  return n;
}

/* Report a problem with the current record.  Strict: a fatal error.
 * Otherwise: when reject is set the row is rejected (returns 1), else the
 * value becomes null and the problem is only counted. */
static int problem(loader *ld, int csvcol, int reject, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static int problem(loader *ld, int csvcol, int reject, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (ld->strict) {
    ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, ld->rec_line,
                            csvcol + 1, "%s", msg);
    return 1;
  }
  if (reject) {
    static char rec[8192];
    size_t n = encode_record(ld, rec, sizeof rec);
    revl_table_add_reject(ld->t, ld->rec_line, csvcol + 1, msg, rec, n);
  }
  return reject;
}

/* ---- header -------------------------------------------------------- */

#define trim revl_trim

static const char *mapped_name(const loader *ld, const char *header) {
  const revl_table_map *m = ld->map;
  if (m) {
    for (int i = 0; i < m->npairs; i++)
      if (strcmp(m->rename_from[i], header) == 0) return m->rename_to[i];
  }
  const char *f = revl_preset_field(m ? m->preset : 0, ld->t->name, header);
  /* a field the mapping derives is not also read by the preset: the
   * header stays a custom column ("Created" with created_at derived
   * from it by a date format) */
  for (int k = 0; f && m && k < m->nderive; k++)
    if (strcmp(m->derive[k].name, f) == 0) return NULL;
  return f;
}

/* Does the mapping rename this header itself (columns = {...})? */
static int renamed(const revl_table_map *m, const char *header) {
  for (int i = 0; m && i < m->npairs; i++)
    if (strcmp(m->rename_from[i], header) == 0) return 1;
  return 0;
}

/* Is name one of the mapping's constants (added after the load)? */
static int is_constant(const revl_table_map *m, const char *name) {
  for (int k = 0; m && k < m->nconsts; k++)
    if (strcmp(m->const_name[k], name) == 0) return 1;
  return 0;
}

/* The column name of a custom header: snake_case ("Lead Score" ->
 * lead_score, "UserRoleId" -> user_role_id, "# of Seats" -> of_seats);
 * bytes of UTF-8 letters are kept.  Empty when nothing is left. */
void revl_snake_case(const char *h, char *out, size_t size) {
  size_t n = 0;
  int sep = 0;
  for (size_t i = 0; h[i] && n + 2 < size; i++) {
    unsigned char c = (unsigned char)h[i], next = (unsigned char)h[i + 1];
    if (isalnum(c) || c >= 0x80) {
      unsigned char prev = i ? (unsigned char)h[i - 1] : 0;
      /* a word starts at an upper-case letter after a lower-case one or
       * a digit, or before a lower-case one after upper-case ones */
      int word = isupper(c) && i &&
                 (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next)));
      if (n && (sep || word)) out[n++] = '_';
      out[n++] = c < 0x80 ? (char)tolower(c) : (char)c;
      sep = 0;
    } else {
      sep = 1;
    }
  }
  out[n] = '\0';
}

/* " (headers: a, b, c; nearest: x)" for a missing required field. */
static void headers_hint(const loader *ld, const char *field, char *buf, size_t size) {
  size_t n = (size_t)snprintf(buf, size, " (headers:");
  revl_near nr;
  revl_near_init(&nr, field);
  for (int j = 0; j < ld->t->ncols && n + 8 < size; j++) {
    const revl_column *c = ld->t->cols[j];
    const char *h = c->label ? c->label : c->name;
    n += (size_t)snprintf(buf + n, size - n, "%s %s", j ? "," : "", h);
    revl_near_add(&nr, c->name);
    if (c->label) revl_near_add(&nr, c->label);
  }
  char near[160];
  revl_near_hint(&nr, near, sizeof near);
  if (n + 2 < size) snprintf(buf + n, size - n, ")%s", near);
}

static int setup_header(loader *ld) {
  revl_table *t = ld->t;
  const revl_table_def *def = revl_table_def_find(t->name);
  if (ld->nf > MAX_COLUMNS)
    return ld->rc = revl_error_set(
               ld->err, REVL_EDATA, ld->path, ld->rec_line, 0,
               "header has %d columns; revl reads at most %d (is this a CSV "
               "file?)", ld->nf, MAX_COLUMNS);
  ld->ncsv = ld->nf;
  ld->nslots = ld->nf + (ld->map ? ld->map->nderive : 0);
  ld->target = malloc((size_t)ld->nslots * sizeof *ld->target);
  ld->isnull = malloc((size_t)ld->nslots);
  ld->vals = malloc((size_t)ld->nslots * sizeof *ld->vals);
  ld->curs = malloc((size_t)ld->nslots * sizeof *ld->curs);
  if (!ld->target || !ld->isnull || !ld->vals || !ld->curs)
    return ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 1, 0,
                                   "not enough memory");
  for (int j = 0; j < ld->nf; j++) {
    const char *h = ld->row + ld->foff[j];
    size_t hn = ld->flen[j];
    trim(&h, &hn);
    char name[256];
    if (hn == 0)
      snprintf(name, sizeof name, "column_%d", j + 1);
    else
      snprintf(name, sizeof name, "%.*s", (int)(hn < 255 ? hn : 255), h);
    if (!revl_utf8_valid(name, strlen(name)))
      return ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, 1, j + 1,
                                     "header is not valid UTF-8 text");
    const char *canon = mapped_name(ld, name);
    const revl_field_def *fd = NULL;
    if (canon && def)
      for (int k = 0; k < def->nfields; k++)
        if (strcmp(def->fields[k].name, canon) == 0) fd = &def->fields[k];
    char snake[256];
    const char *colname = canon ? canon : name;
    if (!canon) { /* a custom field: snake_case, the header kept as label */
      revl_snake_case(name, snake, sizeof snake);
      if (snake[0]) colname = snake;
    }
    char alt[300];
    int taken = revl_table_col(t, colname) >= 0;
    if (taken && canon && !renamed(ld->map, name)) {
      /* two headers recognised as one field ("Prospect ID" and "Lead
       * Number" both as id): the later one stays a custom column */
      revl_snake_case(name, snake, sizeof snake);
      if (snake[0] && strcmp(snake, canon) != 0 && revl_table_col(t, snake) < 0) {
        revl_table_add_warning(t, "%s:1:%d: '%s' also reads as %s, which an "
                               "earlier column is: kept as custom '%s'",
                               ld->path, j + 1, name, canon, snake);
        colname = snake;
        fd = NULL;
        taken = 0;
      }
    }
    if (taken) {
      /* a second column with the same name: keep it under name_2 */
      int k = 2;
      do snprintf(alt, sizeof alt, "%s_%d", colname, k++);
      while (revl_table_col(t, alt) >= 0);
      if (ld->strict)
        return ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, 1,
                                       j + 1, "duplicate column name '%s'",
                                       name);
      revl_table_add_warning(t, "%s:1:%d: duplicate column '%s' kept as '%s'",
                             ld->path, j + 1, name, alt);
      colname = alt;
      fd = NULL;
    }
    int ci = revl_table_add_col(t, colname, fd ? fd->type : REVL_T_STRING);
    if (ci < 0)
      return ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 1, 0,
                                     "not enough memory");
    if (colname == snake && strcmp(snake, name) != 0 && revl_table_set_label(t, ci, name))
      return ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 1, 0,
                                     "not enough memory");
    t->cols[ci]->canonical = fd != NULL;
    t->cols[ci]->required = fd ? fd->required : 0;
    ld->target[j] = ci;
    if (fd && strcmp(fd->name, "currency") == 0) ld->cur_csv = j;
    if (fd && strcmp(fd->name, "probability") == 0) {
      ld->prob_col = ci;
      ld->prob_csv = j;
    }
  }
  /* the mapping's derived columns and declared types (derived.c) */
  revl_rowview hdr = {ld->row, ld->foff, ld->flen};
  int drc = revl_derived_setup(&ld->dv, ld->s, t, ld->map, ld->path, &hdr,
                               ld->ncsv, ld->target, ld->err);
  if (drc == REVL_ENOMEM)
    return ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 1, 0,
                                   "not enough memory");
  if (drc) return ld->rc = drc;
  /* required fields must have a column */
  if (def)
    for (int k = 0; k < def->nfields; k++)
      if (def->fields[k].required && revl_table_col(t, def->fields[k].name) < 0 &&
          !is_constant(ld->map, def->fields[k].name) &&
          !(ld->map && ld->map->exp_start && strcmp(def->fields[k].name, "period") == 0)) {
        char hint[1024];
        headers_hint(ld, def->fields[k].name, hint, sizeof hint);
        return ld->rc = revl_error_set(
                   ld->err, REVL_EDATA, ld->path, 1, 0,
                   "no column for required field '%s' of %s%s; map one in "
                   "mapping.lua (columns = {['Header'] = '%s'})",
                   def->fields[k].name, t->name, hint, def->fields[k].name);
      }
  /* the primary key */
  const char *key = ld->map && ld->map->key ? ld->map->key : def ? def->pk : NULL;
  if (key) {
    t->pk = revl_table_col(t, key);
    if (t->pk < 0 && ld->map && ld->map->key)
      return ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, 1, 0,
                                     "key column '%s' is not in the header",
                                     key);
    if (t->pk >= 0) {
      for (int j = 0; j < ld->nslots; j++) /* a derived key too */
        if (ld->target[j] == t->pk) ld->pk_csv = j;
      t->cols[t->pk]->required = 1;
      if (t->cols[t->pk]->type != REVL_T_STRING)
        return ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, 1, 0,
                                       "key column '%s' must be text", key);
    }
  }
  /* the string columns, whose values are hashed and prefetched ahead */
  ld->strcsv = malloc((size_t)ld->ncsv * sizeof *ld->strcsv);
  if (!ld->strcsv)
    return ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, 1, 0,
                                   "not enough memory");
  for (int j = 0; j < ld->ncsv; j++)
    if (t->cols[ld->target[j]]->type == REVL_T_STRING)
      ld->strcsv[ld->nstrcsv++] = j;
  ld->header_done = 1;
  return 0;
}

/* ---- values -------------------------------------------------------- */

void revl_ld_nulls_add(nullset *ns, const char *tok) {
  ns->tok[ns->n] = tok;
  ns->len[ns->n] = strlen(tok);
  ns->mask |= revl_len_bit(ns->len[ns->n++]);
}

#define is_null revl_is_null

#define currency_code revl_currency_code

static int parse_value(loader *ld, revl_column *c, const char *s, size_t n,
                       value *v, uint32_t hash, uint32_t cur,
                       uint32_t *outcur,
                       const char **why) {
  const revl_parse_opts *po = ld->map ? &ld->map->popts : NULL;
  switch (c->type) {
  case REVL_T_STRING:
    if (n > MAX_STRING) {
      *why = "value longer than 1 MiB";
      return -1;
    }
    if (!revl_utf8_valid(s, n)) {
      *why = "not valid UTF-8 text";
      return -1;
    }
    v->s = revl_intern_add_h(&ld->s->strings, s, n, hash);
    if (!v->s) {
      *why = "not enough memory";
      return -1;
    }
    return 0;
  case REVL_T_INT:
    *why = "not an integer";
    return revl_parse_int(s, n, po, &v->i);
  case REVL_T_NUMBER:
    if (ld->prob_col >= 0 && c == ld->t->cols[ld->prob_col]) {
      *why = "not a percentage";
      if (memchr(s, '%', n) || ld->prob_scale == 100) {
        ld->row_pct = 1; /* already a fraction: never rescaled */
        return revl_parse_percent(s, n, po, 100, &v->d);
      }
      if (revl_parse_number(s, n, po, &v->d)) return -1;
      if (v->d > ld->prob_max) ld->prob_max = v->d;
      return 0;
    }
    *why = "not a number";
    return revl_parse_number(s, n, po, &v->d);
  case REVL_T_BOOL: {
    int b;
    *why = "not a boolean (true/false, yes/no, 1/0)";
    if (revl_parse_bool(s, n, &b)) return -1;
    v->i = b;
    return 0;
  }
  case REVL_T_DATE:
    *why = "not a date";
    return revl_parse_date(s, n, po, &v->date);
  case REVL_T_DATETIME:
    *why = "not a date-time";
    return revl_parse_datetime(s, n, po, &v->i);
  case REVL_T_MONEY: {
    char code[4];
    const char *cs = revl_intern_str(&ld->s->strings, cur);
    if (cur != ld->dec_cur) {
      ld->dec_cur = cur;
      ld->dec = revl_currency_decimals(cs);
    }
    int dec = ld->dec;
    if (revl_parse_money(s, n, po, dec, &v->i, code)) {
      *why = "not an amount of money";
      return -1;
    }
    *outcur = cur;
    if (code[0]) {
      uint32_t id = revl_intern_add(&ld->s->strings, code, 3);
      if (ld->row_cur && id != cur) {
        snprintf(ld->why, sizeof ld->why,
                 "in %s, but the currency column says %s", code, cs);
        *why = ld->why;
        return -1;
      }
      *outcur = id;
    }
    return 0;
  }
  }
  return -1;
}

/* Slot of primary key id in the keys seen so far: 1 when it is there
 * (a duplicate), 0 when *slot is free for it, -1 when out of memory.
 * Grows the table first so that the free slot stays valid. */
static int key_slot(loader *ld, uint32_t id, uint32_t *slot) {
  if ((ld->nkeys + 1) * 2 > (size_t)ld->kmask + 1 || !ld->keys) {
    uint32_t size = ld->keys ? (ld->kmask + 1) * 2 : 1024;
    uint32_t *k = calloc(size, sizeof *k), *r = malloc(size * sizeof *r);
    if (!k || !r) {
      free(k);
      free(r);
      return -1;
    }
    for (uint32_t i = 0; ld->keys && i <= ld->kmask; i++) {
      if (!ld->keys[i]) continue;
      uint32_t j = (uint32_t)(ld->keys[i] * 2654435761u) & (size - 1);
      while (k[j]) j = (j + 1) & (size - 1);
      k[j] = ld->keys[i];
      r[j] = ld->krows[i];
    }
    free(ld->keys);
    free(ld->krows);
    ld->keys = k;
    ld->krows = r;
    ld->kmask = size - 1;
  }
  uint32_t j = (uint32_t)(id * 2654435761u) & ld->kmask;
  while (ld->keys[j] && ld->keys[j] != id) j = (j + 1) & ld->kmask;
  *slot = j;
  return ld->keys[j] != 0;
}

/* Room for cap rows in the row -> line map (and the row -> "written
 * with %" flags, kept only when there is a probability column). */
int revl_ld_reserve_lines(loader *ld, size_t cap) {
  if (cap <= ld->caplines) return 0;
  uint32_t *l = realloc(ld->lines, cap * sizeof *l);
  if (!l) return -1;
  ld->lines = l;
  if (ld->prob_col >= 0) {
    uint8_t *pc = realloc(ld->pct, cap);
    if (!pc) return -1;
    ld->pct = pc;
  }
  if (ld->drop) {
    uint8_t *d = realloc(ld->drop, cap);
    if (!d) return -1;
    memset(d + ld->caplines, 0, cap - ld->caplines);
    ld->drop = d;
  }
  ld->caplines = cap;
  return 0;
}

/* A value the mapping declared that does not fit: the load stops. */
static int fatal(loader *ld, int csvcol, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fatal(loader *ld, int csvcol, const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, ld->rec_line,
                          csvcol >= 0 ? csvcol + 1 : 0, "%s", msg);
  return 1;
}

/* Derived column k of the current record into its slot.  1 when the
 * row is done with (rejected, or the load stops). */
static int derive_slot(loader *ld, int k, uint32_t cur) {
  const revl_derive *d = &ld->map->derive[k];
  int j = ld->ncsv + k, src = ld->dv.src[k];
  revl_column *c = ld->t->cols[ld->target[j]];
  const revl_parse_opts *po = &ld->map->popts;
  revl_rowview rv = {ld->row, ld->foff, ld->flen};
  revl_dval dv;
  char why[400], txt[64];
  int bad;
  ld->isnull[j] = 0;
  ld->curs[j] = cur;
  if (revl_derive_apply(d, src, ld->dv.parts[k], &rv, &ld->nulls, po, ld->dv.buf,
                        ld->dv.cap, &dv, why, sizeof why, &bad))
    return fatal(ld, bad, "%s: %s", c->name, why);
  const char *s = dv.s;
  size_t n = dv.n;
  switch (dv.kind) {
  case REVL_DV_TEXT:
    if (is_null(&ld->nulls, s, n)) dv.kind = REVL_DV_NULL;
    break;
  case REVL_DV_DATE:
  case REVL_DV_DATETIME:
    if (c->type == REVL_T_DATE) {
      ld->vals[j].date = dv.kind == REVL_DV_DATE ? dv.days
                         : (int32_t)((dv.secs - (((dv.secs % 86400) + 86400) % 86400)) / 86400);
      return 0;
    }
    if (c->type == REVL_T_DATETIME) {
      ld->vals[j].i = dv.kind == REVL_DV_DATE ? (int64_t)dv.days * 86400 : dv.secs;
      return 0;
    }
    if (dv.kind == REVL_DV_DATE) revl_format_date(dv.days, txt, sizeof txt);
    else revl_format_datetime(dv.secs, txt, sizeof txt);
    s = txt;
    n = strlen(txt);
    break;
  case REVL_DV_DEC:
    if (c->type == REVL_T_MONEY || c->type == REVL_T_INT) {
      int dec = 0;
      if (c->type == REVL_T_MONEY)
        dec = revl_currency_decimals(revl_intern_str(&ld->s->strings, cur));
      if (revl_dec_to_minor(dv.m, dv.e, dec, &ld->vals[j].i)) {
        revl_dec_format(dv.m, dv.e, txt, sizeof txt);
        return fatal(ld, src, "%s: %s (derive %s, scaled) is not a whole number "
                     "of %s", c->name, txt, d->name,
                     c->type == REVL_T_MONEY ? "minor units of its currency" : "units");
      }
      return 0;
    }
    revl_dec_format(dv.m, dv.e, txt, sizeof txt);
    if (c->type == REVL_T_NUMBER) {
      ld->vals[j].d = strtod(txt, NULL);
      return 0;
    }
    s = txt;
    n = strlen(txt);
    break;
  default: break;
  }
  if (dv.kind == REVL_DV_NULL) {
    ld->isnull[j] = 1;
    if (c->required)
      return problem(ld, src, 1, "%s: required value is missing (derive %s)",
                     c->name, d->name);
    return 0;
  }
  const char *w = "";
  if (parse_value(ld, c, s, n, &ld->vals[j], revl_intern_hash(s, n), cur,
                  &ld->curs[j], &w)) {
    char shown[256];
    return fatal(ld, src, "%s: %s: \"%s\" (made by derive %s)", c->name, w,
                 show(s, n, shown, sizeof shown), d->name);
  }
  return 0;
}

/* A column whose type the mapping declared (types = {...}): what the
 * usual parser does not do (a date format, a fixed currency) is done
 * here, and a value that does not fit stops the load.  0 or 1 as
 * derive_slot. */
static int declared_value(loader *ld, int j, revl_column *c, const char *s,
                          size_t n, uint32_t cur) {
  const revl_coltype *ct = ld->dv.ctype[j];
  char shown[256];
  const char *w = "";
  int bad;
  if (ct->date.fmt[0]) {
    int32_t days;
    int64_t secs;
    bad = revl_datefmt_parse(&ct->date, s, n, &days, &secs);
    if (c->type == REVL_T_DATE) ld->vals[j].date = days;
    else ld->vals[j].i = secs;
  } else {
    uint32_t use = ld->dv.ccur[j] ? ld->dv.ccur[j] : cur;
    int row_cur = ld->row_cur;
    if (ld->dv.ccur[j]) ld->row_cur = 1; /* a code in the value must match */
    bad = parse_value(ld, c, s, n, &ld->vals[j], ld->fhash[j], use,
                      &ld->curs[j], &w);
    ld->row_cur = row_cur;
  }
  if (!bad) return 0;
  char what[96];
  if (ct->date.fmt[0]) {
    char fmt[64];
    size_t o = 0;
    for (const char *p = ct->date.fmt; *p && o + 1 < sizeof fmt; p++)
      if (*p != '%') fmt[o++] = *p;
    fmt[o] = '\0';
    snprintf(what, sizeof what, "a %s in the format %s",
             c->type == REVL_T_DATE ? "date" : "date-time", fmt);
  } else if (c->type == REVL_T_MONEY) {
    snprintf(what, sizeof what, "money%s%s", ct->currency[0] ? " in " : "",
             ct->currency);
  } else if (c->type == REVL_T_BOOL) {
    snprintf(what, sizeof what, "a boolean (yes/no, y/n, true/false, 1/0)");
  } else {
    snprintf(what, sizeof what, "%s %s", c->type == REVL_T_INT ? "an" : "a",
             revl_type_word(c->type));
  }
  if (ct->by_expand == 2) /* not written in types: implied by expand's events */
    return fatal(ld, j, "%s: \"%s\" is not %s (expand's events read it so; "
                 "types = { %s = ... } of %s in the mapping gives its format)",
                 c->name, show(s, n, shown, sizeof shown), what, c->name, ld->t->name);
  if (ct->by_expand) /* not written in types: implied by expand */
    return fatal(ld, j, "%s: \"%s\" is not %s (expand reads it as a date; "
                 "types = { %s = { \"date\", \"d.m.Y\" } } gives its format)",
                 c->name, show(s, n, shown, sizeof shown), what, c->name);
  return fatal(ld, j, "%s: \"%s\" is not %s (types = { %s = ... } in the "
               "mapping)", c->name, show(s, n, shown, sizeof shown), what,
               ct->name);
}

void revl_ld_on_record(loader *ld) {
  revl_table *t = ld->t;
  if (ld->rc) return;
  if (!ld->header_done) {
    setup_header(ld);
    return;
  }
  /* a line holding only whitespace is not a record */
  if (ld->nf == 1 && ld->flen[0] == 0) return;
  /* a ragged row that runs over several lines has a quote out of place */
  char span[96] = "";
  if (ld->line > ld->rec_line)
    snprintf(span, sizeof span,
             " (the row runs over lines %ld-%ld: check its quotes)",
             ld->rec_line, ld->line);
  if (ld->nf < ld->ncsv) {
    problem(ld, ld->nf - 1, 1, "row has %d fields, header has %d%s", ld->nf,
            ld->ncsv, span);
    return;
  }
  if (ld->nf > ld->ncsv) {
    for (int j = ld->ncsv; j < ld->nf; j++)
      if (ld->flen[j]) {
        problem(ld, j, 1, "row has %d fields, header has %d%s", ld->nf,
                ld->ncsv, span);
        return;
      }
  }
  ld->row_pct = 0;
  ld->row_cur = 0;
  char shown[256];
  /* the row's currency first: amounts are parsed in its minor units */
  uint32_t cur = ld->def_cur;
  if (ld->cur_csv >= 0) {
    const char *s = ld->row + ld->foff[ld->cur_csv];
    size_t n = ld->flen[ld->cur_csv];
    trim(&s, &n);
    char up[4];
    if (n && !is_null(&ld->nulls, s, n)) {
      if (!currency_code(s, n, up)) {
        if (problem(ld, ld->cur_csv, 1,
                    "currency: \"%s\" is not an ISO 4217 code like USD",
                    show(s, n, shown, sizeof shown)))
          return;
      } else {
        cur = revl_intern_add(&ld->s->strings, up, 3);
        ld->row_cur = 1;
      }
    }
  }
  for (int j = 0; j < ld->ncsv; j++) {
    revl_column *c = t->cols[ld->target[j]];
    ld->isnull[j] = 0;
    int pre = ld->fst ? ld->fst[j] : PRE_NONE;
    /* typed on the reader thread: values need no second look */
    if (pre == PRE_OK && c->type != REVL_T_STRING) {
      ld->vals[j] = ld->fval[j];
      ld->curs[j] = cur;
      continue;
    }
    const char *s = ld->row + ld->foff[j];
    size_t n = ld->flen[j];
    if (pre != PRE_NULL) trim(&s, &n);
    if (pre == PRE_OK) {
      /* strings are valid text, hashed */
      if (ld->flid) { /* once per distinct string of a chunk */
        uint32_t *g = &ld->gmap[ld->flid[j]];
        if (!*g) *g = revl_intern_add_h(&ld->s->strings, s, n, ld->fhash[j]);
        ld->vals[j].s = *g;
      } else {
        ld->vals[j].s = revl_intern_add_h(&ld->s->strings, s, n, ld->fhash[j]);
      }
      if (ld->vals[j].s) continue;
      /* out of memory: the general path says so */
    }
    if (pre == PRE_NULL || (pre == PRE_NONE && is_null(&ld->nulls, s, n))) {
      ld->isnull[j] = 1;
      if (c->required) {
        problem(ld, j, 1, "%s: required value is missing", c->name);
        return;
      }
      continue;
    }
    if (ld->dv.ctype && ld->dv.ctype[j]) {
      if (declared_value(ld, j, c, s, n, cur)) return;
      continue;
    }
    const char *why = "";
    if (parse_value(ld, c, s, n, &ld->vals[j], ld->fhash[j], cur,
                    &ld->curs[j], &why)) {
      int reject = c->required || strcmp(why, "not enough memory") == 0;
      show(s, n, shown, sizeof shown);
      if (problem(ld, j, reject, "%s: %s: \"%s\"", c->name, why, shown))
        return;
      if (c->nbad++ == 0)
        revl_table_add_warning(t, "%s:%ld:%d: %s: %s: \"%s\" (made null)",
                               ld->path, ld->rec_line, j + 1, c->name, why,
                               shown);
      ld->isnull[j] = 1;
    }
  }
  for (int k = 0; k < ld->dv.nderive; k++)
    if (derive_slot(ld, k, cur)) return;
  /* a row repeating an earlier primary key is rejected; the first stays.
   * A bitmap over intern ids answers "seen before?" without a cache miss
   * on a big table; the id -> row map that names the first row is only
   * built once a duplicate turns up. */
  uint32_t kslot = 0;
  int replace = 0;
  if (ld->pk_csv >= 0) {
    uint32_t id = ld->vals[ld->pk_csv].s;
    if (id / 64 < ld->pkwords && ((ld->pkbits[id / 64] >> (id % 64)) & 1)) {
      if (!ld->dupmode) {
        revl_column *pkc = t->cols[t->pk];
        for (size_t r = 0; r < t->nrows; r++) {
          uint32_t s0;
          if (key_slot(ld, pkc->v.str[r], &s0) < 0) goto nomem;
          ld->keys[s0] = pkc->v.str[r];
          ld->krows[s0] = (uint32_t)r;
          ld->nkeys++;
        }
        ld->dupmode = 1;
      }
      if (key_slot(ld, id, &kslot) < 0) goto nomem;
      int policy = ld->map ? ld->map->dup_policy : REVL_DUP_FIRST;
      unsigned first_line = (unsigned)ld->lines[ld->krows[kslot]];
      show(revl_intern_str(&ld->s->strings, id),
           revl_intern_len(&ld->s->strings, id), shown, sizeof shown);
      if (policy == REVL_DUP_ERROR) {
        ld->rc = revl_error_set(ld->err, REVL_EDATA, ld->path, ld->rec_line,
                                ld->pk_csv + 1,
                                "%s: duplicate key \"%s\" (first at line %u; "
                                "the mapping says duplicates = \"error\")",
                                t->cols[t->pk]->name, shown, first_line);
        return;
      }
      if (policy == REVL_DUP_FIRST || policy == REVL_DUP_LAST) {
        /* an export that wrote a record twice, or two versions of it? */
        size_t kept = ld->krows[kslot];
        int dj = revl_dup_differs(t, kept, ld->target, ld->nslots, ld->pk_csv,
                                  ld->isnull, ld->vals, ld->curs);
        if (ld->strict) {
        } else if (dj < 0) {
          t->ndup_same++;
        } else if (t->ndup_differ++ == 0) {
          char d[200];
          revl_dup_describe(ld->s, t, kept, ld->target[dj], ld->isnull[dj],
                            ld->vals[dj], ld->curs[dj], d, sizeof d);
          snprintf(ld->dup_example, sizeof ld->dup_example,
                   "\"%s\" at lines %u and %ld: %s", shown, first_line,
                   ld->rec_line, d);
        }
      }
      if (policy == REVL_DUP_LAST) {
        /* this row replaces the kept one, which is rejected */
        if (ld->strict) {
          problem(ld, ld->pk_csv, 1, "%s: duplicate key \"%s\" (first at line %u)",
                  t->cols[t->pk]->name, shown, first_line);
          return;
        }
        if (!ld->drop && !(ld->drop = calloc(ld->caplines ? ld->caplines : 1, 1)))
          goto nomem;
        ld->drop[ld->krows[kslot]] = 1;
        ld->ndrop++;
        char msg[400];
        snprintf(msg, sizeof msg, "%s: duplicate key \"%s\" (replaced by the "
                 "row at line %ld: duplicates = \"last\")", t->cols[t->pk]->name,
                 shown, ld->rec_line);
        revl_table_add_reject(t, first_line, ld->pk_csv + 1, msg, "", 0);
        t->nduplicate++;
        replace = 1;
        goto push;
      }
      if (policy == REVL_DUP_KEEP) {
        /* kept under "KEY#LINE": unique, since lines are */
        char gen[600];
        int gl = snprintf(gen, sizeof gen, "%.*s#%ld",
                          (int)revl_intern_len(&ld->s->strings, id),
                          revl_intern_str(&ld->s->strings, id), ld->rec_line);
        if (gl < 0 || (size_t)gl >= sizeof gen) gl = (int)sizeof gen - 1;
        uint32_t gid = revl_intern_add(&ld->s->strings, gen, (size_t)gl);
        uint32_t gslot;
        if (key_slot(ld, gid, &gslot) < 0) goto nomem;
        if (gid / 64 < ld->pkwords && ((ld->pkbits[gid / 64] >> (gid % 64)) & 1)) {
          if (problem(ld, ld->pk_csv, 1, "%s: generated key \"%s\" is already a key",
                      t->cols[t->pk]->name, gen) && !ld->strict)
            t->nduplicate++;
          return;
        }
        revl_table_add_warning(t, "%s:%ld:%d: %s: duplicate key \"%s\" (first at "
                               "line %u) kept as \"%s\"", ld->path, ld->rec_line,
                               ld->pk_csv + 1, t->cols[t->pk]->name, shown,
                               first_line, gen);
        ld->vals[ld->pk_csv].s = gid;
        id = gid;
        kslot = gslot;
        if (id / 64 >= ld->pkwords) {
          size_t words = (ld->s->strings.n / 64 + 1) * 2;
          uint64_t *b = realloc(ld->pkbits, words * sizeof *b);
          if (!b) goto nomem;
          memset(b + ld->pkwords, 0, (words - ld->pkwords) * sizeof *b);
          ld->pkbits = b;
          ld->pkwords = words;
        }
        goto push;
      }
      if (problem(ld, ld->pk_csv, 1, "%s: duplicate key \"%s\" (first at line %u)",
                  t->cols[t->pk]->name, shown, first_line) && !ld->strict)
        t->nduplicate++;
      return;
    }
    if (ld->dupmode && key_slot(ld, id, &kslot) < 0) goto nomem;
    if (id / 64 >= ld->pkwords) {
      size_t words = (ld->s->strings.n / 64 + 1) * 2;
      uint64_t *b = realloc(ld->pkbits, words * sizeof *b);
      if (!b) goto nomem;
      memset(b + ld->pkwords, 0, (words - ld->pkwords) * sizeof *b);
      ld->pkbits = b;
      ld->pkwords = words;
    }
  }
push:
  for (int j = 0; j < ld->nslots; j++) {
    revl_column *c = t->cols[ld->target[j]];
    int rc;
    if (ld->isnull[j])
      rc = revl_col_push_null(c);
    else
      switch (c->type) {
      case REVL_T_STRING: rc = revl_col_push_str(c, ld->vals[j].s); break;
      case REVL_T_NUMBER: rc = revl_col_push_f64(c, ld->vals[j].d); break;
      case REVL_T_BOOL: rc = revl_col_push_bool(c, (int)ld->vals[j].i); break;
      case REVL_T_DATE: rc = revl_col_push_date(c, ld->vals[j].date); break;
      case REVL_T_MONEY:
        rc = revl_col_push_money(c, ld->vals[j].i, ld->curs[j]);
        break;
      default: rc = revl_col_push_i64(c, ld->vals[j].i); break;
      }
    if (rc) goto nomem;
  }
  if (ld->pk_csv >= 0) {
    uint32_t id = ld->vals[ld->pk_csv].s;
    ld->pkbits[id / 64] |= 1ull << (id % 64);
    if (ld->dupmode) {
      ld->keys[kslot] = id;
      ld->krows[kslot] = (uint32_t)t->nrows;
      ld->nkeys += !replace;
    }
  }
  if (t->nrows == ld->caplines &&
      revl_ld_reserve_lines(ld, ld->caplines ? ld->caplines * 2 : 1024) != 0)
    goto nomem;
  if (ld->pct) ld->pct[t->nrows] = (uint8_t)ld->row_pct;
  ld->lines[t->nrows++] = (uint32_t)ld->rec_line;
  return;
nomem:
  ld->rc = revl_error_set(ld->err, REVL_ENOMEM, ld->path, ld->rec_line, 0,
                          "not enough memory");
}

