-- the mapping runs with no libraries at all
return { deals = { file = string.lower("DEALS.csv") } }
