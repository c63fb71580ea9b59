/*
 * quality.c -- data metrics of the core: window (the periods a window
 * option resolves to).  No Lua here.
 */
#include "revl/metric_revenue.h"

#include <stdint.h>

#include "metrics/mcore.h"

int revl_metric_window(const revl_metric_ctx *cx, const revl_window_opts *o,
                       revl_frame **out, revl_error *err) {
  static const char fn[] = "window";
  revl_mwin w;
  revl_frame *f = NULL;
  char buf[64];
  int rc = revl_mwin_resolve(cx, o, fn, 1, REVL_PK_QUARTER, &w, err);
  if (rc) return rc;
  if (w.kind >= 0 && (w.from == INT32_MIN || w.to == INT32_MAX))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "revl.metrics.%s: periods need a bounded window "
                          "(give both 'from' and 'to')",
                          fn);
  int64_t o0 = 0, o1 = -1;
  if (w.kind >= 0) {
    o0 = revl_mwin_first_ord(&w);
    o1 = revl_mwin_last_ord(&w);
    if (o1 - o0 > 100000)
      return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                            "revl.metrics.%s: too many periods", fn);
  }
  f = revl_frame_new(cx->store);
  if (!f) return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
  int cp = revl_frame_add_col(f, "period", REVL_T_STRING, NULL),
      cf = revl_frame_add_col(f, "from", REVL_T_DATE, NULL),
      ct = revl_frame_add_col(f, "to", REVL_T_DATE, NULL);
  if (cp < 0 || cf < 0 || ct < 0) {
    rc = REVL_ENOMEM;
    goto oom;
  }
  if (w.kind >= 0) {
    for (int64_t k = o0; k <= o1; k++) {
      int32_t a, b;
      revl_mwin_bounds(&w, k, &a, &b);
      revl_mwin_label(&w, k, buf, sizeof buf);
      if (revl_frame_push_cstr(f, cp, buf) ||
          revl_col_push_date(revl_frame_col(f, cf), a) ||
          revl_col_push_date(revl_frame_col(f, ct), b))
        goto oom;
    }
  } else if (w.limited) {
    if (revl_frame_push_cstr(f, cp, w.label) ||
        (w.from != INT32_MIN ? revl_col_push_date(revl_frame_col(f, cf), w.from)
                             : revl_col_push_null(revl_frame_col(f, cf))) ||
        (w.to != INT32_MAX ? revl_col_push_date(revl_frame_col(f, ct), w.to)
                           : revl_col_push_null(revl_frame_col(f, ct))))
      goto oom;
  }
  if ((rc = revl_frame_seal(f))) goto oom;
  *out = f;
  return 0;
oom:
  revl_frame_free(f);
  return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
}
