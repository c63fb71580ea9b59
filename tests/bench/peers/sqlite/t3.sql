-- T3: ICP score and tier per account (icp.sql read first)
.headers on
.mode csv
SELECT account_id, score, tier FROM tiered;
