-- revl: --data tests/lua/stage_order --as-of 2025-06-30
-- Stages sort in funnel order: the mapping's stages = {open, won, lost}
-- (tests/lua/stage_order/mapping.lua), then a funnel definition, which
-- replaces it; unknown stages last, by name; an explicit sort_by and a
-- metric's stages = {...} still decide.  Deals: D1 Discovery, D2
-- Proposal, D3 Closed Won, D4 Closed Lost, D5 Zeta, D6 Alpha, D7
-- Discovery (owners R1: D1 D2 D5, R2: D3 D4 D6 D7).
local t = revl.testing("stage order")

local function col(frame, name)
  local out = {}
  for _, r in ipairs(frame) do out[#out + 1] = tostring(r[name]) end
  return table.concat(out, ",")
end

-- ---- from the mapping ------------------------------------------------------
local g = revl.deals:group_by("stage")
t:eq(col(g, "stage"), "Discovery,Proposal,Closed Won,Closed Lost,Alpha,Zeta",
     "group_by: mapping order, unknown stages last by name")
t:eq(col(g, "n"), "2,1,1,1,1,1", "counts stay with their stage")
t:eq(col(revl.deals:group_by("owner", "stage"), "stage"),
     "Discovery,Proposal,Zeta,Discovery,Closed Won,Closed Lost,Alpha",
     "a second key: funnel order within each owner")
t:eq(col(revl.deals:group_by("stage"):sort_by("stage"), "stage"),
     "Alpha,Closed Lost,Closed Won,Discovery,Proposal,Zeta", "an explicit sort_by is by name")
t:eq(col(revl.deals:group_by("stage"):sort_by("n", "desc"), "stage"),
     "Discovery,Proposal,Closed Won,Closed Lost,Alpha,Zeta", "sort_by another column (stable)")
t:eq(col(revl.stage_history:group_by("stage"), "stage"),
     "Discovery,Proposal,Closed Won,Closed Lost,Alpha,Zeta", "stage_history.stage follows deals.stage")
t:eq(col(revl.stage_history:group_by("deal.stage"), "deal.stage"),
     "Discovery,Proposal,Closed Won,Closed Lost,Alpha,Zeta", "through a reference")
t:eq(col(revl.deals:group_by("owner"), "owner"), "R1,R2", "other keys: by value")

-- the stage metrics
local conv = revl.metrics.stage_conversion(revl.deals)
t:eq(col(conv, "stage"), "Discovery,Proposal,Closed Won,Closed Lost,Alpha,Zeta",
     "stage_conversion: the declared order, not inferred")
t:eq(col(conv, "to_next"), "2,1,0,0,0,0", "conversion follows that order")
local conv2 = revl.metrics.stage_conversion(revl.deals, { stages = { "Proposal", "Discovery" } })
t:eq(col(conv2, "stage"), "Proposal,Discovery", "stages = {...} still decides")
local aging = revl.metrics.stage_aging(revl.deals, { days = 30, by = "stage" })
t:eq(col(aging, "stage"), "Discovery,Proposal,Alpha,Zeta", "stage_aging by stage: funnel order")
t:eq(col(revl.metrics.win_rate(revl.deals, { by = "stage" }), "stage"),
     "Closed Won,Closed Lost", "a metric's by = stage: funnel order")

-- ---- a funnel definition replaces it -----------------------------------------
revl.funnel {
  name = "odd", records = "deals", terminal = { "Closed Won" },
  stages = { { name = "Proposal" }, { name = "Discovery", values = { "Discovery", "Zeta" } } },
}
t:eq(col(revl.deals:group_by("stage"), "stage"), "Proposal,Discovery,Zeta,Closed Won,Alpha,Closed Lost",
     "funnel order: stage values, terminal values, then the rest by name")
t:eq(col(revl.metrics.stage_conversion(revl.deals), "stage"),
     "Proposal,Discovery,Zeta,Closed Won,Alpha,Closed Lost", "stage metrics follow the funnel")
-- a funnel on another field leaves deals.stage alone
revl.funnel { name = "fc", records = "deals", stage_field = "owner", stages = { { name = "R2" }, { name = "R1" } } }
t:eq(col(revl.deals:group_by("owner"), "owner"), "R2,R1", "a funnel over owner orders owner")
t:eq(col(revl.deals:group_by("stage"), "stage"), "Proposal,Discovery,Zeta,Closed Won,Alpha,Closed Lost",
     "and not stage")

return t:done()
