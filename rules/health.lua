-- rules/health.lua -- customer health scores from product usage and fit.
--
-- For every live customer (an account whose subscription in the as-of
-- month has MRR), a 0-100 score from weighted components:
--   seats      (weight 3) active seats / paid seats over the last 28 days:
--              >= 80% scores 100, >= 60% 75, >= 40% 50, >= 20% 25, else 0
--   activity   (weight 2) API calls per paid seat (weekly readings
--              averaged over 28 days): 0 -> 0, 200 or more -> 100, linear
--   momentum   (weight 2) API calls, last 28 days vs the 28 before:
--              -50% or worse -> 0, +20% or better -> 100, linear
--   fit        (weight 1) Mid-Market/Enterprise 60 + core industry 40
-- The score is sum(w * x) / sum(w) over the components that have data,
-- rounded to one decimal; red <= 50 < yellow <= 75 < green.
--
-- Run it (writes OUT/health_decisions.csv and .jsonl):
--   revl run rules/health.lua --data DIR [--as-of YYYY-MM-DD] [--out OUT]
-- Use it from a playbook:
--   local health = require("health")
--   local h = health.score()         -- frame: id, score, band, seats, activity, momentum, fit, reasons
--   health.customers()               -- the view of live customers it scores
--   health.model(), health.definition, health.summary(h)
-- Data: accounts, subscriptions (account_id, period, mrr, seats), usage
-- (account_id, date, metric, value with metrics active_seats and
-- api_calls).  Works on `revl gen` data.  See docs/rules.md.
local M = {}

M.definition = {
  name = "health-v1",
  components = {
    {name = "seats", weight = 3, utilisation = "active_seats", days = 28,
     bands = {{0.8, 100}, {0.6, 75}, {0.4, 50}, {0.2, 25}}},
    {name = "activity", weight = 2, usage = "api_calls", agg = "avg", days = 28, per_seat = true,
     linear = {0, 200}},
    {name = "momentum", weight = 2, usage_growth = "api_calls", days = 28, linear = {-0.5, 0.2}},
    {name = "fit", weight = 1, criteria = {
      {"segment", "in", {"Mid-Market", "Enterprise"}, points = 60},
      {"industry", "in", {"Software", "Fintech"}, points = 40},
    }},
  },
  bands = {red = 50, yellow = 75},
}

--- health.model() -> the revl.health model
function M.model() return revl.health(M.definition) end

--- health.customers() -> view of accounts with MRR in the as-of month
function M.customers()
  local month = revl.period_start(revl.as_of, "month")
  local live = {}
  for id in revl.subscriptions:where{period = month, mrr = {gt = 0}}:rows("account_id") do
    live[id] = true
  end
  return revl.accounts:where(function(a) return live[a.id] == true end)
end

--- health.score([view]) -> frame: id, score, band, seats, activity, momentum, fit, reasons
function M.score(view) return M.model():score(view or M.customers()) end

--- health.summary(frame): bands and the accounts most at risk
function M.summary(h)
  local c = h:counts("band")
  print(("Customer health %s as of %s: %d customers"):format(M.definition.name, revl.as_of, #h))
  print(("  green %d   yellow %d   red %d   no data %d"):format(c.green or 0, c.yellow or 0,
        c.red or 0, #h - (c.green or 0) - (c.yellow or 0) - (c.red or 0)))
  print()
  print("Most at risk")
  local risk = h:frame():where(function(r) return r.score ~= nil end):sort_by("score")
  for i = 1, math.min(5, #risk) do
    local r = risk[i]
    print(("  %-10s %5s %-6s %s"):format(r.id, r.score, r.band, r.reasons))
  end
end

if select("#", ...) == 0 then
  local h = M.score()
  M.summary(h)
  local csv = revl.log(h, "health_decisions")
  print()
  print("decision log: " .. csv)
end

return M
