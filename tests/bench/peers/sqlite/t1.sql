-- T1: sqlite3 :memory: -cmd ".import --csv --skip 1 DEALS deals" < t1.sql > OUT
-- money in integer cents: round(amount * 100), formatted back to 2 decimals
.headers on
.mode csv
WITH c AS (SELECT count(*) AS n, sum(CAST(round(amount * 100) AS INTEGER)) AS s FROM deals)
SELECT n AS rows, printf('%s%d.%02d', CASE WHEN s < 0 THEN '-' ELSE '' END, abs(s) / 100, abs(s) % 100) AS amount_sum FROM c;
