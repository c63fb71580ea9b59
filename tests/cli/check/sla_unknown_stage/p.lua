revl.funnel{name = "leads", records = "leads", stage_field = "status", stages = {
  {name = "New", values = {"New"}, exit = {{"owner", "exists"}}},
  {name = "Working", values = {"Working"}, exit = {{"mql_at", "exists"}}},
  {name = "Qualified", values = {"Qualified"}},
}}
revl.sla{name = "touch", records = "leads", stop = {activity = true}, targets = {
  {kind = "fresh", when = {status = "Nw"}, hours = 8},
  {kind = "working", when = {{"status", "in", {"Working", "Qualifed"}}}, hours = 16},
  {kind = "ok", when = {status = "New"}, hours = 24},
  {kind = "rest", hours = 40},
}}
