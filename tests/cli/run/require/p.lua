local m = require("helper")
print(m.twice(21))
