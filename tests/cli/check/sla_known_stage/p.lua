-- silent: every stage an SLA names is a stage (name or value) of the
-- funnel over its records; an SLA over a table with no funnel is not
-- checked for stages (no stage set to check against)
revl.funnel{name = "leads", records = "leads", stage_field = "status", stages = {
  {name = "New", values = {"New"}, exit = {{"owner", "exists"}}},
  {name = "Working", values = {"Working", "MQL"}, exit = {{"mql_at", "exists"}}},
  {name = "Qualified", values = {"SQL"}},
}}
revl.sla{name = "touch", records = "leads", stop = {activity = true}, targets = {
  {kind = "fresh", when = {status = "New"}, hours = 8},
  {kind = "working", when = {{"status", "in", {"Working", "MQL", "Qualified"}}}, hours = 16},
  {kind = "rest", hours = 40},
}}
revl.sla{name = "deals", records = "deals", start = "created_at", stop = "close_date", targets = {
  {kind = "demo", when = {stage = "Demo"}, days = 30},
}}
