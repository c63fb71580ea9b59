/*
 * stage_order.h -- the funnel order of stage values.
 *
 * Stages are text, but a breakdown by stage reads in funnel order
 * (Prospecting, Discovery, ..., Closed Won, Closed Lost), never
 * alphabetically.  A store keeps the declared order of each stage field:
 * from the mapping's stages = { open = {...}, won = {...}, lost = {...} }
 * at load (src/ingest/load.c), or from a playbook's funnel definition
 * (src/rules/funnel.c: its stages' values in order, then its terminal
 * values), the later declaration replacing the earlier one.
 * stage_history.stage follows the order of deals.stage.
 *
 * Sorting by a ranked column (src/frame/frame_rank.c): values of the
 * order by their place in it, then values it does not list by their
 * bytes, then nulls.  view:group_by and every metric's rows sorted by a
 * `by` key use it; an explicit sort (f:sort_by) does not.
 */
#ifndef REVL_STAGE_ORDER_H
#define REVL_STAGE_ORDER_H

#include "revl/frame.h"
#include "revl/store.h"

/* Declare the order of field of table: ids[0..n) of s's strings (n > 0,
 * copied; a repeated id keeps its first place).  source says who
 * declared it (copied).  Replaces an earlier order of that field.  0 or
 * REVL_ENOMEM. */
int revl_stage_order_set(revl_store *s, const char *table, const char *field,
                         const uint32_t *ids, int n, const char *source);
/* The same with names (interned into s's strings). */
int revl_stage_order_set_names(revl_store *s, const char *table, const char *field,
                               const char *const *names, int n, const char *source);
/* The order that ranks column c of table t (by their names), or NULL. */
const revl_stage_order *revl_stage_order_find(const revl_store *s, const revl_table *t,
                                              const revl_column *c);
/* Place of a value (an id of the store's strings) in o, or -1. */
int revl_stage_rank(const revl_stage_order *o, uint32_t id);

/* revl_frame_sort where key k's column is a STRING column ranked by
 * orders[k] (NULL: sorted as revl_frame_sort does).  The frame's store
 * must be the orders' store (its strings give the ids).  0 or a
 * negative REVL_E* code with err filled. */
int revl_frame_sort_ranked(revl_frame *f, const revl_sortkey *keys, int nk,
                           const revl_stage_order *const *orders, revl_error *err);

#endif
