/*
 * runmeta.h -- what a decision log records about the run that made it:
 * the sha256 of each input file, the git commit of the playbook and
 * whether its work tree had changes, and the shell helpers behind them.
 * Plain C (src/output/runmeta.c); the Lua binding only pushes results.
 */
#ifndef REVL_RUNMETA_H
#define REVL_RUNMETA_H

#include <stddef.h>
#include <stdint.h>

#include "revl/common.h"
#include "revl/sbuf.h"

/* SHA-256 of n bytes at p into out (32 bytes). */
void revl_sha256(const void *p, size_t n, unsigned char out[32]);

/* Lower-case hex SHA-256 of the file at path into hex (65 bytes, NUL
 * ended).  0, or -1 (hex "unknown") when the file cannot be read.
 * Through coreutils' sha256sum when it is there (it uses the CPU's SHA
 * instructions: about twice as fast on large exports), else computed
 * here (revl_sha256_file_builtin). */
int revl_sha256_file(const char *path, char hex[65]);
int revl_sha256_file_builtin(const char *path, char hex[65]);

/* s quoted for a POSIX shell ('...' with embedded quotes as '\''):
 * malloc'ed, NULL when out of memory. */
char *revl_shell_quote(const char *s);

/* Run cmd through the shell: the first line of its output in out
 * (n bytes, NUL ended), *any_output (when not NULL) set when it wrote
 * anything.  Returns the pclose status (127 when it could not start). */
int revl_run_cmd(const char *cmd, char *out, size_t n, int *any_output);

/* revl_run_cmd of "<pre><arg quoted><post>"; REVL_ENOMEM (-1, never a
 * status) when out of memory. */
int revl_run_quoted(const char *pre, const char *arg, const char *post,
                    char *out, size_t n, int *any_output);

/* Git state of the directory holding the file `playbook`: commit (40 hex
 * digits, or "unknown" outside a repository or for playbook "unknown")
 * and *dirty: "true" / "false" (tracked files changed) or "unknown".
 * When the commit is unknown for a real file and why is not NULL, *why
 * says why in words (static text): not in a repository, or a repository
 * without commits; else NULL.  The repository's index is never written
 * (--no-optional-locks).  Returns 0, or REVL_ENOMEM when a command
 * could not be built (then nothing is known, not "no repository"). */
int revl_git_info(const char *playbook, char *commit, size_t cn,
                  const char **dirty, const char **why);

/* ---- the run record of a decision log ---------------------------------- */

typedef struct revl_run_input {
  const char *table, *file;
  size_t rows;
  const char *sha256;       /* hex, or "unknown" */
} revl_run_input;

typedef struct revl_run_record {
  const char *log, *as_of, *playbook, *commit;
  const char *dirty;        /* "true", "false" or "unknown" */
  const char *revl_version;
  const char *seed_json;    /* the seed as JSON text; NULL: null */
  const char *run_id;       /* revl_run_id's; NULL: not written */
  const revl_run_input *inputs;
  int ninputs;
} revl_run_record;

/* The record as one JSON object, keys sorted (as_of, commit, dirty,
 * inputs, log, playbook, revl_version, run_id, seed); dirty a boolean
 * unless unknown; inputs [{"file", "rows", "sha256", "table"}...]. */
void revl_run_json(revl_sbuf *b, const revl_run_record *r);

/* The run's id: the first REVL_RUN_ID_LEN hex digits of the SHA-256 of
 * the record's JSON without run_id and with log "" -- derived from the
 * run's content (never the clock), the same for every log of a run
 * with the same seed.  It joins a CSV log's rows to NAME.run.json. */
#define REVL_RUN_ID_LEN 12
/* 0, or REVL_ENOMEM when the JSON could not be built whole (id is then
 * not the run's). */
int revl_run_id(const revl_run_record *r, char id[REVL_RUN_ID_LEN + 1]);
/* The inputs column of a CSV log: "file=sha256;file=sha256". */
void revl_run_inputs_text(revl_sbuf *b, const revl_run_input *in, int n);

#endif
