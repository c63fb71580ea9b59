local M = revl.metrics
for id, st, won, amt in revl.deals:rows("id", "stage", "is_won", "amount") do
  print(id, st, won, tostring(amt))
end
local w = M.win_rate(revl.deals, {from = "2025-01-01", to = "2025-03-31"})
print("win_rate", w[1].won, w[1].lost, w[1].win_rate)
local s = M.deal_size(revl.deals, {from = "2025-01-01", to = "2025-03-31"})
print("deal_size", s[1].won, tostring(s[1].won_amount), tostring(s[1].avg_won), tostring(s[1].median_won))
local c = M.sales_cycle(revl.deals, {from = "2025-01-01", to = "2025-03-31"})
print("sales_cycle", c[1].cycle_deals, c[1].cycle_days_mean, c[1].cycle_days_median)
