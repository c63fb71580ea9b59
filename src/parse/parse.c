/*
 * parse.c -- turn the text found in CRM exports into typed values.
 *
 * Integers, decimals, booleans, dates, datetimes, money and percentages
 * as include/revl/parse.h specifies, plus the calendar arithmetic and
 * formatting helpers the rest of revl shares.  Nothing here allocates or
 * depends on the locale: digits, separators and letters are compared as
 * ASCII bytes, and dates use Howard Hinnant's days_from_civil algorithms.
 */
#include "revl/parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- byte helpers ------------------------------------------------------ */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_alpha(char c) {
  return is_upper(c) || (c >= 'a' && c <= 'z');
}
static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
static char to_lower(char c) { return is_upper(c) ? (char)(c + 32) : c; }

/* Strip surrounding ASCII whitespace; returns the remaining length. */
static size_t trim(const char **s, size_t n) {
  const char *p = *s;
  while (n > 0 && is_space(p[0])) {
    p++;
    n--;
  }
  while (n > 0 && is_space(p[n - 1]))
    n--;
  *s = p;
  return n;
}

/* Case-insensitive comparison of s[0..n) with the lower-case word w. */
static int word_eq(const char *s, size_t n, const char *w) {
  size_t i;
  for (i = 0; i < n; i++)
    if (w[i] == '\0' || to_lower(s[i]) != w[i])
      return 0;
  return w[n] == '\0';
}

/* Read between min and max digits at s[*i]; the digit run must end there
 * (a following digit makes the field too long).  Returns -1 on failure. */
static int read_digits(const char *s, size_t n, size_t *i, int min, int max,
                       int *val) {
  int k = 0, v = 0;
  while (*i < n && is_digit(s[*i])) {
    if (k == max)
      return -1;
    v = v * 10 + (s[*i] - '0');
    (*i)++;
    k++;
  }
  if (k < min)
    return -1;
  *val = v;
  return 0;
}

#define NBSP_LEN(s, i, n)                                                   \
  ((i) + 2 <= (n) && (unsigned char)(s)[i] == 0xC2 &&                        \
   (unsigned char)(s)[(i) + 1] == 0xA0)
#define NNBSP_LEN(s, i, n)                                                  \
  ((i) + 3 <= (n) && (unsigned char)(s)[i] == 0xE2 &&                        \
   (unsigned char)(s)[(i) + 1] == 0x80 && (unsigned char)(s)[(i) + 2] == 0xAF)

/* ---- decimal scanning -------------------------------------------------- */

/* Resolve the separators.  Decision beyond the header: when decimal_sep
 * is ',' and thousands_sep is left 0, the thousands separator is '.'
 * (the European convention) rather than a clashing ','; a thousands
 * separator equal to the decimal separator disables grouping. */
static void get_seps(const revl_parse_opts *o, char *dec, char *ts) {
  *dec = (o && o->decimal_sep) ? o->decimal_sep : '.';
  if (o && o->thousands_sep)
    *ts = o->thousands_sep;
  else
    *ts = (*dec == ',') ? '.' : ',';
  if (*ts == *dec)
    *ts = 0;
}

/* Length of a thousands separator at s[i] (0 when there is none). */
static size_t sep_len(const char *s, size_t i, size_t n, char ts) {
  if (ts == 0 || i >= n)
    return 0;
  if (s[i] == ts)
    return 1;
  if (ts == ' ') {
    if (NBSP_LEN(s, i, n))
      return 2;
    if (NNBSP_LEN(s, i, n))
      return 3;
  }
  return 0;
}

/* An unsigned decimal: integer part [ib, ie) (digits and separators),
 * fraction digits [fb, fe), and the exponent written after e/E. */
typedef struct {
  size_t ib, ie, fb, fe;
  size_t nint; /* digits in the integer part */
  long exp;
} decimal_t;

#define EXP_CLAMP 100000L

/* Scan all of s[0..n) as an unsigned decimal.  Grouping, when used, must
 * be 1-3 digits then groups of exactly 3, and the first group may not
 * start with 0 ("0,500" is rejected).  Returns 0 or -1. */
