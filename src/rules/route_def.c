/*
 * route_def.c -- the parts of router definitions that touch the data:
 * the lead and account columns of account matching, caps from a number
 * or a reps column, and the text fields territories and owner rules
 * read.  Errors carry the messages playbooks see; the bindings only
 * read the definition's values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "revl/route.h"

#define FAIL(...) revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, __VA_ARGS__)

int revl_router_text_field(const revl_table *base, const char *field, const char *what,
                           revl_table **holder, int *via, int *col, revl_error *err) {
  const revl_table *h;
  int c = revl_table_field(base, field, &h, via);
  if (c < 0) return FAIL("%s has no column '%s'%s", base->name, field, REVL_HINT(base, field));
  if (h->cols[c]->type != REVL_T_STRING)
    return FAIL("%s field '%s' must be text%s, it is %s", what, field,
                strcmp(what, "owner") == 0 ? " (rep ids)" : "", revl_type_name(h->cols[c]->type));
  *holder = (revl_table *)h;
  *col = c;
  return 0;
}

int revl_router_account_cols(revl_router *r, const revl_table *a, const revl_acct_spec *sp,
                             int *domain_col, int *name_col, revl_error *err) {
  const char *given[3] = {sp->email, sp->domain, sp->company};
  const char *dflt[3] = {"email", "domain", "company"};
  int *lc[3] = {&r->lead_email, &r->lead_domain, &r->lead_company};
  int any = 0;
  for (int i = 0; i < 3; i++) {
    const char *f = given[i] ? given[i] : dflt[i];
    int c = revl_table_col(r->base, f);
    if (c < 0 && given[i]) return FAIL("%s has no column '%s'%s", r->base->name, f, REVL_HINT(r->base, f));
    if (c >= 0 && r->base->cols[c]->type != REVL_T_STRING) {
      if (given[i]) return FAIL("'%s' must be a text column", f);
      c = -1;
    }
    *lc[i] = c;
    any |= c >= 0;
  }
  if (!any)
    return FAIL("account matching needs an email, domain or company column on %s", r->base->name);
  const char *ad = sp->account_domain, *an = sp->account_name, *of = sp->owner_from;
  int adc = revl_table_col(a, ad ? ad : "domain");
  if (adc < 0 && !ad) adc = revl_table_col(a, "website");
  if (ad && adc < 0) return FAIL("accounts has no column '%s'", ad);
  int anc = revl_table_col(a, an ? an : "name");
  if (an && anc < 0) return FAIL("accounts has no column '%s'", an);
  int oc = revl_table_col(a, "owner");
  if (of && strcmp(of, "deals") == 0) {
    r->owner_from_deals = 1;
  } else if (of && strcmp(of, "owner") != 0) {
    oc = revl_table_col(a, of);
    if (oc < 0) return FAIL("accounts has no column '%s'", of);
  } else if (of && oc < 0) {
    return FAIL("accounts has no column 'owner' (use owner_from = \"deals\")");
  }
  if (!r->owner_from_deals) {
    if (oc < 0) r->owner_from_deals = 1;
    else r->acct_owner_col = oc;
  }
  *domain_col = adc;
  *name_col = anc;
  return 0;
}

int64_t *revl_router_cap_new(revl_router *r, int p, int64_t v) {
  size_t nr = r->reps->nrows;
  int64_t *cap = malloc((nr ? nr : 1) * sizeof *cap);
  if (!cap) return NULL;
  free(r->cap[p]);
  r->cap[p] = cap;
  for (size_t i = 0; i < nr; i++) cap[i] = v;
  return cap;
}

int revl_router_cap_col(revl_router *r, int p, const char *pname, const char *f,
                        revl_error *err) {
  int c = revl_table_col(r->reps, f);
  if (c < 0) return FAIL("%s cap: reps has no column '%s'", pname, f);
  const revl_column *col = r->reps->cols[c];
  if (col->type != REVL_T_INT && col->type != REVL_T_NUMBER)
    return FAIL("%s cap: reps.%s is %s, not a number", pname, f, revl_type_name(col->type));
  int64_t *cap = r->cap[p];
  for (size_t i = 0; i < r->reps->nrows; i++)
    if (revl_col_valid(col, i))
      cap[i] = col->type == REVL_T_INT ? col->v.i64[i] : (int64_t)floor(col->v.f64[i]);
  return 0;
}
