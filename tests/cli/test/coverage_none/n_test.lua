revl.test("arithmetic", function(t) t:eq(1 + 1, 2) end)
