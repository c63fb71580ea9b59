-- a typo in a rule's criteria
local router = revl.router{
  name = "inbound",
  rules = {
    {name = "EMEA", when = {contry = "GB"}, team = "AE EMEA"},
  },
}
print(router:route())
