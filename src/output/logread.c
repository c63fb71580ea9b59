/*
 * logread.c -- a decision log read back for `revl log`: the rows of
 * NAME.csv (libcsv) joined with NAME.run.json by run_id, or the rows of
 * NAME.jsonl under their {"run": ...} line, written again with the run's
 * metadata on every row.  A small JSON scanner reads what revl.log
 * writes (objects, arrays, strings, numbers, literals); it checks
 * structure, not every corner of RFC 8259.  No Lua.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "revl/logread.h"
#include "revl/sbuf.h"

/* ---- JSON scanning ------------------------------------------------------- */

typedef struct span {
  const char *p, *e; /* [p, e); p NULL when absent */
} span;

static const char *ws(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
  return p;
}

/* The end of the value at p (after white space), or NULL. */
static const char *jskip(const char *p, const char *e, int depth) {
  p = ws(p, e);
  if (p >= e || depth > 32) return NULL;
  if (*p == '"') {
    for (p++; p < e; p++) {
      if (*p == '\\') p++;
      else if (*p == '"') return p + 1;
    }
    return NULL;
  }
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    p = ws(p + 1, e);
    if (p < e && *p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        if (p >= e || *p != '"' || !(p = jskip(p, e, depth + 1))) return NULL;
        p = ws(p, e);
        if (p >= e || *p != ':') return NULL;
        p++;
      }
      if (!(p = jskip(p, e, depth + 1))) return NULL;
      p = ws(p, e);
      if (p < e && *p == ',') {
        p = ws(p + 1, e);
        continue;
      }
      return p < e && *p == close ? p + 1 : NULL;
    }
  }
  const char *s = p;
  while (p < e && (strchr("+-.eE", *p) || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
    p++;
  return p > s ? p : NULL;
}

/* Next member of the object whose "{" or last value ends at *pp: 1 with
 * key and val (key with its quotes), 0 at the "}", -1 on bad JSON. */
static int jnext(const char **pp, const char *e, span *key, span *val) {
  const char *p = ws(*pp, e);
  if (p < e && *p == '{') p = ws(p + 1, e);
  else if (p < e && *p == ',') p = ws(p + 1, e);
  if (p < e && *p == '}') {
    *pp = p + 1;
    return 0;
  }
  if (p >= e || *p != '"') return -1;
  key->p = p;
  if (!(key->e = jskip(p, e, 1))) return -1;
  p = ws(key->e, e);
  if (p >= e || *p != ':') return -1;
  val->p = ws(p + 1, e);
  if (!(val->e = jskip(val->p, e, 1))) return -1;
  *pp = val->e;
  p = ws(val->e, e);
  return p < e && (*p == ',' || *p == '}') ? 1 : -1;
}

static int key_is(span k, const char *name) {
  size_t n = strlen(name);
  return (size_t)(k.e - k.p) == n + 2 && memcmp(k.p + 1, name, n) == 0;
}

static void put_utf8(revl_sbuf *b, unsigned long c) {
  char u[4];
  size_t n;
  if (c < 0x80) u[0] = (char)c, n = 1;
  else if (c < 0x800) u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 63)), n = 2;
  else if (c < 0x10000)
    u[0] = (char)(0xe0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 63)),
    u[2] = (char)(0x80 | (c & 63)), n = 3;
  else
    u[0] = (char)(0xf0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 63)),
    u[2] = (char)(0x80 | ((c >> 6) & 63)), u[3] = (char)(0x80 | (c & 63)), n = 4;
  revl_sb_add(b, u, n);
}

/* The text of a value as a CSV cell holds it: a string unquoted, null
 * nothing, anything else its JSON text. */
