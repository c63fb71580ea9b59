return { currency = "euro" }
