revl.write_csv("quick.csv", {{id = "Q"}}, {"id"})
