/*
 * fuzz_csv.c -- libFuzzer harness for CSV ingest: the input is one CSV
 * export, loaded as each well-known table under each preset (generic,
 * salesforce, hubspot), lenient and strict, then the references are
 * linked.  The first byte picks the table, preset, strictness,
 * delimiter and number format; the rest is the file.  The load's reader
 * runs on one reused thread (fuzz_thread.h).
 */
#include "fuzz_util.h"
#include "fuzz_thread.h"

#include "revl/ingest.h"
#include "revl/store.h"

static const char *const tables[] = {"accounts", "deals", "leads", "reps",
                                     "activities", "stage_history",
                                     "subscriptions", "usage", "custom"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  unsigned sel = data[0], sel2 = data[1];
  const char *path = fuzz_file(data + 2, size - 2);
  revl_table_map map;
  memset(&map, 0, sizeof map);
  const char *name = tables[sel % (sizeof tables / sizeof *tables)];
  snprintf(map.name, sizeof map.name, "%s", name);
  map.preset = (int)((sel / 9) % 3);
  map.delimiter = (sel2 & 3) == 1 ? ';' : (sel2 & 3) == 2 ? '\t' : 0;
  map.popts.date_order = "\0MDY"[(sel2 >> 2) & 3];
  if (sel2 & 16) {
    map.popts.decimal_sep = ',';
    map.popts.thousands_sep = '.';
  }
  map.prob_scale = (sel2 & 32) ? 100 : 0;
  int strict = (sel / 27) & 1;

  revl_store *s = revl_store_new();
  if (!s) return 0;
  revl_error err;
  memset(&err, 0, sizeof err);
  fuzz_pool_on = 1;
  int rc = revl_load_file(s, name, path, &map, strict, &err);
  fuzz_pool_on = 0;
  if (rc == 0) {
    revl_store_link_all(s, NULL);
  } else if (err.msg[0] == 0) {
    /* every failure says what is wrong */
    fprintf(stderr, "load failed (%d) without a message\n", rc);
    abort();
  }
  revl_store_free(s);
  return 0;
}
