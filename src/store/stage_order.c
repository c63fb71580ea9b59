/*
 * stage_order.c -- the declared funnel order of a store's stage fields
 * (see revl/stage_order.h).  Orders are few and short (a dozen stages),
 * so they are a small array searched by name and rank by a linear scan.
 */
#include "revl/stage_order.h"

#include <stdlib.h>
#include <string.h>

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int revl_stage_order_set(revl_store *s, const char *table, const char *field,
                         const uint32_t *ids, int n, const char *source) {
  uint32_t *copy = malloc((size_t)(n > 0 ? n : 1) * sizeof *copy);
  char *src = dupstr(source ? source : "");
  if (!copy || !src) goto oom;
  int m = 0;
  for (int i = 0; i < n; i++) {
    int seen = 0;
    for (int k = 0; k < m && !seen; k++) seen = copy[k] == ids[i];
    if (!seen && ids[i]) copy[m++] = ids[i];
  }
  for (int i = 0; i < s->nstage_orders; i++) {
    revl_stage_order *o = &s->stage_orders[i];
    if (strcmp(o->table, table) == 0 && strcmp(o->field, field) == 0) {
      free(o->ids);
      free(o->source);
      o->ids = copy;
      o->n = m;
      o->source = src;
      return 0;
    }
  }
  revl_stage_order *a =
      revl_realloc_array(s->stage_orders, (size_t)s->nstage_orders + 1, sizeof *a);
  if (!a) goto oom;
  s->stage_orders = a;
  revl_stage_order *o = &a[s->nstage_orders];
  o->table = dupstr(table);
  o->field = dupstr(field);
  if (!o->table || !o->field) {
    free(o->table);
    free(o->field);
    goto oom;
  }
  o->ids = copy;
  o->n = m;
  o->source = src;
  s->nstage_orders++;
  return 0;
oom:
  free(copy);
  free(src);
  return REVL_ENOMEM;
}

int revl_stage_order_set_names(revl_store *s, const char *table, const char *field,
                               const char *const *names, int n, const char *source) {
  uint32_t *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
  if (!ids) return REVL_ENOMEM;
  for (int i = 0; i < n; i++)
    if (!(ids[i] = revl_intern_add(&s->strings, names[i], strlen(names[i])))) {
      free(ids);
      return REVL_ENOMEM;
    }
  int rc = revl_stage_order_set(s, table, field, ids, n, source);
  free(ids);
  return rc;
}

static const revl_stage_order *find(const revl_store *s, const char *table,
                                    const char *field) {
  for (int i = 0; i < s->nstage_orders; i++) {
    const revl_stage_order *o = &s->stage_orders[i];
    if (strcmp(o->table, table) == 0 && strcmp(o->field, field) == 0) return o;
  }
  return NULL;
}

const revl_stage_order *revl_stage_order_find(const revl_store *s, const revl_table *t,
                                              const revl_column *c) {
  if (!s || !t || !c || c->type != REVL_T_STRING || !s->nstage_orders) return NULL;
  const revl_stage_order *o = find(s, t->name, c->name);
  /* a deal's stage history holds the deal's stages */
  if (!o && strcmp(t->name, "stage_history") == 0 && strcmp(c->name, "stage") == 0)
    o = find(s, "deals", "stage");
  return o;
}

int revl_stage_rank(const revl_stage_order *o, uint32_t id) {
  for (int i = 0; i < o->n; i++)
    if (o->ids[i] == id) return i;
  return -1;
}
