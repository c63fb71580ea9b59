-- examples/routing_demo_test.lua -- cases for examples/routing_demo.lua, run by
-- `revl test examples` (as of 2025-06-30).  The example's weighted pool
-- names reps R0001 and R0005, so the fixture has them.
local REPS = {
  {id = "R0001", name = "Ada", team = "AE East", role = "AE", capacity = 10, active = true},
  {id = "R0005", name = "Bo", team = "AE East", role = "AE", capacity = 10, active = true},
  {id = "R0002", name = "Cy", team = "AE EMEA", role = "AE", capacity = 10, active = true},
  {id = "R0003", name = "Di", team = "SDR", role = "SDR", capacity = 10, active = true},
  {id = "R0004", name = "Ed", team = "SDR", role = "SDR", capacity = 10, active = true},
}

local function route(leads, accounts)
  for i, l in ipairs(leads) do
    l.created_at = l.created_at or ("2025-06-02T%02d:00:00Z"):format(8 + i)
    l.status = l.status or "New"
  end
  revl.fixture{reps = REPS, leads = leads, accounts = accounts or {{id = "A0", name = "Nobody"}}}
  local pb = revl.playbook("routing_demo")
  return pb.routing["example inbound"], pb
end

revl.cases("each rule of the example", {
  revl.case{name = "partner -> Partner desk", lead = {source = "Partner", country = "US"},
            rule = "partners", owner = "Partner desk"},
  revl.case{name = "a Working lead keeps its owner", lead = {status = "Working", owner = "R0002", country = "US"},
            rule = "has owner", owner = "R0002"},
  revl.case{name = "a New lead's owner is not kept: GB goes to EMEA", lead = {owner = "R0003", country = "GB"},
            rule = "emea", owner = "R0002"},
  revl.case{name = "inbound US lead -> the weighted pool", lead = {source = "Inbound", country = "US"},
            rule = "big americas", owner = "R0001"},
  revl.case{name = "a web lead from Mexico -> SDR", lead = {source = "Web", country = "MX"}, rule = "sdr", team = "SDR"},
}, function(t, c)
  local l = {id = "L1"}
  for k, v in pairs(c.lead) do l[k] = v end
  local res = route{l}
  t:rule(res, "L1", c.rule)
  if c.owner then t:owner(res, "L1", c.owner) end
  if c.team then t:team(res, "L1", c.team) end
end)

revl.test("a lead whose email domain is a known account goes to its owner", function(t)
  local res = route({{id = "L1", email = "kim@globex.com", country = "GB", source = "Web"}},
                    {{id = "A1", name = "Globex", domain = "globex.com", owner = "R0005"}})
  t:rule(res, "L1", "known account")
  t:owner(res, "L1", "R0005")
end)

revl.test("the pool is weighted 2:1 between R0001 and R0005", function(t)
  local leads = {}
  for i = 1, 6 do leads[i] = {id = "L" .. i, source = "Inbound", country = "US"} end
  local res, pb = route(leads)
  local n = res:counts()
  t:eq(n.R0001, 4, "R0001")
  t:eq(n.R0005, 2, "R0005")
  t:ok(pb.output:find("6 leads routed", 1, true), "printed")
end)
