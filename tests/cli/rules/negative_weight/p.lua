local h = revl.health{
  components = {
    {name = "seats", weight = 2, utilisation = "active_seats"},
    {name = "size", weight = -1, field = "employees", linear = {0, 1000}},
  },
}
