// DuckDB peer (npm @duckdb/node-api): node bench.mjs TASK OUT DEALS_CSV ACCOUNTS_CSV
// The module is installed under tests/bench/node_modules (bench.sh deps).
// Money: amount read as DECIMAL(18,2), summed in integer cents; T2 rounds
// each deal's amount x p half away from zero to the cent: (cents*tenths+5)//10.
import { createRequire } from "node:module";
const require = createRequire(new URL("../../node_modules/", import.meta.url));
const { DuckDBInstance } = require("@duckdb/node-api");

const [task, out, deals, accounts] = process.argv.slice(2);
const q = (s) => "'" + String(s).replaceAll("'", "''") + "'";
const money = (c) => `CASE WHEN ${c} < 0 THEN '-' ELSE '' END || printf('%d.%02d', abs(${c}) // 100, abs(${c}) % 100)`;
const dealsT = `read_csv(${q(deals)}, header = true, auto_detect = false, columns = {
  'deal_id': 'VARCHAR', 'account_id': 'VARCHAR', 'owner': 'VARCHAR', 'stage': 'VARCHAR',
  'amount': 'DECIMAL(18,2)', 'created_date': 'VARCHAR', 'close_date': 'VARCHAR', 'forecast_category': 'VARCHAR'})`;
const accountsT = `read_csv(${q(accounts)}, header = true, auto_detect = false, columns = {
  'account_id': 'VARCHAR', 'name': 'VARCHAR', 'domain': 'VARCHAR', 'industry': 'VARCHAR',
  'employees': 'BIGINT', 'annual_revenue': 'DECIMAL(18,2)', 'country': 'VARCHAR', 'segment': 'VARCHAR',
  'created_date': 'VARCHAR', 'region': 'VARCHAR', 'owner': 'VARCHAR'})`;
const cents = "CAST(amount * 100 AS BIGINT)";
const open = "stage NOT IN ('Closed Won', 'Closed Lost')";
const tiered = `WITH s AS (
  SELECT account_id,
    (CASE WHEN industry IN ('Software', 'Fintech', 'Healthcare') THEN 30 ELSE 0 END) +
    (CASE WHEN employees BETWEEN 200 AND 5000 THEN 25 WHEN employees > 5000 THEN 15 ELSE 0 END) +
    (CASE WHEN country IN ('US', 'CA', 'GB', 'DE') THEN 20 ELSE 0 END) +
    (CASE WHEN annual_revenue > 50000000 THEN 25 ELSE 0 END) AS score
  FROM ${accountsT})
SELECT account_id, score,
  CASE WHEN score >= 75 THEN 'A' WHEN score >= 50 THEN 'B' WHEN score >= 25 THEN 'C' ELSE 'D' END AS tier
FROM s`;

const sql = {
  t1: `SELECT count(*) AS rows, ${money("sum(" + cents + ")")} AS amount_sum FROM ${dealsT}`,
  t2: `WITH w AS (SELECT owner, ${cents} * CASE stage WHEN 'Prospecting' THEN 1 WHEN 'Discovery' THEN 2
         WHEN 'Demo' THEN 4 WHEN 'Proposal' THEN 6 WHEN 'Negotiation' THEN 8 END AS ct
       FROM ${dealsT} WHERE ${open}),
     g AS (SELECT owner, sum(CASE WHEN ct < 0 THEN -((-ct + 5) // 10) ELSE (ct + 5) // 10 END) AS s
       FROM w GROUP BY owner)
     SELECT owner, ${money("s")} AS weighted_total FROM g`,
  t3: tiered,
  t4: `WITH t AS (${tiered}),
     o AS (SELECT account_id, count(*) AS n, sum(${cents}) AS s FROM ${dealsT} WHERE ${open} GROUP BY account_id),
     g AS (SELECT t.tier, count(*) AS accounts, count(o.account_id) AS accounts_with_open,
             coalesce(sum(o.n), 0) AS open_deals, coalesce(sum(o.s), 0) AS s
           FROM t LEFT JOIN o ON o.account_id = t.account_id GROUP BY t.tier)
     SELECT tier, accounts, accounts_with_open, open_deals, ${money("s")} AS open_pipeline FROM g ORDER BY tier`,
}[task];
if (!sql) { console.error("unknown task " + task); process.exit(2); }

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
await con.run(`COPY (${sql}) TO ${q(out)} (FORMAT csv, HEADER true)`);
