/*
 * fuzz_parse.c -- libFuzzer harness for the value parsers of
 * src/parse/parse.c: integers, numbers, booleans, dates, datetimes,
 * money in every accepted form and percentages, under each date order
 * and number locale.  The first byte picks the options; the rest is the
 * text, given to every parser.  What a parser accepts must survive a
 * round trip through its formatter: a date or datetime printed and read
 * back is the same value, and so is money printed with its decimals.
 */
#include "fuzz_util.h"

#include <math.h>

#include "revl/parse.h"

static void roundtrip_fail(const char *what, const uint8_t *s, size_t n,
                           const char *printed) {
  fprintf(stderr, "%s round trip: '%.*s' -> '%s'\n", what, (int)n,
          (const char *)s, printed);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned sel = data[0];
  const char *s = (const char *)data + 1;
  size_t n = size - 1;
  revl_parse_opts o;
  memset(&o, 0, sizeof o);
  o.date_order = "\0MDY"[sel & 3];
  switch ((sel >> 2) & 3) {
  case 1: o.decimal_sep = ','; o.thousands_sep = '.'; break;
  case 2: o.decimal_sep = ','; o.thousands_sep = ' '; break;
  case 3: o.decimal_sep = '.'; o.thousands_sep = '\''; break;
  }
  int decimals = (int)((sel >> 4) & 3); /* 0..3 */
  int scale = (sel & 64) ? 100 : 1;
  const revl_parse_opts dflt = {0, 0, 0};
  char buf[64];

  int64_t i64;
  (void)revl_parse_int(s, n, &o, &i64);
  double d;
  if (revl_parse_number(s, n, &o, &d) == 0 && !isfinite(d)) {
    fprintf(stderr, "number parser returned a non-finite value\n");
    abort();
  }
  int b;
  (void)revl_parse_bool(s, n, &b);

  int32_t days;
  if (revl_parse_date(s, n, &o, &days) == 0) {
    int len = revl_format_date(days, buf, sizeof buf);
    int32_t back;
    if (len <= 0 || revl_parse_date(buf, (size_t)len, &dflt, &back) != 0 ||
        back != days)
      roundtrip_fail("date", data + 1, n, buf);
    int y;
    unsigned m, dd;
    revl_civil_from_days(days, &y, &m, &dd);
    if (m < 1 || m > 12 || dd < 1 || (int)dd > revl_days_in_month(y, m))
      roundtrip_fail("civil date", data + 1, n, buf);
  }
  int64_t secs;
  if (revl_parse_datetime(s, n, &o, &secs) == 0) {
    int len = revl_format_datetime(secs, buf, sizeof buf);
    int64_t back;
    if (len <= 0 || revl_parse_datetime(buf, (size_t)len, &dflt, &back) != 0 ||
        back != secs)
      roundtrip_fail("datetime", data + 1, n, buf);
  }
  int64_t minor;
  char cur[4];
  if (revl_parse_money(s, n, &o, decimals, &minor, cur) == 0) {
    int dec = cur[0] ? revl_currency_decimals(cur) : decimals;
    int len = revl_format_money(minor, dec, sel & 128, buf, sizeof buf);
    int64_t back;
    char cur2[4];
    if (len <= 0 || revl_parse_money(buf, (size_t)len, &dflt, dec, &back, cur2) != 0 ||
        back != minor)
      roundtrip_fail("money", data + 1, n, buf);
  }
  double frac;
  if (revl_parse_percent(s, n, &o, scale, &frac) == 0 && !isfinite(frac)) {
    fprintf(stderr, "percent parser returned a non-finite value\n");
    abort();
  }
  (void)revl_utf8_valid(s, n);
  return 0;
}
