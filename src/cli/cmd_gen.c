/*
 * cmd_gen.c -- `revl gen`: write a deterministic example data set.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "revl/gen.h"
#include "revl/parse.h"

const char cli_usage_gen[] =
    "usage: revl gen --out DIR [--accounts N] [--deals N] [--leads N]\n"
    "                [--reps N] [--seed N] [--as-of YYYY-MM-DD]\n"
    "                [--format canonical|salesforce|hubspot]\n"
    "                [--snapshots [DATE1,DATE2]]\n"
    "\n"
    "Generate a realistic CRM data set: accounts, deals, stage_history,\n"
    "leads, reps, activities, subscriptions and usage, one CSV file each.\n"
    "The same options always give byte-identical files; dates are laid out\n"
    "relative to --as-of, never to today.\n"
    "\n"
    "Options:\n"
    "  --out DIR       output directory, created when missing (required)\n"
    "  --deals N       deals (default 1000)\n"
    "  --accounts N    accounts (default max(10, deals/5))\n"
    "  --leads N       leads (default max(10, deals/2))\n"
    "  --reps N        sales reps (default min(500, max(5, deals/2000)))\n"
    "  --seed N        random seed (default 1)\n"
    "  --as-of DATE    reference date (default 2026-01-01)\n"
    "  --format F      canonical (default), salesforce or hubspot: export\n"
    "                  headers and conventions for accounts, deals, leads\n"
    "                  and stage history\n"
    "  --snapshots [DATE1,DATE2]\n"
    "                  also write the deals, stage history and reps as they\n"
    "                  stood at 00:00 UTC on two dates into\n"
    "                  DIR/snapshots/DATE/, for revl.metrics.waterfall\n"
    "                  (default: one month before --as-of, and --as-of)\n";

static const char CMD[] = "gen";

/* DATE1,DATE2 into d (the order is checked later, against --as-of). */
static int snapshot_dates(const char *val, int32_t d[2]) {
  const char *comma = strchr(val, ',');
  revl_parse_opts po;
  memset(&po, 0, sizeof po);
  if (!comma || strchr(comma + 1, ',') ||
      revl_parse_date(val, (size_t)(comma - val), &po, &d[0]) != 0 ||
      revl_parse_date(comma + 1, strlen(comma + 1), &po, &d[1]) != 0 ||
      d[0] < revl_days_from_civil(1900, 1, 1) ||
      d[1] > revl_days_from_civil(9000, 1, 1))
    return cli_usage_error(CMD, "--snapshots needs two dates like "
                                "2025-12-01,2026-01-01, not '%s'", val);
  return 0;
}

/* The same day one month before day (the month's last day when it is
 * shorter). */
static int32_t month_before(int32_t day) {
  int y;
  unsigned m, dd;
  revl_civil_from_days(day, &y, &m, &dd);
  if (m == 1) {
    y--;
    m = 12;
  } else {
    m--;
  }
  unsigned last = (unsigned)revl_days_in_month(y, m);
  return revl_days_from_civil(y, m, dd < last ? dd : last);
}

static int count_opt(const char *opt, const char *val, long long *out,
                     int *given) {
  if (cli_parse_count(CMD, opt, val, out) != 0) return -1;
  if (given) *given = 1;
  return 0;
}

