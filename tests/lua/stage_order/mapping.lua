-- the funnel order of deals.stage: open stages as listed, won, lost
return { deals = { stages = { won = { "Closed Won" }, lost = { "Closed Lost" },
                              open = { "Discovery", "Proposal" } } } }
