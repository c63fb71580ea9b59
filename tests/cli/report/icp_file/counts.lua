-- the same model's labels as revl run counts them
local c = require("model"):score():counts("label")
for _, k in ipairs({"Bighot", "Bigcold", "Smallhot", "Smallcold"}) do print(k, c[k] or 0) end
