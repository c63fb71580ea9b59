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

/* Hooks, one per metric family's binding file (l_metrics_<family>.c):
 * set fields of the metrics table at the top of the stack; called after
 * the entries of l_metrics.c, so they override them. */
void revl_open_metrics_deals(lua_State *L);   /* pipeline */
void revl_open_metrics_quota(lua_State *L);   /* forecast, coverage, quotas */
void revl_open_metrics_closed(lua_State *L);  /* closed-deal stats, funnel */
void revl_open_metrics_stages(lua_State *L);  /* stages, waterfall */
void revl_open_metrics_revenue(lua_State *L); /* retention, attribution */
void revl_open_metrics_quality(lua_State *L); /* data-quality checks */
/* A core metric's outcome: raise err (rc != 0) or push f as a Lua frame;
 * frees f either way. */
int revl_metric_finish(lua_State *L, int rc, revl_frame *f,
                       const revl_error *err);

/* Options table at o (or none): every key must be one of allowed, else
 * "revl.metrics.<fn>: unknown option 'k' (options: a b c)". */
void revl_mopts_check(lua_State *L, int o, const char *fn,
                      const char *const *allowed);
/* period/from/to/periods of the options at o into w (raises on wrong
 * types with today's texts). */
void revl_mopts_window(lua_State *L, int o, const char *fn,
                       revl_window_opts *w);
/* The `by` option at o (a field name or a list of them) into by; the
 * names stay owned by the options table. */
void revl_mopts_by(lua_State *L, int o, const char *fn, revl_by_opts *by);
/* The view argument at idx (raises "argument N is nil ..." / "must be a
 * table or view" as every metric does). */
void revl_mopts_view(lua_State *L, int idx, const char *fn, revl_view *v);
/* The context of a metric call: the store of t, as_of, fiscal start. */
void revl_mctx_from_lua(lua_State *L, const revl_table *t,
                        revl_metric_ctx *cx);
/* Raise err's message as the Lua error, after the caller's position
 * (what luaL_error would have added). */
int revl_metric_raise(lua_State *L, const revl_error *err);
/* Push f as a Lua frame: a list of plain row tables (strings, integers,
 * numbers, booleans, revl.money, revl.date; null cells absent), the
 * `columns` list and the frame metatable, without sorting (f is already
 * in the order the metric wants). */
void revl_push_metric_frame(lua_State *L, const revl_frame *f);
/* The rows of f as that Lua frame (with its metatable, no `columns`):
 * with cache, text of the store's strings comes through the string
 * cache of the view at vidx. */
void revl_push_frame_rows(lua_State *L, const revl_frame *f, int vidx, int cache);

#endif
