-- rules/sla_test.lua -- cases for rules/sla.lua, run by `revl test rules`
-- (as of Monday 2025-06-30).  Business time is New York, 09:00-17:00,
-- Monday to Friday, with US holidays: 8 business hours a day.  Times in
-- the fixtures are UTC (New York is UTC-4 in June).
local slas = require("sla")

-- ledger of leads with their touches: touches = {{lead_id, type, at}}
local function ledger(leads, touches)
  local acts = {}
  for i, a in ipairs(touches or {}) do acts[i] = {id = "T" .. i, lead_id = a[1], type = a[2], at = a[3]} end
  revl.fixture{leads = leads, activities = acts}
  return slas.speed_to_lead():ledger()
end

local function row(l, id)
  for _, r in ipairs(l) do if r.record == id then return r end end
end

revl.cases("inbound leads: first touch within 1 business day (8 hours)", {
  -- created Monday 14:00 NY: 3 hours Monday, 5 more on Tuesday
  revl.case{name = "called after exactly 8 business hours: met", at = "2025-06-24T18:00:00Z", breached = false},
  revl.case{name = "called after 9 business hours: breached", at = "2025-06-24T19:00:00Z", breached = true},
  revl.case{name = "emailed the same afternoon: met", at = "2025-06-23T19:30:00Z", breached = false},
}, function(t, c)
  local l = ledger({{id = "L1", source = "Inbound", owner = "R1", created_at = "2025-06-23T18:00:00Z"}},
                   {{"L1", "call", c.at}})
  t:eq(row(l, "L1").kind, "inbound", "kind")
  t:breach(l, "L1", c.breached)
end)

revl.test("Event leads are hand raisers too; a web visit does not stop the clock", function(t)
  local l = ledger({{id = "L1", source = "Event", owner = "R1", created_at = "2025-06-23T13:00:00Z"}},
                   {{"L1", "web", "2025-06-23T14:00:00Z"}, {"L1", "meeting", "2025-06-25T13:00:00Z"}})
  local r = row(l, "L1")
  t:eq(r.kind, "inbound", "kind")
  t:eq(r.activity, "T2", "stopped by the meeting (T2), not the web visit (T1)")
  t:eq(r.minutes, 16 * 60, "business minutes: Monday and Tuesday")
  t:breach(l, "L1", true)
end)

revl.test("the Juneteenth holiday does not count", function(t)
  -- created Wednesday 2025-06-18 16:00 NY; Thursday is a holiday; called Friday 16:00 NY
  local l = ledger({{id = "L1", source = "Inbound", owner = "R1", created_at = "2025-06-18T20:00:00Z"}},
                   {{"L1", "call", "2025-06-20T20:00:00Z"}})
  t:eq(row(l, "L1").minutes, 8 * 60, "business minutes")
  t:breach(l, "L1", false)
end)

revl.test("an MQL's clock starts at mql_at and has 2 business days", function(t)
  local l = ledger({{id = "L1", source = "Web", owner = "R1", created_at = "2025-06-02T13:00:00Z",
                     mql_at = "2025-06-23T13:00:00Z"}},
                   {{"L1", "email", "2025-06-24T20:00:00Z"}})
  local r = row(l, "L1")
  t:eq(r.kind, "mql", "kind")
  t:eq(r.target_minutes, 16 * 60, "target")
  t:eq(r.minutes, 15 * 60, "Monday 8 h + Tuesday 7 h")
  t:breach(l, "L1", false)
end)

revl.test("other leads get 5 business days; a lead never touched is open, then open_breached", function(t)
  local l = ledger({{id = "L1", source = "Web", owner = "R1", created_at = "2025-06-23T13:00:00Z"},
                    {id = "L2", source = "Web", owner = "R1", created_at = "2025-06-27T13:00:00Z"}})
  local r1, r2 = row(l, "L1"), row(l, "L2")
  t:eq(r1.kind, "other", "kind")
  t:eq(r1.target_minutes, 40 * 60, "target")
  t:eq(r1.status, "open_breached", "a week and a day without a touch")
  t:breach(l, "L1", true)
  t:eq(r2.status, "open", "two business days")
  t:breach(l, "L2", false)
end)

revl.test("compliance by owner counts met and breached clocks", function(t)
  revl.fixture{
    leads = {{id = "L1", source = "Inbound", owner = "R1", created_at = "2025-06-23T13:00:00Z"},
             {id = "L2", source = "Inbound", owner = "R1", created_at = "2025-06-23T13:00:00Z"},
             {id = "L3", source = "Inbound", owner = "R2", created_at = "2025-06-23T13:00:00Z"}},
    activities = {{id = "T1", lead_id = "L1", type = "call", at = "2025-06-23T14:00:00Z"},
                  {id = "T2", lead_id = "L2", type = "call", at = "2025-06-26T14:00:00Z"},
                  {id = "T3", lead_id = "L3", type = "email", at = "2025-06-23T15:00:00Z"}},
  }
  local s = slas.speed_to_lead()
  local c = s:compliance(s:ledger(), "owner")
  t:metric(c, "breached", 1, {owner = "R1"})
  t:metric(c, "compliance", 0.5, {owner = "R1"})
  t:metric(c, "compliance", 1, {owner = "R2"})
end)
