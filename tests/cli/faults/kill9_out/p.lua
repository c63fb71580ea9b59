-- a write that takes seconds: every cell's text comes from a slow __tostring
local slow = setmetatable({}, {__tostring = function() for _ = 1, 2e6 do end return "x" end})
local rows = {}
for i = 1, 1000 do rows[i] = {a = slow} end
revl.write_csv("slow.csv", rows, {"a"})
