local cal = revl.calendar{
  timezone = "America/New_Yrok",
  hours = {"09:00", "17:00"},
}
