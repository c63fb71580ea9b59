local m = revl.icp{
  rules = {{"domain", "exists", points = 5}},
  engagement = {points = {meeting = 10}, decay = {after = 30, factor = 1.5}},
}
