/*
 * icp_sec.c -- the report's "ICP tier x engagement" section: how many
 * accounts sit in each cell of an ICP model's fit x engagement matrix
 * (docs/report.md).  The decisions are the model's score over every
 * account, made by the same evaluator `revl run` uses
 * (revl_icp_eval_into through model:score(), src/lua/l_report_icp.c),
 * and counted by revl_dframe_matrix; this file draws the counts as a
 * heatmap with the same numbers as a table beside it.  Nothing here
 * scores or counts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rep.h"

static void count_cell(revl_sbuf *b, size_t v) {
  revl_sbuf_puts(b, "<td class=\"n\">");
  revl_fmt_value(b, (double)v, REVL_VAL_COUNT, NULL, 0);
  revl_sbuf_puts(b, "</td>");
}

int revl_rp_icp(rep *R) {
  revl_rp_sec_open(R, "icp", "ICP tier \xC3\x97 engagement");
  const revl_report_icp *m = R->o->icp;
  if (!m) {
    if (revl_rp_need(R, "accounts", ": the ICP model scores the accounts"))
      revl_rp_skip(R, R->o->icp_why ? R->o->icp_why
                                    : "no ICP model was given (revl report --icp FILE)");
    return revl_rp_sec_close(R), 0;
  }
  if (!m->nbands) {
    if (revl_rp_need(R, "activities", ": the engagement of each account comes from them"))
      revl_rp_skip(R, "the ICP model scores no engagement, so there is no matrix");
    return revl_rp_sec_close(R), 0;
  }
  int nt = m->ntiers, nb = m->nbands;
  double *vals = calloc((size_t)nt * (size_t)nb + 1, sizeof *vals);
  const char **cols = calloc((size_t)nb, sizeof *cols);
  char **own = calloc((size_t)(nt + nb), sizeof *own);
  revl_chart_series *ser = calloc((size_t)nt + 1, sizeof *ser);
  int ret = 0;
  if (!vals || !cols || !own || !ser) goto oom;
  for (int k = 0; k < nb; k++) {
    size_t len = strlen(m->bands[k]) + 16;
    if (!(own[k] = malloc(len))) goto oom;
    snprintf(own[k], len, "Engagement %s", m->bands[k]);
    cols[k] = own[k];
  }
  for (int t = 0; t < nt; t++) {
    size_t len = strlen(m->tiers[t]) + 8;
    if (!(own[nb + t] = malloc(len))) goto oom;
    snprintf(own[nb + t], len, "Tier %s", m->tiers[t]);
    for (int k = 0; k < nb; k++) vals[t * nb + k] = (double)m->counts[t * nb + k];
    ser[t] = (revl_chart_series){own[nb + t], vals + (size_t)t * (size_t)nb};
  }
  revl_sbuf *b = R->b;
  revl_sbuf_puts(b, "<p class=\"win\"><b id=\"icp-scored\">");
  revl_fmt_value(b, (double)m->n, REVL_VAL_COUNT, NULL, 0);
  revl_sbuf_puts(b, "</b> ");
  revl_sbuf_escs(b, m->table);
  revl_sbuf_puts(b, " scored as of ");
  revl_rp_put_date(b, m->as_of);
  revl_sbuf_puts(b, " by the ICP model ");
  revl_sbuf_escs(b, m->model[0] ? m->model : "(unnamed)");
  if (R->o->icp_source) {
    revl_sbuf_puts(b, " (<code>");
    revl_sbuf_escs(b, R->o->icp_source);
    revl_sbuf_puts(b, "</code>)");
  }
  revl_sbuf_printf(b, " with the evaluator <code>revl run</code> uses: tiers by fit, "
                      "engagement bands by the activities of the last %d days weighted by "
                      "type%s.</p>\n",
                   m->window, m->decays ? " and age" : "");
  if (m->unplaced)
    revl_sbuf_printf(b, "<p class=\"note\">%zu record%s without a tier or a band %s not in "
                        "the matrix.</p>\n",
                     m->unplaced, m->unplaced == 1 ? "" : "s", m->unplaced == 1 ? "is" : "are");
  revl_chart c = {REVL_CHART_HEATMAP,
                  "Accounts by ICP tier and engagement band",
                  "Heatmap: one row per fit tier, one column per engagement band, each cell "
                  "the number of records in it",
                  cols, nb, ser, nt, REVL_VAL_COUNT, NULL, NULL};
  revl_rp_pair_open(R);
  revl_svg_chart(b, &c);
  revl_rp_pair_mid(R);
  revl_sbuf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\">Tier</th>");
  for (int k = 0; k < nb; k++) {
    revl_sbuf_puts(b, "<th class=\"n\" scope=\"col\">");
    revl_sbuf_escs(b, cols[k]);
    revl_sbuf_puts(b, "</th>");
  }
  revl_sbuf_puts(b, "<th class=\"n\" scope=\"col\">All</th></tr></thead><tbody>");
  for (int t = 0; t < nt; t++) {
    size_t sum = 0;
    revl_sbuf_puts(b, "<tr><th scope=\"row\">");
    revl_sbuf_escs(b, own[nb + t]);
    revl_sbuf_puts(b, "</th>");
    for (int k = 0; k < nb; k++) count_cell(b, m->counts[t * nb + k]), sum += m->counts[t * nb + k];
    count_cell(b, sum);
    revl_sbuf_puts(b, "</tr>\n");
  }
  revl_sbuf_puts(b, "</tbody><tfoot><tr><th scope=\"row\">All</th>");
  size_t all = 0;
  for (int k = 0; k < nb; k++) {
    size_t sum = 0;
    for (int t = 0; t < nt; t++) sum += m->counts[t * nb + k];
    count_cell(b, sum);
    all += sum;
  }
  count_cell(b, all);
  revl_sbuf_puts(b, "</tr></tfoot></table></div>\n");
  revl_rp_pair_close(R);
  goto done;
oom:
  ret = -1;
done:
  for (int k = 0; own && k < nt + nb; k++) free(own[k]);
  free(own);
  free(vals);
  free(cols);
  free(ser);
  if (!ret) revl_rp_sec_close(R);
  return ret;
}
