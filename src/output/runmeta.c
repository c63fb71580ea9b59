/*
 * runmeta.c -- run metadata for decision logs: SHA-256 of input files
 * (by sha256sum when present, else computed here, FIPS 180-4), the
 * playbook's git commit and dirty state (through git, run by the
 * shell), shell quoting, and the run record a log carries (JSON, its
 * content-derived run_id, and the inputs text revl log re-joins).  No Lua: the binding caches and
 * pushes what these return.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/runmeta.h"

/* ---- SHA-256 ------------------------------------------------------------ */

typedef struct sha256_ctx {
  uint32_t h[8];
  uint64_t len;      /* bytes hashed */
  unsigned char buf[64];
  size_t nbuf;
} sha256_ctx;

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int k) { return (x >> k) | (x << (32 - k)); }

static void sha256_block(sha256_ctx *c, const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
  uint32_t e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = cc;
    cc = b;
    b = a;
    a = t1 + t2;
  }
  c->h[0] += a;
  c->h[1] += b;
  c->h[2] += cc;
  c->h[3] += d;
  c->h[4] += e;
  c->h[5] += f;
  c->h[6] += g;
  c->h[7] += h;
}

static void sha256_init(sha256_ctx *c) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->h, h0, sizeof h0);
  c->len = 0;
  c->nbuf = 0;
}

static void sha256_add(sha256_ctx *c, const unsigned char *p, size_t n) {
  c->len += n;
  if (c->nbuf) {
    size_t k = 64 - c->nbuf < n ? 64 - c->nbuf : n;
    memcpy(c->buf + c->nbuf, p, k);
    c->nbuf += k;
    p += k;
    n -= k;
    if (c->nbuf < 64) return;
    sha256_block(c, c->buf);
    c->nbuf = 0;
  }
  for (; n >= 64; p += 64, n -= 64) sha256_block(c, p);
  memcpy(c->buf, p, n);
  c->nbuf = n;
}

static void sha256_end(sha256_ctx *c, unsigned char out[32]) {
  uint64_t bits = c->len * 8;
  unsigned char pad[72] = {0x80};
  size_t k = c->nbuf < 56 ? 56 - c->nbuf : 120 - c->nbuf;
  for (int i = 0; i < 8; i++) pad[k + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
  sha256_add(c, pad, k + 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (unsigned char)(c->h[i] >> 24);
    out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
    out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
    out[4 * i + 3] = (unsigned char)c->h[i];
  }
}

void revl_sha256(const void *p, size_t n, unsigned char out[32]) {
  sha256_ctx c;
  sha256_init(&c);
  sha256_add(&c, p, n);
  sha256_end(&c, out);
}

int revl_sha256_file_builtin(const char *path, char hex[65]) {
  snprintf(hex, 65, "unknown");
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  sha256_ctx c;
  sha256_init(&c);
  unsigned char buf[65536];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) sha256_add(&c, buf, k);
  int bad = ferror(f);
  fclose(f);
  if (bad) return -1;
  unsigned char d[32];
  sha256_end(&c, d);
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
  return 0;
}

/* ---- the shell ------------------------------------------------------------ */

char *revl_shell_quote(const char *s) {
  size_t n = 3;
  for (const char *p = s; *p; p++) n += *p == '\'' ? 4 : 1;
  char *q = malloc(n), *o = q;
  if (!q) return NULL;
  *o++ = '\'';
  for (; *s; s++) {
    if (*s == '\'') {
      memcpy(o, "'\\''", 4);
      o += 4;
    } else {
      *o++ = *s;
    }
  }
  *o++ = '\'';
  *o = '\0';
  return q;
}

int revl_run_cmd(const char *cmd, char *out, size_t n, int *any_output) {
  out[0] = '\0';
  if (any_output) *any_output = 0;
  fflush(NULL);
  FILE *p = popen(cmd, "r");
  if (!p) return 127;
  size_t k = 0;
  int ch;
  while ((ch = fgetc(p)) != EOF) {
    if (any_output) *any_output = 1;
    if (k + 1 < n && ch != '\n' && (k == 0 || out[k - 1] != '\n')) out[k++] = (char)ch;
    else if (ch == '\n' && k + 1 < n) out[k++] = '\n';
  }
  out[k] = '\0';
  char *nl = strchr(out, '\n');
  if (nl) *nl = '\0';
  return pclose(p);
}

int revl_run_quoted(const char *pre, const char *arg, const char *post, char *out,
                    size_t n, int *any_output) {
  char *q = revl_shell_quote(arg);
  size_t len = q ? strlen(pre) + strlen(q) + strlen(post) + 1 : 0;
  char *cmd = q ? malloc(len) : NULL;
  if (!cmd) {
    free(q);
    out[0] = '\0';
    if (any_output) *any_output = 0;
    return REVL_ENOMEM;
  }
  snprintf(cmd, len, "%s%s%s", pre, q, post);
  int st = revl_run_cmd(cmd, out, n, any_output);
  free(cmd);
  free(q);
  return st;
}

static int is_hex(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
  }
  return 1;
}

/* ---- sha256 of files, git ---------------------------------------------------- */