static void cell_text(revl_sbuf *b, span v) {
  if (v.e - v.p == 4 && memcmp(v.p, "null", 4) == 0) return;
  if (*v.p != '"') {
    revl_sb_add(b, v.p, (size_t)(v.e - v.p));
    return;
  }
  for (const char *p = v.p + 1; p < v.e - 1; p++) {
    if (*p != '\\') {
      revl_sb_add(b, p, 1);
      continue;
    }
    char c = *++p;
    if (c == 'n') revl_sb_add(b, "\n", 1);
    else if (c == 't') revl_sb_add(b, "\t", 1);
    else if (c == 'r') revl_sb_add(b, "\r", 1);
    else if (c == 'b') revl_sb_add(b, "\b", 1);
    else if (c == 'f') revl_sb_add(b, "\f", 1);
    else if (c == 'u' && v.e - 1 - p > 4) {
      char hex[5] = {p[1], p[2], p[3], p[4], 0};
      unsigned long u = strtoul(hex, NULL, 16);
      p += 4;
      if (u >= 0xd800 && u < 0xdc00 && v.e - 1 - p > 6 && p[1] == '\\' && p[2] == 'u') {
        char lo[5] = {p[3], p[4], p[5], p[6], 0};
        unsigned long l = strtoul(lo, NULL, 16);
        if (l >= 0xdc00 && l < 0xe000) {
          u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
          p += 6;
        }
      }
      put_utf8(b, u);
    } else revl_sb_add(b, &c, 1);
  }
}

/* ---- the run record ------------------------------------------------------ */

#define NMETA 7
static const char *const meta_names[NMETA] = {"as_of", "playbook", "commit", "dirty",
                                              "revl_version", "seed", "inputs"};

typedef struct runrec {
  revl_sbuf json;          /* the record's JSON text */
  revl_sbuf id;            /* its run_id */
  revl_sbuf vals[NMETA];   /* the CSV texts of meta_names */
} runrec;

static void rec_free(runrec *r) {
  revl_sb_free(&r->json);
  revl_sb_free(&r->id);
  for (int k = 0; k < NMETA; k++) revl_sb_free(&r->vals[k]);
}

/* Read the record at [p, e) (one JSON object); 0 or -1 when it is not
 * a run record (no run_id, no inputs list). */
static int rec_parse(runrec *r, const char *p, const char *e) {
  revl_sb_reset(&r->json);
  revl_sb_reset(&r->id);
  for (int k = 0; k < NMETA; k++) revl_sb_reset(&r->vals[k]);
  p = ws(p, e);
  const char *end = jskip(p, e, 0);
  if (!end || *p != '{') return -1;
  revl_sb_add(&r->json, p, (size_t)(end - p));
  span k, v;
  int st, have_inputs = 0;
  while ((st = jnext(&p, end, &k, &v)) == 1) {
    if (key_is(k, "run_id")) {
      cell_text(&r->id, v);
      continue;
    }
    int m;
    for (m = 0; m < NMETA && !key_is(k, meta_names[m]); m++) {}
    if (m == NMETA) continue;
    revl_sbuf *b = &r->vals[m];
    if (*v.p == '[') { /* seed: a list of seeds; inputs: file=sha256 */
      const char *q = ws(v.p + 1, v.e);
      int first = 1;
      while (q < v.e && *q != ']') {
        const char *qe = jskip(q, v.e, 1);
        if (!qe) return -1;
        if (!first) revl_sb_add(b, ";", 1);
        first = 0;
        if (strcmp(meta_names[m], "inputs") == 0) {
          span ik, iv, file = {0}, sha = {0};
          const char *ip = q;
          if (*q != '{') return -1;
          while (jnext(&ip, qe, &ik, &iv) == 1) {
            if (key_is(ik, "file")) file = iv;
            else if (key_is(ik, "sha256")) sha = iv;
          }
          if (!file.p || !sha.p) return -1;
          cell_text(b, file);
          revl_sb_add(b, "=", 1);
          cell_text(b, sha);
        } else {
          cell_text(b, (span){q, qe});
        }
        q = ws(qe, v.e);
        if (q < v.e && *q == ',') q = ws(q + 1, v.e);
      }
      if (m == 6) have_inputs = 1;
    } else {
      cell_text(b, v);
    }
  }
  return st == 0 && r->id.n && have_inputs ? 0 : -1;
}

/* ---- writing a row ------------------------------------------------------- */

/* A CSV cell as a JSON value: null when empty, a number when it reads
 * as one (no leading zeros, so ids like 007 stay strings), else a
 * string. */
