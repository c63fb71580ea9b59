-- tests/bench/rules.lua -- the rules engine's costs after load (targets:
-- ICP with 10 declarative criteria over 200k accounts <= 30 ms; one Lua
-- criterion added <= 150 ns per row extra).  Data: `revl gen --deals
-- 1000000 --accounts 200000`; only accounts.csv and activities.csv are
-- needed:
--   mkdir -p /tmp/rb && for f in accounts activities; do
--     ln -sf "$PWD/tests/bench/data/s1/$f.csv" /tmp/rb/; done
--   build/revl run tests/bench/rules.lua --data /tmp/rb --as-of 2026-01-01
-- Prints one line per measurement (best of 5, os.clock).
local accounts = revl.accounts
local n = #accounts
local clock = os.clock

local function best(f, reps)
  local b, r = math.huge, nil
  for _ = 1, reps or 5 do
    local t0 = clock()
    r = f()
    local dt = clock() - t0
    if dt < b then b = dt end
  end
  return b, r
end

local ten = {
  {"industry", "in", {"Software", "Fintech"}, points = 20},
  {"industry", "in", {"Healthcare", "Manufacturing", "Retail"}, points = 5},
  {"employees", "between", {200, 5000}, points = 15},
  {"employees", ">", 5000, points = 10},
  {"country", "in", {"US", "CA", "GB", "DE"}, points = 10},
  {"segment", "=", "Enterprise", points = 10},
  {"segment", "=", "Mid-Market", points = 5},
  {"annual_revenue", ">=", 10000000, points = 10},
  {"domain", "exists", points = 5},
  {"created_at", "within_days", 365, points = 5},
}

local function model(extra, engagement)
  local rules = {}
  for i, r in ipairs(ten) do rules[i] = r end
  if extra then rules[#rules + 1] = extra end
  return revl.icp{
    groups = {fit = {cap = 100, rules = rules}},
    engagement = engagement,
  }
end

print(("accounts: %d, activities: %d"):format(n, revl.activities and #revl.activities or 0))
local m10 = model()
local t10, f = best(function() return m10:score(accounts) end)
print(("icp, 10 declarative criteria        %8.1f ms  (%.1f ns/row)"):format(t10 * 1e3, t10 / n * 1e9))
assert(#f == n)

-- one Lua criterion reading one field
local mfn = model({function(a) local e = a.employees; return e ~= nil and e > 1000 end,
                   points = 5, name = "big (Lua)"})
local tfn = best(function() return mfn:score(accounts) end)
print(("icp, + 1 Lua criterion              %8.1f ms  (%.1f ns/row extra)"):format(
  tfn * 1e3, (tfn - t10) / n * 1e9))

if revl.activities then
  local meng = model(nil, {points = {meeting = 10, call = 5, email = 2, web = 1, form = 3},
                           window = 90, decay = {half_life = 30}})
  local te = best(function() return meng:score(accounts) end)
  print(("icp, 10 criteria + engagement       %8.1f ms"):format(te * 1e3))
end

local some = accounts:where{industry = "Software"}
local ts = best(function() return m10:score(some) end)
print(("icp over a view of %d accounts   %8.1f ms"):format(#some, ts * 1e3))

local tr = best(function() local k = 0; for i = 1, 1000 do k = k + #f[i].reasons end; return k end)
print(("reasons for 1000 rows               %8.1f ms"):format(tr * 1e3))
