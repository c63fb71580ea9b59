local router = revl.router{
  name = "inbound",
  rules = {
    {name = "partners", when = {{"source", "like", "Partner%"}}, queue = "Partners"},
  },
}