static int scan_decimal(const char *s, size_t n, char dec, char ts,
                        int allow_exp, decimal_t *d) {
  size_t i = 0, g = 0, k;
  int grouped = 0;
  d->ib = 0;
  d->nint = 0;
  while (i < n) {
    if (is_digit(s[i])) {
      g++;
      d->nint++;
      i++;
      continue;
    }
    k = sep_len(s, i, n, ts);
    if (k == 0)
      break;
    if (!grouped) {
      if (g < 1 || g > 3 || s[0] == '0')
        return -1;
    } else if (g != 3) {
      return -1;
    }
    grouped = 1;
    g = 0;
    i += k;
  }
  if (grouped && g != 3)
    return -1;
  d->ie = i;
  d->fb = d->fe = i;
  if (i < n && s[i] == dec) {
    i++;
    d->fb = i;
    while (i < n && is_digit(s[i]))
      i++;
    d->fe = i;
  }
  if (d->nint == 0 && d->fe == d->fb)
    return -1;
  d->exp = 0;
  if (allow_exp && i < n && (s[i] == 'e' || s[i] == 'E')) {
    int neg = 0;
    long e = 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      neg = s[i++] == '-';
    if (i >= n || !is_digit(s[i]))
      return -1;
    while (i < n && is_digit(s[i])) {
      if (e < EXP_CLAMP)
        e = e * 10 + (s[i] - '0');
      i++;
    }
    d->exp = neg ? -e : e;
  }
  return i == n ? 0 : -1;
}

/* Optional leading sign; returns 1 for '-', 0 otherwise. */
static int take_sign(const char **s, size_t *n) {
  if (*n > 0 && ((*s)[0] == '+' || (*s)[0] == '-')) {
    int neg = (*s)[0] == '-';
    (*s)++;
    (*n)--;
    return neg;
  }
  return 0;
}

/* ---- integers ---------------------------------------------------------- */

int revl_parse_int(const char *s, size_t n, const revl_parse_opts *o,
                   int64_t *out) {
  char dec, ts;
  decimal_t d;
  uint64_t v = 0, lim;
  size_t i;
  int neg;
  n = trim(&s, n);
  if (n == 0)
    return -1;
  neg = take_sign(&s, &n);
  get_seps(o, &dec, &ts);
  if (scan_decimal(s, n, dec, ts, 0, &d) < 0 || d.nint == 0)
    return -1;
  for (i = d.fb; i < d.fe; i++)
    if (s[i] != '0')
      return -1;
  lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
  for (i = d.ib; i < d.ie; i++) {
    unsigned c;
    if (!is_digit(s[i]))
      continue;
    c = (unsigned)(s[i] - '0');
    if (v > (lim - c) / 10)
      return -1;
    v = v * 10 + c;
  }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return 0;
}

/* ---- decimal numbers --------------------------------------------------- */

static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define SLOW_DIGITS 50 /* significant digits the strtod fallback takes */

/* Parse a number and multiply it by 10^adj exactly (adj=-2 reads a
 * percentage as a fraction without a second rounding). */
