-- revl: --data tests/lua/rules_data --as-of 2025-06-30
-- ICP scoring: criteria names, points, caps, tiers, engagement decay,
-- matrix labels and explanations.  Every expectation is computed by hand
-- from tests/lua/rules_data (as-of 2025-06-30).
local t = revl.testing("rules: icp")

local firmographic = {
  cap = 40,
  {"industry", "in", {"Software", "Fintech"}, points = 25},
  {"employees", "between", {100, 2000}, points = 15},
  {"country", "in", {"US", "CA"}, points = 10},
}
local signals = {
  {"domain", "exists", points = 5},
  {"segment", "=", "Enterprise", points = 10},
  {"annual_revenue", ">=", 100000000, points = 20, name = "revenue >= $100M"},
}

local m = revl.icp{
  name = "test-icp",
  groups = {firmographic = firmographic, signals = signals},
  cap = 55,
  tiers = {{"A", 55}, {"B", 40}, {"C", 20}, {"D"}},
}

-- criteria names: derived from the spec, or given
t:eq(m.name, "test-icp", "model name")
t:eq(table.concat(m.rules, " | "),
     "industry in {Software, Fintech} | employees between 100 and 2000 | country in {US, CA}"
       .. " | domain exists | segment = Enterprise | revenue >= $100M",
     "rule names (groups sorted by name)")

