/*
 * test_parse.c -- unit tests for src/parse/parse.c: every value format a
 * CRM export may hold, the calendar helpers and the formatters.
 */
#include "revl/parse.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

static const revl_parse_opts US = {0, 0, 0};
static const revl_parse_opts EU = {'D', ',', '.'};
static const revl_parse_opts SP = {'D', ',', ' '};
static const revl_parse_opts DMY = {'D', 0, 0};
static const revl_parse_opts ISO = {'Y', 0, 0};

/* Wrappers taking NUL-terminated text (the parsers take ranges). */
static int64_t g_i;
static double g_d;
static int g_b;
static int32_t g_days;
static int64_t g_secs;
static int64_t g_minor;
static char g_cur[4];

static int pi(const char *s, const revl_parse_opts *o) {
  g_i = 777;
  return revl_parse_int(s, strlen(s), o, &g_i);
}
static int pn(const char *s, const revl_parse_opts *o) {
  g_d = 777;
  return revl_parse_number(s, strlen(s), o, &g_d);
}
static int pb(const char *s) {
  g_b = 777;
  return revl_parse_bool(s, strlen(s), &g_b);
}
static int pd(const char *s, const revl_parse_opts *o) {
  g_days = 777;
  return revl_parse_date(s, strlen(s), o, &g_days);
}
static int pdt(const char *s, const revl_parse_opts *o) {
  g_secs = 777;
  return revl_parse_datetime(s, strlen(s), o, &g_secs);
}
static int pm(const char *s, const revl_parse_opts *o, int decimals) {
  g_minor = 777;
  strcpy(g_cur, "zz");
  return revl_parse_money(s, strlen(s), o, decimals, &g_minor, g_cur);
}
static int pp(const char *s, int scale) {
  g_d = 777;
  return revl_parse_percent(s, strlen(s), NULL, scale, &g_d);
}

/* Bitwise equality of doubles (tells 0.1 from its neighbours). */
static int same_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_int(void) {
  CHECK_INT(pi("0", &US), 0);
  CHECK_INT(g_i, 0);
  CHECK_INT(pi("42", NULL), 0);
  CHECK_INT(g_i, 42);
  CHECK_INT(pi("-17", &US), 0);
  CHECK_INT(g_i, -17);
  CHECK_INT(pi("+17", &US), 0);
  CHECK_INT(g_i, 17);
  CHECK_INT(pi("  \t1200\r\n", &US), 0);
  CHECK_INT(g_i, 1200);
  CHECK_INT(pi("1,200", &US), 0);
  CHECK_INT(g_i, 1200);
  CHECK_INT(pi("-1,234,567", &US), 0);
  CHECK_INT(g_i, -1234567);
  CHECK_INT(pi("1,200.00", &US), 0);
  CHECK_INT(g_i, 1200);
  CHECK_INT(pi("5.", &US), 0);
  CHECK_INT(g_i, 5);
  CHECK_INT(pi("1.200", &EU), 0);
  CHECK_INT(g_i, 1200);
  CHECK_INT(pi("1.200,0", &EU), 0);
  CHECK_INT(g_i, 1200);
  CHECK_INT(pi("9223372036854775807", &US), 0);
  CHECK_INT(g_i, INT64_MAX);
  CHECK_INT(pi("-9223372036854775808", &US), 0);
  CHECK(g_i == INT64_MIN);
  /* rejections leave the output alone */
  CHECK_INT(pi("9223372036854775808", &US), -1);
  CHECK_INT(g_i, 777);
  CHECK_INT(pi("-9223372036854775809", &US), -1);
  CHECK_INT(pi("99999999999999999999", &US), -1);
  CHECK_INT(pi("", &US), -1);
  CHECK_INT(pi("   ", &US), -1);
  CHECK_INT(pi("1,20", &US), -1);
  CHECK_INT(pi("1,2000", &US), -1);
  CHECK_INT(pi("1234,567", &US), -1);
  CHECK_INT(pi(",123", &US), -1);
  CHECK_INT(pi("1,,000", &US), -1);
  CHECK_INT(pi("1,000,", &US), -1);
  CHECK_INT(pi("0,500", &US), -1);
  CHECK_INT(pi("1.5", &US), -1);
  CHECK_INT(pi("1.50", &US), -1);
  CHECK_INT(pi(".0", &US), -1);
  CHECK_INT(pi("1e3", &US), -1);
  CHECK_INT(pi("--1", &US), -1);
  CHECK_INT(pi("-", &US), -1);
  CHECK_INT(pi("12abc", &US), -1);
  CHECK_INT(pi("- 5", &US), -1);
  CHECK_INT(pi("1 200", &US), -1);
  CHECK_INT(pi("1,200", &EU), -1);
  /* not NUL-terminated: only the range counts */
  CHECK_INT(revl_parse_int("123456", 3, &US, &g_i), 0);
  CHECK_INT(g_i, 123);
}

