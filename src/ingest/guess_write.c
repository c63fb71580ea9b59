/*
 * guess_write.c -- the mapping file `revl init` writes from its guesses:
 * a Lua table revl loads unchanged (only options src/ingest/mapping.c
 * reads: file, delimiter, date_format, columns, derive, types, stages,
 * null_add, key, duplicates, references, constants, expand, and custom
 * tables under tables = {...}), every guess
 * with its confidence and evidence in a comment, the columns left
 * unmapped and the files left unclassified listed as comments.
 */
#include "revl/guess.h"
#include "revl/ingest.h"
#include "revl/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNSURE 60 /* below this a guess is marked "unsure" */

/* s as a Lua string literal: quotes, backslashes and control bytes
 * escaped, other bytes (UTF-8 text) as they are. */
static void lua_str(revl_sbuf *b, const char *s) {
  revl_sb_add(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      revl_sb_add(b, e, 2);
    } else if (c < 0x20 || c == 0x7f) {
      revl_sb_addf(b, "\\%03u", c);
    } else {
      revl_sb_add(b, s, 1);
    }
  }
  revl_sb_add(b, "\"", 1);
}

/* A comment's text on one line: control bytes become spaces. */
static void comment(revl_sbuf *b, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    char o = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    revl_sb_add(b, &o, 1);
  }
}

static const char *kind_name(int k) {
  switch (k) {
  case REVL_GK_BOOL: return "boolean";
  case REVL_GK_INT: return "integer";
  case REVL_GK_NUMBER: return "number";
  case REVL_GK_MONEY: return "money";
  case REVL_GK_DATE: return "date";
  case REVL_GK_DATETIME: return "datetime";
  case REVL_GK_NONE: return "all null";
  default: return "text";
  }
}

static void sure(revl_sbuf *b, int conf) {
  revl_sb_addf(b, "%d%%%s", conf, conf < UNSURE ? ", unsure" : "");
}

static void stage_list(revl_sbuf *b, const char *what, char **v, int n) {
  if (!n) return;
  revl_sb_addf(b, " %s = {", what);
  for (int i = 0; i < n; i++) {
    revl_sb_adds(b, i ? ", " : " ");
    lua_str(b, v[i]);
  }
  revl_sb_adds(b, " },");
}

/* "    option = VALUE,  -- CONF%: why" */
static void option_line(revl_sbuf *b, const char *opt, int conf, const char *why) {
  revl_sb_addf(b, "    %s,  -- ", opt);
  if (conf) {
    sure(b, conf);
    revl_sb_adds(b, ": ");
  }
  comment(b, why);
  revl_sb_adds(b, "\n");
}

/* expand = {...} of a subscriptions file, with its events file's columns. */
static void write_expand(revl_sbuf *b, const revl_guess_file *f,
                         const revl_guess_file *files) {
  revl_sb_adds(b, "    expand = { start = ");
  lua_str(b, f->exp_start);
  revl_sb_adds(b, ", [\"end\"] = ");
  lua_str(b, f->exp_end);
  revl_sb_adds(b, ", every = \"month\",  -- ");
  sure(b, f->conf);
  revl_sb_adds(b, ": ");
  comment(b, f->exp_why);
  revl_sb_adds(b, "\n");
  if (f->ev_file >= 0) {
    const revl_guess_file *e = &files[f->ev_file];
    revl_sb_adds(b, "      events = { table = ");
    lua_str(b, e->custom);
    revl_sb_adds(b, ", key = ");
    lua_str(b, f->ev_key);
    const char *names[] = {"id", "date", "kind", "mrr", "seats"};
    int cols[] = {e->ev_id, e->ev_date, e->ev_kind, e->ev_mrr, e->ev_seats};
    for (int k = 0; k < 5; k++) {
      if (cols[k] < 0) continue;
      revl_sb_addf(b, ", %s = ", names[k]);
      lua_str(b, e->cols[cols[k]].header);
    }
    revl_sb_adds(b, " },\n      -- ");
    comment(b, f->ev_why);
    revl_sb_adds(b, "\n");
  }
  revl_sb_adds(b, "    },\n");
}

