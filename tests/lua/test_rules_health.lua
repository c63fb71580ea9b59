-- revl: --data tests/lua/rules_data --as-of 2025-06-30
-- Health scores: weighted components, metric bands, the red/yellow/green
-- boundaries and missing data.  Expectations by hand from
-- tests/lua/rules_data (as-of 2025-06-30).
local t = revl.testing("rules: health")

local h = revl.health{
  name = "test-health",
  components = {
    -- active_seats in (2025-06-02, 2025-06-30] / seats in force on as-of
    {name = "utilisation", weight = 2, utilisation = "active_seats", days = 28,
     bands = {{0.8, 100}, {0.5, 50}}},
    {name = "enterprise", weight = 1, criterion = {"segment", "=", "Enterprise"}},
    {name = "size", weight = 1, field = "employees", linear = {0, 1000}},
    {name = "nps", weight = 1, values = {A1 = 80, A2 = 20}},
  },
}
local f = h:score()
t:eq(table.concat(f.columns, ","), "id,score,band,utilisation,enterprise,size,nps,reasons", "columns")
local by = {}
for i = 1, #f do by[f[i].id] = f[i] end

-- A1: utilisation avg(10, 11, 12) / 12 = 0.9167 -> 100; not enterprise 0;
-- 250 employees -> 25; nps 80: (2*100 + 0 + 25 + 80) / 5 = 61
t:eq(by.A1.utilisation, 100, "A1 utilisation band")
t:eq(by.A1.size, 25, "A1 size linear")
t:eq(by.A1.score, 61, "A1 weighted mean")
t:eq(by.A1.band, "yellow", "A1 band")
-- A2: avg(90, 50) / 100 = 0.7 -> 50; enterprise 100; 5200 -> 100 (clamped);
-- nps 20: (100 + 100 + 100 + 20) / 5 = 64
t:eq(by.A2.utilisation, 50, "A2: 0.7 falls in the 0.5 band")
t:eq(by.A2.size, 100, "A2 size clamped")
t:eq(by.A2.score, 64, "A2 score")
-- A3: no usage, no nps: skipped; (0 + 4) / 2 = 2
t:eq(by.A3.utilisation, nil, "no usage: no value")
t:eq(by.A3.score, 2, "A3: missing components are skipped")
t:eq(by.A3.band, "red", "A3 band")
-- A4: only enterprise (0) has data
t:eq(by.A4.score, 0, "A4 score")
-- A5: churned (no usage); enterprise 100; size 100
t:eq(by.A5.score, 100, "A5 score")
t:eq(by.A5.band, "green", "A5 band")
t:eq(by.A6.score, 4, "A6: (0 + 8) / 2")

t:eq(by.A1.reasons,
     "utilisation 100 (weight 2) [active_seats / seats 28d = 0.9167]; enterprise 0 (weight 1) "
       .. "[no criterion met]; size 25 (weight 1) [employees = 250]; nps 80 (weight 1) [80]",
     "A1 reasons")
t:eq(by.A3.reasons:sub(1, 76), "utilisation skipped (no data) (weight 2) [active_seats / seats 28d = (none)]",
     "skipped component in the reasons")
t:eq(by.A2.reasons:match("enterprise [^;]*"), "enterprise 100 (weight 1) [segment = Enterprise (Enterprise) +100]",
     "criterion component reasons")

local ex = f:explain("A2")
t:eq(ex[1].criterion, "utilisation", "explain: component")
t:eq(ex[1].score, 50, "explain: component score")
t:eq(ex[1].weight, 2, "explain: weight")
t:eq(ex[2].kind, "component", "explain: enterprise component")
t:eq(ex[3].kind, "rule", "explain: the component's criterion")
t:eq(ex[3].met, true, "explain: criterion met")

-- missing = a score to use instead of skipping
local hm = revl.health{components = {
  {name = "enterprise", criterion = {"segment", "=", "Enterprise"}},
  {name = "size", field = "employees", linear = {0, 1000}},
  {name = "nps", values = {A1 = 80}, missing = 0},
}}
-- A3: (0 + 4 + 0) / 3 = 1.333 -> 1.3
t:eq(hm:score():get("A3").score, 1.3, "missing counts as 0, rounded to 1 decimal")

-- values from another frame: here an ICP score as a component
local icp = revl.icp{rules = {{"industry", "=", "Software", points = 80}}}
local hv = revl.health{components = {{name = "icp", values = icp:score(), key = "id", value = "fit"}}}
t:eq(hv:score():get("A1").icp, 80, "values from a rule frame")
t:eq(hv:score():get("A2").icp, 0, "A2 fit 0")
local plain = revl.frame({{account = "A2", nps = 35}}, {"account", "nps"})
local hp = revl.health{components = {{name = "nps", values = plain, key = "account", value = "nps"}}}
t:eq(hp:score():get("A2").nps, 35, "values from a plain frame")
t:eq(hp:score():get("A1").score, nil, "no value: no score")
t:err(function() revl.health{components = {{name = "nps", values = plain, key = "account"}}} end,
      "need value = ", "a frame needs value =")

