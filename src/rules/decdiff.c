/*
 * decdiff.c -- what differs between two decision frames over the same
 * table (revl diff): records matched by row, tier / label / score
 * compared as their cells read (revl_dframe_cell), migration counts and
 * score buckets, with no Lua value made per record.
 */
#include <stdlib.h>
#include <string.h>

#include "revl/decdiff.h"

static const char *const bucket_names[REVL_DD_NBUCKETS] = {
    "< -20", "-20..-10", "-10..-1", "0", "1..10", "11..20", "> 20"};

const char *revl_ddiff_bucket_name(int k) {
  return k >= 0 && k < REVL_DD_NBUCKETS ? bucket_names[k] : "?";
}

static int bucket(double d) {
  if (d < -20) return 0;
  if (d < -10) return 1;
  if (d < 0) return 2;
  if (d == 0) return 3;
  if (d <= 10) return 4;
  if (d <= 20) return 5;
  return 6;
}

void revl_ddiff_free(revl_ddiff *d) {
  free(d->ia);
  free(d->ib);
  free(d->what);
  for (size_t k = 0; k < d->nmig; k++) {
    free(d->mig[k].from);
    free(d->mig[k].to);
  }
  free(d->mig);
  memset(d, 0, sizeof *d);
}

/* The text of cell c of record i into b ("" for null or no column); its
 * REVL_V_* kind and number. */
static int cell(const revl_dframe *f, size_t i, int c, revl_sbuf *b, double *num) {
  revl_sb_reset(b);
  *num = 0;
  if (c < 0 || c >= f->ncols) return REVL_V_NIL;
  return revl_dframe_cell(f, i, c, b, num, NULL, NULL, NULL);
}

static int count_mig(revl_ddiff *d, size_t *cap, const char *from, const char *to) {
  for (size_t k = 0; k < d->nmig; k++)
    if (!strcmp(d->mig[k].from, from) && !strcmp(d->mig[k].to, to)) {
      d->mig[k].n++;
      return 0;
    }
  if (d->nmig == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    revl_ddiff_mig *m = realloc(d->mig, nc * sizeof *m);
    if (!m) return REVL_ENOMEM;
    d->mig = m;
    *cap = nc;
  }
  revl_ddiff_mig *m = &d->mig[d->nmig];
  m->from = strdup(from);
  m->to = strdup(to);
  m->n = 1;
  d->nmig++;
  if (!m->from || !m->to) return REVL_ENOMEM;
  return 0;
}

int revl_ddiff_compare(const revl_dframe *a, const int ca[3], const revl_dframe *b,
                       const int cb[3], revl_ddiff *d) {
  memset(d, 0, sizeof *d);
  if (a->t != b->t || !a->t) return REVL_EUSAGE;
  size_t nrows = a->t->nrows;
  /* row -> position in b + 1 */
  uint32_t *pos = calloc(nrows ? nrows : 1, sizeof *pos);
  char *seen = calloc(b->n ? b->n : 1, 1);
  d->ia = malloc((a->n ? a->n : 1) * sizeof *d->ia);
  d->ib = malloc((a->n ? a->n : 1) * sizeof *d->ib);
  d->what = malloc(a->n ? a->n : 1);
  revl_sbuf s[6] = {{0}};
  int rc = 0;
  size_t mcap = 0;
  if (!pos || !seen || !d->ia || !d->ib || !d->what) {
    rc = REVL_ENOMEM;
    goto done;
  }
  for (size_t j = 0; j < b->n; j++) {
    size_t row = REVL_DFRAME_ROW(b, j);
    if (row < nrows && !pos[row]) pos[row] = (uint32_t)j + 1;
  }
  d->n = a->n;
  for (size_t i = 0; i < a->n; i++) {
    size_t row = REVL_DFRAME_ROW(a, i);
    if (row >= nrows || !pos[row]) {
      d->only_a++;
      continue;
    }
    size_t j = pos[row] - 1;
    seen[j] = 1;
    double na, nb, sa, sb;
    cell(a, i, ca[0], &s[0], &na);
    cell(b, j, cb[0], &s[1], &nb);
    cell(a, i, ca[1], &s[2], &na);
    cell(b, j, cb[1], &s[3], &nb);
    int ka = cell(a, i, ca[2], &s[4], &sa), kb = cell(b, j, cb[2], &s[5], &sb);
    uint8_t what = 0;
    if (strcmp(revl_sb_str(&s[0]), revl_sb_str(&s[1]))) what |= REVL_DD_TIER;
    if (strcmp(revl_sb_str(&s[2]), revl_sb_str(&s[3]))) what |= REVL_DD_LABEL;
    if (ka != kb || strcmp(revl_sb_str(&s[4]), revl_sb_str(&s[5]))) what |= REVL_DD_SCORE;
    if ((rc = count_mig(d, &mcap, revl_sb_str(&s[0]), revl_sb_str(&s[1])))) goto done;
    if (ka == REVL_V_NUM && kb == REVL_V_NUM) d->buckets[bucket(sb - sa)]++;
    if (what) {
      d->ia[d->nchanged] = (uint32_t)i;
      d->ib[d->nchanged] = (uint32_t)j;
      d->what[d->nchanged] = what;
      d->nchanged++;
    }
  }
  for (size_t j = 0; j < b->n; j++)
    if (!seen[j]) d->only_b++;
done:
  for (int k = 0; k < 6; k++) revl_sb_free(&s[k]);
  free(pos);
  free(seen);
  return rc;
}
