/*
 * guess_read.c -- the sample `revl init` guesses from: the header and
 * the first rows of a CSV file, read through libcsv one physical line at
 * a time so that every problem has its line, as in the loader
 * (reader.c).  The delimiter is the one of , ; TAB that splits the
 * header line most often outside quotes.
 */
#include "revl/guess.h"

#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_CELL ((size_t)-1)
#define MAX_HEADERS 4096

typedef struct rd {
  revl_guess_sample *s;
  size_t max;
  int nf;          /* fields of the record being read */
  int headed;      /* the header record is done */
  int oom;
  size_t row_text; /* s->ntext when the record began */
} rd;

static int add_text(revl_guess_sample *s, const char *p, size_t n) {
  if (s->ntext + n + 1 > s->captext) {
    size_t cap = s->captext ? s->captext : 4096;
    while (s->ntext + n + 1 > cap) cap *= 2;
    char *t = realloc(s->text, cap);
    if (!t) return -1;
    s->text = t;
    s->captext = cap;
  }
  memcpy(s->text + s->ntext, p, n);
  s->text[s->ntext + n] = '\0';
  s->ntext += n + 1;
  return 0;
}

static void on_field(void *p, size_t n, void *data) {
  rd *r = data;
  revl_guess_sample *s = r->s;
  if (r->oom) return;
  if (!r->headed) {
    if (s->ncols >= MAX_HEADERS) return;
    char **h = realloc(s->headers, (size_t)(s->ncols + 1) * sizeof *h);
    if (!h) {
      r->oom = 1;
      return;
    }
    s->headers = h;
    const char *f = p ? p : "";
    while (n && (*f == ' ' || *f == '\t')) f++, n--;
    while (n && (f[n - 1] == ' ' || f[n - 1] == '\t')) n--;
    if (!(h[s->ncols] = malloc(n + 1))) {
      r->oom = 1;
      return;
    }
    memcpy(h[s->ncols], f, n);
    h[s->ncols][n] = '\0';
    s->ncols++;
    return;
  }
  if (r->nf == 0) {
    /* room for the whole row's offsets */
    size_t need = (s->nrows + 1) * (size_t)s->ncols;
    if (need > s->capoff) {
      size_t cap = s->capoff ? s->capoff * 2 : 1024;
      while (cap < need) cap *= 2;
      size_t *o = realloc(s->off, cap * sizeof *o);
      if (!o) {
        r->oom = 1;
        return;
      }
      s->off = o;
      s->capoff = cap;
    }
  }
  if (r->nf < s->ncols) {
    s->off[s->nrows * (size_t)s->ncols + (size_t)r->nf] = s->ntext;
    if (add_text(s, p ? p : "", p ? n : 0)) r->oom = 1;
  }
  r->nf++;
}

static void on_record(int c, void *data) {
  (void)c;
  rd *r = data;
  revl_guess_sample *s = r->s;
  if (r->oom) return;
  if (!r->headed) {
    r->headed = 1;
  } else if (r->nf > 0) {
    for (int j = r->nf; j < s->ncols; j++)
      s->off[s->nrows * (size_t)s->ncols + (size_t)j] = NO_CELL;
    s->nrows++;
  }
  r->nf = 0;
  r->row_text = s->ntext;
}

/* The delimiter of the header line: the most frequent of , ; TAB. */
static char sniff_delimiter(const char *b, size_t n) {
  size_t cnt[3] = {0, 0, 0};
  int q = 0;
  for (size_t i = 0; i < n && b[i] != '\n' && b[i] != '\r'; i++) {
    if (b[i] == '"') q = !q;
    else if (!q && b[i] == ',') cnt[0]++;
    else if (!q && b[i] == ';') cnt[1]++;
    else if (!q && b[i] == '\t') cnt[2]++;
  }
  if (cnt[1] > cnt[0] && cnt[1] >= cnt[2]) return ';';
  if (cnt[2] > cnt[0] && cnt[2] > cnt[1]) return '\t';
  return ',';
}

const char *revl_guess_cell(const revl_guess_sample *s, size_t r, int j) {
  size_t o = s->off[r * (size_t)s->ncols + (size_t)j];
  return o == NO_CELL ? NULL : s->text + o;
}

void revl_guess_sample_done(revl_guess_sample *s) {
  for (int j = 0; j < s->ncols; j++) free(s->headers[j]);
  free(s->headers);
  free(s->text);
  free(s->off);
  memset(s, 0, sizeof *s);
}

