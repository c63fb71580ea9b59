-- revl: --data tests/lua/metrics_funnel --as-of 2025-06-30
-- Funnel conversion, forecast accuracy and SLA compliance.
local t = revl.testing("metrics: funnel and marketing")
local M = revl.metrics
local m = revl.money

-- ---- funnel: leads created in 2025-Q2 --------------------------------------------
local f = {}
for _, r in ipairs(M.funnel(revl.leads, { by = "source" })) do f[r.source or "none"] = r end
local web, ev, none = f.Web, f.Event, f.none
t:eq(web.leads, 3, "Web leads in Q2 (L7 is from March)")
t:eq(web.mql, 2, "L1 L2")
t:eq(web.sql, 1, "L1")
t:eq(web.opportunities, 1, "L1 -> F1")
t:eq(web.won, 1, "F1 won")
t:near(web.conv_lead_mql, 2 / 3, 1e-12, "lead -> MQL")
t:eq(web.conv_mql_sql, 0.5, "MQL -> SQL")
t:eq(web.conv_opp_won, 1.0, "opportunity -> won")
t:near(web.conv_lead_won, 1 / 3, 1e-12, "lead -> won")
t:eq(web.days_lead_mql, 3.5, "median of 2 and 5 days")
t:eq(web.days_mql_sql, 5.0, "L1: Apr 3 -> Apr 8")
t:eq(web.days_sql_opp, 2.0, "L1 SQL Apr 8 -> F1 created Apr 10")
t:eq(web.days_opp_won, 30.0, "F1 Apr 10 -> May 10")
t:eq(ev.mql, 3, "L5 skipped MQL but reached SQL: it passed MQL")
t:eq(ev.opportunities, 2, "L4 L6")
t:eq(ev.won, 0, "nothing won")
t:eq(ev.conv_opp_won, 0.0, "0 of 2")
t:eq(ev.days_opp_won, nil, "no won deal to time")
t:eq(ev.days_opp_won_reason, "no timed transitions", "reason")
t:eq(ev.days_sql_opp, 2.5, "3 and 2 days")
t:eq(none.leads, 1, "a lead without source is its own group")
t:eq(none.conv_mql_sql, nil, "0 MQLs: no ratio")
t:eq(none.conv_mql_sql_reason, "no mql", "reason")
local all = M.funnel(revl.leads, { from = "2025-01-01", to = "2025-06-30" })[1]
t:eq(all.leads, 8, "the first half: every lead")

-- ---- forecast accuracy --------------------------------------------------------------
local fc = {
  { period = "2025-Q1", forecast = m(1200), snapshot = "2025-01-15" },
  { period = "2025-Q2", forecast = m(900), snapshot = "2025-04-15" },
  { period = "2025-Q3", forecast = m(100), snapshot = "2025-06-15" },
}
local act = {
  { period = "2025-Q1", actual = m(1000) },
  { period = "2025-Q2", actual = m(1000) },
  { period = "2025-Q3", actual = m(0) },
}
local a, s = M.forecast_accuracy(fc, act)
t:eq(#a, 3, "one row per forecast")
t:eq(a[1].error, m(200), "F - A")
t:near(a[1].accuracy, 0.8, 1e-12, "1 - |F - A| / A")
t:near(a[1].bias, 0.2, 1e-12, "(F - A) / A")
t:near(a[2].accuracy, 0.9, 1e-12, "Q2 accuracy")
t:near(a[2].bias, -0.1, 1e-12, "Q2 under-forecast")
t:eq(a[3].accuracy, nil, "A = 0: no accuracy")
t:eq(a[3].accuracy_reason, "actual is zero", "reason")
t:eq(a[1].snapshot, "2025-01-15", "other fields are kept")
t:near(s.accuracy, 0.8, 1e-12, "overall: 1 - sum|F - A| / sum A")
t:near(s.bias, 0.1, 1e-12, "overall bias")
t:near(s.mape, 0.15, 1e-12, "mean absolute percentage error")
local a2 = M.forecast_accuracy(fc, { ["2025-Q1"] = 1000 })
t:near(a2[1].accuracy, 0.8, 1e-12, "actuals as a map of numbers")
t:eq(a2[2].accuracy_reason, "no actual for this period", "missing actual")
-- actuals from the deals: won amounts by close quarter
local a3 = M.forecast_accuracy({ { period = "2025-Q2", forecast = m(1100) },
                                 { period = "2025-Q1", forecast = 200 } }, revl.deals,
                               { period = "quarter" })
t:eq(a3[1].period, "2025-Q1", "sorted by period")
t:eq(a3[1].actual, m(250), "F4 won in Q1")
t:near(a3[1].bias, -0.2, 1e-12, "a number forecast against money")
t:eq(a3[2].actual, m(1000), "F1 won in Q2")
t:near(a3[2].accuracy, 0.9, 1e-12, "Q2 from deals")

-- ---- SLA compliance -----------------------------------------------------------------
local ledger = {
  { owner = "R1", breached = false }, { owner = "R1", breached = true },
  { owner = "R2", breached = false }, { owner = "R2", breached = false },
}
local sla = M.sla(ledger)
t:eq(sla[1].owner, "R1", "by owner by default")
t:eq(sla[1].compliance, 0.5, "R1")
t:eq(sla[2].compliance, 1.0, "R2")
t:eq(sla[2].met, 2, "met")
t:eq(M.sla(ledger, { by = {} })[1].compliance, 0.75, "overall")
local empty = M.sla({}, { by = {} })[1]
t:eq(empty.compliance, nil, "an empty ledger has no compliance")
t:eq(empty.compliance_reason, "no items", "reason")
t:err(function() M.sla({ { owner = "R1" } }) end, "breached", "entries need breached")
return t:done()
