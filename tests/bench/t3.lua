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
local f = icp:score()
-- the task's columns (account_id, score, tier), without the reasons text
local ids, fit, tier = f:column("id"), f:column("fit"), f:column("tier")
local out = {}
for i = 1, #ids do out[i] = {account_id = ids[i], score = fit[i], tier = tier[i]} end
revl.write_csv("t3.csv", out, {"account_id", "score", "tier"})
