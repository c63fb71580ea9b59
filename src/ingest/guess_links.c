/*
 * guess_links.c -- the guesses of `revl init` that look across files
 * (see revl/guess.h): a name and a key for every file no well-known
 * table claims (a custom table), the references between files (a column
 * whose header names another table and whose values are that table's
 * keys), a file of subscription changes attached to the subscriptions
 * it changes, and the duplicates policy of a table whose key repeats.
 * Pure: samples and the per-file guesses in, more guesses out.
 */
#include "revl/guess.h"
#include "revl/ingest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- events files --------------------------------------------------- */

static int event_kind(const char *v) {
  static const char *const kinds[] = {"churn", "cancel", "downgrade", "upgrade", NULL};
  while (*v == ' ') v++;
  for (int i = 0; kinds[i]; i++) {
    size_t n = strlen(kinds[i]);
    if (strncasecmp(v, kinds[i], n) == 0) {
      const char *e = v + n;
      while (*e == ' ') e++;
      if (!*e) return 1;
    }
  }
  return 0;
}

int revl_guess_events_file(revl_guess_file *f) {
  static const char *const datew[] = {"date", "on", "at", "effective", "when", NULL};
  static const char *const mrrw[] = {"mrr", "recurring", NULL};
  static const char *const seatw[] = {"seat", "licen", "quantity", "qty", NULL};
  static const char *const idw[] = {"sub", "account", "customer", "plan", NULL};
  const revl_guess_sample *s = &f->sample;
  int jk = -1, jd = -1, ji = -1, jm = -1, js = -1;
  for (int j = 0; j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    if (c->kind != REVL_GK_TEXT || jk >= 0) continue;
    size_t nn = 0, nk = 0;
    for (size_t r = 0; r < s->nrows; r++) {
      const char *v = revl_guess_cell(s, r, j);
      if (revl_guess_is_null(f, v)) continue;
      nn++;
      nk += (size_t)event_kind(v);
    }
    if (nn >= 2 && nk == nn) jk = j;
  }
  if (jk < 0) return 0;
  for (int j = 0; j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    int date = c->kind == REVL_GK_DATE || c->kind == REVL_GK_DATETIME;
    int num = c->kind == REVL_GK_INT || c->kind == REVL_GK_NUMBER ||
              c->kind == REVL_GK_MONEY || c->kind == REVL_GK_NONE;
    if (j == jk) continue;
    if (date && (jd < 0 || revl_guess_header_has(c->header, datew))) {
      if (jd < 0 || !revl_guess_header_has(f->cols[jd].header, datew)) jd = j;
    } else if (num && jm < 0 && revl_guess_header_has(c->header, mrrw)) {
      jm = j;
    } else if (num && js < 0 && revl_guess_header_has(c->header, seatw)) {
      js = j;
    } else if (c->kind == REVL_GK_TEXT && ji < 0 &&
               (revl_guess_header_idish(c->header) ||
                revl_guess_header_has(c->header, idw))) {
      ji = j;
    }
  }
  if (jd < 0 || ji < 0) return 0;
  f->ev_kind = jk;
  f->ev_date = jd;
  f->ev_id = ji;
  f->ev_mrr = jm;
  f->ev_seats = js;
  return 1;
}

/* ---- names ------------------------------------------------------------ */

/* The custom table name of a file: its name in snake_case without the
 * words exports add ("Renewals Export.csv" -> renewals). */
