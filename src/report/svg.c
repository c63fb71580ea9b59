/*
 * svg.c -- the report's charts as inline SVG: bar (grouped), stacked
 * bar, line, funnel, waterfall and heatmap.  A chart is drawn from aggregates only (one element per
 * category and series, never per record), with nice round ticks, labels
 * that do not overlap (rotated and truncated, the full text in a
 * <title>), the Okabe-Ito palette (safe for colour-blind readers), and a
 * <title> and <desc> on the <svg>.  Text from the data is escaped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/report.h"

/* Okabe & Ito (2008), without yellow first (low contrast on white). */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                      "#56B4E9", "#D55E00", "#F0E442", "#000000"};
#define NPAL (int)(sizeof palette / sizeof palette[0])

int revl_nice_ticks(double lo, double hi, int maxticks, double *start,
                    double *step, int *n) {
  if (!isfinite(lo) || !isfinite(hi)) return -1;
  if (maxticks < 1) maxticks = 1;
  if (lo > hi) {
    double t = lo;
    lo = hi;
    hi = t;
  }
  if (hi - lo < 1e-12 * (fabs(hi) + fabs(lo)) || hi == lo) {
    if (hi == 0) hi = 1;
    else if (hi > 0) lo = 0;
    else hi = 0;
    if (lo == hi) hi = lo + 1;
  }
  double raw = (hi - lo) / maxticks;
  double mag = pow(10, floor(log10(raw)));
  double norm = raw / mag, f;
  if (norm <= 1 + 1e-9) f = 1;
  else if (norm <= 2 + 1e-9) f = 2;
  else if (norm <= 2.5 + 1e-9) f = 2.5;
  else if (norm <= 5 + 1e-9) f = 5;
  else f = 10;
  double st = f * mag;
  double s0 = floor(lo / st + 1e-9) * st;
  int k = (int)ceil((hi - s0) / st - 1e-9);
  if (k < 1) k = 1;
  *start = s0;
  *step = st;
  *n = k;
  return 0;
}

/* "%.3g" of v without an exponent for |v| < 1000 (callers scale). */
static void short_num(revl_sbuf *b, double v) {
  char t[32];
  if (fabs(v) < 5e-13) v = 0;
  snprintf(t, sizeof t, "%.3g", v);
  revl_sbuf_puts(b, t);
}

static void compact(revl_sbuf *b, double v) {
  double a = fabs(v);
  if (a >= 1e12) short_num(b, v / 1e12), revl_sbuf_puts(b, "T");
  else if (a >= 1e9) short_num(b, v / 1e9), revl_sbuf_puts(b, "B");
  else if (a >= 1e6) short_num(b, v / 1e6), revl_sbuf_puts(b, "M");
  else if (a >= 1e3) short_num(b, v / 1e3), revl_sbuf_puts(b, "k");
  else short_num(b, v);
}

static void grouped(revl_sbuf *b, double v, int decimals) {
  char t[64];
  double scale = pow(10, decimals);
  double m = round(v * scale);
  if (!(fabs(m) < 9e18)) {
    snprintf(t, sizeof t, "%.6g", v);
  } else {
    revl_format_money((int64_t)m, decimals, 1, t, sizeof t);
  }
  revl_sbuf_puts(b, t);
}

void revl_fmt_value(revl_sbuf *b, double v, int fmt, const char *currency,
                    int cpt) {
  if (!isfinite(v)) {
    revl_sbuf_puts(b, "\xE2\x80\x94"); /* em dash */
    return;
  }
  switch (fmt) {
  case REVL_VAL_MONEY:
    if (cpt) compact(b, v);
    else grouped(b, v, revl_currency_decimals(currency ? currency : ""));
    if (currency && currency[0]) {
      revl_sbuf_puts(b, " ");
      revl_sbuf_escs(b, currency);
    }
    break;
  case REVL_VAL_RATIO:
    if (cpt) short_num(b, v * 100);
    else revl_sbuf_printf(b, "%.1f", v * 100);
    revl_sbuf_puts(b, "%");
    break;
  case REVL_VAL_MULTIPLE:
    if (cpt) short_num(b, v);
    else revl_sbuf_printf(b, "%.2f", v);
    revl_sbuf_puts(b, "\xC3\x97");
    break;
  case REVL_VAL_DAYS:
    if (cpt) short_num(b, v);
    else revl_sbuf_printf(b, "%.1f", v);
    revl_sbuf_puts(b, " d");
    break;
  case REVL_VAL_COUNT:
    if (cpt) compact(b, v);
    else grouped(b, v, 0);
    break;
  default:
    if (cpt) compact(b, v);
    else grouped(b, v, fabs(v) < 100 ? 2 : 0);
  }
}

