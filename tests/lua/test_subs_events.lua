-- revl: --data tests/lua/subs_events --as-of 2025-06-30
-- Churn and downgrade events as their own table (docs/mapping.md "Churn
-- and downgrade events"): tests/lua/subs_events has one row per
-- subscription and a separate events file; expand = { events = {...} }
-- ends a subscription at its churn or cancel event and changes its MRR
-- or seats from a downgrade's or upgrade's date, by the month-end rule
-- (an event counts in month M when its date <= M's last day).
-- The events, by hand:
--   S2 2025-02-28 upgrade   250.00   (on Feb's last day: counts in Feb)
--   S3 2025-02-01 cancel             (gone at Feb's end)
--   S1 2025-03-10 downgrade  60.00, 6 seats
--   S2 2025-04-15 upgrade    25 seats only (MRR stays 250)
--   S1 2025-05-31 churn              (gone at May's end)
--   S5 2025-06-20 downgrade  40.00
-- S4 (B3, 50.00) runs 2025-03-01 .. 2025-06-15 by its end date.
-- Month-end "active subscriptions" MRR:
--          Dec  Jan  Feb  Mar  Apr  May  Jun
--   B1      -   100  100   60   60   -    -
--   B2      -   200  250  250  250  250  250
--   B3     300  300   -    50   50   50   -
--   B4      -    -    80   80   80   80   40
--   total  300  600  430  440  440  380  290
local t = revl.testing("subscriptions with churn and downgrade events")
local M, subs = revl.metrics, revl.subscriptions
local m = revl.money

t:eq(#subs, 20, "B1 4, B2 6, B3 5, B4 5 account-months")
t:eq(#revl.subscription_events, 6, "the events are a table too")
local by = {}
for r in subs:rows() do by[r.account_id .. " " .. tostring(r.period)] = r:totable() end
t:eq(by["B2 2025-02-01"].mrr, m(250), "upgrade on Feb 28 counts at Feb's end")
t:eq(by["B2 2025-02-01"].seats, 20, "the upgrade gave no seats: still 20")
t:eq(by["B2 2025-04-01"].seats, 25, "seats-only upgrade on Apr 15")
t:eq(by["B2 2025-04-01"].mrr, m(250), "its MRR stays")
t:eq(by["B1 2025-03-01"].mrr, m(60), "downgrade on Mar 10")
t:eq(by["B1 2025-03-01"].seats, 6, "with its seats")
t:eq(by["B1 2025-05-01"], nil, "churn on May 31: gone at May's end")
t:eq(by["B3 2025-02-01"], nil, "cancel on Feb 1")
t:eq(by["B3 2025-03-01"].mrr, m(50), "S4 from Mar 1")
t:eq(by["B4 2025-06-01"].mrr, m(40), "downgrade on Jun 20")
t:eq(by["B4 2025-06-01"].plan, "Team", "other columns kept")

-- the hand table, every month
local want = { ["2024-12"] = 300, ["2025-01"] = 600, ["2025-02"] = 430, ["2025-03"] = 440,
               ["2025-04"] = 440, ["2025-05"] = 380, ["2025-06"] = 290 }
local mo = M.mrr(subs, { period = "month", from = "2024-12-01", to = "2025-06-30" })
t:eq(#mo, 7, "December to June")
for i = 1, #mo do t:eq(mo[i].mrr, m(want[mo[i].period]), mo[i].period .. " MRR") end
local feb, mar, may, jun = mo[3], mo[4], mo[6], mo[7]
t:eq(feb.expansion, m(50), "B2 200 -> 250")
t:eq(feb.churned, m(300), "B3 cancelled")
t:eq(feb.new, m(80), "B4")
t:near(feb.logo_churn, 1 / 3, 1e-12, "1 of B1 B2 B3")
t:eq(mar.contraction, m(40), "B1 100 -> 60")
t:eq(mar.reactivation, m(50), "B3 is back with S4")
t:eq(may.churned, m(60), "B1 churned")
t:eq(may.logo_churn, 0.25, "1 of 4")
t:eq(jun.churned, m(50), "S4 ended Jun 15")
t:eq(jun.contraction, m(40), "B4 80 -> 40")
t:near(jun.logo_churn, 1 / 3, 1e-12, "1 of B2 B3 B4")

-- Q2: March's cohort B1 60, B2 250, B3 50, B4 80 (440); at June's end
-- B1 0, B2 250, B3 0, B4 40 (290)
local nq = M.nrr(subs, { period = "quarter", periods = 1 })
t:eq(nq[1].start_mrr, m(440), "Q2 start")
t:eq(nq[1].end_mrr, m(290), "Q2 end")
t:eq(nq[1].churned, m(110), "B1 60 + B3 50")
t:eq(nq[1].contraction, m(40), "B4")
t:eq(nq[1].expansion, m(0), "B2's upgrade was seats only")
t:near(nq[1].nrr, 290 / 440, 1e-12, "Q2 NRR")
t:near(nq[1].grr, 290 / 440, 1e-12, "Q2 GRR")
t:eq(nq[1].logo_churn, 0.5, "B1 and B3 of 4")

return t:done()
