local cal = revl.calendar{timezone = "America/New_York"}
