-- examples/revops.lua -- the main example (`make run`): the shipped
-- playbooks in rules/ run over one data set, with a one-screen summary
-- and their decision logs and tables under --out.
--   revl run examples/revops.lua --data examples/data --as-of 2025-12-31 --out examples/out
local icp = require("icp")
local routing = require("routing")
local sla = require("sla")
local funnel = require("funnel")
local expansion = require("expansion")

local function title(s) print(); print(s); print(("-"):rep(#s)) end

print(("RevOps run as of %s: %d accounts, %d deals, %d leads, %d reps")
  :format(revl.as_of, #revl.accounts, #revl.deals, #revl.leads, #revl.reps))

-- ICP: tiers and fit x engagement labels, every score with its reasons
title("ICP tiers")
local scores = icp.score()
local tiers = {}
for i = 1, #scores do local t = scores[i].tier; tiers[t] = (tiers[t] or 0) + 1 end
for _, t in ipairs{"A", "B", "C", "D"} do
  print(("  tier %s  %5d accounts"):format(t, tiers[t] or 0))
end
print(("  e.g. %s: %s"):format(scores[1].id, scores[1].reasons))
revl.log(scores, "icp_decisions")

-- Routing: new leads to reps, with each assignment's trail
title("Lead routing: assignments by rep")
local router = routing.router()
local routed = router:route(revl.leads)
revl.show(routed:by_owner(), {rows = 8})
routed:to_csv("assignments.csv")
router:save_state("routing_state.json")

-- SLA: speed to lead in business hours
title("SLA compliance by team")
local s = sla.speed_to_lead()
local ledger = s:ledger()
revl.show(s:compliance(ledger, "team"))
ledger:to_csv("sla_ledger.csv")

-- Funnel: deals whose recorded stage breaks the stage rules
title("Opportunity funnel: violations by stage")
local opp = funnel.opportunity()
local audit = opp:audit()
revl.show(opp:summary(audit), {rows = 10})
audit:to_csv("funnel_audit.csv")

-- Expansion and risk signals for customers
title("Expansion and risk events")
local events = expansion.events()
local by = {}
for i = 1, #events do by[events[i].type] = (by[events[i].type] or 0) + 1 end
local types = {}
for k in pairs(by) do types[#types + 1] = k end
table.sort(types)
for _, k in ipairs(types) do print(("  %-20s %4d accounts"):format(k, by[k])) end
revl.log(events, "expansion_events")

print()
print("outputs in " .. revl.out_dir() .. "/")
