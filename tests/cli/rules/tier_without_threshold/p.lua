local m = revl.icp{
  rules = {{"domain", "exists", points = 5}},
  tiers = {{"A", 80}, {"B"}, {"C", 20}},
}
