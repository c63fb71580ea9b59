/*
 * calc.c -- arithmetic on plain dates and money (revl/parse.h): dates
 * plus days and months within years 1-9999, the first day of a period
 * (fiscal ones too), weekdays; money from major units, rounded half away
 * from zero to the minor unit, with overflow reported, never wrapped.
 */
#include <math.h>
#include <string.h>

#include "revl/parse.h"

int64_t revl_pow10(int d) {
  int64_t p = 1;
  while (d-- > 0) p *= 10;
  return p;
}

int revl_money_round(double x, int64_t *out) {
  if (!isfinite(x) || fabs(x) > 9.0e18) return -1;
  *out = (int64_t)(x < 0 ? ceil(x - 0.5) : floor(x + 0.5));
  return 0;
}

int revl_money_from_int(int64_t major, int decimals, int64_t *out) {
  int64_t p = revl_pow10(decimals);
  if (major > INT64_MAX / p || major < INT64_MIN / p) return -1;
  *out = major * p;
  return 0;
}

double revl_money_major(int64_t minor, const char *cur) {
  return (double)minor / (double)revl_pow10(revl_currency_decimals(cur));
}

int revl_date_plus(int32_t d, int64_t k, int32_t *out) {
  if (k < REVL_DAYS_MIN - (int64_t)REVL_DAYS_MAX || k > REVL_DAYS_MAX - (int64_t)REVL_DAYS_MIN ||
      d + k < REVL_DAYS_MIN || d + k > REVL_DAYS_MAX)
    return -1;
  *out = (int32_t)(d + k);
  return 0;
}

int revl_datetime_plus(int64_t secs, double days, int64_t *out) {
  const double span = (double)(REVL_DAYS_MAX - REVL_DAYS_MIN + 1);
  if (!isfinite(days) || fabs(days) > span) return -1;
  int64_t r = secs + (int64_t)llround(days * 86400);
  if (r < (int64_t)REVL_DAYS_MIN * 86400 || r >= ((int64_t)REVL_DAYS_MAX + 1) * 86400) return -1;
  *out = r;
  return 0;
}

int revl_add_months(int32_t d, int64_t k, int32_t *out) {
  int y;
  unsigned m, dd;
  revl_civil_from_days(d, &y, &m, &dd);
  if (k < -12 * 10000 || k > 12 * 10000) return -1;
  int64_t t = (int64_t)y * 12 + (int64_t)(m - 1) + k;
  if (t < 12 || t >= 12 * 10000) return -1;
  y = (int)(t / 12);
  m = (unsigned)(t - (int64_t)y * 12) + 1;
  int dim = revl_days_in_month(y, m);
  if ((int)dd > dim) dd = (unsigned)dim;
  *out = revl_days_from_civil(y, m, dd);
  return 0;
}

int revl_period_start(int32_t d, const char *p, int fiscal_start, int32_t *out) {
  int y;
  unsigned m, dd;
  revl_civil_from_days(d, &y, &m, &dd);
  if (strcmp(p, "month") == 0) (void)m;
  else if (strcmp(p, "quarter") == 0) m = (m - 1) / 3 * 3 + 1;
  else if (strcmp(p, "year") == 0) m = 1;
  else if (strcmp(p, "fiscal_year") == 0 || strcmp(p, "fiscal_quarter") == 0) {
    int fm = ((int)m - fiscal_start + 12) % 12;
    int back = strcmp(p, "fiscal_year") == 0 ? fm : fm % 3;
    int mm = (int)m - back;
    while (mm < 1) mm += 12, y--;
    m = (unsigned)mm;
  } else
    return -1;
  *out = revl_days_from_civil(y, m, 1);
  return 0;
}

int revl_weekday(int32_t days) { return (int)(((days % 7) + 7 + 3) % 7) + 1; }
