revl.router{name = "r", records = "leads", fallback = "Unassigned", rules = {
  {name = "ghosts", team = "No Such Team", overflow = "next"},
  {name = "sdr", team = "SDR"},
}}
