/*
 * declog.h -- decision frames written as CSV or JSON Lines, with the
 * metadata of a decision log (src/rules/declog.c).  The caller opens the
 * writer (for playbooks: confined to --out, temporary file renamed on
 * commit; see revl_out_open) and commits it; these only write rows.
 */
#ifndef REVL_DECLOG_H
#define REVL_DECLOG_H

#include "revl/csvw.h"
#include "revl/reasons.h"

/* What a decision log adds to a frame: CSV columns after the frame's
 * (names and one value for every row) and, in JSON Lines, a first line
 * {"run": run_json}.  A frame written without a log passes NULL. */
typedef struct revl_logmeta {
  int ncols;
  const char *names[8];
  const char *vals[8];
  const char *run_json;
} revl_logmeta;

/* The reasons as a JSON array of {"kind":..., "group", "criterion",
 * "value", "points" (a component's "score"), "weight", "met"}. */
void revl_reasons_json(revl_csvw *w, const revl_reasons *r);

/* End the header: the log's column names after the CSV ones; in JSON
 * lines, the run record as the first line. */
void revl_log_head_end(revl_csvw *w, int json, const revl_logmeta *meta);
/* End a record: the log's values after a CSV row ("}" and a newline in
 * JSON lines). */
void revl_log_rec_end(revl_csvw *w, int json, const revl_logmeta *meta);

/* Write f (its columns named names[0..f->ncols)) to w as CSV (json 0)
 * or JSON lines.  In a log (meta), the JSON reasons are the list of
 * reasons (revl_reasons_json), else their text.  scratch holds the
 * reasons of one record at a time and cell the text of one cell (both
 * the caller's, so a callback that does not return leaks nothing); seen
 * as for revl_reasons_build.  Returns 0, or REVL_ENOMEM when a cell
 * could not be built whole (the caller aborts w: no file with a cut
 * cell). */
int revl_dframe_write(revl_csvw *w, const revl_dframe *f, const char *const *names,
                       int json, const revl_logmeta *meta, revl_reasons *scratch,
                       revl_sbuf *cell, revl_seen_fn seen, void *ud);

/* Columns pick[0..np) of decision frame rf (names: every column's name)
 * as columns of f (new, none yet), typed: scores numbers (points),
 * `complete` booleans, the rest text, ids borrowed from the store's
 * strings; f is sealed.  scratch, cell, seen and ud as for
 * revl_dframe_write.  0, REVL_EUSAGE (a column given twice) or
 * REVL_ENOMEM, with err. */
int revl_dframe_to_frame(const revl_dframe *rf, const char *const *names, const int *pick,
                         int np, struct revl_frame *f, revl_reasons *scratch, revl_sbuf *cell,
                         revl_seen_fn seen, void *ud, revl_error *err);

#endif
