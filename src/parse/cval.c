/*
 * cval.c -- plain values handed over by the bindings (revl_cval,
 * revl/parse.h) as the text of a CSV cell and as JSON values, the way
 * decision logs write a playbook's own rows.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "revl/parse.h"
#include "revl/sbuf.h"

static void add_text(const revl_cval *v, revl_sbuf *out, int json) {
  const char *s = v->text ? v->text : "";
  size_t n = v->text ? v->textlen : 0;
  if (json) revl_sb_json(out, s, n);
  else revl_sb_add(out, s, n);
}

static int scalar(const revl_cval *v, revl_sbuf *out) {
  char buf[64];
  switch (v->kind) {
  case REVL_CV_BOOL: revl_sb_adds(out, v->i ? "true" : "false"); return 1;
  case REVL_CV_INT:
    snprintf(buf, sizeof buf, "%lld", (long long)v->i);
    revl_sb_adds(out, buf);
    return 1;
  case REVL_CV_MONEY:
    revl_format_money(v->i, revl_currency_decimals(v->cur), 0, buf, sizeof buf);
    revl_sb_adds(out, buf);
    return 1;
  default: return 0;
  }
}

void revl_cval_text(const revl_cval *v, revl_sbuf *out) {
  char buf[64];
  if (v->kind == REVL_CV_NIL || scalar(v, out)) return;
  if (v->kind == REVL_CV_NUM) {
    revl_num_text(v->d, buf, sizeof buf);
    revl_sb_adds(out, buf);
  } else if (v->kind == REVL_CV_STR) {
    revl_sb_add(out, v->s, v->n);
  } else {
    add_text(v, out, 0);
  }
}

void revl_cval_json(const revl_cval *v, revl_sbuf *out) {
  char buf[64];
  if (v->kind == REVL_CV_NIL) {
    revl_sb_adds(out, "null");
  } else if (scalar(v, out)) {
  } else if (v->kind == REVL_CV_NUM) {
    if (!isfinite(v->d)) revl_sb_adds(out, "null");
    else {
      revl_num_text(v->d, buf, sizeof buf);
      revl_sb_adds(out, buf);
    }
  } else if (v->kind == REVL_CV_STR) {
    revl_sb_json(out, v->s, v->n);
  } else {
    add_text(v, out, 1);
  }
}
