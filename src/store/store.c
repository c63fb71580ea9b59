/*
 * store.c -- tables, typed columns and their indexes (see revl/store.h).
 *
 * Columns grow by doubling, so loading n rows costs O(log n) reallocs per
 * column and no per-row allocation.  Column names are found through a
 * small open-addressed table.  Unique indexes map an interned id to a
 * row; foreign keys are resolved once into row numbers and a reverse CSR
 * index (target row -> its source rows) for joins and "deals by account".
 * A table restored from a snapshot has its columns' arrays in the
 * store's read-only mappings (revl_column.mapped): they are copied to the
 * heap before anything here grows, compacts, retypes or frees them.
 */
#include "revl/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

const char *revl_type_name(revl_type t) {
  switch (t) {
  case REVL_T_STRING: return "string";
  case REVL_T_INT: return "integer";
  case REVL_T_NUMBER: return "number";
  case REVL_T_MONEY: return "money";
  case REVL_T_BOOL: return "bool";
  case REVL_T_DATE: return "date";
  case REVL_T_DATETIME: return "datetime";
  }
  return "?";
}

size_t revl_type_size(revl_type t) {
  switch (t) {
  case REVL_T_INT:
  case REVL_T_MONEY:
  case REVL_T_DATETIME: return 8;
  case REVL_T_NUMBER: return sizeof(double);
  case REVL_T_STRING:
  case REVL_T_DATE: return 4;
  case REVL_T_BOOL: return 1;
  }
  return 8;
}

/* ---- columns ------------------------------------------------------- */

static int col_grow(revl_column *c, size_t cap) {
  if (c->mapped) return revl_col_own(c, cap);
  cap = (cap + 63) & ~(size_t)63;
  void *v = realloc(c->v.any, cap * revl_type_size(c->type));
  if (!v) return REVL_ENOMEM;
  revl_advise_huge(v, cap * revl_type_size(c->type));
  c->v.any = v;
  uint64_t *valid = realloc(c->valid, (cap / 64) * sizeof *valid);
  if (!valid) return REVL_ENOMEM;
  memset(valid + c->cap / 64, 0, ((cap - c->cap) / 64) * sizeof *valid);
  c->valid = valid;
  if (c->type == REVL_T_MONEY) {
    uint32_t *cur = realloc(c->cur, cap * sizeof *cur);
    if (!cur) return REVL_ENOMEM;
    revl_advise_huge(cur, cap * sizeof *cur);
    c->cur = cur;
  }
  c->cap = cap;
  return 0;
}

/* Copy on write: a restored column's arrays are the snapshot's bytes,
 * mapped read-only and owned by the store.  The copy gets room for cap
 * rows (rounded to 64, as col_grow keeps it) and zero valid bits past n. */
int revl_col_own(revl_column *c, size_t cap) {
  if (!c->mapped) return 0;
  if (cap < c->n) cap = c->n;
  cap = (cap + 63) & ~(size_t)63;
  if (!cap) cap = 64;
  size_t sz = revl_type_size(c->type), words = (c->n + 63) / 64;
  void *v = malloc(cap * sz);
  uint64_t *valid = calloc(cap / 64, sizeof *valid);
  uint32_t *cur = c->cur ? malloc(cap * sizeof *cur) : NULL;
  if (!v || !valid || (c->cur && !cur)) {
    free(v);
    free(valid);
    free(cur);
    return REVL_ENOMEM;
  }
  revl_advise_huge(v, cap * sz);
  if (c->n) {
    memcpy(v, c->v.any, c->n * sz);
    memcpy(valid, c->valid, words * sizeof *valid);
    if (cur) memcpy(cur, c->cur, c->n * sizeof *cur);
  }
  c->v.any = v;
  c->valid = valid;
  c->cur = cur;
  c->cap = cap;
  c->mapped = 0;
  return 0;
}

static int col_reserve(revl_column *c) {
  if (c->n < c->cap) return 0;
  return col_grow(c, c->cap ? c->cap * 2 : 64);
}

int revl_col_grow1(revl_column *c) { return col_reserve(c); }

int revl_col_reserve(revl_column *c, size_t n) {
  return n > c->cap ? col_grow(c, n) : 0;
}


