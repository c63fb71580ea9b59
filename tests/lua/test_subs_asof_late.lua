-- revl: --data tests/lua/subs_intervals --as-of 2025-09-10
-- Subscriptions as intervals seen at a later as-of (docs/mapping.md
-- "Subscriptions as intervals"): the same export as
-- test_subs_intervals.lua, whose open subscriptions (SUB-2, SUB-4, SUB-7,
-- SUB-8) now run through September 2025, the as-of month, instead of
-- ending with the file's last dated month (June): no churn in July.
-- Month-end MRR by hand (September seen at 2025-09-10):
--          Nov  Dec  Jan  Feb  Mar  Apr  May  Jun  Jul  Aug  Sep
--   A1      -    -   100  100  100  150  150  150  150  150  150
--   A2      -   200  200  200  120  120  120  120  120  120  120
--   A3     300  300  300   -    -    -    -    -    -    -    -
--   A4      -    80   -    -    -    90   90   90   90   90   90
--   A5      -    -    50   75   75   75   75   50   50   50   50
--   total  300  580  650  375  295  435  435  410  410  410  410
local t = revl.testing("subscriptions as intervals, as of 2025-09-10")
local M, subs = revl.metrics, revl.subscriptions
local m = revl.money

t:eq(#subs, 38, "the 26 rows through June, then A1 A2 A4 A5 in Jul, Aug, Sep")
t:eq(subs:sum("mrr"), m(300 + 580 + 650 + 375 + 295 + 435 + 435 + 410 * 4), "every month's MRR")
local by = {}
for r in subs:rows() do by[r.account_id .. " " .. tostring(r.period)] = r:totable() end
t:eq(by["A1 2025-09-01"].mrr, m(150), "SUB-2 still open in the as-of month")
t:eq(by["A5 2025-09-01"].seats, 2, "SUB-8 alone (SUB-9 ended in June)")
t:eq(by["A3 2025-09-01"], nil, "A3 churned in February")
t:eq(by["A1 2025-10-01"], nil, "nothing after the as-of month")

local mo = M.mrr(subs, { period = "month", from = "2025-06-01", to = "2025-09-30" })
t:eq(#mo, 4, "June to September")
t:eq(mo[1].mrr, m(410), "June")
t:eq(mo[1].contraction, m(25), "SUB-9 ended Jun 20")
for i = 2, 4 do
  t:eq(mo[i].mrr, m(410), mo[i].period .. ": the open subscriptions go on")
  t:eq(mo[i].churned, m(0), mo[i].period .. ": nobody churned")
  t:eq(mo[i].logo_churn, 0.0, mo[i].period .. ": no logo churn")
  t:eq(mo[i].customers, 4, mo[i].period .. ": A1 A2 A4 A5")
end

-- Q3: June's cohort A1 150, A2 120, A4 90, A5 50 (410), all there in September
local nq = M.nrr(subs, { period = "quarter", periods = 2 })
t:eq(#nq, 2, "Q2 and Q3")
t:near(nq[1].nrr, 320 / 295, 1e-12, "Q2 NRR as in test_subs_intervals.lua")
t:near(nq[1].grr, 270 / 295, 1e-12, "Q2 GRR")
t:eq(nq[2].start_mrr, m(410), "Q3 start")
t:eq(nq[2].end_mrr, m(410), "Q3 end")
t:eq(nq[2].churned, m(0), "Q3: no churn")
t:near(nq[2].nrr, 1.0, 1e-12, "Q3 NRR")
t:near(nq[2].grr, 1.0, 1e-12, "Q3 GRR")
t:eq(nq[2].logo_churn, 0.0, "Q3 logo churn")

return t:done()
