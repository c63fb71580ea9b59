CREATE TEMP VIEW scored AS
SELECT account_id,
       (CASE WHEN industry IN ('Software', 'Fintech', 'Healthcare') THEN 30 ELSE 0 END) +
       (CASE WHEN employees = '' THEN 0 WHEN employees BETWEEN 200 AND 5000 THEN 25
             WHEN employees > 5000 THEN 15 ELSE 0 END) +
       (CASE WHEN country IN ('US', 'CA', 'GB', 'DE') THEN 20 ELSE 0 END) +
       (CASE WHEN annual_revenue <> '' AND annual_revenue > 50000000 THEN 25 ELSE 0 END) AS score
FROM accounts;
CREATE TEMP VIEW tiered AS
SELECT account_id, score,
       CASE WHEN score >= 75 THEN 'A' WHEN score >= 50 THEN 'B' WHEN score >= 25 THEN 'C' ELSE 'D' END AS tier
FROM scored;
