-- tests/bench/runtime.lua -- the runtime's per-operation costs after load
-- (issue targets: Lua loop reading 3 fields <= 150 ns/row; declarative
-- where + sum <= 15 ms; group_by owner + money sum <= 30 ms; all on 1M
-- deals).  Run by tests/bench/run.sh; prints one line per measurement.
local deals = revl.deals
local n = #deals
local clock = os.clock

local function best(f, reps)
  local b = math.huge
  for _ = 1, reps or 5 do
    local t0 = clock()
    f()
    local dt = clock() - t0
    if dt < b then b = dt end
  end
  return b
end

-- 1. a Lua loop reading three fields per row (values form)
local sink = 0
local t = best(function()
  local k = 0
  for stage, owner, amount in deals:rows("stage", "owner", "amount") do
    if stage == "Negotiation" and owner and amount then k = k + 1 end
  end
  sink = k
end, 3)
print(("lua loop, 3 fields (rows(...))  %8.1f ns/row"):format(t / n * 1e9))

-- 1b. the same through the row proxy
t = best(function()
  local k = 0
  for d in deals:rows() do
    local stage, owner, amount = d.stage, d.owner, d.amount
    if stage == "Negotiation" and owner and amount then k = k + 1 end
  end
  sink = sink + k
end, 3)
print(("lua loop, 3 fields (row proxy)  %8.1f ns/row"):format(t / n * 1e9))

-- 2. declarative where + sum, in C
local total
t = best(function()
  total = deals:where{stage = {not_in = {"Closed Won", "Closed Lost"}}, amount = {gt = 1000}}:sum("amount")
end)
print(("where + sum                     %8.1f ms"):format(t * 1e3))

-- 3. group_by owner + money sum
local g
t = best(function()
  g = deals:group_by("owner", {total = {"sum", "amount"}})
end)
print(("group_by owner + sum            %8.1f ms  (%d groups)"):format(t * 1e3, #g))
print(("check: %s %d"):format(tostring(total), sink))
