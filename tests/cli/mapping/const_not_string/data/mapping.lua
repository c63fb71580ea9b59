return { deals = { file = "won_deals.csv", constants = { stage = 3 } } }
