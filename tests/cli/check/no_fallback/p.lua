revl.router{name = "r", records = "leads", rules = {{name = "sdr", team = "SDR"}}}
