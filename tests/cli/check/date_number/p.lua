revl.icp{name = "m", rules = {
  {"created_at", ">", 2024, points = 10, name = "recent"},
  {"employees", ">=", "2024-01-01", points = 5, name = "confused"},
}, tiers = {{"A", 10}, {"B"}}}
