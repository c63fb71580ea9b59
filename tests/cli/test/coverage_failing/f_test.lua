-- a failing case still counts for coverage, and the exit status is 1
local function model()
  return revl.icp{name = "tiny", groups = {g = {
    {"industry", "=", "Software", points = 10, name = "software"},
    {"industry", "=", "Retail", points = 5, name = "retail"},
  }}, tiers = {{"A", 10}, {"B"}}}
end

revl.test("software is a B (wrong: it is an A)", function(t)
  revl.fixture{accounts = {{id = "A1", industry = "Software"}}}
  t:tier(model():score(), "A1", "B")
end)
