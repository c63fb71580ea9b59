local h = revl.health{components = {{name = "size", field = "employees", linear = {0, 1000}}},
                      bands = {red = 75, yellow = 50}}
