/*
 * test_transform.c -- the pieces of mapping transforms that must be
 * exact: decimal parsing and scaling into minor units, date formats,
 * and the positions the mapping source scan finds.
 */
#include "ingest/mapint.h"
#include "test.h"

static void test_decimals(void) {
  int64_t m, minor;
  int e;
  CHECK_INT(revl_dec_parse("1.25", 4, NULL, &m, &e), 0);
  CHECK_INT(m, 125);
  CHECK_INT(e, 2);
  /* 1.25 M into cents: exactly 125,000,000 */
  CHECK_INT(revl_dec_to_minor(m * 1000000, e, 2, &minor), 0);
  CHECK_INT(minor, 125000000);
  /* trailing zeros do not count as precision */
  CHECK_INT(revl_dec_parse("-3.500", 6, NULL, &m, &e), 0);
  CHECK_INT(m, -35);
  CHECK_INT(e, 1);
  /* a fraction of a cent is refused, not rounded */
  CHECK_INT(revl_dec_parse("0.125", 5, NULL, &m, &e), 0);
  CHECK(revl_dec_to_minor(m, e, 2, &minor) != 0);
  /* 0.1 + 0.2 style values stay exact: 0.3 M = 300,000.00 */
  CHECK_INT(revl_dec_parse("0.3", 3, NULL, &m, &e), 0);
  CHECK_INT(revl_dec_to_minor(m * 1000000, e, 2, &minor), 0);
  CHECK_INT(minor, 30000000);
  revl_parse_opts eu = {0, ',', '.'};
  CHECK_INT(revl_dec_parse("1.234,5", 7, &eu, &m, &e), 0);
  CHECK_INT(m, 12345);
  CHECK_INT(e, 1);
  CHECK(revl_dec_parse("12x", 3, NULL, &m, &e) != 0);
  CHECK(revl_dec_parse("", 0, NULL, &m, &e) != 0);
  CHECK(revl_dec_parse("99999999999999999999", 20, NULL, &m, &e) != 0);
  char buf[64];
  revl_dec_format(-5, 3, buf, sizeof buf);
  CHECK_STR(buf, "-0.005");
  revl_dec_format(125, 2, buf, sizeof buf);
  CHECK_STR(buf, "1.25");
  revl_dec_format(7, 0, buf, sizeof buf);
  CHECK_STR(buf, "7");
}

static void test_dates(void) {
  revl_datefmt f = {"%d.%m.%Y", 0};
  int32_t d;
  int64_t secs;
  CHECK_INT(revl_datefmt_parse(&f, "15.01.2025", 10, &d, &secs), 0);
  CHECK_INT(d, revl_days_from_civil(2025, 1, 15));
  CHECK(revl_datefmt_parse(&f, "31.02.2025", 10, &d, &secs) != 0);
  CHECK(revl_datefmt_parse(&f, "15.01.2025x", 11, &d, &secs) != 0);
  revl_datefmt g = {"%d-%b-%y %H:%M", 1};
  CHECK_INT(revl_datefmt_parse(&g, "3-Mar-25 14:05", 14, &d, &secs), 0);
  CHECK_INT(secs, (int64_t)revl_days_from_civil(2025, 3, 3) * 86400 + 14 * 3600 + 300);
  CHECK_INT(revl_datefmt_parse(&g, "3-march-25 14:05", 16, &d, &secs), 0);
  CHECK(revl_datefmt_parse(&g, "3-Mrz-25 14:05", 14, &d, &secs) != 0);
}

static void test_positions(void) {
  const char *src =
      "-- a comment { not a table }\n"
      "local won = { \"Signed\" }\n"
      "return {\n"
      "  deals = {\n"
      "    [\"file\"] = \"x.csv\", -- } comment\n"
      "    derive = { amount = { from = 'Rev (M)', scale = 1000 } },\n"
      "    stages = { won = won },\n"
      "    null = { [[a}]], \"b\" },\n"
      "  },\n"
      "}\n";
  revl_mapsrc ms;
  revl_mapsrc_scan(&ms, src, strlen(src));
  int line, col;
  revl_mapsrc_find(&ms, "deals\x1f" "file", 0, &line, &col);
  CHECK_INT(line, 5);
  CHECK_INT(col, 16);
  revl_mapsrc_find(&ms, "deals\x1f" "derive\x1f" "amount\x1f" "scale", 1, &line, &col);
  CHECK_INT(line, 6);
  CHECK_INT(col, 45);
  revl_mapsrc_find(&ms, "deals\x1f" "null\x1f" "2", 0, &line, &col);
  CHECK_INT(line, 8);
  CHECK_INT(col, 22);
  /* built by code: the nearest entry written out */
  revl_mapsrc_find(&ms, "deals\x1f" "stages\x1f" "won\x1f" "1", 0, &line, &col);
  CHECK_INT(line, 7);
  CHECK_INT(col, 16);
  revl_mapsrc_find(&ms, "accounts", 0, &line, &col);
  CHECK_INT(line, 0);
  revl_mapsrc_done(&ms);
}

int main(void) {
  test_decimals();
  test_dates();
  test_positions();
  TEST_END();
}
