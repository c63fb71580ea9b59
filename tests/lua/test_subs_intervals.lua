-- revl: --data tests/lua/subs_intervals --as-of 2025-06-30
-- Subscriptions as intervals (docs/mapping.md "Subscriptions as
-- intervals"): tests/lua/subs_intervals has one row per subscription
-- (start, churn date, MRR, seats) and the mapping's expand = {...} makes
-- the account-month rows.  A subscription counts in month M when it is
-- active at M's last day E: start <= E and (no end, or end > E).  Open
-- subscriptions run through the as-of month, June 2025 (other as-of
-- dates: test_subs_asof_late.lua, test_subs_asof_early.lua).  Month-end
-- MRR by hand:
--          Nov  Dec  Jan  Feb  Mar  Apr  May  Jun
--   A1      -    -   100  100  100  150  150  150   upgrade (SUB-1 -> SUB-2 on Apr 10)
--   A2      -   200  200  200  120  120  120  120   downgrade (SUB-3 ends Mar 1)
--   A3     300  300  300   -    -    -    -    -    churn (ends Feb 28 = Feb's last day)
--   A4      -    80   -    -    -    90   90   90   churn Jan 20, back Apr 5
--   A5      -    -    50   75   75   75   75   50   SUB-8 50 + SUB-9 25 (Feb 15 .. Jun 20)
--   total  300  580  650  375  295  435  435  410
local t = revl.testing("subscriptions as intervals")
local M, subs = revl.metrics, revl.subscriptions
local m = revl.money

-- ---- the rows -------------------------------------------------------------------------
t:eq(#subs, 26, "account-months: A1 6, A2 7, A3 3, A4 4, A5 6")
local by = {}
for r in subs:rows() do by[r.account_id .. " " .. tostring(r.period)] = r:totable() end
t:eq(by["A5 2025-03-01"].mrr, m(75), "two subscriptions of A5 in March: 50 + 25")
t:eq(by["A5 2025-03-01"].seats, 3, "their seats add up: 2 + 1")
t:eq(by["A5 2025-03-01"].plan, nil, "Team and Addon disagree: no plan")
t:eq(by["A5 2025-06-01"].plan, "Team", "one subscription left in June")
t:eq(by["A5 2025-06-01"].seats, 2, "SUB-8 alone")
t:eq(by["A1 2025-04-01"].mrr, m(150), "SUB-1 ended Apr 10, before April's end")
t:eq(by["A1 2025-04-01"].plan, "Plus", "the upgrade")
t:eq(by["A2 2025-02-01"].mrr, m(200), "SUB-3 ends Mar 1: still active on Feb 28")
t:eq(by["A3 2025-02-01"], nil, "SUB-5 ends on Feb 28 itself: not active at February's end")
t:eq(by["A4 2025-01-01"], nil, "SUB-6 ends Jan 20")
t:eq(by["A4 2025-04-01"].mrr, m(90), "SUB-7 from Apr 5")
t:eq(by["A3 2024-11-01"].subscription_id, "SUB-5", "a one-subscription month keeps its id")
t:eq(by["A1 2025-07-01"], nil, "nothing after the as-of month")

-- ---- MRR and its movements --------------------------------------------------------------
local mo = M.mrr(subs, { period = "month", from = "2025-01-01", to = "2025-06-30" })
t:eq(#mo, 6, "six months")
local jan, feb, mar, apr, may, jun = mo[1], mo[2], mo[3], mo[4], mo[5], mo[6]
t:eq(jan.start_mrr, m(580), "December: A2 200, A3 300, A4 80")
t:eq(jan.new, m(150), "A1 100 and A5 50 are new")
t:eq(jan.churned, m(80), "A4 left")
t:eq(jan.mrr, m(650), "January")
t:near(jan.logo_churn, 1 / 3, 1e-12, "1 of the 3 December customers")
t:eq(feb.churned, m(300), "A3")
t:eq(feb.expansion, m(25), "A5 adds SUB-9")
t:eq(feb.mrr, m(375), "February")
t:eq(feb.logo_churn, 0.25, "1 of 4")
t:eq(mar.contraction, m(80), "A2 200 -> 120")
t:eq(mar.mrr, m(295), "March")
t:eq(mar.logo_churn, 0.0, "nobody left")
t:eq(apr.expansion, m(50), "A1 100 -> 150")
t:eq(apr.reactivation, m(90), "A4 is back: a reactivation, not new")
t:eq(apr.new, m(0), "nothing new")
t:eq(apr.mrr, m(435), "April")
t:eq(may.mrr, m(435), "May: no movement")
t:eq(jun.contraction, m(25), "SUB-9 ended Jun 20")
t:eq(jun.mrr, m(410), "June")
t:eq(jun.customers, 4, "A1 A2 A4 A5")

-- ---- NRR, GRR, logo churn ---------------------------------------------------------------
local nq = M.nrr(subs, { period = "quarter", periods = 2 })
t:eq(#nq, 2, "Q1 and Q2")
-- Q1: December's cohort A2 200, A3 300, A4 80 (580); in March A2 120, A3 0, A4 0
t:eq(nq[1].start_mrr, m(580), "Q1 start")
t:eq(nq[1].end_mrr, m(120), "Q1 end")
t:eq(nq[1].churned, m(380), "A3 300 + A4 80")
t:eq(nq[1].contraction, m(80), "A2")
t:near(nq[1].nrr, 120 / 580, 1e-12, "Q1 NRR")
t:near(nq[1].grr, 120 / 580, 1e-12, "Q1 GRR")
t:near(nq[1].logo_churn, 2 / 3, 1e-12, "Q1 logo churn")
-- Q2: March's cohort A1 100, A2 120, A5 75 (295); in June 150, 120, 50
t:eq(nq[2].start_mrr, m(295), "Q2 start (A4 is not in the cohort)")
t:eq(nq[2].expansion, m(50), "A1")
t:eq(nq[2].contraction, m(25), "A5")
t:near(nq[2].nrr, 320 / 295, 1e-12, "Q2 NRR")
t:near(nq[2].grr, 270 / 295, 1e-12, "Q2 GRR")
t:eq(nq[2].logo_churn, 0.0, "Q2: nobody left")
t:eq(nq[2].churned_customers, 0, "none")

return t:done()
