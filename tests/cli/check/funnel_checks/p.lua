revl.funnel{name = "f", records = "deals", stages = {
  {name = "Prospecting", values = {"Prospecting"}, exit = {{"amount", ">", 0}}, probability = 0.2},
  {name = "Discovery", values = {"Discovery"}, probability = 0.1},
  {name = "Closed Won", values = {"Closed Won"}, probability = 1},
}}
