revl.test("employees must be a number", function(t)
  revl.fixture{accounts = {{id = "A1", employees = "a lot"}}}
end)
revl.test("a table is no value", function(t)
  revl.fixture{accounts = {{id = "A1", industry = {"Software"}}}}
end)
revl.test("duplicate ids", function(t)
  revl.fixture{accounts = {{id = "A1"}, {id = "A1"}}}
end)
revl.test("records must be a list", function(t)
  revl.fixture{accounts = "A1"}
end)
revl.test("a deal without its stage", function(t)
  revl.fixture{deals = {{id = "D1", amount = "10"}}}
end)