int cmd_gen(int argc, char **argv) {
  cli_args a;
  const char *out = NULL, *val = NULL;
  long long deals = 1000, accounts = 0, leads = 0, reps = 0, seed = 1;
  int has_accounts = 0, has_leads = 0, has_reps = 0, snaps = 0;
  int32_t snap[2] = {0, 0};
  revl_gen_opts o;
  revl_error err;
  revl_parse_opts po;

  memset(&o, 0, sizeof o);
  memset(&err, 0, sizeof err);
  memset(&po, 0, sizeof po);
  o.format = REVL_GEN_CANONICAL;
  o.as_of = revl_days_from_civil(2026, 1, 1);

  cli_args_init(&a, CMD, argc, argv);
  while (cli_more(&a)) {
    if (cli_opt(&a, "--out", &val)) {
      if (a.err) return REVL_EXIT_DATA;
      if (!val[0]) return cli_usage_error(CMD, "--out needs a directory");
      out = val;
    } else if (cli_opt(&a, "--deals", &val)) {
      if (a.err || count_opt("--deals", val, &deals, NULL))
        return REVL_EXIT_DATA;
    } else if (cli_opt(&a, "--accounts", &val)) {
      if (a.err || count_opt("--accounts", val, &accounts, &has_accounts))
        return REVL_EXIT_DATA;
    } else if (cli_opt(&a, "--leads", &val)) {
      if (a.err || count_opt("--leads", val, &leads, &has_leads))
        return REVL_EXIT_DATA;
    } else if (cli_opt(&a, "--reps", &val)) {
      if (a.err || count_opt("--reps", val, &reps, &has_reps))
        return REVL_EXIT_DATA;
    } else if (cli_opt(&a, "--seed", &val)) {
      if (a.err || count_opt("--seed", val, &seed, NULL))
        return REVL_EXIT_DATA;
    } else if (cli_opt(&a, "--as-of", &val)) {
      int32_t d;
      if (a.err) return REVL_EXIT_DATA;
      if (revl_parse_date(val, strlen(val), &po, &d) != 0 ||
          d < revl_days_from_civil(1900, 1, 1) ||
          d > revl_days_from_civil(9000, 1, 1))
        return cli_usage_error(CMD, "--as-of needs a date like 2026-01-01, "
                                    "not '%s'", val);
      o.as_of = d;
    } else if (cli_opt(&a, "--format", &val)) {
      if (a.err) return REVL_EXIT_DATA;
      if (strcmp(val, "canonical") == 0)
        o.format = REVL_GEN_CANONICAL;
      else if (strcmp(val, "salesforce") == 0)
        o.format = REVL_GEN_SALESFORCE;
      else if (strcmp(val, "hubspot") == 0)
        o.format = REVL_GEN_HUBSPOT;
      else
        return cli_usage_error(CMD, "--format must be canonical, salesforce "
                                    "or hubspot, not '%s'", val);
    } else if (strcmp(argv[a.i], "--snapshots") == 0 ||
               strncmp(argv[a.i], "--snapshots=", 12) == 0) {
      /* the dates are optional: a next argument that is not an option */
      const char *v = argv[a.i][11] == '=' ? argv[a.i] + 12 : NULL;
      a.i++;
      if (!v && a.i < a.argc && argv[a.i][0] != '-') v = argv[a.i++];
      snaps = 1;
      if (v) {
        if (snapshot_dates(v, snap)) return REVL_EXIT_DATA;
        snaps = 2;
      }
    } else if (strncmp(argv[a.i], "--", 2) == 0) {
      return cli_unknown_option(CMD, argv[a.i]);
    } else {
      return cli_usage_error(CMD, "unexpected argument '%s'", argv[a.i]);
    }
  }
  if (a.err) return REVL_EXIT_DATA;
  if (!out) return cli_usage_error(CMD, "--out DIR is required");

  if (!has_accounts) accounts = deals / 5 > 10 ? deals / 5 : 10;
  if (!has_leads) leads = deals / 2 > 10 ? deals / 2 : 10;
  if (!has_reps) {
    reps = deals / 2000 > 5 ? deals / 2000 : 5;
    if (reps > 500) reps = 500;
  }
  if (accounts > 100000000)
    return cli_usage_error(CMD, "--accounts is at most 100000000");
  if (reps > 1000000) return cli_usage_error(CMD, "--reps is at most 1000000");
  if (deals > 2000000000LL)
    return cli_usage_error(CMD, "--deals is at most 2000000000");
  if (leads > 2000000000LL)
    return cli_usage_error(CMD, "--leads is at most 2000000000");
  if (deals > 0 && accounts == 0)
    return cli_usage_error(CMD, "deals need accounts: --accounts must be at "
                                "least 1");
  if (deals > 0 && reps == 0)
    return cli_usage_error(CMD, "deals need owners: --reps must be at least 1");

  if (snaps == 1) {
    snap[0] = month_before(o.as_of);
    snap[1] = o.as_of;
  }
  if (snaps) {
    char b[32];
    if (snap[0] >= snap[1])
      return cli_usage_error(CMD, "--snapshots: the first date must be before "
                                  "the second");
    if (snap[1] > o.as_of) {
      revl_format_date(o.as_of, b, sizeof b);
      return cli_usage_error(CMD, "--snapshots: dates must not be after "
                                  "--as-of (%s)", b);
    }
    o.nsnap = 2;
    o.snap[0] = snap[0];
    o.snap[1] = snap[1];
  }
  o.out = out;
  o.accounts = accounts;
  o.deals = deals;
  o.leads = leads;
  o.reps = reps;
  o.seed = (uint64_t)seed;
  int rc = revl_gen(&o, &err);
  if (rc != 0) {
    revl_error_print(&err);
    return revl_exit_code(rc);
  }
  return REVL_EXIT_OK;
}
