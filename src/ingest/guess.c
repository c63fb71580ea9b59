/*
 * guess.c -- which well-known table each sampled CSV file is, and which
 * column is which canonical field, from the headers and the values
 * (pure: samples in, guesses out; see revl/guess.h).
 *
 * A column's score for a field starts from its header: the field's own
 * name (98), a synonym the loader itself knows under some preset (90,
 * src/ingest/schema.c), a keyword of the field in the header (60), an
 * id-looking header for a key (55).  Its values then confirm or refute
 * it: a typed field needs values of its type (dates for close_date,
 * numbers or money for amount, booleans for is_won) or the candidate is
 * dropped; unparseable values, nulls and repeated values of a primary
 * key lower the score.  Each field takes the best column and each
 * column one field; a required field still without a column takes the
 * only remaining column of its type (40).  A file's table score adds up
 * the covered headers, whether every required field has a column, and
 * the file name; a table goes to its best file.
 */
#include "revl/guess.h"
#include "revl/ingest.h"
#include "revl/parse.h"
#include "mapint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const null_tokens[] = {"", "NULL", "null", "N/A", "n/a",
                                          "#N/A", NULL};

int revl_guess_is_null(const revl_guess_file *f, const char *v) {
  if (!v) return 1;
  for (int i = 0; null_tokens[i]; i++)
    if (strcmp(v, null_tokens[i]) == 0) return 1;
  for (int i = 0; f && i < f->nnulls; i++)
    if (strcmp(v, f->nulls[i]) == 0) return 1;
  return 0;
}

/* A value that reads as some typed value: an amount, a number, a date. */
static int typed_value(const char *v) {
  size_t n = strlen(v);
  revl_parse_opts pm = {'M', 0, 0}, pd = {'D', 0, 0}, pe = {0, ',', '.'};
  int64_t minor, secs;
  int32_t days;
  double d;
  char cur[4];
  return revl_parse_money(v, n, NULL, 2, &minor, cur) == 0 ||
         revl_parse_money(v, n, &pe, 2, &minor, cur) == 0 ||
         revl_parse_number(v, n, NULL, &d) == 0 ||
         revl_parse_date(v, n, &pm, &days) == 0 || revl_parse_date(v, n, &pd, &days) == 0 ||
         revl_parse_datetime(v, n, &pm, &secs) == 0;
}

/* Placeholders of web forms and spreadsheets ("Select", "-", "TBD"):
 * a value, without digits, that is the only one keeping a column of
 * amounts or dates from reading as typed, in two columns of the file or
 * one when it is a known placeholder word.  They become null_add. */
static void guess_nulls(revl_guess_file *f) {
  static const char *const known[] = {"Select", "select", "-", "--", "?", "none",
                                      "None", "unknown", "Unknown", "TBD", "tbd",
                                      "Not set", "not set", "(blank)", "(none)",
                                      "n.a.", "N.A.", "NA", NULL};
  /* in a text column too, since no one writes them as values */
  static const char *const form[] = {"Select", "select", "-", "--", "(blank)",
                                     "(none)", "Not set", "not set", NULL};
  const revl_guess_sample *s = &f->sample;
  struct { const char *v; int ncols, nrows; const char *col; } cand[8];
  int nc = 0;
  for (int j = 0; j < s->ncols; j++) {
    for (size_t r = 0; r < s->nrows && nc < 8; r++) {
      const char *v = revl_guess_cell(s, r, j);
      int k = 0, word = 0;
      for (int i = 0; v && form[i] && !word; i++) word = strcmp(form[i], v) == 0;
      while (word && k < nc && strcmp(cand[k].v, v) != 0) k++;
      if (!word || k < nc) continue;
      cand[nc].v = v;
      cand[nc].ncols = 1;
      cand[nc].nrows = 1;
      cand[nc++].col = s->headers[j];
    }
  }
  int nform = nc; /* found as form placeholders: counted once */
  for (int j = 0; j < s->ncols; j++) {
    const char *odd = NULL;
    size_t ntyped = 0, nodd = 0;
    int mixed = 0;
    for (size_t r = 0; r < s->nrows && !mixed; r++) {
      const char *v = revl_guess_cell(s, r, j);
      if (revl_guess_is_null(NULL, v)) continue;
      if (typed_value(v)) {
        ntyped++;
        continue;
      }
      if (odd && strcmp(odd, v) != 0) mixed = 1;
      odd = v;
      nodd++;
    }
    if (mixed || !odd || ntyped < 2 || nodd * 2 > ntyped || strlen(odd) >= 24 ||
        strpbrk(odd, "0123456789"))
      continue;
    int k = 0;
    while (k < nc && strcmp(cand[k].v, odd) != 0) k++;
    if (k < nform) continue;
    if (k == nc) {
      if (nc == 8) continue;
      cand[nc].v = odd;
      cand[nc].ncols = cand[nc].nrows = 0;
      cand[nc++].col = s->headers[j];
    }
    cand[k].ncols++;
    cand[k].nrows += (int)nodd;
  }
  for (int k = 0; k < nc && f->nnulls < REVL_GUESS_MAXNULLS; k++) {
    int word = 0;
    for (int i = 0; known[i]; i++) word |= strcmp(known[i], cand[k].v) == 0;
    if (!word && cand[k].ncols < 2) continue;
    snprintf(f->nulls[f->nnulls++], sizeof f->nulls[0], "%s", cand[k].v);
    size_t m = strlen(f->null_why);
    if (k < nform)
      snprintf(f->null_why + m, sizeof f->null_why - m, "%s'%.23s' is a web-form "
               "placeholder (in '%.40s')", m ? "; " : "", cand[k].v, cand[k].col);
    else
      snprintf(f->null_why + m, sizeof f->null_why - m, "%s'%.23s' is the only "
               "value of %d column%s ('%.40s'%s) that is not an amount or a date",
               m ? "; " : "", cand[k].v, cand[k].ncols, cand[k].ncols == 1 ? "" : "s",
               cand[k].col, cand[k].ncols > 1 ? ", ..." : "");
  }
}

