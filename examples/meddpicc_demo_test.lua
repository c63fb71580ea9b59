-- examples/meddpicc_demo_test.lua -- cases for examples/meddpicc_demo.lua, run by
-- `revl test examples`.  The example scores MEDDPICC from evidence:
-- activities per deal (meetings, calls) and deal fields.
-- weights: Metrics 1, Economic buyer 2, Decision criteria 1, Decision
-- process 1, Paper process 1, Identify pain 2, Champion 2, Competition 1 (11)
local function card(deals, acts)
  local a = {}
  for i, x in ipairs(acts or {}) do a[i] = {id = "T" .. i, deal_id = x[1], type = x[2], at = "2025-06-10T10:00:00Z"} end
  revl.fixture{deals = deals, activities = a}
  local pb = revl.playbook("meddpicc_demo")
  return pb.cards["meddpicc (evidence)"], pb
end

revl.test("a Negotiation deal with two meetings and a call is fully qualified", function(t)
  local c = card({{id = "D1", stage = "Negotiation", amount = 1000, close_date = "2025-07-15",
                   forecast_category = "Commit"}},
                 {{"D1", "meeting"}, {"D1", "meeting"}, {"D1", "call"}})
  t:score(c, "D1", 100)
  t:eq(c:get("D1").complete, true, "qualified")
end)

revl.cases("evidence", {
  revl.case{name = "one meeting: a champion but no economic buyer (9/11)", acts = {{"D1", "meeting"}, {"D1", "call"}},
            pct = 900 / 11, missing = "Economic buyer", complete = true},
  revl.case{name = "no calls: no pain (9/11)", acts = {{"D1", "meeting"}, {"D1", "meeting"}},
            pct = 900 / 11, missing = "Identify pain", complete = true},
  revl.case{name = "no activities: 5/11, not qualified", acts = {}, pct = 500 / 11, missing = "Champion", complete = false},
}, function(t, c)
  local s = card({{id = "D1", stage = "Negotiation", amount = 1000, close_date = "2025-07-15",
                   forecast_category = "Commit"}}, c.acts)
  t:score(s, "D1", c.pct, 0.05)
  t:eq(s:get("D1").complete, c.complete, "qualified")
  t:ok(s:get("D1").missing:find(c.missing, 1, true), "missing lists " .. c.missing)
end)

revl.test("a late-stage deal that is not qualified is listed", function(t)
  local s, pb = card({{id = "D1", stage = "Proposal", amount = 1000, forecast_category = "Pipeline"},
                      {id = "D2", stage = "Closed Won", amount = 1000}})
  t:eq(#s, 1, "open deals scored")
  -- Metrics (amount) and Decision criteria (Proposal): 2/11
  t:score(s, "D1", 200 / 11, 0.05)
  t:ok(pb.output:find("D1 ", 1, true) and pb.output:find("1 in all", 1, true), "listed")
end)
