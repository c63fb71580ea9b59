/*
 * test_guess.c -- the pure part of `revl init` (src/ingest/guess.c):
 * value kinds, date order and decimal comma sniffed from samples, fields
 * chosen by header and refuted by values, tables given to one file each,
 * and snake_case names.
 */
#include <stdlib.h>

#include "revl/guess.h"
#include "revl/ingest.h"
#include "test.h"

/* A sample from a header and rows written as CSV-less text: fields
 * split by '|', rows by '\n'. */
static void sample(revl_guess_file *f, const char *file, const char *hdr,
                   const char *rows) {
  memset(f, 0, sizeof *f);
  snprintf(f->file, sizeof f->file, "%s", file);
  revl_guess_sample *s = &f->sample;
  s->delimiter = ',';
  for (const char *p = hdr;;) {
    const char *e = strchr(p, '|');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    s->headers = realloc(s->headers, (size_t)(s->ncols + 1) * sizeof *s->headers);
    s->headers[s->ncols] = strndup(p, n);
    s->ncols++;
    if (!e) break;
    p = e + 1;
  }
  s->captext = 1 << 12;
  s->text = malloc(s->captext);
  s->capoff = 256;
  s->off = malloc(s->capoff * sizeof *s->off);
  int j = 0;
  for (const char *p = rows; *p;) {
    size_t n = strcspn(p, "|\n");
    s->off[s->nrows * (size_t)s->ncols + (size_t)j] = s->ntext;
    memcpy(s->text + s->ntext, p, n);
    s->text[s->ntext + n] = '\0';
    s->ntext += n + 1;
    p += n;
    j++;
    if (*p == '\n' || !*p) {
      s->nrows++;
      j = 0;
    }
    if (*p) p++;
  }
}

static const revl_guess_col *col(const revl_guess_file *f, const char *h) {
  for (int j = 0; j < f->ncols; j++)
    if (strcmp(f->cols[j].header, h) == 0) return &f->cols[j];
  return NULL;
}

static void test_tables_and_fields(void) {
  revl_guess_file f[4];
  sample(&f[0], "Opportunity.csv", "Id|StageName|Amount|CloseDate|Closed",
         "006A|Closed Won|$1,200.50|1/15/2025|1/15/2025\n"
         "006B|Open|300|6/30/2025|\n");
  sample(&f[1], "export_2.csv", "Company ID|Name|Industry",
         "C1|Acme|Software\nC2|Beta|Retail\n");
  sample(&f[2], "misc.csv", "foo|bar", "1|x\n2|y\n");
  /* a second deals-like file: deals goes to the better one only */
  sample(&f[3], "deals_copy.csv", "Id|StageName", "D1|Open\nD1|Won\n");
  CHECK_INT(revl_guess_files(f, 4), 0);
  CHECK_STR(f[0].table, "deals");
  CHECK_STR(f[1].table, "accounts");
  CHECK_STR(f[2].table, "");
  CHECK_STR(f[3].table, "");
  CHECK_STR(f[3].best, "deals");
  CHECK_STR(col(&f[0], "StageName")->field, "stage");
  CHECK_INT(col(&f[0], "Amount")->kind, REVL_GK_MONEY);
  CHECK_STR(col(&f[0], "CloseDate")->field, "close_date");
  CHECK_INT(col(&f[0], "CloseDate")->date_order, 'M');
  /* the loader would read Closed as is_closed; its values are dates */
  CHECK_STR(col(&f[0], "Closed")->field, "");
  CHECK_STR(col(&f[0], "Closed")->name, "closed");
  CHECK(col(&f[0], "Id")->unique);
  CHECK_STR(col(&f[1], "Company ID")->field, "id");
  for (int i = 0; i < 4; i++) revl_guess_file_done(&f[i]);
}

