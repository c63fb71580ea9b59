-- won and lost alone classify the stages; they declare no order
return { deals = { stages = { won = { "Closed Won" }, lost = { "Closed Lost" } } } }
