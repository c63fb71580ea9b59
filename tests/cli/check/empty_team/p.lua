-- territories and explicit teams with no reps: warnings naming the team
-- and placed at the routing rule's definition
revl.router{name = "geo", records = "leads", fallback = "Unassigned",
  teams = {["AE East"] = {"R0001"}, Ghosts = {}},
  rules = {
    {name = "east", when = {country = "US"}, team = "AE East"},
    {name = "empty", team = "Ghosts"},
  }}
revl.router{name = "terr", records = "leads", fallback = "Unassigned", rules = {
  {name = "by country",
   territory = {country = {US = "AE East", CA = "AE Canada", default = "Nowhere"}}},
}}
