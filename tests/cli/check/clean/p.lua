-- every check stays silent on sound rules
revl.icp{name = "m", groups = {
  fit = {cap = 40, {"industry", "in", {"Software", "Fintech"}, points = 30, name = "core industry"},
                   {"employees", "between", {200, 5000}, points = 20, name = "mid-size"}},
  reach = {{"domain", "exists", points = 5, name = "has a domain"}},
}, tiers = {{"A", 40}, {"B", 20}, {"C"}}}
revl.router{name = "r", records = "leads", fallback = "Unassigned", caps = {day = "capacity"}, rules = {
  {name = "partners", when = {source = "Partner"}, queue = "Partner desk"},
  {name = "sdr", team = "SDR"},
}}
revl.funnel{name = "f", records = "deals", stages = {
  {name = "Prospecting", values = {"Prospecting"}, exit = {{"amount", ">", 0}}, probability = 0.1},
  {name = "Discovery", values = {"Discovery"}, exit = {{"close_date", "exists"}}, probability = 0.2},
  {name = "Closed Won", values = {"Closed Won"}, probability = 1},
}}
