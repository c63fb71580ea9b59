/*
 * fuzz_lua.c -- libFuzzer harness for the Lua API surface: the input
 * bytes drive a small grammar of revl calls (values, money and date
 * arithmetic, filters, views, group-by, periods, metrics, rules) with
 * arguments picked from edge values (NaN, infinities, the integer
 * limits, huge and tiny numbers, odd strings).  The snippet runs in one
 * sandboxed runtime over the small fixture store tests/lua/data
 * (REVL_FUZZ_DATA overrides it), each statement in its own pcall, with
 * a 1 s timeout, a 0.2 s per-call budget and a 64 MB heap, as
 * `revl run --timeout 1 --max-memory 64` would.  Lua errors are fine;
 * crashes, sanitizer reports and hangs are not.
 */
#include "fuzz_util.h"

#include <lua.h>

#include "revl/runtime.h"

typedef struct gen {
  fuzz_in in;
  char *buf;
  size_t len, cap;
  int depth;
} gen;

static void put(gen *g, const char *s) {
  size_t k = strlen(s);
  if (g->len + k + 1 > g->cap) {
    size_t nc = (g->cap ? g->cap * 2 : 4096) + k;
    char *nb = realloc(g->buf, nc);
    if (!nb) abort();
    g->buf = nb;
    g->cap = nc;
  }
  memcpy(g->buf + g->len, s, k + 1);
  g->len += k;
}

static const char *const nums[] = {
    "0", "-1", "1", "7", "2.5", "-0.5", "0.005", "100", "1e15", "-1e15",
    "1e300", "-1e300", "1e-300", "(0/0)", "(1/0)", "(-1/0)", "math.maxinteger",
    "math.mininteger", "2^63", "-2^63", "2^53", "2^31", "-2^31", "2^32",
    "12345.678", "9.2233720368547758e18", "-9.2233720368547758e18", "3",
    "365", "-365", "86400", "1e20", "0.1", "99999999"};
static const char *const strs[] = {
    "\"\"", "\"2025-01-01\"", "\"2024-02-29\"", "\"9999-12-31\"",
    "\"0000-01-01\"", "\"1,200.50\"", "\"USD 1200\"", "\"1.200,50 \\226\\130\\172\"",
    "\"$-5\"", "\"(3.00)\"", "\"JPY 100\"", "\"x\"", "\"-1\"", "\"1e400\"",
    "\"2025-01-05T10:00:00+02:00\"", "\"2025-13-45\"", "\"R1\"", "\"D1\"",
    "\"Closed Won\"", "\"%\"", "\"[\"", "\"%d+\"", "\"EUR\"", "\"XXX\"",
    "\"Q1\"", "\"month\"", "\"quarter\"", "\"year\"", "\"fiscal_quarter\"",
    "\"fiscal_year\"", "\"week\"", "\"desc\"", "\"asc\"", "\"\\0\"",
    "string.rep(\"9\", 40)", "\"1/2/2025\"", "\"1700000000000\""};
static const char *const cols[] = {
    "\"id\"", "\"amount\"", "\"stage\"", "\"close_date\"", "\"created_at\"",
    "\"probability\"", "\"owner\"", "\"account_id\"", "\"account.industry\"",
    "\"close_date:quarter\"", "\"created_at:fiscal_year\"", "\"owner.team\"",
    "\"nope\"", "\"currency\"", "\"is_won\"", "\"name\""};
static const char *const ops[] = {
    "\"=\"", "\"~=\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"", "\"in\"",
    "\"not_in\"", "\"between\"", "\"contains\"", "\"prefix\"", "\"suffix\"",
    "\"matches\"", "\"exists\"", "\"missing\"", "\"within_days\"",
    "\"older_than_days\"", "\"bogus\""};
static const char *const tabs[] = {"revl.deals", "revl.accounts", "revl.reps",
                                   "revl.stage_history", "revl.subscriptions"};

#define PICK(g, a) (a)[fuzz_pick(&(g)->in, sizeof(a) / sizeof *(a))]

