-- T2: weighted open pipeline per owner; each deal's amount x p rounded
-- half away from zero to the cent in integer arithmetic (p in tenths)
.headers on
.mode csv
WITH w AS (
  SELECT owner, CAST(round(amount * 100) AS INTEGER) *
         CASE stage WHEN 'Prospecting' THEN 1 WHEN 'Discovery' THEN 2 WHEN 'Demo' THEN 4
                    WHEN 'Proposal' THEN 6 WHEN 'Negotiation' THEN 8 END AS ct
  FROM deals WHERE stage NOT IN ('Closed Won', 'Closed Lost')),
g AS (SELECT owner, sum(CASE WHEN ct < 0 THEN -((-ct + 5) / 10) ELSE (ct + 5) / 10 END) AS s
      FROM w GROUP BY owner)
SELECT owner, printf('%s%d.%02d', CASE WHEN s < 0 THEN '-' ELSE '' END, abs(s) / 100, abs(s) % 100) AS weighted_total
FROM g ORDER BY owner;
