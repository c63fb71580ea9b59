-- revl: --data tests/lua/rules_data --as-of 2025-06-30
-- Triggers: sustained seat utilisation, usage growth between windows,
-- renewals, health turning red, criteria and functions; events carry
-- type, account, owner, payload and reasons.  Expectations by hand from
-- tests/lua/rules_data (as-of 2025-06-30).
local t = revl.testing("rules: triggers")

local function ids(f, key)
  local out = {}
  for i = 1, #f do out[i] = f[i][key or "account"] end
  return table.concat(out, ",")
end

-- A1's active_seats / 12 seats: 05-26 0.5, 06-02 0.917, 06-09 0.833,
-- 06-16 0.917, 06-23 1.0: the run at >= 0.8 started 2025-06-02, 28 days
-- before as-of.  A2's latest is 50 / 100.
local util = revl.trigger{type = "expansion.seats", when = {{utilisation = 0.8, days = 14}},
                          payload = {"segment"}}
local ev = util:fire()
t:eq(ids(ev), "A1", "A1 sustained >= 80%")
t:eq(table.concat(ev.columns, ","),
     "type,account,owner,seats,segment,since,sustained_days,utilisation,reasons", "event columns")
local e = ev[1]
t:eq(e.type, "expansion.seats", "type")
t:eq(e.owner, "R1", "owner from the account")
t:eq(e.segment, "Mid-Market", "payload field")
t:eq(tostring(e.since), "2025-06-02", "streak start")
t:eq(e.sustained_days, 28, "sustained days")
t:eq(e.utilisation, 1, "latest utilisation 12 / 12")
t:eq(e.seats, 12, "seats")
t:eq(e.reasons, "active_seats / seats >= 0.8 since 2025-06-02 (28 days, at least 14) "
       .. "[latest 1 on 2025-06-23, lowest 0.8333]", "reason")
t:eq(ids(revl.trigger{type = "x", when = {utilisation = 0.8, days = 28}}:fire()), "A1",
     "28 days: the run started exactly 28 days before")
t:eq(ids(revl.trigger{type = "x", when = {utilisation = 0.8, days = 29}}:fire()), "",
     "29 days: not long enough")
t:eq(ids(revl.trigger{type = "x", when = {utilisation = 0.84, days = 7}}:fire()), "",
     "0.8333 on 06-09 breaks a 0.84 run: it starts 06-16, 14 days, and the latest is in the window")
t:eq(ids(revl.trigger{type = "x", when = {utilisation = 0.5, days = 14}}:fire()), "A1,A2",
     "A2 at 0.9 then 0.5 from 06-16")

-- api_calls averaged over (06-02, 06-30] vs (05-05, 06-02]:
-- A1 120 vs 100 = +20%; A2 50 vs 100 = -50%
local grow = revl.trigger{type = "expansion.usage",
                          when = {usage_growth = 0.2, metric = "api_calls", days = 28}}
local g = grow:fire()
t:eq(ids(g), "A1", "A1 grew 20%")
t:eq(g[1].growth, 0.2, "growth")
t:eq(g[1].current, 120, "current window")
t:eq(g[1].previous, 100, "previous window")
t:eq(g[1].reasons, "api_calls avg 28d 120 vs 100 before: +20% (at least 20%)", "growth reason")
t:eq(ids(revl.trigger{type = "x", when = {usage_growth = 0.21, metric = "api_calls"}}:fire()), "",
     "21% is more than A1 grew")
t:eq(ids(revl.trigger{type = "x", when = {usage_growth = -0.5, metric = "api_calls"}}:fire()), "A1,A2",
     "a negative threshold lets declines through")
t:eq(ids(revl.trigger{type = "x", when = {usage_growth = 0.5, metric = "api_calls", agg = "sum"}}:fire()), "",
     "sum: 240 vs 200")

-- renewals: A1 started 2024-08-01 -> renews 2025-08-01 (32 days);
-- A2 started 2023-09-15 -> 2025-09-15 (77 days); A5 churned
local ren = revl.trigger{type = "renewal", when = {renewal_within = 90}}
local r = ren:fire()
t:eq(ids(r), "A1,A2", "renewals within 90 days")
t:eq(tostring(r[1].renewal_date), "2025-08-01", "A1 renewal date")
t:eq(r[1].days_to_renewal, 32, "A1 days to renewal")
t:eq(tostring(r[1].mrr), "1,200.00 USD", "A1 mrr")
t:eq(r[2].days_to_renewal, 77, "A2 days to renewal")
t:eq(r[2].owner, "R2", "A2 owner")
t:eq(ids(revl.trigger{type = "x", when = {renewal_within = 32}}:fire()), "A1", "32 days is within 32")
t:eq(ids(revl.trigger{type = "x", when = {renewal_within = 31}}:fire()), "", "not within 31")
t:eq(ids(revl.trigger{type = "x", when = {renewal_within = 90, term = 24}}:fire()), "A2",
     "two-year terms: A1 renews 2026-08-01, A2 still 2023-09-15 + 24 months = 2025-09-15")
