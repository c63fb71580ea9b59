-- examples/expansion_demo_test.lua -- cases for examples/expansion_demo.lua, run
-- by `revl test examples` (as of 2025-06-30).
local WEEKS = {"2025-05-06", "2025-05-13", "2025-05-20", "2025-05-27", "2025-06-03", "2025-06-10",
               "2025-06-17", "2025-06-24", "2025-06-29"}

-- c = {id, owner, segment, first (first paid month), seats, active, calls = {before, after}}
local function events(customers)
  local accounts, subs, usage = {}, {}, {}
  for _, c in ipairs(customers) do
    accounts[#accounts + 1] = {id = c.id, name = c.id, owner = c.owner or "R1", segment = c.segment or "SMB",
                               industry = "Software"}
    local y, m = c.first:match("(%d+)-(%d+)")
    y, m = tonumber(y), tonumber(m)
    while y < 2025 or (y == 2025 and m <= 6) do
      subs[#subs + 1] = {account_id = c.id, period = ("%04d-%02d-01"):format(y, m), mrr = 1000, seats = c.seats}
      m = m + 1
      if m > 12 then y, m = y + 1, 1 end
    end
    for i, d in ipairs(WEEKS) do
      usage[#usage + 1] = {account_id = c.id, date = d, metric = "active_seats", value = c.active}
      usage[#usage + 1] = {account_id = c.id, date = d, metric = "api_calls", value = i <= 4 and c.calls[1] or c.calls[2]}
    end
  end
  revl.fixture{accounts = accounts, subscriptions = subs, usage = usage}
  local pb = revl.playbook("expansion_demo")
  local by = {}
  for _, e in ipairs(pb.events[1]) do
    by[e.account] = by[e.account] or {}
    by[e.account][e.type] = e
  end
  return by, pb
end

revl.test("full seats and growing usage fire expansion.seats and expansion.usage", function(t)
  local by = events{{id = "A1", owner = "R9", first = "2025-01", seats = 10, active = 9, calls = {1000, 1500}}}
  t:ok(by.A1["expansion.seats"], "expansion.seats")
  t:eq(by.A1["expansion.seats"].owner, "R9", "owner")
  t:ok(by.A1["expansion.usage"], "expansion.usage")
  t:eq(by.A1["renewal.upsell"], nil, "no renewal within 90 days")
end)

revl.test("renewal within 90 days with full seats is an upsell", function(t)
  local by = events{{id = "A1", first = "2024-08", seats = 10, active = 9, calls = {1000, 1000}}}
  t:ok(by.A1["renewal.upsell"], "renewal.upsell")
  t:eq(by.A1["expansion.usage"], nil, "flat usage")
end)

revl.cases("risk.health_red needs red health and a segment other than SMB", {
  revl.case{name = "mid-market at 10% seats and falling: fires", segment = "Mid-Market", fires = true},
  revl.case{name = "SMB at 10% seats and falling: the Lua condition says no", segment = "SMB", fires = false},
}, function(t, c)
  local by, pb = events{{id = "A1", segment = c.segment, first = "2025-01", seats = 10, active = 1, calls = {1000, 200}}}
  t:eq((by.A1 or {})["risk.health_red"] ~= nil, c.fires, "risk.health_red")
  if c.fires then t:ok(tostring(by.A1["risk.health_red"].reasons):find("Mid-Market account", 1, true), "reason") end
  t:ok(pb.output:find("events as of 2025-06-30", 1, true), "printed")
end)
