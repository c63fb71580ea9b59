local sla = revl.sla{
  name = "speed to lead",
  calendar = {timezone = "Europe/London", hours = {"9", "17:00"}},
  stop = {activity = {"call"}},
  targets = {{kind = "inbound", minutes = 5}},
}
