-- rules/expansion_test.lua -- cases for rules/expansion.lua, run by `revl test rules`
-- (as of 2025-06-30).  Triggers read subscriptions (paid seats, the
-- first paid month for renewals), usage (active_seats, api_calls) and
-- health (rules/health.lua).
local expansion = require("expansion")

local WEEKS = {"2025-05-06", "2025-05-13", "2025-05-20", "2025-05-27", "2025-06-03", "2025-06-10",
               "2025-06-17", "2025-06-24", "2025-06-29"}

-- c = {id, owner, first (first paid month), seats, active = {9 weekly values} or n,
--      calls = {9 weekly values} or n, segment, industry}
local function events(customers, deals)
  local accounts, subs, usage = {}, {}, {}
  for _, c in ipairs(customers) do
    accounts[#accounts + 1] = {id = c.id, name = c.id, owner = c.owner, segment = c.segment or "Mid-Market",
                               industry = c.industry or "Software"}
    local y, m = c.first:match("(%d+)-(%d+)")
    y, m = tonumber(y), tonumber(m)
    while y < 2025 or (y == 2025 and m <= 6) do
      subs[#subs + 1] = {account_id = c.id, period = ("%04d-%02d-01"):format(y, m), mrr = 1000, seats = c.seats}
      m = m + 1
      if m > 12 then y, m = y + 1, 1 end
    end
    for i, d in ipairs(WEEKS) do
      local a = type(c.active) == "table" and c.active[i] or c.active
      local k = type(c.calls) == "table" and c.calls[i] or c.calls
      usage[#usage + 1] = {account_id = c.id, date = d, metric = "active_seats", value = a}
      usage[#usage + 1] = {account_id = c.id, date = d, metric = "api_calls", value = k}
    end
  end
  revl.fixture{accounts = accounts, subscriptions = subs, usage = usage, deals = deals}
  return expansion.events()
end

-- the event types fired for account id
local function fired(ev, id)
  local set = {}
  for i = 1, #ev do if ev[i].account == id then set[ev[i].type] = ev[i] end end
  return set
end

revl.test("seats at 80%+ for weeks fire expansion.seats for the account owner", function(t)
  local ev = events{{id = "A1", owner = "R1", first = "2025-01", seats = 10, active = 9, calls = 2000}}
  local e = fired(ev, "A1")["expansion.seats"]
  t:ok(e, "expansion.seats fired")
  t:eq(e.owner, "R1", "owner")
  t:eq(e.segment, "Mid-Market", "payload")
  t:ok(tostring(e.reasons):find("utilisation", 1, true) or tostring(e.reasons):find("seats", 1, true), "reasons")
end)

revl.test("seats at 80% only in the last week are not sustained", function(t)
  local ev = events{{id = "A1", owner = "R1", first = "2025-01", seats = 10,
                     active = {5, 5, 5, 5, 5, 5, 5, 5, 9}, calls = 2000}}
  t:eq(fired(ev, "A1")["expansion.seats"], nil, "expansion.seats")
end)

revl.cases("usage growth of 25% fires expansion.usage", {
  revl.case{name = "+50% fires", before = 1000, after = 1500, fires = true},
  revl.case{name = "+10% does not", before = 1000, after = 1100, fires = false},
}, function(t, c)
  -- the 28 days before hold the readings of May 6-27, the last 28 days June 3-29
  local calls = {}
  for i = 1, 4 do calls[i] = c.before end
  for i = 5, 9 do calls[i] = c.after end
  local ev = events{{id = "A1", owner = "R1", first = "2025-01", seats = 10, active = 5, calls = calls}}
  t:eq(fired(ev, "A1")["expansion.usage"] ~= nil, c.fires, "expansion.usage fired")
end)

revl.cases("renewals: annual terms from the first paid month", {
  revl.case{name = "first paid 2024-08: renews 2025-08-01, within 90 days", first = "2024-08", upcoming = true},
  revl.case{name = "first paid 2024-12: renews in December, not yet", first = "2024-12", upcoming = false},
}, function(t, c)
  local ev = events{{id = "A1", owner = "R1", first = c.first, seats = 10, active = 5, calls = 1000}}
  local f = fired(ev, "A1")
  t:eq(f["renewal.upcoming"] ~= nil, c.upcoming, "renewal.upcoming fired")
  t:eq(f["renewal.upsell"], nil, "no upsell at 50% seats")
end)

revl.test("renewal soon with seats full is an upsell", function(t)
  local ev = events{{id = "A1", owner = "R1", first = "2024-08", seats = 10, active = 9, calls = 2000}}
  local f = fired(ev, "A1")
  t:ok(f["renewal.upsell"], "renewal.upsell fired")
  t:ok(f["renewal.upcoming"], "renewal.upcoming fired")
end)

revl.test("a red health score fires risk.health_red; the owner comes from the latest deal", function(t)
  local ev = events({{id = "A1", first = "2025-01", seats = 10, active = 1, calls = {200, 200, 200, 200, 20, 20, 20, 20, 20},
                      segment = "SMB", industry = "Retail"}},
                    {{id = "D1", account_id = "A1", owner = "R7", stage = "Closed Won", amount = 100,
                      created_at = "2024-12-01", close_date = "2024-12-20"}})
  local e = fired(ev, "A1")["risk.health_red"]
  t:ok(e, "risk.health_red fired")
  t:eq(e.owner, "R7", "owner of the latest deal")
  t:eq(fired(ev, "A1")["expansion.seats"], nil, "no seat expansion at 10%")
end)
