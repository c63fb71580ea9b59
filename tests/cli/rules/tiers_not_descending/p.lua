local m = revl.icp{
  rules = {{"domain", "exists", points = 5}},
  tiers = {{"A", 60}, {"B", 80}, {"C"}},
}
