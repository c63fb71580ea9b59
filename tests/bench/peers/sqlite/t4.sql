-- T4: per tier: accounts, accounts with an open deal, open deals, open pipeline (icp.sql read first)
.headers on
.mode csv
WITH o AS (SELECT account_id, count(*) AS n, sum(CAST(round(amount * 100) AS INTEGER)) AS s
           FROM deals WHERE stage NOT IN ('Closed Won', 'Closed Lost') GROUP BY account_id),
g AS (SELECT t.tier, count(*) AS accounts, count(o.account_id) AS accounts_with_open,
             coalesce(sum(o.n), 0) AS open_deals, coalesce(sum(o.s), 0) AS s
      FROM tiered t LEFT JOIN o ON o.account_id = t.account_id GROUP BY t.tier)
SELECT tier, accounts, accounts_with_open, open_deals,
       printf('%s%d.%02d', CASE WHEN s < 0 THEN '-' ELSE '' END, abs(s) / 100, abs(s) % 100) AS open_pipeline
FROM g ORDER BY tier;
