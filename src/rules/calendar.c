/*
 * calendar.c -- business hours on a local calendar.
 *
 * Local time comes from the system tz database.  Reading TZif files is a
 * library's job, and the C library already does it: to convert we set
 * TZ to the calendar's zone, call tzset() once, run mktime() for every
 * local day of the range we need (its midnight, opening and closing),
 * and put TZ back.  The results live in a table of days: per local date
 * the UTC instants of midnight, opening and closing, and the business
 * seconds of all earlier days of the table.  Every business-time
 * question is then arithmetic on that table, whatever the zone, DST
 * included: no per-record call into the C library, no global TZ left
 * changed.  The table grows (doubling) when an instant falls outside it;
 * it covers at most 1900-01-01 .. 2200-01-01 and clamps beyond.
 *
 * glibc silently treats an unknown zone as UTC, so a zone is checked
 * first: a safe name whose file exists and starts with "TZif".
 */
#include "revl/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "revl/parse.h"

#define DAY_MIN (-25567) /* 1900-01-01 */
#define DAY_MAX 84006    /* 2200-01-01 */

struct revl_calendar {
  char tz[128];
  int utc;                 /* no tz database needed */
  int open_min, close_min;
  unsigned days;
  int32_t *hol;            /* sorted holidays */
  size_t nhol;
  /* table of local days [lo, hi) */
  int32_t lo, hi;
  int64_t *start;          /* hi-lo+1 entries: midnight of each day (and the end) */
  int64_t *open, *close;   /* equal when the day is not worked */
  int64_t *cum;            /* business seconds of days lo..d-1 (hi-lo+1) */
  int32_t *cumd;           /* working days lo..d-1 (hi-lo+1) */
};

static const char *tzdir(void) {
  const char *d = getenv("TZDIR");
  return d && *d ? d : "/usr/share/zoneinfo";
}

static int is_utc_name(const char *name) {
  return !name || !*name || strcmp(name, "UTC") == 0 ||
         strcmp(name, "Etc/UTC") == 0;
}

int revl_tz_check(const char *name, revl_error *err) {
  if (is_utc_name(name)) return 0;
  size_t n = strlen(name);
  int ok = n > 0 && n < 100 && name[0] != '/' && strstr(name, "..") == NULL;
  for (size_t i = 0; ok && i < n; i++) {
    char ch = name[i];
    ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
         (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' || ch == '-' ||
         ch == '+';
  }
  if (!ok)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "unknown time zone '%s' (not a tz database name)", name);
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tzdir(), name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    FILE *d = fopen(tzdir(), "r");
    if (!d)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "unknown time zone '%s': there is no tz database "
                            "at %s (install tzdata)", name, tzdir());
    fclose(d);
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "unknown time zone '%s' (no %s)", name, path);
  }
  char magic[4] = {0};
  size_t got = fread(magic, 1, 4, f);
  fclose(f);
  if (got != 4 || memcmp(magic, "TZif", 4) != 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "unknown time zone '%s' (%s is not a tz file)", name, path);
  return 0;
}

/* ---- TZ switching ---------------------------------------------------- */

static char saved_tz[512];
static int had_tz;

static void tz_enter(const revl_calendar *c) {
  const char *old = getenv("TZ");
  had_tz = old != NULL;
  if (old) snprintf(saved_tz, sizeof saved_tz, "%s", old);
  setenv("TZ", c->tz, 1);
  tzset();
}

