/*
 * period.c -- calendar periods as integer ordinals.
 *
 * Metrics group rows by period and restrict them to windows of whole
 * periods; with an ordinal per period ("month 24301") both are integer
 * work, a window is an ordinal range, and the label is made once per
 * group (revl_period_key) instead of once per row.  Fiscal periods
 * follow revl_period_key: a fiscal year starting in month fs is named
 * by the calendar year it ends in.
 */
#include <stdio.h>
#include <string.h>

#include "revl/metrics.h"
#include "revl/parse.h"

static const char *const kind_names[] = {
    "week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year"};

int revl_metrics_period_parse(const char *name) {
  for (int k = 0; k < 6; k++)
    if (strcmp(name, kind_names[k]) == 0) return k;
  return REVL_PK_NONE;
}

const char *revl_metrics_period_name(int kind) {
  return kind >= 0 && kind < 6 ? kind_names[kind] : "all";
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int32_t revl_metrics_month_of(int32_t days) {
  int y;
  unsigned m, d;
  revl_civil_from_days(days, &y, &m, &d);
  return (int32_t)(y * 12 + (int)m - 1);
}

int32_t revl_metrics_month_start(int32_t month) {
  int y = (int)floor_div(month, 12);
  return revl_days_from_civil(y, (unsigned)(month - y * 12 + 1), 1);
}

int64_t revl_metrics_period_index(int32_t days, int kind, int fs) {
  if (kind == REVL_PK_WEEK) return floor_div((int64_t)days + 3, 7);
  if (fs < 1 || fs > 12) fs = 1;
  int y;
  unsigned m, d;
  revl_civil_from_days(days, &y, &m, &d);
  int fy = (fs == 1) ? y : ((int)m >= fs ? y + 1 : y);
  switch (kind) {
  case REVL_PK_MONTH:
    return (int64_t)y * 12 + (m - 1);
  case REVL_PK_QUARTER:
    return (int64_t)y * 4 + (m - 1) / 3;
  case REVL_PK_YEAR:
    return y;
  case REVL_PK_FQUARTER:
    return (int64_t)fy * 4 + (((int)m - fs + 12) % 12) / 3;
  case REVL_PK_FYEAR:
    return fy;
  default:
    return 0;
  }
}

/* First day of period ord. */
static int32_t period_first(int64_t ord, int kind, int fs) {
  if (fs < 1 || fs > 12) fs = 1;
  int64_t month; /* month ordinal of the first month */
  switch (kind) {
  case REVL_PK_WEEK:
    return (int32_t)(ord * 7 - 3);
  case REVL_PK_MONTH:
    month = ord;
    break;
  case REVL_PK_QUARTER:
    month = ord * 3;
    break;
  case REVL_PK_YEAR:
    month = ord * 12;
    break;
  case REVL_PK_FQUARTER: {
    int64_t fy = floor_div(ord, 4), q = ord - fy * 4;
    /* the fiscal year fy starts in month fs of year fy - 1 (fs > 1) */
    month = (fy - (fs != 1)) * 12 + (fs - 1) + q * 3;
    break;
  }
  case REVL_PK_FYEAR:
    month = (ord - (fs != 1)) * 12 + (fs - 1);
    break;
  default:
    return 0;
  }
  return revl_metrics_month_start((int32_t)month);
}

void revl_metrics_period_bounds(int64_t ord, int kind, int fs, int32_t *first,
                                int32_t *last) {
  *first = period_first(ord, kind, fs);
  *last = period_first(ord + 1, kind, fs) - 1;
}

/* Label of the period holding a day (see revl/metrics.h). */
int revl_period_key(int32_t days, const char *period, int fs, char *buf,
                    size_t n) {
  int y;
  unsigned m, d;
  revl_civil_from_days(days, &y, &m, &d);
  if (strcmp(period, "day") == 0) return revl_format_date(days, buf, n);
  if (strcmp(period, "month") == 0) return snprintf(buf, n, "%04d-%02u", y, m);
  if (strcmp(period, "quarter") == 0)
    return snprintf(buf, n, "%04d-Q%u", y, (m - 1) / 3 + 1);
  if (strcmp(period, "year") == 0) return snprintf(buf, n, "%04d", y);
  if (strcmp(period, "week") == 0) { /* ISO week */
    int wd = (int)(((days % 7) + 7 + 3) % 7); /* 0 = Monday */
    int32_t thu = days - wd + 3;
    int ty;
    unsigned tm, td;
    revl_civil_from_days(thu, &ty, &tm, &td);
    int32_t jan1 = revl_days_from_civil(ty, 1, 1);
    return snprintf(buf, n, "%04d-W%02d", ty, (int)((thu - jan1) / 7 + 1));
  }
  if (fs < 1 || fs > 12) fs = 1;
  /* a fiscal year is named by the calendar year it ends in */
  int fy = (fs == 1) ? y : ((int)m >= fs ? y + 1 : y);
  int fm = ((int)m - fs + 12) % 12; /* 0-based month of the fiscal year */
  if (strcmp(period, "fiscal_quarter") == 0 || strcmp(period, "fq") == 0)
    return snprintf(buf, n, "FY%04d-Q%d", fy, fm / 3 + 1);
  if (strcmp(period, "fiscal_year") == 0 || strcmp(period, "fy") == 0)
    return snprintf(buf, n, "FY%04d", fy);
  return -1;
}

