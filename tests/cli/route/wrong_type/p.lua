local router = revl.router{
  name = "inbound",
  rules = {
    {name = "recent", when = {{"created_at", ">", 5}}, team = "SDR"},
  },
}
