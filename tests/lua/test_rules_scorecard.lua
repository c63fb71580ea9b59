-- revl: --data tests/lua/rules_data --as-of 2025-06-30
-- Scorecards: weighted completeness, missing fields, the shipped
-- MEDDPICC and handoff scorecards.  Expectations by hand from
-- tests/lua/rules_data (as-of 2025-06-30).
local t = revl.testing("rules: scorecards")

local function by_id(f)
  local out = {}
  for i = 1, #f do out[f[i].id] = f[i] end
  return out
end

-- MEDDPICC: weights M 1, E 2, DC 1, DP 1, P 1, I 2, C 2, C 1 = 11
local meddpicc = require("meddpicc")
local sc = meddpicc.scorecard()
t:eq(table.concat(sc.rules, ","), "Metrics,Economic buyer,Decision criteria,Decision process,"
       .. "Paper process,Identify pain,Champion,Competition", "elements in order")
local m = by_id(sc:score())
t:eq(m.D1.completeness, 100, "D1 has every element")
t:eq(m.D1.complete, true, "D1 qualified")
t:eq(m.D1.missing, "", "nothing missing")
t:eq(m.D1.reasons, "", "no reasons when complete")
-- D2: Metrics (1) and Economic buyer (2): 3 / 11 = 27.27
t:eq(m.D2.completeness, 27.3, "D2: 3 of 11")
t:eq(m.D2.complete, false, "D2 not qualified")
t:eq(m.D2.missing, "Decision criteria; Decision process; Paper process; Identify pain; Champion; Competition",
     "D2 missing")
t:eq(m.D2.reasons, "missing Decision criteria; missing Decision process; missing Paper process; "
       .. "missing Identify pain (weight 2); missing Champion (weight 2); missing Competition", "D2 reasons")
