/*
 * test_derive_fn.c -- a mapping's derive function (fn = function(v) ...
 * end) runs once per distinct source value, not per row: 100,000 rows
 * with 30 distinct head counts and some nulls make 31 calls, whichever
 * thread parses the values (revl_load_typing -1, 0, 1), and the rows get
 * the memoized results.
 */
#include "ingest/mapint.h"
#include "revl/ingest.h"
#include "revl/store.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROWS 100000

static char dir[256];

static void write_data(void) {
  char p[300];
  snprintf(p, sizeof p, "%s/deals.csv", dir);
  FILE *f = fopen(p, "w");
  if (!f) exit(2);
  fprintf(f, "id,stage,Employees\n");
  for (int i = 0; i < ROWS; i++) {
    if (i % 1000 == 7) fprintf(f, "D%d,Open,\n", i);       /* a null */
    else fprintf(f, "D%d,Open,%d\n", i, (i % 30) * 100);   /* 30 values */
  }
  fclose(f);
  snprintf(p, sizeof p, "%s/mapping.lua", dir);
  f = fopen(p, "w");
  if (!f) exit(2);
  fprintf(f, "return { deals = { derive = {\n"
             "  tier = { from = \"Employees\", fn = function(v)\n"
             "    if v == nil then return \"unknown\" end\n"
             "    return tonumber(v) >= 1000 and \"big\" or \"small\"\n"
             "  end },\n"
             "  half = { from = \"Employees\", fn = function(v)\n"
             "    return v and tonumber(v) / 2\n"
             "  end } } } }\n");
  fclose(f);
}

static void load_once(int typing) {
  char mp[300], dp[300];
  snprintf(mp, sizeof mp, "%s/mapping.lua", dir);
  snprintf(dp, sizeof dp, "%s/deals.csv", dir);
  revl_mapping m;
  revl_error err;
  memset(&err, 0, sizeof err);
  CHECK_INT(revl_mapping_read(mp, &m, &err), 0);
  CHECK(m.fn != NULL); /* the state is kept for the functions */
  CHECK_INT(m.ntables, 1);
  revl_table_map *tm = &m.tables[0];
  CHECK_INT(tm->nderive, 2);
  revl_load_typing = typing;
  revl_store *s = revl_store_new();
  CHECK_INT(revl_load_file(s, "deals", dp, tm, 0, &err), 0);
  revl_load_typing = -1;
  /* 30 distinct head counts and the null: 31 calls each */
  CHECK_INT((long)revl_derive_fn_calls(&tm->derive[0]), 31);
  CHECK_INT((long)revl_derive_fn_calls(&tm->derive[1]), 31);
  revl_table *t = revl_store_table(s, "deals");
  CHECK(t != NULL);
  if (t) {
    CHECK_INT((long)t->nrows, ROWS);
    revl_column *tier = revl_table_column(t, "tier");
    revl_column *half = revl_table_column(t, "half");
    CHECK(tier && half);
    if (tier && half) {
      size_t big = 0, unknown = 0;
      double sum = 0;
      for (size_t r = 0; r < t->nrows; r++) {
        const char *v = revl_intern_str(&s->strings, tier->v.str[r]);
        big += strcmp(v, "big") == 0;
        unknown += strcmp(v, "unknown") == 0;
        if (revl_col_valid(half, r))
          sum += half->type == REVL_T_INT ? (double)half->v.i64[r] : half->v.f64[r];
      }
      CHECK_INT((long)unknown, ROWS / 1000);
      /* values 1000..2900 of 30 are big: 20 of 30, less the nulls there */
      size_t nb = 0;
      double want = 0;
      for (int i = 0; i < ROWS; i++) {
        if (i % 1000 == 7) continue;
        nb += (i % 30) * 100 >= 1000;
        want += (i % 30) * 50.0;
      }
      CHECK_INT((long)big, (long)nb);
      CHECK_DBL(sum, want, 1e-6);
    }
  }
  revl_store_free(s);
  revl_mapping_done(&m);
}

/* A mapping without functions closes its Lua state after the read. */
static void no_fn_no_state(void) {
  char mp[300];
  snprintf(mp, sizeof mp, "%s/plain.lua", dir);
  FILE *f = fopen(mp, "w");
  if (!f) exit(2);
  fprintf(f, "return { deals = { derive = { t = { from = \"Employees\", "
             "scale = 2 } } } }\n");
  fclose(f);
  revl_mapping m;
  revl_error err;
  CHECK_INT(revl_mapping_read(mp, &m, &err), 0);
  CHECK(m.fn == NULL);
  CHECK_INT((long)revl_derive_fn_calls(&m.tables[0].derive[0]), 0);
  revl_mapping_done(&m);
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/revl-derive-fn.XXXXXX");
  if (!mkdtemp(dir)) return 2;
  write_data();
  load_once(-1);
  load_once(0);
  load_once(1);
  no_fn_no_state();
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 2;
  TEST_END();
}
