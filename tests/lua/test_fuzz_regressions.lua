-- Inputs the fuzzers (tests/fuzz/, docs/fuzzing.md) turned up, each one
-- a clear Lua error now instead of undefined behaviour in C.
local t = revl.testing("fuzz regressions")

local function errs(f, want, name)
  local ok, e = pcall(f)
  t:eq(ok, false, name .. ": raises")
  t:eq(type(e) == "string" and e:find(want, 1, true) ~= nil, true, name .. ": says " .. want)
end

-- add_months: a huge month count overflowed the month arithmetic
errs(function() return revl.add_months(revl.as_of, math.maxinteger) end,
     "date out of range", "add_months(maxinteger)")
errs(function() return revl.add_months(revl.as_of, math.mininteger) end,
     "date out of range", "add_months(mininteger)")
errs(function() return revl.add_months(revl.date(1, 1, 15), -1) end,
     "date out of range", "add_months before year 1")
t:eq(tostring(revl.add_months(revl.date("2024-01-31"), 1)), "2024-02-29", "add_months clamps")
t:eq(tostring(revl.add_months(revl.date("2024-03-31"), -13)), "2023-02-28", "add_months back")
-- date +/- days wrapped the int32 day count
errs(function() return revl.as_of + math.maxinteger end, "date out of range", "date + maxinteger")
errs(function() return revl.as_of - math.mininteger end, "date out of range", "date - mininteger")
errs(function() return revl.date("9999-12-31") + 1 end, "date out of range", "past 9999")
t:eq(tostring(revl.as_of + 1), "2025-07-01", "date + 1")
-- datetime +/- NaN, infinity or huge day counts (llround undefined)
local dt = revl.datetime("2025-01-05T10:00:00Z")
errs(function() return dt + 0/0 end, "date out of range", "datetime + NaN")
errs(function() return dt + 1/0 end, "date out of range", "datetime + inf")
errs(function() return dt - 1e300 end, "date out of range", "datetime - 1e300")
t:eq(tostring(dt + 0.5), "2025-01-05T22:00:00Z", "datetime + half a day")
-- criteria: NaN and out-of-range numbers were converted to int64 (UB)
errs(function() return revl.deals:where{{"probability", ">", 0/0}} end, "NaN", "crit NaN number")
errs(function() return revl.deals:where{{"amount", ">", 0/0}} end, "NaN", "crit NaN amount")
t:eq(#revl.deals:where{{"probability", "<", 1e300}}, #revl.deals:where{{"probability", "exists"}},
     "crit 1e300 saturates: every non-null probability is below it")
t:eq(#revl.deals:where{{"probability", ">", 1/0}}, 0, "crit > inf matches nothing")

-- ICP within_days / older_than_days on a datetime with an extreme day
-- count: (as_of - n) * 86400 overflowed int64 (src/rules/icp.c).  The
-- overflow itself shows only under UBSan: make asan runs this file, and
-- fuzz-smoke runs tests/fuzz/corpus/lua/regress-icp-within-days-df938a95.
for _, n in ipairs{math.mininteger + 20270, math.maxinteger - 5, math.mininteger, math.maxinteger} do
  for _, op in ipairs{"within_days", "older_than_days"} do
    local ok = pcall(function()
      return revl.icp{rules = {{"created_at", op, n, points = 1}}, tiers = {{"A", 1}, {"B"}}}:score()
    end)
    t:ok(ok ~= nil, "icp " .. op .. " " .. tostring(n))
  end
end

-- every revl.icp and revl.sla was kept for revl diagnose, so a loop of
-- definitions (a REPL session, a generated playbook) grew the heap
-- without bound: fuzz_lua slowed from 900 to 200 inputs/s.  Only the
-- last definition per table is kept now.
local function kb()
  collectgarbage()
  collectgarbage()
  return collectgarbage("count")
end
local function define(n)
  for i = 1, n do
    revl.icp{rules = {{"employees", ">", i, points = 1}}, tiers = {{"A", 1}, {"B"}}}
    revl.sla{name = "s" .. i, records = "deals", start = "created_at", stop = "close_date",
             targets = {{kind = "first_touch", hours = 1}}}
  end
end
define(100)
local before = kb()
define(1000)
local grown = kb() - before
t:ok(grown < 200, "1000 more ICP models and SLAs keep the heap flat (grew " ..
     math.floor(grown) .. " KB)")

return t:done()