static void json_cell(revl_csvw *w, const char *s, size_t n) {
  if (!n) {
    revl_csvw_raw(w, "null", 4);
    return;
  }
  size_t i = s[0] == '-';
  int num = i < n && s[i] >= '0' && s[i] <= '9' && !(s[i] == '0' && i + 1 < n && s[i + 1] != '.');
  int dot = 0;
  for (; num && i < n; i++) {
    if (s[i] == '.' && !dot && i + 1 < n) dot = 1;
    else if (s[i] < '0' || s[i] > '9') num = 0;
  }
  if (num) revl_csvw_raw(w, s, n);
  else revl_csvw_json(w, s, n);
}

static void csv_meta(revl_csvw *w, const runrec *r) {
  for (int k = 0; k < NMETA; k++) revl_csvw_field(w, revl_sb_str(&r->vals[k]), r->vals[k].n);
  revl_csvw_end(w);
}

static void json_run_end(revl_csvw *w, const runrec *r, int any) {
  revl_csvw_raw(w, any ? ",\"run\":" : "\"run\":", any ? 7 : 6);
  revl_csvw_raw(w, revl_sb_str(&r->json), r->json.n);
  revl_csvw_raw(w, "}\n", 2);
}

/* ---- a CSV log ----------------------------------------------------------- */

typedef struct csvctx {
  const char *path;
  revl_csvw *w;
  int json;
  runrec *rec;
  revl_sbuf *cells;  /* the current record's fields */
  int ncells, cap;
  int nhead;         /* fields of the header */
  revl_sbuf *head;   /* the header (JSON: the keys) */
  long recno;        /* records ended */
  int failed;
  revl_error *err;
} csvctx;

static void on_field(void *s, size_t n, void *ud) {
  csvctx *c = ud;
  if (c->failed) return;
  if (c->ncells == c->cap) {
    int cap = c->cap ? c->cap * 2 : 32;
    revl_sbuf *nc = realloc(c->cells, (size_t)cap * sizeof *nc);
    if (!nc) {
      c->failed = revl_error_set(c->err, REVL_ENOMEM, c->path, 0, 0, "not enough memory");
      return;
    }
    memset(nc + c->cap, 0, (size_t)(cap - c->cap) * sizeof *nc);
    c->cells = nc;
    c->cap = cap;
  }
  revl_sbuf *b = &c->cells[c->ncells++];
  revl_sb_reset(b);
  revl_sb_add(b, s ? s : "", n);
}

static void on_record(int term, void *ud) {
  (void)term;
  csvctx *c = ud;
  if (c->failed) return;
  long line = ++c->recno;
  int n = c->ncells;
  c->ncells = 0;
  if (line == 1) {
    if (n < 1 || strcmp(revl_sb_str(&c->cells[n - 1]), "run_id") != 0) {
      c->failed = revl_error_set(c->err, REVL_EDATA, c->path, 1, n > 0 ? n : 1,
                                 "not a revl decision log: the last column is '%.60s', "
                                 "not run_id", n ? revl_sb_str(&c->cells[n - 1]) : "");
      return;
    }
    c->nhead = n;
    c->head = c->cells;
    c->cells = NULL;
    c->cap = 0;
    if (!c->json) {
      for (int k = 0; k < n - 1; k++) revl_csvw_field(c->w, revl_sb_str(&c->head[k]), c->head[k].n);
      for (int k = 0; k < NMETA; k++) revl_csvw_str(c->w, meta_names[k]);
      revl_csvw_end(c->w);
    }
    return;
  }
  if (n != c->nhead) {
    c->failed = revl_error_set(c->err, REVL_EDATA, c->path, line, 0,
                               "%d fields, the header has %d", n, c->nhead);
    return;
  }
  const revl_sbuf *id = &c->cells[n - 1];
  if (strcmp(revl_sb_str(id), revl_sb_str(&c->rec->id)) != 0) {
    c->failed = revl_error_set(c->err, REVL_EDATA, c->path, line, n,
                               "run_id '%.40s' is not the run of the record beside the log "
                               "(%s)", revl_sb_str(id), revl_sb_str(&c->rec->id));
    return;
  }
  if (!c->json) {
    for (int k = 0; k < n - 1; k++) revl_csvw_field(c->w, revl_sb_str(&c->cells[k]), c->cells[k].n);
    csv_meta(c->w, c->rec);
    return;
  }
  revl_csvw_raw(c->w, "{", 1);
  for (int k = 0; k < n - 1; k++) {
    if (k) revl_csvw_raw(c->w, ",", 1);
    revl_csvw_json(c->w, revl_sb_str(&c->head[k]), c->head[k].n);
    revl_csvw_raw(c->w, ":", 1);
    json_cell(c->w, revl_sb_str(&c->cells[k]), c->cells[k].n);
  }
  json_run_end(c->w, c->rec, n > 1);
}