int revl_col_push_null(revl_column *c) {
  if (col_reserve(c)) return REVL_ENOMEM;
  memset((char *)c->v.any + c->n * revl_type_size(c->type), 0,
         revl_type_size(c->type));
  if (c->cur) c->cur[c->n] = 0;
  c->n++;
  c->nnull++;
  return 0;
}

/* Bytes the data takes (rows, not reserved capacity, so the figure
 * depends on the data and not on how the arrays grew). */
size_t revl_col_memory(const revl_column *c) {
  size_t m = c->n * revl_type_size(c->type) + ((c->n + 63) / 64) * 8;
  if (c->cur) m += c->n * 4;
  if (c->ref_row) m += c->n * 4;
  if (c->rev_off && c->ref) m += (c->ref->nrows + 1) * 4 + c->n * 4;
  return m;
}

static void col_free(revl_column *c) {
  if (!c) return;
  free(c->name);
  free(c->label);
  if (!c->mapped) { /* mapped arrays go with the store's mappings */
    free(c->valid);
    free(c->v.any);
    free(c->cur);
  }
  free(c->ref_row);
  free(c->rev_off);
  free(c->rev_rows);
  free(c);
}

/* ---- tables -------------------------------------------------------- */

static uint32_t name_hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static int rebuild_colslots(revl_table *t) {
  uint32_t size = 16;
  while (size < (uint32_t)t->ncols * 2 + 2) size *= 2;
  uint32_t *slots = calloc(size, sizeof *slots);
  if (!slots) return REVL_ENOMEM;
  for (int i = 0; i < t->ncols; i++) {
    uint32_t j = name_hash(t->cols[i]->name) & (size - 1);
    while (slots[j]) j = (j + 1) & (size - 1);
    slots[j] = (uint32_t)i + 1;
  }
  free(t->colslots);
  t->colslots = slots;
  t->colmask = size - 1;
  return 0;
}

int revl_table_field(const revl_table *t, const char *name,
                     const revl_table **holder, int *via) {
  *via = -1;
  *holder = t;
  int ci = revl_table_col(t, name);
  if (ci >= 0) return ci;
  const char *dot = strchr(name, '.');
  if (!dot || dot - name > 120) return -1;
  char fk[128];
  snprintf(fk, sizeof fk, "%.*s", (int)(dot - name), name);
  int f = revl_table_col(t, fk);
  if (f < 0 || !t->cols[f]->ref) {
    char fk2[140];
    snprintf(fk2, sizeof fk2, "%s_id", fk);
    f = revl_table_col(t, fk2);
  }
  if (f < 0 || !t->cols[f]->ref) return -1;
  const revl_table *target = t->cols[f]->ref;
  int k = revl_table_col(target, dot + 1);
  if (k < 0) return -1;
  *via = f;
  *holder = target;
  return k;
}

const char *revl_table_hint(const revl_table *t, const char *name, char *buf,
                            size_t size) {
  revl_near n;
  revl_near_init(&n, name);
  const char *dot = name ? strchr(name, '.') : NULL;
  if (dot && dot - name < 120) { /* "fk.col": suggest within the target */
    char fk[128];
    snprintf(fk, sizeof fk, "%.*s", (int)(dot - name), name);
    int f = revl_table_col(t, fk);
    if (f < 0) {
      char fk2[140];
      snprintf(fk2, sizeof fk2, "%s_id", fk);
      f = revl_table_col(t, fk2);
    }
    if (f >= 0 && t->cols[f]->ref) {
      revl_near_init(&n, dot + 1);
      const revl_table *r = t->cols[f]->ref;
      for (int i = 0; i < r->ncols; i++) revl_near_add(&n, r->cols[i]->name);
      char one[160];
      if (!*revl_near_hint(&n, one, sizeof one)) return revl_near_hint(&n, buf, size);
      snprintf(buf, size, " (did you mean '%s.%s'?)", fk, n.best);
      return buf;
    }
  }
  for (int i = 0; i < t->ncols; i++) revl_near_add(&n, t->cols[i]->name);
  return revl_near_hint(&n, buf, size);
}

