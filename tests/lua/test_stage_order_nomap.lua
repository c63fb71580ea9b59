-- revl: --data tests/lua/stage_order_nomap --as-of 2025-06-30
-- No order declared (the mapping only classifies won and lost): stages
-- sort by name; a funnel that fails to build declares nothing.
local t = revl.testing("stage order: none declared")

local function col(frame, name)
  local out = {}
  for _, r in ipairs(frame) do out[#out + 1] = tostring(r[name]) end
  return table.concat(out, ",")
end

t:eq(col(revl.deals:group_by("stage"), "stage"), "Alpha,Closed Lost,Closed Won,Discovery,Proposal,Zeta",
     "no declared order: by name")
-- stage_conversion keeps inferring its order from the histories
t:eq(col(revl.metrics.stage_conversion(revl.deals), "stage"), "Discovery,Zeta,Alpha,Proposal,Closed Won,Closed Lost",
     "stage_conversion: inferred (open by position, ties by first seen, won, lost)")

local ok, err = pcall(revl.funnel, { name = "bad", records = "deals",
  stages = { { name = "Proposal" }, { name = "Discovery", probability = 2 } } })
t:ok(not ok and err:find("probability must be a number from 0 to 1", 1, true), "a bad funnel is an error")
t:eq(col(revl.deals:group_by("stage"), "stage"), "Alpha,Closed Lost,Closed Won,Discovery,Proposal,Zeta",
     "and declares no order")
ok, err = pcall(revl.funnel, { name = "dup", records = "deals", stages = { { name = "A" }, { name = "A" } } })
t:ok(not ok and err:find("used twice", 1, true), "a stage named twice is an error")

return t:done()
