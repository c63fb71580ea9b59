-- Typed tables for `.import --csv --skip 1` (sqlite3 >= 3.32).
CREATE TABLE deals(deal_id TEXT, account_id TEXT, owner TEXT, stage TEXT, amount REAL,
                   created_date TEXT, close_date TEXT, forecast_category TEXT);
CREATE TABLE accounts(account_id TEXT, name TEXT, domain TEXT, industry TEXT, employees INTEGER,
                      annual_revenue REAL, country TEXT, segment TEXT, created_date TEXT,
                      region TEXT, owner TEXT);
