/*
 * parse.h -- parsers for the value formats real CRM exports contain.
 *
 * Every parser takes a byte range (not NUL-terminated; n bytes at s),
 * ignores surrounding ASCII whitespace, and returns 0 on success or -1
 * when the text is not a value of that type (the output is then left
 * unchanged).  The caller decides whether the text is a null token first:
 * an empty range is never a value.  No parser allocates.
 */
#ifndef REVL_PARSE_H
#define REVL_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* How ambiguous text is read; a zeroed struct is the documented default
 * (m/d/Y for slashed dates, '.' decimal point, ',' thousands separator). */
typedef struct revl_parse_opts {
  char date_order;    /* 0 or 'M': m/d/Y; 'D': d/m/Y; 'Y': only ISO */
  char decimal_sep;   /* 0 means '.' */
  char thousands_sep; /* 0 means ','; ' ' also accepts U+00A0 and U+202F */
} revl_parse_opts;

/* Integer: optional sign, digits, optional thousands separators in groups
 * of three ("1,200"), a ".0..." fractional part of zeros only.  Rejects
 * overflow. */
int revl_parse_int(const char *s, size_t n, const revl_parse_opts *o,
                   int64_t *out);

/* Number: decimal with optional sign, thousands separators, fraction and
 * exponent ("1.5e3"); rejects inf/nan and hex. */
int revl_parse_number(const char *s, size_t n, const revl_parse_opts *o,
                      double *out);

/* Boolean: true/false, yes/no, y/n, t/f, 1/0, on/off (any case). */
int revl_parse_bool(const char *s, size_t n, int *out);

/* Date as days since 1970-01-01.  Accepts YYYY-MM-DD, YYYY/MM/DD,
 * an ISO datetime (the date part in its own offset, i.e. the local
 * calendar date written), m/d/YYYY or d/m/YYYY per o->date_order
 * (1 or 2 digit day and month, 4-digit year; two-digit years rejected),
 * and epoch milliseconds (a 12-13 digit integer).  Validates the day
 * of month including leap years. */
int revl_parse_date(const char *s, size_t n, const revl_parse_opts *o,
                    int32_t *days);

/* Datetime as UTC seconds since the epoch.  Accepts
 * YYYY-MM-DD[ T]HH:MM[:SS[.fff...]][Z|+HH:MM|+HHMM|-HH], a bare date
 * (midnight UTC), m/d/YYYY [h:mm[:ss] [AM|PM]] per date_order, and epoch
 * milliseconds (12-13 digits, fraction truncated toward minus infinity). */
int revl_parse_datetime(const char *s, size_t n, const revl_parse_opts *o,
                        int64_t *secs);

/* Money as integer minor units.  Accepts an optional sign or
 * parentheses for negatives, a currency symbol ($ € £ ¥) or ISO code
 * before or after the number ("USD 1200", "1.200,50 €", "$1,200.50"),
 * thousands separators, and at most `decimals` fraction digits (extra
 * trailing zeros are fine; "1.005" with decimals=2 is rejected, never
 * rounded).  When the text names a currency, its 3-letter ISO code is
 * written to cur (NUL-terminated) and its own decimals are used;
 * otherwise cur[0] is set to 0 and `decimals` applies. */
int revl_parse_money(const char *s, size_t n, const revl_parse_opts *o,
                     int decimals, int64_t *minor, char cur[4]);

/* Percentage as a number in the scale given: scale 100 means the text is
 * 0-100 ("45", "45%", "45.5"), scale 1 means 0-1 ("0.45"); a trailing
 * '%' always means 0-100.  The result is a fraction 0..1 (values outside
 * are returned as they are; callers decide). */
int revl_parse_percent(const char *s, size_t n, const revl_parse_opts *o,
                       int scale, double *frac);

/* Decimals of an ISO 4217 currency code (2 when unknown). */
int revl_currency_decimals(const char *code);

