/*
 * reasons.h -- decisions of the rules engine as C data: the decision
 * models (ICP, health, scorecard) as the bindings build them, decision
 * frames (the per-record numbers a model scored), their cells as text,
 * and the reasons of each decision (criterion, value seen, points, cap,
 * group...) with their one-line rendering.  src/rules/reasons.c; no Lua.
 * The values a playbook's Lua functions returned are reached through a
 * callback (revl_seen_fn), the only thing the binding supplies.
 */
#ifndef REVL_REASONS_H
#define REVL_REASONS_H

#include <stddef.h>
#include <stdint.h>

#include "revl/eval.h"
#include "revl/rules.h"
#include "revl/sbuf.h"

/* ---- texts of cells and criteria --------------------------------------- */

/* A cell as reasons show it: "(none)" for null, money "1,234.50 USD". */
void revl_cell_text(revl_sbuf *b, const revl_table *t, int col, size_t row);
/* The record's id: its string key, else its row number from 1. */
void revl_id_text(revl_sbuf *b, const revl_table *t, size_t row);
/* "account.industry" for a field reached through FK column via (-1: on
 * base itself). */
void revl_field_text(revl_sbuf *b, const revl_table *base, int via,
                     const revl_table *t, int col);
/* Row of the table holding a field from a base row; -1 when the
 * reference is null or broken. */
int64_t revl_via_row(const revl_table *base, int via, size_t row);
/* ALL / ANY / NONE */
int revl_crit_is_combo(const revl_crit *c);
/* The value a criterion saw on record row: "Software" for a leaf,
 * "industry=Software, employees=250" for a combination. */
void revl_crit_seen(revl_sbuf *b, const revl_crit *c, size_t row);

/* ---- decision models ------------------------------------------------------ */

enum { REVL_DM_ICP = 1, REVL_DM_HEALTH, REVL_DM_CARD };

typedef struct revl_card_field {
  char *label;
  double weight;
  revl_table *ft;            /* a field: present when not null / blank */
  int col, via;
  int absent;                /* the export lacks the column */
  revl_crit *crit;           /* or a criterion */
  int fnref;                 /* or a function: truthy = present */
  int optional;              /* missing costs its weight only; else it blocks */
} revl_card_field;

typedef struct revl_dmodel {
  int kind;                  /* REVL_DM_* */
  revl_table *t;
  char *name;
  /* ICP */
  revl_icp *icp;
  int *fnref;                /* binding's function slot per function rule */
  char **combo, **action;    /* per (tier, band): "A1" and its action */
  int nb;                    /* bands per tier (1 without engagement) */
  int has_action;
  /* health */
  revl_hcomp *comps;
  int ncomps;
  revl_hrule *hrules;
  int nhrules;
  double red, yellow;
  revl_usage_src src;
  /* scorecard */
  revl_card_field *fields;
  int nfields;
  double pass;
  /* shared */
  int nwords;                /* mask words per record */
  int needs_lua;             /* some rule calls Lua */
} revl_dmodel;

/* ---- decision frames -------------------------------------------------------- */

/* Column kinds of a decision frame. */
enum { REVL_DC_ID, REVL_DC_A, REVL_DC_B, REVL_DC_TIER, REVL_DC_LABEL, REVL_DC_ACTION,
       REVL_DC_HBAND, REVL_DC_COMP, REVL_DC_COMPLETE, REVL_DC_MISSING, REVL_DC_REASONS };

#define REVL_DFRAME_MAXCOLS 80

typedef struct revl_dframe {
  revl_dmodel *md;
  revl_table *t;
  uint32_t *rows;       /* NULL: position i is row i */
  size_t n;
  double *a, *b;        /* ICP fit, engagement; health score; completeness */
  int16_t *l1, *l2;     /* ICP tier, band; health band */
  uint64_t *mask;       /* fired rules / present fields, nwords per record */
  double *v, *raw;      /* ICP function points; health values, raw values */
  int stride;           /* values per record in v and raw */
  int32_t as_of;
  int ncols;
  int ctype[REVL_DFRAME_MAXCOLS], carg[REVL_DFRAME_MAXCOLS];
} revl_dframe;

#define REVL_DFRAME_ROW(f, i) ((f)->rows ? (size_t)(f)->rows[i] : (size_t)(i))

