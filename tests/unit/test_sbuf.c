/* Unit tests of the text buffer (revl_sbuf, src/sbuf.c): appends, and
 * an append that cannot get its memory: the text is left as it was and
 * oom is set until the next reset, so a writer can refuse the cut text. */
#include <stdint.h>
#include <string.h>

#include "revl/sbuf.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

/* error texts without the positions of revl's own Lua parts */
static void test_positions(void) {
  revl_sbuf b = {0};
  CHECK_INT(revl_sb_strip_positions(&b, "lua/route.lua:12: pb.lua:3: bad pool"), 1);
  CHECK_STR(revl_sb_str(&b), "pb.lua:3: bad pool");
  CHECK_INT(revl_has_position(revl_sb_str(&b)), 1);
  revl_sb_reset(&b);
  CHECK_INT(revl_sb_strip_positions(&b, "lua/rules.lua:x: kept, lua/a_b.lua:7: gone"), 1);
  CHECK_STR(revl_sb_str(&b), "lua/rules.lua:x: kept, gone");
  revl_sb_reset(&b);
  CHECK_INT(revl_sb_strip_positions(&b, "plain"), 0);
  CHECK_STR(revl_sb_str(&b), "plain");
  CHECK_INT(revl_has_position("file.lua: no line"), 0);
  revl_sb_free(&b);
}

int main(void) {
  test_positions();
  revl_sbuf b = {0};
  CHECK_STR(revl_sb_str(&b), "");
  revl_sb_adds(&b, "abc");
  revl_sb_num(&b, 2.5);
  revl_sb_points(&b, 20);
  CHECK_STR(revl_sb_str(&b), "abc2.5+20");
  CHECK_INT(b.oom, 0);
  /* sizes whose doubling would wrap: refused before any allocation (a
   * real failed realloc is what make allocfail sweeps; sanitizers abort
   * on an impossible size instead of returning NULL) */
  revl_sb_add(&b, "x", SIZE_MAX / 2);
  CHECK_INT(b.oom, 1);
  CHECK_STR(revl_sb_str(&b), "abc2.5+20");
  CHECK_INT(revl_sb_grow(&b, SIZE_MAX - 4), -1);
  revl_sb_adds(&b, "!"); /* later appends still work; oom stays */
  CHECK_STR(revl_sb_str(&b), "abc2.5+20!");
  CHECK_INT(b.oom, 1);
  revl_sb_reset(&b);
  CHECK_INT(b.oom, 0);
  CHECK_STR(revl_sb_str(&b), "");
  revl_sb_add(&b, "y", SIZE_MAX / 2 + 1);
  CHECK_INT(b.oom, 1);
  revl_sb_free(&b);
  CHECK_INT(b.oom, 0);
  CHECK(b.p == NULL);
  /* revl_num_text: the whole-number digit loop gives what %.15g (or
   * %.17g when that does not read back) gives, and -0 is "0" */
  static const double nums[] = {0.0, -0.0, 1, -1, 7, 42, -42, 100, 12345678,
                                999999999999999.0, -999999999999999.0, 1e15, -1e15,
                                9007199254740993.0, 1e300, 0.5, -2.5, 0.1, 1.0 / 3};
  for (size_t k = 0; k < sizeof nums / sizeof *nums; k++) {
    char got[40], want[40];
    double d = nums[k] == 0 ? 0 : nums[k];
    snprintf(want, sizeof want, "%.15g", d);
    if (strtod(want, NULL) != d) snprintf(want, sizeof want, "%.17g", d);
    revl_num_text(nums[k], got, sizeof got);
    CHECK_STR(got, want);
  }
  char i64[24];
  CHECK_INT(revl_i64_text(INT64_MIN, i64), 20);
  CHECK_STR(i64, "-9223372036854775808");
  CHECK_INT(revl_i64_text(0, i64), 1);
  CHECK_STR(i64, "0");
  TEST_END();
}
