-- the action table names A1 and B2 only: A2 and B1 accounts get no action
revl.icp{name = "m", rules = {{"country", "=", "US", points = 10}}, tiers = {{"A", 10}, {"B"}},
         engagement = {table = "activities", points = {call = 1}, bands = {{"1", 5}, {"2"}}},
         matrix = {A1 = "call", B2 = "nurture"}}
