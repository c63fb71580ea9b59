/* open_pipeline.c -- revl from C, no Lua: load a data directory and print
 * the open pipeline per owner.  Build: make embed-example; run:
 * build/open_pipeline examples/data */
#include <stdio.h>
#include "revl/frame_view.h"
#include "revl/ingest.h"

int main(int argc, char **argv) {
  revl_error err = {0};
  revl_store *s = revl_store_new();
  revl_load_opts lo = {.data_dir = argc > 1 ? argv[1] : "examples/data"};
  if (!s || revl_load_dir(s, &lo, &err)) return revl_error_print(&err), revl_store_free(s), 2;
  revl_view deals = revl_view_all(revl_store_table(s, "deals"));
  if (!deals.t) revl_error_set(&err, REVL_EDATA, lo.data_dir, 0, 0, "no deals table");
  revl_gkey by[] = {{"owner", NULL, "owner"}, {"is_closed", NULL, "is_closed"}};
  revl_vagg agg[] = {{REVL_AGG_COUNT, NULL, "deals", 0}, {REVL_AGG_SUM, "amount", "pipeline", 0}};
  revl_frame *f;
  if (!deals.t || revl_view_group_by(&deals, by, 2, agg, 2, 1, &f, &err))
    return revl_error_print(&err), revl_store_free(s), 2;
  char buf[64];
  size_t n;
  for (size_t i = 0; i < f->nrows; i++)
    if (revl_frame_valid(f, 1, i) && !f->cols[1]->col.v.b[i])
      printf("%-10s %5s deals %16s %s\n", revl_frame_str(f, 0, i),
             revl_frame_cell_text(f, 2, i, buf, sizeof buf, &n), revl_frame_cell_text(f, 3, i, buf + 32, 32, &n),
             revl_frame_currency(f, 3, i));
  revl_frame_free(f);
  revl_store_free(s);
  return 0;
}
