return { duplicates = "last_wins" }
