-- revl: --data tests/lua/no_close --as-of 2025-06-30
-- Metrics use what the export has (docs/metrics.md "Without close_date"):
-- tests/lua/no_close is a deals export with no close date.  The closed-
-- deal metrics then cover all time; a window is an error; the cycle runs
-- to any date column named by cycle_to.  By hand:
--   owner  won  lost  won amt  lost amt  cycles (days)      open
--   Ann    H-1  H-2   1200.00  800.00    H-1 01/02-01/22 20  H-6
--   Bob    H-3  H-5    400.00  100.00    H-3 30, H-4 3
--          H-4
--   Cy     H-7          50.00            (no signing date)
local t = revl.testing("metrics without close_date")
local m = revl.metrics

local wr = m.win_rate(revl.deals)
t:eq(#wr, 1, "one row: all time")
t:eq(wr[1].won, 4, "won")
t:eq(wr[1].lost, 2, "lost")
t:eq(wr[1].won_amount.minor, 165000, "won amount, exact")
t:eq(wr[1].lost_amount.minor, 90000, "lost amount")
t:near(wr[1].win_rate, 4 / 6, 1e-12, "win rate 4/6")
t:near(wr[1].win_rate_value, 1650 / 2550, 1e-12, "win rate by value")
t:eq(#m.win_rate(revl.deals, {period = "all"}), 1, "period = 'all' is the same")

local by = m.win_rate(revl.deals, {by = "owner"}):index("owner")
t:near(by.Ann.win_rate, 0.5, 1e-12, "Ann 1 of 2")
t:near(by.Bob.win_rate, 2 / 3, 1e-12, "Bob 2 of 3")
t:eq(by.Cy.win_rate, 1, "Cy 1 of 1")

local ds = m.deal_size(revl.deals, {by = "owner"}):index("owner")
t:eq(ds.Bob.avg_won.minor, 20000, "Bob's average won deal")
t:eq(ds.Bob.median_won.minor, 20000, "Bob's median won deal")
t:eq(ds.Ann.avg_won.minor, 120000, "Ann's")

-- the cycle to a date column of the export
local cy = m.sales_cycle(revl.deals, {by = "owner", cycle_to = "signed_on"}):index("owner")
t:eq(cy.Ann.cycle_deals, 1, "Ann: one timed cycle")
t:eq(cy.Ann.cycle_days_mean, 20, "01/02 -> 01/22")
t:eq(cy.Bob.cycle_deals, 2, "Bob: two")
t:eq(cy.Bob.cycle_days_mean, 16.5, "(30 + 3) / 2")
t:eq(cy.Bob.cycle_days_median, 16.5, "median of two")
t:eq(cy.Cy.cycle_deals, 0, "Cy's won deal has no signing date")
t:eq(cy.Cy.cycle_days_mean_reason, "no won deals with both created_at and signed_on",
     "and the frame says why")

-- performance: everything it can; the cycle and velocity say what is missing
local pf = m.performance(revl.deals, {by = "owner"}):index("owner")
t:eq(pf.Ann.won, 1, "performance: won")
t:eq(pf.Ann.open_deals, 1, "open deals")
t:eq(pf.Ann.velocity, nil, "no velocity without a cycle end")
t:eq(pf.Ann.velocity_reason, "deals has no close_date (cycle_to names the end)", "why")
local pv = m.performance(revl.deals, {by = "owner", cycle_to = "signed_on"}):index("owner")
t:eq(pv.Ann.velocity.minor, 3000, "1 open x 1200.00 x 1/2 / 20 days")
t:eq(m.velocity(revl.deals, {cycle_to = "signed_on"})[1].velocity.minor, 1557,
     "velocity over all: 1 open x 412.50 x 4/6 / (53/3 days) = 15.566")

-- bad input
t:err(function() m.win_rate(revl.deals, {period = "quarter"}) end,
      "no column 'close_date', so closed deals cannot be put in periods", "a period needs it")
t:err(function() m.win_rate(revl.deals, {from = "2025-01-01"}) end,
      "cannot be put in a window", "a window needs it")
t:err(function() m.win_rate(revl.deals, {periods = 2}) end, "cannot be put in a window",
      "periods too")
t:err(function() m.sales_cycle(revl.deals) end,
      "no column 'close_date' to end the cycle; name the column that does: cycle_to", "no end")
t:err(function() m.velocity(revl.deals) end, "cycle_to", "velocity needs an end too")
t:err(function() m.sales_cycle(revl.deals, {cycle_to = "signd_on"}) end,
      "did you mean 'signed_on'", "a mistyped column")
t:err(function() m.sales_cycle(revl.deals, {cycle_to = "amount"}) end, "amount",
      "a column that is not a date")
t:err(function() m.sales_cycle(revl.deals, {cycle_to = 3}) end,
      "cycle_to must be a column name, not a number", "not a name")
t:err(function() m.win_rate(revl.deals, {cycle_to = "signed_on"}) end,
      "unknown option 'cycle_to'", "win_rate has no cycle")
t:done()
