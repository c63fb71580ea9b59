-- revl: --data tests/lua/metrics_roles --as-of 2025-05-15
-- How values read (docs/metrics.md "How values read"): metric frames
-- carry a display kind per column (f.kinds) and tables format by it --
-- ratios as percentages, multiples with x, days and points one way per
-- column -- while the values themselves keep full precision.
local t = revl.testing("display kinds")
local M, deals = revl.metrics, revl.deals

local wr = M.win_rate(deals)
t:eq(wr.kinds.win_rate, "ratio", "win_rate is a ratio")
t:eq(wr.kinds.won, "count", "won is a count")
t:eq(wr.kinds.won_amount, "money", "won_amount is money")
t:near(wr[1].win_rate, 2 / 3, 1e-15, "the value keeps full precision")
local text = revl.pretty(wr)
t:ok(text:find("66.7%", 1, true), "a ratio reads as a percentage")
t:ok(not text:find("0.666", 1, true), "not as a fraction")

local cov = M.coverage(deals)
t:eq(cov.kinds.coverage, "multiple", "coverage is a multiple")
t:ok(revl.pretty(cov):find("0.39\u{00D7}", 1, true), "a multiple reads with x: 55,000 / 140,000")

local cy = M.sales_cycle(deals, { by = "owner" })
t:eq(cy.kinds.cycle_days_median, "days", "cycle days")
-- R1: one deal of 90 days; R2: one of 79: whole days read as integers
local ct = revl.pretty(cy)
t:ok(ct:find("%s90%s") and not ct:find("90%.0"), "whole days as integers, every row alike")

-- a column without a kind still reads one way
local f = revl.frame({ { x = 1.5 }, { x = 10 } }, { "x" })
local ft = revl.pretty(f)
t:ok(ft:find("10.0", 1, true) and ft:find(" 1.5", 1, true), "10 reads 10.0 beside 1.5")

-- the C frame too
local cf = M.win_rate(deals, { by = "owner" })
t:eq(cf.kinds.win_rate, "ratio", "by owner: the same kinds")
t:done()
