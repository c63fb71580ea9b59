revl.router{name = "r", records = "leads", fallback = "Unassigned", caps = {day = 0},
  rules = {{name = "sdr", team = "SDR"}}}
