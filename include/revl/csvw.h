/*
 * csvw.h -- atomic CSV writer.
 *
 * Rows are written to a temporary file next to the target and renamed
 * over it on revl_csvw_commit, so a reader never sees a half-written
 * file.  Fields are quoted through libcsv only when they need it.
 */
#ifndef REVL_CSVW_H
#define REVL_CSVW_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "revl/common.h"

typedef struct revl_csvw revl_csvw;

/* Open a writer for path (its directory must exist; see revl_mkdirs).
 * Returns NULL and fills err on failure.  Caller owns the writer and must
 * end it with revl_csvw_commit or revl_csvw_abort. */
revl_csvw *revl_csvw_open(const char *path, revl_error *err);

/* Open a writer for rel under the directory root (created when missing),
 * confined to it: rel must be relative without "..", every directory
 * component is opened (or created) without following symlinks, a final
 * name that is a symlink is an error, and the temporary file is created
 * with O_EXCL | O_NOFOLLOW and renamed within its directory.  Errors
 * name rel; the writer's path for messages is "root/rel". */
revl_csvw *revl_csvw_open_in(const char *root, const char *rel,
                             revl_error *err);

/* The directory step of revl_csvw_open_in, for readers of files under
 * --out: *dfd (caller closes) is the directory holding rel's final name
 * *base (a pointer into rel). */
int revl_out_dir_open(const char *root, const char *rel, int *dfd,
                      const char **base, revl_error *err);

/* A writer onto an open stream it does not own (standard output for
 * `--out -` and `revl eval`): no temporary file; commit flushes and
 * leaves fp open; abort flushes what was written.  With json_array the
 * JSON Lines written become the elements of one JSON array.  `shown`
 * names the stream in errors. */
revl_csvw *revl_csvw_open_stream(FILE *fp, const char *shown, int json_array,
                                 revl_error *err);

/* A writer that writes nowhere (outputs discarded by revl explain and
 * revl diff): every call succeeds, commit creates no file.  `shown`
 * names it in errors. */
revl_csvw *revl_csvw_open_null(const char *shown, revl_error *err);
/* 1 when w writes nowhere: a caller may skip formatting rows. */
int revl_csvw_discards(const revl_csvw *w);

/* Remove the temporary files of every open writer (async-signal-safe). */
void revl_csvw_remove_temps(void);
/* Remove them on SIGINT, SIGTERM and SIGHUP, then die of the signal as
 * before (signals the parent ignores stay ignored). */
void revl_csvw_catch_signals(void);

/* Append one field (n bytes) to the current row. */
void revl_csvw_field(revl_csvw *w, const char *s, size_t n);
void revl_csvw_str(revl_csvw *w, const char *s); /* NUL-terminated; NULL = empty */
void revl_csvw_int(revl_csvw *w, int64_t v);
void revl_csvw_fmt(revl_csvw *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Raw bytes, for non-CSV text files written the same atomic way. */
void revl_csvw_raw(revl_csvw *w, const char *s, size_t n);
/* A JSON string: s[0..n) quoted, with quotes, backslashes and control
 * characters escaped (for JSON Lines written through the same writer). */
void revl_csvw_json(revl_csvw *w, const char *s, size_t n);
/* End the current row. */
void revl_csvw_end(revl_csvw *w);

/* Push what is buffered to the file and report a write that failed so
 * far, w left open: for outputs committed together (a decision log's
 * three files), so a full disk is found before any of them is renamed.
 * Returns 0 or REVL_EIO (the caller aborts w). */
int revl_csvw_flush(revl_csvw *w, revl_error *err);
/* Flush, close and rename into place; frees w.  Returns 0 or REVL_EIO. */
int revl_csvw_commit(revl_csvw *w, revl_error *err);
/* Discard the temporary file; frees w.  NULL is a no-op. */
void revl_csvw_abort(revl_csvw *w);

/* Create dir and its parents (mode 0777 & umask).  0 or REVL_EIO. */
int revl_mkdirs(const char *dir, revl_error *err);

#endif
