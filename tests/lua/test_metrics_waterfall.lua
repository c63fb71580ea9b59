-- revl: --data tests/lua/metrics_waterfall/before --as-of 2025-05-01
-- The pipeline waterfall between two snapshots (two loads of deals).
-- Every bucket is worked out by hand; the identity
--   start + created + pulled_in + increased - decreased - pushed - lost
--   - won + transfer_in - transfer_out = end
-- must hold exactly for every row.
local t = revl.testing("metrics: waterfall")
local M = revl.metrics
local m = revl.money

local before = revl.deals
assert(revl.load("tests/lua/metrics_waterfall/after"))
local after = revl.deals
t:ok(before ~= after, "two stores")

local function identity(r)
  return r.start + r.created + r.pulled_in + r.increased - r.decreased - r.pushed - r.lost
         - r.won + r.transfer_in - r.transfer_out
end

local function ids(list) return table.concat(list, ",") end

-- all open pipeline, by owner
local wf, tot = M.waterfall(before, after, { by = "owner" })
t:eq(#wf, 2, "two owners")
local r1, r2 = wf[1], wf[2]
t:eq(r1.owner, "R1", "R1 first")
t:eq(r1.start, m(6900), "R1 start: W1 W2 W3 W9")
t:eq(r1.increased, m(500), "W1 grew by 500")
t:eq(r1.won, m(2000), "W2 won")
t:eq(r1.lost, m(3000), "W3 lost")
t:eq(r1.transfer_out, m(900), "W9 moved to R2")
t:eq(r1.pulled_in, m(700), "W7 reopened")
t:eq(r1.created, m(0), "R1 created nothing open (W11 was won at once)")
t:eq(r1["end"], m(2200), "R1 end: W1 W7")
t:eq(identity(r1), r1["end"], "R1 identity")
t:eq(ids(r1.ids.won), "W2", "ids behind won")
t:eq(ids(r1.ids.lost), "W3", "ids behind lost")
t:eq(ids(r1.ids.transfer_out), "W9", "ids behind transfer out")
t:eq(ids(r1.ids.pulled_in), "W7", "ids behind pulled in")
t:eq(ids(r1.ids.increased), "W1", "ids behind increased")

t:eq(r2.start, m(15800), "R2 start: W4 W5 W6 W8")
t:eq(r2.decreased, m(1500), "W4 -500, W5 -1000")
t:eq(r2.lost, m(800), "W8 disappeared: lost")
t:eq(r2.removed, m(800), "and shown as removed")
t:eq(r2.transfer_in, m(900), "W9 arrived at its old amount")
t:eq(r2.increased, m(50), "and grew by 50 under R2")
t:eq(r2.created, m(1100), "W10 is new")
t:eq(r2["end"], m(15550), "R2 end")
t:eq(identity(r2), r2["end"], "R2 identity")
t:eq(ids(r2.ids.decreased), "W4,W5", "decreased ids")
t:eq(ids(r2.ids.removed), "W8", "removed ids")
t:eq(ids(r2.ids.created), "W10", "created ids")

t:eq(tot.start, m(22700), "total start")
t:eq(tot["end"], m(17750), "total end")
t:eq(tot.transfer_in, tot.transfer_out, "transfers cancel out in total")
t:eq(identity(tot), tot["end"], "total identity")
t:eq(ids(tot.ids.lost), "W3,W8", "total lost ids")

-- this quarter's pipeline only (close date in 2025-Q2)
local q = M.waterfall(before, after, { by = "owner", period = "quarter" })
local q2 = q[2]
t:eq(q2.period, "2025-Q2", "period column")
t:eq(q2.start, m(9800), "R2 Q2 start: W4 W5 W8 (W6 closes in Q3)")
t:eq(q2.pushed, m(4000), "W4 moved to July: pushed, at its start amount")
t:eq(q2.pulled_in, m(6000), "W6 moved into June: pulled in")
t:eq(q2["end"], m(12050), "R2 Q2 end")
t:eq(identity(q2), q2["end"], "R2 Q2 identity")
t:eq(identity(q[1]), q[1]["end"], "R1 Q2 identity")

-- no grouping
local all = M.waterfall(before, after)
t:eq(#all, 1, "one row")
t:eq(identity(all[1]), all[1]["end"], "identity")
t:eq(all[1].transfer_in, m(0), "no transfers without groups")

-- the same snapshot twice: nothing moves
local same = M.waterfall(after, after, { by = "owner" })
for _, r in ipairs(same) do
  t:eq(r.start, r["end"], "unchanged pipeline " .. r.owner)
  t:eq(#r.ids.created + #r.ids.lost, 0, "no movements " .. r.owner)
end
-- views of one store: a subset as the before snapshot
local sub = M.waterfall(after:where({ owner = "R1" }), after)
t:eq(sub[1].created, m(15550), "R2's open deals look created")
t:eq(identity(sub[1]), sub[1]["end"], "identity on views of one store")
return t:done()