static void write_table(revl_sbuf *b, const revl_guess_file *f,
                        const revl_guess_file *files) {
  const char *name = f->table[0] ? f->table : f->custom;
  revl_sb_adds(b, "  -- ");
  comment(b, f->file);
  if (f->table[0]) {
    revl_sb_addf(b, ": %s, ", f->table);
    sure(b, f->conf);
    revl_sb_adds(b, " (");
    comment(b, f->why);
    revl_sb_adds(b, ")\n  ");
  } else {
    revl_sb_adds(b, f->events ? ": " : ": not classified (");
    comment(b, f->why);
    revl_sb_adds(b, f->events ? "\n  " : "): a custom table\n  ");
  }
  revl_sb_addf(b, "%s = {\n", name);
  if (!f->fixed) {
    revl_sb_adds(b, "    file = ");
    lua_str(b, f->file);
    revl_sb_adds(b, ",\n");
  }
  if (f->sample.delimiter && f->sample.delimiter != ',')
    revl_sb_addf(b, "    delimiter = \"%s\",  -- the header line is split by it\n",
                 f->sample.delimiter == '\t' ? "\\t" : ";");
  if (f->date_format[0]) {
    revl_sb_addf(b, "    date_format = \"%s\",  -- ", f->date_format);
    comment(b, f->date_why);
    revl_sb_adds(b, "\n");
  } else if (f->date_why[0]) {
    revl_sb_adds(b, "    -- date_format: ");
    comment(b, f->date_why);
    revl_sb_adds(b, "\n");
  }
  if (f->decimal[0]) {
    revl_sb_adds(b, "    decimal = \",\", thousands = \".\",  -- ");
    comment(b, f->decimal_why);
    revl_sb_adds(b, "\n");
  } else if (f->decimal_why[0]) {
    revl_sb_adds(b, "    -- decimal: ");
    comment(b, f->decimal_why);
    revl_sb_adds(b, "\n");
  }
  if (f->currency[0]) {
    revl_sb_addf(b, "    currency = \"%s\",  -- ", f->currency);
    comment(b, f->currency_why);
    revl_sb_adds(b, "\n");
  }
  if (f->nnulls) {
    revl_sb_adds(b, "    null_add = {");
    for (int i = 0; i < f->nnulls; i++) {
      revl_sb_adds(b, i ? ", " : " ");
      lua_str(b, f->nulls[i]);
    }
    revl_sb_adds(b, " },  -- ");
    comment(b, f->null_why);
    revl_sb_adds(b, "\n");
  }
  if (f->key >= 0 && !f->table[0]) {
    char o[160]; /* the name is snake_case or "id": no quoting needed */
    snprintf(o, sizeof o, "key = \"%s\"", f->cols[f->key].name);
    option_line(b, o, f->key_conf, f->key_why);
  }
  if (f->dup[0]) {
    char o[40];
    snprintf(o, sizeof o, "duplicates = \"%s\"", f->dup);
    option_line(b, o, f->dup_conf, f->dup_why);
  } else if (f->dup_why[0]) {
    revl_sb_adds(b, "    -- duplicates: ");
    comment(b, f->dup_why);
    revl_sb_adds(b, "\n");
  }
  int nren = 0, nder = 0, ntyp = 0;
  for (int j = 0; j < f->ncols; j++) {
    nren += f->cols[j].name[0] != '\0';
    nder += f->cols[j].field[0] && (f->cols[j].datefmt[0] || f->cols[j].scale[0]);
    ntyp += f->cols[j].type[0] != '\0';
  }
  if (nren) {
    revl_sb_adds(b, "    columns = {\n");
    for (int j = 0; j < f->ncols; j++) {
      const revl_guess_col *c = &f->cols[j];
      if (!c->name[0]) continue;
      revl_sb_adds(b, "      [");
      lua_str(b, c->header);
      revl_sb_adds(b, "] = ");
      if (c->field[0] && (c->datefmt[0] || c->scale[0])) {
        /* the field is derived (below): the header stays a custom column */
        char snake[128];
        revl_snake_case(c->header, snake, sizeof snake);
        if (!snake[0] || strcmp(snake, c->field) == 0)
          snprintf(snake, sizeof snake, "%s_raw", c->field);
        lua_str(b, snake);
        if (c->datefmt[0])
          revl_sb_addf(b, ",  -- its %s dates make %s (derive below)\n",
                       c->datefmt, c->field);
        else
          revl_sb_addf(b, ",  -- scaled into %s (derive below)\n", c->field);
        continue;
      }
      lua_str(b, c->name);
      revl_sb_adds(b, ",  -- ");
      if (c->field[0]) {
        sure(b, c->conf);
        revl_sb_adds(b, ": ");
      }
      comment(b, c->why);
      revl_sb_adds(b, "\n");
    }
    revl_sb_adds(b, "    },\n");
  }
  if (nder) {
    revl_sb_adds(b, "    derive = {\n");
    for (int j = 0; j < f->ncols; j++) {
      const revl_guess_col *c = &f->cols[j];
      if (!c->field[0] || (!c->datefmt[0] && !c->scale[0])) continue;
      revl_sb_addf(b, "      %s = { from = ", c->field);
      lua_str(b, c->header);
      if (c->scale[0]) {
        revl_sb_addf(b, ", scale = %s },  -- ", c->scale);
        sure(b, c->conf < 60 ? c->conf : 60);
        revl_sb_adds(b, ": the header '");
        comment(b, c->header);
        revl_sb_addf(b, "' reads as amounts in %s\n",
                     strcmp(c->scale, "1000") == 0 ? "thousands" : "millions");
        continue;
      }
      revl_sb_addf(b, ", date = \"%s\" },  -- ", c->datefmt);
      sure(b, c->conf);
      revl_sb_adds(b, ": ");
      comment(b, c->why);
      revl_sb_addf(b, "; %d%% of values look like %s\n", c->kind_pct, c->datefmt);
    }
    revl_sb_adds(b, "    },\n");
  }
  if (ntyp) {
    revl_sb_adds(b, "    types = {\n");
    for (int j = 0; j < f->ncols; j++) {
      const revl_guess_col *c = &f->cols[j];
      if (!c->type[0]) continue;
      revl_sb_adds(b, "      [");
      lua_str(b, c->header);
      revl_sb_addf(b, "] = %s,  -- ", c->type);
      sure(b, c->type_conf);
      revl_sb_adds(b, ": ");
      comment(b, c->type_why);
      revl_sb_adds(b, "\n");
    }
    revl_sb_adds(b, "    },\n");
  }
  if (f->nrefs) {
    revl_sb_adds(b, "    references = {\n");
    for (int i = 0; i < f->nrefs; i++) {
      const revl_guess_ref *r = &f->refs[i];
      revl_sb_adds(b, "      [");
      lua_str(b, f->cols[r->col].name);
      revl_sb_adds(b, "] = ");
      char t[140];
      snprintf(t, sizeof t, "%s.%s", r->target, r->tcol);
      lua_str(b, t);
      revl_sb_adds(b, ",  -- ");
      sure(b, r->conf);
      revl_sb_adds(b, ": ");
      comment(b, r->why);
      revl_sb_adds(b, "\n");
    }
    revl_sb_adds(b, "    },\n");
  }
  if (f->const_field[0]) {
    revl_sb_addf(b, "    constants = { %s = ", f->const_field);
    lua_str(b, f->const_value);
    revl_sb_adds(b, " },  -- ");
    sure(b, 70);
    revl_sb_adds(b, ": ");
    comment(b, f->const_why);
    revl_sb_adds(b, "\n");
  }
  if (f->exp_start[0]) write_expand(b, f, files);
  if (f->nwon || f->nlost) {
    revl_sb_adds(b, "    stages = {");
    stage_list(b, "won", f->won, f->nwon);
    stage_list(b, "lost", f->lost, f->nlost);
    revl_sb_adds(b, " },  -- stage values that look closed; the rest stay open\n");
  }
  int nun = 0;
  for (int j = 0; j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    if (c->name[0]) continue;
    char snake[128];
    revl_snake_case(c->header, snake, sizeof snake);
    if (!snake[0]) snprintf(snake, sizeof snake, "column_%d", j + 1);
    revl_sb_adds(b, nun++ ? "\n    --   " : "    -- not mapped (custom columns): ");
    lua_str(b, c->header);
    revl_sb_addf(b, " as %s (%s%s%s)", snake, kind_name(c->kind),
                 c->type[0] ? ", typed " : "", c->type[0] ? c->type : "");
  }
  if (nun) revl_sb_adds(b, "\n");
  revl_sb_adds(b, "  },\n");
}

