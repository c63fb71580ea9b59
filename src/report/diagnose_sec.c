/*
 * diagnose_sec.c -- the report's "RevOps diagnostic" section: the six
 * layers of `revl diagnose` (src/rules/diagnose.c, same evaluator, same
 * defaults: 20 records per path, seed 1, the report's as-of) as a bar
 * chart of the scores, a table of scores and pass shares, the weakest
 * layer with the action the scale prescribes, and the first failed
 * checks of each layer as evidence.  Rendering only; nothing here
 * decides a score.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rep.h"
#include "revl/diagnose.h"

enum { EVIDENCE_PER_LAYER = 3 };

static void put_share(revl_sbuf *b, size_t passed, size_t checked) {
  if (!checked) revl_sbuf_puts(b, "-");
  else revl_sbuf_printf(b, "%.1f%%", 100.0 * (double)passed / (double)checked);
}

int revl_rp_diagnose(rep *R) {
  revl_sbuf *b = R->b;
  revl_sbuf_puts(b, "<section id=\"diagnose\"><h2>RevOps diagnostic</h2>\n");
  revl_dx_opts o = {.sample = 20, .seed = 1, .as_of = R->o->as_of};
  revl_dx_result own;
  const revl_dx_result *D = R->o->diagnosis; /* made with the playbook's rules */
  revl_error err;
  /* the evaluator builds the stores' lookup indexes on first use: a
   * cache, not a change of the data the rest of the page reads */
  if (!D && revl_diagnose((revl_store *)R->s, &o, &own, &err)) {
    if (err.code == REVL_ENOMEM) return REVL_ENOMEM;
    revl_sbuf_puts(b, "<p class=\"error\">");
    revl_sbuf_escs(b, err.msg);
    revl_sbuf_puts(b, "</p></section>\n");
    return 0;
  }
  if (!D) D = &own;
  revl_sbuf_puts(b, "<p class=\"win\">Up to 20 records per revenue path (seed 1), each asked one "
                    "question per layer; a layer scores 1-5 by the share that pass "
                    "(docs/diagnose.md). The same as <code>revl diagnose</code>.</p>\n");
  if (R->o->diagnosis) { /* whose rules layers 1 and 3 asked, per path */
    revl_sbuf_puts(b, "<p class=\"win\">Layers 1 and 3 with the playbook's rules:</p><ul>");
    for (int p = 0; p < REVL_DX_NPATHS; p++) {
      if (!D->source[p][0][0] && !D->source[p][1][0]) continue;
      revl_sbuf_puts(b, "<li>");
      revl_sbuf_escs(b, revl_dx_path_name(p));
      revl_sbuf_puts(b, ": layer 1 by ");
      revl_sbuf_escs(b, D->source[p][0]);
      revl_sbuf_puts(b, "; layer 3 by ");
      revl_sbuf_escs(b, D->source[p][1]);
      revl_sbuf_puts(b, "</li>");
    }
    revl_sbuf_puts(b, "</ul>\n");
  }
  if (D->weakest < 0) {
    revl_sbuf_puts(b, "<p class=\"skip\">Left out: no path has records to sample (");
    for (int p = 0; p < REVL_DX_NPATHS; p++) {
      if (p) revl_sbuf_puts(b, "; ");
      revl_sbuf_escs(b, D->paths[p].reason[0] ? D->paths[p].reason : revl_dx_path_name(p));
    }
    revl_sbuf_puts(b, ")</p></section>\n");
    if (D == &own) revl_diagnose_done(&own);
    return 0;
  }
  const char *labels[REVL_DX_NLAYERS];
  double score[REVL_DX_NLAYERS];
  for (int l = 0; l < REVL_DX_NLAYERS; l++) {
    labels[l] = revl_dx_layer_name(l);
    score[l] = D->layers[l].score ? (double)D->layers[l].score : NAN;
  }
  revl_chart_series ser = {"Score (1-5)", score};
  revl_chart c = {REVL_CHART_BAR, "Score per layer (1-5)",
                  "The six layers of the diagnostic, each scored 1 to 5", labels,
                  REVL_DX_NLAYERS, &ser, 1, REVL_VAL_COUNT, NULL, NULL};
  revl_sbuf_puts(b, "<div class=\"pair\"><figure>");
  revl_svg_chart(b, &c);
  revl_sbuf_puts(b, "</figure><div class=\"side\">");
  revl_sbuf_puts(b, "<div class=\"tw\"><table><caption>Layers</caption><thead><tr>"
                    "<th scope=\"col\">layer</th><th scope=\"col\" class=\"n\">score</th>"
                    "<th scope=\"col\" class=\"n\">passed</th><th scope=\"col\" class=\"n\">"
                    "checked</th><th scope=\"col\" class=\"n\">share</th></tr></thead><tbody>");
  for (int l = 0; l < REVL_DX_NLAYERS; l++) {
    const revl_dx_layer *L = &D->layers[l];
    revl_sbuf_printf(b, "<tr><td>%d ", l + 1);
    revl_sbuf_escs(b, revl_dx_layer_name(l));
    if (L->score) revl_sbuf_printf(b, "</td><td class=\"n\">%d</td>", L->score);
    else revl_sbuf_puts(b, "</td><td class=\"n\">no evidence</td>");
    revl_sbuf_printf(b, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">",
                     L->passed, L->checked);
    put_share(b, L->passed, L->checked);
    revl_sbuf_puts(b, "</td></tr>");
  }
  revl_sbuf_puts(b, "</tbody></table></div></div></div>\n");
  const revl_dx_layer *W = &D->layers[D->weakest];
  revl_sbuf_printf(b, "<p><strong>Weakest layer: %d ", D->weakest + 1);
  revl_sbuf_escs(b, revl_dx_layer_name(D->weakest));
  revl_sbuf_printf(b, "</strong> (score %d): ", W->score);
  revl_sbuf_escs(b, revl_dx_action(W->score));
  revl_sbuf_puts(b, "</p>\n");
  /* evidence: the first failed checks of each layer, in check order */
  revl_sbuf_puts(b, "<div class=\"tw\"><table><caption>Failed checks (the first 3 per layer)"
                    "</caption><thead><tr><th scope=\"col\">layer</th><th scope=\"col\">path"
                    "</th><th scope=\"col\">record</th><th scope=\"col\">evidence</th></tr>"
                    "</thead><tbody>");
  size_t shown = 0;
  for (int l = 0; l < REVL_DX_NLAYERS; l++) {
    int k = 0;
    for (size_t i = 0; i < D->nchecks && k < EVIDENCE_PER_LAYER; i++) {
      const revl_dx_check *ck = &D->checks[i];
      if (ck->layer != l || ck->pass) continue;
      char id[96];
      revl_sbuf_printf(b, "<tr><td>%d</td><td>", l + 1);
      revl_sbuf_escs(b, revl_dx_path_name(ck->path));
      revl_sbuf_puts(b, "</td><td>");
      revl_sbuf_escs(b, revl_dx_record_id(D, ck, id, sizeof id));
      revl_sbuf_puts(b, "</td><td>");
      revl_sbuf_escs(b, ck->evidence);
      revl_sbuf_puts(b, "</td></tr>");
      k++, shown++;
    }
  }
  if (!shown) revl_sbuf_puts(b, "<tr><td colspan=\"4\">every sampled check passed</td></tr>");
  revl_sbuf_puts(b, "</tbody></table></div></section>\n");
  if (D == &own) revl_diagnose_done(&own);
  return b->oom ? REVL_ENOMEM : 0;
}