#define normalise revl_header_norm /* schema.c: how headers compare */

/* ---- what the values of a column are ------------------------------- */

static int cmp_strp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int profile(const revl_guess_file *f, int j, revl_guess_col *c) {
  const revl_guess_sample *s = &f->sample;
  size_t nn = 0, nb = 0, ni = 0, nnum = 0, nm = 0, nd = 0, ndt = 0, ntime = 0;
  size_t om = 0, od = 0, nnum_eu = 0, nm_eu = 0;
  const char **vals = s->nrows ? malloc(s->nrows * sizeof *vals) : NULL;
  if (s->nrows && !vals) return REVL_ENOMEM;
  revl_parse_opts pm = {'M', 0, 0}, pd = {'D', 0, 0}, pe = {0, ',', '.'};
  for (size_t r = 0; r < s->nrows; r++) {
    const char *v = revl_guess_cell(s, r, j);
    if (revl_guess_is_null(f, v)) continue;
    size_t n = strlen(v);
    vals[nn++] = v;
    int b, okm, okd;
    int64_t i64;
    double d;
    int32_t days;
    int64_t secs, minor;
    char cur[4];
    if (revl_parse_bool(v, n, &b) == 0) nb++;
    if (revl_parse_int(v, n, NULL, &i64) == 0) ni++;
    if (revl_parse_number(v, n, NULL, &d) == 0 ||
        (n > 1 && v[n - 1] == '%' && revl_parse_number(v, n - 1, NULL, &d) == 0))
      nnum++;
    if (revl_parse_money(v, n, NULL, 2, &minor, cur) == 0) nm++;
    if (revl_parse_number(v, n, &pe, &d) == 0 ||
        (n > 1 && v[n - 1] == '%' && revl_parse_number(v, n - 1, &pe, &d) == 0))
      nnum_eu++;
    if (revl_parse_money(v, n, &pe, 2, &minor, cur) == 0) nm_eu++;
    int digits_only = 1;
    for (size_t k = 0; k < n; k++)
      if (!isdigit((unsigned char)v[k])) digits_only = 0;
    okm = !digits_only && revl_parse_date(v, n, &pm, &days) == 0;
    okd = !digits_only && revl_parse_date(v, n, &pd, &days) == 0;
    if (okm || okd) nd++;
    if (strchr(v, '/')) {
      om += okm;
      od += okd;
    }
    if (!digits_only && revl_parse_datetime(v, n, okm || !okd ? &pm : &pd, &secs) == 0) {
      ndt++;
      if (strchr(v, ':')) ntime++;
    }
  }
  /* a decimal comma ("1.200,50") when only it reads 90% of the values */
  c->eu_ok = nn && nm_eu == nn;
  if (nn && nm_eu * 10 >= nn * 9 && nm * 10 < nn * 9 && nm_eu > nm) {
    c->decimal = ',';
    nnum = nnum_eu;
    nm = nm_eu;
  }
  c->null_pct = s->nrows ? (int)((s->nrows - nn) * 100 / s->nrows) : 0;
  c->date_order = od > om ? 'D' : om > od ? 'M' : 0;
  /* the first kind, in this order, that 90% of the values read as */
  struct { int kind; size_t n; } order[] = {
      {REVL_GK_BOOL, nb},   {REVL_GK_INT, ni},     {REVL_GK_NUMBER, nnum},
      {REVL_GK_MONEY, nm},  {REVL_GK_DATETIME, ntime ? ndt : 0},
      {REVL_GK_DATE, nd},
  };
  c->kind = nn ? REVL_GK_TEXT : REVL_GK_NONE;
  c->kind_pct = 100;
  for (size_t k = 0; nn && k < sizeof order / sizeof order[0]; k++)
    if (order[k].n * 10 >= nn * 9) {
      c->kind = order[k].kind;
      c->kind_pct = (int)(order[k].n * 100 / nn);
      break;
    }
  /* text that reads as dates only in a declared format */
  static const struct { const char *fmt, *shown; } fmts[] = {
      {"%d.%m.%Y", "d.m.Y"}, {"%d.%m.%y", "d.m.y"}, {"%Y-%m", "Y-m"},
      {"%Y/%m", "Y/m"}, {"%d-%b-%Y", "d-b-Y"}, {"%d %b %Y", "d b Y"},
      {"%b %Y", "b Y"}, {"%b-%Y", "b-Y"}, {"%Y.%m.%d", "Y.m.d"}};
  for (size_t k = 0; c->kind == REVL_GK_TEXT && k < sizeof fmts / sizeof fmts[0]; k++) {
    revl_datefmt df;
    memset(&df, 0, sizeof df);
    snprintf(df.fmt, sizeof df.fmt, "%s", fmts[k].fmt);
    size_t ok = 0;
    int32_t days;
    for (size_t r = 0; r < nn; r++)
      ok += revl_datefmt_parse(&df, vals[r], strlen(vals[r]), &days, NULL) == 0;
    if (ok * 10 >= nn * 9) {
      c->kind = REVL_GK_DATE;
      c->kind_pct = (int)(ok * 100 / nn);
      snprintf(c->datefmt, sizeof c->datefmt, "%s", fmts[k].shown);
    }
  }
  c->only01 = nn > 0;
  for (size_t r = 0; r < nn; r++) {
    const char *v = vals[r];
    if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) c->only01 = 0;
    if (v[0] == '0' && isdigit((unsigned char)v[1])) c->lead0 = 1;
  }
  c->unique = 1;
  if (nn > 1) {
    qsort(vals, nn, sizeof *vals, cmp_strp);
    for (size_t k = 1; k < nn && c->unique; k++)
      if (strcmp(vals[k - 1], vals[k]) == 0) c->unique = 0;
  }
  free(vals);
  return 0;
}

