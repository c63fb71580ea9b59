-- tests/browser/values.lua -- the figures the report's charts should
-- show, from the same metrics a playbook calls, one line per bar or funnel
-- step as "CHART-KIND TITLE", TITLE written as the chart's <title> writes
-- it.  Owners are rep ids here; test_report.sh swaps in the reps' names.
-- Run with --as-of 2025-12-31 (the report's window is 2025).
local p = {Prospecting = 0.1, Discovery = 0.2, Demo = 0.4, Proposal = 0.6, Negotiation = 0.8}
local function bars(rows, key)
  for _, r in ipairs(rows) do print(("bar %s · Pipeline: %s"):format(r[key], tostring(r.pipeline))) end
  for _, r in ipairs(rows) do print(("bar %s · Weighted: %s"):format(r[key], tostring(r.weighted))) end
end
bars(revl.metrics.weighted_pipeline(revl.deals, {probabilities = p, by = "owner"}), "owner")
bars(revl.metrics.weighted_pipeline(revl.deals, {probabilities = p, period = "quarter", from = "1900-01-01"}), "period")
if revl.leads then
  local f = revl.metrics.funnel(revl.leads, {from = "2025-01-01", to = "2025-12-31"})[1]
  print(("funnel Leads: %d"):format(f.leads))
  print(("funnel MQL: %d"):format(f.mql))
  print(("funnel SQL: %d"):format(f.sql))
  print(("funnel Opportunities: %d"):format(f.opportunities))
  print(("funnel Won: %d"):format(f.won))
end
-- stage aging: the stacked bars are the stage_aging counts at 30, 60 and
-- 90 days, per stage (open deals not aged, then aged 30 not 60, ...)
if revl.stage_history then
  local a = {}
  for k, d in ipairs({30, 60, 90}) do
    a[k] = {}
    for _, r in ipairs(revl.metrics.stage_aging(revl.deals, {days = d, by = "stage"})) do
      a[k][r.stage] = r
    end
  end
  local names = {"0\u{2013}30 days", "31\u{2013}60 days", "61\u{2013}90 days", "Over 90 days"}
  for stage, r in pairs(a[1]) do
    local n = {r.open_deals - r.aged - r.unknown_age, r.aged - a[2][stage].aged,
               a[2][stage].aged - a[3][stage].aged, a[3][stage].aged}
    for k = 1, 4 do print(("stacked %s · %s: %d"):format(stage, names[k], n[k])) end
  end
  -- the waterfall from the first day of the as-of quarter
  local _, t = revl.metrics.waterfall("2025-10-01", revl.deals)
  local function signed(sign, v)
    if v == revl.money(0) then return tostring(v) end
    return (sign > 0 and "+" or "-") .. tostring(v)
  end
  print(("waterfall Start: %s"):format(tostring(t.start)))
  print(("waterfall Created: %s"):format(signed(1, t.created)))
  print(("waterfall Pulled in: %s"):format(signed(1, t.pulled_in)))
  print(("waterfall Increased: %s"):format(signed(1, t.increased)))
  print(("waterfall Decreased: %s"):format(signed(-1, t.decreased)))
  print(("waterfall Pushed out: %s"):format(signed(-1, t.pushed)))
  print(("waterfall Lost: %s"):format(signed(-1, t.lost)))
  print(("waterfall Won: %s"):format(signed(-1, t.won)))
  print(("waterfall End: %s"):format(tostring(t["end"])))
end
-- the ICP matrix: rules/icp.lua's labels as revl run scores them
if revl.accounts and revl.activities then
  local c = require("icp").score():counts("label")
  for _, tier in ipairs({"A", "B", "C", "D"}) do
    for band = 1, 3 do
      print(("heatmap Engagement %d · Tier %s: %d"):format(band, tier, c[tier .. band] or 0))
    end
  end
end
