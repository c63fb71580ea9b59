/*
 * gen.c -- the driver of the deterministic CRM data generator (see
 * revl/gen.h and docs/gen.md for the columns and distributions): checks
 * the options, builds the per-rep and per-account arrays the other parts
 * read (roles, managers and quota roll-ups, account weights as an alias
 * table), and writes the tables in order through the parts: gen_sales.c,
 * gen_leads.c, gen_cs.c and gen_snap.c, with names from gen_names.c.
 *
 * Every entity is a pure function of (seed, table, index): each account,
 * deal, lead, subscription and activity list seeds its own xoshiro256**
 * state from splitmix64, so any row can be rebuilt anywhere (a lead that
 * converted rebuilds its deal; a deal's row, its stage history, its
 * activities and its snapshots come from one build) and nothing depends
 * on the order the tables are written in.  Only a few per-account and
 * per-rep arrays are allocated, once; rows go straight to the CSV
 * writers.
 */
#include "gen/gen_int.h"

#include <stdlib.h>

/* ---- table writers ------------------------------------------------------- */

revl_csvw *gen_open_table(gen *g, const char *name, revl_error *err) {
  size_t n = strlen(g->dir);
  const char *sep = (n && g->dir[n - 1] == '/') ? "" : "/";
  snprintf(g->path, sizeof g->path, "%s%s%s", g->dir, sep, name);
  return revl_csvw_open(g->path, err);
}

int gen_commit_table(gen *g, revl_csvw **w, const char *name, int64_t rows,
                     revl_error *err) {
  size_t n = strlen(g->dir);
  const char *sep = (n && g->dir[n - 1] == '/') ? "" : "/";
  int rc = revl_csvw_commit(*w, err);
  *w = NULL;
  if (rc) return rc;
  printf("wrote %s%s%s (%lld rows)\n", g->dir, sep, name, (long long)rows);
  return 0;
}

/* ---- setup --------------------------------------------------------------- */

static int idlist_alloc(idlist *l, int64_t n) {
  l->n = 0;
  l->v = malloc((size_t)(n ? n : 1) * sizeof *l->v);
  return l->v ? 0 : -1;
}

static void gen_free(gen *g) {
  for (int k = 0; k < 3; k++) {
    free(g->ae[k].v);
    free(g->sdr[k].v);
  }
  free(g->ae_all.v);
  free(g->sdr_all.v);
  for (int k = 0; k < 3; k++) free(g->mgr[k].v);
  free(g->mgr_all.v);
  free(g->rep_role);
  free(g->rep_region);
  free(g->rep_mgr);
  free(g->rep_quota);
  free(g->ai);
  free(g->alias_q);
  free(g->alias_j);
  free(g->won_day);
  free(g->won_amt);
  free(g->dates);
  revl_csvw_abort(g->w_deals);
  revl_csvw_abort(g->w_hist);
  revl_csvw_abort(g->w_acts);
}

static uint64_t gcd64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Turn the weights in alias_q into Vose's alias table, in exact integer
 * arithmetic: column c is c itself when a draw in [0, totw) falls below
 * alias_q[c], else alias_j[c]. */
static int alias_build(gen *g) {
  int64_t n = g->nacct, ns = 0, nl = 0;
  uint64_t W = g->totw;
  int32_t *stack = malloc((size_t)n * sizeof *stack); /* small up, large down */
  if (!stack) return -1;
  for (int64_t i = 0; i < n; i++) {
    g->alias_q[i] *= (uint64_t)n; /* scaled so that the mean is W */
    g->alias_j[i] = (int32_t)i;
    if (g->alias_q[i] < W)
      stack[ns++] = (int32_t)i;
    else
      stack[n - 1 - nl++] = (int32_t)i;
  }
  while (ns > 0 && nl > 0) {
    int32_t s = stack[--ns], l = stack[n - nl];
    g->alias_j[s] = l;
    g->alias_q[l] -= W - g->alias_q[s];
    if (g->alias_q[l] < W) {
      nl--;
      stack[ns++] = l;
    }
  }
  for (int64_t k = 0; k < ns; k++) g->alias_q[stack[k]] = W;
  for (int64_t k = 0; k < nl; k++) g->alias_q[stack[n - 1 - k]] = W;
  free(stack);
  return 0;
}

