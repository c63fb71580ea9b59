local card = revl.scorecard{table = "deals", fields = {"amount", {"Champion", field = "champoin"}}}
