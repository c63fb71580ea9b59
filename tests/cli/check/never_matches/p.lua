revl.icp{name = "m", rules = {
  {"industry", "in", {"Sofware", "Fintec"}, points = 10, name = "typo values"},
  {"industry", "=", "Software", points = 5, name = "real value"},
}, tiers = {{"A", 10}, {"B"}}}
