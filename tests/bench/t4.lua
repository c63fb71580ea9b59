-- tests/bench/t4.lua -- T4 join: the ICP tiers of T3 (revl.icp) from
-- accounts.csv, then per tier: accounts, accounts with at least one open
-- deal, open deals, open pipeline (exact sum of open amounts).
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
local ids, tiers = f:column("id"), f:column("tier")
local tier_of, res = {}, {}
for _, t in ipairs{"A", "B", "C", "D"} do
  res[t] = {tier = t, accounts = 0, accounts_with_open = 0, open_deals = 0,
            open_pipeline = revl.money(0)}
end
for i = 1, #ids do
  local t = tiers[i]
  tier_of[ids[i]] = t
  res[t].accounts = res[t].accounts + 1
end
local open = revl.deals:where{stage = {not_in = {"Closed Won", "Closed Lost"}}}
for _, g in ipairs(open:group_by("account_id", {n = "count", total = {"sum", "amount"}})) do
  local r = res[tier_of[g.account_id]]
  if r then
    r.accounts_with_open = r.accounts_with_open + 1
    r.open_deals = r.open_deals + g.n
    r.open_pipeline = r.open_pipeline + g.total
  end
end
revl.write_csv("t4.csv", {res.A, res.B, res.C, res.D},
               {"tier", "accounts", "accounts_with_open", "open_deals", "open_pipeline"})
