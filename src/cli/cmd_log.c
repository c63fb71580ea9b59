/*
 * cmd_log.c -- `revl log FILE`: a decision log with its run's metadata
 * joined back onto every row (src/output/logread.c does the reading),
 * for readers that want the one-file layout: CSV as logs were written
 * before run_id, JSON Lines or one JSON array; or, for people, a table of
 * the decisions under a line per run.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/logread.h"
#include "revl/runtime.h"

const char cli_usage_log[] =
    "usage: revl log FILE [--format csv|jsonl|json|table]\n"
    "\n"
    "Print a decision log written by revl.log with its run's metadata on\n"
    "every row.  FILE is NAME.csv (its rows carry a run_id; the record is\n"
    "NAME.run.json beside it) or NAME.jsonl (rows under their {\"run\": ...}\n"
    "line; several runs may be concatenated).\n"
    "\n"
    "  --format F   csv (default): the rows' columns, then as_of, playbook,\n"
    "               commit, dirty, revl_version, seed, inputs (file=sha256;...)\n"
    "               jsonl: each row with \"run\": the run record; json: the\n"
    "               same rows as one array; table: for reading, a line per\n"
    "               run (as-of, playbook, commit, revl, seed) over a table\n"
    "               of its decisions (cells cut at 60 characters)\n"
    "\n"
    "  revl log out/icp_decisions.csv | grep ',D3,'\n"
    "  revl log out/icp_decisions.jsonl --format jsonl | jq -c '{id, commit: .run.commit}'\n"
    "\n"
    "Exit status: 0 ok, 2 usage error, or FILE is not a revl decision log.\n";

/* ---- --format table ------------------------------------------------------ */

#define NMETA 7 /* as_of, playbook, commit, dirty, revl_version, seed, inputs */
#define CELL_MAX 60

typedef struct grid {
  char **cells; /* row-major, ncols a row */
  size_t n, cap, ncols, col;
  int oom;
} grid;

static void grid_field(void *s, size_t n, void *ud) {
  grid *g = ud;
  if (g->oom) return;
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 256;
    char **c = realloc(g->cells, cap * sizeof *c);
    if (!c) {
      g->oom = 1;
      return;
    }
    g->cells = c;
    g->cap = cap;
  }
  char *v = malloc(n + 1);
  if (!v) {
    g->oom = 1;
    return;
  }
  memcpy(v, s, n);
  v[n] = '\0';
  g->cells[g->n++] = v;
  g->col++;
}

static void grid_record(int term, void *ud) {
  grid *g = ud;
  (void)term;
  if (g->ncols == 0) g->ncols = g->col;
  while (!g->oom && g->col < g->ncols) grid_field("", 0, g); /* never short */
  g->col = 0;
}

/* Characters of s as a terminal shows them (UTF-8), and the byte length
 * of its first max characters. */
static size_t text_width(const char *s, size_t max, size_t *bytes) {
  size_t w = 0, i = 0;
  for (; s[i]; i++) {
    if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
    if (w == max) break;
    w++;
  }
  *bytes = i;
  return w;
}

static int numeric(const char *s) {
  char *end;
  if (!*s) return 0;
  (void)strtod(s, &end);
  return *end == '\0';
}

/* The decisions of one run, rows [from, to) of g, as an aligned table. */
static int print_run(const grid *g, size_t from, size_t to, size_t nshow) {
  const char *const *c = (const char *const *)g->cells;
  size_t nc = g->ncols, *w = malloc(nshow * sizeof *w);
  int *right = malloc(nshow * sizeof *right);
  if (!w || !right) {
    free(w);
    free(right);
    return -1;
  }
  for (size_t k = 0; k < nshow; k++) {
    size_t b;
    w[k] = text_width(c[k], CELL_MAX, &b);
    right[k] = 1;
    for (size_t r = from; r < to; r++) {
      const char *v = c[r * nc + k];
      size_t cw = text_width(v, CELL_MAX, &b);
      if (v[b]) cw = CELL_MAX + 3; /* cut, with "..." */
      if (cw > w[k]) w[k] = cw;
      if (*v && !numeric(v)) right[k] = 0;
    }
  }
  const char *const *meta = c + from * nc + (nc - NMETA);
  printf("%srun: as-of %s, playbook %s, commit %.12s%s, revl %s, seed %s%s\n",
         cli_sgr("bold"), meta[0], meta[1], meta[2], strcmp(meta[3], "true") ? "" : " (dirty)",
         meta[4], meta[5], cli_sgr("reset"));
  for (size_t r = 0; r < 2 + (to - from); r++) {
    size_t row = r == 0 ? 0 : from + r - 2, blanks = 0; /* written before the next text */
    for (size_t k = 0; k < nshow; k++) {
      const char *v = r == 1 ? "" : c[row * nc + k];
      size_t b, cw = text_width(v, CELL_MAX, &b);
      int cut = v[b] != '\0';
      if (cut) cw += 3;
      if (k) blanks += 2;
      if (r == 1) {
        for (; blanks; blanks--) putchar(' ');
        for (size_t i = 0; i < w[k]; i++) putchar('-');
        continue;
      }
      int ralign = right[k] && r > 0;
      if (ralign) blanks += w[k] - cw;
      if (b) {
        for (; blanks; blanks--) putchar(' ');
        fwrite(v, 1, b, stdout);
        if (cut) fputs("...", stdout);
      }
      if (!ralign) blanks += w[k] - cw;
    }
    putchar('\n');
  }
  printf("(%zu decision%s)\n", to - from, to - from == 1 ? "" : "s");
  free(w);
  free(right);
  return 0;
}

