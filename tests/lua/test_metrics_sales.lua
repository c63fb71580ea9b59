-- revl: --data tests/lua/metrics_pipeline --as-of 2025-05-15
-- Sales performance metrics against tests/lua/metrics_pipeline (as_of
-- 2025-05-15, current quarter 2025-Q2), worked out by hand.
local t = revl.testing("metrics: sales performance")
local M, deals = revl.metrics, revl.deals
local m = revl.money

local function by(frame, col)
  local idx = {}
  for _, r in ipairs(frame) do idx[r[col] == nil and "nil" or r[col]] = r end
  return idx
end

-- ---- win rate --------------------------------------------------------------------
-- closed in Q2: D01 won (R1), D04 lost + D06 won (R2), D14 won (R4)
local wr = by(M.win_rate(deals, { by = "owner" }), "owner")
t:eq(wr.R1.win_rate, 1.0, "R1 won its only closed deal")
t:eq(wr.R2.won, 1, "R2 won")
t:eq(wr.R2.lost, 1, "R2 lost")
t:eq(wr.R2.win_rate, 0.5, "R2 by count")
t:near(wr.R2.win_rate_value, 30000 / 38000, 1e-12, "R2 by value")
t:eq(wr.R2.won_amount, m("30000.00"), "R2 won amount")
t:eq(wr.R2.lost_amount, m("8000.00"), "R2 lost amount")
t:eq(wr.R3, nil, "R3 closed nothing in Q2: no row")
local wq = M.win_rate(deals, { period = "quarter", periods = 2 })
t:eq(#wq, 2, "two quarters")
t:eq(wq[1].period, "2025-Q1", "Q1 first")
t:near(wq[1].win_rate, 2 / 3, 1e-12, "Q1: D10 D13 won, D11 lost")
t:eq(wq[1].win_rate_value, 0.8, "Q1 by value: 10000 / 12500")
t:eq(wq[2].win_rate, 0.75, "Q2: 3 won, 1 lost")
local wh = M.win_rate(deals, { from = "2025-01-01", to = "2025-06-30" })
t:eq(#wh, 1, "one window")
t:eq(wh[1].period, "2025-01-01..2025-06-30", "labelled by its dates")
t:near(wh[1].win_rate, 5 / 7, 1e-12, "first half of 2025")
local we = M.win_rate(deals, { from = "2030-01-01", to = "2030-12-31" })
t:eq(#we, 1, "an empty window still has its row")
t:eq(we[1].won, 0, "nothing won")
t:eq(we[1].win_rate, nil, "0 / 0 is nil, not 0 or NaN")
t:eq(we[1].win_rate_reason, "no closed deals", "with a reason")
t:eq(we[1].win_rate_value_reason, "no closed deals", "by value too")
local wt = by(M.win_rate(deals, { by = { "owner.team", "owner" }, period = "year" }), "owner")
t:eq(wt.R2["owner.team"], "East", "keys through a reference")
t:eq(wt.R2.period, "2025", "year label")
t:eq(wt.R2.won, 2, "R2 won D06 and D10 in 2025")

-- ---- deal size -------------------------------------------------------------------
local ds = M.deal_size(deals)[1]
t:eq(ds.won, 3, "won deals in Q2")
t:eq(ds.avg_won, m("13500.00"), "40500 / 3")
t:eq(ds.median_won, m("10000.00"), "median of 500 10000 30000")
local d1 = M.deal_size(deals, { from = "2025-01-01", to = "2025-03-31" })[1]
t:eq(d1.median_won, m("5000.00"), "median of two: their mean")
local d2 = M.deal_size(deals, { from = "2025-01-01", to = "2025-06-30" })[1]
t:eq(d2.avg_won, m("10100.00"), "50500 / 5")
t:eq(d2.median_won, m("6000.00"), "median of five")
local d3 = M.deal_size(deals, { from = "2030-01-01", to = "2030-01-31" })[1]
t:eq(d3.avg_won, nil, "no won deals: no average")
t:eq(d3.avg_won_reason, "no won deals with an amount", "reason")

-- ---- sales cycle (created -> closed won, whole days) ------------------------------
local sc = M.sales_cycle(deals)[1]
t:eq(sc.cycle_deals, 3, "won in Q2")
t:near(sc.cycle_days_mean, (95 + 61 + 29) / 3, 1e-12, "mean: D01 95, D06 61, D14 29 days")
t:eq(sc.cycle_days_median, 61.0, "median")
local sl = M.sales_cycle(deals, { period = "year", from = "2024-01-01", to = "2024-12-31" })[1]
t:eq(sl.period, "2024", "2024")
t:eq(sl.cycle_days_mean, 2.0, "Feb 28 -> Mar 1 in a leap year is 2 days")

-- ---- velocity: open deals x average won x win rate / cycle -------------------------
local v = M.velocity(deals)[1]
t:eq(v.open_deals, 7, "open deals now")
t:eq(v.win_rate, 0.75, "Q2 win rate")
t:eq(v.avg_won, m("13500.00"), "Q2 average won")
-- 7 x 13500 x 0.75 / (185 / 3) = 1149.324... per day
t:eq(v.velocity, m("1149.32"), "velocity per day, exact to the cent")
local vo = by(M.velocity(deals, { by = "owner" }), "owner")
t:eq(vo.R2.open_deals, 1, "R2 open")
-- R2: 1 x 30000 x 0.5 / 61
t:eq(vo.R2.velocity, m("245.90"), "R2 velocity")
t:eq(vo.R4.open_deals, 1, "R4 open")
t:eq(vo.R4.velocity, m("17.24"), "R4: 1 x 500 x 1 / 29")

-- ---- performance: all of the above in one pass --------------------------------------
local p = by(M.performance(deals, { by = "owner" }), "owner")
t:eq(p.R2.win_rate, 0.5, "performance win rate")
t:eq(p.R2.avg_won, m("30000.00"), "performance average")
t:eq(p.R2.cycle_days_median, 61.0, "performance cycle")
t:eq(p.R2.velocity, m("245.90"), "performance velocity")

-- ---- stage conversion (from stage_history) -------------------------------------------
local stages = { "Prospecting", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won" }
local sc2 = by(M.stage_conversion(deals, { stages = stages }), "stage")
t:eq(sc2.Prospecting.entered, 6, "deals that entered Prospecting")
t:eq(sc2.Prospecting.to_next, 5, "then entered Discovery (not D09)")
t:eq(sc2.Prospecting.to_later, 6, "then any later stage")
t:near(sc2.Prospecting.conversion_next, 5 / 6, 1e-12, "conversion to the next stage")
t:eq(sc2.Prospecting.won, 2, "won: D01 D06")
t:eq(sc2.Discovery.entered, 5, "Discovery")
t:eq(sc2.Discovery.to_next, 1, "Demo after Discovery: only D02 (D06 went back)")
t:eq(sc2.Discovery.to_later, 3, "a later stage: D01 D02 D06")
t:eq(sc2.Demo.conversion_next, 1.0, "Demo -> Proposal")
t:eq(sc2.Proposal.entered, 4, "Proposal (D12 twice counts once)")
t:eq(sc2.Proposal.conversion_later, 0.75, "Proposal -> later")
t:eq(sc2.Negotiation.to_next, 0, "nobody won from Negotiation")
t:eq(sc2["Closed Won"].conversion_next, nil, "the last stage has no next")
t:eq(sc2["Closed Won"].conversion_next_reason, "last stage", "reason")
t:eq(sc2["Closed Won"].position, 6, "position")
local inferred = M.stage_conversion(deals)
t:eq(inferred[1].stage, "Prospecting", "inferred order starts with Prospecting")
t:eq(inferred[#inferred].stage, "Closed Lost", "closing stages last, lost after won")
local sco = M.stage_conversion(deals, { stages = stages, by = "owner" })
t:eq(#sco, 3 * #stages, "a row per owner with history (R3 has none) and stage, empty ones too")

-- ---- time in stage ------------------------------------------------------------------
local ts = by(M.time_in_stage(deals, { stages = stages }), "stage")
t:eq(ts.Prospecting.deals, 6, "Prospecting stays")
t:near(ts.Prospecting.mean_days, 83 / 6, 1e-12, "mean")
t:eq(ts.Prospecting.median_days, 10.0, "median")
t:near(ts.Prospecting.p90_days, 22.5, 1e-12, "p90")
t:eq(ts.Discovery.median_days, 26.0, "Discovery median (D05 open: to as_of)")
t:near(ts.Discovery.p90_days, 60.8, 1e-9, "Discovery p90")
t:eq(ts.Proposal.mean_days, 39.75, "Proposal mean (D12's two stays are one)")
t:eq(ts.Proposal.median_days, 35.0, "Proposal median")
t:eq(ts.Negotiation.p90_days, 70.0, "Negotiation p90")
t:eq(ts["Closed Won"].deals, 0, "a closing stage has no length")
t:eq(ts["Closed Won"].median_days, nil, "so no median")
local tn = by(M.time_in_stage(deals, { stages = stages, current = false }), "stage")
t:eq(tn.Negotiation.deals, 0, "current = false: open deals' current stages are left out")

-- ---- stage aging --------------------------------------------------------------------
local ag, aged = M.stage_aging(deals, { days = 30 })
t:eq(ag[1].open_deals, 7, "open deals")
t:eq(ag[1].aged, 4, "in their stage more than 30 days")
t:eq(ag[1].aged_amount, m("24345.77"), "their amount")
t:eq(ag[1].max_days, 75, "longest")
t:eq(ag[1].unknown_age, 0, "every open deal has a history row or created_at")
t:eq(#aged, 4, "the aged deals")
t:eq(aged[1].id, "D03", "longest first (no history: since created)")
t:eq(aged[1].days_in_stage, 75, "D03 days")
t:eq(aged[2].id, "D09", "ties in file order")
t:eq(aged[3].id, "D05", "D05: Discovery since Apr 10")
t:eq(aged[3].days_in_stage, 35, "D05 days")
t:eq(tostring(aged[3].entered_at), "2025-04-10T00:00:00Z", "entered_at")
local ago = by(M.stage_aging(deals, { days = 30, by = "owner" }), "owner")
t:eq(ago.R4.aged, 0, "D12 re-entered Proposal on May 1: 14 days")
t:eq(ago.R4.max_days, 14, "R4")
t:err(function() M.stage_aging(deals, {}) end, "needs days", "days is required")

-- ---- slipped deals ------------------------------------------------------------------
local sd, slipped = M.slipped_deals(deals)
t:eq(sd[1].slipped, 2, "pushed out of Q2: D09, D12")
t:eq(sd[1].slipped_amount, m("8000.00"), "their amount")
t:eq(sd[1].days_pushed_mean, 61.0, "(30 + 92) / 2")
t:eq(slipped[1].id, "D09", "D09")
t:eq(tostring(slipped[1].from_date), "2025-06-15", "was closing in Q2")
t:eq(tostring(slipped[1].to_date), "2025-07-15", "now in Q3")
t:eq(slipped[2].days_pushed, 92, "D12: from its last Q2 date")
local so = by(M.slipped_deals(deals, { by = "owner" }), "owner")
t:eq(so.R1.slipped, 1, "R1")
t:eq(so.R2, nil, "R2 has no history of slipping")

return t:done()