static const char *kind_word(int k) {
  switch (k) {
  case REVL_GK_TEXT: return "text";
  case REVL_GK_BOOL: return "booleans";
  case REVL_GK_INT: return "integers";
  case REVL_GK_NUMBER: return "numbers";
  case REVL_GK_MONEY: return "money";
  case REVL_GK_DATE: return "dates";
  case REVL_GK_DATETIME: return "date-times";
  default: return "all null";
  }
}

static int compatible(int kind, revl_type t) {
  if (kind == REVL_GK_NONE) return 1;
  switch (t) {
  case REVL_T_MONEY: return kind == REVL_GK_INT || kind == REVL_GK_NUMBER || kind == REVL_GK_MONEY;
  case REVL_T_NUMBER: return kind == REVL_GK_INT || kind == REVL_GK_NUMBER;
  case REVL_T_INT: return kind == REVL_GK_INT;
  case REVL_T_BOOL: return kind == REVL_GK_BOOL;
  case REVL_T_DATE:
  case REVL_T_DATETIME: return kind == REVL_GK_DATE || kind == REVL_GK_DATETIME;
  default: return 1;
  }
}

/* ---- header evidence ------------------------------------------------ */

/* Words of a file name that suggest its table. */
static const struct fw {
  const char *table, *word;
} file_words[] = {
    {"stage_history", "history"}, {"stage_history", "stagechange"},
    {"deals", "opportunit"},      {"deals", "deal"},      {"deals", "pipeline"},
    {"accounts", "account"},      {"accounts", "compan"}, {"accounts", "customer"},
    {"accounts", "organi"},       {"leads", "lead"},      {"leads", "contact"},
    {"leads", "prospect"},        {"reps", "rep"},        {"reps", "user"},
    {"reps", "owner"},            {"reps", "team"},       {"activities", "activit"},
    {"activities", "task"},       {"activities", "engagement"},
    {"activities", "event"},      {"activities", "call"}, {"activities", "meeting"},
    {"subscriptions", "subscription"}, {"subscriptions", "mrr"},
    {"subscriptions", "billing"}, {"subscriptions", "recurring"},
    {"usage", "usage"},           {"usage", "telemetry"},
    {NULL, NULL}};

static int name_says(const char *file, const char *table, char *word, size_t size) {
  char norm[256], stem[256];
  snprintf(stem, sizeof stem, "%s", file);
  size_t n = strlen(stem);
  if (n > 4 && strcasecmp(stem + n - 4, ".csv") == 0) stem[n - 4] = '\0';
  normalise(stem, norm, sizeof norm);
  int history = strstr(norm, "history") != NULL;
  for (int i = 0; file_words[i].table; i++) {
    if (strcmp(file_words[i].table, table) != 0) continue;
    if (history && strcmp(table, "stage_history") != 0) continue;
    if (strstr(norm, file_words[i].word)) {
      snprintf(word, size, "%s", file_words[i].word);
      return 1;
    }
  }
  return 0;
}

/* Score of header col for field fd of table td, with the reason. */
static int score(const revl_table_def *td, const revl_field_def *fd,
                 const revl_guess_col *c, int first, size_t nrows,
                 char *why, size_t size) {
  char norm[256], fn[64];
  normalise(c->header, norm, sizeof norm);
  normalise(fd->name, fn, sizeof fn);
  int s = 0;
  why[0] = '\0';
  if (!norm[0]) return 0;
  if (strcmp(norm, fn) == 0) {
    s = 98;
    snprintf(why, size, "the field's own name");
  }
  static const char *const preset_words[] = {"a common", "a Salesforce", "a HubSpot"};
  for (int p = 0; !s && p < 3; p++) {
    const char *f = revl_preset_field(p, td->name, c->header);
    if (f && strcmp(f, fd->name) == 0) {
      s = 90;
      snprintf(why, size, "%s header for %s", preset_words[p], fd->name);
    }
  }
  const char *word = s ? NULL : revl_field_keyword(td->name, fd->name, c->header);
  if (word) { /* schema.c: the words that suggest a field */
    s = 60;
    snprintf(why, size, "header has '%s'", word);
  }
  int is_pk = td->pk && strcmp(td->pk, fd->name) == 0;
  if (!s && is_pk) {
    size_t n = strlen(norm);
    int idish = (n >= 2 && strcmp(norm + n - 2, "id") == 0) ||
                (n >= 6 && strcmp(norm + n - 6, "number") == 0) ||
                (n >= 3 && strcmp(norm + n - 3, "key") == 0) ||
                strchr(c->header, '#') != NULL;
    if (idish) {
      s = 55 + (first ? 5 : 0);
      snprintf(why, size, "an id-like header%s", first ? ", first column" : "");
    }
  }
  if (!s) return 0;
  int head = s;
  size_t k = strlen(why);
  if (!compatible(c->kind, fd->type)) {
    snprintf(why + k, size - k, ", but its values are %s, not %s",
             kind_word(c->kind), revl_type_name(fd->type));
    return -1;
  }
  if (c->kind == REVL_GK_NONE) {
    s -= 30;
    snprintf(why + k, size - k, nrows ? "; every value is null"
                                      : "; no rows to check it against");
  } else if (fd->type != REVL_T_STRING) {
    s -= (100 - c->kind_pct) / 2;
    snprintf(why + k, size - k, "; %d%% of values are %s", c->kind_pct,
             kind_word(c->kind));
    k = strlen(why);
    if ((c->kind == REVL_GK_DATE || c->kind == REVL_GK_DATETIME) && c->date_order)
      snprintf(why + k, size - k, " (%s)", c->date_order == 'D' ? "d/m/Y" : "m/d/Y");
  }
  k = strlen(why);
  if (is_pk && nrows > 1) {
    if (c->unique) {
      s += 8;
      snprintf(why + k, size - k, "; all %zu values distinct", nrows);
    } else if (head >= 90) { /* the key by name: versions of a record */
      s -= 10;
      snprintf(why + k, size - k, "; values repeat (see duplicates)");
    } else {
      s -= 50;
      snprintf(why + k, size - k, "; values repeat (a reference, not a key)");
    }
  }
  return s < 1 ? 1 : s > 99 ? 99 : s;
}

