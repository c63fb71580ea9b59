/*
 * logread.h -- reading a decision log back (src/output/logread.c, for
 * `revl log`): the rows of NAME.csv joined again with the run record of
 * NAME.run.json by their run_id, or the rows of NAME.jsonl with the
 * {"run": ...} line before them.  No Lua.
 */
#ifndef REVL_LOGREAD_H
#define REVL_LOGREAD_H

#include "revl/common.h"
#include "revl/csvw.h"

/* Write the log at path (NAME.csv or NAME.jsonl, told apart by the
 * name) to w with its run's metadata on every row: json 0 gives CSV in
 * the layout of logs before run_id (the rows' columns, then as_of,
 * playbook, commit, dirty, revl_version, seed, inputs); json 1 gives
 * JSON lines, each row with "run": the whole run record.  A file that
 * is not a revl decision log (no run_id column, no sidecar, no run
 * line, a run_id the record does not have) is REVL_EDATA with err
 * naming FILE:LINE; an unreadable one REVL_EIO.  w is the caller's
 * (not committed here). */
int revl_log_rejoin(const char *path, revl_csvw *w, int json, revl_error *err);

#endif