static void test_number(void) {
  CHECK_INT(pn("1.5", &US), 0);
  CHECK_DBL(g_d, 1.5, 0);
  CHECK_INT(pn("-0.25", &US), 0);
  CHECK_DBL(g_d, -0.25, 0);
  CHECK_INT(pn("0.1", &US), 0);
  CHECK(same_double(g_d, 0.1));
  CHECK_INT(pn(".5", &US), 0);
  CHECK_DBL(g_d, 0.5, 0);
  CHECK_INT(pn("5.", &US), 0);
  CHECK_DBL(g_d, 5.0, 0);
  CHECK_INT(pn("1.5e3", &US), 0);
  CHECK_DBL(g_d, 1500.0, 0);
  CHECK_INT(pn("2E-2", &US), 0);
  CHECK(same_double(g_d, 0.02));
  CHECK_INT(pn("1e+2", &US), 0);
  CHECK_DBL(g_d, 100.0, 0);
  CHECK_INT(pn("1,234,567.891", &US), 0);
  CHECK(same_double(g_d, 1234567.891));
  CHECK_INT(pn("1.234.567,891", &EU), 0);
  CHECK(same_double(g_d, 1234567.891));
  CHECK_INT(pn("1 234,5", &SP), 0);
  CHECK_DBL(g_d, 1234.5, 0);
  CHECK_INT(pn("1\xC2\xA0" "234,5", &SP), 0);
  CHECK_DBL(g_d, 1234.5, 0);
  CHECK_INT(pn("1\xE2\x80\xAF" "234\xE2\x80\xAF" "000", &SP), 0);
  CHECK_DBL(g_d, 1234000.0, 0);
  CHECK_INT(pn(" \t 42 \n", &US), 0);
  CHECK_DBL(g_d, 42.0, 0);
  CHECK_INT(pn("0", &US), 0);
  CHECK_DBL(g_d, 0.0, 0);
  CHECK_INT(pn("000123.4500", &US), 0);
  CHECK(same_double(g_d, 123.45));
  /* slow path: long mantissas and large exponents, checked bit for bit */
  CHECK_INT(pn("3.14159265358979323846264338327950288", &US), 0);
  CHECK(same_double(g_d, 3.14159265358979323846264338327950288));
  CHECK_INT(pn("1.7976931348623157e308", &US), 0);
  CHECK(same_double(g_d, 1.7976931348623157e308));
  CHECK_INT(pn("4.9e-324", &US), 0);
  CHECK(same_double(g_d, 4.9e-324));
  CHECK_INT(pn("9007199254740993", &US), 0);
  CHECK(same_double(g_d, 9007199254740992.0));
  CHECK_INT(pn("123456789012345678901234567890", &US), 0);
  CHECK(same_double(g_d, 123456789012345678901234567890.0));
  CHECK_INT(pn("1e23", &US), 0);
  CHECK(same_double(g_d, 1e23));
  CHECK_INT(pn("1e-400", &US), 0);
  CHECK_DBL(g_d, 0.0, 0);
  CHECK_INT(pn("1e400", &US), -1);
  CHECK_INT(pn("0e999999999", &US), 0);
  CHECK_DBL(g_d, 0.0, 0);
  /* rejections */
  CHECK_INT(pn("", &US), -1);
  CHECK_INT(pn(" ", &US), -1);
  CHECK_INT(pn(".", &US), -1);
  CHECK_INT(pn("-.", &US), -1);
  CHECK_INT(pn("1e", &US), -1);
  CHECK_INT(pn("1e+", &US), -1);
  CHECK_INT(pn("e5", &US), -1);
  CHECK_INT(pn("--1", &US), -1);
  CHECK_INT(pn("+-1", &US), -1);
  CHECK_INT(pn("inf", &US), -1);
  CHECK_INT(pn("-Infinity", &US), -1);
  CHECK_INT(pn("nan", &US), -1);
  CHECK_INT(pn("0x1A", &US), -1);
  CHECK_INT(pn("1.5x", &US), -1);
  CHECK_INT(pn("1.2.3", &US), -1);
  CHECK_INT(pn("1,20", &US), -1);
  CHECK_INT(pn("1,234.5,6", &US), -1);
  CHECK_INT(pn("1.5", &EU), -1);
  CHECK_INT(pn("1 234", &US), -1);
  CHECK_INT(pn("1\xC2\xA0" "234", &EU), -1);
  CHECK_DBL(g_d, 777, 0);
  /* more than 50 significant digits that are not just zeros */
  CHECK_INT(pn("1.00000000000000000000000000000000000000000000000000001", &US), -1);
  CHECK_INT(pn("1.00000000000000000000000000000000000000000000000000000", &US), 0);
  CHECK_DBL(g_d, 1.0, 0);
}