-- a renewal date field (deals: close_date)
local cl = revl.trigger{type = "closing", table = "deals", when = {renewal_within = 30, field = "close_date"}}
local cf = cl:fire()
t:eq(ids(cf, "record"), "D1", "D1 closes 2025-07-15, 15 days")
t:eq(cf[1].days_to_renewal, 15, "days from the field")
t:eq(cf[1].owner, "R1", "owner of the deal")

-- health turned red
local h = revl.health{components = {
  {name = "enterprise", criterion = {"segment", "=", "Enterprise"}},
  {name = "size", field = "employees", linear = {0, 1000}},
}}
local now = h:score()                   -- A1 12.5, A2 100, A3 2, A4 0, A5 100, A6 4
local before = revl.health{components = {{name = "all", fn = function(a)
  return a.id == "A3" and 10 or 90
end}}}:score()                          -- A3 red, the rest green
local red = revl.trigger{type = "churn_risk", when = {health = now}}
t:eq(ids(red:fire()), "A1,A3,A4,A6", "red now")
local turned = revl.trigger{type = "churn_risk", when = {health = now, previous = before}}
local tf = turned:fire()
t:eq(ids(tf), "A1,A4,A6", "turned red (A3 was red already)")
t:eq(tf[1].health_score, 12.5, "health score in the payload")
t:eq(tf[1].previous_band, "green", "previous band in the payload")
t:eq(tf[1].reasons, "health 12.5 is red (was green)", "reason")
t:eq(tf[3].owner, "R2", "A6 has no owner: the owner of its latest deal")
t:eq(ids(revl.trigger{type = "x", when = {health = now.frame and now:frame() or now}}:fire()), "A1,A3,A4,A6",
     "a plain health frame works too")

-- criteria and functions, all conditions must hold
local combo = revl.trigger{type = "x", when = {
  {utilisation = 0.5, days = 14},
  {criteria = {"segment", "=", "Enterprise"}},
}}
local cfi = combo:fire()
t:eq(ids(cfi), "A2", "utilisation and Enterprise")
t:eq(cfi[1].reasons:match("; (.*)$"), "segment = Enterprise [Enterprise]", "criteria reason")
local fn = revl.trigger{type = "x", when = function(a)
  if a.country == "US" then return true, "home market" end
end}
local ff = fn:fire()
t:eq(ids(ff), "A1,A4", "function condition")
t:eq(ff[2].owner, "R1", "A4 owner")
t:eq(ff[1].reasons, "home market", "function reason")
t:eq(#ff[1]._reasons, 1, "structured reasons")
local crit = revl.criterion{"country", "=", "DE"}
t:eq(ids(revl.trigger{type = "x", when = crit}:fire()), "A3", "a criterion object as the condition")
t:eq(revl.trigger{type = "x", when = crit}:fire()[1].owner, "R1", "A3: its latest deal D4 is R1's")

-- several triggers into one events frame
local all = revl.fire({util, grow, ren})
t:eq(#all, 4, "1 + 1 + 2 events")
t:eq(all[4].type, "renewal", "in trigger order")
t:eq(all.columns[1], "type", "columns start with type")
t:eq(all.columns[#all.columns], "reasons", "and end with reasons")

-- a view limits the accounts
t:eq(ids(ren:fire(revl.accounts:where{country = "GB"})), "A2", "fire on a view")

-- definition errors
t:err(function() revl.trigger{when = {renewal_within = 90}} end, "needs type", "type required")
t:err(function() revl.trigger{type = "x", when = {usage_growth = 0.2, metric = "api_call"}} end,
      "no metric 'api_call' %(metrics: active_seats, api_calls%)", "unknown metric")
t:err(function() revl.trigger{type = "x", when = {renewal_within = 30, field = "name"}} end,
      "name is string, not a date", "not a date")
t:err(function() revl.trigger{type = "x", when = {{utilisation = 0.8, dayz = 3}}} end,
      "unknown option 'dayz'", "typo")
t:err(function() revl.trigger{type = "x", when = {{criteria = {"segmnt", "=", "SMB"}}}} end,
      "no column 'segmnt'", "bad criteria")
t:err(function() revl.trigger{type = "x", when = {{bogus = 1}}} end, "expected utilisation", "unknown condition")
t:err(function() revl.trigger{type = "x", when = {renewal_within = 9, {utilisation = 0.8}}} end,
      "one condition or a list", "a condition next to a list")
t:err(function() revl.trigger{type = "x", when = {renewal_within = 9}, payload = {"nope"}} end,
      "payload: accounts has no column 'nope'", "bad payload")

-- errors in functions name the record
t:err(function()
  revl.trigger{type = "x", when = function(a) if a.id == "A2" then error("bad") end end}:fire()
end, "accounts%[A2%]: .*bad", "record named")

return t:done()
