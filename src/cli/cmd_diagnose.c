/*
 * cmd_diagnose.c -- `revl diagnose`: the six-layer RevOps diagnostic
 * (src/rules/diagnose.c) printed for a person or a program, and its
 * evidence written under --out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "revl/csvw.h"
#include "revl/diagnose.h"
#include "revl/ingest.h"
#include "revl/parse.h"
#include "revl/runtime.h"
#include "revl/store.h"

const char cli_usage_diagnose[] =
    "usage: revl diagnose --data DIR [PLAYBOOK] [--sample N] [--seed S]\n"
    "                     [--as-of DATE] [--map FILE] [--out DIR]\n"
    "                     [--format table|csv|jsonl|json]\n"
    "\n"
    "Sample records along four revenue paths (recent inbound leads, open\n"
    "deals, won deals, accounts whose MRR fell), ask each of six layers'\n"
    "questions of every record from evidence in the data, and score each\n"
    "layer 1-5: 1 no shared rule, 2 informal, 3 documented but weakly\n"
    "enforced, 4 enforced and measured, 5 measured and improved through\n"
    "cadence.  The weakest layer is named with the action the scale\n"
    "prescribes.  Questions and thresholds: docs/diagnose.md.\n"
    "With a PLAYBOOK, it runs first (as revl run runs it; its outputs are\n"
    "not written and what it prints goes to stderr), and layer 1 asks its\n"
    "last ICP model (revl.icp: a tier above the lowest) and layer 3 its\n"
    "last SLA on leads and on deals (revl.sla: met or still within target)\n"
    "instead of revl's own rules; the output names the source of each.\n"
    "\n"
    "  --data DIR     directory of CSV exports (required)\n"
    "  --sample N     records per path, at least 1 (default 20)\n"
    "  --seed S       sampling seed, a non-negative integer (default 1)\n"
    "  --as-of DATE   the day the data is judged at (YYYY-MM-DD; default today)\n"
    "  --map FILE     mapping file (default: DIR/mapping.lua when present)\n"
    "  --out DIR      also write DIR/diagnose_evidence.csv (one row per record\n"
    "                 and question) and DIR/diagnose.json\n"
    "  --format F     table (default): the report; csv, jsonl or json: one\n"
    "                 record per layer (layer, name, score, level, checked,\n"
    "                 passed, pass_pct, action)\n";

static const char *const levels[6] = {
    "no evidence",           "no shared rule", "informal",
    "documented but weakly enforced", "enforced and measured",
    "measured and improved through cadence"};

/* printf-formatted bytes written as they are (revl_csvw_fmt writes a
 * CSV field) */
