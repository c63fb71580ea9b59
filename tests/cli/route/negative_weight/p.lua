local router = revl.router{
  name = "inbound",
  rules = {
    {name = "weighted", pool = {R1 = 3, R2 = -1}},
  },
}
