/*
 * cmd_inspect.c -- `revl inspect`: what a data directory loads as.
 *
 * Per table: rows, columns with type and null share, memory, broken
 * references, duplicate keys, rejected rows and why.  The output is
 * stable (no timings, no addresses) so it can be a golden test.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/ingest.h"
#include "revl/runtime.h"
#include "revl/store.h"

const char cli_usage_inspect[] =
    "usage: revl inspect --data DIR [--map FILE] [--as-of DATE] [--strict]\n"
    "                    [--out DIR] [--format table|csv|jsonl|json]\n"
    "                    [--color auto|always|never]\n"
    "\n"
    "Load a data directory and print, per table: rows, each column with its\n"
    "type and share of nulls, memory used, broken references, duplicate\n"
    "keys, rejected rows and why.\n"
    "\n"
    "  --data DIR   directory of CSV exports (accounts.csv, deals.csv, ...)\n"
    "  --map FILE   mapping file (default: DIR/mapping.lua when present)\n"
    "  --as-of DATE the date the data is seen at (default today), as in\n"
    "               revl run: open subscriptions of an expand = {...} run\n"
    "               through its month\n"
    "  --strict     stop at the first bad row or value (exit 2)\n"
    "  --out DIR    also write rejected rows to DIR/rejects/TABLE.csv\n"
    "  --format F   table (default, on a terminal and in a pipe: the report\n"
    "               above), or one record per column for programs: csv,\n"
    "               jsonl or json with table, file, rows, column, type,\n"
    "               null_pct, notes\n"
    "  --color WHEN bold table names: auto (a terminal without NO_COLOR),\n"
    "               always or never\n";

static void human_bytes(size_t b, char *buf, size_t size) {
  if (b < 1024)
    snprintf(buf, size, "%zu B", b);
  else if (b < 1024 * 1024)
    snprintf(buf, size, "%.1f KiB", b / 1024.0);
  else
    snprintf(buf, size, "%.1f MiB", b / (1024.0 * 1024.0));
}

/* The notes of column i of t ("primary key; -> accounts.id; ..."). */
static void column_notes(const revl_store *s, const revl_table *t, int i, char *notes,
                         size_t size) {
  revl_column *c = t->cols[i];
  size_t n = 0;
  notes[0] = '\0';
#define NOTE(...)                                                         \
  do {                                                                    \
    if (n < size)                                                         \
      n += (size_t)snprintf(notes + n, size - n, "%s", n ? "; " : "");    \
    if (n < size)                                                         \
      n += (size_t)snprintf(notes + n, size - n, __VA_ARGS__);            \
  } while (0)
  if (i == t->pk) NOTE("primary key");
  if (!c->canonical && c->label) NOTE("custom, header \"%.60s\"", c->label);
  else if (!c->canonical) NOTE("custom");
  if (c->ref) NOTE("-> %s.%s", c->ref->name, c->ref->cols[c->ref_col]->name);
  if (c->nbroken)
    NOTE("%zu broken (e.g. \"%.40s\")", c->nbroken,
         revl_intern_str(&s->strings, c->broken_example));
  if (c->nbad) NOTE("%zu unreadable values made null", c->nbad);
  if (c->type == REVL_T_MONEY && c->n) {
    /* currencies seen, up to three */
    uint32_t seen[3] = {0, 0, 0};
    int ns = 0, more = 0;
    for (size_t r = 0; r < c->n; r++) {
      if (!revl_col_valid(c, r)) continue;
      uint32_t cur = c->cur[r];
      int k;
      for (k = 0; k < ns && seen[k] != cur; k++) {}
      if (k == ns) {
        if (ns < 3) seen[ns++] = cur;
        else more = 1;
      }
    }
    if (ns) {
      char cl[64] = "";
      for (int k = 0; k < ns; k++)
        snprintf(cl + strlen(cl), sizeof cl - strlen(cl), "%s%s", k ? "," : "",
                 revl_intern_str(&s->strings, seen[k]));
      NOTE("%s%s", cl, more ? ",..." : "");
    }
  }
#undef NOTE
}

static double null_pct(const revl_column *c) {
  return c->n ? 100.0 * (double)c->nnull / (double)c->n : 0.0;
}

static void print_table(const revl_store *s, revl_table *t) {
  char mem[32];
  human_bytes(revl_table_memory(t), mem, sizeof mem);
  printf("%s%s%s  (%s)\n  %zu rows, %d columns, %s\n", cli_sgr("bold"), t->name,
         cli_sgr("reset"), t->file, t->nrows, t->ncols, mem);
  int w = 6;
  for (int i = 0; i < t->ncols; i++) {
    int n = (int)strlen(t->cols[i]->name);
    if (n > w) w = n;
  }
  printf("  %-*s  %-8s  %6s  %s\n", w, "column", "type", "null", "notes");
  for (int i = 0; i < t->ncols; i++) {
    revl_column *c = t->cols[i];
    char notes[512];
    column_notes(s, t, i, notes, sizeof notes);
    printf("  %-*s  %-8s  %5.1f%%  %s\n", w, c->name, revl_type_name(c->type),
           null_pct(c), notes);
  }
  if (t->nduplicate)
    printf("  duplicate keys: %zu rows rejected (%zu differ from the kept row, "
           "%zu identical)\n", t->nduplicate, t->ndup_differ, t->ndup_same);
  if (t->nrejected) {
    printf("  rejected: %zu rows\n", t->nrejected);
    size_t show = t->nrejects_kept < 5 ? t->nrejects_kept : 5;
    for (size_t k = 0; k < show; k++) {
      const revl_reject *r = &t->rejects[k];
      if (r->col)
        printf("    line %ld, column %ld: %s\n", r->line, r->col, r->reason);
      else
        printf("    line %ld: %s\n", r->line, r->reason);
    }
    if (t->nrejected > show)
      printf("    ... %zu more\n", t->nrejected - show);
  }
  for (int k = 0; k < t->nwarnings; k++) printf("  note: %s\n", t->warnings[k]);
  printf("\n");
}