/* ---- pieces ---------------------------------------------------------- */

/* Label text truncated to max characters (UTF-8 aware) with an ellipsis. */
static void label_text(revl_sbuf *b, const char *s, int max, int *cut) {
  size_t n = s ? strlen(s) : 0, i = 0;
  int chars = 0;
  *cut = 0;
  while (i < n) {
    if (chars == max) {
      *cut = 1;
      break;
    }
    size_t k = 1;
    while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80) k++;
    i += k;
    chars++;
  }
  revl_sbuf_esc(b, s ? s : "", i);
  if (*cut) revl_sbuf_puts(b, "\xE2\x80\xA6");
}

static int utf8_chars(const char *s) {
  int c = 0;
  for (; s && *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) c++;
  return c;
}

static void svg_open(revl_sbuf *b, const revl_chart *c, int w, int h,
                     const char *cls) {
  static unsigned serial;
  unsigned id = ++serial;
  revl_sbuf_printf(b,
                   "<svg class=\"chart %s\" viewBox=\"0 0 %d %d\" role=\"img\" "
                   "aria-labelledby=\"c%u-t c%u-d\" xmlns=\"http://www.w3.org/2000/svg\" "
                   "font-family=\"system-ui,sans-serif\" font-size=\"11\">"
                   "<title id=\"c%u-t\">",
                   cls, w, h, id, id, id);
  revl_sbuf_escs(b, c->title);
  revl_sbuf_printf(b, "</title><desc id=\"c%u-d\">", id);
  revl_sbuf_escs(b, c->desc ? c->desc : c->title);
  revl_sbuf_puts(b, "</desc>");
}

static void legend(revl_sbuf *b, const revl_chart *c, int x, int y) {
  if (c->nseries < 2) return;
  for (int s = 0; s < c->nseries; s++) {
    revl_sbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                        "<text x=\"%d\" y=\"%d\" class=\"lg\">",
                     x, y - 9, palette[s % NPAL], x + 14, y);
    int cut;
    label_text(b, c->series[s].name, 24, &cut);
    revl_sbuf_puts(b, "</text>");
    x += 30 + 7 * (utf8_chars(c->series[s].name) < 24 ? utf8_chars(c->series[s].name) : 25);
  }
}

static int value_range(const revl_chart *c, double *lo, double *hi) {
  int any = 0;
  *lo = 0;
  *hi = 0;
  for (int s = 0; s < c->nseries; s++)
    for (int i = 0; i < c->n; i++) {
      double v = c->series[s].v[i];
      if (!isfinite(v)) continue;
      if (v < *lo) *lo = v;
      if (v > *hi) *hi = v;
      any = 1;
    }
  return any;
}

enum { W = 720, H = 320, ML = 78, MR = 16, MT = 30 };
#define CHW 7.0 /* width of a character of an 11px label, generously */

/* Y axis with gridlines; returns the plot's bottom and sets the scale. */
static void y_axis(revl_sbuf *b, const revl_chart *c, int top, int bottom,
                   double lo, double hi, double *y0, double *yscale) {
  double start, step;
  int n;
  revl_nice_ticks(lo, hi, 5, &start, &step, &n);
  double end = start + n * step;
  *y0 = start;
  *yscale = (bottom - top) / (end - start);
  revl_sbuf_puts(b, "<g class=\"ax\">");
  for (int i = 0; i <= n; i++) {
    double v = start + i * step;
    double y = bottom - (v - start) * *yscale;
    revl_sbuf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                     ML, W - MR, y, y, fabs(v) < step * 1e-6 ? "#888" : "#d8dde3");
    revl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#5a6270\">",
                     ML - 6, y + 4);
    revl_fmt_value(b, fabs(v) < step * 1e-6 ? 0 : v, c->fmt, NULL, 1);
    revl_sbuf_puts(b, "</text>");
  }
  if (c->fmt == REVL_VAL_MONEY && c->currency) {
    revl_sbuf_printf(b, "<text x=\"4\" y=\"%d\" class=\"unit\">", top - 14);
    revl_sbuf_escs(b, c->currency);
    revl_sbuf_puts(b, "</text>");
  }
  revl_sbuf_puts(b, "</g>");
}

