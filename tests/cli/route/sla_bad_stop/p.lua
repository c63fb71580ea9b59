local sla = revl.sla{
  name = "speed to lead",
  stop = {activity = {"call"}, feild = "sql_at"},
  targets = {{kind = "inbound", minutes = 5}},
}
