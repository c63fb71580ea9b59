-- revl: --data examples/data --as-of 2026-01-01
-- The shipped playbooks (rules/routing.lua, rules/funnel.lua,
-- rules/sla.lua) load with require and hold their invariants on the
-- generated example data.
local t = revl.testing("shipped playbooks")

-- routing ------------------------------------------------------------------
local routing = require("routing")
t:eq(type(routing.router), "function", "require('routing') finds rules/routing.lua")
local res = routing.router():route()
t:eq(#res, #revl.leads, "every lead routed")
local total, missing = 0, 0
for _, g in ipairs(res:by_owner()) do total = total + g.n end
t:eq(total, #res, "by_owner adds up")
-- daily caps hold: assignments per rep per UTC day <= reps.capacity
local cap = {}
for id, c in revl.reps:rows("id", "capacity") do cap[id] = c end
local per, over = {}, 0
for _, a in ipairs(res:rows()) do
  if a.owner == nil then missing = missing + 1 end
  if a.kind == "rep" and a.rule ~= "fallback" then
    local k = a.owner .. " " .. tostring(a.at.date)
    per[k] = (per[k] or 0) + 1
    if per[k] > cap[a.owner] then over = over + 1 end
  end
end
t:eq(missing, 0, "everyone has an owner or a queue")
t:eq(over, 0, "no rep above capacity on any day")
-- replay is identical, and so is routing in two runs with a saved state
local again = routing.router():route()
local same = true
for i = 1, #res do if res:get(i).owner ~= again:get(i).owner then same = false end end
t:ok(same, "replay gives identical assignments")
local leads = revl.leads
local cut = revl.datetime("2025-10-01T00:00:00Z")
local r1 = routing.router()
local p1 = r1:route(leads:where { { "created_at", "<", cut } })
r1:save_state("state/daily.json")
local r2 = routing.router():load_state("state/daily.json")
local p2 = r2:route(r2:pending())
t:eq(#p1 + #p2, #res, "pending() picks up after the saved state")
local split_same = true
for i = 1, #p1 do if p1:get(i).owner ~= res:get(i).owner then split_same = false end end
for i = 1, #p2 do if p2:get(i).owner ~= res:get(#p1 + i).owner then split_same = false end end
t:ok(split_same, "two runs with a saved state == one run")
-- every assignment explains itself
t:ok(res:explain(1):find("chosen") or res:explain(1):find("queue"), "trail")

-- funnels --------------------------------------------------------------------
local funnels = require("funnel")
local opp = funnels.opportunity()
local audit = opp:audit()
t:eq(#audit, #revl.deals, "one audit row per deal")
local n = 0
for _, s in ipairs(opp:summary(audit)) do n = n + s.records end
t:eq(n, #revl.deals, "summary adds up")
local st = opp:stage_table()
t:eq(#st, 6, "six opportunity stages")
local rising = true
for i = 2, #st do if st[i].probability < st[i - 1].probability then rising = false end end
t:ok(rising, "probabilities rise through the funnel")
local life = funnels.lead_lifecycle()
local la = life:audit()
t:eq(#la, #revl.leads, "one lifecycle row per lead")
t:eq(#life:stage_table(), 6, "lead -> MQL -> SQL -> opportunity -> customer -> renewal")
local unknown = 0
for _, a in ipairs(la) do if a.status == "unknown" then unknown = unknown + 1 end end
t:eq(unknown, 0, "every lead status maps to a stage or is closed")

-- SLAs -------------------------------------------------------------------------
local slas = require("sla")
local s = slas.speed_to_lead()
local ledger = s:ledger()
t:ok(#ledger > 0 and #ledger <= #revl.leads, "ledger rows")
local wrong = 0
for _, r in ipairs(ledger) do
  if (r.status == "met" or r.status == "open") ~= (r.minutes <= r.target_minutes) then wrong = wrong + 1 end
  if r.breached ~= (r.status == "breached" or r.status == "open_breached") then wrong = wrong + 1 end
end
t:eq(wrong, 0, "statuses agree with minutes and targets")
local c = 0
for _, g in ipairs(s:compliance(ledger, "owner")) do c = c + g.records end
t:eq(c, #ledger, "compliance by owner adds up")

return t:done()
