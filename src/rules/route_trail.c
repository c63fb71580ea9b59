/*
 * route_trail.c -- routing results in words: the text of each trail
 * event, the short reasons of skipped reps, the owner and strategy of an
 * assignment, and the assignments CSV (id, at, owner, kind, rule,
 * strategy, team, account_id, match, considered, skipped, trail).
 *
 * revl_route (route.c) decides and records events as numbers; this file
 * is the one place that says what they mean, so `revl run`, `explain`,
 * `diff` and the CSV all read the same words.  Nothing here changes the
 * router's state.
 */
#include "revl/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revl/csvw.h"
#include "revl/parse.h"

/* ---- growing text ------------------------------------------------------ */

int revl_text_add(revl_text *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->n + n + 1) nc *= 2;
    char *p = realloc(b->s, nc);
    if (!p) return REVL_ENOMEM;
    b->s = p;
    b->cap = nc;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
  return 0;
}

int revl_text_puts(revl_text *b, const char *s) {
  return revl_text_add(b, s, strlen(s));
}

void revl_text_free(revl_text *b) {
  if (!b) return;
  free(b->s);
  memset(b, 0, sizeof *b);
}

/* ---- names ------------------------------------------------------------- */

const char *revl_route_rep_id(const revl_table *reps, int32_t row) {
  if (row < 0 || reps->pk < 0 || !revl_col_valid(reps->cols[reps->pk], (size_t)row))
    return "?";
  return revl_intern_str(&reps->store->strings, reps->cols[reps->pk]->v.str[row]);
}

const char *revl_row_key(const revl_table *t, size_t row, char *buf, size_t n) {
  if (t->pk >= 0 && revl_col_valid(t->cols[t->pk], row))
    return revl_intern_str(&t->store->strings, t->cols[t->pk]->v.str[row]);
  snprintf(buf, n, "row %zu", row + 1);
  return buf;
}

const char *revl_route_rule_name(const revl_router *r, int rule) {
  return rule >= 0 ? r->rules[rule].name : "fallback";
}

const char *revl_route_strategy(const revl_router *r, int rule) {
  if (rule < 0) return "fallback";
  const revl_rule *ru = &r->rules[rule];
  switch (ru->kind) {
  case REVL_ST_OWNER_FIELD: return "owner field";
  case REVL_ST_ACCOUNT: return "account owner";
  case REVL_ST_QUEUE: return "queue";
  case REVL_ST_REP: return "fixed owner";
  case REVL_ST_TERRITORY: return "territory";
  default:
    switch (r->pools[ru->pool].mode) {
    case REVL_RR_LOWEST: return "lowest count";
    case REVL_RR_WEIGHTED: return "weighted";
    default: return "round robin";
    }
  }
}

static const char *skip_words(int why) {
  switch (why) {
  case REVL_SKIP_INACTIVE: return "inactive";
  case REVL_SKIP_OOO: return "out of office";
  case REVL_SKIP_CAP_DAY: return "day cap";
  case REVL_SKIP_CAP_WEEK: return "week cap";
  case REVL_SKIP_CAP_MONTH: return "month cap";
  default: return "?";
  }
}

static const char *skip_code(int why) {
  switch (why) {
  case REVL_SKIP_INACTIVE: return "inactive";
  case REVL_SKIP_OOO: return "out_of_office";
  case REVL_SKIP_CAP_DAY: return "day_cap";
  case REVL_SKIP_CAP_WEEK: return "week_cap";
  case REVL_SKIP_CAP_MONTH: return "month_cap";
  default: return "?";
  }
}

static const char *na_code(int why) {
  switch (why) {
  case REVL_NA_NO_VALUE: return "no_owner_value";
  case REVL_NA_NOT_REP: return "not_a_rep";
  case REVL_NA_NO_ACCOUNT: return "no_account";
  case REVL_NA_FREEMAIL: return "free_mail";
  case REVL_NA_AMBIGUOUS: return "ambiguous";
  case REVL_NA_NO_OWNER: return "account_without_owner";
  case REVL_NA_NO_TERRITORY: return "no_territory";
  case REVL_NA_EMPTY_TEAM: return "empty_team";
  default: return "?";
  }
}

const char *revl_route_event_code(int kind) {
  switch (kind) {
  case REVL_EV_NOMATCH: return "no_match";
  case REVL_EV_NA: return "not_applicable";
  case REVL_EV_SKIP: return "skipped";
  case REVL_EV_PICK: return "chosen";
  case REVL_EV_EXHAUSTED: return "exhausted";
  case REVL_EV_FALLBACK: return "fallback";
  case REVL_EV_MATCHED: return "account_matched";
  case REVL_EV_TEAM: return "team";
  default: return "?";
  }
}

const char *revl_route_reason_code(const revl_route_ev *e) {
  switch (e->kind) {
  case REVL_EV_SKIP: return skip_code(e->why);
  case REVL_EV_NA: return na_code(e->why);
  case REVL_EV_MATCHED: return revl_match_method_name(e->why);
  default: return NULL;
  }
}