int revl_table_fk_to(const revl_table *t, const revl_table *target, const char *name) {
  if (name) {
    int c = revl_table_col(t, name);
    return c >= 0 && t->cols[c]->ref == target && t->cols[c]->rev_off ? c : -1;
  }
  for (int c = 0; c < t->ncols; c++)
    if (t->cols[c]->ref == target && t->cols[c]->rev_off) return c;
  return -1;
}

int revl_table_col(const revl_table *t, const char *name) {
  if (!t->colslots) return -1;
  uint32_t j = name_hash(name) & t->colmask;
  while (t->colslots[j]) {
    int i = (int)t->colslots[j] - 1;
    if (strcmp(t->cols[i]->name, name) == 0) return i;
    j = (j + 1) & t->colmask;
  }
  if (t->nlabels) /* the export's own header still finds its column */
    for (int i = 0; i < t->ncols; i++)
      if (t->cols[i]->label && strcmp(t->cols[i]->label, name) == 0) return i;
  return -1;
}

int revl_table_set_label(revl_table *t, int i, const char *label) {
  char *s = strdup(label);
  if (!s) return REVL_ENOMEM;
  if (!t->cols[i]->label) t->nlabels++;
  free(t->cols[i]->label);
  t->cols[i]->label = s;
  return 0;
}

int revl_table_add_col(revl_table *t, const char *name, revl_type type) {
  if (revl_table_col(t, name) >= 0) return REVL_EUSAGE;
  if (t->ncols == t->capcols) {
    int cap = t->capcols ? t->capcols * 2 : 16;
    revl_column **cols = realloc(t->cols, (size_t)cap * sizeof *cols);
    if (!cols) return REVL_ENOMEM;
    t->cols = cols;
    t->capcols = cap;
  }
  revl_column *c = calloc(1, sizeof *c);
  if (!c || !(c->name = strdup(name))) {
    free(c);
    return REVL_ENOMEM;
  }
  c->type = type;
  c->ref_col = -1;
  t->cols[t->ncols++] = c;
  if ((uint32_t)t->ncols * 2 + 2 <= t->colmask + 1) {
    /* room left: one insert, not a rebuild (wide headers stay linear) */
    uint32_t j = name_hash(name) & t->colmask;
    while (t->colslots[j]) j = (j + 1) & t->colmask;
    t->colslots[j] = (uint32_t)t->ncols;
  } else if (rebuild_colslots(t)) {
    t->ncols--;
    col_free(c);
    return REVL_ENOMEM;
  }
  return t->ncols - 1;
}

int revl_table_retype_col(revl_table *t, int i, revl_type type) {
  revl_column *c = t->cols[i];
  if (!c->mapped) {
    free(c->valid);
    free(c->v.any);
    free(c->cur);
  }
  c->mapped = 0;
  c->valid = NULL;
  c->v.any = NULL;
  c->cur = NULL;
  c->n = c->cap = 0;
  c->nnull = 0;
  c->type = type;
  return 0;
}

int revl_table_rename_col(revl_table *t, int i, const char *name) {
  if (revl_table_col(t, name) >= 0) return REVL_EUSAGE;
  char *s = strdup(name);
  if (!s) return REVL_ENOMEM;
  free(t->cols[i]->name);
  t->cols[i]->name = s;
  return rebuild_colslots(t);
}

void revl_table_add_warning(revl_table *t, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **w = realloc(t->warnings, (size_t)(t->nwarnings + 1) * sizeof *w);
  if (!w) return;
  t->warnings = w;
  if ((w[t->nwarnings] = strdup(buf))) t->nwarnings++;
}

void revl_table_add_alert(revl_table *t, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  int *a = realloc(t->alerts, (size_t)(t->nalerts + 1) * sizeof *a);
  if (!a) return;
  t->alerts = a;
  revl_table_add_warning(t, "%s", buf);
  a[t->nalerts++] = t->nwarnings - 1;
}

void revl_table_add_reject(revl_table *t, long line, long col,
                           const char *reason, const char *record,
                           size_t reclen) {
  t->nrejected++;
  if (t->nrejects_kept >= REVL_REJECTS_KEPT) return;
  if (t->nrejects_kept % 64 == 0) {
    revl_reject *r = realloc(t->rejects,
                             (t->nrejects_kept + 64) * sizeof *r);
    if (!r) return;
    t->rejects = r;
  }
  revl_reject *r = &t->rejects[t->nrejects_kept];
  r->line = line;
  r->col = col;
  snprintf(r->reason, sizeof r->reason, "%s", reason);
  r->record = malloc(reclen + 1);
  if (r->record) {
    memcpy(r->record, record, reclen);
    r->record[reclen] = '\0';
  }
  t->nrejects_kept++;
}

