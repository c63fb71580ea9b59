local m = revl.icp{rules = {{"domain", "exists", points = 5}}, tier = {{"A", 1}, {"B"}}}