static void custom_name(const char *file, char *out, size_t size) {
  static const char *const noise[] = {"export", "exports", "report", "data",
                                      "extract", "dump", "list", "file", "csv", NULL};
  char stem[256], snake[256];
  snprintf(stem, sizeof stem, "%s", file);
  size_t n = strlen(stem);
  if (n > 4 && strcasecmp(stem + n - 4, ".csv") == 0) stem[n - 4] = '\0';
  revl_snake_case(stem, snake, sizeof snake);
  char *words[32], *save = NULL;
  int nw = 0;
  for (char *p = strtok_r(snake, "_", &save); p && nw < 32; p = strtok_r(NULL, "_", &save))
    words[nw++] = p;
  int lo = 0, hi = nw; /* drop noise and numbers (dates, versions) at the ends */
  for (int moved = 1; moved && lo < hi;) {
    moved = 0;
    for (int end = 0; end < 2 && lo < hi; end++) {
      const char *w = words[end ? hi - 1 : lo];
      int drop = isdigit((unsigned char)w[0]) ||
                 (w[0] == 'q' && isdigit((unsigned char)w[1]) && !w[2]);
      for (int i = 0; noise[i] && !drop; i++) drop = strcmp(w, noise[i]) == 0;
      if (drop && hi - lo > 1) {
        if (end) hi--;
        else lo++;
        moved = 1;
      }
    }
  }
  out[0] = '\0';
  for (int i = lo; i < hi; i++) {
    size_t k = strlen(out);
    snprintf(out + k, size - k, "%s%s", k ? "_" : "", words[i]);
  }
  if (!out[0]) snprintf(out, size, "table");
  size_t k = strlen(out);
  if (isdigit((unsigned char)out[0]) && k + 3 <= size) { /* a Lua name starts with a letter */
    memmove(out + 2, out, k + 1);
    out[0] = 't';
    out[1] = '_';
  }
}

/* The name a table's rows are called by: accounts -> account. */
static void singular(const char *table, char *out, size_t size) {
  size_t n = strlen(table);
  if (n > 3 && strcmp(table + n - 3, "ies") == 0)
    snprintf(out, size, "%.*sy", (int)(n - 3), table);
  else if (n > 1 && table[n - 1] == 's' && table[n - 2] != 's')
    snprintf(out, size, "%.*s", (int)(n - 1), table);
  else
    snprintf(out, size, "%s", table);
}

static const char *table_name(const revl_guess_file *f) {
  return f->table[0] ? f->table : f->custom;
}

/* The name column j of f loads as. */
static void loaded_name(const revl_guess_file *f, int j, char *out, size_t size) {
  const revl_guess_col *c = &f->cols[j];
  if (c->name[0]) {
    snprintf(out, size, "%s", c->name);
    return;
  }
  revl_snake_case(c->header, out, size);
  if (!out[0]) snprintf(out, size, "column_%d", j + 1);
}

static int has_name(const revl_guess_file *f, const char *name, int except) {
  char ln[128];
  for (int j = 0; j < f->ncols; j++) {
    if (j == except) continue;
    loaded_name(f, j, ln, sizeof ln);
    if (strcmp(ln, name) == 0) return 1;
  }
  return 0;
}

/* The key column of f (-1 none): its primary key field, or the custom key. */
static int key_col(const revl_guess_file *f) {
  if (!f->table[0]) return f->key;
  const revl_table_def *td = revl_table_def_find(f->table);
  for (int j = 0; td && td->pk && j < f->ncols; j++)
    if (strcmp(f->cols[j].field, td->pk) == 0) return j;
  return -1;
}

/* ---- values ----------------------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct non-null values of column j of f, sorted (caller frees);
 * NULL when out of memory, *n = 0 for none. */
static const char **distinct(const revl_guess_file *f, int j, size_t *n) {
  const revl_guess_sample *s = &f->sample;
  const char **v = malloc((s->nrows + 1) * sizeof *v);
  *n = 0;
  if (!v) return NULL;
  for (size_t r = 0; r < s->nrows; r++) {
    const char *x = revl_guess_cell(s, r, j);
    if (!revl_guess_is_null(f, x)) v[(*n)++] = x;
  }
  qsort(v, *n, sizeof *v, cmp_str);
  size_t k = 0;
  for (size_t i = 0; i < *n; i++)
    if (!k || strcmp(v[k - 1], v[i]) != 0) v[k++] = v[i];
  *n = k;
  return v;
}

/* How many of the values a[0..na) are in the sorted set b[0..nb). */
static size_t found_in(const char **a, size_t na, const char **b, size_t nb) {
  size_t k = 0;
  for (size_t i = 0; i < na; i++)
    k += bsearch(&a[i], b, nb, sizeof *b, cmp_str) != NULL;
  return k;
}