/* Random decimal strings must convert exactly as strtod does. */
static void test_number_random(void) {
  uint64_t st = 88172645463325252u;
  int i, bad = 0, fail = 0;
  for (i = 0; i < 20000; i++) {
    char buf[64];
    int len = 0, nd, k;
    double want;
    st ^= st << 13;
    st ^= st >> 7;
    st ^= st << 17;
    nd = 1 + (int)(st % 24);
    if (st >> 60 & 1)
      buf[len++] = '-';
    for (k = 0; k < nd; k++) {
      if (k == (int)(st >> 8 & 31) % nd && k > 0)
        buf[len++] = '.';
      buf[len++] = (char)('0' + (st >> (k * 2 + 10) ^ (uint64_t)k * 7) % 10);
    }
    if (st >> 58 & 1)
      len += sprintf(buf + len, "e%d", (int)(st >> 40 % 64 & 63) - 32);
    buf[len] = '\0';
    want = strtod(buf, NULL);
    if (pn(buf, &US) != 0) {
      fail++;
      continue;
    }
    if (!same_double(g_d, want)) {
      if (bad++ < 5)
        fprintf(stderr, "mismatch: %s -> %.17g, strtod %.17g\n", buf, g_d,
                want);
    }
  }
  CHECK_INT(fail, 0);
  CHECK_INT(bad, 0);
}

static void test_bool(void) {
  static const char *const t[] = {"true", "TRUE", "True", "yes", "Y", "y",
                                  "t", "T", "1", "on", "ON", " yes "};
  static const char *const f[] = {"false", "FALSE", "no", "No", "n", "N",
                                  "f", "F", "0", "off", "Off", "\tno\n"};
  size_t k;
  int ok = 1;
  for (k = 0; k < sizeof t / sizeof t[0]; k++)
    if (pb(t[k]) != 0 || g_b != 1)
      ok = 0;
  CHECK(ok);
  ok = 1;
  for (k = 0; k < sizeof f / sizeof f[0]; k++)
    if (pb(f[k]) != 0 || g_b != 0)
      ok = 0;
  CHECK(ok);
  CHECK_INT(pb("yes"), 0);
  CHECK_INT(g_b, 1);
  CHECK_INT(pb("Off"), 0);
  CHECK_INT(g_b, 0);
  CHECK_INT(pb(""), -1);
  CHECK_INT(pb("  "), -1);
  CHECK_INT(pb("yess"), -1);
  CHECK_INT(pb("tru"), -1);
  CHECK_INT(pb("2"), -1);
  CHECK_INT(pb("o"), -1);
  CHECK_INT(pb("-1"), -1);
  CHECK_INT(pb("true false"), -1);
  CHECK_INT(g_b, 777);
  CHECK_INT(revl_parse_bool("yesterday", 3, &g_b), 0);
  CHECK_INT(g_b, 1);
}

static void test_calendar(void) {
  int y, bad = 0;
  unsigned m, d;
  int32_t day, first, last;
  int ey = 1900;
  unsigned em = 1, ed = 1;
  CHECK_INT(revl_days_from_civil(1970, 1, 1), 0);
  CHECK_INT(revl_days_from_civil(1969, 12, 31), -1);
  CHECK_INT(revl_days_from_civil(2000, 3, 1), 11017);
  CHECK_INT(revl_days_from_civil(2024, 2, 29), 19782);
  CHECK_INT(revl_days_from_civil(1900, 1, 1), -25567);
  revl_civil_from_days(0, &y, &m, &d);
  CHECK(y == 1970 && m == 1 && d == 1);
  revl_civil_from_days(-1, &y, &m, &d);
  CHECK(y == 1969 && m == 12 && d == 31);
  revl_civil_from_days(19782, &y, &m, &d);
  CHECK(y == 2024 && m == 2 && d == 29);
  revl_civil_from_days(-719468, &y, &m, &d);
  CHECK(y == 0 && m == 3 && d == 1);
  CHECK_INT(revl_is_leap(2024), 1);
  CHECK_INT(revl_is_leap(2023), 0);
  CHECK_INT(revl_is_leap(1900), 0);
  CHECK_INT(revl_is_leap(2000), 1);
  CHECK_INT(revl_days_in_month(2024, 2), 29);
  CHECK_INT(revl_days_in_month(2023, 2), 28);
  CHECK_INT(revl_days_in_month(2023, 4), 30);
  CHECK_INT(revl_days_in_month(2023, 12), 31);
  CHECK_INT(revl_days_in_month(2023, 0), 0);
  CHECK_INT(revl_days_in_month(2023, 13), 0);
  /* every day from 1900-01-01 to 2100-12-31, both directions */
  first = revl_days_from_civil(1900, 1, 1);
  last = revl_days_from_civil(2100, 12, 31);
  for (day = first; day <= last; day++) {
    revl_civil_from_days(day, &y, &m, &d);
    if (y != ey || m != em || d != ed ||
        revl_days_from_civil(y, m, d) != day)
      bad++;
    if (++ed > (unsigned)revl_days_in_month(ey, em)) {
      ed = 1;
      if (++em > 12) {
        em = 1;
        ey++;
      }
    }
  }
  CHECK_INT(bad, 0);
  CHECK_INT(last - first + 1, 73414);
}

