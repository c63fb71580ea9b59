-- rules/expansion.lua -- expansion and risk signals for customer success.
--
-- Triggers over live customers, each firing an event with its type,
-- account, owner, payload and reasons:
--   expansion.seats     active seats >= 80% of paid seats, sustained for
--                       14 days (the run of weekly readings at or above
--                       80% began at least 14 days before as-of)
--   expansion.usage     API calls up 25% or more: average of the last 28
--                       days against the 28 days before
--   renewal.upsell      renewal within 90 days while seats are >= 80% used
--   renewal.upcoming    renewal within 90 days (annual terms from the
--                       first paid month)
--   risk.health_red     health (rules/health.lua) is red
-- The owner is the account's owner, else the owner of its latest deal.
--
-- Run it (writes OUT/expansion_events.csv and .jsonl):
--   revl run rules/expansion.lua --data DIR [--as-of YYYY-MM-DD] [--out OUT]
-- Use it from a playbook:
--   local expansion = require("expansion")
--   local events = expansion.events()    -- frame: type, account, owner, payload..., reasons
--   expansion.triggers()                 -- the revl.trigger objects
--   expansion.summary(events)
-- Data: accounts, subscriptions, usage (active_seats, api_calls); deals
-- for owners.  Works on `revl gen` data.  See docs/rules.md.
local M = {}

local PAYLOAD = {"segment", "industry"}

--- expansion.triggers([health_frame]) -> list of triggers
function M.triggers(health_frame)
  local list = {
    revl.trigger{type = "expansion.seats", payload = PAYLOAD,
                 when = {{utilisation = 0.8, days = 14}}},
    revl.trigger{type = "expansion.usage", payload = PAYLOAD,
                 when = {{usage_growth = 0.25, metric = "api_calls", days = 28}}},
    revl.trigger{type = "renewal.upsell", payload = PAYLOAD,
                 when = {{renewal_within = 90}, {utilisation = 0.8, days = 14}}},
    revl.trigger{type = "renewal.upcoming", payload = PAYLOAD,
                 when = {{renewal_within = 90}}},
  }
  if health_frame then
    list[#list + 1] = revl.trigger{type = "risk.health_red", payload = PAYLOAD,
                                   when = {{health = health_frame, band = "red"}}}
  end
  return list
end

--- expansion.events([view]) -> events frame for the live customers (or view)
function M.events(view)
  local health = require("health")
  view = view or health.customers()
  local h = health.score(view)
  return revl.fire(M.triggers(h), view)
end

--- expansion.summary(events): counts per type and the first events of each
function M.summary(events)
  print(("Expansion and risk signals as of %s: %d events"):format(revl.as_of, #events))
  local by, order = {}, {}
  for i = 1, #events do
    local e = events[i]
    if not by[e.type] then by[e.type] = {}; order[#order + 1] = e.type end
    table.insert(by[e.type], e)
  end
  for _, ty in ipairs(order) do
    print()
    print(("%s: %d accounts"):format(ty, #by[ty]))
    for i = 1, math.min(3, #by[ty]) do
      local e = by[ty][i]
      print(("  %-10s owner %-6s %s"):format(e.account, e.owner or "-", e.reasons))
    end
  end
end

if select("#", ...) == 0 then
  local events = M.events()
  M.summary(events)
  local csv = revl.log(events, "expansion_events")
  print()
  print("decision log: " .. csv)
end

return M