/* ---- one file as one table ------------------------------------------ */

typedef struct fit {
  int score;
  int req_ok;
  int nmapped;
  int named;
  char word[32];
  int nmiss, miss; /* required fields without a column; the last one */
  int *field; /* per column: field index in the table, or -1 */
  int *conf;
} fit;

/* Fit file f to table td: assign fields to columns; fills cols' field,
 * conf and why when write is set. */
static int fit_table(revl_guess_file *f, const revl_table_def *td, fit *out,
                     int write) {
  int nc = f->ncols, nf = td->nfields;
  int *sc = malloc((size_t)nc * (size_t)nf * sizeof *sc);
  char (*why)[200] = write ? malloc((size_t)nc * (size_t)nf * sizeof *why) : NULL;
  out->field = malloc((size_t)nc * sizeof *out->field);
  out->conf = malloc((size_t)nc * sizeof *out->conf);
  int *taken = calloc((size_t)nf + 1, sizeof *taken);
  if (!sc || (write && !why) || !out->field || !out->conf || !taken) {
    free(sc);
    free(why);
    free(taken);
    return REVL_ENOMEM;
  }
  char tmp[200];
  for (int j = 0; j < nc; j++) {
    out->field[j] = -1;
    out->conf[j] = 0;
    for (int k = 0; k < nf; k++) {
      char *w = why ? why[j * nf + k] : tmp;
      sc[j * nf + k] = score(td, &td->fields[k], &f->cols[j], j == 0,
                             f->sample.nrows, w, sizeof tmp);
    }
  }
  /* greedy: the best remaining (column, field) pair, each used once */
  for (;;) {
    int bj = -1, bk = -1, best = 0;
    for (int j = 0; j < nc; j++) {
      if (out->field[j] >= 0) continue;
      for (int k = 0; k < nf; k++)
        if (!taken[k] && sc[j * nf + k] > best) {
          best = sc[j * nf + k];
          bj = j;
          bk = k;
        }
    }
    if (bj < 0) break;
    out->field[bj] = bk;
    out->conf[bj] = best;
    taken[bk] = 1;
  }
  /* a required field still without a column: the only one left of its type */
  for (int k = 0; k < nf; k++) {
    const revl_field_def *fd = &td->fields[k];
    if (taken[k] || !fd->required || fd->type == REVL_T_STRING) continue;
    int only = -1, cnt = 0;
    for (int j = 0; j < nc; j++)
      if (out->field[j] < 0 && sc[j * nf + k] >= 0 && f->cols[j].kind != REVL_GK_NONE &&
          f->cols[j].kind != REVL_GK_TEXT && compatible(f->cols[j].kind, fd->type)) {
        only = j;
        cnt++;
      }
    if (cnt == 1) {
      out->field[only] = k;
      out->conf[only] = 40;
      taken[k] = 1;
      if (why)
        snprintf(why[only * nf + k], sizeof tmp, "the only column of %s left for "
                 "the required %s", kind_word(f->cols[only].kind), fd->name);
    }
  }
  out->req_ok = 1;
  out->nmiss = 0;
  out->miss = -1;
  for (int k = 0; k < nf; k++)
    if (td->fields[k].required && !taken[k]) {
      out->req_ok = 0;
      out->nmiss++;
      out->miss = k;
    }
  int sum = 0;
  out->nmapped = 0;
  for (int j = 0; j < nc; j++)
    if (out->field[j] >= 0) {
      out->nmapped++;
      sum += out->conf[j];
    }
  out->named = name_says(f->file, td->name, out->word, sizeof out->word);
  /* coverage of the headers (up to 40), required fields (30), name (30) */
  out->score = (nc ? sum * 40 / (nc * 100) : 0) + (out->req_ok ? 30 : 0) +
               (out->named ? 30 : 0);
  /* a key that repeats: versions of records, less likely the table itself */
  for (int j = 0; j < nc; j++)
    if (out->field[j] >= 0 && td->pk && strcmp(td->fields[out->field[j]].name, td->pk) == 0 &&
        !f->cols[j].unique && f->sample.nrows > 1)
      out->score -= 20;
  if (write) {
    for (int j = 0; j < nc; j++) {
      revl_guess_col *c = &f->cols[j];
      c->field[0] = c->name[0] = '\0';
      c->conf = 0;
      c->why[0] = '\0';
      int k = out->field[j];
      if (k >= 0) {
        snprintf(c->field, sizeof c->field, "%s", td->fields[k].name);
        snprintf(c->name, sizeof c->name, "%s", td->fields[k].name);
        c->conf = out->conf[j];
        snprintf(c->why, sizeof c->why, "%s", why[j * nf + k]);
        continue;
      }
      /* a header the loader reads as a field the guess did not give it:
       * renamed to a custom column so that it does not take the field */
      const char *l = revl_preset_field(REVL_PRESET_GENERIC, td->name, c->header);
      if (!l) continue;
      int lk = -1;
      for (int q = 0; q < nf; q++)
        if (strcmp(td->fields[q].name, l) == 0) lk = q;
      char snake[128];
      revl_snake_case(c->header, snake, sizeof snake);
      if (!snake[0]) snprintf(snake, sizeof snake, "column_%d", j + 1);
      int clash = 0; /* a rename's target is never read as a field again */
      for (int q = 0; q < nf && !clash; q++)
        clash = strcmp(td->fields[q].name, snake) == 0;
      for (int q = 0; q < nc && !clash; q++)
        if (q != j && strcmp(f->cols[q].header, snake) == 0) clash = 1;
      snprintf(c->name, sizeof c->name, clash ? "%s_raw" : "%s", snake);
      if (lk >= 0 && sc[j * nf + lk] < 0)
        snprintf(c->why, sizeof c->why, "kept custom: %s", why[j * nf + lk]);
      else
        snprintf(c->why, sizeof c->why, "kept custom: %s is another column",
                 l);
    }
  }
  free(sc);
  free(why);
  free(taken);
  return 0;
}

