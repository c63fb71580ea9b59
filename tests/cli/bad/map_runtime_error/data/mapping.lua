-- indexing a missing table
local t = {}
return { deals = { file = t.x.y } }