static void value(gen *g);

static void number(gen *g) {
  unsigned k = fuzz_pick(&g->in, 4);
  if (k == 0) {
    char b[32];
    snprintf(b, sizeof b, "%d", (int)(int8_t)fuzz_byte(&g->in) * 37);
    put(g, b);
  } else {
    put(g, PICK(g, nums));
  }
}

static void date(gen *g) {
  switch (fuzz_pick(&g->in, 5)) {
  case 0: put(g, "revl.date("); put(g, PICK(g, strs)); put(g, ")"); break;
  case 1:
    put(g, "revl.date("); number(g); put(g, ", "); number(g); put(g, ", ");
    number(g); put(g, ")");
    break;
  case 2: put(g, "revl.as_of"); break;
  case 3: put(g, "revl.add_months(revl.as_of, "); number(g); put(g, ")"); break;
  default: put(g, "(revl.as_of + "); number(g); put(g, ")"); break;
  }
}

static void money(gen *g) {
  switch (fuzz_pick(&g->in, 4)) {
  case 0: put(g, "revl.money("); put(g, PICK(g, strs)); put(g, ")"); break;
  case 1: put(g, "revl.money("); number(g); put(g, ")"); break;
  case 2:
    put(g, "revl.money("); number(g); put(g, ", "); put(g, PICK(g, strs));
    put(g, ")");
    break;
  default: put(g, "revl.deals:sum(\"amount\")"); break;
  }
}

static void filter(gen *g) {
  switch (fuzz_pick(&g->in, 4)) {
  case 0:
    put(g, "{{"); put(g, PICK(g, cols)); put(g, ", "); put(g, PICK(g, ops));
    put(g, ", "); value(g); put(g, "}}");
    break;
  case 1:
    put(g, "{amount = {gt = "); number(g); put(g, ", lte = "); number(g);
    put(g, "}}");
    break;
  case 2:
    put(g, "{any = {{"); put(g, PICK(g, cols)); put(g, ", "); put(g, PICK(g, ops));
    put(g, ", "); value(g); put(g, "}, {\"amount\", \"between\", {"); number(g);
    put(g, ", "); number(g); put(g, "}}}}");
    break;
  default:
    put(g, "{stage = {"); put(g, PICK(g, strs)); put(g, ", "); put(g, PICK(g, strs));
    put(g, "}}");
    break;
  }
}

static void view(gen *g) {
  put(g, PICK(g, tabs));
  unsigned steps = fuzz_pick(&g->in, 3);
  for (unsigned i = 0; i < steps; i++) {
    switch (fuzz_pick(&g->in, 4)) {
    case 0: put(g, ":where"); filter(g); break;
    case 1: put(g, ":limit("); number(g); put(g, ", "); number(g); put(g, ")"); break;
    case 2:
      put(g, ":sort_by("); put(g, PICK(g, cols)); put(g, ", "); put(g, PICK(g, strs));
      put(g, ")");
      break;
    default: put(g, ":select("); put(g, PICK(g, cols)); put(g, ")"); break;
    }
  }
}

