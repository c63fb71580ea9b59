-- without --data: the canonical schema, no values
revl.icp{name = "m", groups = {
  fit = {cap = 40, {"industry", "in", {"Software", "Fintech"}, points = 30, name = "core industry"},
                   {"employees", "between", {200, 5000}, points = 20, name = "mid-size"}},
}, tiers = {{"A", 40}, {"B", 20}, {"C"}}}
revl.icp{name = "typo", rules = {{"employes", ">", 5, points = 1}}, tiers = {{"A", 1}, {"B"}}}
