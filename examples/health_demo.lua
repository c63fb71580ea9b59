-- examples/health_demo.lua -- customer health scores from usage, with reasons.
--   revl run examples/health_demo.lua --data examples/data --as-of 2025-12-31 --out examples/out
-- The production version is rules/health.lua (require("health") from your
-- own playbooks).  docs/rules.md documents every option.

-- live customers: a subscription with MRR in the as-of month
local month = revl.period_start(revl.as_of, "month")
local live = {}
for id in revl.subscriptions:where{period = month, mrr = {gt = 0}}:rows("account_id") do
  live[id] = true
end
local customers = revl.accounts:where(function(a) return live[a.id] == true end)

local health = revl.health{
  name = "example-health",
  components = {
    -- seat utilisation over 28 days, mapped through bands
    {name = "seats", weight = 3, utilisation = "active_seats", days = 28,
     bands = {{0.8, 100}, {0.6, 75}, {0.4, 50}, {0.2, 25}}},
    -- API calls per seat, 0 -> 0 and 200+ -> 100
    {name = "activity", weight = 2, usage = "api_calls", agg = "avg", days = 28, per_seat = true,
     linear = {0, 200}},
    -- usage trend between two 28-day windows
    {name = "trend", weight = 2, usage_growth = "api_calls", days = 28, linear = {-0.5, 0.2}},
    -- criteria: pass = 100, fail = 0
    {name = "segment", weight = 1, criterion = {"segment", "in", {"Mid-Market", "Enterprise"}}},
  },
  bands = {red = 50, yellow = 75},   -- red <= 50 < yellow <= 75 < green
}

local h = health:score(customers)
local bands = h:counts("band")
print(("Health of %d customers as of %s"):format(#h, revl.as_of))
print(("  green %d, yellow %d, red %d"):format(bands.green or 0, bands.yellow or 0, bands.red or 0))
print()

print("Lowest scores")
local low = h:frame():where(function(r) return r.score end):sort_by("score")
for i = 1, math.min(5, #low) do
  local r = low[i]
  print(("  %s  %5.1f  %-6s seats %s, activity %s, trend %s"):format(r.id, r.score, r.band,
        tostring(r.seats), tostring(r.activity), tostring(r.trend)))
end
print()

if low[1] then
  print(("Why %s is %s:"):format(low[1].id, low[1].band))
  for _, e in ipairs(h:explain(low[1].id)) do
    if e.kind == "component" then
      print(("  %-10s %6s x%s  %s"):format(e.criterion, tostring(e.score or "-"), e.weight, e.value or ""))
    end
  end
  print()
end

print("wrote " .. revl.log(h, "health_decisions"))