/* Category labels under the plot: horizontal when they fit, else
 * rotated; truncated with the full text in a <title>. */
static void x_labels(revl_sbuf *b, const revl_chart *c, int bottom,
                     double x0, double band) {
  int longest = 0;
  for (int i = 0; i < c->n; i++) {
    int k = utf8_chars(c->labels[i]);
    if (k > longest) longest = k;
  }
  int rotate = longest * CHW > band - 4;
  int max = rotate ? 16 : (int)((band - 4) / CHW);
  if (max < 1) max = 1;
  /* too many to label every one: every k-th */
  int every = 1;
  if (rotate && band < 14) every = (int)ceil(14 / band);
  revl_sbuf_puts(b, "<g class=\"xl\">");
  for (int i = 0; i < c->n; i += every) {
    double x = x0 + band * (i + 0.5);
    if (rotate)
      revl_sbuf_printf(b, "<text transform=\"translate(%.1f,%d) rotate(-40)\" "
                          "text-anchor=\"end\">",
                       x + 3, bottom + 14);
    else
      revl_sbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x,
                       bottom + 16);
    int cut;
    revl_sbuf_puts(b, "<title>");
    revl_sbuf_escs(b, c->labels[i]);
    revl_sbuf_puts(b, "</title>");
    label_text(b, c->labels[i], max, &cut);
    revl_sbuf_puts(b, "</text>");
  }
  revl_sbuf_puts(b, "</g>");
}

static void point_title(revl_sbuf *b, const revl_chart *c, int s, int i) {
  revl_sbuf_puts(b, "<title>");
  revl_sbuf_escs(b, c->labels[i]);
  if (c->nseries > 1) {
    revl_sbuf_puts(b, " \xC2\xB7 ");
    revl_sbuf_escs(b, c->series[s].name);
  }
  revl_sbuf_puts(b, ": ");
  revl_fmt_value(b, c->series[s].v[i], c->fmt, c->currency, 0);
  revl_sbuf_puts(b, "</title>");
}

static int x_room(const revl_chart *c, double band) {
  int longest = 0;
  for (int i = 0; i < c->n; i++) {
    int k = utf8_chars(c->labels[i]);
    if (k > longest) longest = k;
  }
  if (longest * CHW <= band - 4) return 28;
  if (longest > 16) longest = 17;
  return 22 + (int)(longest * CHW * 0.66);
}

static void bar_or_line(revl_sbuf *b, const revl_chart *c) {
  double lo, hi;
  value_range(c, &lo, &hi);
  double band = (double)(W - ML - MR) / c->n;
  int bottom = H - x_room(c, band);
  int top = MT + (c->nseries > 1 ? 8 : 0);
  double y0, ys;
  svg_open(b, c, W, H, c->kind == REVL_CHART_BAR ? "bar" : "line");
  legend(b, c, ML, 14);
  y_axis(b, c, top, bottom, lo, hi, &y0, &ys);
  double yzero = bottom - (0 - y0) * ys;
  if (c->kind == REVL_CHART_BAR) {
    double inner = band * 0.8, bw = inner / c->nseries;
    for (int s = 0; s < c->nseries; s++) {
      revl_sbuf_printf(b, "<g fill=\"%s\">", palette[s % NPAL]);
      for (int i = 0; i < c->n; i++) {
        double v = c->series[s].v[i];
        if (!isfinite(v)) continue;
        double y = bottom - (v - y0) * ys;
        double x = ML + band * i + band * 0.1 + bw * s;
        double top_y = v >= 0 ? y : yzero, h = fabs(y - yzero);
        revl_sbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                         x, top_y, bw > 1.5 ? bw - 0.5 : bw, h);
        point_title(b, c, s, i);
        revl_sbuf_puts(b, "</rect>");
      }
      revl_sbuf_puts(b, "</g>");
    }
  } else {
    for (int s = 0; s < c->nseries; s++) {
      const char *col = palette[s % NPAL];
      revl_sbuf_printf(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", col);
      int pen = 0;
      for (int i = 0; i < c->n; i++) {
        double v = c->series[s].v[i];
        if (!isfinite(v)) {
          pen = 0;
          continue;
        }
        revl_sbuf_printf(b, "%c%.1f %.1f", pen ? 'L' : 'M', ML + band * (i + 0.5),
                         bottom - (v - y0) * ys);
        pen = 1;
      }
      revl_sbuf_puts(b, "\"/>");
      if (c->n <= 60) {
        revl_sbuf_printf(b, "<g fill=\"%s\">", col);
        for (int i = 0; i < c->n; i++) {
          double v = c->series[s].v[i];
          if (!isfinite(v)) continue;
          revl_sbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\">",
                           ML + band * (i + 0.5), bottom - (v - y0) * ys);
          point_title(b, c, s, i);
          revl_sbuf_puts(b, "</circle>");
        }
        revl_sbuf_puts(b, "</g>");
      }
    }
  }
  x_labels(b, c, bottom, ML, band);
  revl_sbuf_puts(b, "</svg>");
}

