/*
 * load.c -- a whole data directory: which files, which maps, the links
 * between tables, and the rejects written back out.
 */
#include "revl/cache.h"
#include "revl/csvw.h"
#include "revl/ingest.h"
#include "revl/stage_order.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static const revl_table_map *find_map(const revl_mapping *m,
                                      const char *table) {
  if (!m) return NULL;
  for (int i = 0; i < m->ntables; i++)
    if (strcmp(m->tables[i].name, table) == 0) return &m->tables[i];
  return NULL;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Resolve one foreign key.  The target column is the mapping's choice,
 * else the target's primary key; when most values miss the key but the
 * target has another text column they match better (exports often join
 * by account name), that column is used and a warning says so. */
static int link_one(revl_store *s, revl_table *t, int ci, revl_table *target,
                    const char *want) {
  int tcol = -1;
  if (want) {
    tcol = revl_table_col(target, want);
    if (tcol < 0) {
      revl_table_add_warning(t, "%s: %s: target column %s.%s does not exist",
                             t->file, t->cols[ci]->name, target->name, want);
      return 0;
    }
    if (target->cols[tcol]->type != REVL_T_STRING) return 0;
    return revl_table_link(t, ci, target, tcol);
  }
  if (target->pk < 0) return 0;
  int rc = revl_table_link(t, ci, target, target->pk);
  if (rc) return rc;
  revl_column *c = t->cols[ci];
  size_t nonnull = c->n - c->nnull;
  if (nonnull == 0 || c->nbroken * 2 <= nonnull) return 0;
  static const char *alts[] = {"name", "email", "domain"};
  int best = -1;
  size_t best_broken = c->nbroken;
  for (size_t a = 0; a < sizeof alts / sizeof alts[0]; a++) {
    int k = revl_table_col(target, alts[a]);
    if (k < 0 || target->cols[k]->type != REVL_T_STRING) continue;
    if ((rc = revl_table_link(t, ci, target, k))) return rc;
    if (c->nbroken < best_broken) {
      best = k;
      best_broken = c->nbroken;
    }
  }
  rc = revl_table_link(t, ci, target, best >= 0 ? best : target->pk);
  if (!rc && best >= 0)
    revl_table_add_warning(t, "%s: %s matched %s by %s (not by %s)", t->file,
                           c->name, target->name, target->cols[best]->name,
                           target->cols[target->pk]->name);
  (void)s;
  return rc;
}

int revl_store_link_all(revl_store *s, const revl_mapping *m) {
  for (int ti = 0; ti < s->ntables; ti++) {
    revl_table *t = s->tables[ti];
    const revl_table_def *def = revl_table_def_find(t->name);
    const revl_table_map *map = find_map(m, t->name);
    for (int ci = 0; ci < t->ncols; ci++) {
      revl_column *c = t->cols[ci];
      if (c->type != REVL_T_STRING) continue;
      const char *target_name = NULL, *want = NULL;
      char buf[128];
      if (def && c->canonical)
        for (int k = 0; k < def->nfields; k++)
          if (strcmp(def->fields[k].name, c->name) == 0)
            target_name = def->fields[k].ref;
      if (map)
        for (int k = 0; k < map->nrefs; k++)
          if (strcmp(map->ref_col[k], c->name) == 0) {
            snprintf(buf, sizeof buf, "%s", map->ref_target[k]);
            char *dot = strchr(buf, '.');
            if (dot) {
              *dot = '\0';
              target_name = buf;
              want = dot + 1;
            } else {
              want = buf;
            }
          }
      if (!target_name) continue;
      revl_table *target = revl_store_table(s, target_name);
      if (!target) continue;
      int rc = link_one(s, t, ci, target, want);
      if (rc) return rc;
    }
  }
  return 0;
}

/* A file the mapping names that is not there: an error at its entry,
 * with the nearest CSV file of the directory. */
static int missing_file(const revl_load_opts *o, const revl_table_map *tm,
                        const char *map_file, revl_error *err) {
  char *names[256];
  int nn = 0;
  DIR *d = opendir(o->data_dir);
  struct dirent *e;
  while (d && nn < 256 && (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0 &&
        (names[nn] = strdup(e->d_name)))
      nn++;
  }
  if (d) closedir(d);
  revl_near nr;
  revl_near_init(&nr, tm->file);
  for (int i = 0; i < nn; i++) revl_near_add(&nr, names[i]);
  char hint[160];
  revl_near_hint(&nr, hint, sizeof hint);
  for (int i = 0; i < nn; i++) free(names[i]);
  return revl_error_set(err, REVL_EIO, map_file, tm->file_line, tm->file_col,
                        "%s: file '%s' does not exist in %s%s", tm->name,
                        tm->file, o->data_dir, hint);
}

/* The PATH of --table NAME=PATH for name, or NULL. */
static const char *given_table(const revl_load_opts *o, const char *name) {
  size_t n = strlen(name);
  for (int i = 0; i < o->ntables; i++)
    if (strncmp(o->tables[i], name, n) == 0 && o->tables[i][n] == '=')
      return o->tables[i] + n + 1;
  return NULL;
}

/* --table entries: NAME=PATH with a table name, each name once, at
 * most one PATH reading standard input. */
static int check_given(const revl_load_opts *o, revl_error *err) {
  int nstdin = 0;
  for (int i = 0; i < o->ntables; i++) {
    const char *e = o->tables[i], *eq = strchr(e, '=');
    size_t n = eq ? (size_t)(eq - e) : 0;
    int ok = eq && n > 0 && n < 200 && eq[1];
    for (size_t k = 0; ok && k < n; k++)
      ok = e[k] == '_' || (e[k] >= 'a' && e[k] <= 'z') ||
           (e[k] >= 'A' && e[k] <= 'Z') || (k > 0 && e[k] >= '0' && e[k] <= '9');
    if (!ok)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "--table needs NAME=PATH (a table name, then "
                            "the file or - for standard input), not '%s'", e);
    for (int j = 0; j < i; j++)
      if (strncmp(o->tables[j], e, n + 1) == 0)
        return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                              "--table %.*s is given twice", (int)n, e);
    if (strcmp(eq + 1, "-") == 0 && nstdin++)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "only one --table can read standard input");
  }
  return 0;
}

