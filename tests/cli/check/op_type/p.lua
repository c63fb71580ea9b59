revl.icp{name = "m", rules = {
  {"industry", ">", "M", points = 10, name = "late alphabet"},
}, tiers = {{"A", 10}, {"B"}}}