static void fit_done(fit *t) {
  free(t->field);
  free(t->conf);
  t->field = t->conf = NULL;
}

/* A file of won (or lost) deals only, by its name, without a stage
 * column: the stage is a constant.  1 with value set. */
static int const_stage(const revl_guess_file *f, const revl_table_def *td,
                       const fit *ft, char *value, size_t size) {
  if (strcmp(td->name, "deals") != 0 || ft->nmiss != 1 ||
      strcmp(td->fields[ft->miss].name, "stage") != 0)
    return 0;
  char norm[256];
  normalise(f->file, norm, sizeof norm);
  int won = strstr(norm, "won") != NULL, lost = strstr(norm, "lost") != NULL;
  if (won == lost) return 0;
  snprintf(value, size, "%s", won ? "Closed Won" : "Closed Lost");
  return 1;
}

/* Deal stages that look won or lost while the loader reads them as open
 * by name: the mapping then classifies every closed-looking stage. */
static int guess_stages(revl_guess_file *f) {
  int sj = -1;
  for (int j = 0; j < f->ncols; j++)
    if (strcmp(f->cols[j].field, "stage") == 0) sj = j;
  if (sj < 0) return 0;
  static const char *const wonw[] = {"won", "signed", "win", NULL};
  static const char *const lostw[] = {"lost", "loss", "dead", "disqualified",
                                      "churn", "closed", NULL};
  int surprise = 0;
  for (size_t r = 0; r < f->sample.nrows; r++) {
    const char *v = revl_guess_cell(&f->sample, r, sj);
    if (revl_guess_is_null(f, v)) continue;
    int seen = 0;
    for (int i = 0; i < f->nwon && !seen; i++) seen = strcmp(f->won[i], v) == 0;
    for (int i = 0; i < f->nlost && !seen; i++) seen = strcmp(f->lost[i], v) == 0;
    if (seen) continue;
    char low[128];
    normalise(v, low, sizeof low);
    int w = 0, l = 0;
    for (int i = 0; wonw[i]; i++) w |= strstr(low, wonw[i]) != NULL;
    for (int i = 0; lostw[i] && !w; i++) l |= strstr(low, lostw[i]) != NULL;
    if (strstr(low, "not") || strstr(low, "lost")) w = 0, l = 1;
    if (!w && !l) continue;
    /* the loader by name: "won" (not "not") won; "lost"/"closed" lost */
    int byname_w = strstr(low, "won") && !strstr(low, "not");
    int byname_l = !byname_w && (strstr(low, "lost") || strstr(low, "closed"));
    if ((w && !byname_w) || (l && !byname_l)) surprise = 1;
    char ***list = w ? &f->won : &f->lost;
    int *n = w ? &f->nwon : &f->nlost;
    if (*n >= 32) continue;
    char **nl = realloc(*list, (size_t)(*n + 1) * sizeof *nl);
    if (!nl) return REVL_ENOMEM;
    *list = nl;
    nl[(*n)++] = (char *)v;
  }
  if (!surprise) { /* the loader reads them right already */
    free(f->won);
    free(f->lost);
    f->won = f->lost = NULL;
    f->nwon = f->nlost = 0;
  }
  return 0;
}

/* The table's date_format: d/m/Y when its slashed dates read only so. */
static void guess_date_format(revl_guess_file *f) {
  int d = 0, m = 0;
  const char *dh = NULL;
  for (int j = 0; j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    if (c->kind != REVL_GK_DATE && c->kind != REVL_GK_DATETIME) continue;
    if (c->date_order == 'D') d++, dh = dh ? dh : c->header;
    if (c->date_order == 'M') m++;
  }
  if (d && !m) {
    snprintf(f->date_format, sizeof f->date_format, "d/m/Y");
    snprintf(f->date_why, sizeof f->date_why,
             "'%s' has dates whose first number is over 12", dh);
  } else if (d && m) {
    snprintf(f->date_why, sizeof f->date_why,
             "some date columns read as d/m/Y and some as m/d/Y: left m/d/Y");
  }
}