/* The log rejoined as CSV (the csv format's bytes), shown as tables. */
static int print_table(const char *csv, size_t n) {
  struct csv_parser p;
  grid g = {0};
  int rc = REVL_EXIT_OK;
  if (csv_init(&p, CSV_APPEND_NULL) != 0) return REVL_EXIT_DATA;
  csv_parse(&p, csv, n, grid_field, grid_record, &g);
  csv_fini(&p, grid_field, grid_record, &g);
  csv_free(&p);
  if (g.oom) {
    fprintf(stderr, "revl: not enough memory\n");
    rc = REVL_EXIT_DATA;
    goto out;
  }
  size_t nc = g.ncols, nrows = nc ? g.n / nc : 0;
  if (nc <= NMETA) goto out; /* no decision columns */
  size_t nshow = nc - NMETA;
  for (size_t from = 1; from < nrows;) {
    size_t to = from + 1;
    /* the rows of one run: the same metadata */
    while (to < nrows) {
      size_t k = nshow;
      while (k < nc && strcmp(g.cells[to * nc + k], g.cells[from * nc + k]) == 0) k++;
      if (k < nc) break;
      to++;
    }
    if (from > 1) putchar('\n');
    if (print_run(&g, from, to, nshow)) {
      fprintf(stderr, "revl: not enough memory\n");
      rc = REVL_EXIT_DATA;
      goto out;
    }
    from = to;
  }
  if (nrows <= 1) printf("(no decisions)\n");
out:
  for (size_t i = 0; i < g.n; i++) free(g.cells[i]);
  free(g.cells);
  return rc;
}

int cmd_log(int argc, char **argv) {
  cli_args a;
  const char *file = NULL, *fmt_s = NULL;
  cli_args_init(&a, "log", argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--format", &fmt_s)) continue;
    const char *arg = argv[a.i];
    if (arg[0] == '-' && arg[1]) return cli_unknown_option("log", arg);
    if (file) return cli_usage_error("log", "unexpected argument '%s'", arg);
    file = arg;
    a.i++;
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!file) return cli_usage_error("log", "FILE is required");
  int fmt = REVL_FMT_CSV;
  if (fmt_s && cli_parse_format("log", fmt_s, CLI_FMT_ALL, &fmt)) return REVL_EXIT_DATA;
  revl_error err;
  char *mem = NULL;
  size_t memlen = 0;
  FILE *to = stdout;
  if (fmt == REVL_FMT_TABLE && !(to = open_memstream(&mem, &memlen))) {
    fprintf(stderr, "revl: not enough memory\n");
    return REVL_EXIT_DATA;
  }
  revl_csvw *w = revl_csvw_open_stream(to, "<stdout>", fmt == REVL_FMT_JSON, &err);
  if (!w) {
    if (to != stdout) fclose(to);
    free(mem);
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  int rc = revl_log_rejoin(file, w, fmt == REVL_FMT_JSONL || fmt == REVL_FMT_JSON, &err);
  if (rc) {
    revl_csvw_abort(w);
    fflush(stdout);
    revl_error_print(&err);
    rc = revl_exit_code(rc);
  } else if (revl_csvw_commit(w, &err)) {
    revl_error_print(&err);
    rc = revl_exit_code(err.code);
  }
  if (to != stdout) {
    fclose(to);
    if (rc == REVL_EXIT_OK) rc = print_table(mem, memlen);
    free(mem);
  }
  return rc;
}
