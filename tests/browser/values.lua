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