/* Whether rule / field `bit` fired for record i. */
static inline int revl_dframe_fired(const revl_dframe *f, size_t i, int bit) {
  return (int)((f->mask[i * (size_t)f->md->nwords + (size_t)(bit >> 6)] >> (bit & 63)) & 1);
}

/* "red" / "yellow" / "green" for health bands 0..2, NULL otherwise. */
const char *revl_health_band_name(int band);
/* The labels of an ICP model's fit x engagement matrix (md->icp set):
 * md->nb, md->combo ("A", or "A1" with engagement bands) and md->action
 * (all NULL, for the caller to fill).  0 or REVL_ENOMEM. */
int revl_dmodel_labels(revl_dmodel *md);
/* The (tier, band) combination of record i: an index into md->combo,
 * -1 without a tier, -2 - tier when engagement bands exist but none
 * applies. */
int revl_dframe_combo_index(const revl_dframe *f, size_t i);
/* Its label ("A1"; the tier's label without a band), NULL without a tier. */
const char *revl_dframe_combo(const revl_dframe *f, size_t i);
/* The fit x engagement matrix of an ICP decision frame: counts[t * nb +
 * b] (md->icp->ntiers * md->nb entries, caller's) the records of tier t
 * and band b (b = 0 without engagement bands); *unplaced those with no
 * tier, or a tier but no band.  0, or REVL_EUSAGE for a frame of
 * another kind of model. */
int revl_dframe_matrix(const revl_dframe *f, size_t *counts, size_t *unplaced);

/* ---- scorecards ------------------------------------------------------------------ */

/* Whether a scorecard's function field is present on record i (row):
 * 1 or 0. */
typedef int (*revl_card_fn)(void *ud, int field, size_t i, size_t row);

/* Score f (a scorecard's frame: f->mask zeroed, f->a allocated) field
 * by field: criteria through ctx (scratch has room for f->n rows),
 * function fields through fn, columns present when not null and not
 * blank (a missing column never); then each record's completeness, the
 * weighted share of the fields present, 0..100 rounded to 0.1.  Returns
 * ctx->failed. */
int revl_card_eval(revl_dframe *f, uint32_t *scratch, revl_crit_ctx *ctx, revl_card_fn fn,
                   void *ud);

/* ---- reasons -------------------------------------------------------------------- */

/* One reason; texts are offsets into the list's text (-1 = none). */
typedef struct revl_reason {
  const char *kind;          /* "rule", "cap", "engagement", "component",
                                "present", "missing" (static strings) */
  long group, crit, value;
  double points, weight;
  int has_points, has_weight, met;
} revl_reason;

typedef struct revl_reasons {
  revl_reason *it;
  int n, cap;
  revl_sbuf text;
  int oom; /* a reason was left out for want of memory */
} revl_reasons;

void revl_reasons_clear(revl_reasons *r); /* keeps the memory; oom cleared */
/* 1 when the list (or its text) is incomplete for want of memory. */
int revl_reasons_oom(const revl_reasons *r);
void revl_reasons_free(revl_reasons *r);
/* A reason's text at off, NULL for -1. */
const char *revl_reason_str(const revl_reasons *r, long off);

/* The value the playbook's function behind slot `slot` (an ICP function
 * rule's slot, a health component's index) returned for record i of the
 * frame: append its text to out and return 1, or return 0 when it
 * returned nothing. */
typedef int (*revl_seen_fn)(void *ud, size_t i, int slot, revl_sbuf *out);

/* Append the reasons of record i of f to r: all = 1 every rule, met or
 * not (explain), 0 only what made the score (logs).  seen may be NULL
 * when the model calls no Lua function. */
void revl_reasons_build(revl_reasons *r, const revl_dframe *f, size_t i, int all,
                        revl_seen_fn seen, void *ud);
/* "industry in {Software, Fintech} [Software] +20; ..." */
void revl_reasons_text(const revl_reasons *r, revl_sbuf *out);

/* ---- cells ---------------------------------------------------------------------- */

enum { REVL_V_NIL, REVL_V_NUM, REVL_V_STR, REVL_V_BOOL };

/* Append cell (i, c) of f as text to out; returns its REVL_V_* kind (a
 * number or boolean also in *num).  The reasons cell is built in
 * scratch (cleared first).  out->oom set: the text is incomplete. */
int revl_dframe_cell(const revl_dframe *f, size_t i, int c, revl_sbuf *out, double *num,
                     revl_reasons *scratch, revl_seen_fn seen, void *ud);

#endif
