local m = revl.icp{rules = {{"industry", "=", "Software", name = "software"}}}
