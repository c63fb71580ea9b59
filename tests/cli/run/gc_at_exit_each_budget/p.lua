-- six finalizers at exit, each well inside the per-call budget (1 s,
-- a fifth of it, so a loaded machine does not push one over)
-- but together longer than it: each is one call, the close itself has
-- no deadline, so the run ends 0
local function slow() local t = os.clock() while os.clock() - t < 0.2 do end end
KEEP = {}
for i = 1, 6 do KEEP[i] = setmetatable({}, {__gc = slow}) end
print("done")
