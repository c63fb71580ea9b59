local router = revl.router{
  name = "inbound",
  rules = {
    {name = "nobody", pool = {}},
  },
}