-- usage aggregates over (2025-06-02, 2025-06-30]
local function usage_score(agg, lo_hi)
  return revl.health{components = {{name = "api", usage = "api_calls", agg = agg, days = 28,
                                    linear = lo_hi}}}:score():get("A1").api
end
t:eq(usage_score("sum", {0, 480}), 50, "sum 100 + 140 = 240 of 480")
t:eq(usage_score("avg", {0, 240}), 50, "avg 120 of 240")
t:eq(usage_score("max", {0, 280}), 50, "max 140 of 280")
t:eq(usage_score("last", {0, 280}), 50, "last is 2025-06-23: 140")
t:eq(usage_score("count", {0, 4}), 50, "count 2 of 4")
t:eq(usage_score("min", {200, 0}), 50, "min 100; lower is better from 200 to 0")

-- criteria with points, capped at 100
local hc = revl.health{components = {{name = "fit", criteria = {
  {"industry", "=", "Software", points = 70}, {"country", "=", "US", points = 50}}}}}
t:eq(hc:score():get("A1").fit, 100, "70 + 50 capped at 100")
t:eq(hc:score():get("A2").fit, 0, "none met")

-- functions: a number 0..100 (or a raw metric with bands), and a reason
local hf = revl.health{components = {{name = "custom", fn = function(a)
  if a.employees then return a.employees / 10, "employees / 10" end
end, bands = {{50, 90}, {10, 40}}}}}
local ff = hf:score()
t:eq(ff:get("A1").custom, 40, "25 falls in the 10 band")
t:eq(ff:get("A5").custom, 90, "100 falls in the 50 band")
t:eq(ff:get("A3").custom, 0, "4 is below every band")
t:eq(ff:get("A4").score, nil, "no component has data: no score")
t:eq(ff:get("A4").band, nil, "and no band")
t:ok(ff:get("A1").reasons:find("[employees / 10]", 1, true), "function reason")

-- band boundaries: compared after rounding to 1 decimal, red <= 50 < yellow <= 75 < green
local function band(v)
  return revl.health{components = {{name = "x", fn = function() return v end}}}:score()[1].band
end
t:eq(band(0), "red", "0 red")
t:eq(band(50), "red", "50 red")
t:eq(band(50.04), "red", "50.04 -> 50.0 red")
t:eq(band(50.05), "yellow", "50.05 -> 50.1 yellow")
t:eq(band(50.5), "yellow", "50.5 yellow")
t:eq(band(51), "yellow", "51 yellow")
t:eq(band(75), "yellow", "75 yellow")
t:eq(band(75.04), "yellow", "75.04 -> 75.0 yellow")
t:eq(band(75.05), "green", "75.05 -> 75.1 green")
t:eq(band(75.5), "green", "75.5 green")
t:eq(band(100), "green", "100 green")
t:eq(band(120), "green", "values are clamped to 100")
local hb = revl.health{components = {{name = "x", fn = function() return 60 end}},
                       bands = {red = 40, yellow = 60}}
t:eq(hb:score()[1].band, "yellow", "custom bands: 60 is yellow when yellow = 60")

-- definition errors
t:err(function() revl.health{components = {{name = "x", weight = -1, field = "employees"}}} end,
      "negative weight", "negative weight")
t:err(function() revl.health{components = {{name = "x", weight = 0, field = "employees"}}} end,
      "weights add up to 0", "zero weights")
t:err(function() revl.health{components = {}} end, "needs components", "no components")
t:err(function() revl.health{components = {{name = "x", field = "employes"}}} end,
      "accounts has no column 'employes'", "unknown field")
t:err(function() revl.health{components = {{name = "x", field = "industry"}}} end,
      "is string, not a number", "text field")
t:err(function() revl.health{components = {{name = "x", field = "employees", criterion = {}}}} end,
      "two sources", "two sources")
t:err(function() revl.health{components = {{name = "score", field = "employees"}}} end,
      "taken by a column", "reserved name")
t:err(function() revl.health{components = {{name = "x", field = "employees", bands = {{1, 50}, {2, 90}}}}} end,
      "descending order", "bands out of order")
t:err(function() revl.health{components = {{name = "x", field = "employees"}}, bands = {red = 80, yellow = 70}} end,
      "red < yellow", "bands")
t:err(function() revl.health{components = {{name = "x", criterion = {"segment", "=", 3}}}} end,
      "component 'x' rule 1: criterion on 'segment': expected a string value", "wrong value type")
t:err(function() revl.health{components = {{name = "x", field = "employees", wieght = 2}}} end,
      "unknown option 'wieght'", "typo in an option")

-- errors in component functions name the record
t:err(function()
  revl.health{components = {{name = "x", fn = function(a) if a.id == "A5" then error("nope") end return 1 end}}}:score()
end, "accounts%[A5%]: .*nope", "record named")

return t:done()