static void test_date(void) {
  int32_t d2024 = revl_days_from_civil(2024, 3, 15);
  CHECK_INT(pd("1970-01-01", &US), 0);
  CHECK_INT(g_days, 0);
  CHECK_INT(pd("2024-03-15", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("2024/03/15", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("2024-3-5", &US), 0);
  CHECK_INT(g_days, revl_days_from_civil(2024, 3, 5));
  CHECK_INT(pd("  2024-03-15\t", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("3/15/2024", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("03/15/2024", NULL), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("15/3/2024", &DMY), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("1/2/2024", &US), 0);
  CHECK_INT(g_days, revl_days_from_civil(2024, 1, 2));
  CHECK_INT(pd("1/2/2024", &DMY), 0);
  CHECK_INT(g_days, revl_days_from_civil(2024, 2, 1));
  CHECK_INT(pd("15/3/2024", &US), -1);
  CHECK_INT(pd("3/15/2024", &DMY), -1);
  CHECK_INT(pd("3/15/2024", &ISO), -1);
  CHECK_INT(pd("2024/03/15", &ISO), 0);
  CHECK_INT(g_days, d2024);
  /* ISO datetimes: the written date, whatever the offset */
  CHECK_INT(pd("2024-03-15T23:30:00-05:00", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("2024-03-15T00:30:00+02:00", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("2024-03-15 10:00", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("3/15/2024 11:45 PM", &US), 0);
  CHECK_INT(g_days, d2024);
  CHECK_INT(pd("2024-03-15T25:00", &US), -1);
  CHECK_INT(pd("2024-03-15 junk", &US), -1);
  /* leap years */
  CHECK_INT(pd("2024-02-29", &US), 0);
  CHECK_INT(g_days, 19782);
  CHECK_INT(pd("2023-02-29", &US), -1);
  CHECK_INT(pd("1900-02-29", &US), -1);
  CHECK_INT(pd("2000-02-29", &US), 0);
  CHECK_INT(g_days, revl_days_from_civil(2000, 2, 29));
  CHECK_INT(pd("2/29/2023", &US), -1);
  CHECK_INT(pd("2024-04-31", &US), -1);
  CHECK_INT(pd("2024-13-01", &US), -1);
  CHECK_INT(pd("2024-00-10", &US), -1);
  CHECK_INT(pd("2024-01-00", &US), -1);
  CHECK_INT(pd("2024-01-32", &US), -1);
  /* two-digit and out-of-range years, odd shapes */
  CHECK_INT(pd("3/15/24", &US), -1);
  CHECK_INT(pd("24-03-15", &US), -1);
  CHECK_INT(pd("0999-01-01", &US), -1);
  CHECK_INT(pd("1000-01-01", &US), 0);
  CHECK_INT(pd("9999-12-31", &US), 0);
  CHECK_INT(pd("12024-01-01", &US), -1);
  CHECK_INT(pd("2024-03/15", &US), -1);
  CHECK_INT(pd("2024-003-15", &US), -1);
  CHECK_INT(pd("123/1/2024", &US), -1);
  CHECK_INT(pd("1/1/20245", &US), -1);
  CHECK_INT(pd("", &US), -1);
  CHECK_INT(pd("  ", &US), -1);
  CHECK_INT(pd("yesterday", &US), -1);
  CHECK_INT(g_days, 777);
  /* epoch milliseconds */
  CHECK_INT(pd("1700000000000", &US), 0);
  CHECK_INT(g_days, 19675); /* 2023-11-14T22:13:20Z */
  CHECK_INT(pd("100000000000", &US), 0);
  CHECK_INT(g_days, 1157);
  CHECK_INT(pd("17000000000", &US), -1);     /* 11 digits */
  CHECK_INT(pd("17000000000000", &US), -1);  /* 14 digits */
  CHECK_INT(pd("-1700000000000", &US), -1);
}

static void test_datetime(void) {
  int64_t base = (int64_t)revl_days_from_civil(2024, 1, 1) * 86400;
  CHECK_INT(pdt("1970-01-01T00:00:00Z", &US), 0);
  CHECK_INT(g_secs, 0);
  CHECK_INT(pdt("2024-01-01", &US), 0);
  CHECK_INT(g_secs, base);
  CHECK_INT(pdt("2024-01-01T10:00:00Z", &US), 0);
  CHECK_INT(g_secs, base + 36000);
  CHECK_INT(pdt("2024-01-01T10:00:00+02:00", &US), 0);
  CHECK_INT(g_secs, base + 8 * 3600);
  CHECK_INT(pdt("2024-01-01T10:00:00+0200", &US), 0);
  CHECK_INT(g_secs, base + 8 * 3600);
  CHECK_INT(pdt("2024-01-01T10:00:00+02", &US), 0);
  CHECK_INT(g_secs, base + 8 * 3600);
  CHECK_INT(pdt("2024-01-01T10:00:00-05:30", &US), 0);
  CHECK_INT(g_secs, base + 15 * 3600 + 1800);
  CHECK_INT(pdt("2024-01-01T01:00:00+02:00", &US), 0);
  CHECK_INT(g_secs, base - 3600);
  CHECK_INT(pdt("2024-01-01 10:15", &US), 0);
  CHECK_INT(g_secs, base + 36900);
  CHECK_INT(pdt("2024-01-01t10:15:30", &US), 0);
  CHECK_INT(g_secs, base + 36930);
  CHECK_INT(pdt("2024-01-01T10:15:30.999Z", &US), 0);
  CHECK_INT(g_secs, base + 36930);
  CHECK_INT(pdt("2024-01-01T10:15:30.5+01:00", &US), 0);
  CHECK_INT(g_secs, base + 36930 - 3600);
  CHECK_INT(pdt("2024-01-01 10:00:00 UTC", &US), 0);
  CHECK_INT(g_secs, base + 36000);
  CHECK_INT(pdt("2024-01-01 10:00:00 -0100", &US), 0);
  CHECK_INT(g_secs, base + 39600);
  CHECK_INT(pdt("2024-01-01T23:59:59Z", &US), 0);
  CHECK_INT(g_secs, base + 86399);
  /* slashed forms with AM/PM */
  CHECK_INT(pdt("1/1/2024", &US), 0);
  CHECK_INT(g_secs, base);
  CHECK_INT(pdt("1/1/2024 9:05", &US), 0);
  CHECK_INT(g_secs, base + 9 * 3600 + 300);
  CHECK_INT(pdt("1/1/2024 9:05:07 PM", &US), 0);
  CHECK_INT(g_secs, base + 21 * 3600 + 307);
  CHECK_INT(pdt("1/1/2024 12:00 AM", &US), 0);
  CHECK_INT(g_secs, base);
  CHECK_INT(pdt("1/1/2024 12:30 PM", &US), 0);
  CHECK_INT(g_secs, base + 12 * 3600 + 1800);
  CHECK_INT(pdt("1/1/2024 12:30pm", &US), 0);
  CHECK_INT(g_secs, base + 12 * 3600 + 1800);
  CHECK_INT(pdt("01/01/2024 11:59 am", &US), 0);
  CHECK_INT(g_secs, base + 11 * 3600 + 59 * 60);
  CHECK_INT(pdt("31/12/2023 18:00", &DMY), 0);
  CHECK_INT(g_secs, base - 6 * 3600);
  CHECK_INT(pdt("1/1/2024 13:00 PM", &US), -1);
  CHECK_INT(pdt("1/1/2024 0:00 AM", &US), -1);
  CHECK_INT(pdt("1/1/2024 9:05 XM", &US), -1);
  CHECK_INT(pdt("1/1/2024 9:05 AMX", &US), -1);
  /* field validation */
  CHECK_INT(pdt("2024-01-01T24:00:00Z", &US), -1);
  CHECK_INT(pdt("2024-01-01T23:60:00Z", &US), -1);
  CHECK_INT(pdt("2024-01-01T23:59:60Z", &US), -1);
  CHECK_INT(pdt("2024-01-01T10:5", &US), -1);
  CHECK_INT(pdt("2024-01-01T10", &US), -1);
  CHECK_INT(pdt("2024-01-01T", &US), -1);
  CHECK_INT(pdt("2024-01-01T10:00:00.", &US), -1);
  CHECK_INT(pdt("2024-01-01T10:00:00+2", &US), -1);
  CHECK_INT(pdt("2024-01-01T10:00:00+24:00", &US), -1);
  CHECK_INT(pdt("2024-01-01T10:00:00+02:60", &US), -1);
  CHECK_INT(pdt("2024-01-01T10:00:00+02:00 x", &US), -1);
  CHECK_INT(pdt("2024-01-01T10:00:00ZZ", &US), -1);
  CHECK_INT(pdt("2024-01-01Z", &US), -1);
  CHECK_INT(pdt("2023-02-29T10:00:00Z", &US), -1);
  CHECK_INT(pdt("", &US), -1);
  CHECK_INT(g_secs, 777);
  /* epoch milliseconds, truncated to the second */
  CHECK_INT(pdt("1700000000999", &US), 0);
  CHECK_INT(g_secs, 1700000000);
  CHECK_INT(pdt(" 1700000000000 ", &US), 0);
  CHECK_INT(g_secs, 1700000000);
  CHECK_INT(pdt("170000000000", &US), 0);
  CHECK_INT(g_secs, 170000000);
  CHECK_INT(pdt("1700000000", &US), -1); /* 10 digits: seconds, not ms */
}

static void test_money(void) {
  CHECK_INT(pm("1200", &US, 2), 0);
  CHECK_INT(g_minor, 120000);
  CHECK_STR(g_cur, "");
  CHECK_INT(pm("1,200.50", &US, 2), 0);
  CHECK_INT(g_minor, 120050);
  CHECK_INT(pm("$1,200.50", &US, 2), 0);
  CHECK_INT(g_minor, 120050);
  CHECK_STR(g_cur, "USD");
  CHECK_INT(pm("(1,200.00)", &US, 2), 0);
  CHECK_INT(g_minor, -120000);
  CHECK_STR(g_cur, "");
  CHECK_INT(pm("($1,200.00)", &US, 2), 0);
  CHECK_INT(g_minor, -120000);
  CHECK_STR(g_cur, "USD");
  CHECK_INT(pm("$(5)", &US, 2), 0);
  CHECK_INT(g_minor, -500);
  CHECK_INT(pm("(5) EUR", &US, 2), 0);
  CHECK_INT(g_minor, -500);
  CHECK_STR(g_cur, "EUR");
  CHECK_INT(pm("-$5", &US, 2), 0);
  CHECK_INT(g_minor, -500);
  CHECK_INT(pm("$-5", &US, 2), 0);
  CHECK_INT(g_minor, -500);
  CHECK_INT(pm("+$5.5", &US, 2), 0);
  CHECK_INT(g_minor, 550);
  CHECK_INT(pm("-1200.5", &US, 2), 0);
  CHECK_INT(g_minor, -120050);
  CHECK_INT(pm("USD 1200", &US, 2), 0);
  CHECK_INT(g_minor, 120000);
  CHECK_STR(g_cur, "USD");
  CHECK_INT(pm("1200 EUR", &US, 0), 0);
  CHECK_INT(g_minor, 120000);
  CHECK_STR(g_cur, "EUR");
  CHECK_INT(pm("-USD 5", &US, 2), 0);
  CHECK_INT(g_minor, -500);
  CHECK_INT(pm("  \xC2\xA3" "3.07 ", &US, 2), 0);
  CHECK_INT(g_minor, 307);
  CHECK_STR(g_cur, "GBP");
  CHECK_INT(pm("5 $", &US, 2), 0);
  CHECK_INT(g_minor, 500);
  CHECK_STR(g_cur, "USD");
  /* currency decimals override the argument */
  CHECK_INT(pm("\xC2\xA5" "1,200", &US, 2), 0);
  CHECK_INT(g_minor, 1200);
  CHECK_STR(g_cur, "JPY");
  CHECK_INT(pm("JPY 1200.5", &US, 2), -1);
  CHECK_INT(pm("JPY 1200.00", &US, 2), 0);
  CHECK_INT(g_minor, 1200);
  CHECK_INT(pm("BHD 1.234", &US, 2), 0);
  CHECK_INT(g_minor, 1234);
  CHECK_STR(g_cur, "BHD");
  CHECK_INT(pm("1.5 KWD", &US, 2), 0);
  CHECK_INT(g_minor, 1500);
  CHECK_INT(pm("12.5", &US, 0), -1);
  CHECK_INT(pm("12", &US, 0), 0);
  CHECK_INT(g_minor, 12);
  CHECK_INT(pm("12.345", &US, 3), 0);
  CHECK_INT(g_minor, 12345);
  /* European formats */
  CHECK_INT(pm("1.200,50 \xE2\x82\xAC", &EU, 2), 0);
  CHECK_INT(g_minor, 120050);
  CHECK_STR(g_cur, "EUR");
  CHECK_INT(pm("\xE2\x82\xAC" "1.200,5", &EU, 2), 0);
  CHECK_INT(g_minor, 120050);
  CHECK_INT(pm("-1.200,50\xC2\xA0\xE2\x82\xAC", &EU, 2), 0);
  CHECK_INT(g_minor, -120050);
  CHECK_INT(pm("1\xC2\xA0" "200,50 \xE2\x82\xAC", &SP, 2), 0);
  CHECK_INT(g_minor, 120050);
  CHECK_INT(pm("1\xE2\x80\xAF" "200\xE2\x80\xAF" "000,00 EUR", &SP, 2), 0);
  CHECK_INT(g_minor, 120000000);
  CHECK_INT(pm("1 200,50", &SP, 2), 0);
  CHECK_INT(g_minor, 120050);
  CHECK_INT(pm("1,200.50", &EU, 2), -1);
  /* fraction digits */
  CHECK_INT(pm("1.005", &US, 2), -1);
  CHECK_INT(pm("1.000", &US, 2), 0);
  CHECK_INT(g_minor, 100);
  CHECK_INT(pm("1.050", &US, 2), 0);
  CHECK_INT(g_minor, 105);
  CHECK_INT(pm(".5", &US, 2), 0);
  CHECK_INT(g_minor, 50);
  /* limits */
  CHECK_INT(pm("92233720368547758.07", &US, 2), 0);
  CHECK_INT(g_minor, INT64_MAX);
  CHECK_INT(pm("-92,233,720,368,547,758.08", &US, 2), 0);
  CHECK(g_minor == INT64_MIN);
  CHECK_INT(pm("92233720368547758.08", &US, 2), -1);
  CHECK_INT(pm("100000000000000000", &US, 2), -1);
  CHECK_INT(pm("1", &US, 19), -1);
  CHECK_INT(pm("1", &US, -1), -1);
  /* rejections */
  CHECK_INT(pm("", &US, 2), -1);
  CHECK_INT(pm("  ", &US, 2), -1);
  CHECK_INT(pm("$", &US, 2), -1);
  CHECK_INT(pm("-", &US, 2), -1);
  CHECK_INT(pm("()", &US, 2), -1);
  CHECK_INT(pm("1e3", &US, 2), -1);
  CHECK_INT(pm("1.5E2", &US, 2), -1);
  CHECK_INT(pm("1,20", &US, 2), -1);
  CHECK_INT(pm("(5", &US, 2), -1);
  CHECK_INT(pm("5)", &US, 2), -1);
  CHECK_INT(pm("(-5)", &US, 2), -1);
  CHECK_INT(pm("-(5)", &US, 2), -1);
  CHECK_INT(pm("--5", &US, 2), -1);
  CHECK_INT(pm("$5 USD", &US, 2), -1);
  CHECK_INT(pm("$$5", &US, 2), -1);
  CHECK_INT(pm("usd 5", &US, 2), -1);
  CHECK_INT(pm("USDX 5", &US, 2), -1);
  CHECK_INT(pm("5 EURO", &US, 2), -1);
  CHECK_INT(pm("5-", &US, 2), -1);
  CHECK_INT(pm("N/A", &US, 2), -1);
  CHECK_INT(g_minor, 777);
  CHECK_STR(g_cur, "zz");
  /* cur may be NULL */
  CHECK_INT(revl_parse_money("$5", 2, &US, 2, &g_minor, NULL), 0);
  CHECK_INT(g_minor, 500);
}

static void test_currency_decimals(void) {
  CHECK_INT(revl_currency_decimals("USD"), 2);
  CHECK_INT(revl_currency_decimals("EUR"), 2);
  CHECK_INT(revl_currency_decimals("JPY"), 0);
  CHECK_INT(revl_currency_decimals("KRW"), 0);
  CHECK_INT(revl_currency_decimals("XPF"), 0);
  CHECK_INT(revl_currency_decimals("BIF"), 0);
  CHECK_INT(revl_currency_decimals("BHD"), 3);
  CHECK_INT(revl_currency_decimals("TND"), 3);
  CHECK_INT(revl_currency_decimals("KWD"), 3);
  CHECK_INT(revl_currency_decimals("XYZ"), 2);
  CHECK_INT(revl_currency_decimals("JP"), 2);
  CHECK_INT(revl_currency_decimals(""), 2);
  CHECK_INT(revl_currency_decimals(NULL), 2);
}

static void test_percent(void) {
  CHECK_INT(pp("45", 100), 0);
  CHECK(same_double(g_d, 0.45));
  CHECK_INT(pp("45%", 100), 0);
  CHECK(same_double(g_d, 0.45));
  CHECK_INT(pp("45.5", 100), 0);
  CHECK(same_double(g_d, 0.455));
  CHECK_INT(pp(" 45 % ", 100), 0);
  CHECK(same_double(g_d, 0.45));
  CHECK_INT(pp("0.45", 1), 0);
  CHECK(same_double(g_d, 0.45));
  CHECK_INT(pp("45%", 1), 0);
  CHECK(same_double(g_d, 0.45));
  CHECK_INT(pp("0.1%", 1), 0);
  CHECK(same_double(g_d, 0.001));
  CHECK_INT(pp("-12.5%", 100), 0);
  CHECK(same_double(g_d, -0.125));
  CHECK_INT(pp("150", 100), 0);
  CHECK_DBL(g_d, 1.5, 0);
  CHECK_INT(pp("50", 1000), 0);
  CHECK_DBL(g_d, 0.05, 1e-15);
  CHECK_INT(pp("%", 100), -1);
  CHECK_INT(pp("", 100), -1);
  CHECK_INT(pp("45%%", 100), -1);
  CHECK_INT(pp("%45", 100), -1);
  CHECK_INT(pp("abc", 1), -1);
  CHECK_INT(pp("45", 0), -1);
  CHECK_DBL(g_d, 777, 0);
  g_d = 777;
  CHECK_INT(revl_parse_percent("12,5%", 5, &EU, 100, &g_d), 0);
  CHECK(same_double(g_d, 0.125));
}

static void test_format(void) {
  char buf[64];
  CHECK_INT(revl_format_date(0, buf, sizeof buf), 10);
  CHECK_STR(buf, "1970-01-01");
  CHECK_INT(revl_format_date(19782, buf, sizeof buf), 10);
  CHECK_STR(buf, "2024-02-29");
  revl_format_date(-25567, buf, sizeof buf);
  CHECK_STR(buf, "1900-01-01");
  CHECK_INT(revl_format_date(19782, buf, 5), 10);
  CHECK_STR(buf, "2024");
  CHECK_INT(revl_format_datetime(0, buf, sizeof buf), 20);
  CHECK_STR(buf, "1970-01-01T00:00:00Z");
  revl_format_datetime(1700000000, buf, sizeof buf);
  CHECK_STR(buf, "2023-11-14T22:13:20Z");
  revl_format_datetime(-1, buf, sizeof buf);
  CHECK_STR(buf, "1969-12-31T23:59:59Z");
  revl_format_datetime(-86400, buf, sizeof buf);
  CHECK_STR(buf, "1969-12-31T00:00:00Z");
  CHECK(revl_format_datetime(INT64_MIN, buf, sizeof buf) > 0);
  CHECK(revl_format_datetime(INT64_MAX, buf, sizeof buf) > 0);
  CHECK_INT(revl_format_money(-123456789, 2, 1, buf, sizeof buf), 13);
  CHECK_STR(buf, "-1,234,567.89");
  revl_format_money(-123456789, 2, 0, buf, sizeof buf);
  CHECK_STR(buf, "-1234567.89");
  revl_format_money(123456, 0, 1, buf, sizeof buf);
  CHECK_STR(buf, "123,456");
  revl_format_money(1234, 0, 1, buf, sizeof buf);
  CHECK_STR(buf, "1,234");
  revl_format_money(123, 0, 1, buf, sizeof buf);
  CHECK_STR(buf, "123");
  revl_format_money(0, 2, 1, buf, sizeof buf);
  CHECK_STR(buf, "0.00");
  revl_format_money(-5, 2, 1, buf, sizeof buf);
  CHECK_STR(buf, "-0.05");
  revl_format_money(1234, 3, 1, buf, sizeof buf);
  CHECK_STR(buf, "1.234");
  revl_format_money(INT64_MIN, 2, 1, buf, sizeof buf);
  CHECK_STR(buf, "-92,233,720,368,547,758.08");
  revl_format_money(INT64_MIN, 0, 0, buf, sizeof buf);
  CHECK_STR(buf, "-9223372036854775808");
  revl_format_money(INT64_MAX, 2, 1, buf, sizeof buf);
  CHECK_STR(buf, "92,233,720,368,547,758.07");
  CHECK_INT(revl_format_money(-123456789, 2, 1, buf, 6), 13);
  CHECK_STR(buf, "-1,23");
  CHECK_INT(revl_format_money(1, 2, 0, NULL, 0), 4);
  /* formatted values parse back */
  revl_format_money(-123456789, 2, 1, buf, sizeof buf);
  CHECK_INT(pm(buf, &US, 2), 0);
  CHECK_INT(g_minor, -123456789);
  revl_format_datetime(1700000000, buf, sizeof buf);
  CHECK_INT(pdt(buf, &US), 0);
  CHECK_INT(g_secs, 1700000000);
}

static int u8(const char *s) { return revl_utf8_valid(s, strlen(s)); }

static void test_utf8(void) {
  CHECK_INT(u8(""), 1);
  CHECK_INT(u8("plain ascii"), 1);
  CHECK_INT(u8("caf\xC3\xA9"), 1);
  CHECK_INT(u8("\xE2\x82\xAC"), 1);
  CHECK_INT(u8("\xF0\x9F\x98\x80"), 1);
  CHECK_INT(u8("\xF4\x8F\xBF\xBF"), 1);     /* U+10FFFF */
  CHECK_INT(u8("\xED\x9F\xBF"), 1);         /* U+D7FF */
  CHECK_INT(u8("\xEE\x80\x80"), 1);         /* U+E000 */
  CHECK_INT(u8("\xC0\x80"), 0);             /* overlong NUL */
  CHECK_INT(u8("\xC1\xBF"), 0);             /* overlong */
  CHECK_INT(u8("\xE0\x80\xAF"), 0);         /* overlong '/' */
  CHECK_INT(u8("\xF0\x8F\xBF\xBF"), 0);     /* overlong */
  CHECK_INT(u8("\xED\xA0\x80"), 0);         /* surrogate D800 */
  CHECK_INT(u8("\xED\xBF\xBF"), 0);         /* surrogate DFFF */
  CHECK_INT(u8("\xF4\x90\x80\x80"), 0);     /* U+110000 */
  CHECK_INT(u8("\xF5\x80\x80\x80"), 0);
  CHECK_INT(u8("\xFF"), 0);
  CHECK_INT(u8("\x80"), 0);                 /* lone continuation */
  CHECK_INT(u8("abc\xC3"), 0);              /* truncated */
  CHECK_INT(u8("\xE2\x82"), 0);             /* truncated */
  CHECK_INT(u8("\xF0\x9F\x98"), 0);         /* truncated */
  CHECK_INT(u8("\xE2\x28\xA1"), 0);         /* bad continuation */
  CHECK_INT(u8("\xC3\xA9\xC3"), 0);
  CHECK_INT(revl_utf8_valid("a\0b", 3), 0); /* NUL byte */
  CHECK_INT(revl_utf8_valid("\xC3\xA9", 1), 0);
}

int main(void) {
  test_int();
  test_number();
  test_number_random();
  test_bool();
  test_calendar();
  test_date();
  test_datetime();
  test_money();
  test_currency_decimals();
  test_percent();
  test_format();
  test_utf8();
  TEST_END();
}
