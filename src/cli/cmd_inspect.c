/*
 * cmd_inspect.c -- `revl inspect`: what a data directory loads as.
 *
 * Per table: rows, columns with type and null share, memory, broken
 * references, duplicate keys, rejected rows and why.  The output is
 * stable (no timings, no addresses) so it can be a golden test.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "revl/ingest.h"
#include "revl/store.h"

const char cli_usage_inspect[] =
    "usage: revl inspect --data DIR [--map FILE] [--strict] [--out DIR]\n"
    "\n"
    "Load a data directory and print, per table: rows, each column with its\n"
    "type and share of nulls, memory used, broken references, duplicate\n"
    "keys, rejected rows and why.\n"
    "\n"
    "  --data DIR   directory of CSV exports (accounts.csv, deals.csv, ...)\n"
    "  --map FILE   mapping file (default: DIR/mapping.lua when present)\n"
    "  --strict     stop at the first bad row or value (exit 2)\n"
    "  --out DIR    also write rejected rows to DIR/rejects/TABLE.csv\n";

static void human_bytes(size_t b, char *buf, size_t size) {
  if (b < 1024)
    snprintf(buf, size, "%zu B", b);
  else if (b < 1024 * 1024)
    snprintf(buf, size, "%.1f KiB", b / 1024.0);
  else
    snprintf(buf, size, "%.1f MiB", b / (1024.0 * 1024.0));
}

static void print_table(const revl_store *s, revl_table *t) {
  char mem[32];
  human_bytes(revl_table_memory(t), mem, sizeof mem);
  printf("%s  (%s)\n  %zu rows, %d columns, %s\n", t->name, t->file, t->nrows,
         t->ncols, mem);
  int w = 6;
  for (int i = 0; i < t->ncols; i++) {
    int n = (int)strlen(t->cols[i]->name);
    if (n > w) w = n;
  }
  printf("  %-*s  %-8s  %6s  %s\n", w, "column", "type", "null", "notes");
  for (int i = 0; i < t->ncols; i++) {
    revl_column *c = t->cols[i];
    double pct = c->n ? 100.0 * (double)c->nnull / (double)c->n : 0.0;
    char notes[512];
    size_t n = 0;
    notes[0] = '\0';
#define NOTE(...)                                                         \
  do {                                                                    \
    if (n < sizeof notes)                                                 \
      n += (size_t)snprintf(notes + n, sizeof notes - n, "%s",            \
                            n ? "; " : "");                               \
    if (n < sizeof notes)                                                 \
      n += (size_t)snprintf(notes + n, sizeof notes - n, __VA_ARGS__);    \
  } while (0)
    if (i == t->pk) NOTE("primary key");
    if (!c->canonical && c->label) NOTE("custom, header \"%.60s\"", c->label);
    else if (!c->canonical) NOTE("custom");
    if (c->ref)
      NOTE("-> %s.%s", c->ref->name, c->ref->cols[c->ref_col]->name);
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
          snprintf(cl + strlen(cl), sizeof cl - strlen(cl), "%s%s",
                   k ? "," : "", revl_intern_str(&s->strings, seen[k]));
        NOTE("%s%s", cl, more ? ",..." : "");
      }
    }
#undef NOTE
    printf("  %-*s  %-8s  %5.1f%%  %s\n", w, c->name, revl_type_name(c->type),
           pct, notes);
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

int cmd_inspect(int argc, char **argv) {
  cli_args a;
  revl_load_opts o;
  memset(&o, 0, sizeof o);
  cli_args_init(&a, "inspect", argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--data", &o.data_dir)) continue;
    if (cli_opt(&a, "--map", &o.map_file)) continue;
    if (cli_opt(&a, "--out", &o.out_dir)) continue;
    if (cli_flag(&a, "--strict")) {
      o.strict = 1;
      continue;
    }
    if (argv[a.i][0] == '-') return cli_unknown_option("inspect", argv[a.i]);
    return cli_usage_error("inspect", "unknown argument '%s'", argv[a.i]);
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!o.data_dir) return cli_usage_error("inspect", "--data DIR is required");
  revl_store *s = revl_store_new();
  revl_error err;
  if (!s) {
    fprintf(stderr, "revl: out of memory\n");
    return REVL_EXIT_DATA;
  }
  int rc = revl_load_dir(s, &o, &err);
  if (rc) {
    revl_error_print(&err);
    revl_store_free(s);
    return revl_exit_code(rc);
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