/* The table's decimal: a comma when a column needs it and every numeric
 * column reads with it. */
static void guess_decimal(revl_guess_file *f) {
  const char *need = NULL, *against = NULL;
  for (int j = 0; j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    if (c->decimal == ',' && !need) need = c->header;
    if ((c->kind == REVL_GK_NUMBER || c->kind == REVL_GK_MONEY) && c->decimal != ',' &&
        !c->eu_ok && !against)
      against = c->header;
  }
  if (need && !against) {
    snprintf(f->decimal, sizeof f->decimal, ",");
    snprintf(f->decimal_why, sizeof f->decimal_why,
             "'%s' has numbers like 1.200,50", need);
  } else if (need) {
    snprintf(f->decimal_why, sizeof f->decimal_why,
             "'%s' has a decimal comma but '%s' a decimal point: left '.'",
             need, against);
  }
}

/* The table's currency: an ISO code written as a word in the header of
 * its money field ("Deal Value (EUR)"), when its values name none. */
static void guess_currency(revl_guess_file *f) {
  static const char *const codes[] = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD",
                                      "AUD", "NZD", "SEK", "NOK", "DKK", "PLN",
                                      "CZK", "INR", "BRL", "MXN", "CNY", "SGD",
                                      "HKD", "ZAR", NULL};
  const revl_table_def *td = revl_table_def_find(f->table);
  for (int j = 0; td && j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    if (!c->field[0] || c->kind == REVL_GK_MONEY) continue; /* MONEY: has its own */
    int money = 0;
    for (int k = 0; k < td->nfields; k++)
      if (strcmp(td->fields[k].name, c->field) == 0)
        money = td->fields[k].type == REVL_T_MONEY;
    if (!money) continue;
    const char *h = c->header;
    for (size_t i = 0; h[i]; i++) {
      if (i && isalpha((unsigned char)h[i - 1])) continue;
      if (!isupper((unsigned char)h[i]) || !isupper((unsigned char)h[i + 1]) ||
          !isupper((unsigned char)h[i + 2]) || isalpha((unsigned char)h[i + 3]))
        continue;
      for (int k = 0; codes[k]; k++)
        if (strncmp(h + i, codes[k], 3) == 0 && !f->currency[0]) {
          memcpy(f->currency, codes[k], 4);
          snprintf(f->currency_why, sizeof f->currency_why,
                   "the header '%s' names it", h);
        }
    }
  }
}

int revl_guess_header_has(const char *h, const char *const *words) {
  char norm[256];
  revl_header_norm(h, norm, sizeof norm);
  for (int i = 0; words[i]; i++)
    if (strstr(norm, words[i])) return 1;
  return 0;
}

int revl_guess_header_idish(const char *h) {
  char norm[256];
  revl_header_norm(h, norm, sizeof norm);
  size_t n = strlen(norm);
  return (n >= 2 && strcmp(norm + n - 2, "id") == 0) ||
         (n >= 6 && strcmp(norm + n - 6, "number") == 0) || strchr(h, '#');
}

/* A file of subscriptions as intervals: a start date, an end (or churn)
 * date and an MRR column; 1 with exp_start, exp_end and exp_why set. */
static int guess_intervals(revl_guess_file *f) {
  static const char *const startw[] = {"start", "begin", "from", "since", NULL};
  static const char *const endw[] = {"end", "churn", "cancel", "until", "stop",
                                     "expir", NULL};
  static const char *const mrrw[] = {"mrr", "recurring", NULL};
  int js = -1, je = -1, jm = -1;
  for (int j = 0; j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    int date = c->kind == REVL_GK_DATE || c->kind == REVL_GK_DATETIME;
    if (date && js < 0 && revl_guess_header_has(c->header, startw)) js = j;
    else if ((date || c->kind == REVL_GK_NONE) && je < 0 && revl_guess_header_has(c->header, endw)) je = j;
    else if (jm < 0 && revl_guess_header_has(c->header, mrrw)) jm = j;
  }
  if (js < 0 || je < 0 || jm < 0) return 0;
  snprintf(f->exp_start, sizeof f->exp_start, "%s", f->cols[js].header);
  snprintf(f->exp_end, sizeof f->exp_end, "%s", f->cols[je].header);
  snprintf(f->exp_why, sizeof f->exp_why, "one row per subscription: '%.40s' "
           "to '%.40s' with '%.40s', expanded to months",
           f->exp_start, f->exp_end, f->cols[jm].header);
  return 1;
}

/* The ISO code a header names as a word ("ARR (EUR)", "Value EUR"), or NULL. */
static const char *header_code(const char *h) {
  static const char *const codes[] = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD",
                                      "AUD", "NZD", "SEK", "NOK", "DKK", "PLN",
                                      "CZK", "INR", "BRL", "MXN", "CNY", "SGD",
                                      "HKD", "ZAR", NULL};
  for (size_t i = 0; h[i]; i++) {
    if (i && isalpha((unsigned char)h[i - 1])) continue;
    if (!isupper((unsigned char)h[i]) || !isupper((unsigned char)h[i + 1]) ||
        !isupper((unsigned char)h[i + 2]) || isalpha((unsigned char)h[i + 3]))
      continue;
    for (int k = 0; codes[k]; k++)
      if (strncmp(h + i, codes[k], 3) == 0) return codes[k];
  }
  return NULL;
}

/* types = {...} for custom columns: what inference would get wrong or
 * cannot know (a date format, yes/no, leading zeros, a currency). */