static int number_core(const char *s, size_t n, const revl_parse_opts *o,
                       int adj, double *out) {
  char dec, ts;
  decimal_t d;
  uint64_t mant = 0;
  long e10 = 0;
  int nd = 0, trunc = 0, neg, part;
  size_t i;
  double v;
  n = trim(&s, n);
  if (n == 0)
    return -1;
  neg = take_sign(&s, &n);
  get_seps(o, &dec, &ts);
  if (scan_decimal(s, n, dec, ts, 1, &d) < 0)
    return -1;
  /* Up to 19 significant digits in mant, value = mant * 10^e10. */
  for (part = 0; part < 2; part++) {
    size_t b = part ? d.fb : d.ib, e = part ? d.fe : d.ie;
    for (i = b; i < e; i++) {
      unsigned c;
      if (!is_digit(s[i]))
        continue;
      c = (unsigned)(s[i] - '0');
      if (nd == 0 && c == 0) {
        if (part)
          e10--;
        continue;
      }
      if (nd < 19) {
        mant = mant * 10 + c;
        nd++;
        if (part)
          e10--;
      } else {
        if (!part)
          e10++;
        if (c != 0)
          trunc = 1;
      }
    }
  }
  if (mant == 0) {
    v = 0.0;
  } else {
    long ex = e10 + d.exp + adj;
    if (!trunc && mant <= (UINT64_C(1) << 53) && ex >= -22 && ex <= 22) {
      v = (double)mant;
      v = ex >= 0 ? v * pow10_exact[ex] : v / pow10_exact[-ex];
    } else {
      /* Slow path: strtod on "DIGITSe[-]X", all significant digits as an
       * integer with an exponent.  There is no radix character in that
       * text, so LC_NUMERIC cannot change how strtod reads it (and revl
       * never calls setlocale for LC_NUMERIC anyway).  More than
       * SLOW_DIGITS significant digits are rejected. */
      char buf[64];
      size_t len = 0;
      long x = d.exp + adj;
      char *end;
      for (part = 0; part < 2; part++) {
        size_t b = part ? d.fb : d.ib, e = part ? d.fe : d.ie;
        for (i = b; i < e; i++) {
          if (!is_digit(s[i]))
            continue;
          if (len == SLOW_DIGITS) {
            /* Only zeros may follow the limit. */
            if (s[i] != '0')
              return -1;
            if (!part)
              x++;
            continue;
          }
          if (part && x > -10 * EXP_CLAMP)
            x--; /* a fraction digit kept, or a leading zero skipped */
          if (len == 0 && s[i] == '0')
            continue;
          buf[len++] = s[i];
        }
      }
      while (len > 1 && buf[len - 1] == '0') {
        len--;
        x++;
      }
      if (x > 999999)
        x = 999999;
      if (x < -999999)
        x = -999999;
      snprintf(buf + len, sizeof buf - len, "e%ld", x);
      v = strtod(buf, &end);
      if (*end != '\0' || isinf(v) || isnan(v))
        return -1;
    }
  }
  *out = neg ? -v : v;
  return 0;
}

int revl_parse_number(const char *s, size_t n, const revl_parse_opts *o,
                      double *out) {
  return number_core(s, n, o, 0, out);
}

/* ---- booleans ---------------------------------------------------------- */

int revl_parse_bool(const char *s, size_t n, int *out) {
  static const char *const yes[] = {"true", "yes", "y", "t", "1", "on"};
  static const char *const no[] = {"false", "no", "n", "f", "0", "off"};
  size_t k;
  n = trim(&s, n);
  if (n == 0)
    return -1;
  for (k = 0; k < sizeof yes / sizeof yes[0]; k++) {
    if (word_eq(s, n, yes[k])) {
      *out = 1;
      return 0;
    }
    if (word_eq(s, n, no[k])) {
      *out = 0;
      return 0;
    }
  }
  return -1;
}

/* ---- calendar ---------------------------------------------------------- */

