local model = require("model")

revl.test("a large account is an A", function(t)
  revl.fixture{accounts = {{id = "A1", employees = 5000, country = "DE"}}}
  t:tier(model.icp():score(), "A1", "A")
end)

revl.test("a web lead goes to the SDRs", function(t)
  revl.fixture{reps = {{id = "S1", name = "Sam", team = "SDR", capacity = 5, active = true}},
               leads = {{id = "L1", source = "Web", created_at = "2025-06-02T10:00:00Z"}}}
  t:owner(model.router():route(), "L1", "S1")
end)

revl.test("an open deal with an amount is ready", function(t)
  revl.fixture{deals = {{id = "D1", stage = "Open", amount = 100}}}
  t:ready(model.funnel():audit(), "D1", true)
end)

revl.test("an enterprise customer without recent usage", function(t)
  revl.fixture{accounts = {{id = "A1", segment = "Enterprise"}},
               subscriptions = {{account_id = "A1", period = "2025-06-01", mrr = 100, seats = 5}},
               usage = {{account_id = "A1", date = "2025-01-01", metric = "active_seats", value = 1}}}
  t:score(model.health():score(), "A1", 100)
end)
