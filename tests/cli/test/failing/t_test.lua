local function model()
  return revl.icp{name = "m", rules = {{"industry", "=", "Software", points = 10, name = "software"}},
                  tiers = {{"A", 10}, {"B"}}}
end
revl.test("software is A", function(t)
  revl.fixture{accounts = {{id = "A1", industry = "Software"}}}
  t:tier(model():score(), "A1", "A")
end)
revl.test("retail is A (wrong on purpose)", function(t)
  revl.fixture{accounts = {{id = "A2", industry = "Retail"}, {id = "A3", industry = "Software"}}}
  local s = model():score()
  t:tier(s, "A2", "A")
end)
revl.test("a reason that is not there", function(t)
  revl.fixture{accounts = {{id = "A3", industry = "Software"}}}
  t:reason(model():score(), "A3", "enterprise")
end)
revl.test("unknown id", function(t)
  revl.fixture{accounts = {{id = "A3", industry = "Software"}}}
  t:tier(model():score(), "NOPE", "A")
end)
revl.test("metric value", function(t)
  revl.fixture{deals = {
    {id = "D1", stage = "Closed Won", amount = "USD 100.00", created_at = "2025-01-01", close_date = "2025-02-01", owner = "R1"},
    {id = "D2", stage = "Closed Lost", amount = "USD 50.00", created_at = "2025-01-01", close_date = "2025-02-01", owner = "R1"}}}
  local f = revl.metrics.win_rate(revl.deals, {by = "owner", period = "all"})
  t:metric(f, "win_rate", 0.5, {owner = "R1"})
  t:metric(f, "won", 1, {owner = "R1"})
end)
