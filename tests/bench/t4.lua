-- tests/bench/t4.lua -- T4 join: the ICP tiers of T3 (revl.icp) from
-- accounts.csv, then per tier: accounts, accounts with at least one open
-- deal, open deals, open pipeline (exact sum of open amounts).  Every
-- step is a frame operation in the core: group the open deals by
-- account, join them to the tiers, group by tier.
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
local tiers = icp:score():cframe{"id", "tier"}
local open = revl.deals:where{stage = {not_in = {"Closed Won", "Closed Lost"}}}
  :group_by("account_id", {n = "count", total = {"sum", "amount"}})
local per_tier = open:join(tiers, "account_id", "id")
  :group_by("tier", {accounts_with_open = "count", open_deals = {"sum", "n"},
                     open_pipeline = {"sum", "total"}})
local res = tiers:group_by("tier", {accounts = "count"}):join(per_tier, "tier", "tier", {left = true})
revl.write_csv("t4.csv", res, {"tier", "accounts", "accounts_with_open", "open_deals", "open_pipeline"})
