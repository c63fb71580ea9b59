-- revl: --data tests/lua/metrics_pipeline --as-of 2025-05-15
-- Pipeline and forecast metrics against tests/lua/metrics_pipeline, every
-- figure worked out by hand (as_of 2025-05-15: the current quarter is
-- 2025-Q2, April 1 - June 30).
local t = revl.testing("metrics: pipeline and forecast")
local M, deals = revl.metrics, revl.deals
local m = revl.money

local function by(frame, col)
  local idx = {}
  for _, r in ipairs(frame) do idx[r[col] == nil and "nil" or r[col]] = r end
  return idx
end

-- ---- weighted pipeline ------------------------------------------------------
-- open deals: D02 D03 D05 D07 D08 D09 D12; probability from the column
local wp = by(M.weighted_pipeline(deals, { by = "owner" }), "owner")
t:eq(wp.R1.deals, 3, "R1 open deals")
t:eq(wp.R1.pipeline, m("32000.05"), "R1 pipeline")
-- 20000 x .7 + 5000.05 x .333 (1665.01665 -> 1665.02) + 7000 x .8
t:eq(wp.R1.weighted, m("21265.02"), "R1 weighted, per-deal rounding")
t:eq(wp.R2.weighted, m("3086.42"), "12345.67 x .25 = 3086.4175 -> 3086.42")
t:eq(wp.R3.weighted, m("0.03"), "0.05 x .5 = 2.5 cents -> 3 (half away from zero)")
t:eq(wp.R3.missing_amount, 1, "D08 has no amount")
t:eq(wp.R3.deals, 2, "a deal without amount still counts as a deal")
t:eq(wp.R4.missing_probability, 1, "D12 has no probability")
t:eq(wp.R4.weighted, m(0), "nothing weighted without a probability")
t:eq(wp.R4.pipeline, m("1000.00"), "but its amount is pipeline")
local total = M.weighted_pipeline(deals)
t:eq(#total, 1, "no by: one row")
t:eq(total[1].weighted, m("24351.47"), "total weighted")
t:eq(total[1].period, nil, "snapshot metric: no period column by default")
t:eq(table.concat(total.columns, ","), "deals,pipeline,weighted,missing_amount,missing_probability", "columns")

local probs = { Negotiation = 0.8, Proposal = 0.5, Discovery = 0.2, Demo = 0.4, Prospecting = 0.1 }
local ws = by(M.weighted_pipeline(deals, { by = "owner", probabilities = probs }), "owner")
t:eq(ws.R1.weighted, m("24100.03"), "stage table: 16000 + 2500.025 -> 2500.03 + 5600")
t:eq(ws.R2.weighted, m("2469.13"), "12345.67 x .2 = 2469.134")
t:eq(ws.R3.weighted, m("0.02"), "0.05 x .4")
t:eq(ws.R4.weighted, m("500.00"), "stage table ignores the null probability")
t:err(function() M.weighted_pipeline(deals, { probabilities = { Negotiation = 0.8 } }) end,
      "stage 'Proposal' is not in probabilities", "a stage missing from the table")
t:err(function() M.weighted_pipeline(deals, { probabilities = { Negotiation = 80 } }) end,
      "between 0 and 1", "probabilities are fractions")
-- this quarter only (close date in Q2)
local q = M.weighted_pipeline(deals, { period = "quarter" })
t:eq(#q, 1, "one quarter")
t:eq(q[1].period, "2025-Q2", "the quarter of as_of")
t:eq(q[1].weighted, m("18751.47"), "D02 D03 D05 D07 (D08 has no amount)")
t:eq(q[1].deals, 5, "open deals closing in Q2")
local series = M.weighted_pipeline(deals, { period = "quarter", from = "2025-04-01",
                                            to = "2025-09-30", by = "owner" })
local r4 = {}
for _, r in ipairs(series) do if r.owner == "R4" then r4[#r4 + 1] = r end end
t:eq(#r4, 2, "empty periods are rows too (R4 has pipeline in Q3 only)")
t:eq(r4[1].period, "2025-Q2", "sorted by owner then period")
t:eq(r4[1].weighted, m(0), "an empty period weighs nothing")
t:eq(r4[1].deals, 0, "and has no deals")
t:eq(#series, 8, "4 owners x 2 quarters")
local p3 = M.weighted_pipeline(deals, { period = "quarter", periods = 3 })
t:eq(#p3, 3, "periods = 3: the three quarters up to as_of")
t:eq(p3[1].period, "2024-Q4", "first of them")
t:eq(p3[1].deals, 0, "nothing closes in 2024-Q4")

-- ---- forecast roll-up ------------------------------------------------------------
local f = M.forecast(deals)
t:eq(#f, 1, "forecast: one row")
local r = f[1]
t:eq(r.period, "2025-Q2", "default period: the quarter holding as_of")
t:eq(r.deals, 9, "deals closing in Q2")
t:eq(r.closed, m("40500.00"), "closed = won D01 D06 D14")
t:eq(r.commit, m("20000.00"), "commit D02")
t:eq(r.best_case, m("5000.10"), "best case D03 D07")
t:eq(r.pipeline, m("12345.67"), "pipeline D05 (D08 has no amount)")
t:eq(r.omitted, m("8000.00"), "omitted: the lost D04")
t:eq(r.commit_total, m("60500.00"), "commit = closed + commit")
t:eq(r.best_case_total, m("65500.10"), "best case = commit + best case")
t:eq(r.pipeline_total, m("77845.77"), "pipeline total")
t:eq(r.closed_deals, 3, "closed deals")
t:eq(r.pipeline_deals, 2, "pipeline deals")
t:eq(r.missing_amount, 1, "missing amount")
local fo = by(M.forecast(deals, { by = "owner" }), "owner")
t:eq(fo.R1.commit_total, m("30000.00"), "R1 commit total")
t:eq(fo.R1.best_case_total, m("35000.05"), "R1 best case total")
t:eq(fo.R3.best_case, m("0.05"), "R3 best case")
t:eq(fo.R2.omitted, m("8000.00"), "R2 omitted")

-- ---- quota attainment (reps.quota is annual; a quarter is a quarter of it) -------
local qa = by(M.quota_attainment(deals), "owner")
t:eq(qa.R1.quota, m("30000.00"), "R1 quarterly quota")
t:eq(qa.R1.won, m("10000.00"), "R1 won in Q2")
t:near(qa.R1.attainment, 1 / 3, 1e-12, "R1 attainment")
t:eq(qa.R2.attainment, 0.5, "R2 attainment")
t:eq(qa.R3.attainment, 0.0, "R3: a quota and nothing won is 0, not nil")
t:eq(qa.R3.won, m(0), "R3 won nothing")
t:eq(qa.R4.attainment, nil, "R4 has no quota")
t:eq(qa.R4.attainment_reason, "no quota", "with a reason")
t:eq(qa.R4.won, m("500.00"), "R4 still shows its win")
local qt = by(M.quota_attainment(deals, { by = "owner.team" }), "owner.team")
t:eq(qt.East.quota, m("90000.00"), "team quota: sum of its reps")
t:near(qt.East.attainment, 40000 / 90000, 1e-12, "East attainment")
t:eq(qt.West.quota, m("15000.00"), "West: R4 has no quota")
local qy = by(M.quota_attainment(deals, { period = "year" }), "owner")
t:eq(qy.R1.quota, m("120000.00"), "a year is the whole quota")
t:eq(qy.R1.won, m("16000.00"), "R1 won in 2025")
local qm = M.quota_attainment(deals, { from = "2025-04-01", to = "2025-04-15" })
t:eq(by(qm, "owner").R1.quota, m("4931.51"), "15 days: 120000 x 15 / 365")
t:eq(by(qm, "owner").R1.period, "2025-04-01..2025-04-15", "an explicit window is labelled")
local qn = M.quota_attainment(deals, { quota = 40000 })
t:eq(#qn, 1, "one quota for the whole")
t:eq(qn[1].attainment, 40500 / 40000, "given quota")
local qp = M.quota_attainment(deals, { prorate = false, period = "month" })
t:eq(by(qp, "owner").R2.quota, m("240000.00"), "prorate = false takes the quota as it is")

-- ---- coverage -------------------------------------------------------------------
local c = M.coverage(deals)[1]
t:eq(c.quota, m("105000.00"), "team quota for Q2 (R4 has none)")
t:eq(c.won, m("40500.00"), "won in Q2")
t:eq(c.remaining, m("64500.00"), "quota - won")
t:eq(c.pipeline, m("37345.77"), "open pipeline closing in Q2")
t:near(c.coverage, 37345.77 / 64500, 1e-12, "coverage")
local co = by(M.coverage(deals, { by = "owner" }), "owner")
t:near(co.R1.coverage, 1.2500025, 1e-12, "R1 coverage")
t:near(co.R2.coverage, 12345.67 / 30000, 1e-12, "R2 coverage")
t:eq(co.R4.coverage, nil, "R4: no quota")
t:eq(co.R4.coverage_reason, "no quota", "R4 reason")
local cq = M.coverage(deals, { quota = 50000 })[1]
t:near(cq.coverage, 37345.77 / 9500, 1e-12, "quota given as a number")
local cm = M.coverage(deals, { quota = 40000 })[1]
t:eq(cm.coverage, nil, "quota already met: no ratio")
t:eq(cm.coverage_reason, "quota already met (nothing remaining)", "with a reason")
t:eq(cm.remaining, m("-500.00"), "remaining can be negative")
local ct = by(M.coverage(deals, { by = "owner", quota = { R1 = m(25000) } }), "owner")
t:near(ct.R1.coverage, 25000.05 / 15000, 1e-12, "quota from a table")
t:eq(ct.R2.coverage_reason, "no quota", "a group the table does not name")
t:err(function() M.coverage(deals, { by = "stage" }) end, "owner", "reps' quotas need by = owner")
t:err(function() M.coverage(deals, { by = "owner", quota = 5 }) end, "cannot be split", "one amount by owner")
t:err(function() M.coverage(deals, { period = "all" }) end, "needs a period", "coverage needs a period")

-- ---- forecast gap -----------------------------------------------------------------
local g = M.forecast_gap(deals)[1]
t:eq(g.bottom_up, m("60500.00"), "sum of reps' commits (closed + commit)")
t:eq(g.target, m("105000.00"), "top-down: the reps' quotas")
t:eq(g.gap, m("44500.00"), "target - bottom up")
t:near(g.gap_ratio, 44500 / 105000, 1e-12, "gap ratio")
t:eq(g.reps, 4, "reps in the roll-up")
local g2 = M.forecast_gap(deals, { commits = { R1 = m(35000) }, target = 100000 })[1]
t:eq(g2.bottom_up, m("65500.00"), "a rep's own call replaces the computed commit")
t:eq(g2.gap, m("34500.00"), "against a given target")
local gt = by(M.forecast_gap(deals, { by = "owner.team" }), "owner.team")
t:eq(gt.East.bottom_up, m("60000.00"), "East bottom up")
t:eq(gt.East.target, m("90000.00"), "East target")
t:eq(gt.West.bottom_up, m("500.00"), "West bottom up")

-- ---- options are checked ----------------------------------------------------------
t:err(function() M.forecast(deals, { peroid = "month" }) end, "unknown option 'peroid'", "typo in an option")
t:err(function() M.forecast(deals, { period = "decade" }) end, "unknown period", "unknown period")
t:err(function() M.forecast(deals, { by = "nosuch" }) end, "no column 'nosuch'", "unknown by field")
t:err(function() M.forecast({}, {}) end, "must be a table or view", "not a view")
t:err(function() M.forecast(revl.leads) end, "is nil %(is that table loaded%?%)", "a table not loaded")
t:err(function() M.quota_attainment(deals, { period = "month", from = "2025-01-01" }) end,
      "bounded window", "quotas need both ends of the window")
t:err(function() M.window({ period = "month", to = "2025-01-01" }) end, "bounded window",
      "so does listing periods")
local open_to = M.win_rate(deals, { from = "2025-04-01" })
t:eq(open_to[1].period, "2025-04-01..", "a window open at the end")
t:eq(open_to[1].won, 3, "everything won since April 1")
t:err(function() M.forecast(deals, { from = "2025-06-01", to = "2025-01-01" }) end, "after", "from after to")
t:err(function() M.forecast(deals, { periods = 2, from = "2025-01-01" }) end, "not both", "periods and from")

return t:done()