/* --format csv|jsonl|json: one record per column of every table */
static int write_columns(const revl_store *s, int fmt) {
  revl_error err;
  revl_csvw *w = revl_csvw_open_stream(stdout, "<stdout>", fmt == REVL_FMT_JSON, &err);
  if (!w) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  static const char *const names[] = {"table", "file", "rows", "column", "type",
                                      "null_pct", "notes"};
  int json = fmt != REVL_FMT_CSV;
  if (!json) {
    for (int k = 0; k < 7; k++) revl_csvw_str(w, names[k]);
    revl_csvw_end(w);
  }
  for (int ti = 0; ti < s->ntables; ti++) {
    const revl_table *t = s->tables[ti];
    for (int i = 0; i < t->ncols; i++) {
      const revl_column *c = t->cols[i];
      char notes[512], pct[32], rows[32];
      column_notes(s, t, i, notes, sizeof notes);
      snprintf(pct, sizeof pct, "%.1f", null_pct(c));
      snprintf(rows, sizeof rows, "%zu", t->nrows);
      const char *vals[] = {t->name, t->file ? t->file : "", rows, c->name,
                            revl_type_name(c->type), pct, notes};
      if (!json) {
        for (int k = 0; k < 7; k++) revl_csvw_str(w, vals[k]);
        revl_csvw_end(w);
        continue;
      }
      revl_csvw_raw(w, "{", 1);
      for (int k = 0; k < 7; k++) {
        if (k) revl_csvw_raw(w, ",", 1);
        revl_csvw_json(w, names[k], strlen(names[k]));
        revl_csvw_raw(w, ":", 1);
        if (k == 2 || k == 5) revl_csvw_raw(w, vals[k], strlen(vals[k]));
        else revl_csvw_json(w, vals[k], strlen(vals[k]));
      }
      revl_csvw_raw(w, "}\n", 2);
    }
  }
  if (revl_csvw_commit(w, &err)) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  return REVL_EXIT_OK;
}

int cmd_inspect(int argc, char **argv) {
  cli_args a;
  revl_load_opts o;
  const char *v, *as_of = NULL;
  int fmt = REVL_FMT_TABLE;
  memset(&o, 0, sizeof o);
  cli_args_init(&a, "inspect", argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--data", &o.data_dir)) continue;
    if (cli_opt(&a, "--map", &o.map_file)) continue;
    if (cli_opt(&a, "--out", &o.out_dir)) continue;
    if (cli_opt(&a, "--as-of", &as_of)) continue;
    if (cli_opt(&a, "--format", &v)) {
      if (a.err) break;
      if (cli_parse_format("inspect", v, CLI_FMT_ALL, &fmt)) return REVL_EXIT_DATA;
      continue;
    }
    if (cli_opt(&a, "--color", &v)) {
      if (a.err) break;
      if (cli_parse_color("inspect", v)) return REVL_EXIT_DATA;
      continue;
    }
    if (cli_flag(&a, "--strict")) {
      o.strict = 1;
      continue;
    }
    if (argv[a.i][0] == '-') return cli_unknown_option("inspect", argv[a.i]);
    return cli_usage_error("inspect", "unknown argument '%s'", argv[a.i]);
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!o.data_dir) return cli_usage_error("inspect", "--data DIR is required");
  o.has_as_of = 1;
  if (as_of) {
    if (revl_parse_date(as_of, strlen(as_of), NULL, &o.as_of))
      return cli_usage_error("inspect", "--as-of needs a date like 2025-06-30, not '%s'",
                             as_of);
  } else {
    /* today, as revl run: the one place inspect reads the clock */
    o.as_of = (int32_t)(time(NULL) / 86400);
  }
  revl_store *s = revl_store_new();
  revl_error err;
  if (!s) {
    fprintf(stderr, "revl: not enough memory\n");
    return REVL_EXIT_DATA;
  }
  int rc = revl_load_dir(s, &o, &err);
  if (rc) {
    revl_error_print(&err);
    revl_store_free(s);
    return revl_exit_code(rc);
  }
  if (fmt != REVL_FMT_TABLE) {
    rc = write_columns(s, fmt);
    revl_store_free(s);
    return rc;
  }
  size_t total = revl_intern_memory(&s->strings);
  for (int i = 0; i < s->ntables; i++) {
    print_table(s, s->tables[i]);
    total += revl_table_memory(s->tables[i]);
  }
  char mem[32], smem[32];
  human_bytes(total, mem, sizeof mem);
  human_bytes(revl_intern_memory(&s->strings), smem, sizeof smem);
  size_t rej = 0;
  for (int i = 0; i < s->ntables; i++) rej += s->tables[i]->nrejected;
  printf("strings: %u distinct, %s\nmemory: %s in all\n", s->strings.n - 1,
         smem, mem);
  if (rej) {
    printf("rejected rows: %zu", rej);
    if (o.out_dir) printf(" (written to %s/rejects/)", o.out_dir);
    printf("\n");
  }
  revl_store_free(s);
  return REVL_EXIT_OK;
}
