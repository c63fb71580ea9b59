/*
 * lmetrics.h -- what the revl.metrics bindings share: parsing the common
 * options into the core's structs (revl/metric.h), raising a core error
 * with its text unchanged, pushing a core frame as today's Lua frame,
 * and the hooks through which the family binding files register their
 * metrics.
 */
#ifndef REVL_LMETRICS_H
#define REVL_LMETRICS_H

#include "lrevl.h"
#include "metrics/mcore.h"
#include "revl/metric.h"

/* Hooks (l_metrics_deals.c, l_metrics_revenue.c): set fields of the
 * metrics table at the top of the stack; called after the entries of
 * l_metrics.c, so they override them. */
void revl_open_metrics_deals(lua_State *L);
void revl_open_metrics_revenue(lua_State *L);

/* Options table at o (or none): every key must be one of allowed, else
 * "revl.metrics.<fn>: unknown option 'k' (options: a b c)". */
void revl_mopts_check(lua_State *L, int o, const char *fn,
                      const char *const *allowed);
/* period/from/to/periods of the options at o into w (raises on wrong
 * types with today's texts). */
void revl_mopts_window(lua_State *L, int o, const char *fn,
                       revl_window_opts *w);
/* The context of a metric call: the store of t, as_of, fiscal start. */
void revl_mctx_from_lua(lua_State *L, const revl_table *t,
                        revl_metric_ctx *cx);
/* Raise err's message as the Lua error (no position added). */
int revl_metric_raise(lua_State *L, const revl_error *err);
/* Push f as a Lua frame: a list of plain row tables (strings, integers,
 * numbers, booleans, revl.money, revl.date; null cells absent), the
 * `columns` list and the frame metatable, without sorting (f is already
 * in the order the metric wants). */
void revl_push_metric_frame(lua_State *L, const revl_frame *f);

#endif
