local x = { deals = {} }