static void test_values(void) {
  revl_guess_file f[1];
  sample(&f[0], "Pipeline.csv", "Opp #|Result|Deal Value|Won On",
         "OP-1|Won|1.200,50|15/01/2025\nOP-2|Loss|500|20/02/2025\n"
         "OP-3|Open|N/A|\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK_STR(f[0].table, "deals");
  CHECK_STR(col(&f[0], "Opp #")->field, "id");
  CHECK_STR(col(&f[0], "Result")->field, "stage");
  CHECK_STR(col(&f[0], "Deal Value")->field, "amount");
  CHECK_INT(col(&f[0], "Deal Value")->decimal, ',');
  CHECK_INT(col(&f[0], "Deal Value")->null_pct, 33);
  CHECK_STR(f[0].date_format, "d/m/Y");
  CHECK_STR(f[0].decimal, ",");
  /* "Loss" reads as open by name: the stages are classified */
  CHECK_INT(f[0].nwon, 1);
  CHECK_INT(f[0].nlost, 1);
  CHECK_STR(f[0].lost[0], "Loss");
  revl_guess_file_done(&f[0]);

  /* a required typed field without a header for it: the only date left */
  sample(&f[0], "usage.csv", "acct|when|what|n",
         "A1|2025-01-02|logins|3\nA2|2025-01-03|logins|5\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK_STR(f[0].table, "usage");
  CHECK(f[0].fixed);
  CHECK_STR(col(&f[0], "when")->field, "date");
  CHECK_INT(col(&f[0], "when")->conf, 40);
  revl_guess_file_done(&f[0]);
}

/* Guesses across files (src/ingest/guess_links.c). */
static void test_custom_and_links(void) {
  revl_guess_file f[4];
  sample(&f[0], "accounts.csv", "id|name", "A1|Acme\nA2|Beta\n");
  sample(&f[1], "Renewals Export 2025.csv", "Renewal ID|Account|Value|Owner",
         "R1|A1|1,000.00|x\nR2|A2|500.50|y\nR3|A9|200.00|z\n");
  /* a header naming accounts whose values are not its keys: no link */
  sample(&f[2], "Notes.csv", "Note|Account", "n1|Z1\nn2|Z2\n");
  sample(&f[3], "Deals Export.csv", "Code|Thing", "1|a\n1|b\n");
  CHECK_INT(revl_guess_files(f, 4), 0);
  CHECK_STR(f[1].table, "");
  CHECK_STR(f[1].custom, "renewals");
  CHECK_INT(f[1].key, 0);
  CHECK_STR(col(&f[1], "Renewal ID")->name, "id");
  CHECK_INT(f[1].nrefs, 1);
  CHECK_STR(col(&f[1], "Account")->name, "account_id");
  CHECK_STR(f[1].refs[0].target, "accounts");
  CHECK_STR(f[1].refs[0].tcol, "id");
  CHECK(f[1].refs[0].conf < 85); /* A9 is broken */
  CHECK_STR(col(&f[1], "Value")->type, "\"money\"");
  CHECK_STR(f[2].custom, "notes");
  CHECK_INT(f[2].nrefs, 0);
  /* a custom name never takes a well-known table's; a key repeats: none */
  CHECK_STR(f[3].custom, "deals_2");
  CHECK_INT(f[3].key, -1);
  char *text = revl_guess_mapping_text(f, 4, "dir");
  CHECK(text && strstr(text, "  tables = {\n    -- Renewals Export 2025.csv"));
  CHECK(text && strstr(text, "[\"account_id\"] = \"accounts.id\""));
  CHECK(text && strstr(text, "key = \"id\""));
  free(text);
  for (int i = 0; i < 4; i++) revl_guess_file_done(&f[i]);
}

static void test_nulls_const_dups(void) {
  revl_guess_file f[2];
  /* "Select" keeps two columns from reading as amounts and dates */
  sample(&f[0], "won_deals.csv", "Deal ID|Deal Value|Created|Note",
         "W1|1,200.50|12/1/2024|Select\nW2|800|Select|x\nW3|Select|1/3/2025|y\n"
         "W4|2,000.00|2/1/2025|z\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK_STR(f[0].table, "deals");
  CHECK_INT(f[0].nnulls, 1);
  CHECK_STR(f[0].nulls[0], "Select");
  CHECK_STR(col(&f[0], "Deal Value")->field, "amount");
  CHECK_STR(f[0].const_field, "stage");
  CHECK_STR(f[0].const_value, "Closed Won");
  revl_guess_file_done(&f[0]);
  /* two different words, or an unknown word in one column: not nulls */
  sample(&f[0], "deals.csv", "id|stage|amount|close_date",
         "D1|Open|10|pending\nD2|Open|soon|2025-01-02\nD3|Open|TBD|2025-01-03\n"
         "D4|Open|40|2025-01-04\nD5|Open|50|2025-01-05\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK_INT(f[0].nnulls, 0);
  CHECK_STR(f[0].const_field, "");
  revl_guess_file_done(&f[0]);
  /* web-form placeholders in a text column */
  sample(&f[0], "deals.csv", "id|stage|region", "D1|Open|Select\nD2|Open|EMEA\nD3|Open|-\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK_INT(f[0].nnulls, 2);
  CHECK_STR(f[0].nulls[0], "Select");
  CHECK_STR(f[0].nulls[1], "-");
  revl_guess_file_done(&f[0]);

  /* a key repeated with other values, the close date only moving later */
  sample(&f[0], "deals.csv", "id|stage|amount|close_date",
         "D1|Open|10|\nD2|Won|20|2025-02-01\nD1|Won|30|2025-03-01\nD2|Won|20|2025-02-01\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK_STR(col(&f[0], "id")->field, "id");
  CHECK(col(&f[0], "id")->conf >= 60);
  CHECK_STR(f[0].dup, "last");
  CHECK_INT(f[0].dup_conf, 75);
  CHECK(strstr(f[0].dup_why, "\"D1\" at lines 2 and 4") != NULL);
  revl_guess_file_done(&f[0]);
  /* only identical repeats: the default policy, said in a comment */
  sample(&f[0], "deals.csv", "id|stage|amount", "D1|Open|10\nD1|Open|10\nD2|Won|5\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK_STR(f[0].dup, "");
  CHECK(strstr(f[0].dup_why, "same values") != NULL);
  revl_guess_file_done(&f[0]);

  /* a file of subscription changes, attached to the expanded subscriptions */
  sample(&f[0], "Subscriptions.csv", "Subscription ID|Customer|Start Date|End Date|MRR",
         "S1|B1|2025-01-15||100.00\nS2|B2|2025-01-01|2025-05-01|200.00\n");
  sample(&f[1], "Changes.csv", "Sub ID|Event Date|Event Type|New MRR",
         "S1|2025-03-10|Downgrade|60.00\nS2|2025-02-01|cancel|\nS1|2025-04-01|churn|\n");
  CHECK_INT(revl_guess_files(f, 2), 0);
  CHECK_STR(f[0].table, "subscriptions");
  CHECK(f[1].events);
  CHECK_STR(f[1].table, "");
  CHECK_STR(f[1].custom, "changes");
  CHECK_INT(f[0].ev_file, 1);
  CHECK_STR(f[0].ev_key, "subscription_id");
  CHECK_STR(col(&f[1], "Event Type")->header, f[1].cols[f[1].ev_kind].header);
  CHECK_STR(col(&f[1], "New MRR")->header, f[1].cols[f[1].ev_mrr].header);
  CHECK_INT(f[1].ev_seats, -1);
  revl_guess_file_done(&f[0]);
  revl_guess_file_done(&f[1]);
  /* an unknown kind ("Expansion") is not an events file */
  sample(&f[0], "Changes.csv", "Sub ID|Event Date|Event Type",
         "S1|2025-03-10|Downgrade\nS2|2025-02-01|Expansion\n");
  CHECK_INT(revl_guess_files(f, 1), 0);
  CHECK(!f[0].events);
  revl_guess_file_done(&f[0]);
}

static void test_snake(void) {
  char b[64];
  revl_snake_case("Lead Score", b, sizeof b);
  CHECK_STR(b, "lead_score");
  revl_snake_case("UserRoleId", b, sizeof b);
  CHECK_STR(b, "user_role_id");
  revl_snake_case("# of Seats", b, sizeof b);
  CHECK_STR(b, "of_seats");
  revl_snake_case("Lead_Source__c", b, sizeof b);
  CHECK_STR(b, "lead_source_c");
}

int main(void) {
  test_tables_and_fields();
  test_values();
  test_custom_and_links();
  test_nulls_const_dups();
  test_snake();
  TEST_END();
}
