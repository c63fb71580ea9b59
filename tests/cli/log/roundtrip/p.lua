local m = revl.icp{name = "rt", rules = {{"industry", "=", "Software", points = 10},
                                         {"country", "=", "US", points = 5}}}
revl.log(m:score(), "icp_log", {seed = 3})
