return { deals = { duplicates = "last" } }