/* Steps as centred bars, widths in proportion to the first series; the
 * value and the conversion from the step before on the right. */
static void funnel(revl_sbuf *b, const revl_chart *c) {
  const double *v = c->series[0].v;
  double max = 0;
  for (int i = 0; i < c->n; i++)
    if (isfinite(v[i]) && v[i] > max) max = v[i];
  int rowh = 40, h = 12 + rowh * c->n, lw = 130, rw = 190;
  double plot = W - lw - rw, mid = lw + plot / 2;
  svg_open(b, c, W, h, "funnel");
  for (int i = 0; i < c->n; i++) {
    double y = 6 + rowh * i;
    double w = max > 0 && isfinite(v[i]) ? plot * v[i] / max : 0;
    if (w < 1 && isfinite(v[i]) && v[i] > 0) w = 1;
    revl_sbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">",
                     mid - w / 2, y, w, rowh - 8, palette[i % NPAL]);
    point_title(b, c, 0, i);
    revl_sbuf_printf(b, "</rect><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", lw - 8,
                     y + rowh / 2.0);
    int cut;
    label_text(b, c->labels[i], 18, &cut);
    revl_sbuf_printf(b, "</text><text x=\"%.1f\" y=\"%.1f\">", lw + plot + 8, y + rowh / 2.0);
    revl_fmt_value(b, v[i], c->fmt, c->currency, 0);
    if (i > 0 && isfinite(v[i]) && isfinite(v[i - 1]) && v[i - 1] > 0) {
      revl_sbuf_puts(b, " (");
      revl_fmt_value(b, v[i] / v[i - 1], REVL_VAL_RATIO, NULL, 0);
      revl_sbuf_puts(b, ")");
    }
    revl_sbuf_puts(b, "</text>");
  }
  revl_sbuf_puts(b, "</svg>");
}

/* Positive values stacked up from zero, negative ones down, one bar per
 * label; the range is that of the stacks. */
static void stacked(revl_sbuf *b, const revl_chart *c) {
  double lo = 0, hi = 0;
  for (int i = 0; i < c->n; i++) {
    double pos = 0, neg = 0;
    for (int s = 0; s < c->nseries; s++) {
      double v = c->series[s].v[i];
      if (!isfinite(v)) continue;
      if (v >= 0) pos += v;
      else neg += v;
    }
    if (pos > hi) hi = pos;
    if (neg < lo) lo = neg;
  }
  double band = (double)(W - ML - MR) / c->n;
  int bottom = H - x_room(c, band);
  int top = MT + (c->nseries > 1 ? 8 : 0);
  double y0, ys;
  svg_open(b, c, W, H, "stacked");
  legend(b, c, ML, 14);
  y_axis(b, c, top, bottom, lo, hi, &y0, &ys);
  for (int s = 0; s < c->nseries; s++) {
    revl_sbuf_printf(b, "<g fill=\"%s\">", palette[s % NPAL]);
    for (int i = 0; i < c->n; i++) {
      double v = c->series[s].v[i];
      if (!isfinite(v)) continue;
      /* where this series starts: the sum of the earlier ones of its sign */
      double base = 0;
      for (int k = 0; k < s; k++) {
        double u = c->series[k].v[i];
        if (isfinite(u) && (u >= 0) == (v >= 0)) base += u;
      }
      double ya = bottom - (base - y0) * ys, yb = bottom - (base + v - y0) * ys;
      double bw = band * 0.7;
      revl_sbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                       ML + band * i + band * 0.15, ya < yb ? ya : yb, bw, fabs(ya - yb));
      point_title(b, c, s, i);
      revl_sbuf_puts(b, "</rect>");
    }
    revl_sbuf_puts(b, "</g>");
  }
  x_labels(b, c, bottom, ML, band);
  revl_sbuf_puts(b, "</svg>");
}

