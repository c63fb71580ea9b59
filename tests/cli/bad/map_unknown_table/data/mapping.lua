return { opportunities = { file = "opps.csv" } }