static void value(gen *g) {
  if (++g->depth > 4) {
    number(g);
    g->depth--;
    return;
  }
  switch (fuzz_pick(&g->in, 24)) {
  case 0: number(g); break;
  case 1: put(g, PICK(g, strs)); break;
  case 2: date(g); break;
  case 3: money(g); break;
  case 4: put(g, "("); money(g); put(g, " * "); number(g); put(g, ")"); break;
  case 5: put(g, "("); money(g); put(g, " / "); number(g); put(g, ")"); break;
  case 6: put(g, "("); money(g); put(g, " + "); value(g); put(g, ")"); break;
  case 7: put(g, "("); date(g); put(g, " - "); value(g); put(g, ")"); break;
  case 8: put(g, "("); date(g); put(g, " + "); number(g); put(g, ")"); break;
  case 9: put(g, "revl.datetime("); put(g, PICK(g, strs)); put(g, ")"); break;
  case 10:
    put(g, "(revl.datetime(\"2025-01-05T10:00:00Z\") + "); number(g); put(g, ")");
    break;
  case 11: put(g, "#"); view(g); break;
  case 12: view(g); put(g, ":percentile("); put(g, PICK(g, cols)); put(g, ", ");
    number(g); put(g, ")"); break;
  case 13: view(g); put(g, ":sum("); put(g, PICK(g, cols)); put(g, ")"); break;
  case 14: view(g); put(g, ":avg("); put(g, PICK(g, cols)); put(g, ")"); break;
  case 15: view(g); put(g, ":row("); number(g); put(g, ")"); break;
  case 16: view(g); put(g, ":group_by("); put(g, PICK(g, cols));
    put(g, ", {n = \"count\", s = {\"sum\", \"amount\"}, p = {\"percentile\", "
           "\"amount\", "); number(g); put(g, "}})"); break;
  case 17: put(g, "revl.fiscal_quarter("); date(g); put(g, ", "); number(g);
    put(g, ")"); break;
  case 18: put(g, "revl.period_start("); date(g); put(g, ", "); put(g, PICK(g, strs));
    put(g, ")"); break;
  case 19: put(g, "revl.week("); date(g); put(g, ")"); break;
  case 20: put(g, "revl.metrics.win_rate(revl.deals, {period = ");
    put(g, PICK(g, strs)); put(g, ", periods = "); number(g); put(g, "})"); break;
  case 21: put(g, "revl.metrics.weighted_pipeline(revl.deals, {by = ");
    put(g, PICK(g, cols)); put(g, "})"); break;
  case 22: put(g, "revl.criterion{field = "); put(g, PICK(g, cols));
    put(g, ", op = "); put(g, PICK(g, ops)); put(g, ", value = "); value(g);
    put(g, ", points = "); number(g); put(g, "}"); break;
  default: put(g, "revl.icp{rules = {{"); put(g, PICK(g, cols)); put(g, ", ");
    put(g, PICK(g, ops)); put(g, ", "); value(g); put(g, ", points = ");
    number(g); put(g, "}}, tiers = {{\"A\", "); number(g);
    put(g, "}, {\"B\"}}}:score()"); break;
  }
  g->depth--;
}

static revl_rt *rt;

static revl_rt *runtime(void) {
  if (rt) return rt;
  static char out[] = "/tmp/revl-fuzz-lua.XXXXXX";
  if (!mkdtemp(out)) abort();
  const char *data = getenv("REVL_FUZZ_DATA");
  revl_rt_opts o;
  memset(&o, 0, sizeof o);
  o.data_dir = data ? data : "tests/lua/data";
  o.out_dir = out;
  o.as_of = 20269; /* 2025-06-30 */
  o.timeout = 1.0;
  o.call_budget = 0.2;
  o.max_memory = 64u << 20;
  revl_error err;
  memset(&err, 0, sizeof err);
  rt = revl_rt_new(&o, &err);
  if (!rt) {
    fprintf(stderr, "fuzz_lua: cannot open the fixture store %s: %s "
            "(run from the repository root or set REVL_FUZZ_DATA)\n",
            o.data_dir, err.msg);
    exit(2);
  }
  return rt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  revl_rt *r = runtime();
  gen g;
  memset(&g, 0, sizeof g);
  g.in.p = data;
  g.in.n = size;
  put(&g, "local r\n");
  while (g.in.n > 0 && g.len < 8192) {
    put(&g, "pcall(function() r = ");
    value(&g);
    put(&g, "; r = tostring(r) end)\n");
  }
  if (getenv("REVL_FUZZ_PRINT")) fprintf(stderr, "%s", g.buf);
  int base;
  lua_State *L = revl_rt_lua(r);
  (void)revl_rt_exec(r, g.buf, g.len, "=fuzz", &base);
  lua_settop(L, base - 1);
  lua_gc(L, LUA_GCCOLLECT, 0);
  free(g.buf);
  return 0;
}
