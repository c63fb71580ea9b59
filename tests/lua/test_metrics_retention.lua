-- revl: --data tests/lua/metrics_subs --as-of 2025-06-15
-- Recurring revenue from tests/lua/metrics_subs (monthly MRR rows; a
-- month without a row is 0; rows after the as_of month are ignored).
-- Monthly MRR: Dec 680, Jan 1180, Feb 850, Mar 1070, Apr 1020, May 1070,
-- Jun 1050 -- worked out by hand in the comments below.
local t = revl.testing("metrics: retention")
local M, subs = revl.metrics, revl.subscriptions
local m = revl.money

local function identity(r)
  return r.start_mrr + r.new + r.reactivation + r.expansion - r.contraction - r.churned
end

-- ---- MRR and its movements --------------------------------------------------------
local mo = M.mrr(subs, { period = "month", from = "2025-01-01", to = "2025-06-30" })
t:eq(#mo, 6, "six months")
local jan, feb, mar, apr, may, jun = mo[1], mo[2], mo[3], mo[4], mo[5], mo[6]
t:eq(jan.period, "2025-01", "label")
t:eq(jan.start_mrr, m(680), "Dec: S1 S2 S4 S6")
t:eq(jan.new, m(500), "S3 is new in January")
t:eq(jan.mrr, m(1180), "January MRR")
t:eq(jan.arr, m(14160), "ARR = 12 x MRR")
t:eq(jan.customers, 5, "customers")
t:eq(jan.logo_churn, 0.0, "nobody left")
t:eq(feb.expansion, m(20), "S1 100 -> 120")
t:eq(feb.contraction, m(50), "S2 200 -> 150")
t:eq(feb.churned, m(300), "S4 has no February row")
t:eq(feb.churned_customers, 1, "one logo")
t:eq(feb.logo_churn, 0.2, "1 of 5")
t:eq(feb.mrr, m(850), "February")
t:eq(mar.reactivation, m(300), "S4 is back: a reactivation, not new")
t:eq(mar.reactivated_customers, 1, "one")
t:eq(mar.new, m(0), "nothing new")
t:eq(mar.churned, m(80), "S6's rows end in February")
t:eq(apr.churned, m(150), "S2's explicit 0")
t:eq(apr.expansion, m(100), "S3 500 -> 600")
t:eq(apr.customers, 3, "April customers")
t:eq(may.new, m(50), "S5")
t:eq(jun.expansion, m(30), "S1 has two rows in June: 120 + 30")
t:eq(jun.contraction, m(50), "S4 300 -> 250")
t:eq(jun.mrr, m(1050), "June")
t:eq(jun.net_new, m(-20), "net new")
for _, r in ipairs(mo) do t:eq(identity(r), r.mrr, "MRR identity " .. r.period) end
t:eq(jun.start_mrr, may.mrr, "a month starts where the last ended")

local qs = M.mrr(subs, { period = "quarter", from = "2025-01-01", to = "2025-06-30" })
t:eq(#qs, 2, "two quarters")
t:eq(qs[1].start_mrr, m(680), "Q1 starts at December's MRR")
t:eq(qs[1].mrr, m(1070), "Q1 ends at March's")
t:eq(qs[1].churned, m(380), "S4 300 + S6 80")
t:eq(qs[1].churned_customers, 2, "two logos")
t:eq(qs[1].months, 3, "three months")
t:eq(identity(qs[1]), qs[1].mrr, "Q1 identity")
t:eq(qs[2].mrr, m(1050), "Q2 ends in June (the as_of month)")
t:eq(identity(qs[2]), qs[2].mrr, "Q2 identity")

local cur = M.mrr(subs)
t:eq(#cur, 1, "default: the month of as_of")
t:eq(cur[1].period, "2025-06", "June")
t:eq(cur[1].mrr, m(1050), "S6's July row is after as_of")

local seg = {}
for _, r in ipairs(M.mrr(subs, { by = "account.segment" })) do seg[r["account.segment"]] = r end
t:eq(seg.SMB.mrr, m(200), "SMB: S1 150 + S5 50")
t:eq(seg.ENT.mrr, m(850), "ENT: S3 600 + S4 250")
local plans = {}
for _, r in ipairs(M.mrr(subs, { by = "plan" })) do plans[r.plan] = r end
t:eq(plans.Addon.new, m(30), "by a row field: the add-on is new MRR of its own")

-- ---- NRR and GRR ---------------------------------------------------------------------
local n1 = M.nrr(subs)[1]
t:eq(n1.period, "2024-07-01..2025-06-15", "default: the trailing twelve months")
t:eq(n1.nrr, nil, "no customers in June 2024")
t:eq(n1.nrr_reason, "no customers at the start", "reason")

-- Dec -> Jun: cohort S1 100, S2 200, S4 300, S6 80 (start 680);
-- June: S1 150, S2 0, S4 250, S6 0 (end 400)
local h = M.nrr(subs, { from = "2025-01-01", to = "2025-06-30" })[1]
t:eq(tostring(h.start_month), "2024-12-01", "the month before the window")
t:eq(tostring(h.end_month), "2025-06-01", "its last month")
t:eq(h.start_mrr, m(680), "start")
t:eq(h.end_mrr, m(400), "what the cohort pays now (S3, S5 are not in it)")
t:eq(h.expansion, m(50), "S1")
t:eq(h.contraction, m(50), "S4 (its gap in between does not matter)")
t:eq(h.churned, m(280), "S2 200 + S6 80")
t:near(h.nrr, 400 / 680, 1e-12, "NRR = (start + exp - contr - churn) / start")
t:near(h.grr, 350 / 680, 1e-12, "GRR = (start - contr - churn) / start")
t:eq(h.logo_churn, 0.5, "2 of 4 customers left")
t:eq(h.customers_start, 4, "cohort size")

local nq = M.nrr(subs, { period = "quarter", periods = 2 })
t:eq(#nq, 2, "two quarters")
t:near(nq[1].nrr, 570 / 680, 1e-12, "Q1: Dec -> Mar")
t:near(nq[1].grr, 550 / 680, 1e-12, "Q1 GRR")
t:near(nq[2].nrr, 1000 / 1070, 1e-12, "Q2: Mar -> Jun")
t:near(nq[2].grr, 870 / 1070, 1e-12, "Q2 GRR")
t:eq(nq[2].logo_churn, 0.25, "Q2: S2 left")

local ns = {}
for _, r in ipairs(M.nrr(subs, { period = "quarter", by = "account.segment" })) do
  ns[r["account.segment"]] = r
end
t:near(ns.SMB.nrr, 150 / 270, 1e-12, "SMB Q2: S1 120 -> 150, S2 150 -> 0")
t:near(ns.ENT.nrr, 850 / 800, 1e-12, "ENT Q2: S3 500 -> 600, S4 300 -> 250")

-- ---- LTV -------------------------------------------------------------------------------
-- Jan-Jun: 3 logos churned over 24 customer-months -> 12.5% a month;
-- ARPA in June = 1050 / 4 = 262.50; LTV = 262.50 x 0.8 / 0.125
local l = M.ltv(subs, { gross_margin = 0.8, cac = 1000, from = "2025-01-01", to = "2025-06-30" })[1]
t:eq(l.churned_customers, 3, "churned logos")
t:eq(l.customer_months, 24, "customers at the start of each month, summed")
t:eq(l.churn_rate, 0.125, "monthly churn rate")
t:eq(l.arpa, m("262.50"), "ARPA")
t:eq(l.ltv, m("1680.00"), "LTV")
t:eq(l.ltv_cac, 1.68, "LTV:CAC")
local l0 = M.ltv(subs, { gross_margin = 0.8, from = "2025-05-01", to = "2025-06-30" })[1]
t:eq(l0.ltv, nil, "no churn in May-June: LTV is unbounded")
t:eq(l0.ltv_reason, "no churned customers (churn rate is 0)", "reason")
t:err(function() M.ltv(subs, {}) end, "gross_margin", "gross margin is required")
return t:done()
