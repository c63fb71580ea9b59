revl.icp{name = "m", rules = {
  {"employees", "between", {5000, 200}, points = 10, name = "mid-size"},
}, tiers = {{"A", 10}, {"B"}}}
