-- the figures the report's pipeline section shows, from a playbook
local p = {Prospecting = 0.1, Discovery = 0.2, Demo = 0.4, Proposal = 0.6, Negotiation = 0.8}
local t = revl.metrics.weighted_pipeline(revl.deals, {probabilities = p})
print(("pipeline-total\">%s<"):format(tostring(t[1].pipeline)))
print(("weighted-total\">%s<"):format(tostring(t[1].weighted)))
local w = revl.metrics.win_rate(revl.deals, {period = "quarter", from = "2025-01-01", to = "2025-12-31"})
for _, r in ipairs(w) do print(("%s %.1f%%"):format(r.period, 100 * r.win_rate)) end
-- lines "html: TEXT": TEXT must be in the report as it is
local f = revl.metrics.funnel(revl.leads, {from = "2025-01-01", to = "2025-12-31"})[1]
print(("html: <td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td>")
  :format(f.leads, f.mql, f.sql, f.opportunities, f.won))
local m = revl.metrics.mrr(revl.subscriptions, {period = "month", from = "2025-01-01", to = "2025-12-31"})
local last = m[#m]
print(("html: <th scope=\"row\">%s</th><td class=\"n\">%s</td>"):format(last.period, tostring(last.mrr)))
local n = revl.metrics.nrr(revl.subscriptions)[1]
print(("html: <td class=\"n\">%.1f%%</td><td class=\"n\">%.1f%%</td>"):format(100 * n.nrr, 100 * n.grr))
-- stage aging and the waterfall from the start of the as-of quarter
local ag = revl.metrics.stage_aging(revl.deals, {days = 30})[1]
print(("html: <b id=\"aging-open\">%d</b> open deals"):format(ag.open_deals))
print(("html: <b id=\"aging-aged\">%d</b> of them"):format(ag.aged))
local _, wt = revl.metrics.waterfall("2025-10-01", revl.deals)
print(("html: <th scope=\"row\">Start</th><td class=\"n\">%s</td>"):format(tostring(wt.start)))
print(("html: <th scope=\"row\">Created</th><td class=\"n\">+%s</td><td class=\"n\">%d</td>")
  :format(tostring(wt.created), #wt.ids.created))
print(("html: <th scope=\"row\">Won</th><td class=\"n\">\u{2212}%s</td><td class=\"n\">%d</td>")
  :format(tostring(wt.won), #wt.ids.won))
print(("html: <th scope=\"row\">End</th><td class=\"n\">%s</td>"):format(tostring(wt["end"])))
-- the ICP matrix: rules/icp.lua's labels counted, as revl run scores them
local counts = require("icp").score():counts("label")
for _, tier in ipairs({"A", "B", "C", "D"}) do
  print(("html: <th scope=\"row\">Tier %s</th><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td>")
    :format(tier, counts[tier .. "1"] or 0, counts[tier .. "2"] or 0, counts[tier .. "3"] or 0))
end
