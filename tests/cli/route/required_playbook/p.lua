-- the error names the line in the module that defines the router
local m = require("myrules")
m.router()
