-- revl: --data tests/lua/data --as-of 2025-06-30
-- revl.metrics.waterfall with a date as its first argument: the before
-- side rebuilt from stage_history at the start of that day
-- (revl_deals_snapshot_at), the after side the deals that have a history.
-- Worked out by hand from tests/lua/data: D1, D2, D3 have a history, D4-D8
-- none.
local t = revl.testing("metrics: waterfall from the stage history")
local M = revl.metrics
local m = revl.money

-- On Apr 1: D1 already won (Feb 1), D3 lost (Mar 30), D2 in Prospecting
-- at 2000.00; now D2 is in Negotiation at 2500.00.
local wf, tot = M.waterfall("2025-04-01", revl.deals)
t:eq(tot.start, m(2000), "start: D2 at its history amount")
t:eq(tot.increased, m(500), "D2 grew to 2500")
t:eq(tot.created, m(0), "nothing created")
t:eq(tot.won, m(0), "D1 was won before the window")
t:eq(tot["end"], m(2500), "end: D2")
t:eq(table.concat(tot.ids.increased, ","), "D2", "the deal behind it")
t:eq(#wf, 1, "one row without by")

-- a revl.date works too; by owner (the snapshot keeps the deals' owner)
local byo = M.waterfall(revl.date("2025-04-01"), revl.deals, {by = "owner"})
t:eq(byo[1].owner, "R1", "R1's row")
t:eq(byo[1]["end"], m(2500), "R1 ends with D2")

-- before every history row: D2 is created (D1 and D3 closed in the window,
-- never in scope)
local _, early = M.waterfall("2025-01-01", revl.deals)
t:eq(early.start, m(0), "nothing open on Jan 1")
t:eq(early.created, m(2500), "D2 created")
t:eq(early["end"], m(2500), "end: D2")

-- on Feb 15: D1 won since Feb 1, D3 open in Prospecting at 4000.00, lost
-- on Mar 30
local _, feb = M.waterfall("2025-02-15", revl.deals)
t:eq(feb.start, m(4000), "D3 open then")
t:eq(feb.lost, m(4000), "D3 lost")
t:eq(feb.created, m(2500), "D2 created after Feb 15")

-- bad input
t:err(function() return M.waterfall("2025-02-30", revl.deals) end, "not a date",
      "an impossible date")
t:err(function() return M.waterfall("2025-04-01", revl.accounts) end,
      "accounts has no column 'is_closed'", "not deals")
t:err(function() return M.waterfall("2025-04-01", revl.deals, {by = "account.segment"}) end,
      "deals has no column 'account.segment'", "the snapshot has no foreign keys")
t:err(function() return M.waterfall(42, revl.deals) end, "argument 1 must be a table or view",
      "a number is neither a view nor a date")
return t:done()
