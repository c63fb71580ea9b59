revl.write_csv("sub/x.csv", {{a = 1}})
