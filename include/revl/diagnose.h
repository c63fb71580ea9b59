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

/* A playbook's SLA, measured over every row of its table by the SLA
 * evaluator `revl run` uses (revl_sla_measure, revl/route.h): layer 3 of
 * that table's paths asks it instead of revl's fixed hours. */
typedef struct revl_dx_sla {
  const revl_table *table;   /* leads or deals */
  const char *name;          /* the SLA's name (borrowed for the call) */
  const int8_t *status;      /* per row: a REVL_SLA_* status, -1 when no
                                target applies */
  const int64_t *secs;       /* per row: business seconds measured */
  const int64_t *target;     /* per row: the target that applied, seconds */
} revl_dx_sla;

/* A playbook's ICP model, scored over every row of its table by the
 * evaluator `revl run` uses: layer 1 asks for a tier above the lowest
 * instead of the presence of the ICP fields. */
typedef struct revl_dx_icp {
  const revl_table *table;   /* accounts (deal and account paths) or leads */
  const char *name;          /* the model's name (borrowed for the call) */
  const int16_t *tier;       /* per row: tier index, best first; -1 none */
  const char *const *labels; /* ntiers tier labels */
  int ntiers;
} revl_dx_icp;

typedef struct revl_dx_opts {
  int sample;     /* records per path, >= 1 (the CLI's default is 20) */
  uint64_t seed;  /* the sampling seed */
  int32_t as_of;  /* days since 1970-01-01; the day counts in full */
  /* from a playbook, or NULL for revl's own questions */
  const revl_dx_sla *sla[2]; /* [0] the leads' SLA, [1] the deals' */
  const revl_dx_icp *icp;
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
  /* where layers 1 and 3 took their rule, per path ("ICP model 'icp-v1'
   * (tier above the lowest)", "revl's fixed 24 h") */
  char source[REVL_DX_NPATHS][2][120];
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
/* The question a layer asks of a record on a path (revl's own). */
const char *revl_dx_question(int path, int layer);
/* The question as asked in r: a playbook's SLA or ICP model replaces
 * revl's rule for layers 1 and 3 (r->source). */
const char *revl_dx_asked(const revl_dx_result *r, int path, int layer, char *buf,
                          size_t size);
/* What the scale prescribes for a layer at `score` (1-5). */
const char *revl_dx_action(int score);
/* The id of a check's record (its table's primary key, or "row N" in
 * buf). */
const char *revl_dx_record_id(const revl_dx_result *r, const revl_dx_check *c,
                              char *buf, size_t size);

#endif
