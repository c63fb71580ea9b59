revl.write_csv("link/x.csv", {{a = 1}})