/* ---- event texts ------------------------------------------------------- */

void revl_route_ev_text(const revl_router *r, const revl_route_ev *e, char *buf, size_t n) {
  const revl_table *reps = r->reps;
  const char *rule = revl_route_rule_name(r, e->rule);
  char d[16];
  switch (e->kind) {
  case REVL_EV_NOMATCH:
    snprintf(buf, n, "rule '%s': criteria not met", rule);
    break;
  case REVL_EV_NA:
    switch (e->why) {
    case REVL_NA_NO_VALUE: snprintf(buf, n, "rule '%s': owner field is empty", rule); break;
    case REVL_NA_NOT_REP:
      snprintf(buf, n, "rule '%s': owner '%s' is not a rep", rule,
               e->arg > 0 ? revl_intern_str(&r->base->store->strings, (uint32_t)e->arg) : "?");
      break;
    case REVL_NA_NO_ACCOUNT: snprintf(buf, n, "rule '%s': no account matched", rule); break;
    case REVL_NA_FREEMAIL:
      snprintf(buf, n, "rule '%s': free-mail domain and no company match", rule);
      break;
    case REVL_NA_AMBIGUOUS:
      snprintf(buf, n, "rule '%s': domain or company matches several accounts", rule);
      break;
    case REVL_NA_NO_OWNER: {
      revl_table *a = revl_store_table(r->base->store, "accounts");
      char kb[32];
      snprintf(buf, n, "rule '%s': account %s has no owner", rule,
               a ? revl_row_key(a, (size_t)e->arg, kb, sizeof kb) : "?");
      break;
    }
    case REVL_NA_NO_TERRITORY: snprintf(buf, n, "rule '%s': no territory matches", rule); break;
    case REVL_NA_EMPTY_TEAM:
      snprintf(buf, n, "rule '%s': team '%s' has no reps", rule,
               r->pools[e->arg].label);
      break;
    default: snprintf(buf, n, "rule '%s': not applicable", rule); break;
    }
    break;
  case REVL_EV_SKIP:
    switch (e->why) {
    case REVL_SKIP_OOO:
      revl_format_date((int32_t)e->arg, d, sizeof d);
      snprintf(buf, n, "rule '%s': %s skipped: out of office until %s", rule,
               revl_route_rep_id(reps, e->rep), d);
      break;
    case REVL_SKIP_INACTIVE:
      snprintf(buf, n, "rule '%s': %s skipped: inactive", rule, revl_route_rep_id(reps, e->rep));
      break;
    default:
      snprintf(buf, n, "rule '%s': %s skipped: %s %lld reached", rule,
               revl_route_rep_id(reps, e->rep), skip_words(e->why), (long long)e->arg);
      break;
    }
    break;
  case REVL_EV_PICK:
    if (e->rep < 0)
      snprintf(buf, n, "rule '%s': queue '%s'", rule, r->queues[e->arg]);
    else
      snprintf(buf, n, "rule '%s': %s chosen (%s, %lld considered)", rule,
               revl_route_rep_id(reps, e->rep), revl_route_strategy(r, e->rule),
               (long long)e->arg);
    break;
  case REVL_EV_EXHAUSTED:
    snprintf(buf, n, "rule '%s': every candidate skipped%s", rule,
             r->rules[e->rule].overflow_next ? ", next rule" : "");
    break;
  case REVL_EV_FALLBACK:
    if (e->rep >= 0) snprintf(buf, n, "fallback: %s", revl_route_rep_id(reps, e->rep));
    else if (e->arg >= 0) snprintf(buf, n, "fallback: queue '%s'", r->queues[e->arg]);
    else snprintf(buf, n, "fallback: unassigned");
    break;
  case REVL_EV_MATCHED: {
    revl_table *a = revl_store_table(r->base->store, "accounts");
    char kb[32];
    snprintf(buf, n, "rule '%s': account %s matched by %s", rule,
             a ? revl_row_key(a, (size_t)e->arg, kb, sizeof kb) : "?",
             revl_match_method_name(e->why));
    break;
  }
  case REVL_EV_TEAM:
    snprintf(buf, n, "rule '%s': territory team '%s'", rule, r->pools[e->arg].label);
    break;
  default: snprintf(buf, n, "?"); break;
  }
}

void revl_route_skip_text(const revl_router *r, const revl_route_ev *e, char *buf, size_t n) {
  const char *id = revl_route_rep_id(r->reps, e->rep);
  char d[16];
  switch (e->why) {
  case REVL_SKIP_OOO:
    revl_format_date((int32_t)e->arg, d, sizeof d);
    snprintf(buf, n, "%s: out of office until %s", id, d);
    break;
  case REVL_SKIP_INACTIVE: snprintf(buf, n, "%s: inactive", id); break;
  default: snprintf(buf, n, "%s: %s %lld reached", id, skip_words(e->why), (long long)e->arg); break;
  }
}

/* ---- one assignment ---------------------------------------------------- */

