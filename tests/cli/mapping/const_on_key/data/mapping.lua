return { deals = { file = "won_deals.csv", columns = { ["Deal ID"] = "id" }, constants = { id = "X" } } }