revl_store *revl_store_new(void) {
  revl_store *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  revl_intern_init(&s->strings);
  s->default_currency = revl_intern_add(&s->strings, "USD", 3);
  if (!s->default_currency) {
    revl_intern_done(&s->strings);
    free(s);
    return NULL;
  }
  return s;
}

static void table_free(revl_table *t) {
  for (int i = 0; i < t->ncols; i++) col_free(t->cols[i]);
  free(t->cols);
  free(t->colslots);
  for (int i = 0; i < t->nuidx; i++) {
    free(t->uidx[i].keys);
    free(t->uidx[i].rows);
  }
  free(t->uidx);
  for (size_t i = 0; i < t->nrejects_kept; i++) free(t->rejects[i].record);
  free(t->rejects);
  for (int i = 0; i < t->nwarnings; i++) free(t->warnings[i]);
  free(t->warnings);
  free(t->alerts);
  free(t->name);
  free(t->file);
  free(t);
}

void revl_store_free(revl_store *s) {
  if (!s) return;
  for (int i = 0; i < s->ntables; i++) table_free(s->tables[i]);
  free(s->tables);
  for (int i = 0; i < s->nstage_orders; i++) {
    revl_stage_order *o = &s->stage_orders[i];
    free(o->table), free(o->field), free(o->ids), free(o->source);
  }
  free(s->stage_orders);
  if (s->lazy.done) s->lazy.done(s->lazy.ctx);
  for (int i = 0; i < s->lazy.nnames; i++) free(s->lazy.names[i]);
  free(s->lazy.names);
  revl_intern_done(&s->strings);
  for (int i = 0; i < s->nmaps; i++) munmap(s->maps[i].p, s->maps[i].n);
  free(s->maps);
  free(s);
}

int revl_store_keep_map(revl_store *s, void *p, size_t n) {
  struct revl_snapmap *m = realloc(s->maps, (size_t)(s->nmaps + 1) * sizeof *m);
  if (!m) return REVL_ENOMEM;
  s->maps = m;
  m[s->nmaps].p = p;
  m[s->nmaps].n = n;
  s->nmaps++;
  return 0;
}

void revl_store_drop_map(revl_store *s, void *p) {
  if (s->nmaps && s->maps[s->nmaps - 1].p == p) {
    s->nmaps--;
    munmap(p, s->maps[s->nmaps].n);
  }
}

revl_table *revl_store_loaded(const revl_store *s, const char *name) {
  for (int i = 0; i < s->ntables; i++)
    if (strcmp(s->tables[i]->name, name) == 0) return s->tables[i];
  return NULL;
}

/* ---- tables that load on first use ---------------------------------- */

void revl_store_drop(revl_store *s, const char *name) {
  for (int i = 0; i < s->ntables; i++)
    if (strcmp(s->tables[i]->name, name) == 0) {
      table_free(s->tables[i]);
      memmove(&s->tables[i], &s->tables[i + 1], (size_t)(s->ntables - i - 1) * sizeof *s->tables);
      s->ntables--;
      return;
    }
}

int revl_store_need(const revl_store *s, const char *name, revl_table **out,
                    revl_error *err) {
  revl_store *m = (revl_store *)s; /* a load fills what was always there */
  *out = revl_store_loaded(s, name);
  if (*out || !s->lazy.load) return 0;
  revl_error e;
  memset(&e, 0, sizeof e);
  int rc = m->lazy.load(m, m->lazy.ctx, name, &e);
  if (rc) { /* the table's own error, again on every ask; others still load */
    m->load_rc = rc;
    m->load_err = e;
    if (err) *err = e;
    return rc;
  }
  *out = revl_store_loaded(s, name);
  return 0;
}

revl_table *revl_store_table(const revl_store *s, const char *name) {
  revl_table *t;
  return revl_store_need(s, name, &t, NULL) ? NULL : t;
}

