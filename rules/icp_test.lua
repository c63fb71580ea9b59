-- rules/icp_test.lua -- cases for rules/icp.lua, run by `revl test rules`.
-- Each case builds its accounts inline (typed as a CSV export would be).
local icp = require("icp")

local function score(accounts)
  revl.fixture{accounts = accounts}
  return icp.score()
end

revl.test("a mid-size US software company with a domain is an A", function(t)
  local s = score{{id = "A1", industry = "Software", employees = 800, annual_revenue = "$40,000,000",
                   country = "US", segment = "Mid-Market", domain = "acme.com"}}
  -- 30 industry + 25 size + 10 revenue (firmographic cap 60) + 25 market (cap) + 5 domain
  t:score(s, "A1", 90)
  t:tier(s, "A1", "A")
  t:reason(s, "A1", "core industry")
  t:reason(s, "A1", "has a domain")
end)

revl.cases("fit tiers", {
  revl.case{name = "enterprise fintech in DE", industry = "Fintech", employees = 9000, country = "DE",
            segment = "Enterprise", fit = 65, tier = "B"},
  revl.case{name = "adjacent industry, small, no market", industry = "Logistics", employees = 50,
            country = "BR", fit = 15, tier = "D"},
  revl.case{name = "nothing known", fit = 0, tier = "D"},
  revl.case{name = "size band edge: 5000 employees is mid-size", industry = "Software", employees = 5000,
            country = "US", fit = 70, tier = "B"},
}, function(t, c)
  local s = score{{id = "X", industry = c.industry, employees = c.employees, country = c.country,
                   segment = c.segment}}
  t:score(s, "X", c.fit)
  t:tier(s, "X", c.tier)
end)

revl.test("revenue is money: '$19,999,999.99' misses the $20M criterion", function(t)
  local s = score{{id = "R1", industry = "Software", employees = 300, annual_revenue = "$19,999,999.99"},
                  {id = "R2", industry = "Software", employees = 300, annual_revenue = "20000000"}}
  t:score(s, "R1", 55)
  t:score(s, "R2", 60)
  t:reason(s, "R2", "revenue >= $20M")
end)

revl.test("without activities there is no engagement band", function(t)
  local s = score{{id = "A1", industry = "Software", employees = 800}}
  t:eq(s:get("A1").engagement, nil, "engagement")
  t:label(s, "A1", s:get("A1").tier)
end)
