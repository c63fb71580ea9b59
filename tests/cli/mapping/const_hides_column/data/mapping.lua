return { deals = { file = "won_deals.csv", columns = { ["Deal ID"] = "id", Rep = "stage" }, constants = { stage = "Closed Won" } } }
