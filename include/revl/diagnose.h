/*
 * diagnose.h -- the six-layer RevOps diagnostic from real records
 * (src/rules/diagnose.c; formulas and thresholds in docs/diagnose.md).
 *
 * Records are sampled along four revenue paths (recent inbound leads,
 * open deals, won deals, accounts whose MRR fell), deterministically
 * from a seed.  Each sampled record is asked one question per layer
 * (strategy/ICP, funnel, process/SLA, data, metrics, cadence) from
 * evidence in the store; each layer is scored 1-5 from the share of
 * its questions that pass.  No Lua: the CLI and any binding call this.
 */
#ifndef REVL_DIAGNOSE_H
#define REVL_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>

#include "revl/common.h"
#include "revl/store.h"

enum { REVL_DX_NLAYERS = 6 };
enum { REVL_DX_LEADS = 0, REVL_DX_OPEN, REVL_DX_WON, REVL_DX_RISK, REVL_DX_NPATHS };

typedef struct revl_dx_opts {
  int sample;     /* records per path, >= 1 (the CLI's default is 20) */
  uint64_t seed;  /* the sampling seed */
  int32_t as_of;  /* days since 1970-01-01; the day counts in full */
} revl_dx_opts;

/* One answer: record `row` of its path's table, one layer's question. */
typedef struct revl_dx_check {
  uint32_t row;
  uint8_t path, layer, pass;
  char evidence[110]; /* why it passed or failed ("first touch after 31.5 h") */
} revl_dx_check;

typedef struct revl_dx_path {
  const revl_table *table; /* NULL when the path has no evidence */
  size_t candidates;       /* records on the path before sampling */
  size_t sampled;
  char reason[160];        /* why there is no evidence, else "" */
} revl_dx_path;

typedef struct revl_dx_layer {
  int score;               /* 1-5, 0: no evidence */
  size_t checked, passed;
} revl_dx_layer;

typedef struct revl_dx_result {
  revl_dx_path paths[REVL_DX_NPATHS];
  revl_dx_layer layers[REVL_DX_NLAYERS];
  revl_dx_check *checks;   /* by path, then record, then layer */
  size_t nchecks;
  int weakest;             /* layer index 0-5, -1 when no layer has evidence */
} revl_dx_result;

/* Run the diagnostic over s.  Returns 0 with r filled (release it with
 * revl_diagnose_done, also after an error) or REVL_EUSAGE / REVL_ENOMEM
 * with err filled.  Absent tables or columns never fail: a path without
 * its table has no evidence, a missing column fails its question. */
int revl_diagnose(revl_store *s, const revl_dx_opts *o, revl_dx_result *r,
                  revl_error *err);
void revl_diagnose_done(revl_dx_result *r);

/* The score of a layer whose `passed` of `checked` questions passed:
 * 0 when checked is 0; else 1 below 50 %, 2 below 70 %, 3 below 85 %,
 * 4 below 95 %, 5 from 95 %. */
int revl_dx_score(size_t passed, size_t checked);
/* "strategy/ICP", "funnel architecture", ...; NULL outside 0-5. */
const char *revl_dx_layer_name(int layer);
/* The path's name ("inbound_leads", "open_deals", "won_deals",
 * "at_risk_accounts"). */
const char *revl_dx_path_name(int path);
/* The question a layer asks of a record on a path. */
const char *revl_dx_question(int path, int layer);
/* What the scale prescribes for a layer at `score` (1-5). */
const char *revl_dx_action(int score);
/* The id of a check's record (its table's primary key, or "row N" in
 * buf). */
const char *revl_dx_record_id(const revl_dx_result *r, const revl_dx_check *c,
                              char *buf, size_t size);

#endif
