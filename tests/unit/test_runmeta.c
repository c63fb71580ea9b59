/*
 * test_runmeta.c -- unit tests for src/output/runmeta.c: SHA-256 of
 * known texts and files, built in and through sha256sum (the FIPS 180-4
 * examples, files around a block boundary, a missing file, a name with
 * shell characters), shell quoting, commands, and the
 * git state of a playbook outside any repository.
 */
#include "revl/runmeta.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hex_of(const unsigned char d[32], char hex[65]) {
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int main(void) {
  unsigned char d[32];
  char hex[65];
  revl_sha256("", 0, d);
  hex_of(d, hex);
  CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  revl_sha256("abc", 3, d);
  hex_of(d, hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  revl_sha256(two, strlen(two), d);
  hex_of(d, hex);
  CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

  const char *base = getenv("TMPDIR");
  char dir[256], path[300];
  snprintf(dir, sizeof dir, "%s/revl-runmeta.XXXXXX", base && base[0] ? base : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  /* a million 'a' (the FIPS long example): crosses read blocks */
  snprintf(path, sizeof path, "%s/a.csv", dir);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    for (int i = 0; i < 1000000; i++) putc('a', f);
    fclose(f);
  }
  CHECK_INT(revl_sha256_file(path, hex), 0);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK_INT(revl_sha256_file_builtin(path, hex), 0);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  /* every length around a block boundary agrees with the in-memory hash */
  char buf[200];
  memset(buf, 'x', sizeof buf);
  int same = 1;
  for (size_t n = 50; n < 140 && same; n++) {
    f = fopen(path, "wb");
    if (!f) break;
    fwrite(buf, 1, n, f);
    fclose(f);
    char h2[65];
    revl_sha256(buf, n, d);
    hex_of(d, h2);
    same = revl_sha256_file_builtin(path, hex) == 0 && strcmp(hex, h2) == 0 &&
           revl_sha256_file(path, hex) == 0 && strcmp(hex, h2) == 0;
  }
  CHECK(same);
  unlink(path);
  CHECK_INT(revl_sha256_file(path, hex), -1);
  CHECK_STR(hex, "unknown");
  CHECK_INT(revl_sha256_file_builtin(path, hex), -1);
  CHECK_STR(hex, "unknown");
  /* a name the shell would otherwise read */
  snprintf(path, sizeof path, "%s/it's $HOME;.csv", dir);
  f = fopen(path, "wb");
  if (f) {
    fputs("abc", f);
    fclose(f);
  }
  CHECK_INT(revl_sha256_file(path, hex), 0);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  unlink(path);

  char *q = revl_shell_quote("it's here");
  CHECK_STR(q, "'it'\\''s here'");
  free(q);
  char out[64];
  int any = -1;
  CHECK_INT(revl_run_quoted("printf '%s\\n' ", "it's", " second", out, sizeof out, &any), 0);
  CHECK_STR(out, "it's");
  CHECK_INT(any, 1);
  CHECK_INT(revl_run_cmd("true", out, sizeof out, &any), 0);
  CHECK_STR(out, "");
  CHECK_INT(any, 0);

  /* a playbook outside any repository; the "unknown" playbook */
  char commit[64];
  const char *dirty = NULL, *why = NULL;
  snprintf(path, sizeof path, "%s/p.lua", dir);
  revl_git_info(path, commit, sizeof commit, &dirty, &why);
  CHECK_STR(commit, "unknown");
  CHECK_STR(dirty, "unknown");
  CHECK(why != NULL && strstr(why, "not in a git repository") != NULL);
  revl_git_info("unknown", commit, sizeof commit, &dirty, &why);
  CHECK_STR(commit, "unknown");
  CHECK_STR(dirty, "unknown");
  CHECK(why == NULL);
  rmdir(dir);
  TEST_END();
}