char *revl_guess_mapping_text(const revl_guess_file *files, int n,
                              const char *dir) {
  revl_sbuf b = {0};
  int ncl = 0;
  for (int i = 0; i < n; i++) ncl += files[i].table[0] != '\0';
  revl_sb_adds(&b, "-- Mapping guessed by `revl init` from ");
  comment(&b, dir);
  revl_sb_addf(&b, " (%d CSV file%s, %d classified).\n", n, n == 1 ? "" : "s", ncl);
  revl_sb_adds(&b,
               "-- Each guess says how sure it is and why; check the ones marked\n"
               "-- \"unsure\".  Options: docs/mapping.md.  What loads: revl inspect "
               "--data DIR\n"
               "return {\n");
  for (int i = 0; i < n; i++)
    if (files[i].table[0]) write_table(&b, &files[i], files);
  int ncust = n - ncl;
  if (ncust) { /* the other files: custom tables, two more spaces in */
    revl_sbuf t = {0};
    for (int i = 0; i < n; i++)
      if (!files[i].table[0]) write_table(&t, &files[i], files);
    revl_sb_adds(&b, "  tables = {\n");
    for (size_t k = 0; k < t.n; k++) {
      if (k == 0 || t.p[k - 1] == '\n') revl_sb_adds(&b, "  ");
      revl_sb_add(&b, t.p + k, 1);
    }
    if (t.oom) b.oom = 1;
    revl_sb_free(&t);
    revl_sb_adds(&b, "  },\n");
  }
  revl_sb_adds(&b, "}\n");
  /* the buffer truncates when out of memory: never hand out half a file */
  if (!b.p || b.oom || b.n < 2 || strcmp(b.p + b.n - 2, "}\n") != 0) {
    revl_sb_free(&b);
    return NULL;
  }
  return b.p;
}
