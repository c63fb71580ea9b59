/*
 * derived.c -- a mapping's derive = {...} and types = {...} meet a file:
 * once its header is read, each derived field's source headers are
 * found, the derived columns added and declared columns given their
 * types.  A header the mapping names but the file lacks is an error at
 * the mapping's entry, with the nearest header.  The per-record work is
 * in ingest.c (on_record) and transform.c.
 */
#include "mapint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DERIVE_BUF 4096

static void header(const revl_rowview *h, int j, char *buf, size_t size) {
  const char *s = h->row + h->foff[j];
  size_t n = h->flen[j];
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  snprintf(buf, size, "%.*s", (int)(n < size - 1 ? n : size - 1), s);
}

/* csv column with header name as written (else ignoring case, else the
 * table column of that name), or -1. */
static int find_header(const revl_rowview *h, int ncsv, const revl_table *t,
                       const int *target, const char *name) {
  char b[256];
  for (int pass = 0; pass < 2; pass++)
    for (int j = 0; j < ncsv; j++) {
      header(h, j, b, sizeof b);
      if (pass ? strcasecmp(b, name) == 0 : strcmp(b, name) == 0) return j;
    }
  for (int j = 0; j < ncsv; j++)
    if (strcmp(t->cols[target[j]]->name, name) == 0) return j;
  return -1;
}

static int no_header(const revl_rowview *h, int ncsv, const revl_table_map *m,
                     const char *path, int line, int col, const char *what,
                     const char *name, revl_error *err) {
  revl_near nr;
  revl_near_init(&nr, name);
  char list[600] = "", b[256], hint[160];
  for (int j = 0; j < ncsv; j++) {
    header(h, j, b, sizeof b);
    revl_near_add(&nr, h->row + h->foff[j]); /* stays put, unlike b */
    if (strlen(list) + strlen(b) + 4 < sizeof list)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
               j ? ", " : "", b);
  }
  revl_near_hint(&nr, hint, sizeof hint);
  return revl_error_set(err, REVL_EDATA, m->mapfile, line, col,
                        "%s: %s: no column '%s' in %s%s (headers: %s)",
                        m->name, what, name, path, hint, list);
}

static const revl_coltype *declared(const revl_table_map *m, const char *a,
                                    const char *b) {
  for (int i = 0; i < m->ntypes; i++)
    if (strcmp(m->types[i].name, a) == 0 || (b && strcmp(m->types[i].name, b) == 0))
      return &m->types[i];
  return NULL;
}