int revl_store_failed(const revl_store *s, revl_error *err) {
  if (s->load_rc && err) *err = s->load_err;
  return s->load_rc;
}

int revl_store_load_all(revl_store *s, revl_error *err) {
  if (s->load_rc) return revl_store_failed(s, err);
  for (int i = 0; i < s->lazy.nnames; i++) {
    revl_table *t;
    int rc = revl_store_need(s, s->lazy.names[i], &t, err);
    if (rc) return rc;
  }
  return 0;
}

static int named(const revl_store *s, const char *name) {
  for (int i = 0; i < s->lazy.nnames; i++)
    if (strcmp(s->lazy.names[i], name) == 0) return 1;
  return 0;
}

int revl_store_count(const revl_store *s) {
  int n = s->lazy.nnames;
  for (int i = 0; i < s->ntables; i++) n += !named(s, s->tables[i]->name);
  return n;
}

const char *revl_store_name(const revl_store *s, int i) {
  if (i < 0) return NULL;
  if (i < s->lazy.nnames) return s->lazy.names[i];
  i -= s->lazy.nnames;
  for (int k = 0; k < s->ntables; k++)
    if (!named(s, s->tables[k]->name) && i-- == 0) return s->tables[k]->name;
  return NULL;
}

revl_table *revl_store_add_table(revl_store *s, const char *name,
                                 const char *file) {
  if (revl_store_loaded(s, name)) return NULL;
  if (s->ntables == s->captables) {
    int cap = s->captables ? s->captables * 2 : 8;
    revl_table **t = realloc(s->tables, (size_t)cap * sizeof *t);
    if (!t) return NULL;
    s->tables = t;
    s->captables = cap;
  }
  revl_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->name = strdup(name);
  t->file = strdup(file ? file : "");
  if (!t->name || !t->file) {
    free(t->name);
    free(t->file);
    free(t);
    return NULL;
  }
  t->pk = -1;
  t->store = s;
  s->tables[s->ntables++] = t;
  return t;
}

/* ---- unique indexes ------------------------------------------------ */