static void tz_leave(void) {
  if (had_tz) setenv("TZ", saved_tz, 1);
  else unsetenv("TZ");
  tzset();
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* UTC instant of local date `day` at `min` minutes (TZ already set). */
static int64_t local_to_utc(const revl_calendar *c, int32_t day, int min) {
  if (c->utc) return (int64_t)day * 86400 + (int64_t)min * 60;
  int y;
  unsigned m, d;
  revl_civil_from_days(day, &y, &m, &d);
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = y - 1900;
  tm.tm_mon = (int)m - 1;
  tm.tm_mday = (int)d;
  tm.tm_hour = min / 60;
  tm.tm_min = min % 60;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  return (int64_t)t;
}

static int weekday(int32_t day) { /* 0 = Monday */
  return (int)((day % 7 + 7 + 3) % 7);
}

static int is_holiday(const revl_calendar *c, int32_t day) {
  size_t lo = 0, hi = c->nhol;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c->hol[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo < c->nhol && c->hol[lo] == day;
}

int revl_cal_is_business_day(revl_calendar *c, int32_t day) {
  return ((c->days >> weekday(day)) & 1) && !is_holiday(c, day);
}

/* Make the table cover local dates [lo, hi). 0 or REVL_ENOMEM. */
static int cover(revl_calendar *c, int32_t lo, int32_t hi) {
  if (lo < DAY_MIN) lo = DAY_MIN;
  if (hi > DAY_MAX) hi = DAY_MAX;
  if (c->start && lo >= c->lo && hi <= c->hi) return 0;
  if (c->start) {
    /* grow by at least the current span either way it is needed */
    int32_t span = c->hi - c->lo;
    if (lo < c->lo) lo = lo < c->lo - span ? lo : c->lo - span;
    else lo = c->lo;
    if (hi > c->hi) hi = hi > c->hi + span ? hi : c->hi + span;
    else hi = c->hi;
    if (lo < DAY_MIN) lo = DAY_MIN;
    if (hi > DAY_MAX) hi = DAY_MAX;
  }
  size_t n = (size_t)(hi - lo) + 1;
  int64_t *start = malloc(n * sizeof *start), *open = malloc(n * sizeof *open);
  int64_t *close = malloc(n * sizeof *close), *cum = malloc(n * sizeof *cum);
  int32_t *cumd = malloc(n * sizeof *cumd);
  if (!start || !open || !close || !cum || !cumd) {
    free(start), free(open), free(close), free(cum), free(cumd);
    return REVL_ENOMEM;
  }
  if (!c->utc) tz_enter(c);
  int64_t total = 0;
  int32_t totald = 0;
  for (int32_t d = lo; d <= hi; d++) {
    size_t i = (size_t)(d - lo);
    if (c->start && d >= c->lo && d < c->hi) {
      size_t j = (size_t)(d - c->lo);
      start[i] = c->start[j];
      open[i] = c->open[j];
      close[i] = c->close[j];
    } else {
      start[i] = local_to_utc(c, d, 0);
      if (d < hi && revl_cal_is_business_day(c, d)) {
        open[i] = local_to_utc(c, d, c->open_min);
        close[i] = c->close_min >= 1440 ? local_to_utc(c, d + 1, 0)
                                        : local_to_utc(c, d, c->close_min);
        if (close[i] < open[i]) close[i] = open[i];
      } else {
        open[i] = close[i] = start[i];
      }
    }
    cum[i] = total;
    cumd[i] = totald;
    if (d < hi && close[i] > open[i]) {
      total += close[i] - open[i];
      totald++;
    }
  }
  if (!c->utc) tz_leave();
  free(c->start), free(c->open), free(c->close), free(c->cum), free(c->cumd);
  c->start = start;
  c->open = open;
  c->close = close;
  c->cum = cum;
  c->cumd = cumd;
  c->lo = lo;
  c->hi = hi;
  return 0;
}

static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

revl_calendar *revl_calendar_new(const revl_cal_spec *s, revl_error *err) {
  if (revl_tz_check(s->tz, err)) return NULL;
  if (s->open_min < 0 || s->close_min > 1440 || s->open_min >= s->close_min) {
    revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                   "business hours must open before they close, within a day");
    return NULL;
  }
  if (!(s->days & 0x7f)) {
    revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "a calendar needs working days");
    return NULL;
  }
  revl_calendar *c = calloc(1, sizeof *c);
  if (!c) {
    revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
    return NULL;
  }
  c->utc = is_utc_name(s->tz);
  snprintf(c->tz, sizeof c->tz, "%s", c->utc ? "UTC" : s->tz);
  c->open_min = s->open_min;
  c->close_min = s->close_min;
  c->days = s->days & 0x7f;
  if (s->nholidays) {
    c->hol = malloc(s->nholidays * sizeof *c->hol);
    if (!c->hol) {
      free(c);
      revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
      return NULL;
    }
    memcpy(c->hol, s->holidays, s->nholidays * sizeof *c->hol);
    qsort(c->hol, s->nholidays, sizeof *c->hol, cmp_i32);
    c->nhol = s->nholidays;
  }
  /* start with two years around 2025; grows on demand */
  if (cover(c, 19723 - 366, 19723 + 731)) {
    revl_calendar_free(c);
    revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
    return NULL;
  }
  return c;
}

void revl_calendar_free(revl_calendar *c) {
  if (!c) return;
  free(c->hol);
  free(c->start), free(c->open), free(c->close), free(c->cum), free(c->cumd);
  free(c);
}

const char *revl_cal_tz(const revl_calendar *c) { return c->tz; }

int64_t revl_cal_day_seconds(const revl_calendar *c) {
  return (int64_t)(c->close_min - c->open_min) * 60;
}

/* Clamp t to the supported range. */
static int64_t clamp_t(int64_t t) {
  const int64_t lo = (int64_t)(DAY_MIN + 1) * 86400, hi = (int64_t)(DAY_MAX - 2) * 86400;
  return t < lo ? lo : t > hi ? hi : t;
}

/* Index of the local day holding t (the table covers it on return);
 * -1 on allocation failure. */
static int64_t day_index(revl_calendar *c, int64_t t) {
  int32_t d = (int32_t)floor_div(t, 86400);
  if (cover(c, d - 2, d + 3)) return -1;
  int64_t i = d - c->lo;
  while (i > 0 && c->start[i] > t) i--;
  while (i + 1 < (int64_t)(c->hi - c->lo) && c->start[i + 1] <= t) i++;
  return i;
}

