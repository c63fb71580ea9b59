return { deals = { file = "opportunities.csv" } }
