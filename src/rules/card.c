/*
 * card.c -- scorecard evaluation (revl/reasons.h): which fields are
 * present on each record (a column not null and not blank, a criterion,
 * or the caller's function) and the weighted completeness.  No Lua:
 * function fields come through the caller's callback.
 */
#include "revl/reasons.h"

/* not null, and for text not only white space */
static int present_cell(const revl_table *t, int col, size_t row) {
  const revl_column *c = t->cols[col];
  if (!revl_col_valid(c, row)) return 0;
  if (c->type != REVL_T_STRING) return 1;
  const char *s = revl_intern_str(&t->store->strings, c->v.str[row]);
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return 1;
  return 0;
}

int revl_card_eval(revl_dframe *f, uint32_t *scratch, revl_crit_ctx *ctx, revl_card_fn fn,
                   void *ud) {
  const revl_dmodel *md = f->md;
  size_t n = f->n, nw = (size_t)md->nwords;
  for (int k = 0; k < md->nfields; k++) {
    const revl_card_field *c = &md->fields[k];
    uint64_t bit = (uint64_t)1 << (k & 63);
    size_t w = (size_t)(k >> 6);
    if (c->crit) {
      revl_crit_mark(c->crit, k, f->rows, n, scratch, f->mask, md->nwords, ctx);
      if (ctx->failed) return ctx->failed;
    } else if (c->fnref >= 0) {
      for (size_t i = 0; i < n; i++)
        if (fn && fn(ud, k, i, REVL_DFRAME_ROW(f, i))) f->mask[i * nw + w] |= bit;
    } else if (!c->absent) {
      for (size_t i = 0; i < n; i++) {
        int64_t r2 = revl_via_row(f->t, c->via, REVL_DFRAME_ROW(f, i));
        if (r2 >= 0 && present_cell(c->ft, c->col, (size_t)r2)) f->mask[i * nw + w] |= bit;
      }
    }
  }
  double sw = 0;
  for (int k = 0; k < md->nfields; k++) sw += md->fields[k].weight;
  for (size_t i = 0; i < n; i++) {
    double sp = 0;
    for (int k = 0; k < md->nfields; k++)
      if (revl_dframe_fired(f, i, k)) sp += md->fields[k].weight;
    f->a[i] = sw > 0 ? revl_round_to(100.0 * sp / sw, 1) : 0;
  }
  return 0;
}
