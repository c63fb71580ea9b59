local m = revl.icp{rules = {{"name", "like", "Ac%", points = 5}}}