int32_t revl_cal_day(revl_calendar *c, int64_t t) {
  t = clamp_t(t);
  if (c->utc) return (int32_t)floor_div(t, 86400);
  int64_t i = day_index(c, t);
  if (i < 0) return (int32_t)floor_div(t, 86400);
  return c->lo + (int32_t)i;
}

int64_t revl_cal_day_start(revl_calendar *c, int32_t day) {
  if (c->utc) return (int64_t)day * 86400;
  if (day < DAY_MIN + 1) day = DAY_MIN + 1;
  if (day > DAY_MAX - 2) day = DAY_MAX - 2;
  if (cover(c, day - 1, day + 2)) return (int64_t)day * 86400;
  return c->start[day - c->lo];
}

int64_t revl_cal_local(revl_calendar *c, int32_t day, int secs) {
  if (c->utc) return (int64_t)day * 86400 + secs;
  if (day < DAY_MIN + 1) day = DAY_MIN + 1;
  if (day > DAY_MAX - 2) day = DAY_MAX - 2;
  tz_enter(c);
  int64_t t = local_to_utc(c, day, secs / 60) + secs % 60;
  tz_leave();
  return t;
}

int revl_cal_utc_offset(revl_calendar *c, int64_t t) {
  if (c->utc) return 0;
  t = clamp_t(t);
  tz_enter(c);
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  tz_leave();
  int64_t local = (int64_t)revl_days_from_civil(tm.tm_year + 1900,
                                                (unsigned)tm.tm_mon + 1,
                                                (unsigned)tm.tm_mday) * 86400 +
                  tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  return (int)(local - t);
}

int revl_cal_is_open(revl_calendar *c, int64_t t) {
  t = clamp_t(t);
  int64_t i = day_index(c, t);
  if (i < 0) return 0;
  return t >= c->open[i] && t < c->close[i];
}

/* Business seconds from the table's start to t. */
static int64_t bsecs(revl_calendar *c, int64_t t, int *fail) {
  t = clamp_t(t);
  int64_t i = day_index(c, t);
  if (i < 0) {
    *fail = 1;
    return 0;
  }
  int64_t in = t - c->open[i];
  int64_t len = c->close[i] - c->open[i];
  if (in < 0) in = 0;
  if (in > len) in = len;
  return c->cum[i] + in;
}

int64_t revl_cal_business_seconds(revl_calendar *c, int64_t a, int64_t b) {
  int sign = 1;
  if (b < a) {
    int64_t x = a;
    a = b;
    b = x;
    sign = -1;
  }
  a = clamp_t(a);
  b = clamp_t(b);
  int fail = 0;
  /* cover both ends first: growing the table rebases cum */
  if (day_index(c, a) < 0 || day_index(c, b) < 0) return 0;
  int64_t x = bsecs(c, a, &fail), y = bsecs(c, b, &fail);
  if (fail) return 0;
  return sign * (y - x);
}

int64_t revl_cal_add(revl_calendar *c, int64_t t, int64_t secs) {
  if (secs <= 0) return t;
  t = clamp_t(t);
  int fail = 0;
  int64_t i = day_index(c, t);
  if (i < 0) return t;
  int64_t target = bsecs(c, t, &fail) + secs;
  for (;;) {
    int64_t n = c->hi - c->lo;
    /* cum[n] is the total of the table */
    if (c->cum[n] >= target) {
      /* first day k with cum[k] + len[k] >= target, i.e. cum[k+1] >= target */
      int64_t lo = i, hi = n - 1;
      while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (c->cum[mid + 1] >= target) hi = mid;
        else lo = mid + 1;
      }
      return c->open[lo] + (target - c->cum[lo]);
    }
    if (c->hi >= DAY_MAX) return clamp_t(INT64_MAX);
    int32_t oldlo = c->lo;
    int64_t base = c->cum[i];
    if (cover(c, c->lo, c->hi + (c->hi - c->lo))) return t;
    /* the table may have been rebased: keep target relative to day i */
    int64_t ni = i + (oldlo - c->lo);
    target += c->cum[ni] - base;
    i = ni;
  }
}

int32_t revl_cal_business_days(revl_calendar *c, int32_t from, int32_t to) {
  int sign = 1;
  if (to < from) {
    int32_t x = from;
    from = to;
    to = x;
    sign = -1;
  }
  if (from < DAY_MIN) from = DAY_MIN;
  if (to > DAY_MAX - 2) to = DAY_MAX - 2;
  if (from > to) return 0;
  if (cover(c, from, to + 2)) return 0;
  /* days in (from, to]: cumd[to+1] - cumd[from+1] */
  return sign * (c->cumd[to + 1 - c->lo] - c->cumd[from + 1 - c->lo]);
}
