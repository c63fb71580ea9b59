-- examples/sla_demo_test.lua -- cases for examples/sla_demo.lua, run by
-- `revl test examples` (as of 2025-06-30, a Monday).  New York business
-- hours, 8 a day; fixture times are UTC (New York is UTC-4 in June).
local function ledger(leads, touches)
  local acts = {}
  for i, a in ipairs(touches) do acts[i] = {id = "T" .. i, lead_id = a[1], type = a[2], at = a[3]} end
  revl.fixture{leads = leads, activities = acts}
  local pb = revl.playbook("sla_demo")
  return pb.ledger[1], pb
end

revl.cases("targets: inbound 8 h, MQL 16 h from mql_at, other 40 h", {
  revl.case{name = "inbound answered next day within 8 h", lead = {source = "Inbound", created_at = "2025-06-23T18:00:00Z"},
            touch = "2025-06-24T18:00:00Z", kind = "inbound", breached = false},
  revl.case{name = "Event is not inbound here: other, 40 h", lead = {source = "Event", created_at = "2025-06-23T13:00:00Z"},
            touch = "2025-06-26T13:00:00Z", kind = "other", breached = false},
  revl.case{name = "MQL answered after 17 h", lead = {source = "Web", created_at = "2025-06-01T13:00:00Z",
            mql_at = "2025-06-23T13:00:00Z"}, touch = "2025-06-25T14:00:00Z", kind = "mql", breached = true},
}, function(t, c)
  local l = {id = "L1", owner = "R1"}
  for k, v in pairs(c.lead) do l[k] = v end
  local led = ledger({l}, {{"L1", "call", c.touch}})
  local r
  for _, x in ipairs(led) do if x.record == "L1" then r = x end end
  t:eq(r.kind, c.kind, "kind")
  t:breach(led, "L1", c.breached)
end)

revl.test("weekends do not count", function(t)
  -- created Friday 2025-06-27 16:00 NY, called Monday 2025-06-30 16:00 NY: 1 + 7 = 8 h
  local led = ledger({{id = "L1", owner = "R1", source = "Inbound", created_at = "2025-06-27T20:00:00Z"}},
                     {{"L1", "email", "2025-06-30T20:00:00Z"}})
  t:eq(led[1].minutes, 8 * 60, "the weekend does not count")
  t:breach(led, "L1", false)
end)

revl.test("compliance by owner is printed", function(t)
  local _, pb = ledger({{id = "L1", owner = "R1", source = "Inbound", created_at = "2025-06-23T13:00:00Z"}},
                       {{"L1", "call", "2025-06-23T14:00:00Z"}})
  t:ok(pb.output:find("1 leads measured", 1, true), "summary line")
  t:ok(pb.output:find("compliance by owner", 1, true), "compliance table")
end)
