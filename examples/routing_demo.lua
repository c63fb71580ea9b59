-- examples/routing_demo.lua -- route inbound leads and show who got what, and why.
--
--   build/revl run examples/routing_demo.lua --data examples/data --as-of 2026-01-01 --out examples/out
--
-- The router below uses every strategy: a queue, the account owner (by
-- domain, email domain or company name), the lead's own owner, a
-- territory map to teams with round robin inside each team, a weighted
-- pool and the SDR team by lowest count; with daily caps from
-- reps.capacity and a fallback queue.  rules/routing.lua ships a ready-made
-- router (`require("routing")` from your own playbooks).
local router = revl.router {
  name = "example inbound",
  records = "leads",
  caps = { day = "capacity", week = 60 },
  rules = {
    { name = "partners", when = { source = "Partner" }, queue = "Partner desk" },
    { name = "known account", account_owner = true, overflow = "next" },
    { name = "has owner", when = { status = { "Working", "MQL", "SQL" } }, owner_field = "owner",
      overflow = "next" },
    { name = "emea", territory = { country = { GB = "AE EMEA", DE = "AE EMEA", FR = "AE EMEA",
                                               NL = "AE EMEA", ES = "AE EMEA" } } },
    { name = "big americas", when = { country = { "US", "CA" }, source = "Inbound" },
      pool = { R0001 = 2, R0005 = 1 } },  -- weighted 2:1
    { name = "sdr", team = "SDR", mode = "lowest" },
  },
  fallback = "Unassigned",
}

local res = router:route()
print(("%d leads routed"):format(#res))
print("")
print("assignments by rule")
revl.show(res:by_rule())
print("")
print("assignments by rep")
revl.show(res:by_owner(), { rows = 30 })

-- the trail of one assignment with skipped candidates, if any
for i = 1, #res do
  local a = res:get(i)
  if a.n_skipped > 0 then
    print("")
    print("why " .. a.id .. " went to " .. a.owner .. ":")
    print(res:explain(i))
    break
  end
end

res:to_csv("routing_assignments.csv")
router:save_state("routing_state.json")
print("")
print("wrote routing_assignments.csv and routing_state.json under " .. revl.out_dir())
