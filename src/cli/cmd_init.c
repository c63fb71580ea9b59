/*
 * cmd_init.c -- `revl init DIR`: a mapping file guessed from the CSV
 * files of an export directory (src/ingest/guess*.c), written atomically
 * and never over an existing file without --force, with what was
 * guessed printed on stdout.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/guess.h"

#define CMD "init"
#define MAX_FILES 256

const char cli_usage_init[] =
    "usage: revl init DIR [--out FILE] [--force]\n"
    "       revl init --data DIR [--out FILE] [--force]\n"
    "\n"
    "Look at the CSV files of an export directory, guess which table each\n"
    "one is (accounts, deals, leads, reps, activities, stage_history,\n"
    "subscriptions, usage) and which column is which field, from the\n"
    "headers and a sample of the values, and write a commented mapping file\n"
    "that revl loads as it is.  Every guess is printed with how sure it is;\n"
    "edit the file where it says \"unsure\", then check what loads with\n"
    "revl inspect.\n"
    "\n"
    "  --data DIR   the export directory (or give it as the argument)\n"
    "  --out FILE   the mapping file to write (default: DIR/mapping.lua,\n"
    "               which revl reads from DIR without --map)\n"
    "  --force      replace FILE when it exists (without it: exit 2)\n";

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *unsure(int conf) { return conf < 60 ? ", unsure" : ""; }

static void print_guess(const revl_guess_file *f) {
  if (!f->table[0]) {
    printf("%s: not classified (%s)\n", f->file, f->why);
    printf("  -> custom table %s\n", f->custom);
    if (f->key >= 0)
      printf("  key %s -> %s (%d%%%s: %s)\n", f->cols[f->key].header,
             f->cols[f->key].name, f->key_conf, unsure(f->key_conf), f->key_why);
  } else {
    printf("%s -> %s (%d%%%s: %s)\n", f->file, f->table, f->conf,
           unsure(f->conf), f->why);
  }
  for (int i = 0; i < f->nnulls; i++)
    printf("%s'%s'%s", i ? ", " : "  null_add ", f->nulls[i], i + 1 < f->nnulls ? "" : " (");
  if (f->nnulls) printf("%s)\n", f->null_why);
  if (f->const_field[0])
    printf("  constant %s = '%s' (70%%: %s)\n", f->const_field, f->const_value,
           f->const_why);
  if (f->dup[0])
    printf("  duplicates = %s (%d%%%s: %s)\n", f->dup, f->dup_conf, unsure(f->dup_conf),
           f->dup_why);
  for (int i = 0; i < f->nrefs; i++)
    printf("  %s -> %s refers to %s.%s (%d%%%s: %s)\n", f->cols[f->refs[i].col].header,
           f->cols[f->refs[i].col].name, f->refs[i].target, f->refs[i].tcol,
           f->refs[i].conf, unsure(f->refs[i].conf), f->refs[i].why);
  if (f->ev_file >= 0) printf("  expand events by %s (%s)\n", f->ev_key, f->ev_why);
  for (int j = 0; j < f->ncols; j++) {
    const revl_guess_col *c = &f->cols[j];
    if (!f->table[0] && c->name[0] && !c->type[0]) continue; /* key, refs: above */
    if (c->field[0])
      printf("  %s -> %s (%d%%%s: %s)\n", c->header, c->field, c->conf,
             unsure(c->conf), c->why);
    else if (c->name[0])
      printf("  %s -> custom %s (%s)\n", c->header, c->name, c->why);
    else
      printf("  %s: not mapped (a custom column)\n", c->header);
    if (c->field[0] && c->datefmt[0])
      printf("  derive %s from %s: dates like %s (%d%% of values)\n", c->field,
             c->header, c->datefmt, c->kind_pct);
    if (c->field[0] && c->scale[0])
      printf("  derive %s from %s: scale %s (the header names the unit)\n",
             c->field, c->header, c->scale);
    if (c->type[0])
      printf("  types %s = %s (%d%%%s: %s)\n", c->header, c->type, c->type_conf,
             unsure(c->type_conf), c->type_why);
  }
  if (f->exp_start[0])
    printf("  expand from '%s' to '%s' by month\n", f->exp_start, f->exp_end);
  if (f->date_format[0]) printf("  date_format %s (%s)\n", f->date_format, f->date_why);
  if (f->decimal[0]) printf("  decimal comma (%s)\n", f->decimal_why);
  if (f->currency[0]) printf("  currency %s (%s)\n", f->currency, f->currency_why);
  if (f->nwon || f->nlost)
    printf("  stages: %d won, %d lost by their names (the loader would read "
           "some as open)\n", f->nwon, f->nlost);
}