/* A mapping's stages = { open = {...}, won = {...}, lost = {...} } that
 * lists open stages is the funnel order of the table's stage field: the
 * open stages as listed, then the won, then the lost ones
 * (revl/stage_order.h).  Won and lost alone only classify. */
static int declare_stage_orders(revl_store *s, const revl_mapping *m, const char *map_file) {
  for (int i = 0; i < m->ntables; i++) {
    const revl_table_map *tm = &m->tables[i];
    const char **names = NULL;
    int n = 0, open = 0;
    if (!tm->nstages || !revl_store_table(s, tm->name)) continue;
    if (!(names = malloc((size_t)tm->nstages * sizeof *names))) return REVL_ENOMEM;
    for (const char *k = "owl"; *k; k++)
      for (int j = 0; j < tm->nstages; j++)
        if (tm->stage_outcome[j] == *k) {
          names[n++] = tm->stage_name[j];
          open += *k == 'o';
        }
    const char *base = map_file ? strrchr(map_file, '/') : NULL;
    int rc = open ? revl_stage_order_set_names(s, tm->name, "stage", names, n,
                                               base ? base + 1 : map_file)
                  : 0;
    free(names);
    if (rc) return rc;
  }
  return 0;
}

/* One file, through the snapshot cache when it is on. */
static int load_one(const revl_load_opts *o, const unsigned char mapkey[16],
                    revl_store *s, const char *name, const char *path,
                    const revl_table_map *map, int strict, revl_error *err) {
  const int32_t *as_of = o->has_as_of ? &o->as_of : NULL;
  /* an expansion with events depends on another file too: parsed */
  if (!revl_cache_dir() || o->no_cache || (map && map->ev[REVL_EV_TABLE]))
    return revl_load_file_at(s, name, path, map, strict, as_of, err);
  return revl_cache_load(s, name, path, map, strict, as_of, mapkey, o->quiet, err);
}