int revl_sha256_file(const char *path, char hex[65]) {
  char out[512];
  int st = revl_run_quoted("sha256sum -- ", path, " 2>/dev/null", out, sizeof out, NULL);
  const char *h = out[0] == '\\' ? out + 1 : out; /* an escaped file name */
  if (st == 0 && strlen(h) >= 64 && is_hex(h, 64)) {
    memcpy(hex, h, 64);
    hex[64] = '\0';
    return 0;
  }
  return revl_sha256_file_builtin(path, hex);
}

int revl_git_info(const char *playbook, char *commit, size_t cn, const char **dirty,
                  const char **why) {
  snprintf(commit, cn, "unknown");
  *dirty = "unknown";
  if (why) *why = NULL;
  if (strcmp(playbook, "unknown") == 0) return 0;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", playbook);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  if (!dir[0]) snprintf(dir, sizeof dir, "/");
  char out[256];
  int st = revl_run_quoted("git -C ", dir, " rev-parse HEAD 2>/dev/null", out, sizeof out, NULL);
  if (st == REVL_ENOMEM) return st;
  if (st != 0 || strlen(out) != 40 || !is_hex(out, 40)) {
    if (!why) return 0;
    /* which of the two: no repository, or one without a commit yet */
    st = revl_run_quoted("git -C ", dir, " rev-parse --git-dir 2>/dev/null", out, sizeof out,
                         NULL);
    if (st == REVL_ENOMEM) {
      *why = NULL;
      return st;
    }
    *why = st == 0 && out[0] ? "its git repository has no commits yet"
                             : "it is not in a git repository (or git is missing)";
    return 0;
  }
  snprintf(commit, cn, "%s", out);
  /* --no-optional-locks: a log never writes the repository's index */
  int any;
  st = revl_run_quoted("git --no-optional-locks -C ", dir,
                       " status --porcelain --untracked-files=no 2>/dev/null", out,
                       sizeof out, &any);
  if (st == REVL_ENOMEM) {
    snprintf(commit, cn, "unknown");
    return st;
  }
  if (st == 0) *dirty = any ? "true" : "false";
  return 0;
}

/* ---- the run record --------------------------------------------------------- */

static void key(revl_sbuf *b, const char *k, int first) {
  if (!first) revl_sb_add(b, ",", 1);
  revl_sb_json(b, k, strlen(k));
  revl_sb_add(b, ":", 1);
}

static void str(revl_sbuf *b, const char *s) { revl_sb_json(b, s, strlen(s)); }

void revl_run_json(revl_sbuf *b, const revl_run_record *r) {
  revl_sb_add(b, "{", 1);
  key(b, "as_of", 1);
  str(b, r->as_of);
  key(b, "commit", 0);
  str(b, r->commit);
  key(b, "dirty", 0);
  if (strcmp(r->dirty, "unknown") == 0) str(b, r->dirty);
  else revl_sb_adds(b, strcmp(r->dirty, "true") == 0 ? "true" : "false");
  key(b, "inputs", 0);
  revl_sb_add(b, "[", 1);
  for (int i = 0; i < r->ninputs; i++) {
    const revl_run_input *in = &r->inputs[i];
    if (i) revl_sb_add(b, ",", 1);
    revl_sb_add(b, "{", 1);
    key(b, "file", 1);
    str(b, in->file);
    key(b, "rows", 0);
    revl_sb_addf(b, "%zu", in->rows);
    key(b, "sha256", 0);
    str(b, in->sha256);
    key(b, "table", 0);
    str(b, in->table);
    revl_sb_add(b, "}", 1);
  }
  revl_sb_add(b, "]", 1);
  key(b, "log", 0);
  str(b, r->log);
  key(b, "playbook", 0);
  str(b, r->playbook);
  key(b, "revl_version", 0);
  str(b, r->revl_version);
  if (r->run_id) {
    key(b, "run_id", 0);
    str(b, r->run_id);
  }
  key(b, "seed", 0);
  revl_sb_adds(b, r->seed_json ? r->seed_json : "null");
  revl_sb_add(b, "}", 1);
}

int revl_run_id(const revl_run_record *r, char id[REVL_RUN_ID_LEN + 1]) {
  revl_run_record c = *r;
  c.run_id = NULL;
  c.log = ""; /* every log of one run shares its id */
  revl_sbuf b = {0};
  revl_run_json(&b, &c);
  unsigned char d[32];
  revl_sha256(b.n ? revl_sb_str(&b) : "", b.n, d);
  int oom = b.oom;
  revl_sb_free(&b);
  for (int i = 0; i < REVL_RUN_ID_LEN / 2; i++) snprintf(id + 2 * i, 3, "%02x", d[i]);
  return oom ? REVL_ENOMEM : 0;
}

void revl_run_inputs_text(revl_sbuf *b, const revl_run_input *in, int n) {
  for (int i = 0; i < n; i++) {
    if (i) revl_sb_adds(b, ";");
    revl_sb_adds(b, in[i].file);
    revl_sb_adds(b, "=");
    revl_sb_adds(b, in[i].sha256);
  }
}
