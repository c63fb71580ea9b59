local t = revl.trigger{type = "expansion", when = {{usage_growth = 0.2, metric = "apicalls"}}}
