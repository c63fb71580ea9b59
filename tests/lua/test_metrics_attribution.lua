-- revl: --data tests/lua/metrics_attr --as-of 2025-06-30
-- Multi-touch attribution of the deals won in 2025-Q2 (A1 1000.00, A2
-- 100.00, A3 0.10, A4 500.00 without touches).  A1's touches in time
-- order: T1 C1 (lead LA), T2 C2 (lead LA, its creation), T3 C1 (deal
-- creation), T4 C3, T5 no campaign; T6 comes after the close.  A2: T7
-- C1, T8 C2 (on the close date).  A3: T9 C1, T10 C2, T11 C3.
local t = revl.testing("metrics: attribution")
local M = revl.metrics
local m = revl.money

local f, s = M.attribution(revl.deals)
local c = {}
for _, r in ipairs(f) do c[r.campaign or "none"] = r end
t:eq(table.concat(f.columns, ","),
     "campaign,period,first_touch,last_touch,linear,u_shaped,w_shaped,full_path,time_decay,touches,deals",
     "columns: one per model")
t:eq(f[1].period, "2025-Q2", "deals closed in the quarter of as_of")

local want = {
  first_touch = { C1 = "1100.10", C2 = "0.00", C3 = "0.00", none = "0.00" },
  last_touch = { C1 = "0.00", C2 = "100.00", C3 = "0.10", none = "1000.00" },
  linear = { C1 = "450.04", C2 = "250.03", C3 = "200.03", none = "200.00" },
  u_shaped = { C1 = "516.71", C2 = "116.69", C3 = "66.70", none = "400.00" },
  w_shaped = { C1 = "690.09", C2 = "310.01", C3 = "50.00", none = "50.00" },
  full_path = { C1 = "525.07", C2 = "250.01", C3 = "100.02", none = "225.00" },
  time_decay = { C1 = "134.43", C2 = "155.17", C3 = "252.66", none = "557.84" },
}
for model, per in pairs(want) do
  local sum = m(0)
  for camp, amount in pairs(per) do
    t:eq(c[camp][model], m(amount), model .. " " .. camp)
    sum = sum + c[camp][model]
  end
  t:eq(sum, m("1100.10"), model .. ": credits add up to the touched deals exactly")
end
t:eq(c.C1.touches, 4, "C1 touches: T1 T3 T7 T9")
t:eq(c.C1.deals, 3, "C1 touched three deals")
t:eq(c.C2.touches, 3, "T6 after the close does not count")
t:eq(c.none.deals, 1, "touches without a campaign group together")
t:eq(s.won, m("1600.10"), "won in the quarter")
t:eq(s.attributed, m("1100.10"), "attributed")
t:eq(s.unattributed, m("500.00"), "A4 had no touches")
t:eq(s.deals, 4, "won deals")
t:eq(s.deals_without_touches, 1, "A4")
t:eq(s.attributed + s.unattributed, s.won, "nothing is lost")

-- by activity type
local ty = {}
for _, r in ipairs(M.attribution(revl.deals, { by = "type", models = { "first_touch" } })) do
  ty[r.type] = r
end
t:eq(ty.web.first_touch, m("1100.10"), "every first touch was a web visit")
t:eq(ty.email.first_touch, m(0), "no first emails")

-- only some touches
local em = {}
local ef, es = M.attribution(revl.deals, { types = { "email" }, model = "linear" })
for _, r in ipairs(ef) do em[r.campaign] = r end
t:eq(em.C1.linear, m("1000.00"), "A1's only email touch")
t:eq(em.C2.linear, m("100.05"), "A2 T8, and half of A3")
t:eq(em.C3.linear, m("0.05"), "the other half of A3")
t:eq(table.concat(ef.columns, ","), "campaign,period,linear,touches,deals", "one model")
t:eq(es.unattributed, m("500.00"), "A4 still untouched")

-- without lead touches (and so without a lead-creation milestone)
local nl = {}
for _, r in ipairs(M.attribution(revl.deals, { lead_touches = false, model = "linear" })) do
  nl[r.campaign or "none"] = r
end
t:eq(nl.C1.linear, m("383.38"), "A1: T3 gets the extra cent (33334), + 50 + 0.04")
-- time decay half-life
local hl = {}
for _, r in ipairs(M.attribution(revl.deals, { model = "time_decay", half_life = 1e9 })) do
  hl[r.campaign or "none"] = r
end
t:eq(hl.C1.time_decay, m("450.03"), "an endless half-life is nearly linear (A3's extra cent goes to its latest touch)")
t:eq(hl.C3.time_decay, m("200.04"), "C3 gets it")

-- all quarters
local all = M.attribution(revl.deals, { period = "year", model = "first_touch" })
t:eq(#all, 4, "2025: C1 C2 C3 and no campaign (A6 has no touches)")
t:err(function() M.attribution(revl.deals, { model = "z_shaped" }) end, "unknown model", "model names")
return t:done()
