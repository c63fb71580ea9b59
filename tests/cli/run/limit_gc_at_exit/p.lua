-- reachable until the state closes: the finalizer runs at exit
KEEP = setmetatable({}, {__gc = function() while true do end end})
print("done")
