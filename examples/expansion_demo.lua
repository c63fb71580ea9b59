-- examples/expansion_demo.lua -- expansion and churn-risk triggers that emit
-- events for the account owner.
--   revl run examples/expansion_demo.lua --data examples/data --as-of 2025-12-31 --out examples/out
-- The production version is rules/expansion.lua (require("expansion")
-- from your own playbooks).  docs/rules.md documents every option.

local seats = revl.trigger{
  type = "expansion.seats",
  -- active seats >= 80% of paid seats, sustained for 14 days
  when = {{utilisation = 0.8, days = 14}},
  payload = {"segment", "industry"},
}

local usage = revl.trigger{
  type = "expansion.usage",
  -- API calls up 25%: the last 28 days against the 28 days before
  when = {{usage_growth = 0.25, metric = "api_calls", days = 28}},
  payload = {"segment"},
}

local upsell = revl.trigger{
  type = "renewal.upsell",
  -- every condition must hold
  when = {{renewal_within = 90}, {utilisation = 0.8, days = 14}},
}

-- health turned red: give it a health frame
local health = revl.health{components = {
  {name = "seats", weight = 2, utilisation = "active_seats", days = 28, linear = {0.2, 0.8}},
  {name = "trend", weight = 1, usage_growth = "api_calls", days = 28, linear = {-0.5, 0.2}},
}}
local risk = revl.trigger{
  type = "risk.health_red",
  when = {{health = health:score(), band = "red"},
          -- and a Lua function, the escape hatch: return true and a reason
          function(a) if a.segment ~= "SMB" then return true, a.segment .. " account" end end},
}

local events = revl.fire({seats, usage, upsell, risk})
print(("%d events as of %s"):format(#events, revl.as_of))
local counts, owners = {}, {}
for i = 1, #events do
  local e = events[i]
  counts[e.type] = (counts[e.type] or 0) + 1
  owners[e.owner or "(none)"] = (owners[e.owner or "(none)"] or 0) + 1
end
for _, ty in ipairs{"expansion.seats", "expansion.usage", "renewal.upsell", "risk.health_red"} do
  print(("  %-18s %d"):format(ty, counts[ty] or 0))
end
print()

print("Events per owner")
local list = {}
for o, n in pairs(owners) do list[#list + 1] = {o, n} end
table.sort(list, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
for i = 1, math.min(5, #list) do print(("  %-8s %d"):format(list[i][1], list[i][2])) end
print()

print("Upsell at renewal")
for i = 1, #events do
  local e = events[i]
  if e.type == "renewal.upsell" then
    print(("  %s (%s): renews %s, %d seats at %.0f%% -- %s"):format(e.account, e.owner or "-",
          tostring(e.renewal_date), e.seats or 0, 100 * (e.utilisation or 0), tostring(e.mrr)))
  end
end
print()
print("wrote " .. revl.log(events, "expansion_events"))
