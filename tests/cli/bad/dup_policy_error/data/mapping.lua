return { deals = { duplicates = "error" } }
