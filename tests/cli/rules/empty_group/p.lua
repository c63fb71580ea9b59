local m = revl.icp{
  groups = {
    firmographic = {{"industry", "=", "Software", points = 10}},
    intent = {cap = 20},
  },
}
