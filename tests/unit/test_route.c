/*
 * test_route.c -- lead routing from C (src/rules/route.c, route_trail.c):
 * rules in order with a C function as the escape-hatch criterion, round
 * robin that skips an inactive rep, a rep out of office and a rep at
 * its day cap, the fallback queue when every candidate is skipped, the
 * trail's words and the CSV, state carried from one call to the next,
 * the state file's text written and read (src/rules/route_state.c,
 * broken files included), and a callback that fails.
 */
#include "revl/csvw.h"
#include "revl/route.h"
#include "test.h"
#include "mtest.h"

/* The escape hatch: "is the lead's source Partner?", or a failure for
 * lead L5 when fail is set. */
typedef struct cb_state {
  revl_table *leads;
  int src;
  int fail;
  int calls;
} cb_state;

static int partner_cb(void *ud, const revl_crit *c, size_t row) {
  cb_state *x = ud;
  (void)c;
  x->calls++;
  char kb[32];
  if (x->fail && strcmp(revl_row_key(x->leads, row, kb, sizeof kb), "L5") == 0) return -1;
  revl_column *col = x->leads->cols[x->src];
  if (!revl_col_valid(col, row)) return 0;
  return strcmp(revl_intern_str(&x->leads->store->strings, col->v.str[row]), "Partner") == 0;
}

static revl_text trail_text;

static const char *trail(const revl_router *r, const revl_route_result *o, size_t i) {
  if (revl_route_trail(r, o, i, "; ", 0, &trail_text)) return "(oom)";
  return trail_text.s;
}

static revl_router *make_router(revl_table *leads, revl_table *reps, int32_t *rows) {
  revl_router *r = revl_router_new(leads, reps);
  if (!r) return NULL;
  r->time_col = revl_table_col(leads, "created_at");
  /* day cap 1 for everyone */
  r->cap[REVL_CAP_DAY] = malloc(reps->nrows * sizeof(int64_t));
  for (size_t i = 0; i < reps->nrows; i++) r->cap[REVL_CAP_DAY][i] = 1;
  int q = revl_router_add_queue(r, "Partner desk");
  int pool = revl_router_add_pool(r, "team:SDR", "SDR", REVL_RR_ORDER, rows, NULL, 3);
  revl_rule ru;
  memset(&ru, 0, sizeof ru);
  ru.name = "partners";
  ru.crit = revl_crit_new(REVL_OP_FUNC);
  ru.crit->base = leads;
  ru.crit->ref = 1;
  ru.kind = REVL_ST_QUEUE;
  ru.queue = q;
  ru.col = ru.via = -1;
  ru.rep = -1;
  revl_router_add_rule(r, &ru);
  memset(&ru, 0, sizeof ru);
  ru.name = "sdr";
  ru.kind = REVL_ST_POOL;
  ru.pool = pool;
  ru.col = ru.via = -1;
  ru.rep = -1;
  revl_router_add_rule(r, &ru);
  r->fallback_queue = revl_router_add_queue(r, "Unassigned");
  return r;
}