static int gen_setup(gen *g, revl_error *err) {
  const revl_gen_opts *o = g->o;
  g->nacct = o->accounts;
  g->ndeal = o->deals;
  g->nlead = o->leads;
  g->nrep = o->reps;
  g->seed = o->seed;
  g->as_of = o->as_of;
  g->now = (int64_t)o->as_of * DAY;
  g->format = o->format;
  g->w_acct = digits_of((uint64_t)g->nacct) > 6 ? digits_of((uint64_t)g->nacct) : 6;
  g->w_deal = digits_of((uint64_t)g->ndeal) > 7 ? digits_of((uint64_t)g->ndeal) : 7;
  g->w_lead = digits_of((uint64_t)g->nlead) > 7 ? digits_of((uint64_t)g->nlead) : 7;
  g->w_rep = digits_of((uint64_t)g->nrep) > 4 ? digits_of((uint64_t)g->nrep) : 4;
  uint64_t max_act = (uint64_t)g->ndeal * 6 + (uint64_t)g->nlead * 4;
  g->w_act = digits_of(max_act) > 8 ? digits_of(max_act) : 8;

  /* Company-name combinations, walked by a seeded permutation so the
   * first name_c accounts get distinct names. */
  g->name_c = gen_name_combos();
  {
    rng r;
    rng_init(&r, g->seed, S_NAMES, 0);
    g->name_off = below(&r, g->name_c);
    g->name_p = 1000003 + 2 * below(&r, 1000);
    while (gcd64(g->name_p, g->name_c) != 1) g->name_p += 2;
  }

  /* Date strings around as_of. */
  g->date_lo = g->as_of - 4000;
  g->date_n = 4800;
  g->dates = malloc((size_t)g->date_n * 10);
  if (!g->dates) goto nomem;
  for (int32_t k = 0; k < g->date_n; k++) {
    char b[32];
    int n = revl_format_date(g->date_lo + k, b, sizeof b);
    if (n != 10) {
      g->date_n = k; /* years past 9999: fall back to revl_format_date */
      break;
    }
    memcpy(g->dates + (size_t)k * 10, b, 10);
  }

  /* Reps by role and region. */
  size_t nr = (size_t)(g->nrep ? g->nrep : 1);
  g->rep_role = malloc(nr);
  g->rep_region = malloc(nr);
  g->rep_mgr = malloc(nr * sizeof *g->rep_mgr);
  g->rep_quota = malloc(nr * sizeof *g->rep_quota);
  if (!g->rep_role || !g->rep_region || !g->rep_mgr || !g->rep_quota)
    goto nomem;
  for (int k = 0; k < 3; k++)
    if (idlist_alloc(&g->ae[k], g->nrep) || idlist_alloc(&g->sdr[k], g->nrep) ||
        idlist_alloc(&g->mgr[k], g->nrep))
      goto nomem;
  if (idlist_alloc(&g->ae_all, g->nrep) || idlist_alloc(&g->sdr_all, g->nrep) ||
      idlist_alloc(&g->mgr_all, g->nrep))
    goto nomem;
  for (int64_t i = 0; i < g->nrep; i++) {
    rep p;
    gen_rep_make(g, i, &p);
    g->rep_role[i] = (uint8_t)p.role;
    g->rep_region[i] = (uint8_t)p.region;
    g->rep_mgr[i] = -1;
    g->rep_quota[i] = p.role == ROLE_MGR ? 0 : p.quota;
    if (p.role == ROLE_MGR) {
      g->mgr[p.region].v[g->mgr[p.region].n++] = (int32_t)i;
      g->mgr_all.v[g->mgr_all.n++] = (int32_t)i;
    } else if (p.role == ROLE_AE) {
      g->ae[p.region].v[g->ae[p.region].n++] = (int32_t)i;
      g->ae_all.v[g->ae_all.n++] = (int32_t)i;
    } else if (p.role == ROLE_SDR) {
      g->sdr[p.region].v[g->sdr[p.region].n++] = (int32_t)i;
      g->sdr_all.v[g->sdr_all.n++] = (int32_t)i;
    }
  }

  /* Every AE reports to a manager of its region, dealt out in turn (to
   * any manager when its region has none); a manager's quota is the sum
   * of its AEs', so the team's number is counted once. */
  int64_t spill = 0; /* AEs handed to managers of other regions */
  for (int k = 0; k < 3; k++) {
    for (int64_t j = 0; j < g->ae[k].n; j++) {
      int32_t ae = g->ae[k].v[j], boss;
      if (g->mgr[k].n)
        boss = g->mgr[k].v[j % g->mgr[k].n];
      else if (g->mgr_all.n)
        boss = g->mgr_all.v[spill++ % g->mgr_all.n];
      else
        break; /* no managers at all */
      g->rep_mgr[ae] = boss;
      g->rep_quota[boss] += g->rep_quota[ae];
    }
  }

  /* Accounts: what deals and subscriptions need, and deal weights. */
  size_t na = (size_t)(g->nacct ? g->nacct : 1);
  g->ai = malloc(na * sizeof *g->ai);
  g->alias_q = malloc(na * sizeof *g->alias_q);
  g->alias_j = malloc(na * sizeof *g->alias_j);
  g->won_day = malloc(na * sizeof *g->won_day);
  g->won_amt = malloc(na * sizeof *g->won_amt);
  if (!g->ai || !g->alias_q || !g->alias_j || !g->won_day || !g->won_amt) goto nomem;
  g->totw = 0;
  for (int64_t i = 0; i < g->nacct; i++) {
    acct a;
    gen_acct_make(g, i, &a);
    acct_info *ai = &g->ai[i];
    ai->emp = a.emp;
    ai->created = a.created;
    ai->owner = a.owner;
    ai->seg = (uint8_t)a.seg;
    ai->country = (uint8_t)a.country;
    ai->region = GEN_COUNTRY[a.country].region;
    g->alias_q[i] = 4 + (uint64_t)sqrt((double)a.emp); /* weight for now */
    g->totw += g->alias_q[i];
    g->won_day[i] = NO_DAY;
    g->won_amt[i] = 0;
  }
  if (g->nacct > 0 && alias_build(g)) goto nomem;
  return 0;
nomem:
  return revl_error_set(err, REVL_ENOMEM, NULL, 0, 0, "not enough memory");
}

