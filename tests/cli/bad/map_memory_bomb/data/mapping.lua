-- must be stopped, not exhaust memory
local s = "xxxxxxxxxxxxxxxx"
for i = 1, 40 do s = s .. s end
return {}
