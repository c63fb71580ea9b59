-- revl: --data tests/lua/metrics_fx --as-of 2025-05-15
-- Money of different currencies never adds up: there is no FX table.
local t = revl.testing("metrics: currencies")
local M, deals = revl.metrics, revl.deals
local m = revl.money

t:err(function() M.weighted_pipeline(deals) end, "mixes EUR and USD", "one sum, two currencies")
t:err(function() M.deal_size(deals) end, "no FX table", "the error says why")
t:err(function() M.win_rate(deals) end, "mixes", "win rate by value")
t:err(function() M.mrr(revl.subscriptions) end, "mixes EUR and USD", "recurring revenue")
-- per currency (or per owner, each in one currency) is fine
local wp = {}
for _, r in ipairs(M.weighted_pipeline(deals, { by = "currency" })) do wp[r.currency] = r end
t:eq(wp.EUR.weighted, m(50, "EUR"), "EUR: 100 x 0.5")
t:eq(wp.USD.weighted, m(100, "USD"), "USD: 200 x 0.5")
t:eq(wp.JPY.weighted, m(25, "JPY"), "JPY has no minor unit: 50 x 0.5 = 25")
local wr = {}
for _, r in ipairs(M.win_rate(deals, { by = "owner" })) do wr[r.owner] = r end
t:eq(wr.R1.won_amount, m(300, "EUR"), "R1 in euros")
t:eq(wr.R2.won_amount, m(400, "USD"), "R2 in dollars")
local ds = M.deal_size(deals:where({ currency = "EUR" }))[1]
t:eq(ds.avg_won, m(300, "EUR"), "a filtered view is one currency")
-- a quota in another currency than the deals is an error too
t:err(function() M.coverage(deals:where({ currency = "EUR" }), { quota = m(1000, "USD") }) end,
      "mixes", "quota currency")
local cov = M.coverage(deals:where({ currency = "EUR" }), { quota = 1000 })[1]
t:eq(cov.quota, m(1000, "EUR"), "a number quota takes the deals' currency")
return t:done()
