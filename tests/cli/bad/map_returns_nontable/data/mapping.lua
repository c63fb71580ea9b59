return "deals.csv"
