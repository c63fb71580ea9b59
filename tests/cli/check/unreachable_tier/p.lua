revl.icp{name = "m", groups = {
  fit = {cap = 20, {"industry", "=", "Software", points = 30, name = "software"}},
  size = {{"employees", ">", 500, points = 10, name = "big"}},
}, tiers = {{"A", 40}, {"B", 25}, {"C"}}}