static uint32_t id_hash(uint32_t id) {
  return (uint32_t)(((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 32);
}

struct revl_uindex *revl_table_uindex(revl_table *t, int col) {
  for (int i = 0; i < t->nuidx; i++)
    if (t->uidx[i].col == col) return &t->uidx[i];
  revl_column *c = t->cols[col];
  if (c->type != REVL_T_STRING) return NULL;
  struct revl_uindex *u =
      realloc(t->uidx, (size_t)(t->nuidx + 1) * sizeof *u);
  if (!u) return NULL;
  t->uidx = u;
  u = &t->uidx[t->nuidx];
  memset(u, 0, sizeof *u);
  uint32_t size = 16;
  while (size < c->n * 2 + 2) size *= 2;
  u->col = col;
  u->mask = size - 1;
  u->keys = calloc(size, sizeof *u->keys);
  u->rows = malloc(size * sizeof *u->rows);
  if (!u->keys || !u->rows) {
    free(u->keys);
    free(u->rows);
    return NULL;
  }
  for (size_t r = 0; r < c->n; r++) {
    if (!revl_col_valid(c, r)) continue;
    uint32_t id = c->v.str[r];
    uint32_t j = id_hash(id) & u->mask;
    while (u->keys[j] && u->keys[j] != id) j = (j + 1) & u->mask;
    if (u->keys[j]) {
      u->ndup++;
      continue;
    }
    u->keys[j] = id;
    u->rows[j] = (uint32_t)r;
  }
  t->nuidx++;
  return u;
}

int64_t revl_uindex_get(const struct revl_uindex *u, uint32_t id) {
  if (!id) return -1;
  uint32_t j = id_hash(id) & u->mask;
  while (u->keys[j]) {
    if (u->keys[j] == id) return u->rows[j];
    j = (j + 1) & u->mask;
  }
  return -1;
}

int64_t revl_table_find(revl_table *t, const char *key, size_t n) {
  if (t->pk < 0) return -1;
  uint32_t id = revl_intern_find(&t->store->strings, key, n);
  if (!id) return -1;
  struct revl_uindex *u = revl_table_uindex(t, t->pk);
  return u ? revl_uindex_get(u, id) : -1;
}

static void drop_uindexes(revl_table *t) {
  for (int i = 0; i < t->nuidx; i++) {
    free(t->uidx[i].keys);
    free(t->uidx[i].rows);
  }
  t->nuidx = 0;
}

/* ---- foreign keys -------------------------------------------------- */

int revl_table_link(revl_table *t, int ci, revl_table *target, int tcol) {
  revl_column *c = t->cols[ci];
  struct revl_uindex *u = revl_table_uindex(target, tcol);
  if (!u) return REVL_ENOMEM;
  free(c->ref_row);
  free(c->rev_off);
  free(c->rev_rows);
  c->rev_off = c->rev_rows = NULL;
  c->ref_row = malloc((c->n ? c->n : 1) * sizeof *c->ref_row);
  c->rev_off = calloc(target->nrows + 2, sizeof *c->rev_off);
  if (!c->ref_row || !c->rev_off) return REVL_ENOMEM;
  c->ref = target;
  c->ref_col = tcol;
  c->nbroken = 0;
  c->broken_example = 0;
  size_t linked = 0;
  enum { AHEAD = 16 }; /* start the index's cache misses rows ahead */
  for (size_t r = 0; r < c->n && r < AHEAD; r++)
    __builtin_prefetch(&u->keys[id_hash(c->v.str[r]) & u->mask]);
  for (size_t r = 0; r < c->n; r++) {
    if (r + AHEAD < c->n) {
      uint32_t j = id_hash(c->v.str[r + AHEAD]) & u->mask;
      __builtin_prefetch(&u->keys[j]);
      __builtin_prefetch(&u->rows[j]);
    }
    int64_t row = -1;
    if (revl_col_valid(c, r)) {
      row = revl_uindex_get(u, c->v.str[r]);
      if (row < 0) {
        c->nbroken++;
        if (!c->broken_example) c->broken_example = c->v.str[r];
      }
    }
    c->ref_row[r] = (int32_t)row;
    if (row >= 0) {
      c->rev_off[row + 2]++;
      linked++;
    }
  }
  /* counting sort: rev_off[k+1] ends as the start of target row k+1 */
  for (size_t k = 2; k < target->nrows + 2; k++)
    c->rev_off[k] += c->rev_off[k - 1];
  c->rev_rows = malloc((linked ? linked : 1) * sizeof *c->rev_rows);
  if (!c->rev_rows) return REVL_ENOMEM;
  for (size_t r = 0; r < c->n; r++)
    if (c->ref_row[r] >= 0)
      c->rev_rows[c->rev_off[c->ref_row[r] + 1]++] = (uint32_t)r;
  /* now rev_off[k]..rev_off[k+1] are the rows pointing at target row k */
  return 0;
}

size_t revl_table_memory(const revl_table *t) {
  size_t m = 0;
  for (int i = 0; i < t->ncols; i++) m += revl_col_memory(t->cols[i]);
  for (int i = 0; i < t->nuidx; i++) m += ((size_t)t->uidx[i].mask + 1) * 8;
  return m;
}

int revl_table_filter_rows(revl_table *t, const uint8_t *keep) {
  size_t out = 0;
  for (int i = 0; i < t->ncols; i++) /* compacted in place: on the heap */
    if (revl_col_own(t->cols[i], t->cols[i]->n)) return REVL_ENOMEM;
  for (int i = 0; i < t->ncols; i++) {
    revl_column *c = t->cols[i];
    size_t sz = revl_type_size(c->type);
    char *v = c->v.any;
    out = 0;
    c->nnull = 0;
    for (size_t r = 0; r < c->n; r++) {
      if (!keep[r]) continue;
      int ok = revl_col_valid(c, r);
      if (out != r) {
        memmove(v + out * sz, v + r * sz, sz);
        if (c->cur) c->cur[out] = c->cur[r];
        uint64_t bit = 1ull << (out & 63);
        if (ok)
          c->valid[out >> 6] |= bit;
        else
          c->valid[out >> 6] &= ~bit;
      }
      if (!ok) c->nnull++;
      out++;
    }
    for (size_t r = out; r < c->n; r++)
      c->valid[r >> 6] &= ~(1ull << (r & 63));
    c->n = out;
  }
  if (t->ncols) t->nrows = out;
  drop_uindexes(t);
  return 0;
}