int revl_load_dir(revl_store *s, const revl_load_opts *o, revl_error *err) {
  unsigned char mapkey[16];
  revl_mapping m;
  memset(&m, 0, sizeof m);
  char path[4096];
  int rc = 0;
  struct stat st;
  if ((rc = check_given(o, err))) return rc;
  if (!o->data_dir) goto no_dir;
  if (stat(o->data_dir, &st) != 0)
    return revl_error_set(err, REVL_EIO, o->data_dir, 0, 0,
                          "cannot open data directory: %s", strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return revl_error_set(err, REVL_EIO, o->data_dir, 0, 0,
                          "not a directory (--data takes the directory "
                          "that holds the CSV files)");
no_dir:;
  const char *map_file = o->map_file;
  if (!map_file && o->data_dir) {
    snprintf(path, sizeof path, "%s/mapping.lua", o->data_dir);
    if (file_exists(path)) map_file = path;
  }
  if (map_file && (rc = revl_mapping_read(map_file, &m, err))) return rc;
  if (revl_cache_dir()) revl_cache_mapkey(map_file, mapkey);

  int loaded = 0;
  char fpath[4096];
  /* an expand's events table before the table it expands (events.c) */
  for (int i = 0; i < m.ntables; i++) {
    const char *en = m.tables[i].ev[REVL_EV_TABLE];
    const revl_table_map *et = en ? find_map(&m, en) : NULL;
    if (!et || revl_store_table(s, en)) continue;
    const char *given = given_table(o, en);
    if (!given && !o->data_dir) continue;
    if (!given) {
      snprintf(fpath, sizeof fpath, "%s/%s", o->data_dir, et->file ? et->file : "");
      if (!et->file) snprintf(fpath, sizeof fpath, "%s/%s.csv", o->data_dir, en);
      if (!file_exists(fpath)) {
        rc = et->file ? missing_file(o, et, map_file, err)
                      : revl_error_set(err, REVL_EDATA, map_file, et->file_line,
                                       et->file_col, "tables: %s has no file = ... "
                                       "and there is no %s.csv", en, en);
        goto out;
      }
    }
    if ((rc = load_one(o, mapkey, s, en, given ? given : fpath, et, o->strict, err)))
      goto out;
    loaded++;
  }
  /* the well-known tables, from the mapping's file name or <table>.csv */
  for (int i = 0; i < revl_ntable_defs; i++) {
    const char *name = revl_table_defs[i].name;
    const revl_table_map *tm = find_map(&m, name);
      const char *given = given_table(o, name);
    if (given) {
      if ((rc = load_one(o, mapkey, s, name, given, tm ? tm : &m.defaults,
                               o->strict, err)))
        goto out;
      loaded++;
      continue;
    }
    if (!o->data_dir) continue;
    if (tm && tm->file)
      snprintf(fpath, sizeof fpath, "%s/%s", o->data_dir, tm->file);
    else
      snprintf(fpath, sizeof fpath, "%s/%s.csv", o->data_dir, name);
    if (!file_exists(fpath)) {
      if (tm && tm->file) {
        rc = missing_file(o, tm, map_file, err);
        goto out;
      }
      continue;
    }
    if ((rc = load_one(o, mapkey, s, name, fpath, tm ? tm : &m.defaults, o->strict,
                             err)))
      goto out;
    loaded++;
  }
  /* custom tables of the mapping (tables = { name = { file = ... } }) */
  for (int i = 0; i < m.ntables && o->data_dir; i++) {
    revl_table_map *tm = &m.tables[i];
    if (revl_table_def_find(tm->name) || revl_store_table(s, tm->name) ||
        given_table(o, tm->name))
      continue;
    if (!tm->file) {
      snprintf(fpath, sizeof fpath, "%s/%s.csv", o->data_dir, tm->name);
      if (!file_exists(fpath)) {
        rc = revl_error_set(err, REVL_EDATA, map_file, tm->file_line, tm->file_col,
                            "tables: %s has no file = ... and there is no "
                            "%s.csv", tm->name, tm->name);
        goto out;
      }
    } else {
      snprintf(fpath, sizeof fpath, "%s/%s", o->data_dir, tm->file);
      if (!file_exists(fpath)) {
        rc = missing_file(o, tm, map_file, err);
        goto out;
      }
    }
    if ((rc = load_one(o, mapkey, s, tm->name, fpath, tm, o->strict, err))) goto out;
    loaded++;
  }
  /* tables of custom fields from --table, then any other *.csv of the
   * directory, named after the file */
  for (int i = 0; i < o->ntables; i++) {
    const char *e = o->tables[i], *eq = strchr(e, '=');
    char tname[256];
    snprintf(tname, sizeof tname, "%.*s", (int)(eq - e), e);
    if (revl_store_table(s, tname)) continue; /* a well-known one */
    const revl_table_map *tm = find_map(&m, tname);
    if ((rc = load_one(o, mapkey, s, tname, eq + 1, tm ? tm : &m.defaults,
                             o->strict, err)))
      goto out;
    loaded++;
  }
  DIR *d = o->data_dir ? opendir(o->data_dir) : NULL;
  if (d) {
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      size_t len = strlen(e->d_name);
      if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0) continue;
      char tname[256];
      snprintf(tname, sizeof tname, "%.*s", (int)(len - 4), e->d_name);
      if (revl_store_table(s, tname)) continue;
      int claimed = 0;
      for (int i = 0; i < m.ntables; i++)
        if (m.tables[i].file && strcmp(m.tables[i].file, e->d_name) == 0)
          claimed = 1;
      if (claimed) continue;
      char **nx = realloc(names, (nn + 1) * sizeof *nx);
      if (!nx) break;
      names = nx;
      if ((names[nn] = strdup(tname))) nn++;
    }
    closedir(d);
    if (nn) qsort(names, nn, sizeof *names, cmp_str); /* stable table order */
    for (size_t i = 0; i < nn; i++) {
      if (!rc) {
        const revl_table_map *tm = find_map(&m, names[i]);
        snprintf(path, sizeof path, "%s/%s.csv", o->data_dir, names[i]);
        rc = load_one(o, mapkey, s, names[i], path, tm ? tm : &m.defaults,
                            o->strict, err);
        loaded++;
      }
      free(names[i]);
    }
    free(names);
    if (rc) goto out;
  }
  if (loaded == 0) {
    rc = revl_error_set(err, REVL_EDATA, o->data_dir, 0, 0,
                        "no CSV files found (expected accounts.csv, "
                        "deals.csv, leads.csv, ...)");
    goto out;
  }
  if ((rc = revl_store_link_all(s, &m))) {
    revl_error_set(err, rc, o->data_dir, 0, 0, "not enough memory");
    goto out;
  }
  if ((rc = declare_stage_orders(s, &m, map_file))) {
    revl_error_set(err, rc, o->data_dir, 0, 0, "not enough memory");
    goto out;
  }
  if (o->out_dir && (rc = revl_write_rejects(s, o->out_dir, err))) goto out;
  /* what a reader of the numbers must not miss, on stderr too */
  for (int i = 0; i < s->ntables && !o->quiet; i++) {
    revl_table *t = s->tables[i];
    for (int k = 0; k < t->nalerts; k++)
      fprintf(stderr, "revl: %s\n", t->warnings[t->alerts[k]]);
  }
out:
  revl_mapping_done(&m);
  return rc;
}


int revl_write_rejects(const revl_store *s, const char *out_dir,
                       revl_error *err) {
  char rel[300];
  for (int i = 0; i < s->ntables; i++) {
    revl_table *t = s->tables[i];
    if (!t->nrejected) continue;
    /* confined to out_dir like a playbook's outputs */
    snprintf(rel, sizeof rel, "rejects/%s.csv", t->name);
    revl_csvw *w = revl_csvw_open_in(out_dir, rel, err);
    if (!w) return REVL_EIO;
    revl_csvw_str(w, "file");
    revl_csvw_str(w, "line");
    revl_csvw_str(w, "column");
    revl_csvw_str(w, "reason");
    revl_csvw_str(w, "record");
    revl_csvw_end(w);
    for (size_t k = 0; k < t->nrejects_kept; k++) {
      revl_reject *r = &t->rejects[k];
      revl_csvw_str(w, t->file);
      revl_csvw_int(w, r->line);
      revl_csvw_int(w, r->col);
      revl_csvw_str(w, r->reason);
      revl_csvw_str(w, r->record);
      revl_csvw_end(w);
    }
    int rc = revl_csvw_commit(w, err);
    if (rc) return rc;
  }
  return 0;
}