int main(void) {
  if (mt_begin("route")) return 2;
  revl_store *s = revl_store_new();
  revl_table *reps = mt_load(s, "reps",
                             "id,name,team,active,out_until\n"
                             "R1,Ann,SDR,true,\n"
                             "R2,Bob,SDR,false,\n"
                             "R3,Cy,SDR,true,2025-03-04\n");
  revl_table *leads = mt_load(s, "leads",
                              "id,created_at,source\n"
                              "L1,2025-03-03T09:00:00Z,Web\n"
                              "L2,2025-03-03T10:00:00Z,Partner\n"
                              "L3,2025-03-03T11:00:00Z,Web\n"
                              "L4,2025-03-05T09:00:00Z,Web\n"
                              "L5,2025-03-05T10:00:00Z,Web\n"
                              "L6,2025-03-05T11:00:00Z,Web\n");
  CHECK(reps && leads);
  if (!reps || !leads || mt_link(s)) {
    revl_store_free(s);
    mt_end();
    TEST_END();
  }
  int32_t rows[3] = {0, 1, 2};
  cb_state cbs = {leads, revl_table_col(leads, "source"), 0, 0};
  revl_crit_ctx cc = {20150, partner_cb, NULL, &cbs, 0};

  /* ---- first day: R2 inactive, R3 out of office, R1 capped ---- */
  revl_router *r = make_router(leads, reps, rows);
  CHECK(r != NULL);
  uint32_t day1[3] = {2, 0, 1}; /* any order: routing sorts by time */
  revl_route_result o;
  CHECK_INT(revl_route(r, day1, 3, &cc, &o), 0);
  CHECK_INT((long long)o.n, 3);
  CHECK_INT(o.row[0], 0);
  CHECK_INT(o.rep[0], 0); /* L1 -> R1 */
  CHECK_INT(o.rule[0], 1);
  CHECK_STR(revl_route_strategy(r, o.rule[0]), "round robin");
  CHECK_STR(trail(r, &o, 0), "rule 'partners': criteria not met; rule 'sdr': R1 chosen (round robin, 1 considered)");
  /* L2 is a partner lead: the queue */
  const char *kind;
  CHECK_STR(revl_route_owner(r, &o, 1, &kind), "Partner desk");
  CHECK_STR(kind, "queue");
  CHECK_STR(trail(r, &o, 1), "rule 'partners': queue 'Partner desk'");
  /* L3: R2 inactive, R3 out of office, R1 at its day cap: fallback */
  CHECK_INT(o.rep[2], -1);
  CHECK_INT(o.rule[2], -1);
  CHECK_STR(revl_route_owner(r, &o, 2, &kind), "Unassigned");
  CHECK_STR(revl_route_rule_name(r, o.rule[2]), "fallback");
  CHECK_STR(trail(r, &o, 2),
            "rule 'partners': criteria not met; rule 'sdr': R2 skipped: inactive; "
            "rule 'sdr': R3 skipped: out of office until 2025-03-04; "
            "rule 'sdr': R1 skipped: day cap 1 reached; rule 'sdr': every candidate skipped; "
            "fallback: queue 'Unassigned'");
  int64_t considered, skipped;
  revl_route_tally(&o, 2, &considered, &skipped);
  CHECK_INT(skipped, 3);
  CHECK_INT(considered, 0);
  revl_text sk = {0};
  CHECK_INT(revl_route_skipped(r, &o, 2, &sk), 0);
  CHECK_STR(sk.s, "R2: inactive; R3: out of office until 2025-03-04; R1: day cap 1 reached");
  revl_text_free(&sk);
  /* the trail's codes */
  const revl_route_ev *e = &o.ev[o.ev_off[2] + 2];
  CHECK_STR(revl_route_event_code(e->kind), "skipped");
  CHECK_STR(revl_route_reason_code(e), "out_of_office");
  CHECK(revl_route_reason_code(&o.ev[o.ev_off[2]]) == NULL);
  CHECK_INT(revl_route_at(r, 2), 1740999600); /* 2025-03-03T11:00:00Z */
  CHECK_INT(r->routed, 3);

  /* the CSV of the first day */
  char path[512];
  snprintf(path, sizeof path, "%s/routing.csv", mt_dir);
  revl_error err;
  revl_csvw *w = revl_csvw_open(path, &err);
  CHECK(w != NULL);
  if (w) {
    CHECK_INT(revl_route_write_csv(r, &o, w), 0);
    CHECK_INT(revl_csvw_commit(w, &err), 0);
    FILE *f = fopen(path, "rb");
    char text[2048] = "";
    if (f) {
      size_t k = fread(text, 1, sizeof text - 1, f);
      text[k] = '\0';
      fclose(f);
    }
    CHECK(strncmp(text, "id,at,owner,kind,rule,strategy,team,account_id,match,considered,skipped,trail\n"
                        "L1,2025-03-03T09:00:00Z,R1,rep,sdr,round robin,SDR,,,1,0,", 135) == 0);
    CHECK(strstr(text, "L2,2025-03-03T10:00:00Z,Partner desk,queue,partners,queue,,,,0,0,"
                       "rule 'partners': queue 'Partner desk'\n") != NULL);
    unlink(path);
  }
  revl_route_result_free(&o);

  /* ---- two days later, continuing the state: R3 is back, R1's cap
   * bucket is a new day; round robin goes on after R1 ---- */
  uint32_t day3[2] = {3, 4};
  CHECK_INT(revl_route(r, day3, 2, &cc, &o), 0);
  CHECK_INT(o.rep[0], 2); /* L4: R2 inactive (skipped), R3 */
  CHECK_STR(trail(r, &o, 0), "rule 'partners': criteria not met; rule 'sdr': R2 skipped: inactive; "
                             "rule 'sdr': R3 chosen (round robin, 2 considered)");
  CHECK_INT(o.rep[1], 0); /* L5: R1 */
  CHECK_INT(r->count[0], 2);
  CHECK_INT(r->routed, 5);
  revl_route_result_free(&o);

  /* ---- the state file's text, and reading it back ---- */
  revl_text st = {0};
  CHECK_INT(revl_router_state_json(r, "\"t\"", &st), 0);
  CHECK_STR(st.s, "{\n"
                  "  \"last\": {\n"
                  "    \"at\": \"2025-03-05T10:00:00Z\",\n"
                  "    \"id\": \"L5\"\n"
                  "  },\n"
                  "  \"pools\": {\n"
                  "    \"team:SDR\": {\n"
                  "      \"next\": \"R2\"\n"
                  "    }\n"
                  "  },\n"
                  "  \"reps\": {\n"
                  "    \"R1\": {\n"
                  "      \"count\": 2,\n"
                  "      \"day\": [\"2025-03-05\", 1],\n"
                  "      \"month\": [\"2025-03-01\", 2],\n"
                  "      \"week\": [\"2025-03-03\", 2]\n"
                  "    },\n"
                  "    \"R3\": {\n"
                  "      \"count\": 1,\n"
                  "      \"day\": [\"2025-03-05\", 1],\n"
                  "      \"month\": [\"2025-03-01\", 1],\n"
                  "      \"week\": [\"2025-03-03\", 1]\n"
                  "    }\n"
                  "  },\n"
                  "  \"routed\": 5,\n"
                  "  \"router\": \"t\",\n"
                  "  \"version\": 1\n"
                  "}\n");
  revl_jnode root;
  const char *msg = NULL;
  size_t pos = 0;
  CHECK_INT(revl_state_parse(st.s, st.n, &root, &msg, &pos), 0);
  CHECK_INT(root.type, REVL_J_OBJECT);
  CHECK_INT((long long)root.nkids, 6);
  if (root.nkids == 6) {
    CHECK_STR(root.kids[0].key, "last");
    CHECK_STR(root.kids[0].kids[1].str, "L5");
    CHECK_INT(root.kids[2].kids[0].kids[1].type, REVL_J_ARRAY);
    CHECK_STR(root.kids[3].str, "5");
    CHECK_INT(root.kids[3].type, REVL_J_NUMBER);
    CHECK_STR(root.kids[4].str, "t");
  }
  revl_jnode_free(&root);
  /* bad state files: the message and the 1-based byte */
  static const struct { const char *text, *msg; size_t pos; } bad[] = {
      {"{\"a\" 1}", "expected ':'", 6},
      {"[1,2", "expected ',' or ']'", 6},
      {"\"\\u12\"", "bad escape", 2},
      {"{\"version\":1} x", "trailing text", 15},
      {"", "unexpected character", 1},
      {"{", "expected a key", 2},
      {"\"abc", "unterminated string", 5},
  };
  for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
    CHECK_INT(revl_state_parse(bad[b].text, strlen(bad[b].text), &root, &msg, &pos), REVL_EDATA);
    CHECK_STR(msg, bad[b].msg);
    CHECK_INT((long long)pos, (long long)bad[b].pos);
    revl_jnode_free(&root);
  }
  const char *arr = "[1, null, \"\\u00e9\"]";
  CHECK_INT(revl_state_parse(arr, strlen(arr), &root, &msg, &pos), 0);
  CHECK_INT((long long)root.nkids, 3);
  if (root.nkids == 3) {
    CHECK_INT(root.kids[1].type, REVL_J_NULL);
    CHECK_STR(root.kids[2].str, "\xc3\xa9");
  }
  revl_jnode_free(&root);
  st.n = 0;
  CHECK_INT(revl_json_quote(&st, "a\"b\\\n\x01", 6), 0);
  CHECK_STR(st.s, "\"a\\\"b\\\\\\n\\u0001\"");
  revl_text_free(&st);

  /* ---- bad input: the callback fails on L5 ---- */
  revl_router_reset(r);
  cbs.fail = 1;
  cc.failed = 0;
  CHECK_INT(revl_route(r, NULL, leads->nrows, &cc, &o), REVL_ESCRIPT);
  CHECK(cc.failed);
  revl_route_result_free(&o);
  revl_route_result_free(NULL);
  revl_router_free(r);

  /* ---- a fixed owner who is out of office: fallback to a rep ---- */
  r = revl_router_new(leads, reps);
  r->time_col = revl_table_col(leads, "created_at");
  revl_rule ru;
  memset(&ru, 0, sizeof ru);
  ru.name = "cy";
  ru.kind = REVL_ST_REP;
  ru.rep = 2;
  ru.col = ru.via = -1;
  revl_router_add_rule(r, &ru);
  r->fallback_rep = 0;
  uint32_t one = 0;
  cbs.fail = 0;
  cc.failed = 0;
  CHECK_INT(revl_route(r, &one, 1, &cc, &o), 0);
  CHECK_INT(o.rep[0], 0);
  CHECK_STR(trail(r, &o, 0), "rule 'cy': R3 skipped: out of office until 2025-03-04; "
                             "rule 'cy': every candidate skipped; fallback: R1");
  CHECK_STR(revl_route_strategy(r, 0), "fixed owner");
  revl_route_result_free(&o);
  revl_router_free(r);
  revl_router_free(NULL);

  char kb[32];
  CHECK_STR(revl_row_key(leads, 3, kb, sizeof kb), "L4");
  CHECK_STR(revl_route_rep_id(reps, -1), "?");
  revl_text_free(&trail_text);
  revl_store_free(s);
  mt_end();
  TEST_END();
}
