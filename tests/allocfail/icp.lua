-- allocfail scenario: a rule evaluation (ICP scoring) written to --out.
local m = revl.icp{
  name = "af-icp",
  groups = {
    firmographic = { cap = 40,
      {"industry", "in", {"Software", "Fintech"}, points = 25},
      {"employees", "between", {100, 2000}, points = 15} },
    signals = { {"domain", "exists", points = 5} },
  },
  tiers = {{"A", 40}, {"B", 20}, {"C"}},
}
m:score(revl.accounts):to_csv("icp.csv")
