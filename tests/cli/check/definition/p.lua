local m = revl.icp{name = "m", rules = {
  {"industy", "=", "Software", points = 10},
}, tiers = {{"A", 10}, {"B"}}}
