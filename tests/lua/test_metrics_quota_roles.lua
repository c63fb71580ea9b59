-- revl: --data tests/lua/metrics_roles --as-of 2025-05-15
-- Coverage and attainment count the quotas of quota-carrying roles only
-- (docs/metrics.md "Quota roles"): SDRs, CSMs and managers (whose quota
-- is their team's roll-up) are left out by default, `roles` names the
-- roles that count, `roles = "all"` counts every rep; the frame's
-- quota_reps says how many reps' quotas were summed.  Q2 2025 is a
-- quarter of each annual quota; figures worked out by hand.
local t = revl.testing("metrics: quota roles")
local M, deals = revl.metrics, revl.deals
local m = revl.money

local function by(frame, col)
  local idx = {}
  for _, r in ipairs(frame) do idx[r[col]] = r end
  return idx
end

-- default: R1 (AE) 100,000 + R2 (Account Executive) 50,000 + R6 (no
-- role: counts) 30,000; not R3 (SDR), R4 (Sales Manager), R5 (csm)
local c = M.coverage(deals)[1]
t:eq(c.quota, m("180000.00"), "default: quota-carrying roles only")
t:eq(c.quota_reps, 3, "three reps' quotas summed")
t:eq(c.won, m("40000.00"), "won in Q2")
t:eq(c.pipeline, m("55000.00"), "every open deal counts, the SDR's too")
t:near(c.coverage, 55000 / 140000, 1e-12, "coverage against AE quota")

local all = M.coverage(deals, { roles = "all" })[1]
t:eq(all.quota, m("375000.00"), "roles = all: every rep")
t:eq(all.quota_reps, 6, "six reps")

local ae = M.coverage(deals, { roles = { "AE" } })[1]
t:eq(ae.quota, m("100000.00"), "roles = {AE}: exact role names")
t:eq(ae.quota_reps, 1, "one rep")
local two = M.coverage(deals, { roles = { "ae", "account-executive" } })[1]
t:eq(two.quota, m("150000.00"), "case and punctuation ignored")

local co = by(M.coverage(deals, { by = "owner" }), "owner")
t:eq(co.R4, nil, "a manager without deals gets no row")
t:eq(co.R3.quota, nil, "the SDR's deal: no quota")
t:eq(co.R3.coverage_reason, "no quota", "with the reason")
t:eq(co.R1.quota_reps, 1, "one rep per owner")

local at = by(M.quota_attainment(deals), "owner")
t:near(at.R1.attainment, 0.3, 1e-12, "R1 attainment")
t:near(at.R2.attainment, 0.2, 1e-12, "R2 attainment")
t:eq(at.R6.attainment, 0.0, "R6: nothing won")
t:eq(at.R4, nil, "managers are not ranked against a roll-up quota")
local at_all = by(M.quota_attainment(deals, { roles = "all" }), "owner")
t:eq(at_all.R4.attainment, 0.0, "roles = all: the manager too")

t:err(function() M.coverage(deals, { roles = 5 }) end,
      "roles must be a list of role names or \"all\", not number", "roles: wrong type")
t:err(function() M.coverage(deals, { roles = "AE" }) end, "not AE", "roles: a string other than all")
t:err(function() M.coverage(deals, { roles = {} }) end, "names no role", "roles: empty")
t:err(function() M.coverage(deals, { roles = { 1 } }) end, "list of role names", "roles: not names")
t:err(function() M.coverage(deals, { role = "all" }) end, "did you mean 'roles'", "misspelt")
t:done()
