revl.test("fine", function(t) t:ok(true) end)
local x = = 1