int revl_gen(const revl_gen_opts *o, revl_error *err) {
  if (!o || !o->out || !o->out[0])
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: no output directory");
  if (o->accounts < 0 || o->deals < 0 || o->leads < 0 || o->reps < 0)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: counts must not be negative");
  if (o->accounts > 100000000 || o->reps > 1000000 ||
      o->deals > 2000000000LL || o->leads > 2000000000LL)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: too many rows asked for (at most 100000000 "
                          "accounts, 1000000 reps, 2000000000 deals or leads)");
  if (o->deals > 0 && (o->accounts == 0 || o->reps == 0))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: deals need at least one account and one rep");
  if (o->format != REVL_GEN_CANONICAL && o->format != REVL_GEN_SALESFORCE &&
      o->format != REVL_GEN_HUBSPOT)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0, "gen: unknown format");
  if (o->as_of < revl_days_from_civil(1900, 1, 1) ||
      o->as_of > revl_days_from_civil(9000, 1, 1))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: as-of date out of range");

  if (strlen(o->out) > 4000)
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: output directory name too long");
  if (o->nsnap != 0 &&
      (o->nsnap != 2 || o->snap[0] >= o->snap[1] || o->snap[1] > o->as_of ||
       o->snap[0] < revl_days_from_civil(1900, 1, 1)))
    return revl_error_set(err, REVL_EUSAGE, NULL, 0, 0,
                          "gen: snapshots need two dates, the first before the "
                          "second, neither after as-of");

  int rc = revl_mkdirs(o->out, err);
  if (rc) return rc;
  gen g;
  memset(&g, 0, sizeof g);
  g.o = o;
  snprintf(g.dir, sizeof g.dir, "%s", o->out);
  rc = gen_setup(&g, err);
  if (!rc) rc = gen_write_reps(&g, err);
  if (!rc) rc = gen_write_accounts(&g, err);
  if (!rc) rc = gen_write_deals(&g, err);
  if (!rc) rc = gen_write_leads(&g, err);
  if (!rc) rc = gen_write_subscriptions(&g, err);
  if (!rc) rc = gen_write_snapshots(&g, err);
  if (!rc) fflush(stdout);
  gen_free(&g);
  return rc;
}
