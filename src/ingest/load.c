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

/* The table column c of a table (schema def, mapping map) refers to, or
 * NULL; *want gets the target column the mapping names (NULL: its key). */
static const char *ref_target(const revl_mapping *m, const char *table,
                              const revl_table_def *def, const revl_table_map *map,
                              const revl_column *c, char *buf, size_t size,
                              const char **want) {
  const char *target_name = NULL;
  *want = NULL;
  /* referenced_by = {...} of another table: declared on the parent's side */
  for (int i = 0; m && i < m->ntables; i++) {
    const revl_table_map *pm = &m->tables[i];
    for (int k = 0; k < pm->nrefby; k++)
      if (strcmp(pm->refby_table[k], table) == 0 && strcmp(pm->refby_col[k], c->name) == 0) {
        target_name = pm->name;
        *want = pm->key; /* NULL: the parent's primary key */
      }
  }
  if (def && c->canonical)
    for (int k = 0; k < def->nfields; k++)
      if (strcmp(def->fields[k].name, c->name) == 0) target_name = def->fields[k].ref;
  if (map)
    for (int k = 0; k < map->nrefs; k++)
      if (strcmp(map->ref_col[k], c->name) == 0) {
        snprintf(buf, size, "%s", map->ref_target[k]);
        char *dot = strchr(buf, '.');
        if (dot) {
          *dot = '\0';
          target_name = buf;
          *want = dot + 1;
        } else {
          *want = buf;
        }
      }
  return target_name;
}

/* Link the string columns of t that name another table (the schema's
 * foreign keys, the mapping's refs = {...}) and are not linked yet, to
 * targets that are loaded; a target still to load is linked when it is. */
static int link_table(revl_store *s, revl_table *t, const revl_mapping *m) {
  const revl_table_def *def = revl_table_def_find(t->name);
  const revl_table_map *map = find_map(m, t->name);
  for (int ci = 0; ci < t->ncols; ci++) {
    revl_column *c = t->cols[ci];
    if (c->type != REVL_T_STRING || c->ref_row) continue;
    char buf[128];
    const char *want = NULL,
               *target_name = ref_target(m, t->name, def, map, c, buf, sizeof buf, &want);
    if (!target_name) continue;
    revl_table *target = revl_store_loaded(s, target_name);
    if (!target) continue;
    int rc = link_one(s, t, ci, target, want);
    if (rc) return rc;
  }
  return 0;
}

