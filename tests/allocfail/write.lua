-- allocfail scenario: each kind of file a playbook writes, and the
-- bindings that hold a C object across a call that can raise (the
-- sweep fails every allocation of the second half of the run).
local m = revl.icp{
  name = "af-write",
  rules = {
    {"industry", "in", {"Software", "Fintech"}, points = 25},
    {function(a) return a.employees and a.employees >= 1000 end, points = 7, name = "big"},
    {all = {{"segment", "=", "SMB"}, function(a) return a.domain == nil end}, points = 2},
  },
  tiers = {{"A", 20}, {"B"}},
}
local f = m:score()
f:to_csv("scores.csv")                      -- a rules frame
f:to_jsonl("scores.jsonl")
revl.log(f, "decisions")                    -- three files committed together
revl.accounts:where{{"country", "=", "US"}}:to_csv("us.csv") -- a view
revl.metrics.win_rate(revl.deals, {period = "quarter"}):to_csv("win.csv") -- a C frame
revl.write_csv("rows.csv", {{id = "a", n = 1}, {id = "b", n = 2}})
revl.fixture{accounts = {{id = "X1", name = "Fixture", industry = "Software"}}}
revl.accounts:to_csv("fixture.csv")     -- the store a fixture made
