local router = revl.router{
  name = "inbound",
  rules = {
    {name = "pool", pool = {"R1", "R2", "R99"}},
  },
}