int cmd_init(int argc, char **argv) {
  cli_args a;
  const char *dir = NULL, *out = NULL, *val;
  int force = 0;
  cli_args_init(&a, CMD, argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--data", &val)) {
      if (a.err) return REVL_EXIT_DATA;
      if (dir) return cli_usage_error(CMD, "the directory is given twice");
      dir = val;
    } else if (cli_opt(&a, "--out", &val)) {
      if (a.err) return REVL_EXIT_DATA;
      if (!val[0]) return cli_usage_error(CMD, "--out needs a file name");
      out = val;
    } else if (cli_flag(&a, "--force")) {
      force = 1;
    } else if (strncmp(argv[a.i], "--", 2) == 0) {
      return cli_unknown_option(CMD, argv[a.i]);
    } else {
      if (dir) return cli_usage_error(CMD, "unexpected argument '%s'", argv[a.i]);
      dir = argv[a.i++];
    }
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!dir || !dir[0]) return cli_usage_error(CMD, "which directory? (revl init DIR)");

  char outbuf[4096];
  if (!out) {
    snprintf(outbuf, sizeof outbuf, "%s/mapping.lua", dir);
    out = outbuf;
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "revl: %s: not a directory (revl init takes the directory "
            "that holds the CSV files)\n", dir);
    return REVL_EXIT_DATA;
  }
  if (!force && lstat(out, &st) == 0) {
    fprintf(stderr, "revl: %s: already exists; revl init does not replace it "
            "(--force does, or --out FILE writes elsewhere)\n", out);
    return REVL_EXIT_DATA;
  }

  /* the CSV files, in name order */
  char *names[MAX_FILES];
  int nn = 0, rc = REVL_EXIT_OK;
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "revl: %s: cannot read the directory: %s\n", dir, strerror(errno));
    return REVL_EXIT_DATA;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0) continue;
    if (nn == MAX_FILES) {
      fprintf(stderr, "revl: %s: more than %d CSV files; revl init reads the "
              "first %d by name\n", dir, MAX_FILES, MAX_FILES);
      break;
    }
    if (!(names[nn] = strdup(e->d_name))) break;
    nn++;
  }
  closedir(d);
  if (nn == 0) {
    fprintf(stderr, "revl: %s: no CSV files found (revl init reads *.csv)\n", dir);
    return REVL_EXIT_DATA;
  }
  qsort(names, (size_t)nn, sizeof *names, cmp_name);

  revl_guess_file *files = calloc((size_t)nn, sizeof *files);
  char *text = NULL;
  revl_error err;
  memset(&err, 0, sizeof err);
  if (!files) {
    fprintf(stderr, "revl: not enough memory\n");
    rc = REVL_EXIT_DATA;
    goto out;
  }
  for (int i = 0; i < nn; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    snprintf(files[i].file, sizeof files[i].file, "%s", names[i]);
    if (revl_guess_sample_read(&files[i].sample, path, REVL_GUESS_SAMPLE, &err)) {
      revl_error_print(&err);
      rc = revl_exit_code(err.code);
      goto out;
    }
  }
  if (revl_guess_files(files, nn) ||
      !(text = revl_guess_mapping_text(files, nn, dir))) {
    fprintf(stderr, "revl: not enough memory\n");
    rc = REVL_EXIT_DATA;
    goto out;
  }
  revl_csvw *w = revl_csvw_open(out, &err);
  if (!w) {
    revl_error_print(&err);
    rc = revl_exit_code(err.code);
    goto out;
  }
  revl_csvw_raw(w, text, strlen(text));
  if (revl_csvw_commit(w, &err)) {
    revl_error_print(&err);
    rc = revl_exit_code(err.code);
    goto out;
  }
  int ncl = 0;
  for (int i = 0; i < nn; i++) {
    print_guess(&files[i]);
    ncl += files[i].table[0] != '\0';
  }
  for (int i = 0; i < nn; i++)
    if (files[i].missing[0])
      fprintf(stderr, "revl: %s/%s: no column for the required %s of %s: the "
              "directory does not load until the mapping names one (columns "
              "= {['Header'] = '%s'})\n", dir, files[i].file, files[i].missing,
              files[i].table, files[i].missing);
  char self[4200];
  snprintf(self, sizeof self, "%s/mapping.lua", dir);
  printf("wrote %s (%d of %d files classified); check it with: revl inspect "
         "--data %s%s%s\n", out, ncl, nn, dir, strcmp(out, self) ? " --map " : "",
         strcmp(out, self) ? out : "");
out:
  for (int i = 0; files && i < nn; i++) revl_guess_file_done(&files[i]);
  free(files);
  free(text);
  for (int i = 0; i < nn; i++) free(names[i]);
  return rc;
}
