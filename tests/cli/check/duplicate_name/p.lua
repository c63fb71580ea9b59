revl.icp{name = "m", rules = {
  {"industry", "=", "Software", points = 10, name = "fit"},
  {"employees", ">", 100, points = 5, name = "fit"},
}, tiers = {{"A", 10}, {"B"}}}