/* The whole of a small file (the sidecar), or NULL with errno. */
static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  revl_sbuf b = {0};
  char buf[4096];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) revl_sb_add(&b, buf, k);
  fclose(f);
  *n = b.n;
  if (!b.p) b.p = calloc(1, 1);
  return b.p;
}

static int read_csv_log(const char *path, revl_csvw *w, int json, runrec *rec,
                        revl_error *err) {
  /* NAME.csv -> NAME.run.json */
  char side[4096];
  size_t pl = strlen(path);
  snprintf(side, sizeof side, "%.*s.run.json", (int)(pl - 4), path);
  size_t sn;
  char *s = slurp(side, &sn);
  if (!s)
    return revl_error_set(err, REVL_EDATA, path, 0, 0,
                          "not a revl decision log: no run record %s beside it (%s)", side,
                          strerror(errno));
  int bad = rec_parse(rec, s, s + sn);
  free(s);
  if (bad)
    return revl_error_set(err, REVL_EDATA, side, 1, 1,
                          "not a revl run record (one JSON object with run_id and inputs)");
  FILE *f = fopen(path, "rb");
  if (!f) return revl_error_set(err, REVL_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
  struct csv_parser p;
  csvctx c = {path, w, json, rec, NULL, 0, 0, 0, NULL, 0, 0, err};
  int rc = 0;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    fclose(f);
    return revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
  }
  char buf[65536];
  size_t k;
  while (!c.failed && (k = fread(buf, 1, sizeof buf, f)) > 0)
    if (csv_parse(&p, buf, k, on_field, on_record, &c) != k) {
      c.failed = revl_error_set(err, REVL_EDATA, path, c.recno + 1, 0,
                                "not a revl decision log: %s", csv_strerror(csv_error(&p)));
    }
  if (!c.failed && ferror(f))
    c.failed = revl_error_set(err, REVL_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
  if (!c.failed && csv_fini(&p, on_field, on_record, &c) != 0)
    c.failed = revl_error_set(err, REVL_EDATA, path, c.recno + 1, 0,
                              "not a revl decision log: %s", csv_strerror(csv_error(&p)));
  if (!c.failed && c.recno == 0)
    c.failed = revl_error_set(err, REVL_EDATA, path, 1, 1, "not a revl decision log: empty");
  rc = c.failed;
  csv_free(&p);
  fclose(f);
  for (int i = 0; i < c.cap; i++) revl_sb_free(&c.cells[i]);
  free(c.cells);
  for (int i = 0; i < c.nhead; i++) revl_sb_free(&c.head[i]);
  free(c.head);
  return rc;
}

/* ---- a JSON Lines log ---------------------------------------------------- */

/* The record of a {"run": {...}} line into rec: 1, 0 when the line is
 * something else, -1 when it is a run line with a bad record. */
static int run_line(runrec *rec, const char *p, const char *e) {
  span k, v;
  const char *q = ws(p, e);
  if (q >= e || *q != '{' || jnext(&q, e, &k, &v) != 1 || !key_is(k, "run")) return 0;
  span k2, v2;
  if (jnext(&q, e, &k2, &v2) != 0) return 0;
  return rec_parse(rec, v.p, v.e) == 0 ? 1 : -1;
}

static int read_jsonl_log(const char *path, revl_csvw *w, int json, runrec *rec,
                          revl_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return revl_error_set(err, REVL_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long lineno = 0;
  int rc = 0;
  revl_sbuf keys = {0}, cell = {0};
  int nkeys = -1; /* CSV: the columns, from the first row */
  while ((n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    const char *p = line, *e = line + n;
    while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ')) e--;
    if (e == p) continue;
    int r = run_line(rec, p, e);
    if (r < 0 || (lineno == 1 && r == 0)) {
      rc = revl_error_set(err, REVL_EDATA, path, lineno, 1, "%s",
                          r < 0 ? "a {\"run\": ...} line without a run record (run_id, inputs)"
                                : "not a revl decision log: the first line is not a "
                                  "{\"run\": {...}} record");
      break;
    }
    if (r == 1) continue;
    const char *q = p, *end = jskip(p, e, 0);
    if (!end || *p != '{' || ws(end, e) != e) {
      rc = revl_error_set(err, REVL_EDATA, path, lineno, 1, "not a JSON object");
      break;
    }
    if (json) { /* the row with the run record spliced in before its "}" */
      const char *last = end - 1;
      const char *in = ws(p + 1, last);
      revl_csvw_raw(w, p, (size_t)(last - p));
      json_run_end(w, rec, in < last);
      continue;
    }
    span k, v;
    int st, col = 0;
    if (nkeys < 0) { /* the header: this row's keys */
      const char *h = p;
      nkeys = 0;
      while ((st = jnext(&h, end, &k, &v)) == 1) {
        revl_sb_reset(&cell);
        cell_text(&cell, k);
        revl_sb_add(&keys, revl_sb_str(&cell), cell.n + 1);
        revl_csvw_field(w, revl_sb_str(&cell), cell.n);
        nkeys++;
      }
      for (int m = 0; m < NMETA; m++) revl_csvw_str(w, meta_names[m]);
      revl_csvw_end(w);
    }
    const char *kn = keys.p;
    while ((st = jnext(&q, end, &k, &v)) == 1) {
      revl_sb_reset(&cell);
      cell_text(&cell, k);
      if (col >= nkeys || strcmp(revl_sb_str(&cell), kn) != 0) {
        st = -2;
        break;
      }
      kn += strlen(kn) + 1;
      revl_sb_reset(&cell);
      cell_text(&cell, v);
      revl_csvw_field(w, revl_sb_str(&cell), cell.n);
      col++;
    }
    if (st != 0 || col != nkeys) {
      rc = revl_error_set(err, REVL_EDATA, path, lineno, 1,
                          st == -1 ? "not a JSON object"
                                   : "its keys are not those of the first row (CSV needs one "
                                     "set of columns; --format jsonl keeps each row's)");
      break;
    }
    csv_meta(w, rec);
  }
  if (!rc && ferror(f)) rc = revl_error_set(err, REVL_EIO, path, 0, 0, "cannot read");
  if (!rc && lineno == 0)
    rc = revl_error_set(err, REVL_EDATA, path, 1, 1, "not a revl decision log: empty");
  if (!rc && !json && nkeys < 0) { /* a run line and no rows: a header only */
    for (int m = 0; m < NMETA; m++) revl_csvw_str(w, meta_names[m]);
    revl_csvw_end(w);
  }
  free(line);
  revl_sb_free(&keys);
  revl_sb_free(&cell);
  fclose(f);
  return rc;
}

int revl_log_rejoin(const char *path, revl_csvw *w, int json, revl_error *err) {
  size_t n = strlen(path);
  runrec rec;
  memset(&rec, 0, sizeof rec);
  int rc;
  if (n > 4 && strcmp(path + n - 4, ".csv") == 0) rc = read_csv_log(path, w, json, &rec, err);
  else if (n > 6 && strcmp(path + n - 6, ".jsonl") == 0)
    rc = read_jsonl_log(path, w, json, &rec, err);
  else
    rc = revl_error_set(err, REVL_EDATA, path, 0, 0,
                        "not a decision log: give NAME.csv (with NAME.run.json beside it) "
                        "or NAME.jsonl");
  rec_free(&rec);
  return rc;
}