static void guess_types(revl_guess_file *f) {
  static const char *const moneyw[] = {"value", "amount", "price", "revenue", "cost",
                                       "fee", "spend", "budget", NULL};
  const revl_table_def *td = revl_table_def_find(f->table);
  for (int j = 0; j < f->ncols; j++) {
    revl_guess_col *c = &f->cols[j];
    const revl_field_def *fd = NULL;
    for (int k = 0; td && c->field[0] && k < td->nfields; k++)
      if (strcmp(td->fields[k].name, c->field) == 0) fd = &td->fields[k];
    if (fd && fd->type == REVL_T_MONEY) {
      char low[256];
      size_t k = 0;
      for (const char *p = c->header; *p && k + 1 < sizeof low; p++)
        low[k++] = (char)tolower((unsigned char)*p);
      low[k] = '\0';
      if (strstr(low, "(m)") || strstr(low, "million") || strstr(low, "(mm)"))
        snprintf(c->scale, sizeof c->scale, "1000000");
      else if (strstr(low, "(k)") || strstr(low, "thousand") || strstr(low, "(000"))
        snprintf(c->scale, sizeof c->scale, "1000");
    }
    if (c->field[0]) continue;
    const char *code = header_code(c->header);
    if (c->datefmt[0]) {
      snprintf(c->type, sizeof c->type, "{ \"date\", \"%s\" }", c->datefmt);
      c->type_conf = 90;
      snprintf(c->type_why, sizeof c->type_why, "%d%% of values look like %s",
               c->kind_pct, c->datefmt);
    } else if (code && (c->kind == REVL_GK_INT || c->kind == REVL_GK_NUMBER ||
                        c->kind == REVL_GK_MONEY)) {
      snprintf(c->type, sizeof c->type, "{ \"money\", \"%s\" }", code);
      c->type_conf = 80;
      snprintf(c->type_why, sizeof c->type_why, "the header names %s; %d%% of "
               "values are amounts", code, c->kind_pct);
    } else if ((c->kind == REVL_GK_MONEY || c->kind == REVL_GK_INT) && c->unique &&
               revl_guess_header_idish(c->header)) {
      snprintf(c->type, sizeof c->type, "\"text\"");
      c->type_conf = 80;
      snprintf(c->type_why, sizeof c->type_why, "an id-like header with "
               "distinct values: codes, not %s", kind_word(c->kind));
    } else if (c->kind == REVL_GK_BOOL && c->only01) {
      snprintf(c->type, sizeof c->type, "\"boolean\"");
      c->type_conf = 55;
      snprintf(c->type_why, sizeof c->type_why, "values are only 0 and 1 (a "
               "flag, or a count that happens to be small?)");
    } else if (c->kind == REVL_GK_BOOL) {
      snprintf(c->type, sizeof c->type, "\"boolean\"");
      c->type_conf = 90;
      snprintf(c->type_why, sizeof c->type_why, "%d%% of values are yes/no, "
               "true/false or 0/1", c->kind_pct);
    } else if ((c->kind == REVL_GK_NUMBER || c->kind == REVL_GK_MONEY) &&
               revl_guess_header_has(c->header, moneyw)) {
      snprintf(c->type, sizeof c->type, "\"money\"");
      c->type_conf = 70;
      snprintf(c->type_why, sizeof c->type_why, "the header reads as an amount; "
               "%d%% of values are %s (exact to the cent as money)", c->kind_pct,
               kind_word(c->kind));
    } else if (c->kind == REVL_GK_INT && c->lead0) {
      snprintf(c->type, sizeof c->type, "\"text\"");
      c->type_conf = 80;
      snprintf(c->type_why, sizeof c->type_why, "integers with leading zeros "
               "(a code: \"007\" stays \"007\")");
    } else if (c->kind == REVL_GK_INT) {
      snprintf(c->type, sizeof c->type, "\"integer\"");
      c->type_conf = 90;
      snprintf(c->type_why, sizeof c->type_why, "%d%% of values are integers",
               c->kind_pct);
    }
  }
}

