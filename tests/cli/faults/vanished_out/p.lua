-- writes one file, waits two seconds of CPU time for the test to remove
-- --out, then writes another
revl.write_csv("first.csv", {{id = "A"}}, {"id"})
local t = os.clock()
while os.clock() - t < 2 do end
revl.write_csv("second.csv", {{id = "B"}}, {"id"})
