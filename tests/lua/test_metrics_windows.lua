-- revl: --data tests/lua/metrics_roles --as-of 2025-07-01
-- Default windows and period labels (docs/metrics.md "Windows"): with
-- as-of on the first day of 2025-Q3 nothing has closed in the quarter,
-- so closed-deal metrics without a window option measure 2025-Q2, the
-- last complete quarter, and their frames say so (window, window_note);
-- a window that cuts a period names the days it covers.
local t = revl.testing("metrics: windows")
local M, deals = revl.metrics, revl.deals
local NOTE = "2025-Q3 has no closed deals yet: the last complete quarter"

local wr = M.win_rate(deals)
t:eq(#wr, 1, "one period")
t:eq(wr[1].period, "2025-Q2", "the last complete quarter")
t:eq(wr[1].won, 2, "D1 and D3 won in Q2")
t:eq(wr[1].lost, 1, "D5 lost in Q2")
t:near(wr[1].win_rate, 2 / 3, 1e-12, "a win rate, not nil")
t:eq(wr.window, "2025-04-01..2025-06-30", "the frame names its window")
t:eq(wr.window_note, NOTE, "and why it is not this quarter")

local cy = M.sales_cycle(deals)
t:eq(cy[1].period, "2025-Q2", "cycle: the same default")
t:near(cy[1].cycle_days_mean, 84.5, 1e-9, "90 and 79 days")
t:eq(cy.window_note, NOTE, "cycle says so too")
t:eq(M.velocity(deals).window_note, NOTE, "velocity too")
t:eq(M.deal_size(deals)[1].period, "2025-Q2", "deal size too")

-- asked for explicitly, the current quarter stays, empty as it is
local q3 = M.win_rate(deals, { period = "quarter" })
t:eq(q3.window, "2025-07-01..2025-09-30", "period = quarter: this quarter")
t:eq(q3.window_note, nil, "no note: nothing moved")
local all = M.win_rate(deals, { period = "all" })
t:eq(all.window, "all", "period = all")

-- coverage looks forward: its default stays on the current quarter
local cov = M.coverage(deals)
t:eq(cov[1].period, "2025-Q3", "coverage: the current quarter")
t:eq(cov.window_note, nil, "coverage: not moved")

-- a cut period names the days it covers
local nov = M.quota_attainment(deals, { period = "quarter", from = "2025-05-01", to = "2025-05-31" })
t:eq(nov[1].period, "2025-Q2 (2025-05-01..2025-05-31)", "one month of a quarter is not the quarter")
local two = M.win_rate(deals, { period = "quarter", from = "2025-04-01", to = "2025-08-15" })
t:eq(two[1].period, "2025-Q2", "a whole quarter keeps its label")
t:eq(two[2].period, "2025-Q3 (2025-07-01..2025-08-15)", "the cut one names its days")
t:eq(two.window, "2025-04-01..2025-08-15", "the window asked for")

-- printed, a moved window is said under the table
local text = revl.pretty(wr)
t:ok(text:find("(window 2025-04-01..2025-06-30: " .. NOTE .. ")", 1, true), "pretty says so")
t:done()
