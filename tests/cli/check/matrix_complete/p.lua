-- every tier x band label has an action: no finding
revl.icp{name = "m", rules = {{"country", "=", "US", points = 10}}, tiers = {{"A", 10}, {"B"}},
         engagement = {table = "activities", points = {call = 1}, bands = {{"1", 5}, {"2"}}},
         matrix = {A1 = "call", A2 = "call", B1 = "nurture", B2 = "nurture"}}
