-- territories and explicit teams with no reps: warnings naming the team
-- and placed at the routing rule's definition; an empty team rule
-- without `when` does not shadow the rules after it
revl.router{name = "geo", records = "leads", fallback = "Unassigned",
  teams = {["AE East"] = {"R0001"}, Ghosts = {}},
  rules = {
    {name = "empty", team = "Ghosts"},  -- takes no record, so shadows nothing
    {name = "east", team = "AE East"},
  }}
revl.router{name = "terr", records = "leads", fallback = "Unassigned", rules = {
  {name = "by country",
   territory = {country = {US = "AE East", CA = "AE Canada", default = "Nowhere"}}},
}}
