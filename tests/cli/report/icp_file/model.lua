-- an ICP model of its own: two tiers by size, two bands by meetings and
-- emails of the last 30 days
return revl.icp{
  name = "by-size",
  groups = {fit = {{"employees", ">=", 500, points = 60, name = "500+ people"}}},
  tiers = {{"Big", 50}, {"Small"}},
  engagement = {table = "activities", window = 30, points = {meeting = 10, email = 1},
                bands = {{"hot", 10}, {"cold"}}},
}
