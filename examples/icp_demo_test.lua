-- examples/icp_demo_test.lua -- cases for examples/icp_demo.lua, run by
-- `revl test examples`.  revl.playbook runs the example over the case's
-- fixture (its prints captured) and hands back the model it built.
local function run(accounts, activities)
  revl.fixture{accounts = accounts, activities = activities or {}}
  return revl.playbook("icp_demo")
end

revl.test("a US software company with revenue is an A and gets a call", function(t)
  local pb = run{{id = "A1", industry = "Software", employees = 800, annual_revenue = "$30,000,000",
                  country = "US", segment = "Mid-Market", domain = "acme.com"}}
  local s = pb.scores["example-icp"]
  -- firmographic 30 + 20 + 10 (cap 50) + market 20 + 10 (cap 30)
  t:score(s, "A1", 80)
  t:tier(s, "A1", "A")
  t:reason(s, "A1", "revenue >= $20M")
  t:ok(pb.output:find("ICP scores for 1 accounts", 1, true), "the summary is printed")
end)

revl.cases("tiers: A >= 70, B >= 50, C >= 30", {
  revl.case{name = "software, mid-size, GB: 70 is an A", industry = "Software", employees = 300, country = "GB",
            fit = 70, tier = "A"},
  revl.case{name = "software, mid-size, no market: 50 is a B", industry = "Software", employees = 300, fit = 50, tier = "B"},
  revl.case{name = "software only: 30 is a C", industry = "Software", employees = 50, fit = 30, tier = "C"},
  revl.case{name = "retail in GB: 20 is a D", industry = "Retail", employees = 50, country = "GB", fit = 20, tier = "D"},
  revl.case{name = "a .io domain adds 10", industry = "Software", employees = 300, domain = "acme.io", fit = 60, tier = "B"},
}, function(t, c)
  local pb = run{{id = "X", industry = c.industry, employees = c.employees, country = c.country,
                  domain = c.domain}}
  local s = pb.scores[1]
  t:score(s, "X", c.fit)
  t:tier(s, "X", c.tier)
end)

revl.test("engagement bands and the call-this-week action", function(t)
  local pb = run({{id = "A1", industry = "Software", employees = 800, country = "US", segment = "Enterprise"},
                  {id = "A2", industry = "Software", employees = 800, country = "US", segment = "Enterprise"}},
                 {{id = "T1", account_id = "A1", type = "meeting", at = "2025-06-29T10:00:00Z"},
                  {id = "T2", account_id = "A1", type = "meeting", at = "2025-06-28T10:00:00Z"},
                  {id = "T3", account_id = "A1", type = "meeting", at = "2025-06-27T10:00:00Z"},
                  {id = "T5", account_id = "A1", type = "call", at = "2025-06-27T11:00:00Z"},
                  {id = "T4", account_id = "A2", type = "web", at = "2025-06-29T10:00:00Z"}})
  local s = pb.scores[1]
  -- three meetings and a call in the last days: about 33 points, band 1
  t:label(s, "A1", "A1")
  t:action(s, "A1", "call this week")
  t:label(s, "A2", "A3")
  t:action(s, "A2", "SDR: outbound sequence")
end)