/* How many of the values a[0..na) are values of column j of t, in *hit;
 * 0 or REVL_ENOMEM. */
static int overlap(const char **a, size_t na, const revl_guess_file *t, int j,
                   size_t *hit) {
  size_t nb;
  const char **b = distinct(t, j, &nb);
  if (!b) return REVL_ENOMEM;
  *hit = found_in(a, na, b, nb);
  free(b);
  return 0;
}

/* ---- custom tables ---------------------------------------------------- */

static void name_custom(revl_guess_file *files, int n, int i) {
  revl_guess_file *f = &files[i];
  char base[64];
  custom_name(f->file, base, sizeof base);
  snprintf(f->custom, sizeof f->custom, "%s", base);
  for (int k = 2;; k++) { /* never a well-known table's name or another's */
    int clash = revl_table_def_find(f->custom) != NULL;
    for (int q = 0; q < n && !clash; q++)
      clash = q != i && (strcmp(files[q].custom, f->custom) == 0 ||
                         strcmp(files[q].table, f->custom) == 0);
    if (!clash) break;
    snprintf(f->custom, sizeof f->custom, "%.50s_%d", base, k);
  }
}

/* A custom table's key: the first column of distinct values with an
 * id-like header, else the first column when its values are distinct. */
static void guess_key(revl_guess_file *f) {
  for (int j = 0; j < f->ncols; j++) {
    revl_guess_col *c = &f->cols[j];
    int idish = revl_guess_header_idish(c->header);
    if (!(idish || j == 0) || !c->unique || c->null_pct > 0 ||
        (c->kind != REVL_GK_TEXT && c->kind != REVL_GK_INT && c->kind != REVL_GK_MONEY) ||
        f->sample.nrows == 0)
      continue;
    f->key = j;
    f->key_conf = idish && j == 0 ? 85 : idish ? 75 : 55;
    snprintf(f->key_why, sizeof f->key_why, "%s%s; all %zu values distinct",
             idish ? "an id-like header" : "the first column",
             idish && j == 0 ? ", first column" : "", f->sample.nrows);
    if (!has_name(f, "id", j)) snprintf(c->name, sizeof c->name, "id");
    else loaded_name(f, j, c->name, sizeof c->name);
    snprintf(c->why, sizeof c->why, "the key: %s", f->key_why);
    if (c->kind != REVL_GK_TEXT && !c->type[0]) { /* codes, not numbers */
      snprintf(c->type, sizeof c->type, "\"text\"");
      c->type_conf = 80;
      snprintf(c->type_why, sizeof c->type_why, "the key: codes, not %s",
               c->kind == REVL_GK_INT ? "integers" : "amounts");
    }
    return;
  }
}

/* ---- references ------------------------------------------------------- */

/* Does header h name table t (or t's key header kh)? */
static int names_table(const char *h, const char *t, const char *kh) {
  char nh[256], nk[256], one[64], nt[64];
  revl_header_norm(h, nh, sizeof nh);
  revl_header_norm(kh, nk, sizeof nk);
  singular(t, one, sizeof one);
  revl_header_norm(one, nt, sizeof nt);
  if (nk[0] && strcmp(nh, nk) == 0 && strcmp(nk, "id") != 0) return 1;
  return nt[0] && strncmp(nh, nt, strlen(nt)) == 0;
}

