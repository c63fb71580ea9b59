return { deals = { date_format = "dd.mm.yyyy" } }
