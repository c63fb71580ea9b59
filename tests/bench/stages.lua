-- tests/bench/stages.lua -- time of the stage metrics and the waterfall
-- after load: the median of --set runs=N calls (default 5) of each, in
-- milliseconds (os.clock, in process).  Not part of `make test`:
--   build/revl gen --out /tmp/sbench --deals 300000 --seed 3
--   build/revl run tests/bench/stages.lua --data /tmp/sbench --as-of 2026-01-01
local M = revl.metrics
local runs = tonumber(revl.params.runs or "5")

local function median(f)
  local t = {}
  for i = 1, runs do
    local t0 = os.clock()
    f()
    t[i] = (os.clock() - t0) * 1000
  end
  table.sort(t)
  return t[(#t + 1) // 2]
end

local D = revl.deals
local stages = {"Prospecting", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won"}
local pipe = D:where{forecast_category = "Pipeline"}
local cases = {
  {"stage_conversion (inferred stages)", function() return M.stage_conversion(D) end},
  {"stage_conversion by owner, quarters", function()
    return M.stage_conversion(D, {stages = stages, by = "owner", period = "quarter", periods = 4}) end},
  {"time_in_stage (inferred stages)", function() return M.time_in_stage(D) end},
  {"time_in_stage by owner, months", function()
    return M.time_in_stage(D, {stages = stages, by = "owner", period = "month", periods = 12}) end},
  {"stage_aging days=30", function() return M.stage_aging(D, {days = 30}) end},
  {"stage_aging days=14 by owner", function() return M.stage_aging(D, {days = 14, by = "owner"}) end},
  {"slipped_deals (quarter)", function() return M.slipped_deals(D) end},
  {"slipped_deals by owner, 4 quarters", function()
    return M.slipped_deals(D, {by = "owner", period = "quarter", periods = 4}) end},
  {"waterfall D -> D by owner", function() return M.waterfall(D, D, {by = "owner"}) end},
  {"waterfall Pipeline -> D by owner, quarter", function()
    return M.waterfall(pipe, D, {by = "owner", period = "quarter"}) end},
}
print(("data: %d deals, %d history rows; median of %d runs"):format(#D, #revl.stage_history, runs))
for _, c in ipairs(cases) do
  local f, g = c[2]()
  print(("%-44s %9.1f ms  %d rows%s"):format(c[1], median(c[2]), #f,
    type(g) == "table" and #g > 0 and (" + " .. #g) or ""))
end