/* The first value a level drawn from zero, each next one a change from
 * the running sum (up in green, down in vermilion, joined by dashed
 * lines), then the closing bar with the sum. */
static void waterfall(revl_sbuf *b, const revl_chart *c) {
  const double *v = c->series[0].v;
  const char *total = c->total ? c->total : "Total";
  int nb = c->n + (total[0] ? 1 : 0);
  double run = 0, lo = 0, hi = 0;
  for (int i = 0; i < c->n; i++) {
    if (isfinite(v[i])) run += v[i];
    if (run < lo) lo = run;
    if (run > hi) hi = run;
  }
  double band = (double)(W - ML - MR) / nb;
  /* the label room counts the closing label too */
  revl_chart lc = *c;
  int room = x_room(&lc, band), tl = utf8_chars(total);
  if (tl * CHW > band - 4 && room < 22 + (int)((tl > 16 ? 17 : tl) * CHW * 0.66))
    room = 22 + (int)((tl > 16 ? 17 : tl) * CHW * 0.66);
  int bottom = H - room;
  double y0, ys;
  svg_open(b, c, W, H, "waterfall");
  y_axis(b, c, MT, bottom, lo, hi, &y0, &ys);
  run = 0;
  double bw = band * 0.7, prev_y = 0;
  for (int i = 0; i <= c->n; i++) {
    int closing = i == c->n;
    if (closing && !total[0]) break;
    double from, to;
    const char *fill;
    if (closing) {
      from = 0, to = run, fill = palette[0];
    } else if (i == 0) {
      from = 0, to = isfinite(v[0]) ? v[0] : 0, fill = palette[0];
    } else {
      from = run, to = run + (isfinite(v[i]) ? v[i] : 0);
      fill = to >= from ? palette[2] : palette[5];
    }
    double x = ML + band * i + band * 0.15;
    double ya = bottom - (from - y0) * ys, yb = bottom - (to - y0) * ys;
    if (i > 0)
      revl_sbuf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#888\" stroke-dasharray=\"3 2\"/>",
                       x - band * 0.3, x, prev_y, prev_y);
    if (closing || isfinite(v[i])) {
      revl_sbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\"><title>",
                       x, ya < yb ? ya : yb, bw, fabs(ya - yb), fill);
      revl_sbuf_escs(b, closing ? total : c->labels[i]);
      revl_sbuf_puts(b, ": ");
      if (!closing && i > 0 && v[i] > 0) revl_sbuf_puts(b, "+");
      revl_fmt_value(b, closing ? run : v[i], c->fmt, c->currency, 0);
      revl_sbuf_puts(b, "</title></rect>");
    }
    run = to;
    prev_y = yb;
  }
  const char **labels = NULL;
  labels = (const char **)malloc(sizeof *labels * (size_t)nb);
  if (labels) {
    for (int i = 0; i < c->n; i++) labels[i] = c->labels[i];
    if (nb > c->n) labels[c->n] = total;
    lc.labels = labels;
    lc.n = nb;
    x_labels(b, &lc, bottom, ML, band);
    free(labels);
  } else {
    b->oom = 1;
  }
  revl_sbuf_puts(b, "</svg>");
}

/* A sequential ramp (light to dark blue: order readable without hue,
 * so safe for colour-blind readers); t in [0, 1]. */
