local router = revl.router{
  name = "inbound",
  rules = {
    {name = "geo", territory = {country = {US = "AE East", FR = "AE France"}}},
  },
}