int revl_guess_files(revl_guess_file *files, int n) {
  int nt = revl_ntable_defs;
  int *score = calloc((size_t)n * (size_t)nt + 1, sizeof *score);
  int *ok = calloc((size_t)n * (size_t)nt + 1, sizeof *ok);
  int used[32] = {0};
  int rc = 0;
  if (!score || !ok) {
    rc = REVL_ENOMEM;
    goto out;
  }
  for (int i = 0; i < n && !rc; i++) {
    revl_guess_file *f = &files[i];
    f->ncols = f->sample.ncols;
    f->cols = calloc((size_t)f->ncols + 1, sizeof *f->cols);
    if (!f->cols) {
      rc = REVL_ENOMEM;
      break;
    }
    f->key = f->ev_id = f->ev_date = f->ev_kind = f->ev_mrr = f->ev_seats = -1;
    f->ev_file = -1;
    guess_nulls(f);
    for (int j = 0; j < f->ncols && !rc; j++) {
      f->cols[j].header = f->sample.headers[j];
      rc = profile(f, j, &f->cols[j]);
    }
    if (!rc) f->events = revl_guess_events_file(f);
    for (int t = 0; t < nt && !rc; t++) {
      fit ft;
      memset(&ft, 0, sizeof ft);
      if ((rc = fit_table(f, &revl_table_defs[t], &ft, 0))) break;
      char cv[32];
      int cst = const_stage(f, &revl_table_defs[t], &ft, cv, sizeof cv);
      score[i * nt + t] = ft.score + (cst ? 30 : 0);
      ok[i * nt + t] = (ft.req_ok || cst) && (ft.nmapped >= 2 || ft.named) &&
                       score[i * nt + t] >= 55 && !f->events;
      fit_done(&ft);
    }
    /* a file named TABLE.csv is read as TABLE whatever it holds */
    for (int t = 0; t < nt; t++) {
      char want[80];
      snprintf(want, sizeof want, "%s.csv", revl_table_defs[t].name);
      if (strcmp(f->file, want) == 0) {
        f->fixed = 1;
        used[t] = 1;
        snprintf(f->table, sizeof f->table, "%s", revl_table_defs[t].name);
        f->conf = 100;
        snprintf(f->why, sizeof f->why, "the file name: revl reads %s as %s",
                 want, f->table);
      }
    }
  }
  if (rc) goto out;
  /* the best (file, table) pair first, each table to one file */
  for (;;) {
    int bi = -1, bt = -1, best = -1;
    for (int i = 0; i < n; i++) {
      if (files[i].table[0]) continue;
      for (int t = 0; t < nt; t++)
        if (!used[t] && ok[i * nt + t] && score[i * nt + t] > best) {
          best = score[i * nt + t];
          bi = i;
          bt = t;
        }
    }
    if (bi < 0) break;
    used[bt] = 1;
    snprintf(files[bi].table, sizeof files[bi].table, "%s", revl_table_defs[bt].name);
    files[bi].conf = best > 99 ? 99 : best;
  }
  /* one row per subscription (a start date, an end date, MRR): the
   * subscriptions table, expanded to account months */
  for (int t = 0; t < nt; t++)
    if (strcmp(revl_table_defs[t].name, "subscriptions") == 0 && !used[t])
      for (int i = 0; i < n; i++)
        if (!files[i].table[0] && guess_intervals(&files[i])) {
          used[t] = 1;
          snprintf(files[i].table, sizeof files[i].table, "subscriptions");
          files[i].conf = 70;
          snprintf(files[i].why, sizeof files[i].why, "%s", files[i].exp_why);
          break;
        }
  for (int i = 0; i < n && !rc; i++) {
    revl_guess_file *f = &files[i];
    if (!f->table[0]) {
      int bt = -1;
      for (int t = 0; t < nt; t++)
        if (bt < 0 || score[i * nt + t] > score[i * nt + bt]) bt = t;
      int taken = bt >= 0 && used[bt] && ok[i * nt + bt];
      if (bt >= 0 && score[i * nt + bt] > 0)
        snprintf(f->best, sizeof f->best, "%s", revl_table_defs[bt].name);
      f->conf = bt >= 0 ? (score[i * nt + bt] > 99 ? 99 : score[i * nt + bt]) : 0;
      if (!f->best[0])
        snprintf(f->why, sizeof f->why, "no header reads as a field of a "
                 "well-known table");
      else if (taken)
        snprintf(f->why, sizeof f->why, "looks like %s, which another file is",
                 f->best);
      else
        snprintf(f->why, sizeof f->why, "nearest is %s, but it lacks a "
                 "required field or enough matching headers", f->best);
      /* a custom table (guess_links.c names it): its formats and types */
      guess_date_format(f);
      guess_decimal(f);
      if (!f->events) guess_types(f);
      guess_currency(f);
      continue;
    }
    const revl_table_def *td = revl_table_def_find(f->table);
    fit ft;
    memset(&ft, 0, sizeof ft);
    if ((rc = fit_table(f, td, &ft, 1))) break;
    if (!f->fixed && !ft.req_ok &&
        const_stage(f, td, &ft, f->const_value, sizeof f->const_value)) {
      snprintf(f->const_field, sizeof f->const_field, "stage");
      snprintf(f->const_why, sizeof f->const_why, "no column reads as stage and "
               "the file name says every deal is %s",
               strstr(f->const_value, "Won") ? "won" : "lost");
    }
    if (!f->fixed) {
      size_t k = (size_t)snprintf(f->why, sizeof f->why, "%d of %d headers read as "
                                  "%s fields", ft.nmapped, f->ncols, f->table);
      if (ft.named)
        snprintf(f->why + k, sizeof f->why - k, "; the file name has '%s'", ft.word);
    } else if (!ft.req_ok) {
      for (int k = 0; k < td->nfields; k++) {
        int has = 0;
        for (int j = 0; j < f->ncols; j++) has |= ft.field[j] == k;
        size_t m = strlen(f->missing);
        if (td->fields[k].required && !has)
          snprintf(f->missing + m, sizeof f->missing - m, "%s%s", m ? ", " : "",
                   td->fields[k].name);
      }
      snprintf(f->why, sizeof f->why, "the file name, but no column reads as "
               "%s: revl cannot load it until one is mapped", f->missing);
    }
    fit_done(&ft);
    for (int j = 0; f->exp_start[0] && j < f->ncols; j++) {
      revl_guess_col *c = &f->cols[j];
      if (strcmp(c->field, "period") == 0) /* the expansion makes period */
        c->field[0] = c->name[0] = '\0';
    }
    guess_date_format(f);
    guess_decimal(f);
    guess_types(f);
    guess_currency(f);
    if (strcmp(f->table, "deals") == 0) rc = guess_stages(f);
  }
  if (!rc) rc = revl_guess_links(files, n);
out:
  free(score);
  free(ok);
  return rc;
}

void revl_guess_file_done(revl_guess_file *f) {
  free(f->cols);
  free(f->won);
  free(f->lost);
  revl_guess_sample_done(&f->sample);
  memset(f, 0, sizeof *f);
}
