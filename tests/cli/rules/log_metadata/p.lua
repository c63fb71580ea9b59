local m = revl.icp{name = "meta", rules = {{"industry", "=", "Software", points = 10}}}
revl.random(5)
revl.log(m:score(), "icp_log")
