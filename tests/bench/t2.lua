-- tests/bench/t2.lua -- T2 weighted pipeline: open deals only; per owner
-- the sum of amount x p(stage), each deal rounded half away from zero to
-- the cent, the sums exact.
-- open deals weighted by stage, per owner: the metric is computed in C,
-- rounding each deal's weighted amount to the cent (docs/metrics.md)
local f = revl.metrics.weighted_pipeline(revl.deals, {
  by = "owner",
  probabilities = {Prospecting = 0.1, Discovery = 0.2, Demo = 0.4, Proposal = 0.6,
                   Negotiation = 0.8},
})
local out = {}
for _, r in ipairs(f) do out[#out + 1] = {owner = r.owner, weighted_total = r.weighted} end
revl.write_csv("t2.csv", out, {"owner", "weighted_total"})
