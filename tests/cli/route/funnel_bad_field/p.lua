local funnel = revl.funnel{
  name = "opportunity",
  records = "deals",
  stages = {
    {name = "Prospecting"},
    {name = "Discovery", entry = {{"amuont", "exists"}}},
  },
}