-- D3: Decision criteria (1) and Identify pain (2); a blank champion is empty
t:eq(m.D3.completeness, 27.3, "D3: 3 of 11")
t:eq(m.D4.completeness, 0, "D4: nothing")
local open = meddpicc.score()
t:eq(#open, 3, "open deals only: D1, D2, D4")
local ex = open:explain("D2")
t:eq(#ex, 8, "explain lists every element")
t:eq(ex[1].kind, "present", "Metrics present")
t:eq(ex[3].kind, "missing", "Decision criteria missing")
t:eq(ex[6].weight, 2, "Identify pain weight")

-- handoffs
local handoff = require("handoff")
-- SDR -> AE: weights 2+2+2+2+1+1+1+1+2 = 14; Pain is not in the leads export
local a = by_id(handoff.sdr_to_ae():score())
t:eq(a.L1.completeness, 85.7, "L1: 12 of 14")
t:eq(a.L1.complete, false, "85.7 is above pass 80, but the required Pain is in no lead: not ready")
t:eq(a.L1.reasons, "missing Pain (weight 2) [required, not in this export]", "absent field reason")
-- L2: email 2, company 2, country 1, source 1, mql 1 = 7 of 14
t:eq(a.L2.completeness, 50, "L2: 7 of 14")
t:eq(a.L2.missing, "SDR owner; SQL date; Company domain; Pain", "L2 missing")
t:eq(#handoff.score_sdr_to_ae(), 2, "SQL leads: L1 and L3")
-- AE -> CS: weights 2+1+1+1+1+1+1+2+1+2 = 13
local b = by_id(handoff.ae_to_cs():score())
t:eq(b.D1.completeness, 100, "D1 has everything, its account a subscription")
-- D3: amount 2, close 1, owner 1, industry 1, size 1, country 1, criteria 1 = 8
t:eq(b.D3.completeness, 61.5, "D3: 8 of 13")
t:eq(b.D3.missing, "Account domain; Champion; Subscription started", "D3 missing")
t:eq(b.D4.missing:sub(1, 17), "Amount; Close dat", "D4 missing amount and close date")
t:eq(#handoff.score_ae_to_cs(), 2, "wins in 180 days: D3 and D5")

-- a scorecard of your own
local card = revl.scorecard{
  name = "mine", table = "accounts", pass = 50,
  fields = {
    "domain",                                                  -- label = field
    {"Size", field = "employees", weight = 3},
    {"Big", criterion = {"employees", ">=", 1000}},
    {"Owned", fn = function(r) return r.owner ~= nil end, weight = 0},
  },
}
local c = by_id(card:score())
-- weights 1 + 3 + 1 + 0 = 5
t:eq(c.A1.completeness, 80, "A1: domain 1 + size 3")
t:eq(c.A2.completeness, 100, "A2: everything")
t:eq(c.A3.completeness, 60, "A3: size only")
t:eq(c.A3.complete, false, "60 is above pass 50, but the required domain is missing")
t:eq(c.A4.completeness, 20, "A4: domain only")
t:eq(c.A4.missing, "Size; Big", "A4 missing")
t:eq(c.A3.missing, "domain; Big; Owned", "a weight-0 field still shows when missing")
t:eq(table.concat(card:score().columns, ","), "id,completeness,complete,missing,reasons", "columns")

-- required and optional fields: a required field missing blocks the
-- record whatever its completeness; an optional one costs its weight
local opt = by_id(revl.scorecard{
  name = "opt", table = "accounts", pass = 50,
  fields = {
    {"domain", optional = true},
    {"Size", field = "employees", weight = 3},
    {"Big", criterion = {"employees", ">=", 1000}, optional = true},
    {"Owned", fn = function(r) return r.owner ~= nil end, weight = 0, optional = true},
  },
}:score())
t:eq(opt.A3.completeness, 60, "same completeness")
t:eq(opt.A3.complete, true, "A3 lacks only optional fields: ready at 60")
t:eq(opt.A4.complete, false, "A4 lacks the required Size")
t:ok(opt.A4.reasons:find("missing Size (weight 3) [required]", 1, true), "the reason says required")
-- a required field the whole table lacks: a loud warning and nobody ready
-- (with allow_absent; without it the definition is an error)
local absent = revl.scorecard{
  name = "absent", table = "accounts", pass = 50, allow_absent = true,
  fields = {{"Size", field = "employees", weight = 9}, {"Pain", field = {"pain", "pain_points"}}},
}:score()
local ready = 0
for i = 1, #absent do if absent[i].complete then ready = ready + 1 end end
t:ok(#absent > 0 and absent[1].completeness >= 50 or #absent == 0, "completeness alone would pass")
t:eq(ready, 0, "Pain is in no record: none ready")
t:ok(absent[1].reasons:find("missing Pain [required, not in this export]", 1, true),
     "the reason says why")
local optabs = revl.scorecard{
  name = "optabs", table = "accounts", pass = 50, allow_absent = true,
  fields = {{"Size", field = "employees", weight = 9}, {"Pain", field = "pain", optional = true}},
}:score()
t:ok(optabs[1].complete ~= nil, "an optional absent field is allowed")

-- definition errors
t:err(function() revl.scorecard{table = "deals", fields = {"champion", "nope"}} end,
      "field 'nope': deals has no column 'nope'", "unknown field without allow_absent")
t:err(function() revl.scorecard{table = "deals", fields = {{"X", field = "amount", weight = -2}}} end,
      "negative weight", "negative weight")
t:err(function() revl.scorecard{table = "deals", fields = {}} end, "needs fields", "empty")
t:err(function() revl.scorecard{table = "deals", fields = {{"X", field = "amount", weight = 0}}} end,
      "weights add up to 0", "zero weights")
t:err(function() revl.scorecard{table = "deals", fields = {"amount", "amount"}} end, "appears twice", "duplicate")
t:err(function() revl.scorecard{table = "deals", fields = {{"X", criterion = {"amount", ">", "lots"}}}} end,
      "field 'X': criterion on 'amount': expected an amount", "wrong value type")

return t:done()
