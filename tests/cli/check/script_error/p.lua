revl.icp{name = "m", rules = {{"industry", "=", "S", points = 1}}, tiers = {{"A", 1}, {"B"}}}
error("boom")