int revl_derived_setup(derived *dv, revl_store *s, revl_table *t,
                       const revl_table_map *m, const char *path,
                       const revl_rowview *hdr, int ncsv, int *target,
                       revl_error *err) {
  memset(dv, 0, sizeof *dv);
  if (!m || (!m->nderive && !m->ntypes)) return 0;
  const revl_table_def *def = revl_table_def_find(t->name);
  dv->nderive = m->nderive;
  dv->src = calloc((size_t)m->nderive + 1, sizeof *dv->src);
  dv->parts = calloc((size_t)m->nderive + 1, sizeof *dv->parts);
  dv->ctype = calloc((size_t)ncsv, sizeof *dv->ctype);
  dv->ccur = calloc((size_t)ncsv, sizeof *dv->ccur);
  dv->cap = DERIVE_BUF;
  dv->buf = malloc(dv->cap);
  if (!dv->src || !dv->parts || !dv->ctype || !dv->ccur || !dv->buf)
    return REVL_ENOMEM;
  /* derived fields: sources, then a column of the field's type */
  for (int k = 0; k < m->nderive; k++) {
    const revl_derive *d = &m->derive[k];
    char what[160];
    snprintf(what, sizeof what, "derive %s", d->name);
    if (revl_table_col(t, d->name) >= 0)
      return revl_error_set(err, REVL_EDATA, m->mapfile, d->line, d->col,
                            "%s: derive %s: %s already has a column '%s' (from "
                            "its header or columns = {...}); derive another "
                            "name or rename that column", m->name, d->name,
                            path, d->name);
    dv->src[k] = -1;
    if (d->from && (dv->src[k] = find_header(hdr, ncsv, t, target, d->from)) < 0)
      return no_header(hdr, ncsv, m, path, d->line, d->col, what, d->from, err);
    if (d->nparts) {
      if (!(dv->parts[k] = calloc((size_t)d->nparts, sizeof **dv->parts)))
        return REVL_ENOMEM;
      for (int p = 0; p < d->nparts; p++)
        if (d->part_col[p] &&
            (dv->parts[k][p] = find_header(hdr, ncsv, t, target, d->part[p])) < 0)
          return no_header(hdr, ncsv, m, path, d->line, d->col, what, d->part[p], err);
    }
    const revl_field_def *fd = NULL;
    for (int f = 0; def && f < def->nfields; f++)
      if (strcmp(def->fields[f].name, d->name) == 0) fd = &def->fields[f];
    const revl_coltype *ct = fd ? NULL : declared(m, d->name, NULL);
    revl_type ty = fd ? fd->type : ct ? ct->type
                 : d->kind == REVL_TX_DATE ? (d->date.has_time ? REVL_T_DATETIME : REVL_T_DATE)
                 : d->kind == REVL_TX_SCALE ? REVL_T_NUMBER : REVL_T_STRING;
    if ((d->kind == REVL_TX_DATE && ty != REVL_T_DATE && ty != REVL_T_DATETIME &&
         ty != REVL_T_STRING) ||
        (d->kind == REVL_TX_SCALE && ty != REVL_T_MONEY && ty != REVL_T_INT &&
         ty != REVL_T_NUMBER && ty != REVL_T_STRING))
      return revl_error_set(err, REVL_EDATA, m->mapfile, d->line, d->col,
                            "%s: derive %s: a %s transform cannot make a %s "
                            "column", m->name, d->name,
                            d->kind == REVL_TX_DATE ? "date" : "scale",
                            revl_type_word(ty));
    int ci = revl_table_add_col(t, d->name, ty);
    if (ci < 0) return REVL_ENOMEM;
    t->cols[ci]->canonical = fd != NULL;
    t->cols[ci]->required = fd ? fd->required : 0;
    target[ncsv + k] = ci;
  }
  dv->fixed = calloc((size_t)t->ncols, 1);
  if (!dv->fixed) return REVL_ENOMEM;
  dv->nfixed = t->ncols;
  for (int k = 0; k < m->nderive; k++)
    if (declared(m, m->derive[k].name, NULL)) dv->fixed[target[ncsv + k]] = 1;
  /* declared types: custom columns only, each one found */
  for (int i = 0; i < m->ntypes; i++) {
    const revl_coltype *ct = &m->types[i];
    int found = 0;
    for (int k = 0; k < m->nderive; k++)
      found |= strcmp(m->derive[k].name, ct->name) == 0;
    for (int j = 0; j < ncsv && !found; j++) {
      revl_column *c = t->cols[target[j]];
      char h[256];
      header(hdr, j, h, sizeof h);
      if (strcmp(c->name, ct->name) != 0 && strcmp(h, ct->name) != 0) continue;
      found = 1;
      if (c->canonical)
        return revl_error_set(err, REVL_EDATA, m->mapfile, ct->line, ct->col,
                              "%s: types: '%s' is the field %s of %s (%s); "
                              "types = {...} is for custom columns",
                              m->name, ct->name, c->name, m->name,
                              revl_type_word(c->type));
      if (target[j] == t->pk && ct->type != REVL_T_STRING)
        return revl_error_set(err, REVL_EDATA, m->mapfile, ct->line, ct->col,
                              "%s: types: '%s' is the primary key, which is "
                              "text", m->name, ct->name);
      revl_table_retype_col(t, target[j], ct->type);
      dv->ctype[j] = ct;
      dv->fixed[target[j]] = 1;
      if (ct->currency[0])
        dv->ccur[j] = revl_intern_add(&s->strings, ct->currency, 3);
    }
    if (!found) {
      /* the nearest among the columns' names and headers */
      revl_near nr;
      revl_near_init(&nr, ct->name);
      char hint[160];
      for (int j = 0; j < ncsv; j++) {
        revl_near_add(&nr, hdr->row + hdr->foff[j]);
        revl_near_add(&nr, t->cols[target[j]]->name);
      }
      revl_near_hint(&nr, hint, sizeof hint);
      return revl_error_set(err, REVL_EDATA, m->mapfile, ct->line, ct->col,
                            "%s: %s: no column '%s' in %s%s", m->name,
                            ct->by_expand == 2 ? "expand's events" : ct->by_expand ? "expand" : "types", ct->name, path,
                            hint);
    }
  }
  return 0;
}

void revl_derived_done(derived *dv) {
  for (int k = 0; dv->parts && k < dv->nderive; k++) free(dv->parts[k]);
  free(dv->parts);
  free(dv->src);
  free(dv->ctype);
  free(dv->ccur);
  free(dv->fixed);
  free(dv->buf);
  memset(dv, 0, sizeof *dv);
}
