-- rules/routing.lua -- inbound lead routing, as shipped with revl.
--
-- A router for leads shaped like `revl gen` data (leads with email,
-- company, domain, country, source, owner, created_at; reps with team,
-- region, capacity, active, out_until).  Rules, first match wins:
--
--   1. "partner leads"     source = Partner            -> the "Partner desk" queue
--   2. "known account"     the lead's domain, email domain or company name
--                          matches an account           -> that account's owner
--                          (accounts.owner, else the owner of its latest deal)
--   3. "lead owner"        the lead already has an owner -> keep it
--   4. "territory"         country -> the AE team of its region (NA: AE East,
--                          LATAM: AE West, EMEA: AE EMEA, APAC: AE APAC; a
--                          region whose team has no reps falls back to another
--                          AE team), round robin inside the team
--   5. "sdr pool"          everyone else -> the SDR team, lowest count first
--
-- Rules 2-4 pass a lead on to the next rule when their rep is unavailable
-- (overflow = "next"); the SDR pool sends it to the "Unassigned" queue.
-- Reps take at most `capacity` leads per day (UTC days, or the calendar's
-- local days when one is given).  Inactive reps and reps out of office on
-- the lead's date are skipped.  Every assignment carries its trail.
--
-- As a module:
--   local routing = require("routing")
--   local router = routing.router{caps = {day = 10}}   -- overrides, optional
--   local res = router:route(revl.leads:where{status = "New"})
--   res:by_owner():to_csv("assignments_by_rep.csv")
--
-- As a playbook (routes the leads created after the last one routed,
-- continuing from OUT/routing_state.json when it exists; writes
-- OUT/routing.csv and the new state):
--   revl run rules/routing.lua --data DIR --as-of DATE --out OUT
-- `--set fresh=1` ignores a saved state.
local M = {}

-- country -> region, for the territory map
M.REGIONS = {
  NA = { "US", "CA" },
  LATAM = { "BR", "MX", "AR" },
  EMEA = { "GB", "DE", "FR", "NL", "ES", "IT", "SE", "NO", "DK", "FI", "IE", "CH", "AT", "BE",
           "PL", "PT", "ZA", "AE", "IL" },
  APAC = { "AU", "NZ", "JP", "SG", "IN", "KR" },
}
-- region -> AE teams in order of preference
M.TEAMS = {
  NA = { "AE East", "AE West" },
  LATAM = { "AE West", "AE East" },
  EMEA = { "AE EMEA", "AE East" },
  APAC = { "AE APAC", "AE West", "AE East" },
}

local function teams_present()
  local present = {}
  if revl.reps then
    for team, active in revl.reps:rows("team", "active") do
      if team and active ~= false then present[team] = true end
    end
  end
  return present
end

-- The territory map for the teams that have reps: {country = {US = "AE East", ...}}
function M.territory()
  local present = teams_present()
  local map = {}
  for region, countries in pairs(M.REGIONS) do
    local team
    for _, candidate in ipairs(M.TEAMS[region]) do
      if present[candidate] then team = candidate; break end
    end
    if team then
      for _, c in ipairs(countries) do map[c] = team end
    end
  end
  return { country = map }
end

-- The router; `opts` overrides top-level options (name, caps, calendar,
-- fallback, records) and may add rules in front (opts.first = {rules}).
function M.router(opts)
  opts = opts or {}
  local present = teams_present()
  local rules = {}
  for _, r in ipairs(opts.first or {}) do rules[#rules + 1] = r end
  rules[#rules + 1] = { name = "partner leads", when = { source = "Partner" }, queue = "Partner desk" }
  if revl.accounts then
    rules[#rules + 1] = { name = "known account", account_owner = true, overflow = "next" }
  end
  rules[#rules + 1] = { name = "lead owner", owner_field = "owner", overflow = "next" }
  local terr = M.territory()
  if next(terr.country) then
    rules[#rules + 1] = { name = "territory", territory = terr, overflow = "next" }
  end
  if present["SDR"] then
    rules[#rules + 1] = { name = "sdr pool", team = "SDR", mode = "lowest" }
  end
  return revl.router {
    name = opts.name or "inbound leads",
    records = opts.records or "leads",
    calendar = opts.calendar,
    caps = opts.caps or { day = "capacity" },
    rules = rules,
    fallback = opts.fallback or "Unassigned",
  }
end

-- Route, print a summary, write the assignments and the state.
function M.run(opts)
  opts = opts or {}
  local router = M.router(opts)
  local state = opts.state or "routing_state.json"
  if not revl.params.fresh then
    local ok, err = pcall(router.load_state, router, state)
    if ok then
      print(("continuing from %s"):format(state))
    elseif not tostring(err):find("cannot read") then
      print(("starting afresh: %s"):format(err))
    end
  end
  -- only the leads after the last one routed by the saved state
  local res = router:route(router:pending(opts.view))
  print(("%d leads routed by %s"):format(#res, tostring(router)))
  print("")
  print("assignments by rule")
  revl.show(res:by_rule())
  print("")
  print("assignments by rep")
  revl.show(res:by_owner(), { rows = 40 })
  res:to_csv("routing.csv")
  router:save_state(state)
  return res
end

if select("#", ...) == 0 then M.run() end
return M