/* Calendar helpers. */
int32_t revl_days_from_civil(int y, unsigned m, unsigned d);
void revl_civil_from_days(int32_t days, int *y, unsigned *m, unsigned *d);
int revl_is_leap(int y);
int revl_days_in_month(int y, unsigned m);

/* ---- arithmetic on dates and money (calc.c) ---- */
/* The dates arithmetic may produce: years 1-9999. */
#define REVL_DAYS_MIN (-719162) /* 0001-01-01 */
#define REVL_DAYS_MAX 2932896   /* 9999-12-31 */
/* d + k days, secs + days (a float), d + k months (the day clamped to
 * the month's end): 0, or -1 when the result leaves years 1-9999. */
int revl_date_plus(int32_t d, int64_t k, int32_t *out);
int revl_datetime_plus(int64_t secs, double days, int64_t *out);
int revl_add_months(int32_t d, int64_t k, int32_t *out);
/* The first day of d's "month", "quarter", "year", "fiscal_quarter" or
 * "fiscal_year" (fiscal years start in month fiscal_start); -1 for
 * another period. */
int revl_period_start(int32_t d, const char *period, int fiscal_start, int32_t *out);
/* 1 = Monday .. 7 = Sunday. */
int revl_weekday(int32_t days);
/* 10^d. */
int64_t revl_pow10(int d);
/* x minor units rounded half away from zero: 0, or -1 when x is not a
 * finite number within int64. */
int revl_money_round(double x, int64_t *out);
/* major whole units in minor units of a currency with those decimals:
 * 0, or -1 on overflow. */
int revl_money_from_int(int64_t major, int decimals, int64_t *out);
/* minor units as major units of cur (a float). */
double revl_money_major(int64_t minor, const char *cur);

/* Format helpers: write into buf (size >= 11 for dates, 21 for
 * datetimes), return the length. */
int revl_format_date(int32_t days, char *buf, size_t size);
int revl_format_datetime(int64_t secs, char *buf, size_t size);
/* Money in minor units with the given decimals: "-1,234,567.89"
 * (grouping when group != 0). */
int revl_format_money(int64_t minor, int decimals, int group, char *buf,
                      size_t size);

/* Validate UTF-8; returns 1 when s[0..n) is valid (NUL bytes are not). */
int revl_utf8_valid(const char *s, size_t n);

/* ---- values handed over by the bindings (cval.c) ---- */

/* A value as a playbook wrote it, handed over by a binding: the core
 * converts it to a column's units, checks it and words the names. */
typedef enum revl_cval_kind {
  REVL_CV_NIL, REVL_CV_STR, REVL_CV_INT, REVL_CV_NUM, REVL_CV_BOOL,
  REVL_CV_DATE, REVL_CV_DATETIME, REVL_CV_MONEY, REVL_CV_LIST, REVL_CV_OTHER
} revl_cval_kind;
typedef struct revl_cval {
  revl_cval_kind kind;
  const char *s;                 /* STR: the text (s[n] is NUL) */
  size_t n;
  int64_t i;                     /* INT, BOOL, DATE days, DATETIME secs, MONEY minor */
  char cur[4];                   /* MONEY: its currency */
  double d;                      /* NUM; INT as a double */
  const char *type;              /* type name in the playbook's language */
  const char *text;              /* how it prints (names); NULL when not asked */
  size_t textlen;
  const struct revl_cval *items; /* LIST */
  size_t nitems;
} revl_cval;

/* v as a CSV cell holds it (nil empty, numbers as revl_num_text, money
 * plain "1234.50", anything else its text) and as a JSON value (nil and
 * non-finite numbers null, money a bare number, text quoted), appended
 * to out. */
struct revl_sbuf;
void revl_cval_text(const revl_cval *v, struct revl_sbuf *out);
void revl_cval_json(const revl_cval *v, struct revl_sbuf *out);

#endif