int revl_guess_sample_read(revl_guess_sample *s, const char *path,
                           size_t max_rows, revl_error *err) {
  memset(s, 0, sizeof *s);
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return revl_error_set(err, REVL_EIO, path, 0, 0, "cannot open: %s",
                          strerror(errno));
  const unsigned char opts = CSV_STRICT | CSV_STRICT_FINI;
  struct csv_parser p;
  int rc = 0;
  size_t cap = 1 << 16, len = 0;
  char *line = malloc(cap);
  if (!line || csv_init(&p, opts) != 0) {
    free(line);
    fclose(fp);
    return revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
  }
  rd r = {s, max_rows, 0, 0, 0, 0};
  long lineno = 0, rec_line = 1;
  int first = 1, c = 0;
  while (c != EOF) {
    /* one physical line, with its \n */
    len = 0;
    while ((c = getc(fp)) != EOF) {
      if (len + 2 > cap) {
        char *nl = cap < (64u << 20) ? realloc(line, cap * 2) : NULL;
        if (!nl) {
          rc = revl_error_set(err, REVL_ENOMEM, path, lineno + 1, 0,
                              "not enough memory (a line longer than 64 MiB?)");
          goto out;
        }
        line = nl;
        cap *= 2;
      }
      line[len++] = (char)c;
      if (c == '\n') break;
    }
    if (len == 0) break;
    lineno++;
    char *b = line;
    size_t n = len;
    if (first) {
      first = 0;
      if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) b += 3, n -= 3;
      s->delimiter = sniff_delimiter(b, n);
      csv_set_delim(&p, (unsigned char)s->delimiter);
    }
    char *nul = memchr(b, '\0', n);
    if (nul) {
      rc = revl_error_set(err, REVL_EDATA, path, lineno, 0,
                          "NUL byte: binary data, not CSV text");
      goto out;
    }
    if (p.pstate == 0) rec_line = lineno; /* a record starts here */
    if (r.headed && s->nrows >= max_rows && p.pstate == 0) {
      size_t k = 0;
      while (k < n && (b[k] == ' ' || b[k] == '\t' || b[k] == '\r' || b[k] == '\n')) k++;
      if (k < n) {
        s->more = 1;
        break;
      }
      continue;
    }
    size_t got = csv_parse(&p, b, n, on_field, on_record, &r);
    if (r.oom) {
      rc = revl_error_set(err, REVL_ENOMEM, path, lineno, 0, "not enough memory");
      goto out;
    }
    if (got != n) {
      char msg[200];
      snprintf(msg, sizeof msg, "%s%s",
               b[got] == '"' ? "quote inside an unquoted field (quote the "
                               "whole field and double the quote)"
                             : "text after a closing quote (a quote inside "
                               "a quoted field must be doubled)",
               lineno > rec_line ? " in the row that began earlier" : "");
      if (!r.headed) {
        rc = revl_error_set(err, REVL_EDATA, path, lineno, r.nf + 1,
                            "header: %s", msg);
        goto out;
      }
      fprintf(stderr, "revl: %s:%ld:%d: %s (row left out of the guess; the "
              "load rejects it)\n", path, lineno, r.nf + 1, msg);
      /* forget the partial row and start afresh on the next line */
      s->ntext = r.row_text;
      r.nf = 0;
      csv_free(&p);
      if (csv_init(&p, opts) != 0) {
        rc = revl_error_set(err, REVL_ENOMEM, path, lineno, 0, "not enough memory");
        goto out;
      }
      csv_set_delim(&p, (unsigned char)s->delimiter);
    }
  }
  if (ferror(fp)) {
    rc = revl_error_set(err, REVL_EIO, path, 0, 0, "read error: %s",
                        strerror(errno));
    goto out;
  }
  if (!s->more && csv_fini(&p, on_field, on_record, &r) != 0) {
    rc = revl_error_set(err, REVL_EDATA, path, rec_line, r.nf + 1,
                        "unterminated quoted field: the quote is never "
                        "closed (it runs to the end of the file)");
    goto out;
  }
  if (r.oom) {
    rc = revl_error_set(err, REVL_ENOMEM, path, 0, 0, "not enough memory");
    goto out;
  }
  if (!r.headed || s->ncols == 0)
    rc = revl_error_set(err, REVL_EDATA, path, 0, 0,
                        "empty file: expected a header row");
out:
  csv_free(&p);
  free(line);
  fclose(fp);
  if (rc) revl_guess_sample_done(s);
  return rc;
}
