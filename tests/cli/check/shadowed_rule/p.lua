revl.router{name = "r", records = "leads", fallback = "Unassigned", rules = {
  {name = "everyone", queue = "Inbox"},
  {name = "partners", when = {source = "Partner"}, queue = "Partner desk"},
}}