static int guess_refs(revl_guess_file *files, int n, int i) {
  revl_guess_file *f = &files[i];
  int own = key_col(f);
  for (int j = 0; j < f->ncols && f->nrefs < REVL_GUESS_MAXREFS; j++) {
    revl_guess_col *c = &f->cols[j];
    if (j == own || c->field[0] || c->kind != REVL_GK_TEXT) continue;
    size_t na;
    const char **a = distinct(f, j, &na);
    if (!a) return REVL_ENOMEM;
    int best = -1;
    size_t bhit = 0, bn = 0;
    for (int q = 0; q < n && na; q++) {
      const revl_guess_file *t = &files[q];
      int kt = key_col(t);
      if (q == i || kt < 0 || t->events || !table_name(t)[0] ||
          !names_table(c->header, table_name(t), t->cols[kt].header))
        continue;
      size_t hit;
      if (overlap(a, na, t, kt, &hit)) {
        free(a);
        return REVL_ENOMEM;
      }
      if (hit * 2 >= na && hit > bhit) {
        best = q;
        bhit = hit;
        bn = na;
      }
    }
    free(a);
    if (best < 0) continue;
    const revl_guess_file *t = &files[best];
    char one[64], name[128];
    singular(table_name(t), one, sizeof one);
    snprintf(name, sizeof name, "%.60s_id", one);
    const revl_table_def *td = revl_table_def_find(f->table);
    int canonical = 0; /* the schema links its own fields already */
    for (int k = 0; td && k < td->nfields; k++)
      canonical |= strcmp(td->fields[k].name, name) == 0;
    if (canonical || has_name(f, name, j)) loaded_name(f, j, name, sizeof name);
    revl_guess_ref *rf = &f->refs[f->nrefs++];
    rf->col = j;
    char tn[64];
    snprintf(tn, sizeof tn, "%s", table_name(t));
    memcpy(rf->target, tn, sizeof tn);
    loaded_name(t, key_col(t), rf->tcol, sizeof rf->tcol);
    int all = bhit == bn;
    rf->conf = all ? 85 : 60 + (int)(25 * bhit / bn);
    snprintf(rf->why, sizeof rf->why, "the header names %s; %zu of %zu values are "
             "its keys%s", tn, bhit, bn,
             all ? "" : t->sample.more ? " (its sample is partial)" : " (the rest broken)");
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->why, sizeof c->why, "refers to %s.%s", tn, rf->tcol);
  }
  return 0;
}

/* ---- events attached to the subscriptions ----------------------------- */

static int attach_events(revl_guess_file *files, int n, int si) {
  revl_guess_file *s = &files[si];
  for (int e = 0; e < n; e++) {
    revl_guess_file *ev = &files[e];
    if (!ev->events || ev->table[0]) continue;
    size_t na;
    const char **a = distinct(ev, ev->ev_id, &na);
    if (!a) return REVL_ENOMEM;
    int best = -1;
    size_t bhit = 0;
    for (int j = 0; j < s->ncols && na; j++) {
      if (s->cols[j].kind != REVL_GK_TEXT) continue;
      size_t hit;
      if (overlap(a, na, s, j, &hit)) {
        free(a);
        return REVL_ENOMEM;
      }
      if (hit * 2 >= na && hit > bhit) {
        best = j;
        bhit = hit;
      }
    }
    free(a);
    if (best < 0) continue;
    s->ev_file = e;
    loaded_name(s, best, s->ev_key, sizeof s->ev_key);
    snprintf(s->ev_why, sizeof s->ev_why, "'%.40s' has churn/cancel/downgrade/"
             "upgrade values; %zu of %zu of its '%.30s' are '%.30s' values",
             ev->cols[ev->ev_kind].header, bhit, na, ev->cols[ev->ev_id].header,
             s->cols[best].header);
    snprintf(ev->why, sizeof ev->why, "a file of subscription changes, applied "
             "to %.150s by its expand", s->file);
    return 0;
  }
  return 0;
}

/* ---- duplicate keys --------------------------------------------------- */

typedef struct { const char *v; size_t r; } keyrow;

static int cmp_keyrow(const void *a, const void *b) {
  const keyrow *x = a, *y = b;
  int c = strcmp(x->v, y->v);
  return c ? c : (x->r > y->r) - (x->r < y->r);
}

/* 1 when the cell of the later row reads as newer: a later date, or a
 * date where the earlier row had none.  -1 older, 0 same or not dates. */
