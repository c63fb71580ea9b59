/*
 * test_report.c -- the default HTML report (src/report/): escaping,
 * nice ticks, values as the charts show them, the SVG of bar, line and
 * funnel charts (the elements there, one per aggregate, labels escaped
 * and truncated with their full text in a <title>), an empty chart, and
 * whole documents over small stores: a deal owner named <script>, an
 * empty deals table, all-null amounts, mixed currencies, no tables.
 */
#include <math.h>

#include "revl/report.h"
#include "test.h"
#include "mtest.h"

static int count(const char *hay, const char *needle) {
  int n = 0;
  size_t k = strlen(needle);
  for (const char *p = hay; (p = strstr(p, needle)); p += k) n++;
  return n;
}

static void test_escape(void) {
  revl_sbuf b = {0};
  revl_sbuf_escs(&b, "a&b<c>'d\"");
  CHECK_STR(b.p, "a&amp;b&lt;c&gt;&#39;d&quot;");
  revl_sbuf_free(&b);
  revl_sbuf_esc(&b, "x\xff\x01y\xC3\xA9", 6); /* a bad byte, a control, an e-acute */
  CHECK_STR(b.p, "x\xEF\xBF\xBD y\xC3\xA9");
  revl_sbuf_free(&b);
  revl_sbuf_printf(&b, "%s-%d", "n", 42);
  CHECK_STR(b.p, "n-42");
  /* longer than the printf's first buffer */
  char big[2000];
  memset(big, 'z', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  revl_sbuf_printf(&b, "%s", big);
  CHECK_INT((long long)b.n, 4 + 1999);
  revl_sbuf_free(&b);
}

static void ticks(double lo, double hi, double want_start, double want_step, int want_n) {
  double start = -1, step = -1;
  int n = -1;
  CHECK_INT(revl_nice_ticks(lo, hi, 5, &start, &step, &n), 0);
  CHECK_DBL(start, want_start, 1e-9);
  CHECK_DBL(step, want_step, 1e-9);
  CHECK_INT(n, want_n);
}

static void test_ticks(void) {
  ticks(0, 87, 0, 20, 5);
  ticks(0, 1, 0, 0.2, 5);
  ticks(0, 1234567, 0, 250000, 5);
  ticks(-35, 120, -50, 50, 4);
  ticks(0, 0.4647, 0, 0.1, 5);
  ticks(5, 5, 0, 1, 5);   /* one value: from zero */
  ticks(0, 0, 0, 0.2, 5); /* nothing: 0..1 */
  ticks(-3, -3, -3, 1, 3); /* below zero: up to zero */
  double s, st;
  int n;
  CHECK_INT(revl_nice_ticks(0, NAN, 5, &s, &st, &n), -1);
  CHECK_INT(revl_nice_ticks(-INFINITY, 1, 5, &s, &st, &n), -1);
}

static void test_values(void) {
  revl_sbuf b = {0};
  revl_fmt_value(&b, 1250000, REVL_VAL_MONEY, "USD", 1);
  CHECK_STR(b.p, "1.25M USD");
  revl_sbuf_free(&b);
  revl_fmt_value(&b, 1234567.891, REVL_VAL_MONEY, "USD", 0);
  CHECK_STR(b.p, "1,234,567.89 USD");
  revl_sbuf_free(&b);
  revl_fmt_value(&b, 1500, REVL_VAL_MONEY, "JPY", 0);
  CHECK_STR(b.p, "1,500 JPY");
  revl_sbuf_free(&b);
  revl_fmt_value(&b, 0.4532, REVL_VAL_RATIO, NULL, 0);
  CHECK_STR(b.p, "45.3%");
  revl_sbuf_free(&b);
  revl_fmt_value(&b, 250000, REVL_VAL_COUNT, NULL, 1);
  CHECK_STR(b.p, "250k");
  revl_sbuf_free(&b);
  revl_fmt_value(&b, NAN, REVL_VAL_DAYS, NULL, 0);
  CHECK_STR(b.p, "\xE2\x80\x94");
  revl_sbuf_free(&b);
}

static void test_charts(void) {
  const char *labels[] = {"<script>alert(1)</script>", "A&B", "a very long owner name indeed, longer than a band"};
  double p[] = {1000, 2500.5, 0}, w[] = {300, NAN, 0};
  revl_chart_series ser[] = {{"Pipeline", p}, {"Weighted & more", w}};
  revl_chart c = {REVL_CHART_BAR, "Pipeline by owner", "bars <per> owner", labels, 3, ser, 2,
                  REVL_VAL_MONEY, "USD", NULL};
  revl_sbuf b = {0};
  revl_svg_chart(&b, &c);
  CHECK(b.p && strncmp(b.p, "<svg ", 5) == 0);
  CHECK(strstr(b.p, "</svg>") != NULL);
  CHECK(strstr(b.p, "<title id=") != NULL);
  CHECK(strstr(b.p, "<desc id=") != NULL);
  CHECK(strstr(b.p, "bars &lt;per&gt; owner") != NULL);
  CHECK(strstr(b.p, "<script") == NULL);
  CHECK(strstr(b.p, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
  CHECK(strstr(b.p, "A&amp;B") != NULL);
  CHECK(strstr(b.p, "Weighted &amp; more") != NULL);
  /* one rect per finite value plus two legend swatches */
  CHECK_INT(count(b.p, "<rect "), 5 + 2);
  /* long labels: rotated, truncated, the full text in a <title> */
  CHECK(strstr(b.p, "rotate(-40)") != NULL);
  CHECK(strstr(b.p, "<title>a very long owner name indeed, longer than a band</title>") != NULL);
  CHECK(strstr(b.p, "a very long owne\xE2\x80\xA6") != NULL);
  /* nice ticks, compact money */
  CHECK(strstr(b.p, ">1k</text>") != NULL);
  CHECK(strstr(b.p, ">USD</text>") != NULL);
  /* a value in full in the bar's title */
  CHECK(strstr(b.p, "A&amp;B \xC2\xB7 Pipeline: 2,500.50 USD") != NULL);
  revl_sbuf_free(&b);

  /* a line: one path per series, a gap at NAN (two M), a dot per value */
  const char *q[] = {"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"};
  double r[] = {0.4, NAN, 0.3, 0.35};
  revl_chart_series ls[] = {{"Win rate", r}};
  revl_chart l = {REVL_CHART_LINE, "Win rate", NULL, q, 4, ls, 1, REVL_VAL_RATIO, NULL, NULL};
  revl_svg_chart(&b, &l);
  CHECK_INT(count(b.p, "<path "), 1);
  CHECK_INT(count(b.p, "<circle "), 3);
  CHECK_INT(count(b.p, "M"), 2 + 0); /* "M" only starts subpaths here */
  CHECK(strstr(b.p, ">40%</text>") != NULL);
  CHECK(strstr(b.p, "rotate(") == NULL); /* short labels stay level */
  revl_sbuf_free(&b);

  /* a funnel: a bar per step, conversions from the step before */
  const char *st[] = {"Leads", "MQL", "Won"};
  double fv[] = {500, 200, 0};
  revl_chart_series fs[] = {{"Leads", fv}};
  revl_chart f = {REVL_CHART_FUNNEL, "Funnel", NULL, st, 3, fs, 1, REVL_VAL_COUNT, NULL, NULL};
  revl_svg_chart(&b, &f);
  CHECK_INT(count(b.p, "<rect "), 3);
  CHECK(strstr(b.p, "200 (40.0%)") != NULL);
  CHECK(strstr(b.p, ">0 (0.0%)<") != NULL);
  revl_sbuf_free(&b);

  /* nothing to draw: a sentence, never a broken element */
  revl_chart e = {REVL_CHART_BAR, "Empty <chart>", NULL, NULL, 0, ser, 1, REVL_VAL_MONEY, "USD", NULL};
  revl_svg_chart(&b, &e);
  CHECK_STR(b.p, "<p class=\"note\">No chart: Empty &lt;chart&gt; has no values to draw.</p>");
  revl_sbuf_free(&b);
  double nn[] = {NAN, NAN};
  revl_chart_series ns[] = {{"x", nn}};
  revl_chart e2 = {REVL_CHART_LINE, "All null", NULL, q, 2, ns, 1, REVL_VAL_MONEY, "USD", NULL};
  revl_svg_chart(&b, &e2);
  CHECK(strstr(b.p, "No chart") != NULL);
  revl_sbuf_free(&b);
}

static int count_of(const char *h, const char *needle) {
  int n = 0;
  for (const char *p = h; p && (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

/* stacked bar, waterfall, heatmap: one element per aggregate, the
 * values in the titles, the data escaped */
static void test_more_charts(void) {
  const char *lab[] = {"Q1", "Q2", "<Q3>"};
  double a[] = {10, 20, NAN}, bb[] = {5, -5, 7};
  revl_chart_series ser[] = {{"won", a}, {"lost & more", bb}};
  revl_sbuf b = {0};
  revl_chart st = {REVL_CHART_STACKED, "Stacked", NULL, lab, 3, ser, 2, REVL_VAL_COUNT, NULL, NULL};
  revl_svg_chart(&b, &st);
  CHECK(strstr(b.p, "<svg class=\"chart stacked\"") != NULL);
  CHECK_INT(count_of(b.p, "<rect x=\"") - 2 /* legend */, 5); /* one null value left out */
  CHECK(strstr(b.p, "&lt;Q3&gt; \xC2\xB7 lost &amp; more: 7") != NULL);
  CHECK(strstr(b.p, "<Q3>") == NULL);
  revl_sbuf_free(&b);

  const char *steps[] = {"Start", "Won", "Lost"};
  double w[] = {100, 40, -30};
  revl_chart_series ws[] = {{"amount", w}};
  revl_chart wf = {REVL_CHART_WATERFALL, "Walk", NULL, steps, 3, ws, 1, REVL_VAL_MONEY, "USD", "End"};
  revl_svg_chart(&b, &wf);
  CHECK(strstr(b.p, "<svg class=\"chart waterfall\"") != NULL);
  CHECK_INT(count_of(b.p, "<rect "), 4); /* three steps and the closing bar */
  CHECK(strstr(b.p, "<title>Won: +40.00 USD</title>") != NULL);
  CHECK(strstr(b.p, "<title>Lost: -30.00 USD</title>") != NULL);
  CHECK(strstr(b.p, "<title>End: 110.00 USD</title>") != NULL);
  CHECK(strstr(b.p, "fill=\"#D55E00\"") != NULL); /* a fall in vermilion */
  revl_sbuf_free(&b);
  wf.total = ""; /* no closing bar */
  revl_svg_chart(&b, &wf);
  CHECK_INT(count_of(b.p, "<rect "), 3);
  revl_sbuf_free(&b);

  const char *cols[] = {"A", "B"};
  double r1[] = {1, 4}, r2[] = {NAN, 2};
  revl_chart_series hs[] = {{"tier 1", r1}, {"<tier 2>", r2}};
  revl_chart hm = {REVL_CHART_HEATMAP, "Matrix", NULL, cols, 2, hs, 2, REVL_VAL_COUNT, NULL, NULL};
  revl_svg_chart(&b, &hm);
  CHECK(strstr(b.p, "<svg class=\"chart heatmap\"") != NULL);
  CHECK(strstr(b.p, "fill=\"#08306B\"") != NULL); /* the largest, darkest */
  CHECK(strstr(b.p, "fill=\"#EFF3FF\"") != NULL); /* the smallest, lightest */
  CHECK(strstr(b.p, "fill=\"none\"") != NULL);    /* the missing cell */
  CHECK(strstr(b.p, "&lt;tier 2&gt;") != NULL);
  revl_sbuf_free(&b);
}

/* a section from a C frame: checked, rendered, errors named */
static void test_sections(void) {
  revl_frame *f = revl_frame_new(NULL);
  int ko = revl_frame_add_col(f, "owner", REVL_T_STRING, NULL);
  int kt = revl_frame_add_col(f, "total", REVL_T_MONEY, NULL);
  int kn = revl_frame_add_col(f, "n", REVL_T_INT, NULL);
  revl_frame_push_cstr(f, ko, "R1");
  revl_frame_push_money(f, kt, 150, "USD");
  revl_col_push_i64(revl_frame_col(f, kn), 2);
  revl_frame_push_cstr(f, ko, "<R2>");
  revl_frame_push_money(f, kt, 250, "USD");
  revl_col_push_i64(revl_frame_col(f, kn), 3);
  CHECK_INT(revl_frame_seal(f), 0);
  const char *y[] = {"total"};
  revl_chart_spec cs = {REVL_CHART_BAR, f, "owner", y, 1, NULL, NULL, NULL};
  revl_report_section sec = {"By owner", "Two\n\nparagraphs <b>", &cs, f};
  revl_sbuf b = {0};
  revl_error err;
  int empty = -1;
  CHECK_INT(revl_report_section_html(&sec, 3, &b, &empty, &err), 0);
  CHECK_INT(empty, 0);
  CHECK(strncmp(b.p, "<section id=\"p3\" class=\"playbook\"><h2>By owner</h2>", 50) == 0);
  CHECK(strstr(b.p, "<p>paragraphs &lt;b&gt;</p>") != NULL);
  CHECK(strstr(b.p, "<title>&lt;R2&gt;: 2.50 USD</title>") != NULL);
  CHECK_INT(count_of(b.p, "<table>"), 2); /* the chart's numbers and the table */
  revl_sbuf_free(&b);

  y[0] = "totl";
  CHECK_INT(revl_report_section_html(&sec, 1, &b, NULL, &err), REVL_EUSAGE);
  CHECK_STR(err.msg, "chart.y: the frame has no column 'totl' (did you mean 'total'?)");
  CHECK(b.p == NULL); /* nothing appended */
  y[0] = "owner";
  CHECK_INT(revl_report_section_html(&sec, 1, &b, NULL, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "is text, not a number") != NULL);
  const char *two[] = {"total", "n"};
  cs.y = two;
  cs.ny = 2;
  CHECK_INT(revl_report_section_html(&sec, 1, &b, NULL, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "cannot share an axis") != NULL);
  cs.kind = REVL_CHART_FUNNEL;
  CHECK_INT(revl_report_section_html(&sec, 1, &b, NULL, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "draws one column") != NULL);
  /* mixed currencies */
  revl_frame_free(f);
  f = revl_frame_new(NULL);
  ko = revl_frame_add_col(f, "owner", REVL_T_STRING, NULL);
  kt = revl_frame_add_col(f, "total", REVL_T_MONEY, NULL);
  revl_frame_push_cstr(f, ko, "R1");
  revl_frame_push_money(f, kt, 150, "USD");
  revl_frame_push_cstr(f, ko, "R1");
  revl_frame_push_money(f, kt, 150, "EUR");
  revl_frame_seal(f);
  revl_chart_spec c2 = {REVL_CHART_BAR, f, "owner", two, 1, NULL, NULL, NULL};
  revl_report_section s2 = {"Mixed", NULL, &c2, NULL};
  CHECK_INT(revl_report_section_html(&s2, 1, &b, NULL, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "mixes USD and EUR") != NULL);
  /* heatmap: two rows for one cell */
  const char *yo[] = {"owner"};
  revl_chart_spec c3 = {REVL_CHART_HEATMAP, f, "owner", yo, 1, "total", NULL, NULL};
  s2.chart = &c3;
  revl_frame_free(f);
  f = revl_frame_new(NULL);
  ko = revl_frame_add_col(f, "owner", REVL_T_STRING, NULL);
  kn = revl_frame_add_col(f, "n", REVL_T_INT, NULL);
  for (int i = 0; i < 2; i++) {
    revl_frame_push_cstr(f, ko, "R1");
    revl_col_push_i64(revl_frame_col(f, kn), i);
  }
  revl_frame_seal(f);
  c3.f = f;
  c3.value = "n";
  CHECK_INT(revl_report_section_html(&s2, 1, &b, NULL, &err), REVL_EUSAGE);
  CHECK(strstr(err.msg, "two rows for owner = R1, owner = R1") != NULL);
  /* an empty frame: a readable section */
  f->nrows = 0;
  f->cols[0]->col.n = f->cols[1]->col.n = 0;
  int e2 = 0;
  CHECK_INT(revl_report_section_html(&s2, 1, &b, &e2, &err), 0);
  CHECK_INT(e2, 1);
  CHECK(strstr(b.p, "No chart: Mixed has no rows to draw.") != NULL);
  revl_sbuf_free(&b);
  revl_frame_free(f);
  CHECK_INT(revl_chart_kind_of("stacked_bar"), REVL_CHART_STACKED);
  CHECK_INT(revl_chart_kind_of("pie"), -1);
}

static char *report_of(revl_store *s, int32_t as_of) {
  revl_report_opts o = {.data_dir = "test data", .as_of = as_of, .fiscal_start = 1};
  revl_sbuf b = {0};
  revl_error err;
  CHECK_INT(revl_report_html(s, &o, &b, &err), 0);
  return b.p;
}

static void test_documents(void) {
  enum { D_2025_12_31 = 20453 };
  revl_store *s = revl_store_new();
  mt_load(s, "deals",
          "id,owner,stage,amount,currency,created_at,close_date,probability,is_closed,is_won\n"
          "D1,<script>alert(1)</script>,Demo,1000.00,USD,2025-01-05,2026-02-01,0.5,false,false\n"
          "D2,A&B,Proposal,250.00,USD,2025-02-01,2026-03-01,0.2,false,false\n"
          "D3,A&B,Closed Won,900.00,USD,2025-03-01,2025-11-01,1,true,true\n"
          "D4,C,Closed Lost,100.00,USD,2025-03-01,2025-10-01,0,true,false\n");
  mt_link(s);
  char *h = report_of(s, D_2025_12_31);
  CHECK(h && strncmp(h, "<!DOCTYPE html>", 15) == 0);
  CHECK(h && strstr(h, "<script") == NULL);
  CHECK(h && strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
  CHECK(h && strstr(h, "A&amp;B") != NULL);
  CHECK(h && strstr(h, "id=\"pipeline-total\">1,250.00 USD<") != NULL);
  CHECK(h && strstr(h, "id=\"weighted-total\">550.00 USD<") != NULL);
  /* the sections without their tables say why */
  CHECK(h && strstr(h, "Left out: no leads table in the data (leads.csv)") != NULL);
  CHECK(h && strstr(h, "Left out: no subscriptions table") != NULL);
  CHECK(h && strstr(h, "Left out: no reps table") != NULL);
  CHECK(h && strstr(h, "Left out: no stage_history table in the data (stage_history.csv): the "
                       "time in the current stage comes from it") != NULL);
  CHECK(h && strstr(h, "Left out: no stage_history table in the data (stage_history.csv): the "
                       "pipeline on the first day is rebuilt from the stage history") != NULL);
  CHECK(h && strstr(h, "Win rate by quarter") != NULL);
  CHECK(h && strstr(h, "</html>\n") != NULL);
  free(h);
  revl_store_free(s);

  /* an empty table, all-null amounts, mixed currencies */
  s = revl_store_new();
  mt_load(s, "deals", "id,owner,stage,amount,close_date,is_closed\n");
  h = report_of(s, D_2025_12_31);
  CHECK(h && strstr(h, "id=\"pipeline-total\">0.00 USD<") != NULL);
  CHECK(h && strstr(h, "No chart") != NULL);
  CHECK(h && strstr(h, "</html>") != NULL);
  free(h);
  revl_store_free(s);
  s = revl_store_new();
  mt_load(s, "deals",
          "id,owner,stage,amount,close_date,is_closed,is_won\n"
          "D1,R1,Demo,,2026-01-10,false,false\n"
          "D2,R2,Demo,,2025-11-10,true,true\n");
  h = report_of(s, D_2025_12_31);
  CHECK(h && strstr(h, "</html>") != NULL);
  CHECK(h && strstr(h, "id=\"pipeline-total\">0.00 USD<") != NULL);
  /* no created_at: the sales cycle says so, the win rate is still drawn */
  CHECK(h && strstr(h, "class=\"error\">revl.metrics.sales_cycle: deals has no column "
                       "&#39;created_at&#39;") != NULL);
  CHECK(h && strstr(h, "<title id=\"c") && strstr(h, ">Win rate by quarter</title>") != NULL);
  free(h);
  revl_store_free(s);
  s = revl_store_new();
  mt_load(s, "deals",
          "id,owner,stage,amount,currency,close_date,probability,is_closed,is_won\n"
          "D1,R1,Demo,100.00,USD,2026-01-10,0.5,false,false\n"
          "D2,R2,Demo,100.00,EUR,2026-01-10,0.5,false,false\n");
  h = report_of(s, D_2025_12_31);
  CHECK(h && strstr(h, "class=\"error\">revl.metrics.weighted_pipeline: ") != NULL);
  CHECK(h && strstr(h, "mixes USD and EUR") != NULL);
  /* by owner: one currency each, so a table, but no chart */
  CHECK(h && strstr(h, "No chart: the amounts are in several currencies") != NULL);
  CHECK(h && strstr(h, "</html>") != NULL);
  free(h);
  revl_store_free(s);
  /* no tables at all */
  s = revl_store_new();
  h = report_of(s, D_2025_12_31);
  CHECK(h && strstr(h, "Left out: no deals table") != NULL);
  CHECK(h && strstr(h, "Left out: no tables were loaded") != NULL);
  free(h);
  revl_store_free(s);
}

/* Stage aging and the waterfall over deals with a stage history. */
static void test_stage_sections(void) {
  revl_store *s = revl_store_new();
  mt_load(s, "deals",
          "id,owner,stage,amount,currency,created_at,close_date\n"
          "D1,R1,Closed Won,100.00,USD,2025-08-01,2025-11-20\n"
          "D2,R1,Demo,200.00,USD,2025-10-05,2026-01-31\n"
          "D3,R2,Closed Lost,50.00,USD,2025-07-01,2025-09-01\n"
          "D4,R2,Prospecting,10.00,USD,2025-06-01,2025-12-30\n"
          "D5,R2,Proposal,300.00,USD,2025-08-01,2025-12-15\n"
          "D6,R1,Demo,40.00,USD,2025-09-01,2026-02-01\n");
  mt_load(s, "stage_history",
          "deal_id,stage,entered_at,amount,close_date\n"
          "D1,Prospecting,2025-08-01,80.00,\n"
          "D1,Demo,2025-09-15,90.00,2025-11-30\n"
          "D1,Closed Won,2025-11-20,100.00,2025-11-20\n"
          "D2,Prospecting,2025-10-05,200.00,2026-01-31\n"
          "D3,Closed Lost,2025-09-01,50.00,2025-09-01\n"
          "D5,Proposal,2025-09-01,,\n"
          "D6,Prospecting,2025-09-01,40.00,2026-02-01\n"
          "D6,Demo,2025-10-01,40.00,2026-02-01\n");
  mt_link(s);
  char *h = report_of(s, 20453); /* 2025-12-31 */
  /* aging: D2 in Demo since its creation (87 days), D6 since Oct 1 (91) */
  CHECK(h && strstr(h, "<b id=\"aging-open\">4</b> open deals") != NULL);
  CHECK(h && strstr(h, "<th scope=\"row\">Demo</th><td class=\"n\">2</td><td class=\"n\">0"
                       "</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">1"
                       "</td><td class=\"n\">240.00 USD</td><td class=\"n\">91</td>") != NULL);
  CHECK(h && strstr(h, "<title>Demo \xC2\xB7 61\xE2\x80\x93" "90 days: 1</title>") != NULL);
  CHECK(h && strstr(h, "<th scope=\"row\">Total</th><td class=\"n\">4</td><td class=\"n\">0"
                       "</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">3"
                       "</td>") != NULL);
  /* waterfall from Oct 1: D1 90 + D5 300 + D6 40, D2 created, D1 won; D4
   * has no history */
  CHECK(h && strstr(h, "<th scope=\"row\">Start</th><td class=\"n\">430.00 USD</td>") != NULL);
  CHECK(h && strstr(h, "<th scope=\"row\">Created</th><td class=\"n\">+200.00 USD</td>"
                       "<td class=\"n\">1</td>") != NULL);
  CHECK(h && strstr(h, "<th scope=\"row\">Won</th><td class=\"n\">\xE2\x88\x92" "90.00 USD"
                       "</td><td class=\"n\">1</td>") != NULL);
  CHECK(h && strstr(h, "<th scope=\"row\">End</th><td class=\"n\">540.00 USD</td>") != NULL);
  CHECK(h && strstr(h, "<title>Won: -90.00 USD</title>") != NULL);
  CHECK(h && strstr(h, "1 deal without any stage_history row is in neither snapshot") != NULL);
  free(h);
  /* --from: the waterfall starts that day (before Sep 1 only D1 existed, at 80) */
  revl_report_opts o = {.as_of = 20453, .fiscal_start = 1, .has_from = 1,
                        .from = revl_days_from_civil(2025, 9, 1)};
  revl_sbuf b = {0};
  revl_error err;
  CHECK_INT(revl_report_html(s, &o, &b, &err), 0);
  CHECK(b.p && strstr(b.p, "From the start of 2025-09-01") != NULL);
  CHECK(b.p && strstr(b.p, "<th scope=\"row\">Start</th><td class=\"n\">80.00 USD</td>") != NULL);
  revl_sbuf_free(&b);
  revl_store_free(s);
}

/* The ICP matrix section from counts made by hand (revl_report_icp):
 * the heatmap and the pivot with totals, labels escaped; left out with a
 * reason when there is no model or no engagement. */
static void test_icp_section(void) {
  revl_store *s = revl_store_new();
  mt_load(s, "accounts", "id,name\nA1,Acme\nA2,Beta\n");
  static const char *const tiers[] = {"A", "<b>"}, *const bands[] = {"1", "2"};
  static const size_t counts[] = {3, 1, 0, 5};
  revl_report_icp icp = {"m1", "accounts", 20453, 10, 2, 2, tiers, bands, counts, 1, 90, 1};
  revl_report_opts o = {.as_of = 20453, .fiscal_start = 1, .icp = &icp,
                        .icp_source = "my/icp.lua"};
  revl_sbuf b = {0};
  revl_error err;
  CHECK_INT(revl_report_html(s, &o, &b, &err), 0);
  const char *h = b.p;
  CHECK(h && strstr(h, "<b id=\"icp-scored\">10</b> accounts scored as of 2025-12-31 by the ICP "
                       "model m1 (<code>my/icp.lua</code>)") != NULL);
  CHECK(h && strstr(h, "the last 90 days weighted by type and age") != NULL);
  CHECK(h && strstr(h, "1 record without a tier or a band is not in the matrix") != NULL);
  CHECK(h && strstr(h, "<svg class=\"chart heatmap\"") != NULL);
  CHECK(h && strstr(h, "<title>Engagement 2 \xC2\xB7 Tier &lt;b&gt;: 5</title>") != NULL);
  CHECK(h && strstr(h, "<th scope=\"row\">Tier A</th><td class=\"n\">3</td><td class=\"n\">1"
                       "</td><td class=\"n\">4</td>") != NULL);
  CHECK(h && strstr(h, "<th scope=\"row\">All</th><td class=\"n\">3</td><td class=\"n\">6"
                       "</td><td class=\"n\">9</td>") != NULL);
  CHECK(h && strstr(h, "Tier <b>") == NULL);
  revl_sbuf_free(&b);
  /* no engagement, no activities table */
  icp.nbands = 0;
  CHECK_INT(revl_report_html(s, &o, &b, &err), 0);
  CHECK(b.p && strstr(b.p, "Left out: no activities table in the data (activities.csv): the "
                           "engagement of each account comes from them") != NULL);
  revl_sbuf_free(&b);
  /* no model: the reason given, else the default one */
  o.icp = NULL;
  o.icp_why = "rules/icp.lua cannot score this data: x";
  CHECK_INT(revl_report_html(s, &o, &b, &err), 0);
  CHECK(b.p && strstr(b.p, "Left out: rules/icp.lua cannot score this data: x") != NULL);
  revl_sbuf_free(&b);
  o.icp_why = NULL;
  CHECK_INT(revl_report_html(s, &o, &b, &err), 0);
  CHECK(b.p && strstr(b.p, "Left out: no ICP model was given (revl report --icp FILE)") != NULL);
  revl_sbuf_free(&b);
  revl_store_free(s);
}

int main(void) {
  if (mt_begin("report")) return 2;
  test_icp_section();
  test_stage_sections();
  test_escape();
  test_ticks();
  test_values();
  test_charts();
  test_more_charts();
  test_sections();
  test_documents();
  mt_end();
  TEST_END();
}