local f = m:score(revl.accounts)
t:eq(#f, 6, "one row per account")
t:eq(table.concat(f.columns, ","), "id,fit,tier,label,reasons", "columns without engagement")
local by = {}
for i = 1, #f do by[f[i].id] = f[i] end

-- A1: firmographic 25 + 15 + 10 = 50, capped at 40; signals 5 -> 45
t:eq(by.A1.fit, 45, "A1 fit: group cap")
t:eq(by.A1.tier, "B", "A1 tier")
-- A2: firmographic 25; signals 5 + 10 + 20 = 35; 60 capped at 55
t:eq(by.A2.fit, 55, "A2 fit: total cap")
t:eq(by.A2.tier, "A", "A2 tier: fit = threshold is in the tier")
-- A3: no domain (empty is null), nothing matches
t:eq(by.A3.fit, 0, "A3 fit")
t:eq(by.A3.tier, "D", "A3 falls to the catch-all tier")
-- A4: null employees never satisfy between: 25 + 10 + 5 = 40
t:eq(by.A4.fit, 40, "A4 fit: null is not between")
t:eq(by.A4.tier, "B", "A4 tier at the B boundary")
-- A5: 15 + 10 = 25; 5 + 10 + 20 = 35; 60 -> 55
t:eq(by.A5.fit, 55, "A5 fit")
t:eq(by.A6.fit, 5, "A6 fit")
t:eq(by.A6.tier, "D", "A6 tier")
t:eq(by.A1.label, "B", "label is the tier without engagement")

-- reasons: name, the value seen, points; caps shown
t:eq(by.A1.reasons,
     "industry in {Software, Fintech} [Software] +25; employees between 100 and 2000 [250] +15; "
       .. "country in {US, CA} [US] +10; firmographic capped at 40 [50] -10; domain exists [acme.com] +5",
     "A1 reasons")
t:eq(by.A2.reasons,
     "industry in {Software, Fintech} [Fintech] +25; domain exists [beta.io] +5; "
       .. "segment = Enterprise [Enterprise] +10; revenue >= $100M [900,000,000.00 USD] +20; "
       .. "total capped at 55 [60] -5",
     "A2 reasons: total cap")
t:eq(by.A3.reasons, "", "no reasons when nothing scored")

-- structured explanation: every rule, met or not
local ex, row = m:explain("A4")
t:eq(row.fit, 40, "explain returns the decision row too")
t:eq(#ex, 6, "one entry per rule")
t:eq(ex[2].criterion, "employees between 100 and 2000", "entry criterion")
t:eq(ex[2].value, "(none)", "null value seen")
t:eq(ex[2].met, false, "not met")
t:eq(ex[2].points, 0, "no points")
t:eq(ex[1].group, "firmographic", "entry group")
t:eq(ex[1].value, "Software", "value seen")
t:eq(ex[1].points, 25, "points")
t:eq(f:explain("A1")[4].kind, "cap", "frame explain lists the cap")
t:eq(f:explain(1)[4].points, -10, "cap entry takes the points off")
t:eq(m:explain(revl.accounts:get("A2"))[1].met, true, "explain by row")

-- a view: only its rows, in its order
local sw = revl.accounts:where{industry = "Software"}:sort_by("id", "desc")
local fs = m:score(sw)
t:eq(#fs, 2, "view rows")
t:eq(fs[1].id, "A4", "view order kept")
t:eq(fs[2].fit, 45, "same score on a view")
t:eq(m:score()[1].id, "A1", "score() defaults to the whole table")

-- frame behaviour
t:eq(f:get("A5").tier, "A", "get by id")
t:eq(f:counts("tier").B, 2, "counts")
t:eq(f:column("fit")[6], 5, "column")
t:eq(f:frame():sort_by("fit", true)[1].fit, 55, "materialised frame sorts")
t:eq(#f:where(function(r) return r.tier == "A" end), 2, "where on a rule frame")
t:eq(f:view():count(), 6, "view of the scored records")
t:ok(f:to_csv("icp.csv"):match("icp%.csv$"), "to_csv")
t:ok(revl.write_csv("icp2.csv", f):match("icp2%.csv$"), "revl.write_csv takes rule frames")

-- lua functions: numbers are points, true gives `points`, a second value is shown
local mf = revl.icp{
  rules = {
    {function(a) return a.employees and a.employees >= 1000 end, points = 7, name = "big"},
    {function(a) if a.country == "US" then return 3, "home market" end return 0 end},
    {all = {{"segment", "=", "SMB"}, function(a) return a.domain == nil end}, points = 2},
  },
  tiers = {{"hot", 7}, {"cold"}},
}
local ff = mf:score()
t:eq(ff:get("A2").fit, 7, "true from a function gives the rule's points")
t:eq(ff:get("A1").fit, 3, "a number from a function is the points")
t:ok(ff:get("A1").reasons:match("^function tests/lua/test_rules_icp%.lua:%d+ %[home market%] %+3$"),
     "the second value is the value seen")
t:eq(ff:get("A3").fit, 2, "function inside all")
t:ok(ff:get("A3").reasons:match("^segment = SMB and function tests/lua/test_rules_icp%.lua:%d+ %[segment=SMB%] %+2$"),
     "combined name")
t:eq(ff:get("A2").tier, "hot", "custom tier labels")

-- engagement: half-life decay in a 90-day window
local eng = {points = {meeting = 10, call = 5, email = 2}, window = 90, decay = {half_life = 30},
             bands = {{"1", 20}, {"2", 5}, {"3"}}}
local me = revl.icp{groups = {firmographic = firmographic, signals = signals}, cap = 55,
                    tiers = {{"A", 55}, {"B", 40}, {"C", 20}, {"D"}}, engagement = eng,
                    matrix = {A1 = "call today", B2 = "nurture"}}
local fe = me:score()
t:eq(table.concat(fe.columns, ","), "id,fit,engagement,tier,label,action,reasons", "columns with engagement")
-- A1: meeting age 0: 10; call age 30: 5 * 0.5 = 2.5; emails age 60 and 61:
-- 2 * 2^-2 + 2 * 2^(-61/30) = 0.5 + 0.4886; age 90 and the future are out
t:eq(fe:get("A1").engagement, 13.49, "A1 half-life engagement")
-- A2: call age 15: 5 * 2^-0.5 = 3.5355; email age 89: 2 * 2^(-89/30) = 0.2558
t:eq(fe:get("A2").engagement, 3.79, "A2 half-life, age 89 still in the window")
-- A5: meetings ages 0..3: 10 * (1 + 2^(-1/30) + 2^(-2/30) + 2^(-3/30))
t:eq(fe:get("A5").engagement, 38.65, "A5 engagement")
t:eq(fe:get("A3").engagement, 0, "no activity")
t:eq(fe:get("A1").label, "B2", "matrix label B2")
t:eq(fe:get("A2").label, "A3", "matrix label A3")
t:eq(fe:get("A5").label, "A1", "matrix label A1")
t:eq(fe:get("A6").label, "D3", "matrix label D3")
t:eq(fe:get("A5").action, "call today", "matrix action")
t:eq(fe:get("A1").action, "nurture", "matrix action B2")
t:eq(fe:get("A2").action, nil, "no action for unmapped labels")
local ee = fe:explain("A1")
local e_call
for _, e in ipairs(ee) do if e.kind == "engagement" and e.criterion == "call" then e_call = e end end
t:eq(e_call.points, 2.5, "engagement entry points")
t:eq(e_call.value, "1 in 90d", "engagement entry count")

local function eng_of(decay, cap)
  local e = {points = eng.points, window = 90, decay = decay, cap = cap, bands = eng.bands}
  return revl.icp{rules = {{"domain", "exists", points = 1}}, engagement = e}:score()
end
-- one step: older than 30 days counts half (age 30 is not older)
local fs1 = eng_of({after = 30, factor = 0.5})
t:eq(fs1:get("A1").engagement, 17, "step: 10 + 5 + 2*0.5 + 2*0.5")
-- steps: after 30 -> 0.5, after 60 -> 0.25
local fs2 = eng_of({{after = 30, factor = 0.5}, {after = 60, factor = 0.25}})
t:eq(fs2:get("A1").engagement, 16.5, "steps: 10 + 5 + 2*0.5 + 2*0.25")
t:eq(fs2:get("A2").engagement, 5.5, "steps: 5 + 2*0.25")
-- every 30 days x 0.5
local fs3 = eng_of({every = 30, factor = 0.5})
t:eq(fs3:get("A1").engagement, 13.5, "every: 10 + 5*0.5 + 2*0.25 + 2*0.25")
-- no decay, capped
local fs4 = eng_of(nil, 30)
t:eq(fs4:get("A1").engagement, 19, "no decay: 10 + 5 + 2 + 2")
t:eq(fs4:get("A5").engagement, 30, "engagement cap")
t:ok(fs4:get("A5").reasons:find("engagement capped at 30 [40] -10", 1, true), "cap in the reasons")

-- a record that is not in the data
t:err(function() m:explain("nope") end, "accounts has no record nope", "explain of an unknown id")
t:err(function() m:score(revl.deals) end, "scores accounts, not deals", "score of another table")

return t:done()