int revl_store_link_all(revl_store *s, const revl_mapping *m) {
  for (int ti = 0; ti < s->ntables; ti++) {
    int rc = link_table(s, s->tables[ti], m);
    if (rc) return rc;
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
static int declare_stage_order(revl_store *s, const revl_table_map *tm, const char *map_file) {
  const char **names = NULL;
  int n = 0, open = 0;
  if (!tm || !tm->nstages) return 0;
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
  return rc;
}

/* ---- a directory opened: what loads, from where ---------------------- */

/* One table of the directory: its file and map, and whether it is
 * loaded.  The plan is made when the directory opens (so a mapping that
 * names a missing file fails there), the parse when the table is first
 * used, or at once without lazy. */
typedef struct entry {
  char *name, *path;
  const revl_table_map *map; /* into plan.m */
  int state;                 /* 0 to load, 1 loading, 2 loaded, 3 failed */
  int rc;                    /* failed: the code and error, told again */
  revl_error *err;
} entry;

typedef struct plan {
  revl_mapping m;
  unsigned char mapkey[16];
  char *map_file, *out_dir;
  int strict, quiet, no_cache, lazy, has_as_of;
  int32_t as_of;
  entry *e;
  int n, cap;
} plan;

static void plan_free(void *p) {
  plan *P = p;
  if (!P) return;
  for (int i = 0; i < P->n; i++) free(P->e[i].name), free(P->e[i].path), free(P->e[i].err);
  free(P->e);
  free(P->map_file);
  free(P->out_dir);
  revl_mapping_done(&P->m);
  free(P);
}

static entry *planned(const plan *P, const char *name) {
  for (int i = 0; i < P->n; i++)
    if (strcmp(P->e[i].name, name) == 0) return &P->e[i];
  return NULL;
}

static int plan_add(plan *P, const char *name, const char *path, const revl_table_map *map) {
  if (P->n == P->cap) {
    int cap = P->cap ? 2 * P->cap : 16;
    entry *e = realloc(P->e, (size_t)cap * sizeof *e);
    if (!e) return REVL_ENOMEM;
    P->e = e;
    P->cap = cap;
  }
  entry *e = &P->e[P->n];
  e->name = strdup(name);
  e->path = strdup(path);
  e->map = map;
  e->state = 0;
  e->rc = 0;
  e->err = NULL;
  if (!e->name || !e->path) {
    free(e->name), free(e->path);
    return REVL_ENOMEM;
  }
  P->n++;
  return 0;
}

/* One file, through the snapshot cache when it is on. */
static int load_lazy(revl_store *s, void *ctx, const char *name, revl_error *err);

static int load_one(plan *P, revl_store *s, entry *e, revl_error *err) {
  const int32_t *as_of = P->has_as_of ? &P->as_of : NULL;
  /* an expand's events table before the table it expands (events.c) */
  const char *en = e->map ? e->map->ev[REVL_EV_TABLE] : NULL;
  entry *ee = en ? planned(P, en) : NULL;
  if (ee && ee->state == 0) {
    int rc;
    if (P->lazy) {
      rc = load_lazy(s, P, en, err);
    } else {
      ee->state = 1;
      rc = load_one(P, s, ee, err);
      ee->state = 2;
    }
    if (rc) return rc;
  }
  /* an expansion with events depends on another file too: parsed */
  if (!revl_cache_dir() || P->no_cache || en)
    return revl_load_file_at(s, e->name, e->path, e->map, P->strict, as_of, err);
  return revl_cache_load(s, e->name, e->path, e->map, P->strict, as_of, P->mapkey, P->quiet,
                         err);
}

static int write_table_rejects(const revl_table *t, const char *out_dir, revl_error *err);

/* referenced_by = { deals = "lead_id" } naming a column t does not have:
 * an error at that entry of the mapping, with the nearest column. */
static int check_refby(const plan *P, const revl_table *t, revl_error *err) {
  for (int i = 0; i < P->m.ntables; i++) {
    const revl_table_map *pm = &P->m.tables[i];
    for (int k = 0; k < pm->nrefby; k++) {
      if (strcmp(pm->refby_table[k], t->name) != 0) continue;
      int ci = revl_table_col(t, pm->refby_col[k]);
      const char *why = ci < 0 ? "has no column" : "is not text, so it cannot hold a key:";
      if (ci >= 0 && t->cols[ci]->type == REVL_T_STRING) continue;
      return revl_error_set(err, REVL_EDATA, P->map_file, pm->refby_pos[2 * k],
                            pm->refby_pos[2 * k + 1], "%s: referenced_by: %s %s '%s'%s",
                            pm->name, t->name, why, pm->refby_col[k],
                            ci < 0 ? REVL_HINT(t, pm->refby_col[k]) : "");
    }
  }
  return 0;
}

/* What follows a table's parse when it loads alone: the tables it
 * refers to load first (so its links resolve and its broken references
 * count), then its links, stage order, rejects and alerts. */

static int settle(revl_store *s, plan *P, revl_table *t, revl_error *err) {
  const revl_table_def *def = revl_table_def_find(t->name);
  const revl_table_map *map = find_map(&P->m, t->name);
  int rc = check_refby(P, t, err);
  if (rc) return rc;
  for (int ci = 0; ci < t->ncols; ci++) {
    const revl_column *c = t->cols[ci];
    char buf[128];
    const char *want;
    const char *target = c->type == REVL_T_STRING
                             ? ref_target(&P->m, t->name, def, map, c, buf, sizeof buf, &want)
                             : NULL;
    if (target && (rc = load_lazy(s, P, target, err))) return rc;
  }
  /* its own columns, and the columns of loaded tables that point at it */
  if ((rc = revl_store_link_all(s, &P->m)) ||
      (rc = declare_stage_order(s, find_map(&P->m, t->name), P->map_file)))
    return revl_error_set(err, rc, t->file, 0, 0, "not enough memory");
  for (int k = 0; k < t->nalerts && !P->quiet; k++)
    fprintf(stderr, "revl: %s\n", t->warnings[t->alerts[k]]);
  if (P->out_dir && (rc = write_table_rejects(t, P->out_dir, err))) return rc;
  return 0;
}

static int load_lazy(revl_store *s, void *ctx, const char *name, revl_error *err) {
  plan *P = ctx;
  entry *e = planned(P, name);
  if (e && e->state == 3) { /* it failed before: the same error */
    if (e->err) *err = *e->err;
    else revl_error_set(err, e->rc, e->path, 0, 0, "cannot load %s", e->name);
    return e->rc;
  }
  if (!e || e->state) return 0; /* not this directory's, or loaded (or loading) */
  e->state = 1;
  int rc = load_one(P, s, e, err);
  if (rc) revl_store_drop(s, name); /* what the failed parse built, if anything */
  revl_table *t = rc ? NULL : revl_store_loaded(s, name);
  if (!rc && t) rc = settle(s, P, t, err);
  e->state = 2;
  if (rc) {
    /* a table whose parse failed is not in s, and every later ask for
     * it gets this error; one that failed after its parse (a table it
     * refers to, its rejects) stays, without those links.  Either way
     * the store keeps the failure and the run fails (exit 2). */
    e->state = 3;
    e->rc = rc;
    if ((e->err = malloc(sizeof *e->err))) *e->err = *err;
  }
  return rc;
}

/* Every table of the plan now, in its order, as a whole-directory load:
 * links, stage orders, rejects and alerts once all are in. */
static int load_eager(revl_store *s, plan *P, revl_error *err) {
  int rc;
  for (int i = 0; i < P->n; i++) {
    if (P->e[i].state) continue; /* an events table loaded first */
    P->e[i].state = 1;
    if ((rc = load_one(P, s, &P->e[i], err))) return rc;
    revl_table *t = revl_store_loaded(s, P->e[i].name);
    if (t && (rc = check_refby(P, t, err))) return rc;
    P->e[i].state = 2;
  }
  if ((rc = revl_store_link_all(s, &P->m)))
    return revl_error_set(err, rc, NULL, 0, 0, "not enough memory");
  for (int i = 0; i < P->m.ntables; i++)
    if (revl_store_loaded(s, P->m.tables[i].name) &&
        (rc = declare_stage_order(s, &P->m.tables[i], P->map_file)))
      return revl_error_set(err, rc, NULL, 0, 0, "not enough memory");
  for (int i = 0; i < s->ntables && P->out_dir; i++)
    if ((rc = write_table_rejects(s->tables[i], P->out_dir, err))) return rc;
  /* what a reader of the numbers must not miss, on stderr too */
  for (int i = 0; i < s->ntables && !P->quiet; i++) {
    revl_table *t = s->tables[i];
    for (int k = 0; k < t->nalerts; k++) fprintf(stderr, "revl: %s\n", t->warnings[t->alerts[k]]);
  }
  return 0;
}

/* The directory's files in load order: the well-known tables (from the
 * mapping's file name or <table>.csv), the mapping's custom tables, the
 * --table files, then any other *.csv, named after the file. */
static int make_plan(plan *P, const revl_store *s, const revl_load_opts *o, revl_error *err) {
  const char *map_file = P->map_file;
  char path[4096];
  int rc;
  for (int i = 0; i < revl_ntable_defs; i++) {
    const char *name = revl_table_defs[i].name;
    const revl_table_map *tm = find_map(&P->m, name);
    const char *given = given_table(o, name);
    if (given) {
      if ((rc = plan_add(P, name, given, tm ? tm : &P->m.defaults))) return rc;
      continue;
    }
    if (!o->data_dir) continue;
    if (tm && tm->file)
      snprintf(path, sizeof path, "%s/%s", o->data_dir, tm->file);
    else
      snprintf(path, sizeof path, "%s/%s.csv", o->data_dir, name);
    if (!file_exists(path)) {
      if (tm && tm->file) return missing_file(o, tm, map_file, err);
      continue;
    }
    if ((rc = plan_add(P, name, path, tm ? tm : &P->m.defaults))) return rc;
  }
  for (int i = 0; i < P->m.ntables && o->data_dir; i++) {
    revl_table_map *tm = &P->m.tables[i];
    if (revl_table_def_find(tm->name) || planned(P, tm->name) ||
        revl_store_loaded(s, tm->name) || given_table(o, tm->name))
      continue;
    if (!tm->file) {
      snprintf(path, sizeof path, "%s/%s.csv", o->data_dir, tm->name);
      if (!file_exists(path))
        return revl_error_set(err, REVL_EDATA, map_file, tm->file_line, tm->file_col,
                              "tables: %s has no file = ... and there is no "
                              "%s.csv", tm->name, tm->name);
    } else {
      snprintf(path, sizeof path, "%s/%s", o->data_dir, tm->file);
      if (!file_exists(path)) return missing_file(o, tm, map_file, err);
    }
    if ((rc = plan_add(P, tm->name, path, tm))) return rc;
  }
  for (int i = 0; i < o->ntables; i++) {
    const char *e = o->tables[i], *eq = strchr(e, '=');
    char tname[256];
    snprintf(tname, sizeof tname, "%.*s", (int)(eq - e), e);
    if (planned(P, tname) || revl_store_loaded(s, tname)) continue; /* a well-known one */
    const revl_table_map *tm = find_map(&P->m, tname);
    if ((rc = plan_add(P, tname, eq + 1, tm ? tm : &P->m.defaults))) return rc;
  }
  if (!o->data_dir) return 0;
  DIR *d = opendir(o->data_dir);
  if (!d) /* e.g. a directory without read permission: not "no CSV files" */
    return revl_error_set(err, errno == ENOMEM ? REVL_ENOMEM : REVL_EIO, o->data_dir, 0, 0,
                          "cannot read data directory: %s", strerror(errno));
  char **names = NULL;
  size_t nn = 0;
  struct dirent *de;
  rc = 0;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len < 5 || strcmp(de->d_name + len - 4, ".csv") != 0) continue;
    char tname[256];
    snprintf(tname, sizeof tname, "%.*s", (int)(len - 4), de->d_name);
    if (planned(P, tname) || revl_store_loaded(s, tname)) continue;
    int claimed = 0;
    for (int i = 0; i < P->m.ntables; i++)
      if (P->m.tables[i].file && strcmp(P->m.tables[i].file, de->d_name) == 0) claimed = 1;
    if (claimed) continue;
    char **nx = realloc(names, (nn + 1) * sizeof *nx);
    if (!nx || !(nx[nn] = strdup(tname))) {
      if (nx) names = nx;
      rc = REVL_ENOMEM;
      break;
    }
    names = nx;
    nn++;
  }
  closedir(d);
  if (nn) qsort(names, nn, sizeof *names, cmp_str); /* stable table order */
  for (size_t i = 0; i < nn; i++) {
    if (!rc) {
      const revl_table_map *tm = find_map(&P->m, names[i]);
      snprintf(path, sizeof path, "%s/%s.csv", o->data_dir, names[i]);
      rc = plan_add(P, names[i], path, tm ? tm : &P->m.defaults);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

static char *dup_or_null(const char *s, int *oom) {
  char *d = s ? strdup(s) : NULL;
  if (s && !d) *oom = 1;
  return d;
}

int revl_load_dir(revl_store *s, const revl_load_opts *o, revl_error *err) {
  char path[4096];
  int rc = 0;
  struct stat st;
  if ((rc = check_given(o, err))) return rc;
  if (o->data_dir) {
    if (stat(o->data_dir, &st) != 0)
      return revl_error_set(err, REVL_EIO, o->data_dir, 0, 0,
                            "cannot open data directory: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
      return revl_error_set(err, REVL_EIO, o->data_dir, 0, 0,
                            "not a directory (--data takes the directory "
                            "that holds the CSV files)");
  }
  const char *map_file = o->map_file;
  if (!map_file && o->data_dir) {
    snprintf(path, sizeof path, "%s/mapping.lua", o->data_dir);
    if (file_exists(path)) map_file = path;
  }
  plan *P = calloc(1, sizeof *P);
  if (!P) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  int oom = 0;
  P->map_file = dup_or_null(map_file, &oom);
  P->out_dir = dup_or_null(o->out_dir, &oom);
  P->strict = o->strict;
  P->quiet = o->quiet;
  P->no_cache = o->no_cache;
  P->has_as_of = o->has_as_of;
  P->as_of = o->as_of;
  if (oom) {
    plan_free(P);
    return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  }
  if (map_file && (rc = revl_mapping_read(map_file, &P->m, err))) goto fail;
  if (revl_cache_dir()) revl_cache_mapkey(map_file, P->mapkey);
  if ((rc = make_plan(P, s, o, err))) {
    if (rc == REVL_ENOMEM) revl_error_set(err, rc, NULL, 0, 0, "not enough memory");
    goto fail;
  }
  if (P->n == 0) {
    rc = revl_error_set(err, REVL_EDATA, o->data_dir, 0, 0,
                        "no CSV files found (expected accounts.csv, "
                        "deals.csv, leads.csv, ...)");
    goto fail;
  }
  /* referenced_by = { TABLE = ... } names a table of the directory */
  for (int i = 0; i < P->m.ntables; i++) {
    const revl_table_map *pm = &P->m.tables[i];
    for (int k = 0; k < pm->nrefby; k++) {
      if (planned(P, pm->refby_table[k]) || revl_store_loaded(s, pm->refby_table[k])) continue;
      revl_near nr;
      char hint[160];
      revl_near_init(&nr, pm->refby_table[k]);
      for (int j = 0; j < P->n; j++) revl_near_add(&nr, P->e[j].name);
      revl_near_hint(&nr, hint, sizeof hint);
      rc = revl_error_set(err, REVL_EDATA, map_file, pm->refby_pos[2 * k],
                          pm->refby_pos[2 * k + 1],
                          "%s: referenced_by: no table '%s' in the data%s", pm->name,
                          pm->refby_table[k], hint);
      goto fail;
    }
  }
  if (!o->lazy || s->lazy.load) { /* a store has one directory's plan at most */
    rc = load_eager(s, P, err);
    plan_free(P);
    return rc;
  }
  char **names = calloc((size_t)P->n, sizeof *names);
  for (int i = 0; names && i < P->n; i++)
    if (!(names[i] = strdup(P->e[i].name))) {
      for (int k = 0; k < i; k++) free(names[k]);
      free(names);
      names = NULL;
    }
  if (!names) {
    rc = revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
    goto fail;
  }
  P->lazy = 1;
  s->lazy.load = load_lazy;
  s->lazy.done = plan_free;
  s->lazy.ctx = P;
  s->lazy.names = names;
  s->lazy.nnames = P->n;
  return 0;
fail:
  plan_free(P);
  return rc;
}

/* <out_dir>/rejects/<table>.csv when t has rejects; out_dir "-" (the
 * outputs go to standard output) says what is not written instead. */
static int write_table_rejects(const revl_table *t, const char *out_dir, revl_error *err) {
  char rel[300];
  if (!t->nrejected) return 0;
  if (strcmp(out_dir, "-") == 0) {
    fprintf(stderr, "revl: %s: %zu rejected row%s not written "
            "(--out - has no rejects directory)\n", t->name, (size_t)t->nrejected,
            t->nrejected == 1 ? "" : "s");
    return 0;
  }
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
  return revl_csvw_commit(w, err);
}

int revl_write_rejects(const revl_store *s, const char *out_dir, revl_error *err) {
  for (int i = 0; i < s->ntables; i++) {
    int rc = write_table_rejects(s->tables[i], out_dir, err);
    if (rc) return rc;
  }
  return 0;
}