static void rawf(revl_csvw *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void rawf(revl_csvw *w, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) revl_csvw_raw(w, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static double pct(size_t passed, size_t checked) {
  return checked ? 100.0 * (double)passed / (double)checked : 0.0;
}

static void print_table(const revl_dx_result *r, const char *data, const char *asof,
                        long long seed, long long sample, const char *playbook) {
  char idb[32], qb[200];
  printf("%sdiagnose%s %s, as of %s, seed %lld, up to %lld records per path\n",
         cli_sgr("bold"), cli_sgr("reset"), data, asof, seed, sample);
  if (playbook) printf("playbook %s\n", playbook);
  printf("\nrules of layers 1 and 3\n");
  for (int p = 0; p < REVL_DX_NPATHS; p++)
    printf("  %-17s layer 1 by %s; layer 3 by %s\n", revl_dx_path_name(p), r->source[p][0],
           r->source[p][1]);
  printf("\n");
  printf("paths\n");
  for (int p = 0; p < REVL_DX_NPATHS; p++) {
    const revl_dx_path *rp = &r->paths[p];
    if (rp->table)
      printf("  %-17s %-9s %zu of %zu sampled\n", revl_dx_path_name(p), rp->table->name,
             rp->sampled, rp->candidates);
    else
      printf("  %-17s no evidence: %s\n", revl_dx_path_name(p), rp->reason);
  }
  printf("\nlayer                  score  passed/checked\n");
  for (int k = 0; k < REVL_DX_NLAYERS; k++) {
    const revl_dx_layer *l = &r->layers[k];
    if (!l->score)
      printf("%d %-20s     -  no evidence\n", k + 1, revl_dx_layer_name(k));
    else
      printf("%d %-20s %5d  %zu/%zu (%.1f%%)\n", k + 1, revl_dx_layer_name(k), l->score,
             l->passed, l->checked, pct(l->passed, l->checked));
  }
  for (int k = 0; k < REVL_DX_NLAYERS; k++) {
    const revl_dx_layer *l = &r->layers[k];
    printf("\n%s%d %s%s: ", cli_sgr("bold"), k + 1, revl_dx_layer_name(k), cli_sgr("reset"));
    if (!l->score) {
      printf("no evidence (no path has records to ask)\n");
      continue;
    }
    printf("score %d, %s\n", l->score, levels[l->score]);
    for (int p = 0; p < REVL_DX_NPATHS; p++)
      if (r->paths[p].sampled)
        printf("  %s asks: %s\n", revl_dx_path_name(p), revl_dx_asked(r, p, k, qb, sizeof qb));
    /* up to three failures per path; a passing record when none failed */
    int shown = 0;
    for (int p = 0; p < REVL_DX_NPATHS; p++) {
      int np = 0;
      for (size_t i = 0; i < r->nchecks && np < 3; i++) {
        const revl_dx_check *c = &r->checks[i];
        if (c->path != p || c->layer != k || c->pass) continue;
        printf("  %sfail%s %-17s %-10s %s\n", cli_sgr("red"), cli_sgr("reset"),
               revl_dx_path_name(p), revl_dx_record_id(r, c, idb, sizeof idb),
               c->evidence);
        np++;
        shown++;
      }
    }
    for (size_t i = 0; i < r->nchecks && !shown; i++) {
      const revl_dx_check *c = &r->checks[i];
      if (c->layer != k) continue;
      printf("  %spass%s %-17s %-10s %s\n", cli_sgr("green"), cli_sgr("reset"),
             revl_dx_path_name(c->path), revl_dx_record_id(r, c, idb, sizeof idb),
             c->evidence);
      shown = 1;
    }
  }
  printf("\n");
  if (r->weakest < 0) {
    printf("weakest layer: none (no layer has evidence)\n");
    return;
  }
  const revl_dx_layer *w = &r->layers[r->weakest];
  printf("weakest layer: %d %s (score %d, %.1f%% pass)\n", r->weakest + 1,
         revl_dx_layer_name(r->weakest), w->score, pct(w->passed, w->checked));
  printf("fix the lowest layer first: %s\n", revl_dx_action(w->score));
}

/* One layer as a JSON object (no trailing newline). */
static void layer_json(revl_csvw *w, const revl_dx_result *r, int k) {
  const revl_dx_layer *l = &r->layers[k];
  const char *nm = revl_dx_layer_name(k), *act = revl_dx_action(l->score);
  rawf(w, "{\"layer\":%d,\"name\":", k + 1);
  revl_csvw_json(w, nm, strlen(nm));
  if (l->score) rawf(w, ",\"score\":%d", l->score);
  else revl_csvw_raw(w, ",\"score\":null", 13);
  revl_csvw_raw(w, ",\"level\":", 9);
  revl_csvw_json(w, levels[l->score], strlen(levels[l->score]));
  rawf(w, ",\"checked\":%zu,\"passed\":%zu,\"pass_pct\":%.1f,\"action\":",
                l->checked, l->passed, pct(l->passed, l->checked));
  revl_csvw_json(w, act, strlen(act));
  revl_csvw_raw(w, "}", 1);
}

static int write_layers(const revl_dx_result *r, int fmt) {
  revl_error err;
  revl_csvw *w = revl_csvw_open_stream(stdout, "<stdout>", fmt == REVL_FMT_JSON, &err);
  if (!w) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  if (fmt == REVL_FMT_CSV) {
    static const char *const names[] = {"layer", "name", "score", "level", "checked",
                                        "passed", "pass_pct", "action"};
    for (int k = 0; k < 8; k++) revl_csvw_str(w, names[k]);
    revl_csvw_end(w);
    for (int k = 0; k < REVL_DX_NLAYERS; k++) {
      const revl_dx_layer *l = &r->layers[k];
      revl_csvw_int(w, k + 1);
      revl_csvw_str(w, revl_dx_layer_name(k));
      if (l->score) revl_csvw_int(w, l->score);
      else revl_csvw_str(w, "");
      revl_csvw_str(w, levels[l->score]);
      revl_csvw_int(w, (int64_t)l->checked);
      revl_csvw_int(w, (int64_t)l->passed);
      revl_csvw_fmt(w, "%.1f", pct(l->passed, l->checked));
      revl_csvw_str(w, revl_dx_action(l->score));
      revl_csvw_end(w);
    }
  } else {
    for (int k = 0; k < REVL_DX_NLAYERS; k++) {
      layer_json(w, r, k);
      revl_csvw_raw(w, "\n", 1);
    }
  }
  if (revl_csvw_commit(w, &err)) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  return REVL_EXIT_OK;
}

/* DIR/diagnose_evidence.csv and DIR/diagnose.json, both or neither. */
static int write_out(const char *dir, const revl_dx_result *r, const char *data,
                     const char *asof, long long seed, long long sample) {
  revl_error err;
  char idb[32], qb[200];
  revl_csvw *ev = revl_csvw_open_in(dir, "diagnose_evidence.csv", &err), *js = NULL;
  if (!ev) goto fail;
  if (!(js = revl_csvw_open_in(dir, "diagnose.json", &err))) goto fail;
  static const char *const names[] = {"path", "table", "id", "layer", "layer_name",
                                      "question", "result", "evidence"};
  for (int k = 0; k < 8; k++) revl_csvw_str(ev, names[k]);
  revl_csvw_end(ev);
  for (size_t i = 0; i < r->nchecks; i++) {
    const revl_dx_check *c = &r->checks[i];
    revl_csvw_str(ev, revl_dx_path_name(c->path));
    revl_csvw_str(ev, r->paths[c->path].table->name);
    revl_csvw_str(ev, revl_dx_record_id(r, c, idb, sizeof idb));
    revl_csvw_int(ev, c->layer + 1);
    revl_csvw_str(ev, revl_dx_layer_name(c->layer));
    revl_csvw_str(ev, revl_dx_asked(r, c->path, c->layer, qb, sizeof qb));
    revl_csvw_str(ev, c->pass ? "pass" : "fail");
    revl_csvw_str(ev, c->evidence);
    revl_csvw_end(ev);
  }
  revl_csvw_raw(js, "{\"data\":", 8);
  revl_csvw_json(js, data, strlen(data));
  revl_csvw_raw(js, ",\"as_of\":", 9);
  revl_csvw_json(js, asof, strlen(asof));
  rawf(js, ",\"seed\":%lld,\"sample\":%lld,\n\"paths\":[", seed, sample);
  for (int p = 0; p < REVL_DX_NPATHS; p++) {
    const revl_dx_path *rp = &r->paths[p];
    const char *pn = revl_dx_path_name(p);
    revl_csvw_raw(js, p ? ",\n{\"path\":" : "\n{\"path\":", p ? 10 : 9);
    revl_csvw_json(js, pn, strlen(pn));
    revl_csvw_raw(js, ",\"icp_rule\":", 12);
    revl_csvw_json(js, r->source[p][0], strlen(r->source[p][0]));
    revl_csvw_raw(js, ",\"sla_rule\":", 12);
    revl_csvw_json(js, r->source[p][1], strlen(r->source[p][1]));
    if (rp->table) {
      revl_csvw_raw(js, ",\"table\":", 9);
      revl_csvw_json(js, rp->table->name, strlen(rp->table->name));
      rawf(js, ",\"candidates\":%zu,\"sampled\":%zu,\"reason\":null}",
                    rp->candidates, rp->sampled);
    } else {
      revl_csvw_raw(js, ",\"table\":null,\"candidates\":0,\"sampled\":0,\"reason\":", 51);
      revl_csvw_json(js, rp->reason, strlen(rp->reason));
      revl_csvw_raw(js, "}", 1);
    }
  }
  revl_csvw_raw(js, "],\n\"layers\":[", 13);
  for (int k = 0; k < REVL_DX_NLAYERS; k++) {
    revl_csvw_raw(js, k ? ",\n" : "\n", k ? 2 : 1);
    layer_json(js, r, k);
  }
  if (r->weakest >= 0) rawf(js, "],\n\"weakest\":%d}\n", r->weakest + 1);
  else revl_csvw_raw(js, "],\n\"weakest\":null}\n", 19);
  if (revl_csvw_commit(ev, &err)) {
    ev = NULL;
    goto fail;
  }
  ev = NULL;
  if (revl_csvw_commit(js, &err)) {
    js = NULL;
    goto fail;
  }
  return REVL_EXIT_OK;
fail:
  if (ev) revl_csvw_abort(ev);
  if (js) revl_csvw_abort(js);
  revl_error_print(&err);
  return revl_exit_code(err.code);
}

/* revl diagnose PLAYBOOK: the playbook runs over the data in a runtime
 * (its outputs discarded, its prints on stderr so the diagnostic's own
 * output stays one format), then the diagnostic with its ICP model and
 * SLAs (revl_rt_diagnose). */
static int with_playbook(const char *playbook, const revl_load_opts *lo, revl_dx_opts *o,
                         const char *out, int fmt, const char *asof, long long seed,
                         long long sample) {
  revl_rt_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.data_dir = lo->data_dir;
  ro.map_file = lo->map_file;
  ro.as_of = o->as_of;
  ro.fiscal_start = 1;
  ro.playbook = playbook;
  ro.format = cli_default_format();
  revl_error err;
  memset(&err, 0, sizeof err);
  revl_rt *rt = revl_rt_new(&ro, &err);
  if (!rt) {
    revl_error_print(&err);
    return revl_exit_code(err.code);
  }
  revl_rt_set_discard(rt, 1);
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  if (saved >= 0) dup2(STDERR_FILENO, STDOUT_FILENO);
  int rc = revl_rt_run_file(rt, playbook);
  fflush(stdout);
  if (saved >= 0) {
    dup2(saved, STDOUT_FILENO);
    close(saved);
  }
  if (rc == REVL_EXIT_OK || rc == REVL_EXIT_FAIL) {
    revl_dx_result r;
    int drc = revl_rt_diagnose(rt, o, &r, &err);
    if (drc) {
      revl_error_print(&err);
      rc = revl_exit_code(drc);
    } else if (out && (rc = write_out(out, &r, lo->data_dir, asof, seed, sample))) {
      /* written or failed: rc says */
    } else if (fmt == REVL_FMT_TABLE) {
      print_table(&r, lo->data_dir, asof, seed, sample, playbook);
      rc = REVL_EXIT_OK;
    } else {
      rc = write_layers(&r, fmt);
    }
    revl_diagnose_done(&r);
  }
  int crc = revl_rt_close(rt);
  if (rc == REVL_EXIT_OK) rc = crc;
  revl_rt_free(rt);
  return rc;
}

int cmd_diagnose(int argc, char **argv) {
  cli_args a;
  revl_load_opts lo;
  const char *v, *sample_s = NULL, *seed_s = NULL, *as_of = NULL, *playbook = NULL;
  int fmt = REVL_FMT_TABLE;
  memset(&lo, 0, sizeof lo);
  cli_args_init(&a, "diagnose", argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--data", &lo.data_dir)) continue;
    if (cli_opt(&a, "--map", &lo.map_file)) continue;
    if (cli_opt(&a, "--out", &lo.out_dir)) continue;
    if (cli_opt(&a, "--sample", &sample_s)) continue;
    if (cli_opt(&a, "--seed", &seed_s)) continue;
    if (cli_opt(&a, "--as-of", &as_of)) continue;
    if (cli_opt(&a, "--format", &v)) {
      if (a.err) break;
      if (cli_parse_format("diagnose", v, CLI_FMT_ALL, &fmt)) return REVL_EXIT_DATA;
      continue;
    }
    if (argv[a.i][0] == '-' && argv[a.i][1]) return cli_unknown_option("diagnose", argv[a.i]);
    if (playbook) return cli_usage_error("diagnose", "unexpected argument '%s'", argv[a.i]);
    playbook = argv[a.i++];
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!lo.data_dir) return cli_usage_error("diagnose", "--data DIR is required");
  long long sample = 20, seed = 1;
  if (sample_s && cli_parse_count("diagnose", "--sample", sample_s, &sample))
    return REVL_EXIT_DATA;
  if (sample < 1 || sample > 100000)
    return cli_usage_error("diagnose", "--sample needs 1 to 100000 records, not '%s'",
                           sample_s);
  if (seed_s && cli_parse_count("diagnose", "--seed", seed_s, &seed)) return REVL_EXIT_DATA;
  revl_dx_opts o;
  memset(&o, 0, sizeof o);
  o.sample = (int)sample;
  o.seed = (uint64_t)seed;
  if (as_of) {
    if (revl_parse_date(as_of, strlen(as_of), NULL, &o.as_of))
      return cli_usage_error("diagnose", "--as-of needs a date like 2025-06-30, not '%s'",
                             as_of);
  } else {
    /* the documented default, printed in every output */
    o.as_of = (int32_t)(time(NULL) / 86400);
  }
  lo.has_as_of = 1; /* an expand runs open subscriptions through it */
  lo.as_of = o.as_of;
  char asof[16];
  revl_format_date(o.as_of, asof, sizeof asof);
  /* --out is diagnose's, not the loader's rejects directory */
  const char *out = lo.out_dir;
  lo.out_dir = NULL;

  if (playbook) return with_playbook(playbook, &lo, &o, out, fmt, asof, seed, sample);
  revl_store *s = revl_store_new();
  revl_error err;
  if (!s) {
    fprintf(stderr, "revl: not enough memory\n");
    return REVL_EXIT_DATA;
  }
  int rc = revl_load_dir(s, &lo, &err);
  if (rc) {
    revl_error_print(&err);
    revl_store_free(s);
    return revl_exit_code(rc);
  }
  revl_dx_result r;
  rc = revl_diagnose(s, &o, &r, &err);
  if (rc) {
    revl_error_print(&err);
    rc = revl_exit_code(rc);
    goto out;
  }
  if (out && (rc = write_out(out, &r, lo.data_dir, asof, seed, sample))) goto out;
  if (fmt == REVL_FMT_TABLE) {
    print_table(&r, lo.data_dir, asof, seed, sample, NULL);
    rc = REVL_EXIT_OK;
  } else {
    rc = write_layers(&r, fmt);
  }
out:
  revl_diagnose_done(&r);
  revl_store_free(s);
  return rc;
}