static int newer(const revl_guess_file *f, int j, size_t r0, size_t r1) {
  const char *a = revl_guess_cell(&f->sample, r0, j), *b = revl_guess_cell(&f->sample, r1, j);
  int na = revl_guess_is_null(f, a), nb = revl_guess_is_null(f, b);
  if (na || nb) return na && !nb ? 1 : !na && nb ? -1 : 0;
  /* ISO dates and times order as text; other orders are not compared */
  if (strlen(a) < 10 || a[4] != '-' || strlen(b) < 10 || b[4] != '-') return 0;
  int c = strcmp(a, b);
  return (c < 0) - (c > 0);
}

static int guess_dups(revl_guess_file *f) {
  int kj = key_col(f);
  if (kj < 0 || f->cols[kj].unique || !f->table[0]) return 0;
  const revl_guess_sample *s = &f->sample;
  keyrow *kr = malloc((s->nrows + 1) * sizeof *kr);
  if (!kr) return REVL_ENOMEM;
  size_t nk = 0;
  for (size_t r = 0; r < s->nrows; r++) {
    const char *v = revl_guess_cell(s, r, kj);
    if (!revl_guess_is_null(f, v)) kr[nk++] = (keyrow){v, r};
  }
  qsort(kr, nk, sizeof *kr, cmp_keyrow);
  size_t nrep = 0, ndiff = 0, r0 = 0, r1 = 0;
  const char *ex = NULL;
  int up = 0, down = 0, dj = -1;
  for (size_t i = 1; i < nk; i++) {
    if (strcmp(kr[i - 1].v, kr[i].v) != 0) continue;
    nrep++;
    int differ = 0;
    for (int j = 0; j < f->ncols; j++) {
      const char *a = revl_guess_cell(s, kr[i - 1].r, j), *b = revl_guess_cell(s, kr[i].r, j);
      if (strcmp(a ? a : "", b ? b : "") != 0) differ = 1;
      int kd = f->cols[j].kind;
      if (kd != REVL_GK_DATE && kd != REVL_GK_DATETIME) continue;
      int w = newer(f, j, kr[i - 1].r, kr[i].r);
      if (w > 0 && (dj < 0 || dj == j)) up++, dj = j;
      if (w < 0) down++;
    }
    if (differ && !ndiff++) {
      ex = kr[i].v;
      r0 = kr[i - 1].r;
      r1 = kr[i].r;
    }
  }
  free(kr);
  if (!nrep) return 0;
  if (!ndiff) {
    snprintf(f->dup_why, sizeof f->dup_why, "%zu row%s repeat%s a key with the "
             "same values (written twice): the default keeps the first", nrep,
             nrep == 1 ? "" : "s", nrep == 1 ? "s" : "");
    return 0;
  }
  snprintf(f->dup, sizeof f->dup, "last");
  int dated = up > 0 && down == 0;
  f->dup_conf = dated ? 75 : 55;
  size_t k = (size_t)snprintf(f->dup_why, sizeof f->dup_why, "%zu row%s repeat a "
                              "key with other values (first: \"%.30s\" at lines %zu "
                              "and %zu): later rows read as newer versions", ndiff,
                              ndiff == 1 ? "" : "s", ex, r0 + 2, r1 + 2);
  if (dated)
    snprintf(f->dup_why + k, sizeof f->dup_why - k, " ('%.40s' only moves later)",
             f->cols[dj].header);
  else
    snprintf(f->dup_why + k, sizeof f->dup_why - k, "; say \"first\" or \"error\" "
             "if not");
  return 0;
}

/* ---- all of it -------------------------------------------------------- */

int revl_guess_links(revl_guess_file *files, int n) {
  int rc = 0;
  for (int i = 0; i < n; i++)
    if (!files[i].table[0]) {
      name_custom(files, n, i);
      if (!files[i].events) guess_key(&files[i]);
    }
  for (int i = 0; i < n && !rc; i++)
    if (!files[i].events || files[i].table[0]) rc = guess_refs(files, n, i);
  for (int i = 0; i < n && !rc; i++)
    if (files[i].exp_start[0]) rc = attach_events(files, n, i);
  for (int i = 0; i < n && !rc; i++) rc = guess_dups(&files[i]);
  return rc;
}