static int64_t days_from_civil64(int64_t y, unsigned m, unsigned d) {
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days64(int64_t z, int64_t *y, unsigned *m,
                              unsigned *d) {
  int64_t era;
  unsigned doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int32_t revl_days_from_civil(int y, unsigned m, unsigned d) {
  return (int32_t)days_from_civil64(y, m, d);
}

void revl_civil_from_days(int32_t days, int *y, unsigned *m, unsigned *d) {
  int64_t yy;
  civil_from_days64(days, &yy, m, d);
  *y = (int)yy;
}

int revl_is_leap(int y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* 0 when m is not 1-12. */
int revl_days_in_month(int y, unsigned m) {
  static const unsigned char dim[] = {31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12)
    return 0;
  return m == 2 && revl_is_leap(y) ? 29 : dim[m - 1];
}

/* ---- dates and datetimes ----------------------------------------------- */

/* The calendar date at the start of s; *pos is left after it. */
static int scan_date(const char *s, size_t n, char order, size_t *pos,
                     int *y, int *m, int *d) {
  size_t i = 0, k = 0;
  int a, b, c;
  char sep;
  while (k < n && is_digit(s[k]))
    k++;
  if (k == 4 && k < n && (s[k] == '-' || s[k] == '/')) {
    sep = s[k];
    if (read_digits(s, n, &i, 4, 4, &a) < 0)
      return -1;
    i++;
    if (read_digits(s, n, &i, 1, 2, &b) < 0 || i >= n || s[i] != sep)
      return -1;
    i++;
    if (read_digits(s, n, &i, 1, 2, &c) < 0)
      return -1;
    *y = a;
    *m = b;
    *d = c;
  } else if ((k == 1 || k == 2) && k < n && s[k] == '/') {
    if (order == 'Y')
      return -1;
    if (read_digits(s, n, &i, 1, 2, &a) < 0)
      return -1;
    i++;
    if (read_digits(s, n, &i, 1, 2, &b) < 0 || i >= n || s[i] != '/')
      return -1;
    i++;
    if (read_digits(s, n, &i, 4, 4, &c) < 0)
      return -1;
    *y = c;
    *m = order == 'D' ? b : a;
    *d = order == 'D' ? a : b;
  } else {
    return -1;
  }
  if (*y < 1000 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 ||
      *d > revl_days_in_month(*y, (unsigned)*m))
    return -1;
  *pos = i;
  return 0;
}

/* Epoch milliseconds: exactly 12 or 13 digits. */
static int scan_epoch_ms(const char *s, size_t n, int64_t *ms) {
  size_t i;
  int64_t v = 0;
  if (n != 12 && n != 13)
    return -1;
  for (i = 0; i < n; i++) {
    if (!is_digit(s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *ms = v;
  return 0;
}

/* The time after a date: h[h]:mm[:ss[.frac]] [AM|PM] [Z|UTC|GMT|+-hh[[:]mm]].
 * Whitespace may precede AM/PM and the zone. */
static int scan_time(const char *s, size_t n, size_t i, int64_t *sod,
                     int64_t *off) {
  int h, mi, sec = 0, oh, om = 0;
  size_t k;
  if (read_digits(s, n, &i, 1, 2, &h) < 0 || i >= n || s[i] != ':')
    return -1;
  i++;
  if (read_digits(s, n, &i, 2, 2, &mi) < 0)
    return -1;
  if (i < n && s[i] == ':') {
    i++;
    if (read_digits(s, n, &i, 2, 2, &sec) < 0)
      return -1;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
      i++;
      if (i >= n || !is_digit(s[i]))
        return -1;
      while (i < n && is_digit(s[i]))
        i++;
    }
  }
  if (h > 23 || mi > 59 || sec > 59)
    return -1;
  *off = 0;
  k = i;
  while (k < n && is_space(s[k]))
    k++;
  if (k + 2 <= n && (word_eq(s + k, 2, "am") || word_eq(s + k, 2, "pm")) &&
      (k + 2 == n || !is_alpha(s[k + 2]))) {
    if (h < 1 || h > 12)
      return -1;
    h = h % 12 + (to_lower(s[k]) == 'p' ? 12 : 0);
    i = k + 2;
    k = i;
    while (k < n && is_space(s[k]))
      k++;
  }
  if (k < n) {
    if (n - k == 1 && (s[k] == 'Z' || s[k] == 'z')) {
      k++;
    } else if (n - k == 3 && (memcmp(s + k, "UTC", 3) == 0 ||
                              memcmp(s + k, "GMT", 3) == 0)) {
      k += 3;
    } else if (s[k] == '+' || s[k] == '-') {
      int neg = s[k] == '-';
      size_t k0 = ++k;
      if (read_digits(s, n, &k, 2, 2, &oh) < 0) {
        /* "+HHMM" reads as four digits: split it. */
        size_t j = k0;
        int hhmm;
        if (read_digits(s, n, &j, 4, 4, &hhmm) < 0)
          return -1;
        oh = hhmm / 100;
        om = hhmm % 100;
        k = j;
      } else if (k < n && s[k] == ':') {
        k++;
        if (read_digits(s, n, &k, 2, 2, &om) < 0)
          return -1;
      }
      if (oh > 23 || om > 59)
        return -1;
      *off = (neg ? -1 : 1) * ((int64_t)oh * 3600 + om * 60);
    } else {
      return -1;
    }
    if (k != n)
      return -1;
  }
  *sod = (int64_t)h * 3600 + mi * 60 + sec;
  return 0;
}

/* Either form: the date as days, the time of day and the UTC offset. */
static int scan_when(const char *s, size_t n, const revl_parse_opts *o,
                     int64_t *days, int64_t *sod, int64_t *off) {
  int64_t ms;
  size_t i;
  int y, m, d;
  n = trim(&s, n);
  if (n == 0)
    return -1;
  if (scan_epoch_ms(s, n, &ms) == 0) {
    /* Non-negative, so truncation is the floor. */
    *days = ms / 86400000;
    *sod = (ms % 86400000) / 1000;
    *off = 0;
    return 0;
  }
  if (scan_date(s, n, o ? o->date_order : 0, &i, &y, &m, &d) < 0)
    return -1;
  *days = days_from_civil64(y, (unsigned)m, (unsigned)d);
  *sod = 0;
  *off = 0;
  if (i == n)
    return 0;
  if (s[i] == 'T' || s[i] == 't') {
    i++;
  } else if (is_space(s[i])) {
    while (i < n && is_space(s[i]))
      i++;
  } else {
    return -1;
  }
  return scan_time(s, n, i, sod, off);
}

/* Any form revl_parse_datetime accepts gives its written date; the time
 * and offset are validated but do not move the date. */
int revl_parse_date(const char *s, size_t n, const revl_parse_opts *o,
                    int32_t *days) {
  int64_t dd, sod, off;
  if (scan_when(s, n, o, &dd, &sod, &off) < 0)
    return -1;
  *days = (int32_t)dd;
  return 0;
}

/* Decisions beyond the header: the time may follow 'T' or whitespace
 * after any date form; "UTC"/"GMT" count as Z; seconds 60 and hour 24
 * are rejected; fractions of a second are truncated. */
int revl_parse_datetime(const char *s, size_t n, const revl_parse_opts *o,
                        int64_t *secs) {
  int64_t dd, sod, off;
  if (scan_when(s, n, o, &dd, &sod, &off) < 0)
    return -1;
  *secs = dd * 86400 + sod - off;
  return 0;
}

/* ---- money ------------------------------------------------------------- */

int revl_currency_decimals(const char *code) {
  static const char zero[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX "
                             "UYI VND VUV XAF XOF XPF ";
  static const char three[] = "BHD IQD JOD KWD LYD OMR TND ";
  size_t k;
  if (code == NULL || strlen(code) != 3)
    return 2;
  for (k = 0; zero[k]; k += 4)
    if (memcmp(zero + k, code, 3) == 0)
      return 0;
  for (k = 0; three[k]; k += 4)
    if (memcmp(three + k, code, 3) == 0)
      return 3;
  return 2;
}

/* Whitespace around money tokens: ASCII, NBSP or narrow NBSP. */
static size_t mws_fwd(const char *s, size_t i, size_t n) {
  if (i < n && is_space(s[i]))
    return 1;
  if (NBSP_LEN(s, i, n))
    return 2;
  if (NNBSP_LEN(s, i, n))
    return 3;
  return 0;
}

static size_t mws_back(const char *s, size_t i, size_t j) {
  if (j > i && is_space(s[j - 1]))
    return 1;
  if (j >= i + 2 && NBSP_LEN(s, j - 2, j))
    return 2;
  if (j >= i + 3 && NNBSP_LEN(s, j - 3, j))
    return 3;
  return 0;
}

/* Currency symbol at s[i..j): its length, code written to code. */
static size_t symbol_at(const char *s, size_t i, size_t j, char code[4]) {
  const unsigned char *u = (const unsigned char *)s;
  const char *c = NULL;
  size_t len = 0;
  if (i < j && s[i] == '$') {
    c = "USD";
    len = 1;
  } else if (i + 2 <= j && u[i] == 0xC2 && u[i + 1] == 0xA3) {
    c = "GBP";
    len = 2;
  } else if (i + 2 <= j && u[i] == 0xC2 && u[i + 1] == 0xA5) {
    c = "JPY";
    len = 2;
  } else if (i + 3 <= j && u[i] == 0xE2 && u[i + 1] == 0x82 &&
             u[i + 2] == 0xAC) {
    c = "EUR";
    len = 3;
  }
  if (c)
    memcpy(code, c, 4);
  return len;
}

static int code_at(const char *s, size_t i, char code[4]) {
  if (!is_upper(s[i]) || !is_upper(s[i + 1]) || !is_upper(s[i + 2]))
    return 0;
  memcpy(code, s + i, 3);
  code[3] = '\0';
  return 1;
}

/* Currency (symbol or ISO code) starting at s[i], within [i, j). */
static size_t cur_fwd(const char *s, size_t i, size_t j, char code[4]) {
  size_t k = symbol_at(s, i, j, code);
  if (k)
    return k;
  if (i + 3 <= j && (i + 3 == j || !is_alpha(s[i + 3])) &&
      code_at(s, i, code))
    return 3;
  return 0;
}

/* Currency ending at s[j], within [i, j). */
static size_t cur_back(const char *s, size_t i, size_t j, char code[4]) {
  size_t k;
  for (k = 1; k <= 3; k++)
    if (j >= i + k && symbol_at(s, j - k, j, code) == k)
      return k;
  if (j >= i + 3 && (j - 3 == i || !is_alpha(s[j - 4])) &&
      code_at(s, j - 3, code))
    return 3;
  return 0;
}

/* Decisions beyond the header: an ISO code need not be separated from
 * the number by a space ("USD1200"); NBSP may stand between any of the
 * tokens; at most one sign, one currency and one pair of parentheses,
 * and a sign together with parentheses is rejected ("(-5)"); decimals
 * outside 0-18 are rejected. */
int revl_parse_money(const char *s, size_t n, const revl_parse_opts *o,
                     int decimals, int64_t *minor, char cur[4]) {
  char dec, ts, code[4] = {0, 0, 0, 0};
  size_t i = 0, j, k, p;
  int sign = 0, have_cur = 0, popen = 0, pclose = 0, neg, nd;
  decimal_t d;
  uint64_t v = 0, lim;
  n = trim(&s, n);
  if (n == 0)
    return -1;
  j = n;
  for (;;) {
    if ((k = mws_fwd(s, i, j)) != 0) {
      i += k;
    } else if (i < j && !sign && !popen && (s[i] == '+' || s[i] == '-')) {
      sign = s[i++];
    } else if (!have_cur && (k = cur_fwd(s, i, j, code)) != 0) {
      have_cur = 1;
      i += k;
    } else if (i < j && !sign && !popen && s[i] == '(') {
      popen = 1;
      i++;
    } else {
      break;
    }
  }
  for (;;) {
    if ((k = mws_back(s, i, j)) != 0) {
      j -= k;
    } else if (j > i && popen && !pclose && s[j - 1] == ')') {
      pclose = 1;
      j--;
    } else if (!have_cur && (k = cur_back(s, i, j, code)) != 0) {
      have_cur = 1;
      j -= k;
    } else {
      break;
    }
  }
  if (popen != pclose || i >= j)
    return -1;
  nd = have_cur ? revl_currency_decimals(code) : decimals;
  if (nd < 0 || nd > 18)
    return -1;
  get_seps(o, &dec, &ts);
  s += i;
  if (scan_decimal(s, j - i, dec, ts, 0, &d) < 0)
    return -1;
  neg = sign == '-' || popen;
  lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
  for (p = d.ib; p < d.ie; p++) {
    unsigned c;
    if (!is_digit(s[p]))
      continue;
    c = (unsigned)(s[p] - '0');
    if (v > (lim - c) / 10)
      return -1;
    v = v * 10 + c;
  }
  for (p = 0; p < (size_t)nd || d.fb + p < d.fe; p++) {
    unsigned c = d.fb + p < d.fe ? (unsigned)(s[d.fb + p] - '0') : 0;
    if (p >= (size_t)nd) {
      if (c != 0)
        return -1;
      continue;
    }
    if (v > (lim - c) / 10)
      return -1;
    v = v * 10 + c;
  }
  *minor = neg ? (int64_t)(0 - v) : (int64_t)v;
  if (cur) {
    if (have_cur)
      memcpy(cur, code, 4);
    else
      cur[0] = '\0';
  }
  return 0;
}

/* ---- percentages ------------------------------------------------------- */

/* A scale other than 1 or 100 divides by scale; scale <= 0 fails. */
int revl_parse_percent(const char *s, size_t n, const revl_parse_opts *o,
                       int scale, double *frac) {
  double v;
  int pct;
  if (scale <= 0)
    return -1;
  n = trim(&s, n);
  pct = n > 0 && s[n - 1] == '%';
  if (pct)
    n--;
  if (pct || scale == 100) {
    if (number_core(s, n, o, -2, &v) < 0)
      return -1;
  } else {
    if (number_core(s, n, o, 0, &v) < 0)
      return -1;
    if (scale != 1)
      v /= scale;
  }
  *frac = v;
  return 0;
}

/* ---- formatting -------------------------------------------------------- */

/* Copy len bytes of tmp into buf like snprintf would; return len. */
static int emit(const char *tmp, size_t len, char *buf, size_t size) {
  if (size > 0) {
    size_t c = len < size - 1 ? len : size - 1;
    memcpy(buf, tmp, c);
    buf[c] = '\0';
  }
  return (int)len;
}

int revl_format_date(int32_t days, char *buf, size_t size) {
  char tmp[32];
  int64_t y;
  unsigned m, d;
  int len;
  civil_from_days64(days, &y, &m, &d);
  len = snprintf(tmp, sizeof tmp, "%04lld-%02u-%02u", (long long)y, m, d);
  return emit(tmp, (size_t)len, buf, size);
}

int revl_format_datetime(int64_t secs, char *buf, size_t size) {
  char tmp[48];
  int64_t days = secs / 86400, sod = secs % 86400, y;
  unsigned m, d;
  int len;
  if (sod < 0) {
    sod += 86400;
    days--;
  }
  civil_from_days64(days, &y, &m, &d);
  len = snprintf(tmp, sizeof tmp, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                 (long long)y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60),
                 (int)(sod % 60));
  return emit(tmp, (size_t)len, buf, size);
}

/* Always '.' and ','; decimals are clamped to 0-30. */
int revl_format_money(int64_t minor, int decimals, int group, char *buf,
                      size_t size) {
  char digits[64], tmp[96];
  uint64_t mag = minor < 0 ? 0 - (uint64_t)minor : (uint64_t)minor;
  size_t nd = 0, len = 0, k, nint;
  if (decimals < 0)
    decimals = 0;
  if (decimals > 30)
    decimals = 30;
  do { /* least significant first */
    digits[nd++] = (char)('0' + mag % 10);
    mag /= 10;
  } while (mag);
  while (nd < (size_t)decimals + 1)
    digits[nd++] = '0';
  nint = nd - (size_t)decimals;
  if (minor < 0)
    tmp[len++] = '-';
  for (k = 0; k < nint; k++) {
    if (group && k > 0 && (nint - k) % 3 == 0)
      tmp[len++] = ',';
    tmp[len++] = digits[nd - 1 - k];
  }
  if (decimals > 0) {
    tmp[len++] = '.';
    for (k = nint; k < nd; k++)
      tmp[len++] = digits[nd - 1 - k];
  }
  return emit(tmp, len, buf, size);
}

/* ---- UTF-8 ------------------------------------------------------------- */

int revl_utf8_valid(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    /* eight ASCII bytes, none of them NUL, at a time */
    const uint64_t high = 0x8080808080808080ull, ones = 0x0101010101010101ull;
    while (n - i >= 8) {
      uint64_t w;
      memcpy(&w, u + i, 8);
      if ((w & high) || ((w - ones) & ~w & high)) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned c = u[i];
    unsigned lo = 0x80, hi = 0xBF;
    size_t need, k;
    if (c == 0)
      return 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0)
        lo = 0xA0; /* overlong */
      if (c == 0xED)
        hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0)
        lo = 0x90; /* overlong */
      if (c == 0xF4)
        hi = 0x8F; /* > U+10FFFF */
    } else {
      return 0;
    }
    if (n - i <= need)
      return 0;
    if (u[i + 1] < lo || u[i + 1] > hi)
      return 0;
    for (k = 2; k <= need; k++)
      if (u[i + k] < 0x80 || u[i + k] > 0xBF)
        return 0;
    i += need + 1;
  }
  return 1;
}
