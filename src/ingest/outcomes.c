/*
 * outcomes.c -- what a table gets after its rows are in: the mapping's
 * constant columns, and the outcome of each deal (is_closed, is_won)
 * from its stage.  A stage the mapping does not classify is read by its
 * name; when that leaves no deal won or lost, or leaves stages that look
 * closed ("Signed", "Churned") open, the load says so loudly instead of
 * reporting a pipeline where nothing ever closes.
 */
#include "mapint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Outcome of a stage name: from the mapping's stage table ('w', 'l',
 * 'O' for a stage the mapping calls open), else by name ("Closed Won",
 * "Won" -> won; "Closed Lost", "Lost" -> lost; others 'o'). */
static int stage_outcome(const revl_table_map *m, const char *stage) {
  if (m)
    for (int i = 0; i < m->nstages; i++)
      if (strcmp(m->stage_name[i], stage) == 0)
        return m->stage_outcome[i] == 'o' ? 'O' : m->stage_outcome[i];
  char low[64];
  size_t n = 0;
  for (; stage[n] && n < sizeof low - 1; n++)
    low[n] = (char)tolower((unsigned char)stage[n]);
  low[n] = '\0';
  if (strstr(low, "won") && !strstr(low, "not")) return 'w';
  if (strstr(low, "lost") || strstr(low, "closed")) return 'l';
  return 'o';
}

/* Does an open-by-name stage look like the end of a deal? */
static int looks_closed(const char *stage) {
  static const char *const words[] = {"won", "lost", "closed", "signed",
                                      "churn", "loss", "dead",
                                      "disqualified", NULL};
  char low[128];
  size_t n = 0;
  for (; stage[n] && n < sizeof low - 1; n++)
    low[n] = (char)tolower((unsigned char)stage[n]);
  low[n] = '\0';
  for (int i = 0; words[i]; i++)
    if (strstr(low, words[i])) return 1;
  return 0;
}

int revl_constants_add(revl_store *s, revl_table *t, const revl_table_map *m,
                       const char *path, revl_error *err) {
  if (!m) return 0;
  for (int k = 0; k < m->nconsts; k++) {
    const char *name = m->const_name[k], *val = m->const_value[k];
    if (revl_table_col(t, name) >= 0)
      return revl_error_set(err, REVL_EDATA, path, 1, 0,
                            "column '%s' is in the file and also a constant of "
                            "the mapping (constants = { %s = ... })", name, name);
    int ci = revl_table_add_col(t, name, REVL_T_STRING);
    if (ci < 0) return REVL_ENOMEM;
    uint32_t id = revl_intern_add(&s->strings, val, strlen(val));
    revl_column *c = t->cols[ci];
    if (revl_col_reserve(c, t->nrows)) return REVL_ENOMEM;
    for (size_t r = 0; r < t->nrows; r++)
      if (revl_col_push_str(c, id)) return REVL_ENOMEM;
  }
  return 0;
}

/* The stage values of kind want ('o' open by name, 'c' all), as
 * `"Signed" (2 rows), ...`, at most five, into buf. */
static void stage_list(const revl_store *s, const uint32_t *ids, const size_t *cnt,
                       const uint8_t *out, size_t nd, int want, char *buf,
                       size_t size) {
  size_t o = 0, shown = 0, more = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < nd; i++) {
    if (want == 'o' && !(out[i] == 'o' && looks_closed(revl_intern_str(&s->strings, ids[i]))))
      continue;
    if (shown == 5) {
      more++;
      continue;
    }
    int k = snprintf(buf + o, size - o, "%s\"%.40s\" (%zu row%s)", shown ? ", " : "",
                     revl_intern_str(&s->strings, ids[i]), cnt[i],
                     cnt[i] == 1 ? "" : "s");
    if (k < 0 || (size_t)k >= size - o) break;
    o += (size_t)k;
    shown++;
  }
  if (more && o + 32 < size) snprintf(buf + o, size - o, " and %zu more", more);
}

int revl_outcomes_derive(revl_store *s, revl_table *t, const revl_table_map *m) {
  if (strcmp(t->name, "deals") != 0) return 0;
  int st = revl_table_col(t, "stage");
  int hc = revl_table_col(t, "is_closed"), hw = revl_table_col(t, "is_won");
  if (st < 0 || (hc >= 0 && hw >= 0)) return 0;
  int ic = hc >= 0 ? -1 : revl_table_add_col(t, "is_closed", REVL_T_BOOL);
  int iw = hw >= 0 ? -1 : revl_table_add_col(t, "is_won", REVL_T_BOOL);
  if ((hc < 0 && ic < 0) || (hw < 0 && iw < 0)) return REVL_ENOMEM;
  revl_column *sc = t->cols[st];
  /* one decision per distinct stage, memoised by intern id: 0 not seen,
   * else 1 + its index among the distinct stages */
  uint32_t *memo = calloc(s->strings.n, sizeof *memo);
  uint32_t *ids = NULL;
  size_t *cnt = NULL;
  uint8_t *out = NULL;
  size_t nd = 0, cap = 0;
  int rc = 0;
  if (!memo) return REVL_ENOMEM;
  for (size_t r = 0; r < t->nrows && !rc; r++) {
    uint32_t id = sc->v.str[r];
    if (!memo[id]) {
      if (nd == cap) {
        cap = cap ? cap * 2 : 16;
        uint32_t *ni = realloc(ids, cap * sizeof *ni);
        if (ni) ids = ni;
        size_t *nc = realloc(cnt, cap * sizeof *nc);
        if (nc) cnt = nc;
        uint8_t *no = realloc(out, cap);
        if (no) out = no;
        if (!ni || !nc || !no) {
          rc = REVL_ENOMEM;
          break;
        }
      }
      ids[nd] = id;
      cnt[nd] = 0;
      out[nd] = (uint8_t)stage_outcome(m, revl_intern_str(&s->strings, id));
      memo[id] = (uint32_t)++nd;
    }
    size_t k = memo[id] - 1;
    cnt[k]++;
    int o = out[k] == 'O' ? 'o' : out[k];
    if ((ic >= 0 && revl_col_push_bool(t->cols[ic], o != 'o')) ||
        (iw >= 0 && revl_col_push_bool(t->cols[iw], o == 'w')))
      rc = REVL_ENOMEM;
  }
  if (!rc) {
    if (ic >= 0) t->cols[ic]->canonical = 1;
    if (iw >= 0) t->cols[iw]->canonical = 1;
    int closed = 0, suspect = 0;
    for (size_t i = 0; i < nd; i++) {
      closed |= out[i] == 'w' || out[i] == 'l';
      suspect |= out[i] == 'o' && looks_closed(revl_intern_str(&s->strings, ids[i]));
    }
    char list[400];
    if (nd && !closed && !(m && m->nstages)) {
      stage_list(s, ids, cnt, out, nd, 'c', list, sizeof list);
      revl_table_add_alert(t, "%s: no stage reads as won or lost, so every deal "
                           "counts as open (stages: %s); classify them in the "
                           "mapping: deals = { stages = { won = {...}, lost = "
                           "{...} } }", t->file, list);
    } else if (suspect) {
      stage_list(s, ids, cnt, out, nd, 'o', list, sizeof list);
      revl_table_add_alert(t, "%s: stages that look closed are read as open: %s; "
                           "classify them in the mapping: deals = { stages = { "
                           "won = {...}, lost = {...}, open = {...} } }", t->file,
                           list);
    }
  }
  free(memo);
  free(ids);
  free(cnt);
  free(out);
  return rc;
}
