-- revl: --data tests/lua/metrics_pipeline --as-of 2025-02-10 --fiscal-start 2
-- Periods for metrics with a fiscal year starting in February (FY2026 =
-- Feb 2025 - Jan 2026), leap years and explicit windows.
local t = revl.testing("metrics: periods")
local M, deals = revl.metrics, revl.deals
local m = revl.money

-- the window helper shows the buckets a metric uses
local w = M.window({ period = "fiscal_quarter" })
t:eq(#w, 1, "the fiscal quarter holding as_of")
t:eq(w[1].period, "FY2026-Q1", "named by the fiscal year it ends in")
t:eq(tostring(w[1].from), "2025-02-01", "starts in February")
t:eq(tostring(w[1].to), "2025-04-30", "ends in April")
local fy = M.window({ period = "fiscal_year" })[1]
t:eq(fy.period, "FY2026", "fiscal year")
t:eq(tostring(fy.to), "2026-01-31", "fiscal year end")
local prev = M.window({ period = "fiscal_quarter", periods = 2 })
t:eq(prev[1].period, "FY2025-Q4", "the quarter before crosses the fiscal year")
t:eq(tostring(prev[1].from), "2024-11-01", "Nov 1")
t:eq(tostring(prev[1].to), "2025-01-31", "Jan 31")
local feb = M.window({ period = "month", from = "2024-02-01", to = "2024-02-29" })
t:eq(#feb, 1, "a leap February")
t:eq(tostring(feb[1].to), "2024-02-29", "has 29 days")
local wk = M.window({ period = "week", from = "2024-12-30", to = "2025-01-05" })
t:eq(#wk, 1, "ISO week across the new year")
t:eq(wk[1].period, "2025-W01", "is week 1 of 2025")
local def = M.window()
t:eq(def[1].period, "2025-Q1", "the default: the calendar quarter of as_of")
local part = M.window({ period = "month", from = "2025-01-15", to = "2025-03-10" })
t:eq(#part, 3, "partial months at both ends")
t:eq(tostring(part[1].from), "2025-01-15", "clipped to from")
t:eq(tostring(part[3].to), "2025-03-10", "clipped to to")

-- win rate per fiscal quarter: Feb 1 - Apr 30 2025 holds D10 D13 D01 D14
-- (won) and D11 D04 (lost)
local wr = M.win_rate(deals, { period = "fiscal_quarter" })
t:eq(#wr, 1, "one fiscal quarter")
t:eq(wr[1].period, "FY2026-Q1", "label")
t:eq(wr[1].won, 4, "won")
t:eq(wr[1].lost, 2, "lost")
local two = M.win_rate(deals, { period = "fiscal_quarter", periods = 2 })
t:eq(#two, 2, "empty quarters stay")
t:eq(two[1].period, "FY2025-Q4", "previous fiscal quarter")
t:eq(two[1].won + two[1].lost, 0, "nothing closed in Nov-Jan")
t:eq(two[1].win_rate_reason, "no closed deals", "a reason, no NaN")

-- fiscal quota proration: a fiscal quarter is 3 months of 12
local qa = {}
for _, r in ipairs(M.quota_attainment(deals, { period = "fiscal_quarter" })) do qa[r.owner] = r end
t:eq(qa.R1.quota, m("30000.00"), "quarter of the annual quota")
t:eq(qa.R1.won, m("16000.00"), "R1 won D13 and D01 in FY2026-Q1")
local fyq = {}
for _, r in ipairs(M.quota_attainment(deals, { period = "fiscal_year" })) do fyq[r.owner] = r end
t:eq(fyq.R2.quota, m("240000.00"), "a fiscal year is the whole quota")
t:eq(fyq.R2.period, "FY2026", "label")
-- a leap February is one month: 1/12 of the quota
local lf = {}
for _, r in ipairs(M.quota_attainment(deals, { from = "2024-02-01", to = "2024-02-29" })) do lf[r.owner] = r end
t:eq(lf.R1.quota, m("10000.00"), "whole months prorate by months, leap or not")

-- metric periods and group_by periods name the same fiscal years: D15
-- closed 2024-03-01, in the fiscal year Feb 2024 - Jan 2025 (FY2025)
local g = deals:where({ id = "D15" }):group_by("close_date:fiscal_year")
t:eq(g[1].close_date_fiscal_year, "FY2025", "group_by label")
local d15 = M.deal_size(deals:where({ id = "D15" }), { period = "fiscal_year", from = "2024-01-01",
                                                       to = "2024-12-31" })
t:eq(#d15, 2, "FY2024 (Jan 2024) and FY2025 (Feb - Dec 2024)")
t:eq(d15[2].period, "FY2025 (2024-02-01..2024-12-31)", "the same label, with the days of the cut year")
t:eq(d15[2].won, 1, "D15 in FY2025")
t:eq(d15[1].won, 0, "nothing in January 2024")
return t:done()