static void ramp(char out[8], double t) {
  static const int a[3] = {239, 243, 255}, z[3] = {8, 48, 107};
  if (!(t >= 0)) t = 0;
  if (t > 1) t = 1;
  snprintf(out, 8, "#%02X%02X%02X", (int)lround(a[0] + (z[0] - a[0]) * t),
           (int)lround(a[1] + (z[1] - a[1]) * t), (int)lround(a[2] + (z[2] - a[2]) * t));
}

/* Labels are the columns, each series a row; a cell's shade is its
 * value between the smallest and the largest, the value written in it
 * when it fits, a missing value an empty cell. */
static void heatmap(revl_sbuf *b, const revl_chart *c) {
  double lo, hi;
  value_range(c, &lo, &hi);
  /* value_range includes zero; a heatmap's shades span the values only */
  int first = 1;
  for (int s = 0; s < c->nseries; s++)
    for (int i = 0; i < c->n; i++) {
      double v = c->series[s].v[i];
      if (!isfinite(v)) continue;
      if (first || v < lo) lo = v;
      if (first || v > hi) hi = v;
      first = 0;
    }
  int lw = 130, rowh = 28, top = 34;
  double band = (double)(W - lw - MR) / c->n;
  int room = x_room(c, band);
  int h = top + rowh * c->nseries + room;
  svg_open(b, c, W, h, "heatmap");
  /* the scale: low and high ends */
  char col[8];
  ramp(col, 0);
  revl_sbuf_printf(b, "<g class=\"lg\"><rect x=\"%d\" y=\"6\" width=\"14\" height=\"14\" "
                      "fill=\"%s\" stroke=\"#d8dde3\"/><text x=\"%d\" y=\"17\">",
                   lw, col, lw + 18);
  revl_fmt_value(b, lo, c->fmt, c->currency, 1);
  ramp(col, 1);
  revl_sbuf_printf(b, "</text><rect x=\"%d\" y=\"6\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                      "<text x=\"%d\" y=\"17\">",
                   lw + 110, col, lw + 128);
  revl_fmt_value(b, hi, c->fmt, c->currency, 1);
  revl_sbuf_puts(b, "</text></g>");
  for (int s = 0; s < c->nseries; s++) {
    double y = top + rowh * s;
    int cut;
    revl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\"><title>", lw - 8,
                     y + rowh / 2.0 + 4);
    revl_sbuf_escs(b, c->series[s].name);
    revl_sbuf_puts(b, "</title>");
    label_text(b, c->series[s].name, 18, &cut);
    revl_sbuf_puts(b, "</text>");
    for (int i = 0; i < c->n; i++) {
      double v = c->series[s].v[i];
      double x = lw + band * i;
      if (!isfinite(v)) {
        revl_sbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                            "fill=\"none\" stroke=\"#d8dde3\"/>",
                         x + 1, y + 1, band - 2, rowh - 2);
        continue;
      }
      double t = hi > lo ? (v - lo) / (hi - lo) : 1;
      ramp(col, t);
      revl_sbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                          "fill=\"%s\">",
                       x + 1, y + 1, band - 2, rowh - 2, col);
      point_title(b, c, s, i);
      revl_sbuf_puts(b, "</rect>");
      if (band >= 44) {
        revl_sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                            "style=\"fill:%s\">",
                         x + band / 2, y + rowh / 2.0 + 4, t > 0.55 ? "#fff" : "#1b1f24");
        revl_fmt_value(b, v, c->fmt, c->currency, 1);
        revl_sbuf_puts(b, "</text>");
      }
    }
  }
  x_labels(b, c, top + rowh * c->nseries, lw, band);
  revl_sbuf_puts(b, "</svg>");
}

void revl_svg_chart(revl_sbuf *b, const revl_chart *c) {
  double lo, hi;
  if (c->n <= 0 || c->nseries <= 0 || !value_range(c, &lo, &hi)) {
    revl_sbuf_puts(b, "<p class=\"note\">No chart: ");
    revl_sbuf_escs(b, c->title);
    revl_sbuf_puts(b, " has no values to draw.</p>");
    return;
  }
  switch (c->kind) {
  case REVL_CHART_FUNNEL: funnel(b, c); break;
  case REVL_CHART_STACKED: stacked(b, c); break;
  case REVL_CHART_WATERFALL: waterfall(b, c); break;
  case REVL_CHART_HEATMAP: heatmap(b, c); break;
  default: bar_or_line(b, c);
  }
}
