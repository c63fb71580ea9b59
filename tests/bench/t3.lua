-- tests/bench/t3.lua -- T3 ICP score per account with revl.icp (docs/rules.md):
-- 30 industry in {Software, Fintech, Healthcare}; +25 if 200 <= employees
-- <= 5000, else +15 if employees > 5000; +20 country in {US, CA, GB, DE};
-- +25 annual_revenue > 50,000,000.  Tier A >= 75, B >= 50, C >= 25, else D.
--   revl run tests/bench/t3.lua --data DIR --as-of 2026-01-01 --out OUT
local icp = revl.icp{
  name = "bench-icp",
  rules = {
    {"industry", "in", {"Software", "Fintech", "Healthcare"}, points = 30},
    {"employees", "between", {200, 5000}, points = 25},
    {"employees", ">", 5000, points = 15},
    {"country", "in", {"US", "CA", "GB", "DE"}, points = 20},
    {"annual_revenue", ">", 50000000, points = 25},
  },
  tiers = {{"A", 75}, {"B", 50}, {"C", 25}, {"D"}},
}
-- the task's columns (account_id, score, tier), without the reasons text:
-- a C frame renamed and written by the core, no per-row Lua table
local f = icp:score():cframe{"id", "fit", "tier"}:rename{id = "account_id", fit = "score"}
revl.write_csv("t3.csv", f, {"account_id", "score", "tier"})
