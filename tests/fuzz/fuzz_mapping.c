/*
 * fuzz_mapping.c -- libFuzzer harness for mapping files: the input is a
 * mapping.lua, read by revl_mapping_read (src/ingest/mapping.c) under
 * its own instruction and memory limits.  Each failure must carry a
 * message.
 */
#include "fuzz_util.h"

#include "revl/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_file(data, size);
  revl_mapping m;
  memset(&m, 0, sizeof m);
  revl_error err;
  memset(&err, 0, sizeof err);
  int rc = revl_mapping_read(path, &m, &err);
  if (rc != 0 && err.msg[0] == 0) {
    fprintf(stderr, "mapping failed (%d) without a message\n", rc);
    abort();
  }
  revl_mapping_done(&m);
  return 0;
}
