local router = revl.router{
  name = "inbound",
  rules = {
    {name = "sdr", team = "SDR", mdoe = "lowest"},
  },
}