const char *revl_route_owner(const revl_router *r, const revl_route_result *o, size_t i,
                             const char **kind) {
  if (o->rep[i] >= 0) {
    if (kind) *kind = "rep";
    return revl_route_rep_id(r->reps, o->rep[i]);
  }
  if (o->queue[i] >= 0) {
    if (kind) *kind = "queue";
    return r->queues[o->queue[i]];
  }
  if (kind) *kind = "none";
  return NULL;
}

int64_t revl_route_at(const revl_router *r, size_t row) {
  if (r->time_col < 0 || !revl_col_valid(r->base->cols[r->time_col], row)) return REVL_NO_TIME;
  const revl_column *c = r->base->cols[r->time_col];
  return c->type == REVL_T_DATE ? (int64_t)c->v.date[row] * 86400 : c->v.i64[row];
}

void revl_route_tally(const revl_route_result *o, size_t i, int64_t *considered,
                      int64_t *skipped) {
  int64_t c = 0, s = 0;
  for (uint32_t k = o->ev_off[i]; k < o->ev_off[i + 1]; k++) {
    const revl_route_ev *e = &o->ev[k];
    if (e->kind == REVL_EV_SKIP) s++;
    else if (e->kind == REVL_EV_PICK && e->rep >= 0) c = e->arg;
  }
  if (considered) *considered = c;
  if (skipped) *skipped = s;
}

int revl_route_skipped(const revl_router *r, const revl_route_result *o, size_t i,
                       revl_text *out) {
  int any = 0;
  out->n = 0;
  if (revl_text_add(out, "", 0)) return REVL_ENOMEM;
  for (uint32_t k = o->ev_off[i]; k < o->ev_off[i + 1]; k++) {
    const revl_route_ev *e = &o->ev[k];
    if (e->kind != REVL_EV_SKIP) continue;
    char buf[160];
    revl_route_skip_text(r, e, buf, sizeof buf);
    if (any++ && revl_text_add(out, "; ", 2)) return REVL_ENOMEM;
    if (revl_text_puts(out, buf)) return REVL_ENOMEM;
  }
  return 0;
}

int revl_route_trail(const revl_router *r, const revl_route_result *o, size_t i,
                     const char *sep, int sep_first, revl_text *out) {
  size_t sl = strlen(sep);
  out->n = 0;
  if (revl_text_add(out, "", 0)) return REVL_ENOMEM;
  for (uint32_t k = o->ev_off[i]; k < o->ev_off[i + 1]; k++) {
    char buf[256];
    revl_route_ev_text(r, &o->ev[k], buf, sizeof buf);
    if ((sep_first || k > o->ev_off[i]) && revl_text_add(out, sep, sl)) return REVL_ENOMEM;
    if (revl_text_puts(out, buf)) return REVL_ENOMEM;
  }
  return 0;
}

/* ---- the assignments CSV ----------------------------------------------- */

int revl_route_write_csv(const revl_router *r, const revl_route_result *o, revl_csvw *w) {
  static const char *hdr[] = {"id", "at", "owner", "kind", "rule", "strategy", "team",
                              "account_id", "match", "considered", "skipped", "trail"};
  for (size_t k = 0; k < sizeof hdr / sizeof *hdr; k++) revl_csvw_str(w, hdr[k]);
  revl_csvw_end(w);
  revl_table *a = revl_store_table(r->base->store, "accounts");
  revl_text trail = {0};
  for (size_t i = 0; i < o->n; i++) {
    char kb[64], tb[32] = "";
    size_t row = o->row[i];
    revl_csvw_str(w, revl_row_key(r->base, row, kb, sizeof kb));
    int64_t at = revl_route_at(r, row);
    if (at != REVL_NO_TIME) revl_format_datetime(at, tb, sizeof tb);
    revl_csvw_str(w, tb);
    const char *kind;
    const char *owner = revl_route_owner(r, o, i, &kind);
    revl_csvw_str(w, owner ? owner : "");
    revl_csvw_str(w, kind);
    revl_csvw_str(w, revl_route_rule_name(r, o->rule[i]));
    revl_csvw_str(w, revl_route_strategy(r, o->rule[i]));
    revl_csvw_str(w, o->pool[i] >= 0 ? r->pools[o->pool[i]].label : "");
    revl_csvw_str(w, o->account[i] >= 0 && a
                         ? revl_row_key(a, (size_t)o->account[i], kb, sizeof kb)
                         : "");
    revl_csvw_str(w, o->account[i] >= 0 ? revl_match_method_name(o->method[i]) : "");
    int64_t considered, skipped;
    revl_route_tally(o, i, &considered, &skipped);
    if (revl_route_trail(r, o, i, "; ", 0, &trail)) {
      revl_text_free(&trail);
      return REVL_ENOMEM;
    }
    revl_csvw_int(w, considered);
    revl_csvw_int(w, skipped);
    revl_csvw_field(w, trail.s, trail.n);
    revl_csvw_end(w);
  }
  revl_text_free(&trail);
  return 0;
}
