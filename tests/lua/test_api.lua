-- API tests for the revl module, run by revl itself:
--   revl run --data tests/lua/data --as-of 2025-06-30 tests/lua/test_api.lua
-- Every expectation is computed by hand from tests/lua/data.
local t = revl.testing("api")
local deals, accounts = revl.deals, revl.accounts

-- loading and tables
t:eq(#deals, 8, "#deals")
t:eq(#accounts, 5, "#accounts")
t:eq(#revl.stage_history, 6, "#stage_history")
local names = table.concat(revl.tables(), ",")
t:eq(names, "accounts,deals,reps,stage_history,subscriptions", "tables")
t:eq(revl.nosuch, nil, "unknown table is nil")
t:eq(tostring(revl.as_of), "2025-06-30", "as_of")

-- rows and values
local d1 = deals:get("D1")
t:eq(d1.name, "Acme new", "field")
t:eq(tostring(d1.amount), "1,000.10 USD", "money prints exactly")
t:eq(d1.amount.minor, 100010, "minor units")
t:ok(d1.amount > 1000, "money compares with numbers")
t:ok(d1.amount < 1000.11, "money compares with numbers (2)")
t:eq(d1.account.industry, "Software", "foreign key follows")
t:eq(deals:get("D8").account, nil, "broken reference is nil")
t:eq(deals:get("nope"), nil, "get of unknown id")
t:eq(d1.is_won, true, "is_won derived from stage")
t:eq(deals:get("D2").is_closed, false, "is_closed derived")
t:eq(deals:get("D6").amount, nil, "null money is nil")
t:eq(accounts:get("A4").employees, nil, "null integer is nil")
t:eq(accounts:get("A2").employees, 5200, "integer")
t:eq(tostring(accounts:get("A1").annual_revenue), "60,000,000.00 USD", "$ money")
t:eq(tostring(accounts:get("A2").created_at), "2023-03-05T09:30:00Z", "datetime")
t:near(deals:get("D1").probability, 1.0, 1e-12, "probability 0-100 read as fraction")
t:err(function() return d1.amout end, "no column 'amout'", "typo in a field name")
t:err(function() d1.name = "x" end, "read%-only", "rows are read-only")

-- dates
t:eq(revl.date("2025-02-01") - revl.date("2025-01-05"), 27, "date - date = days")
t:eq(tostring(revl.date("2024-02-28") + 1), "2024-02-29", "date + days")
t:eq(revl.quarter(revl.date("2024-02-29")), "2024-Q1", "quarter")
t:eq(revl.month(revl.date("2024-12-31")), "2024-12", "month")
t:eq(revl.fiscal_quarter(revl.date("2025-01-15"), 2), "FY2025-Q4", "fiscal quarter, Feb start")
t:eq(revl.fiscal_quarter(revl.date("2025-02-01"), 2), "FY2026-Q1", "fiscal year named by its end")
t:eq(revl.fiscal_year(revl.date("2025-06-30"), 7), "FY2025", "FY July start")
t:eq(tostring(revl.add_months(revl.date("2024-01-31"), 1)), "2024-02-29", "add_months clamps")
t:eq(tostring(revl.period_start(revl.date("2025-05-20"), "quarter")), "2025-04-01", "period_start")
t:err(function() return revl.date("2023-02-29") end, "not a date", "no Feb 29 in 2023")
t:ok(revl.date("2025-01-01") < revl.date("2025-01-02"), "dates compare")

-- money
t:ok(revl.money(0.1) + revl.money(0.2) == revl.money(0.3), "exact cents")
t:eq(tostring(revl.money("1,234.5")), "1,234.50 USD", "money from text")
t:eq(tostring(revl.money(1000, "JPY")), "1,000 JPY", "zero-decimal currency")
t:eq(tostring(revl.money("10.00") * 0.125), "1.25 USD", "money * number rounds half away")
t:err(function() return revl.money(1, "EUR") + revl.money(1) end, "mix currencies", "currencies do not mix")

-- aggregates (exact)
t:eq(tostring(deals:sum("amount")), "25,034.65 USD", "sum")
t:eq(deals:count(), 8, "count rows")
t:eq(deals:count("amount"), 7, "count values")
t:eq(tostring(deals:avg("amount")), "3,576.38 USD", "avg money rounds to the cent")
t:eq(tostring(deals:median("amount")), "1,234.56 USD", "median")
t:eq(tostring(deals:percentile("amount", 90)), "8,400.00 USD", "p90 interpolated")
t:eq(tostring(deals:min("amount")), "300.00 USD", "min")
t:eq(tostring(deals:max("amount")), "15,000.00 USD", "max")
t:eq(tostring(deals:max("close_date")), "2025-12-15", "max date")
t:eq(deals:min("owner"), "R1", "min text")
local none, why = deals:where{stage = "Nope"}:avg("amount")
t:eq(none, nil, "avg of nothing is nil")
t:eq(why, "no values", "with a reason")
t:eq(tostring(deals:where{stage = "Nope"}:sum("amount")), "0.00 USD", "sum of nothing is zero")

-- where: declarative, evaluated in C
local open = deals:where{is_closed = false}
t:eq(open:count(), 5, "open deals")
t:eq(tostring(open:sum("amount")), "19,034.56 USD", "open pipeline")
t:eq(deals:where{stage = {"Closed Won", "Closed Lost"}}:count(), 3, "set")
t:eq(deals:where{stage = {not_in = {"Closed Won", "Closed Lost"}}}:count(), 5, "not_in")
t:eq(deals:where{amount = {gt = 1000}}:count(), 5, "gt on money in major units")
t:eq(deals:where{amount = {gte = 1000, lt = 2500}}:count(), 2, "range")
t:eq(deals:where{{"amount", "between", {999.99, 1000.10}}}:count(), 2, "between inclusive")
t:eq(deals:where{amount = 999.99}:count(), 1, "money equality with a binary-inexact number")
t:eq(deals:where{amount = {gt = 999.985, lt = 999.995}}:count(), 1, "fractional cents compare exactly")
t:eq(accounts:where{employees = {gt = 249.5}}:count(), 3, "integer column against a fraction")
t:eq(accounts:where{{"employees", "between", {249.5, 1200}}}:count(), 2, "between with a fractional bound")
t:eq(deals:where{{"name", "prefix", "Acme"}}:count(), 2, "prefix")
t:eq(deals:where{{"name", "contains", "new"}}:count(), 4, "contains")
t:eq(deals:where{{"name", "matches", "^%a+ new$"}}:count(), 4, "Lua pattern")
t:eq(deals:where{{"amount", "missing"}}:count(), 1, "missing")
t:eq(deals:where{{"amount", "exists"}}:count(), 7, "exists")
t:eq(deals:where{{"close_date", "within_days", 30}}:count(), 1, "within_days of as-of")
t:eq(deals:where{{"created_at", "older_than_days", 150}}:count(), 2, "older_than_days")
t:eq(deals:where{["account.industry"] = "Manufacturing"}:count(), 2, "field through a reference")
t:eq(deals:where{any = {{"owner", "=", "R3"}, {"amount", ">", 10000}}}:count(), 3, "any")
t:eq(deals:where{none = {{"owner", "=", "R3"}}}:count(), 6, "none")
t:eq(deals:where(function(d) return d.owner == "R1" end):count(), 3, "function filter")
t:eq(deals:where{owner = "R2"}:where{amount = {gt = 2000}}:count(), 2, "chained views")
t:eq(accounts:where{industry = {"Software", "Fintech"}}:count(), 2, "in on accounts")
t:err(function() deals:where{nosuch = 1} end, "no column 'nosuch'", "unknown field")
t:err(function() deals:where{{"amount", "bogus", 1}} end, "unknown operator", "unknown op")
t:err(function() deals:where{stage = 5} end, "expected a string", "wrong value type")
t:err(function() deals:where{{"stage", "within_days", 3}} end, "needs a date column", "date op on text")
t:err(function() deals:where{owner = "R1", {"amount", ">", 1}} end, "criteria mix a list with 'owner",
      "a list with field = value pairs would drop the pairs")

-- group_by in C
local g = deals:group_by("owner", {n = "count", total = {"sum", "amount"}})
t:eq(#g, 3, "groups")
t:eq(g[1].owner, "R1", "sorted by key")
t:eq(g[1].n, 3, "count")
t:eq(tostring(g[1].total), "4,500.09 USD", "group sum R1")
t:eq(tostring(g[2].total), "20,234.56 USD", "group sum R2")
t:eq(tostring(g[3].total), "300.00 USD", "group sum R3")
t:eq(table.concat(g.columns, ","), "owner,n,total", "frame columns")
local q = deals:group_by("close_date:quarter")
local qs = {}
for _, r in ipairs(q) do qs[#qs + 1] = r.close_date_quarter .. "=" .. r.n end
t:eq(table.concat(qs, " "), "2025-Q1=2 2025-Q2=2 2025-Q3=3 2025-Q4=1", "by quarter")
local team = deals:group_by("owner.team", {total = {"sum", "amount"}})
t:eq(team[1]["owner.team"], "AE East", "group through a reference")

-- sort, limit, select, iteration
t:eq(deals:sort_by("amount", "desc"):row(1).id, "D7", "sort desc")
t:eq(deals:sort_by("amount"):row(1).id, "D8", "sort asc, nulls last")
t:eq(deals:sort_by("amount"):row(8).id, "D6", "null sorts last")
t:eq(deals:limit(2):count(), 2, "limit")
t:eq(table.concat(deals:select("id", "amount"):columns(), ","), "id,amount", "select")
local n, total = 0, 0
for id, amt in deals:rows("id", "amount") do
  n = n + 1
  if amt then total = total + amt.minor end
end
t:eq(n, 8, "rows with values")
t:eq(total, 2503465, "exact sum in Lua")
local seen = 0
deals:each(function(d) if d.owner == "R2" then seen = seen + 1 end end)
t:eq(seen, 3, "each")

-- output (atomic, under --out)
local path = deals:where{owner = "R1"}:select("id", "amount", "close_date"):to_csv("test_api/r1.csv")
t:ok(path:match("test_api/r1.csv$"), "to_csv returns the path")
t:ok(deals:limit(2):to_jsonl("test_api/d.jsonl"), "to_jsonl")
t:ok(g:to_csv("test_api/owners.csv"), "frame to_csv")
t:err(function() deals:to_csv("/etc/revl.csv") end, "relative", "no absolute output paths")
t:err(function() deals:to_csv("../x.csv") end, "may not leave", "no escaping --out")

-- params
t:eq(type(revl.params), "table", "params")

return t:done()
