-- revl: --data tests/lua/subs_intervals --as-of 2025-04-07
-- Subscriptions as intervals seen at an as-of inside a month
-- (docs/mapping.md "Subscriptions as intervals"): the as-of month is
-- seen at the as-of date, and nothing after it.  On 2025-04-07 SUB-1
-- (ends Apr 10) is still active, SUB-2 (starts Apr 10) is not known yet
-- and makes no row, SUB-7 (from Apr 5) is.  By hand:
--          Nov  Dec  Jan  Feb  Mar  Apr (at Apr 7)
--   A1      -    -   100  100  100  100
--   A2      -   200  200  200  120  120
--   A3     300  300  300   -    -    -
--   A4      -    80   -    -    -    90
--   A5      -    -    50   75   75   75
--   total  300  580  650  375  295  385
local t = revl.testing("subscriptions as intervals, as of 2025-04-07")
local M, subs = revl.metrics, revl.subscriptions
local m = revl.money

t:eq(#subs, 18, "A1 4, A2 5, A3 3, A4 2, A5 4")
local by = {}
for r in subs:rows() do by[r.account_id .. " " .. tostring(r.period)] = r:totable() end
t:eq(by["A1 2025-04-01"].mrr, m(100), "SUB-1 ends after the as-of: still active")
t:eq(by["A1 2025-04-01"].plan, "Base", "SUB-2 (Plus) starts after the as-of")
t:eq(by["A1 2025-04-01"].seats, 5, "SUB-1's seats")
t:eq(by["A4 2025-04-01"].mrr, m(90), "SUB-7 started Apr 5")
t:eq(by["A5 2025-04-01"].mrr, m(75), "SUB-8 and SUB-9")
t:eq(by["A1 2025-05-01"], nil, "nothing after the as-of month")

local mo = M.mrr(subs, { period = "month", from = "2025-03-01", to = "2025-04-30" })
t:eq(#mo, 2, "March and April")
t:eq(mo[1].mrr, m(295), "March")
t:eq(mo[2].mrr, m(385), "April at the as-of")
t:eq(mo[2].expansion, m(0), "A1's upgrade is not known yet")
t:eq(mo[2].reactivation, m(90), "A4 is back")
t:eq(mo[2].churned, m(0), "nobody churned")
t:eq(mo[2].customers, 4, "A1 A2 A4 A5")

-- Q2 so far: March's cohort A1 100, A2 120, A5 75 (295), the same at Apr 7
local nq = M.nrr(subs, { period = "quarter", periods = 1 })
t:eq(nq[1].start_mrr, m(295), "Q2 start")
t:eq(nq[1].end_mrr, m(295), "Q2 end (A4 is not in the cohort)")
t:near(nq[1].nrr, 1.0, 1e-12, "Q2 NRR")
t:eq(nq[1].logo_churn, 0.0, "Q2 logo churn")

return t:done()
