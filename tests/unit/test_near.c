/* Unit tests of the did-you-mean helper (revl_near_*, src/common.c):
 * one edit per three letters, swapped neighbours as one edit, case
 * ignored, no hint for an exact match or a far name. */
#include <string.h>

#include "revl/common.h"
#include "test.h"

static const char *hint(const char *name, const char *const *cands) {
  static char buf[160];
  revl_near n;
  revl_near_init(&n, name);
  for (; *cands; cands++) revl_near_add(&n, *cands);
  return revl_near_hint(&n, buf, sizeof buf);
}

int main(void) {
  static const char *const cols[] = {"amount", "stage", "close_date", "owner", NULL};
  static const char *const cmds[] = {"run", "repl", "table", "test", "check", NULL};
  CHECK_STR(hint("amout", cols), " (did you mean 'amount'?)");
  CHECK_STR(hint("AMOUNT", cols), "");           /* same name: no hint */
  CHECK_STR(hint("Amont", cols), " (did you mean 'amount'?)");
  CHECK_STR(hint("tabel", cmds), " (did you mean 'table'?)"); /* swap */
  CHECK_STR(hint("chekc", cmds), " (did you mean 'check'?)"); /* swap at the end */
  CHECK_STR(hint("sgtae", cols), "");           /* two swaps in five letters */
  CHECK_STR(hint("colse_date", cols), " (did you mean 'close_date'?)");
  CHECK_STR(hint("type", cols), "");            /* too far */
  CHECK_STR(hint("x", cols), "");
  CHECK_STR(hint("", cols), "");
  /* candidates too long or too short to be within the hint's distance
   * are skipped, whatever their order */
  static const char *const mixed[] = {"a", "amount_in_usd", "amount", "amounts", NULL};
  CHECK_STR(hint("amout", mixed), " (did you mean 'amount'?)");
  CHECK_STR(hint("amountt", mixed), " (did you mean 'amount'?)");
  CHECK_STR(hint("amount_in_us", mixed), " (did you mean 'amount_in_usd'?)");
  static const char *const far[] = {"amount_in_usd", NULL};
  CHECK_STR(hint("amount", far), "");
  static const char *const none[] = {NULL};
  CHECK_STR(hint("amount", none), "");
  TEST_END();
}
