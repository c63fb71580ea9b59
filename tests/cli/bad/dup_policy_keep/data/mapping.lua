return { deals = { duplicates = "keep" } }
