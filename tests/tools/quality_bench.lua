-- quality_bench.lua -- time each data-quality metric in-process with
-- os.clock over the loaded data (run with --data of a large generated
-- set): the median of --set runs=N runs (default 7; 3 for duplicates)
-- after one warm-up call, each after a full garbage collection.  Prints "metric case median_ms".
local M = revl.metrics
local A, D = revl.accounts, revl.deals
local runs = tonumber(revl.params.runs or "7")
local only = revl.params.only
local function bench(label, n, f)
  if only and not label:find(only, 1, true) then return end
  f()
  local t = {}
  for i = 1, n do
    collectgarbage("collect") -- every run starts from the same heap
    local c = os.clock()
    f()
    t[i] = os.clock() - c
  end
  table.sort(t)
  print(string.format("%-44s %9.1f ms", label, t[(n + 1) // 2] * 1000))
end
bench("completeness accounts (every column)", runs, function() M.completeness(A) end)
bench("completeness accounts required by segment", runs, function()
  M.completeness(A, {required = {"domain", "industry", "country"}, by = "segment"}) end)
bench("completeness deals fields via account", runs, function()
  M.completeness(D, {fields = {"account.industry", "amount", "owner"}, by = "owner"}) end)
bench("duplicates accounts", math.min(runs, 3), function() M.duplicates(A) end)
bench("duplicates accounts on domain", runs, function() M.duplicates(A, {on = "domain"}) end)
bench("consistency accounts country", runs, function()
  M.consistency(A, "country", {normalize = "country"}) end)
bench("consistency accounts segment allowed by country", runs, function()
  M.consistency(A, "segment", {allowed = {"SMB", "Mid-Market"}, by = "country"}) end)
bench("timeliness accounts 90 days", runs, function() M.timeliness(A, {days = 90}) end)
bench("timeliness accounts 30 days by segment", runs, function()
  M.timeliness(A, {days = 30, by = "segment"}) end)
bench("timeliness deals 3650 days", runs, function() M.timeliness(D, {days = 3650}) end)
bench("similarity x 100k", runs, function()
  local s = M.similarity
  for _ = 1, 100000 do s("acme corporation", "acme corp") end end)
bench("country x 100k", runs, function()
  local c = M.country
  for _ = 1, 100000 do c("United States of America") end end)
